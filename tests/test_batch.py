"""Batch runs: discovery, output names, order and error isolation with parallel workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from ofsted_findings.batch.files import discover, output_names, write_atomic
from ofsted_findings.batch.runner import run_many
from ofsted_findings.errors import ErrorCode
from ofsted_findings.ruleset import RuleSet

GOOD = "Inspection of Testshire children's services.\n\nChildren are safe.\n"


def test_discover_recurses_sorted_and_filters(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    for name in ("b/z.pdf", "a.txt", "notes.md", "b/c.TXT"):
        (tmp_path / name).write_text("x")
    found = [Path(item).relative_to(tmp_path).as_posix() for item in discover([str(tmp_path)])]
    assert found == ["a.txt", "b/c.TXT", "b/z.pdf"]


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        pytest.param(["x/a.pdf", "y/b.txt"], ["a.json", "b.json"], id="distinct-stems"),
        pytest.param(["x/a.pdf", "y/a.txt"], ["a.pdf.json", "a.txt.json"], id="shared-stem"),
        pytest.param(["-"], ["stdin.json"], id="stdin"),
    ],
)
def test_output_names(inputs: list[str], expected: list[str]) -> None:
    names = output_names(inputs)
    assert [names[item] for item in inputs] == expected


def test_parallel_run_keeps_input_order_and_isolates_failures(tmp_path: Path) -> None:
    inputs = []
    for index in range(4):
        path = tmp_path / f"doc{index}.txt"
        path.write_text(GOOD, encoding="utf-8")
        inputs.append(str(path))
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"<html></html>")
    inputs.insert(2, str(bad))
    seen: list[str] = []
    outcomes = list(
        run_many(
            inputs,
            RuleSet.default(),
            workers=2,
            on_done=lambda outcome: seen.append(outcome.input),
        )
    )
    assert [outcome.input for outcome in outcomes] == inputs
    assert sorted(seen) == sorted(inputs)
    assert outcomes[2].code is ErrorCode.MISLABELLED
    assert all(outcome.json_text for index, outcome in enumerate(outcomes) if index != 2)


def test_write_atomic_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "out" / "a.json"
    write_atomic(target, "{}")
    assert target.read_text() == "{}\n"
    assert [item.name for item in target.parent.iterdir()] == ["a.json"]


def test_written_files_have_ordinary_permissions(tmp_path: Path) -> None:
    import os
    import stat

    mask = os.umask(0o022)
    try:
        target = tmp_path / "out" / "a.json"
        write_atomic(target, "{}")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) & 0o044 == 0o044  # readable by group and others
