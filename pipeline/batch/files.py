"""Inputs and outputs of a batch: finding the files, naming their outputs, writing them safely."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)

SUFFIXES = (".pdf", ".txt")
STDIN = "-"


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
