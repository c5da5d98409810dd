"""What a new user meets first: the terminal summary of `extract` and `build` on an empty folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ofsted_findings.cli import extraction
from ofsted_findings.cli.app import app

SAMPLE = "focused-visit_invented.txt"


def test_extract_prints_a_summary_on_a_terminal(samples_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extraction, "stdout_is_terminal", lambda: True)
    result = CliRunner().invoke(app, ["extract", str(samples_dir / SAMPLE), "-w", "1"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{SAMPLE}: focused visit")
    assert any(line.startswith("  dates: letter ") for line in lines)
    assert any(line.startswith("  judgements: ") for line in lines)
    assert any("findings (" in line and "figures" in line for line in lines)
    assert sum(1 for line in lines if line.startswith(("  strength (p.", "  weakness (p."))) == 4
    assert "--format json" in result.stdout and "--out DIR" in result.stdout
    assert len(result.stdout) < 2000 and "{" not in lines[0]


@pytest.mark.parametrize(
    "extra",
    [pytest.param(["--format", "json"], id="format-json"), pytest.param(["--format", "jsonl"], id="format-jsonl")],
)
def test_extract_keeps_json_when_asked(samples_dir: Path, monkeypatch: pytest.MonkeyPatch, extra: list[str]) -> None:
    monkeypatch.setattr(extraction, "stdout_is_terminal", lambda: True)
    result = CliRunner().invoke(app, ["extract", str(samples_dir / SAMPLE), "-w", "1", *extra])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["source"]["name"] == SAMPLE


def test_extract_to_a_pipe_is_json(samples_dir: Path) -> None:
    result = CliRunner().invoke(app, ["extract", str(samples_dir / SAMPLE), "-w", "1"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["source"]["name"] == SAMPLE


def test_extract_to_a_folder_writes_json_from_a_terminal(
    samples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extraction, "stdout_is_terminal", lambda: True)
    result = CliRunner().invoke(app, ["extract", str(samples_dir / SAMPLE), "-w", "1", "--out", str(tmp_path)])
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads((tmp_path / "focused-visit_invented.json").read_text(encoding="utf-8"))["findings"]


def test_build_on_a_folder_without_documents_exits_1(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.docx").write_bytes(b"not a pdf")
    db_path = tmp_path / "empty.duckdb"
    result = CliRunner().invoke(app, ["build", str(empty), "--db", str(db_path)])
    assert result.exit_code == 1
    assert "no .pdf or .txt files" in result.stderr and not db_path.exists()
