"""Inputs and outputs of a batch: finding the files, naming their outputs, writing them safely."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from ofsted_findings.errors import display_name

logger = logging.getLogger(__name__)

SUFFIXES = (".pdf", ".txt")
STDIN = "-"


def discover(
    paths: list[str], on_error: Callable[[str], None] | None = None, unlisted: list[str] | None = None
) -> list[str]:
    """Expand directories (recursively, ``.pdf`` and ``.txt``, sorted); keep files and '-' as given.

    A folder that cannot be listed (permission denied) is not skipped in silence: its error
    line goes to ``on_error`` (by default, a logged warning), its path is added to
    ``unlisted``, and the caller counts it as a failed input. Symbolic links to folders are
    not followed (no loops)."""
    report = on_error or (lambda line: logger.warning("%s", line))
    found: list[str] = []
    for raw in paths:
        path = Path(raw)
        if raw != STDIN and path.is_dir():
            files: list[Path] = []

            def unreadable(exc: OSError) -> None:
                report(_unlistable(exc))
                if unlisted is not None:
                    unlisted.append(str(exc.filename))

            for folder, _, names in os.walk(path, onerror=unreadable):
                files.extend(
                    Path(folder) / name
                    for name in names
                    if Path(name).suffix.lower() in SUFFIXES and (Path(folder) / name).is_file()
                )
            found.extend(str(item) for item in sorted(files))
        else:
            found.append(raw)
    return found


def _unlistable(exc: OSError) -> str:
    from ofsted_findings.errors import ErrorCode, InputError

    code = ErrorCode.PERMISSION_DENIED if isinstance(exc, PermissionError) else ErrorCode.NOT_FOUND
    reason = exc.strerror or type(exc).__name__
    return InputError(code, f"the folder cannot be listed ({reason})", "Check its permissions").line(str(exc.filename))


def output_names(inputs: list[str]) -> dict[str, str]:
    """A distinct output file name for every input, made in three steps:

    1. ``<stem>.json`` (``letter.pdf`` -> ``letter.json``; standard input is ``stdin.json``);
    2. inputs that share a stem keep their extension (``a.pdf`` and ``a.txt`` -> ``a.pdf.json``,
       ``a.txt.json``);
    3. inputs whose names are still the same (``d1/a.txt`` and ``d2/a.txt``, or ``b.pdf`` beside
       ``b.pdf.txt``) add the first 8 hex digits of the sha256 of the path as given
       (``a.txt-1b2c3d4e.json``).

    The same input list always gives the same names. The same path given twice is one input."""
    unique = list(dict.fromkeys(inputs))
    stems: dict[str, int] = {}
    for item in unique:
        stem = "stdin" if item == STDIN else Path(item).stem
        stems[stem] = stems.get(stem, 0) + 1
    first: dict[str, str] = {}
    for item in unique:
        if item == STDIN:
            first[item] = "stdin.json"
            continue
        path = Path(item)
        first[item] = f"{path.name}.json" if stems[path.stem] > 1 else f"{path.stem}.json"
    counts: dict[str, int] = {}
    for name in first.values():
        counts[name] = counts.get(name, 0) + 1
    names: dict[str, str] = {}
    for item, name in first.items():
        if counts[name] > 1:
            digest = hashlib.sha256(item.encode("utf-8", "surrogateescape")).hexdigest()[:8]
            name = f"{name.removesuffix('.json')}-{digest}.json"
        names[item] = name
    return names


def default_file_mode() -> int:
    """0666 less the process umask, as ``open()`` would create a file."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a file is never left half-written.

    The temporary file has a short name of its own (``.ofsted-XXXXXXXX.tmp``), so an output
    name close to the file system's limit does not fail on its temporary name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".ofsted-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            if not text.endswith("\n"):
                stream.write("\n")
        os.chmod(temporary, default_file_mode())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def move_atomic(source: Path, path: Path) -> None:
    """Move a finished file (a spooled output) to ``path`` in one step, copying it via a
    temporary file beside ``path`` when the two are on different file systems."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(source, default_file_mode())
    try:
        os.replace(source, path)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".ofsted-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream, source.open("rb") as original:
            shutil.copyfileobj(original, stream, 1 << 20)
        os.chmod(temporary, default_file_mode())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    source.unlink(missing_ok=True)


def write_error(item: str, target: Path, exc: OSError) -> str:
    """The one error line for an output that could not be written (the batch goes on)."""
    from ofsted_findings.errors import ErrorCode, InputError

    reason = exc.strerror or type(exc).__name__
    if exc.errno == errno.ENAMETOOLONG:
        remedy = "Rename the input: its output name is longer than the file system allows"
    elif exc.errno == errno.ENOSPC:
        remedy = "Free some disk space, or give another --out"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        remedy = "Give an --out folder you can write to"
    elif exc.errno in (errno.EISDIR, errno.ENOTDIR):
        remedy = "Remove what is in the way, or give another --out"
    else:
        remedy = "Check the --out folder"
    cause = f"the output {display_name(str(target))} cannot be written ({reason})"
    return InputError(ErrorCode.WRITE_FAILED, cause, remedy).line("stdin" if item == STDIN else item)
