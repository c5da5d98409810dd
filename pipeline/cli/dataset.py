"""Commands over a dataset: ``build``, ``compare``, ``show``, ``report``."""

from __future__ import annotations

import logging
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from ofsted_findings.batch.files import write_atomic
from ofsted_findings.batch.runner import Outcome
from ofsted_findings.cli.common import (
    PROGRESS_THRESHOLD,
    AuthorityOption,
    DbOption,
    HtmlOption,
    KindOption,
    Progress,
    QuietOption,
    RulesOption,
    SinceOption,
    SubjectOption,
    VerboseOption,
    app,
    configure_logging,
    load_rules,
    one_line_errors,
)
from ofsted_findings.models import Document

logger = logging.getLogger(__name__)


class _BuildProgress:
    """Progress bar (on a terminal) and error lines for `build`."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.progress: Progress | None = None

    def start(self, total: int) -> None:
        self.progress = Progress(
            total,
            enabled=not self.quiet and total > PROGRESS_THRESHOLD and sys.stderr.isatty(),
        )
        self.progress.__enter__()

    def advance(self, outcome: Outcome) -> None:
        if self.progress is not None:
            self.progress.advance(outcome)

    def error(self, line: str) -> None:
        if self.progress is not None:
            self.progress.print_error(line)
        else:
            typer.echo(line, err=True)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.__exit__(None, None, None)


@app.command()
@one_line_errors
def build(
    dirs: Annotated[
        list[Path],
        typer.Argument(exists=True, help="Folders (searched recursively) or files to extract."),
    ],
    db: DbOption,
    workers: Annotated[
        int,
        typer.Option("--workers", "-w", min=0, help="Parallel worker processes (0: one per CPU)."),
    ] = 0,
    export: Annotated[
        tuple[str, Path] | None,
        typer.Option(
            "--export",
            metavar="parquet|csv DIR",
            help="Also write every table to DIR as Parquet or CSV files.",
        ),
    ] = None,
    password: Annotated[str | None, typer.Option("--password", help="Password for encrypted PDFs.")] = None,
    prune: Annotated[
        bool,
        typer.Option("--prune", help="Remove the rows of files under the given folders that are no longer there."),
    ] = False,
    rules_dir: RulesOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Extract every document under the folders into a DuckDB dataset (incremental).

    Files already stored with the same bytes (sha256) and pipeline are skipped; a changed
    file or a new pipeline replaces that document's rows in one transaction. Exit status 1
    when any input failed (one line each on stderr), 2 for usage errors.
    """
    from ofsted_findings.dataset.build import build as build_store
    from ofsted_findings.dataset.store import ExportFormat

    configure_logging(quiet, verbose)
    target = None
    if export is not None:
        try:
            target = (ExportFormat(export[0]), export[1])
        except ValueError as exc:
            raise typer.BadParameter("--export takes 'parquet' or 'csv' and a folder") from exc
    reporter = _BuildProgress(quiet)
    try:
        report = build_store(
            dirs,
            db,
            workers or os.cpu_count() or 1,
            target,
            password=password,
            reporter=reporter,
            rules=load_rules(rules_dir),
            prune=prune,
        )
    finally:
        reporter.close()
    if not quiet:
        typer.echo(
            f"ofsted-findings: {report.inputs} inputs: {report.stored} extracted and stored "
            f"({report.replaced} replaced), {report.skipped} already stored, {report.failed} failed"
            + (f", {report.pruned} removed files pruned" if prune else ""),
            err=True,
        )
    raise typer.Exit(1 if report.failed else 0)


class CompareQuestion(str, Enum):
    """What `compare` answers."""

    JUDGEMENTS = "judgements"
    THEMES = "themes"
    METRICS = "metrics"


