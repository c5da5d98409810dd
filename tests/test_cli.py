"""The `ofsted-findings` command: outputs, formats, stdin, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ofsted_findings.cli.app import app

runner = CliRunner()


def test_help_lists_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "extract" in result.stdout and "schema" in result.stdout


@pytest.mark.parametrize("command", ["extract", "schema"])
def test_every_command_has_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.stdout


def test_single_input_prints_pretty_json(samples_dir: Path) -> None:
    result = runner.invoke(
        app,
        ["extract", str(samples_dir / "focused-visit_invented.txt"), "--workers", "1"],
    )
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["source"]["name"] == "focused-visit_invented.txt"
    assert result.stdout.startswith("{\n")


def test_several_inputs_print_json_lines(samples_dir: Path) -> None:
    result = runner.invoke(app, ["extract", str(samples_dir), "--workers", "1"])
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(d["source"]["name"] for d in lines) == [
        "focused-visit_invented.pdf",
        "focused-visit_invented.txt",
        "monitoring-visit_invented.pdf",
        "monitoring-visit_invented.txt",
    ]


def test_format_option_overrides(samples_dir: Path) -> None:
    result = runner.invoke(
        app,
        [
            "extract",
            str(samples_dir / "focused-visit_invented.txt"),
            "--format",
            "jsonl",
        ],
    )
    assert result.exit_code == 0
    assert len(result.stdout.strip().splitlines()) == 1


def test_out_directory_writes_one_file_per_input(samples_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["extract", str(samples_dir), "--out", str(tmp_path / "out"), "--workers", "2"],
    )
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    # the .pdf and .txt of a letter share a stem, so both keep their extension
    assert names == [
        "focused-visit_invented.pdf.json",
        "focused-visit_invented.txt.json",
        "monitoring-visit_invented.pdf.json",
        "monitoring-visit_invented.txt.json",
    ]
    assert result.stdout == ""


def test_stdin(samples_dir: Path) -> None:
    data = (samples_dir / "focused-visit_invented.txt").read_bytes()
    result = runner.invoke(app, ["extract", "-"], input=data)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["source"]["name"] == "stdin"


def test_same_bytes_give_identical_json_from_any_path(
    samples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "elsewhere" / "focused-visit_invented.pdf"
    copy.parent.mkdir()
    shutil.copy(samples_dir / "focused-visit_invented.pdf", copy)
    first = runner.invoke(app, ["extract", str(samples_dir / "focused-visit_invented.pdf")])
    monkeypatch.chdir(copy.parent)
    second = runner.invoke(app, ["extract", "focused-visit_invented.pdf"])
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout


def test_missing_file_fails_with_one_line_and_others_still_run(samples_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "extract",
            str(tmp_path / "missing.pdf"),
            str(samples_dir / "focused-visit_invented.txt"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and "missing.pdf: error not_found" in errors[0]
    assert (out / "focused-visit_invented.json").is_file()


def test_schema_command_prints_json_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "Document"


def test_usage_error_exits_2() -> None:
    result = runner.invoke(app, ["extract", "--format", "xml", "x.pdf"])
    assert result.exit_code == 2
