"""Inputs an attacker or an unlucky user would try: nothing stalls, nothing already written is
lost, every failure is one line naming the file, the cause and what to do, and the rest of a
batch goes on. Every input is built in the test."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ofsted_findings.api import Pipeline
from ofsted_findings.batch import files as batch_files
from ofsted_findings.cli import extraction
from ofsted_findings.cli.app import app
from ofsted_findings.errors import ErrorCode
from ofsted_findings.serialize import to_json
from pdf_factory import encrypted_pdf, simple_pdf

GOOD_TEXT = "Inspection of Testshire children's services.\n\nChildren are safe and well supported.\n"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": error " in line]


def _extract(runner: CliRunner, *args: str) -> tuple[int, list[str], str]:
    result = runner.invoke(app, ["extract", *args, "--workers", "1"])
    assert "Traceback" not in result.stderr
    return result.exit_code, _errors(result.stderr), result.stdout


def _good(folder: Path, name: str = "good.txt") -> Path:
    path = folder / name
    path.write_text(GOOD_TEXT, encoding="utf-8")
    return path


# --- 2. output names ---------------------------------------------------------------------


def test_inputs_with_the_same_name_in_two_folders_get_two_outputs(tmp_path: Path, runner: CliRunner) -> None:
    for folder in ("d1", "d2"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.txt").write_text(GOOD_TEXT.replace("Testshire", folder), encoding="utf-8")
    out = tmp_path / "out"
    code, errors, _ = _extract(
        runner, str(tmp_path / "d1" / "a.txt"), str(tmp_path / "d2" / "a.txt"), "--out", str(out)
    )
    assert code == 0 and not errors
    written = sorted(out.glob("*.json"))
    assert len(written) == 2
    texts = {json.loads(path.read_text(encoding="utf-8"))["text"] for path in written}
    assert len(texts) == 2  # neither overwrote the other


def test_pdf_txt_and_pdf_txt_names_do_not_collide(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "b.pdf").write_bytes(simple_pdf())
    _good(tmp_path, "b.txt")
    _good(tmp_path, "b.pdf.txt")
    out = tmp_path / "out"
    code, errors, _ = _extract(runner, str(tmp_path), "--out", str(out))
    assert code == 0 and not errors
    names = sorted(json.loads(path.read_text(encoding="utf-8"))["source"]["name"] for path in out.glob("*.json"))
    assert names == ["b.pdf", "b.pdf.txt", "b.txt"]


# --- 3. long documents -------------------------------------------------------------------


def _long_letter(paragraphs: int) -> str:
    parts = ["Inspection of Testshire children's services"]
    for number in range(paragraphs):
        if number % 40 == 0:
            parts.append(f"What needs to improve in area {number // 40}")
        parts.append(
            f"Managers do not always oversee plans effectively, and {number % 90 + 5}% of the {number + 12} "
            "plans seen lacked a clear timescale. Leaders have improved the quality of practice for care leavers."
        )
    return "\n\n".join(parts) + "\n"


def test_a_text_longer_than_spacys_max_length_is_extracted(tmp_path: Path, runner: CliRunner) -> None:
    text = _long_letter(6000)
    assert len(text) > 1_000_000
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code, errors, _ = _extract(runner, str(path), "--out", str(out))
    assert code == 0 and not errors
    document = json.loads((out / "long.json").read_text(encoding="utf-8"))
    assert len(document["findings"]) > 6000
    for item in document["findings"] + document["metrics"] + document["sentences"]:
        assert document["text"][item["start"] : item["end"]] == item.get(
            "text", document["text"][item["start"] : item["end"]]
        )


@pytest.mark.parametrize("indent", [2, None])
def test_pieces_give_the_same_document_as_one_doc(samples_dir: Path, indent: int | None) -> None:
    whole = Pipeline()
    pieces = Pipeline()
    pieces.chunk_chars = 1500  # every sample is cut into several pieces
    for sample in sorted(samples_dir.glob("*_invented.*")):
        ingested = whole.ingest(sample)
        expected = to_json(whole.process(ingested), indent=indent)
        assert to_json(pieces.process(ingested), indent=indent) == expected, sample.name
        stream = io.StringIO()
        pieces.write_json(ingested, stream, indent=indent)
        assert stream.getvalue() == expected, sample.name


def test_a_list_cut_between_pieces_keeps_its_section(pipeline: Pipeline) -> None:
    items = "\n".join(f"\u2022 the quality of plan number {n} for children in care" for n in range(400))
    text = f"Inspection of Testshire children's services\n\nWhat needs to improve\n\n{items}\n"
    whole = pipeline.extract(text)
    pieces = Pipeline()
    pieces.chunk_chars = 5000
    cut = pieces.extract(text)
    assert to_json(cut) == to_json(whole)
    assert len(whole.findings) == 400 and {finding.polarity for finding in whole.findings} == {"weakness"}


def test_one_endless_line_is_cut_between_sentences() -> None:
    pieces = Pipeline()
    pieces.chunk_chars = 20_000
    text = "Leaders have improved the quality of practice for children in care. " * 2000
    document = pieces.extract(text)
    assert len(document.sentences) == 2000
    assert all(document.text[f.start : f.end] == f.text for f in document.findings)


def test_a_long_input_is_spooled_not_passed_between_processes(tmp_path: Path, runner: CliRunner) -> None:
    text = _long_letter(2500)  # beyond CHUNK_CHARS: written by the worker to a file, then moved
    path = tmp_path / "spooled.txt"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code, errors, stdout = _extract(runner, str(path), "--out", str(out))
    assert code == 0 and not errors
    expected = to_json(Pipeline().extract(path)) + "\n"
    assert (out / "spooled.json").read_text(encoding="utf-8") == expected
    code, errors, stdout = _extract(runner, str(path))
    assert stdout == expected
    assert not [name for name in os.listdir(out) if name.startswith(".ofsted-")]


# --- 4. write errors ---------------------------------------------------------------------


def test_a_stem_close_to_the_name_limit_is_written(tmp_path: Path, runner: CliRunner) -> None:
    path = _good(tmp_path, "x" * 250 + ".txt")  # its output name is 255 bytes, the limit
    out = tmp_path / "out"
    code, errors, _ = _extract(runner, str(path), "--out", str(out))
    assert code == 0 and not errors
    assert (out / ("x" * 250 + ".json")).is_file()


def test_write_errors_are_one_line_each_and_the_batch_goes_on(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    too_long = _good(inputs, "a" * 251 + ".txt")  # the output name would be 256 bytes
    _good(inputs, "b_disk_full.txt")
    _good(inputs, "c_in_the_way.txt")
    _good(inputs, "d_good.txt")
    out = tmp_path / "out"
    (out / "c_in_the_way.json").mkdir(parents=True)  # a directory where the output should go
    real = batch_files.write_atomic

    def full_disk(target: Path, text: str) -> None:
        if target.name == "b_disk_full.json":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        real(target, text)

    monkeypatch.setattr(extraction, "write_atomic", full_disk)
    code, errors, _ = _extract(runner, str(inputs), "--out", str(out))
    assert code == 1
    assert len(errors) == 3
    assert all(f": error {ErrorCode.WRITE_FAILED.value}: " in line for line in errors)
    assert errors[0].startswith(str(too_long)) and "longer than the file system allows" in errors[0]
    assert "disk space" in errors[1] and "Remove what is in the way" in errors[2]
    assert (out / "d_good.json").is_file()


def test_an_out_folder_that_is_a_file_fails_each_input_on_one_line(tmp_path: Path, runner: CliRunner) -> None:
    _good(tmp_path, "one.txt")
    _good(tmp_path, "two.txt")
    blocker = tmp_path / "out"
    blocker.write_text("not a folder", encoding="utf-8")
    target = blocker / "sub"  # cannot be made: its parent is a file
    code, errors, _ = _extract(runner, str(tmp_path / "one.txt"), str(tmp_path / "two.txt"), "--out", str(target))
    assert code == 1 and len(errors) == 2
    assert all(f"error {ErrorCode.WRITE_FAILED.value}" in line for line in errors)


# --- 5. memory and time limits -----------------------------------------------------------


def test_special_files_are_refused_before_they_are_read(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "fifo.txt")
    _good(tmp_path)
    start = time.monotonic()
    code, errors, _ = _extract(
        runner, str(tmp_path / "zero.txt"), str(tmp_path / "fifo.txt"), str(tmp_path / "good.txt")
    )
    assert time.monotonic() - start < 60
    assert code == 1 and len(errors) == 2
    assert "device" in errors[0] and "named pipe" in errors[1]
    assert all(f"error {ErrorCode.NOT_A_FILE.value}" in line for line in errors)


def test_stdin_is_read_with_a_size_limit(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ofsted_findings", "extract", "-", "--max-bytes", "1000"],
        input=b"x" * 5000,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.decode().startswith(f"stdin: error {ErrorCode.TOO_LARGE.value}: ")


def test_a_closed_stdin_is_one_line() -> None:
    result = subprocess.run(
        ["sh", "-c", f"'{sys.executable}' -m ofsted_findings extract - 0<&-"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert len(_errors(result.stderr)) == 1 and "Traceback" not in result.stderr


def test_form_feeds_count_against_max_pages(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "feeds.txt"
    path.write_bytes(b"Children are safe.\n" + b"\f" * 1_000_000)
    start = time.monotonic()
    code, errors, _ = _extract(runner, str(path))
    assert time.monotonic() - start < 60
    assert code == 1 and f"error {ErrorCode.TOO_MANY_PAGES.value}" in errors[0]
    assert "1,000,001" in errors[0] or "1000001" in errors[0]


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of the given objects (1 is the catalog), with a correct cross-reference table."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"


def _flate_bomb(megabytes: int) -> bytes:
    """A one-page PDF whose content stream inflates from about 1 MB to ``megabytes`` MB."""
    compressor = zlib.compressobj(9)
    block = b" " * (1 << 20)
    data = b"".join(compressor.compress(block) for _ in range(megabytes)) + compressor.flush()
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>"
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return _pdf([CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page, stream])


@pytest.mark.slow
def test_a_flate_bomb_hits_the_memory_limit_and_the_batch_goes_on(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "bomb.pdf").write_bytes(_flate_bomb(1536))
    _good(tmp_path, "zz_good.txt")
    out = tmp_path / "out"
    code, errors, _ = _extract(runner, str(tmp_path), "--out", str(out), "--max-memory", "1024")
    assert code == 1 and len(errors) == 1
    assert f"error {ErrorCode.OUT_OF_MEMORY.value}" in errors[0] and "--max-memory" in errors[0]
    assert (out / "zz_good.json").is_file()


@pytest.mark.slow
def test_the_time_limit_stops_one_input_and_the_batch_goes_on(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "slow.txt").write_text(_long_letter(4000), encoding="utf-8")
    _good(tmp_path, "zz_good.txt")
    out = tmp_path / "out"
    code, errors, _ = _extract(runner, str(tmp_path), "--out", str(out), "--timeout", "1")
    assert code == 1 and len(errors) == 1
    assert errors[0].startswith(str(tmp_path / "slow.txt")) and f"error {ErrorCode.TIMEOUT.value}" in errors[0]
    assert (out / "zz_good.json").is_file()


# --- 6. spreadsheet formulas -------------------------------------------------------------


def test_csv_text_cells_that_look_like_formulas_are_neutralised(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, samples_dir: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    text = (samples_dir / "focused-visit_invented.txt").read_text(encoding="utf-8")
    Path("=HYPERLINK(1).txt").write_text(text, encoding="utf-8")
    Path("+plus.txt").write_text(text.replace("Testshire", "Plusshire"), encoding="utf-8")
    result = runner.invoke(app, ["build", ".", "--db", "data.duckdb", "--export", "csv", "export", "-q", "-w", "1"])
    assert result.exit_code == 0, result.stderr
    cells = []
    for table in Path("export").glob("*.csv"):
        with table.open(encoding="utf-8", newline="") as stream:
            cells += [cell for row in csv.reader(stream) for cell in row]
    assert "'=HYPERLINK(1).txt" in cells and "'+plus.txt" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@") or (cell[:1] == "-" and not _number(cell))]
    compared = runner.invoke(app, ["compare", "metrics", "--db", "data.duckdb", "--subject", "care plan", "--csv"])
    assert compared.exit_code == 0
    rows = list(csv.reader(io.StringIO(compared.stdout)))
    assert {"'=HYPERLINK(1).txt", "'+plus.txt"} & {cell for row in rows for cell in row}
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "@")]


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


# --- 7. orphaned workers -----------------------------------------------------------------


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers die with their parent on Linux")
def test_killing_a_run_leaves_no_worker_behind(tmp_path: Path) -> None:
    for number in range(4):
        (tmp_path / f"slow{number}.txt").write_text(_long_letter(3000), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "ofsted_findings", "extract", str(tmp_path), "--out", str(tmp_path / "out"), "-w", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 3:  # the forkserver and two workers
        time.sleep(0.5)
        workers = _descendants(process.pid)
    assert len(workers) >= 3, "the workers did not start"
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.5)
    assert not [pid for pid in workers if _alive(pid)]


# --- 8. passwords ------------------------------------------------------------------------


def test_a_password_is_used_only_where_a_pdf_needs_one(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "plain.pdf").write_bytes(simple_pdf())
    (tmp_path / "locked.pdf").write_bytes(encrypted_pdf("s3cret"))
    out = tmp_path / "out"
    code, errors, _ = _extract(runner, str(tmp_path), "--out", str(out), "--password", "s3cret")
    assert code == 0 and not errors
    assert (out / "plain.json").is_file() and (out / "locked.json").is_file()


# --- 9. known causes ---------------------------------------------------------------------

PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
BROKEN_PDFS = [
    pytest.param([CATALOG, b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"], id="page-tree-loop"),
    pytest.param(
        [CATALOG, PAGES, b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>"], id="page-tree-loop-two-levels"
    ),
    pytest.param([CATALOG, PAGES], id="missing-page-object"),
    pytest.param([CATALOG, PAGES, b"42"], id="page-object-not-a-dictionary"),
    pytest.param([b"<< /Type /Catalog >>"], id="no-page-tree"),
    pytest.param([CATALOG, b"<< /Type /Pages /Kids [] /Count 100000000 >>"], id="page-count-lies"),
]


@pytest.mark.parametrize("objects", BROKEN_PDFS)
def test_damaged_page_trees_are_broken_pdf(tmp_path: Path, runner: CliRunner, objects: list[bytes]) -> None:
    (tmp_path / "damaged.pdf").write_bytes(_pdf(objects))
    _good(tmp_path)
    code, errors, _ = _extract(runner, str(tmp_path / "damaged.pdf"), str(tmp_path / "good.txt"))
    assert code == 1 and len(errors) == 1
    assert f"error {ErrorCode.BROKEN_PDF.value}" in errors[0] and "Success" not in errors[0]


def test_a_symlink_loop_is_named_not_internal(tmp_path: Path, runner: CliRunner) -> None:
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    code, errors, _ = _extract(runner, str(loop))
    assert code == 1 and len(errors) == 1
    assert f"error {ErrorCode.NOT_FOUND.value}" in errors[0] and "cannot be reached" in errors[0]


def test_an_unreadable_file_is_permission_denied(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ofsted_findings.ingest.reader import read_input

    path = _good(tmp_path, "secret.txt")
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "secret.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(Exception) as caught:
        read_input(path)
    assert getattr(caught.value, "code", None) is ErrorCode.PERMISSION_DENIED


def test_an_unreadable_subfolder_is_reported_not_skipped(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "locked").mkdir()
    _good(tmp_path / "locked", "hidden.txt")
    _good(tmp_path)
    real_walk = os.walk

    def walk(top: Path, onerror: object = None, **kwargs: object) -> object:
        for folder, dirs, names in real_walk(top, onerror=onerror, **kwargs):  # type: ignore[call-overload]
            if Path(folder).name == "locked":
                onerror(PermissionError(errno.EACCES, "Permission denied", folder))  # type: ignore[operator]
                continue
            yield folder, dirs, names

    monkeypatch.setattr(batch_files.os, "walk", walk)
    out = tmp_path / "out"
    code, errors, _ = _extract(runner, str(tmp_path), "--out", str(out))
    assert code == 1 and len(errors) == 1
    assert errors[0].startswith(str(tmp_path / "locked")) and ErrorCode.PERMISSION_DENIED.value in errors[0]
    assert (out / "good.json").is_file()


# --- 10. one line, never a traceback -----------------------------------------------------


def _hold_lock(db: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
    return holder


def test_a_database_held_by_another_build_is_one_line(tmp_path: Path, runner: CliRunner) -> None:
    db = tmp_path / "data.duckdb"
    duckdb.connect(str(db)).close()
    _good(tmp_path)
    holder = _hold_lock(db)
    try:
        for args in (
            ["build", str(tmp_path / "good.txt"), "--db", str(db), "-q"],
            ["compare", "judgements", "--db", str(db)],
        ):
            result = runner.invoke(app, args)
            assert result.exit_code == 1, args
            assert result.stderr.startswith(
                f"{db}: error {ErrorCode.DATASET.value}: the database is in use by another process"
            )
            assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("command", ["build", "compare", "report"])
def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path, runner: CliRunner, command: str) -> None:
    db = tmp_path / "garbage.duckdb"
    db.write_bytes(os.urandom(4096))
    _good(tmp_path)
    args = {
        "build": ["build", str(tmp_path / "good.txt"), "--db", str(db), "-q"],
        "compare": ["compare", "themes", "--db", str(db)],
        "report": ["report", "--db", str(db), "--html", str(tmp_path / "r.html")],
    }[command]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert result.stderr == f"{db}: error {ErrorCode.DATASET.value}: the file is not a DuckDB database. " + (
        "Give another --db (build makes a new database where no file is)\n"
    )


def test_export_and_html_into_a_place_that_cannot_be_written_are_one_line(
    tmp_path: Path, runner: CliRunner, samples_dir: Path
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    db = tmp_path / "data.duckdb"
    sample = str(samples_dir / "focused-visit_invented.txt")
    result = runner.invoke(app, ["build", sample, "--db", str(db), "--export", "csv", str(blocker / "x"), "-q"])
    assert result.exit_code == 1 and f"error {ErrorCode.WRITE_FAILED.value}" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    for args in (
        ["report", "--db", str(db), "--html", str(blocker / "r.html")],
        ["show", sample, "--html", str(blocker / "s.html")],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, args
        assert result.stderr.startswith(
            f"{blocker / args[-1].rsplit('/', 1)[-1]}: error {ErrorCode.WRITE_FAILED.value}"
        )


def test_validity_fidelity_and_benchmark_name_bad_files(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "half.json").write_text('{"schema_version": ', encoding="utf-8")
    (tmp_path / "list.json").write_text("[]", encoding="utf-8")
    result = runner.invoke(app, ["validity", str(tmp_path / "half.json"), str(tmp_path / "list.json")])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert [line.split(": error ")[1].split(":")[0] for line in _errors(result.stderr)] == [
        "not_json",
        "not_a_document",
    ]
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 nothing else")
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 4)
    fidelity = runner.invoke(app, ["fidelity", str(tmp_path)])
    assert "Traceback" not in fidelity.stderr + fidelity.stdout and "broken_pdf" in fidelity.stdout
    bench = runner.invoke(app, ["benchmark", str(tmp_path), "-q"])
    assert bench.exit_code == 1 and "Traceback" not in bench.stderr
    assert _errors(bench.stderr)[0].startswith(f"{tmp_path / 'broken.pdf'}: error broken_pdf:")


def test_rich_markup_in_a_subject_is_printed_as_written(tmp_path: Path, runner: CliRunner, samples_dir: Path) -> None:
    db = tmp_path / "data.duckdb"
    assert runner.invoke(app, ["build", str(samples_dir), "--db", str(db), "-q"]).exit_code == 0
    result = runner.invoke(app, ["compare", "metrics", "--db", str(db), "--subject", "[bold red]plans[/]"])
    assert result.exit_code == 0, result.stderr
    assert "[bold red]plans[/]" in result.stdout


# --- 11. what a file is ------------------------------------------------------------------

TYPE_CASES = [
    pytest.param(GOOD_TEXT.encode("utf-16"), ErrorCode.NOT_UTF8, "iconv", id="utf-16-with-bom"),
    pytest.param(GOOD_TEXT.encode("utf-16-le"), ErrorCode.NOT_UTF8, "iconv", id="utf-16-without-bom"),
    pytest.param(GOOD_TEXT.encode("utf-32"), ErrorCode.NOT_UTF8, "iconv", id="utf-32"),
    pytest.param(" \n\u200b\u200b \t\n\ufeff".encode(), ErrorCode.EMPTY_FILE, "", id="only-space-and-zero-width"),
    pytest.param(GOOD_TEXT.encode() * 30 + b"\x00 later", ErrorCode.UNSUPPORTED_TYPE, "", id="nul-after-the-first-kb"),
]


@pytest.mark.parametrize(("data", "code", "hint"), TYPE_CASES)
def test_what_a_text_file_holds_decides_its_error(
    tmp_path: Path, runner: CliRunner, data: bytes, code: ErrorCode, hint: str
) -> None:
    (tmp_path / "input.txt").write_bytes(data)
    status, errors, _ = _extract(runner, str(tmp_path / "input.txt"))
    assert status == 1 and len(errors) == 1
    assert f"error {code.value}" in errors[0] and hint in errors[0]


def test_a_text_that_mentions_the_pdf_signature_is_text(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "notes.txt").write_text(
        "Notes on the file format: a PDF starts with %PDF-1.7.\n\n" + GOOD_TEXT, encoding="utf-8"
    )
    status, errors, stdout = _extract(runner, str(tmp_path / "notes.txt"))
    assert status == 0 and not errors
    assert json.loads(stdout)["source"]["media_type"].startswith("text/plain")


# --- 12. build bookkeeping ---------------------------------------------------------------


def test_every_copy_of_a_broken_file_gets_its_line_and_row(tmp_path: Path, runner: CliRunner) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("copy1.pdf", "copy2.pdf"):
        (inputs / name).write_bytes(b"%PDF-1.4 truncated")
    db = tmp_path / "data.duckdb"
    result = runner.invoke(app, ["build", str(inputs), "--db", str(db), "-q", "-w", "1"])
    assert result.exit_code == 1
    errors = _errors(result.stderr)
    assert [line.split(":")[0] for line in errors] == [str(inputs / "copy1.pdf"), str(inputs / "copy2.pdf")]
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT file_path, status FROM files ORDER BY file_path").fetchall()
    assert rows == [(str(inputs / "copy1.pdf"), "failed"), (str(inputs / "copy2.pdf"), "failed")]
    again = runner.invoke(app, ["build", str(inputs), "--db", str(db), "-q", "-w", "1"])
    assert len(_errors(again.stderr)) == 2  # known failures are reported again


def test_prune_removes_the_rows_of_deleted_files(tmp_path: Path, runner: CliRunner, samples_dir: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for sample in ("focused-visit_invented.txt", "monitoring-visit_invented.txt"):
        (inputs / sample).write_bytes((samples_dir / sample).read_bytes())
    db = tmp_path / "data.duckdb"
    assert runner.invoke(app, ["build", str(inputs), "--db", str(db), "-q"]).exit_code == 0
    (inputs / "monitoring-visit_invented.txt").unlink()
    kept = runner.invoke(app, ["build", str(inputs), "--db", str(db), "-q"])
    assert kept.exit_code == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM files").fetchone() == (2,)  # without --prune rows stay
    pruned = runner.invoke(app, ["build", str(inputs), "--db", str(db), "--prune"])
    assert pruned.exit_code == 0 and "1 removed files pruned" in pruned.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT file_path FROM files").fetchall() == [(str(inputs / "focused-visit_invented.txt"),)]
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (1,)


# --- 13. error lines ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["two\nlines.txt", "bell\x1b[31mred.txt"], ids=["newline", "escape-sequence"])
def test_names_with_control_characters_stay_on_one_escaped_line(tmp_path: Path, runner: CliRunner, name: str) -> None:
    (tmp_path / name).write_bytes(b"")
    result = runner.invoke(app, ["extract", str(tmp_path / name), "--workers", "1"])
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert "\x1b" not in result.stderr
    assert repr(str(tmp_path / name)) in result.stderr