@app.command()
@one_line_errors
def compare(
    question: Annotated[CompareQuestion, typer.Argument(help="judgements, themes or metrics.")],
    db: DbOption,
    authority: AuthorityOption = None,
    kind: KindOption = None,
    since: SinceOption = None,
    theme: Annotated[
        list[str] | None,
        typer.Option("--theme", "-t", help="themes: only this theme (repeatable)."),
    ] = None,
    compare_with: Annotated[
        list[str] | None,
        typer.Option(
            "--compare-with",
            help="themes: the comparison group (repeatable; default all authorities).",
        ),
    ] = None,
    area: Annotated[
        list[str] | None,
        typer.Option(
            "--area",
            help="judgements: only this area, e.g. overall_effectiveness (repeatable).",
        ),
    ] = None,
    subject: SubjectOption = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="metrics: only figures in this unit (percent, count, ...)."),
    ] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Write CSV (every column) instead of a table.")] = False,
    rules_dir: RulesOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Compare authorities: judgement history, strengths and weaknesses by theme, metric series.

    judgements: every grade per authority over time, with its era and its position on the
    four-point scale (1 outstanding ... 4 inadequate). themes: strengths, weaknesses and
    weakness share per authority and theme beside a comparison group. metrics: with
    --subject, the figures about that subject across documents; without, the subjects
    measured in most documents.
    """
    from ofsted_findings.dataset import queries as queries
    from ofsted_findings.dataset.store import SubjectWords, connect

    configure_logging(quiet, verbose)
    rules = load_rules(rules_dir)
    filters = queries.Filters(
        authorities=authority or [],
        kinds=kind or [],
        since=since.date() if since else None,
    )
    with connect(db, read_only=True) as con:
        outputs: list[tuple[list[Any], type[Any], str, tuple[str, ...]]] = []
        rows: list[Any]
        if question is CompareQuestion.JUDGEMENTS:
            rows = queries.judgement_history(con, filters, rules.vocabulary, area or [])
            outputs.append((rows, queries.JudgementRow, "Judgement history", ("file_path",)))
        elif question is CompareQuestion.THEMES:
            rows = queries.theme_balance(con, filters, theme or [], compare_with or [])
            outputs.append((rows, queries.ThemeRow, "Strengths and weaknesses by theme", ()))
        elif subject:
            for words in subject:
                try:
                    rows = queries.metric_series(con, filters, words, SubjectWords.of(rules), unit)
                except ValueError as exc:
                    raise typer.BadParameter(str(exc), param_hint="--subject") from exc
                outputs.append(
                    (
                        rows,
                        queries.MetricRow,
                        f"Metric series: {words}",
                        ("file_path", "metric_id", "kind"),
                    )
                )
        else:
            rows = queries.subjects(con, filters)
            outputs.append((rows, queries.SubjectRow, "Subjects measured in most documents", ()))
    for rows, model, title, hide in outputs:
        if as_csv:
            sys.stdout.write(queries.to_csv(rows, model))
        else:
            queries.print_table(queries.to_table(rows, model, f"{title} ({len(rows)} rows)", hide))


@app.command()
@one_line_errors
def show(
    file: Annotated[
        str,
        typer.Argument(help="A .pdf or .txt to extract, a JSON document, or (with --db) a stored path or sha256."),
    ],
    html_out: HtmlOption,
    db: Annotated[
        Path | None,
        typer.Option("--db", dir_okay=False, help="Read the document from this database instead."),
    ] = None,
    rules_dir: RulesOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Write one document as a readable HTML page: highlighted findings and figures, rules on hover."""
    from ofsted_findings.api import Pipeline
    from ofsted_findings.dataset.store import connect, load_document, resolve
    from ofsted_findings.errors import InputError
    from ofsted_findings.views.html import document_page

    configure_logging(quiet, verbose)
    try:
        if db is not None:
            with connect(db, read_only=True) as con:
                document = load_document(con, resolve(con, file))
        elif file.lower().endswith(".json"):
            document = Document.model_validate_json(Path(file).read_text(encoding="utf-8"))
        else:
            document = Pipeline(load_rules(rules_dir)).extract(Path(file))
    except InputError as exc:
        typer.echo(exc.line(file), err=True)
        raise typer.Exit(1) from exc
    except (KeyError, FileNotFoundError, ValueError) as exc:
        typer.echo(f"ofsted-findings: {exc}", err=True)
        raise typer.Exit(1) from exc
    vocabulary = load_rules(rules_dir).vocabulary
    _write_page(html_out, document_page(document, {grade.grade.value: grade.position for grade in vocabulary.grades}))
    if not quiet:
        typer.echo(f"ofsted-findings: wrote {html_out}", err=True)


@app.command()
@one_line_errors
def report(
    db: DbOption,
    html_out: HtmlOption,
    authority: AuthorityOption = None,
    kind: KindOption = None,
    since: SinceOption = None,
    area: Annotated[str, typer.Option("--area", help="Judgement area of the timeline.")] = "overall_effectiveness",
    subject: SubjectOption = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="Only figures in this unit in the series."),
    ] = None,
    rules_dir: RulesOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Write the comparison views of a database as an HTML page with charts (works offline)."""
    from ofsted_findings.dataset.queries import Filters, ReportOptions, report_data
    from ofsted_findings.dataset.store import connect
    from ofsted_findings.views.html import report_page

    configure_logging(quiet, verbose)
    filters = Filters(
        authorities=authority or [],
        kinds=kind or [],
        since=since.date() if since else None,
    )
    options = ReportOptions(filters=filters, area=area, subjects=subject or [], unit=unit)
    with connect(db, read_only=True) as con:
        page = report_page(report_data(con, options, load_rules(rules_dir)))
    _write_page(html_out, page)
    if not quiet:
        typer.echo(f"ofsted-findings: wrote {html_out}", err=True)


def _write_page(path: Path, page: str) -> None:
    from ofsted_findings.errors import write_failure

    try:
        write_atomic(path, page)
    except OSError as exc:
        raise write_failure(str(path), exc, "the page") from exc
