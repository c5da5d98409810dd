"""Bad input: every case builds its own bad file, runs `extract` on it beside a good file,
and expects one stderr line with the documented error code, exit status 1, and the good
file still extracted."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ofsted_findings.cli.app import app
from ofsted_findings.errors import ErrorCode
from pdf_factory import encrypted_pdf, image_only_pdf, simple_pdf

PASSWORD = "s3cret"
GOOD_TEXT = "Inspection of Testshire children's services.\n\nChildren are safe and well supported.\n"


def _truncated_pdf() -> bytes:
    data = simple_pdf(pages=3)
    return data[: len(data) // 3]


def _html_page() -> bytes:
    return b"<!DOCTYPE html>\n<html><head><title>Ofsted report</title></head><body>Not a PDF</body></html>\n"


def _cp1252_text() -> bytes:
    return "Children\u2019s services in Testshire \u2013 caf\u00e9 visit.\n".encode("cp1252")


def _binary_junk() -> bytes:
    return bytes(range(256)) * 8


# (file name, how to build its bytes, extra CLI options, expected error code)
BAD_INPUTS = [
    pytest.param("report.pdf", _html_page, [], ErrorCode.MISLABELLED, id="html-named-pdf"),
    pytest.param("truncated.pdf", _truncated_pdf, [], ErrorCode.BROKEN_PDF, id="truncated-pdf"),
    pytest.param(
        "locked.pdf",
        lambda: encrypted_pdf(PASSWORD),
        [],
        ErrorCode.ENCRYPTED,
        id="encrypted-no-password",
    ),
    pytest.param(
        "locked.pdf",
        lambda: encrypted_pdf(PASSWORD),
        ["--password", "wrong"],
        ErrorCode.BAD_PASSWORD,
        id="encrypted-wrong-password",
    ),
    pytest.param("scan.pdf", image_only_pdf, [], ErrorCode.NO_TEXT_LAYER, id="no-text-layer"),
    pytest.param("empty.pdf", lambda: b"", [], ErrorCode.EMPTY_FILE, id="zero-byte-pdf"),
    pytest.param("empty.txt", lambda: b"", [], ErrorCode.EMPTY_FILE, id="zero-byte-txt"),
    pytest.param(
        "long.pdf",
        lambda: simple_pdf(pages=4),
        ["--max-pages", "3"],
        ErrorCode.TOO_MANY_PAGES,
        id="too-many-pages",
    ),
    pytest.param("latin.txt", _cp1252_text, [], ErrorCode.NOT_UTF8, id="text-not-utf8"),
    pytest.param("junk.pdf", _binary_junk, [], ErrorCode.MISLABELLED, id="binary-junk-named-pdf"),
    pytest.param(
        "junk.txt",
        _binary_junk,
        [],
        ErrorCode.UNSUPPORTED_TYPE,
        id="binary-junk-named-txt",
    ),
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize(("name", "build", "options", "code"), BAD_INPUTS)
def test_bad_input_fails_alone_and_batch_continues(
    tmp_path: Path,
    runner: CliRunner,
    name: str,
    build: Callable[[], bytes],
    options: list[str],
    code: ErrorCode,
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / name).write_bytes(build())
    (inputs / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["extract", str(inputs), "--out", str(out), "--workers", "1", *options])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error " in line]
    assert len(errors) == 1
    assert errors[0].startswith(f"{inputs / name}: error {code.value}: ")
    assert "Traceback" not in result.stderr
    written = json.loads((out / "good.json").read_text(encoding="utf-8"))
    assert written["source"]["name"] == "good.txt"
    assert not (out / f"{Path(name).stem}.json").exists()


def test_bad_input_on_stdout_batch_keeps_good_documents(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "a.pdf").write_bytes(_html_page())
    (tmp_path / "b.txt").write_text(GOOD_TEXT, encoding="utf-8")
    result = runner.invoke(
        app,
        ["extract", str(tmp_path / "a.pdf"), str(tmp_path / "b.txt"), "--workers", "1"],
    )
    assert result.exit_code == 1
    documents = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert [doc["source"]["name"] for doc in documents] == ["b.txt"]


def test_encrypted_pdf_opens_with_its_password(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted_pdf(PASSWORD))
    result = runner.invoke(app, ["extract", str(path), "--password", PASSWORD])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert "Testshire" in document["text"]


def test_missing_file_is_reported(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract", str(tmp_path / "nope.pdf")])
    assert result.exit_code == 1
    assert f"error {ErrorCode.NOT_FOUND.value}:" in result.stderr


def test_usage_error_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract", "--workers", "-1", "x.pdf"])
    assert result.exit_code == 2
