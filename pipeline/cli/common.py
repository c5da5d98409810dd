"""What every command shares: the app, the common options, logging, rules and progress."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer

from ofsted_findings.ruleset import RuleSet, RuleSetError

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

    from ofsted_findings.batch.runner import Outcome

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    name="ofsted-findings",
    help="Structured, evidence-grounded JSON from Ofsted letters and reports on children's services.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

#: More inputs than this get a progress bar (when stderr is a terminal).
PROGRESS_THRESHOLD = 5


def configure_logging(quiet: bool, verbose: bool) -> None:
    """Log to stderr: errors only with --quiet, everything with --verbose, else warnings."""
    level = logging.ERROR if quiet else (logging.DEBUG if verbose else logging.WARNING)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Only print errors.")]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Print debugging detail on stderr.")]
RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        file_okay=False,
        help="Rule folder to use instead of the packaged rules (see `rules export`).",
    ),
]
MaxPagesOption = Annotated[
    int, typer.Option("--max-pages", min=1, help="Refuse a document with more pages (text: form feeds + 1).")
]
MaxBytesOption = Annotated[int, typer.Option("--max-bytes", min=1, help="Refuse an input larger than this many bytes.")]
TimeoutOption = Annotated[float, typer.Option("--timeout", min=1, help="Give up on one input after this many seconds.")]
MaxMemoryOption = Annotated[
    int, typer.Option("--max-memory", min=256, help="Memory limit of each worker process, in MiB.")
]
DbOption = Annotated[Path, typer.Option("--db", dir_okay=False, help="DuckDB database file.")]
HtmlOption = Annotated[Path, typer.Option("--html", dir_okay=False, help="Write the page here.")]
AuthorityOption = Annotated[
    list[str] | None,
    typer.Option("--authority", "-a", help="Only this authority (any case; repeatable)."),
]
KindOption = Annotated[
    list[str] | None,
    typer.Option("--kind", "-k", help="Only this document kind (repeatable)."),
]
SinceOption = Annotated[
    datetime | None,
    typer.Option(
        "--since",
        formats=["%Y-%m-%d"],
        help="Only documents dated on or after YYYY-MM-DD.",
    ),
]
SubjectOption = Annotated[
    list[str] | None,
    typer.Option(
        "--subject",
        "-s",
        help="Metric subject words, e.g. 'care leavers' (every word must match; repeatable).",
    ),
]


def one_line_errors(command: Callable[P, R]) -> Callable[P, R]:
    """A command that stops on a :class:`~ofsted_findings.errors.TargetError` (a dataset in
    use, a folder it cannot write) prints its one line on stderr and exits 1 (2 for a
    missing database), with no traceback."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        from ofsted_findings.errors import TargetError

        try:
            return command(*args, **kwargs)
        except TargetError as exc:
            typer.echo(exc.message(), err=True)
            raise typer.Exit(exc.exit_code) from None

    return run


def load_rules(folder: Path | None) -> RuleSet:
    """The rule set of ``--rules``, or the packaged one; bad rule files end the command with exit 2."""
    try:
        return RuleSet.from_dir(folder) if folder is not None else RuleSet.default()
    except RuleSetError as exc:
        for problem in exc.problems:
            typer.echo(f"ofsted-findings: {problem}", err=True)
        raise typer.Exit(2) from exc


class Progress:
    """A rich progress bar on stderr, or nothing."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self._progress: RichProgress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("extracting"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("extract", total=self.total)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def advance(self, outcome: Outcome) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task)

    def print_error(self, line: str) -> None:
        if self._progress is not None:
            self._progress.console.print(line, markup=False, highlight=False)
        else:
            typer.echo(line, err=True)
