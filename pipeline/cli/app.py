"""Command-line interface: ``ofsted-findings`` (each command is a thin wrapper over the library).

Importing this module does not import spaCy: ``--help``, ``--version`` and ``schema`` stay
fast, and each command imports what it needs when it runs.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from typing import Annotated, Any, TextIO

import typer

from ofsted_findings.cli import dataset, diagnostics, evaluation, extraction, rules  # noqa: F401 - they register commands
from ofsted_findings.cli.common import app

logger = logging.getLogger(__name__)

#: Exit status when the reader of stdout goes away (``... | head``), as for SIGPIPE.
EXIT_PIPE_CLOSED = 128 + signal.SIGPIPE


def _version(value: bool) -> None:
    if value:
        from ofsted_findings import __version__

        typer.echo(f"ofsted-findings {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Structured, evidence-grounded JSON from Ofsted letters and reports on children's services."""


class PipeClosed(Exception):  # noqa: N818 - a condition, not an error
    """The reader of stdout went away (not an OSError, so click does not turn it into exit 1)."""


class _GuardedStdout:
    """stdout whose broken-pipe errors become :class:`PipeClosed`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError as exc:
            raise PipeClosed from exc

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError as exc:
            raise PipeClosed from exc

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main() -> None:
    """Console entry point: a closed stdout (``... | head``) ends the run quietly, exit status 141."""
    original = sys.stdout
    sys.stdout = _GuardedStdout(original)
    try:
        app()
    except (PipeClosed, BrokenPipeError):
        _quiet_stdout()
        sys.exit(EXIT_PIPE_CLOSED)
    finally:
        sys.stdout = original


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


if __name__ == "__main__":
    main()
