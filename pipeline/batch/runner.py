"""Running the pipeline over many inputs: discovery, parallel workers, safe writes."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ofsted_findings.errors import ErrorCode, InputError
from ofsted_findings.api import extract, process, to_json
from ofsted_findings.ingest.reader import DEFAULT_MAX_PAGES, ingest_bytes

logger = logging.getLogger(__name__)

SUFFIXES = (".pdf", ".txt")
STDIN = "-"
#: Worker processes are replaced after this many documents, which bounds their memory.
TASKS_PER_WORKER = 64


class Outcome(BaseModel):
    """The result of one input: its JSON, or the error line."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: str
    json_text: str | None = None
    error: str | None = None
    code: ErrorCode | None = None


def discover(paths: list[str]) -> list[str]:
    """Expand directories (recursively, ``.pdf`` and ``.txt``, sorted); keep files and '-' as given."""
    found: list[str] = []
    for raw in paths:
        path = Path(raw)
        if raw != STDIN and path.is_dir():
            found.extend(
                str(item) for item in sorted(path.rglob("*")) if item.is_file() and item.suffix.lower() in SUFFIXES
            )
        else:
            found.append(raw)
    return found


def output_names(inputs: list[str]) -> dict[str, str]:
    """``<stem>.json`` per input; inputs that share a stem keep their extension (``a.pdf.json``)."""
    stems: dict[str, int] = {}
    for item in inputs:
        stem = "stdin" if item == STDIN else Path(item).stem
        stems[stem] = stems.get(stem, 0) + 1
    names: dict[str, str] = {}
    for item in inputs:
        if item == STDIN:
            names[item] = "stdin.json"
            continue
        path = Path(item)
        names[item] = f"{path.name}.json" if stems[path.stem] > 1 else f"{path.stem}.json"
    return names


def run_one(item: str, password: str | None, max_pages: int, indent: int | None, stdin_data: bytes | None = None) -> Outcome:
    """Extract one input; never raises for bad input."""
    label = "stdin" if item == STDIN else item
    try:
        if item == STDIN:
            document = process(ingest_bytes(stdin_data or b"", "stdin", password=password, max_pages=max_pages))
        else:
            document = extract(Path(item), password=password, max_pages=max_pages)
        return Outcome(input=item, json_text=to_json(document, indent=indent))
    except InputError as exc:
        return Outcome(input=item, error=exc.line(label), code=exc.code)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop a batch
        logger.debug("unexpected failure on %s", label, exc_info=True)
        error = InputError(
            ErrorCode.INTERNAL,
            f"unexpected {type(exc).__name__}: {exc}",
            "Please report this with the file",
        )
        return Outcome(input=item, error=error.line(label), code=error.code)


def run_many(
    inputs: list[str],
    *,
    workers: int,
    password: str | None,
    max_pages: int = DEFAULT_MAX_PAGES,
    indent: int | None,
    on_done: Callable[[Outcome], None] | None = None,
) -> Iterator[Outcome]:
    """Outcomes in input order; ``on_done`` is called as each finishes (for progress)."""
    stdin_data = sys.stdin.buffer.read() if STDIN in inputs else None
    if workers <= 1 or len(inputs) <= 1:
        for item in inputs:
            outcome = run_one(item, password, max_pages, indent, stdin_data)
            if on_done:
                on_done(outcome)
            yield outcome
        return
    window = workers * 4  # bounded number of pending results held in memory
    with ProcessPoolExecutor(max_workers=workers, max_tasks_per_child=TASKS_PER_WORKER) as pool:
        pending: dict[int, Future[Outcome]] = {}
        ready: dict[int, Outcome] = {}
        next_submit = 0
        next_yield = 0
        while next_yield < len(inputs):
            while next_submit < len(inputs) and len(pending) + len(ready) < window:
                item = inputs[next_submit]
                data = stdin_data if item == STDIN else None
                pending[next_submit] = pool.submit(run_one, item, password, max_pages, indent, data)
                next_submit += 1
            done, _ = wait(pending.values(), return_when=FIRST_COMPLETED)
            for index in [i for i, future in pending.items() if future in done]:
                outcome = pending.pop(index).result()
                if on_done:
                    on_done(outcome)
                ready[index] = outcome
            while next_yield in ready:
                yield ready.pop(next_yield)
                next_yield += 1


def _default_file_mode() -> int:
    """0666 less the process umask, as ``open()`` would create a file."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a file is never left half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            if not text.endswith("\n"):
                stream.write("\n")
        os.chmod(temporary, _default_file_mode())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
