"""Commands over a dataset: ``build``, ``compare``, ``show``, ``report``."""

from __future__ import annotations

import logging
import os
import sys
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ofsted_findings.batch.files import discover, write_atomic
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

if TYPE_CHECKING:
    import duckdb

    from ofsted_findings.dataset.links import ReportLinks
    from ofsted_findings.dataset.queries import ReportData
    from ofsted_findings.dataset.tracking import Track
    from ofsted_findings.ruleset import RuleSet

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
    unlisted: list[str] = []
    if not prune and not discover([str(item) for item in dirs], on_error=unlisted.append):
        for line in unlisted:
            typer.echo(line, err=True)
        typer.echo("ofsted-findings: no .pdf or .txt files found in the given paths; nothing to build", err=True)
        raise typer.Exit(1)
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
    OUTCOMES = "outcomes"


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
    indicator: Annotated[
        list[str] | None,
        typer.Option(
            "--indicator",
            help="metrics: the figures of this canonical measure (an id of indicators.json), one series per "
            "unit (repeatable).",
        ),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="metrics: only figures in this unit (percent, count, ...)."),
    ] = None,
    as_at: Annotated[
        datetime | None,
        typer.Option(
            "--as-at",
            formats=["%Y-%m-%d"],
            help="outcomes: the day to count on, YYYY-MM-DD (default: today).",
        ),
    ] = None,
    per_authority: Annotated[
        bool,
        typer.Option("--per-authority", help="outcomes: one row per authority instead of the summary."),
    ] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Write CSV (every column) instead of a table.")] = False,
    rules_dir: RulesOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Compare authorities: judgement history, strengths and weaknesses by theme, metric series, outcomes.

    judgements: every grade per authority over time, with its era and its position on the
    four-point scale (1 outstanding ... 4 inadequate). themes: strengths, weaknesses and
    weakness share per authority and theme beside a comparison group. metrics: with
    --subject, the figures about that subject across documents; without, the subjects
    measured in most documents. outcomes: the latest overall grade of every authority on
    --as-at (counted from publication), counts per grade, the share good or outstanding,
    and the change between each authority's last two graded inspections.
    """
    from ofsted_findings.dataset import queries as queries
    from ofsted_findings.dataset.store import SubjectWords, connect

    configure_logging(quiet, verbose)
    rules = load_rules(rules_dir)
    with connect(db, read_only=True) as con:
        filters = queries.Filters(
            authorities=resolve_names(con, rules, authority or [], "--authority"),
            kinds=kind or [],
            since=since.date() if since else None,
        )
        compare_with = resolve_names(con, rules, compare_with or [], "--compare-with")
        outputs: list[tuple[list[Any], type[Any], str, tuple[str, ...]]] = []
        rows: list[Any]
        if question is CompareQuestion.JUDGEMENTS:
            rows = queries.judgement_history(con, filters, rules.vocabulary, area or [])
            outputs.append((rows, queries.JudgementRow, "Judgement history", ("file_path",)))
        elif question is CompareQuestion.OUTCOMES:
            _outcomes_output(con, rules, as_at, per_authority, outputs)
        elif question is CompareQuestion.THEMES:
            rows = queries.theme_balance(con, filters, theme or [], compare_with or [])
            outputs.append((rows, queries.ThemeRow, "Strengths and weaknesses by theme", ()))
        elif indicator:
            known = {item.id for item in rules.indicators.indicators}
            for measure in indicator:
                if measure not in known:
                    raise typer.BadParameter(f"{measure!r} is not an indicator id", param_hint="--indicator")
                rows = queries.indicator_series(con, filters, measure, unit)
                for series_unit in sorted({row.unit for row in rows}):
                    part = [row for row in rows if row.unit == series_unit]
                    outputs.append(
                        (part, queries.MetricRow, f"Indicator {measure} ({series_unit})", ("file_path", "metric_id"))
                    )
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
    """Write one document as a readable HTML page: highlighted findings and figures, rules on hover.

    Page numbers link to the source file at that page (``file.pdf#page=N``, relative to the
    page) when the source is known: the FILE given, or with --db the path it was stored from.
    """
    from ofsted_findings.api import Pipeline
    from ofsted_findings.dataset.links import relative_href
    from ofsted_findings.dataset.store import connect, load_document, resolve
    from ofsted_findings.errors import InputError
    from ofsted_findings.views.html import document_page

    configure_logging(quiet, verbose)
    source: Path | None = None
    try:
        if db is not None:
            with connect(db, read_only=True) as con:
                sha = resolve(con, file)
                document = load_document(con, sha)
                stored = con.execute("SELECT file_path FROM documents WHERE sha256 = ?", [sha]).fetchall()
            source = Path(stored[0][0]) if stored and stored[0][0] else None
        elif file.lower().endswith(".json"):
            document = Document.model_validate_json(Path(file).read_text(encoding="utf-8"))
        else:
            document = Pipeline(load_rules(rules_dir)).extract(Path(file))
            source = Path(file) if file != "-" else None
    except InputError as exc:
        typer.echo(exc.line(file), err=True)
        raise typer.Exit(1) from exc
    except (KeyError, FileNotFoundError, ValueError) as exc:
        typer.echo(f"ofsted-findings: {exc}", err=True)
        raise typer.Exit(1) from exc
    vocabulary = load_rules(rules_dir).vocabulary
    href = relative_href(source, html_out.parent) if source is not None else None
    _write_page(
        html_out, document_page(document, {grade.grade.value: grade.position for grade in vocabulary.grades}, href)
    )
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
    pages: Annotated[
        Path | None,
        typer.Option(
            "--pages",
            file_okay=False,
            help="Also write the show page of every document the report draws into this folder "
            "(<sha256 prefix>.html) and link each dot, cell and point to it.",
        ),
    ] = None,
    rules_dir: RulesOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Write the comparison views of a database as an HTML page with charts (works offline).

    With --pages DIR, every judgement dot, theme cell and figure links to the show page of
    its document in DIR, at the judgement, the newest finding of that theme, or the figure.
    """
    from ofsted_findings.dataset.queries import Filters, ReportOptions, report_data
    from ofsted_findings.dataset.store import connect
    from ofsted_findings.views.html import report_page

    configure_logging(quiet, verbose)
    rules = load_rules(rules_dir)
    with connect(db, read_only=True) as con:
        filters = Filters(
            authorities=resolve_names(con, rules, authority or [], "--authority"),
            kinds=kind or [],
            since=since.date() if since else None,
        )
        options = ReportOptions(filters=filters, area=area, subjects=subject or [], unit=unit)
        data = report_data(con, options, rules)
        links = _write_document_pages(con, rules, data, pages, html_out) if pages is not None else None
        page = report_page(data, links)
    _write_page(html_out, page)
    if not quiet:
        typer.echo(f"ofsted-findings: wrote {html_out}", err=True)


@app.command()
@one_line_errors
def track(
    db: DbOption,
    authority: Annotated[str, typer.Option("--authority", "-a", help="The authority to follow (any alias, any case).")],
    as_csv: Annotated[bool, typer.Option("--csv", help="Write CSV (one row per item) instead of a table.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Write the whole track (items and evidence) as JSON.")
    ] = False,
    html_out: Annotated[
        Path | None,
        typer.Option("--html", dir_okay=False, help="Also write a timeline per theme as an HTML page here."),
    ] = None,
    pages: Annotated[
        Path | None,
        typer.Option(
            "--pages",
            file_okay=False,
            help="With --html: also write the show page of every document on the track into this folder "
            "(<sha256 prefix>.html) and link each item and finding to it.",
        ),
    ] = None,
    rules_dir: RulesOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Follow one authority from inspection to re-inspection: were its weaknesses put right?

    For each full inspection, its weaknesses and "what needs to improve" items by theme,
    each with a verdict (improved, still_weak, not_mentioned) read from the later letters
    (focused visits, JTAIs, monitoring visits) and the next inspection, with dates and the
    text as printed. The rule and its numbers are in the README, in the section
    "Following an authority from inspection to re-inspection".
    """
    from ofsted_findings.dataset import queries as queries
    from ofsted_findings.dataset import tracking as tracking
    from ofsted_findings.dataset.store import SubjectWords, connect

    configure_logging(quiet, verbose)
    if as_csv and as_json:
        raise typer.BadParameter("--csv and --json exclude each other")
    if pages is not None and html_out is None:
        raise typer.BadParameter("--pages needs --html", param_hint="--pages")
    rules = load_rules(rules_dir)
    hrefs: dict[str, str] | None = None
    with connect(db, read_only=True) as con:
        name = resolve_names(con, rules, [authority], "--authority")[0]
        result = tracking.track(con, name, SubjectWords.of(rules))
        if pages is not None and html_out is not None:
            hrefs = _track_pages(con, rules, result, pages, html_out)
    if html_out is not None:
        from ofsted_findings.views.html import track_page

        _write_page(html_out, track_page(result, hrefs))
        if not quiet:
            typer.echo(f"ofsted-findings: wrote {html_out}", err=True)
    rows: list[Any] = list(tracking.rows(result))
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=1) + "\n")
    elif as_csv:
        sys.stdout.write(queries.to_csv(rows, tracking.TrackRow))
    else:
        inspections = sum(1 for document in result.documents if document.kind in tracking.INSPECTION_KINDS)
        title = (
            f"Track: {name} ({inspections} inspections, {len(result.documents) - inspections} letters, "
            f"{len(rows)} items)"
        )
        per_inspection: list[Any] = list(tracking.summary(result))
        queries.print_table(queries.to_table(per_inspection, tracking.TrackSummaryRow, title))
        queries.print_table(
            queries.to_table(
                rows, tracking.TrackRow, "Items, by inspection and theme", ("page", "finding_id", "inspection")
            )
        )


def _write_document_pages(
    con: duckdb.DuckDBPyConnection, rules: RuleSet, data: ReportData, folder: Path, html_out: Path
) -> ReportLinks:
    """The show page of every document ``data`` draws, in ``folder``; the links to them from ``html_out``."""
    from ofsted_findings.dataset import links as links
    from ofsted_findings.dataset.store import load_document
    from ofsted_findings.views.html import document_page

    themes = links.theme_examples(con, data.options.filters)
    shas = links.shas_of(con, links.linked_paths(data, themes))
    positions = {grade.grade.value: grade.position for grade in rules.vocabulary.grades}
    hrefs: dict[str, str] = {}
    written: set[str] = set()
    for path, sha in sorted(shas.items()):
        target = folder / links.page_name(sha)
        if sha not in written:
            document = load_document(con, sha)
            _write_page(target, document_page(document, positions, links.relative_href(Path(path), folder)))
            written.add(sha)
        hrefs[path] = links.relative_href(target, html_out.parent)
    logger.info("wrote %d document pages to %s", len(written), folder)
    return links.ReportLinks(pages=hrefs, themes=themes)


def _track_pages(
    con: duckdb.DuckDBPyConnection, rules: RuleSet, result: Track, folder: Path, html_out: Path
) -> dict[str, str]:
    """The show page of every document on the track, in ``folder``; sha256 -> link from ``html_out``."""
    from ofsted_findings.dataset import links as links
    from ofsted_findings.dataset.store import load_document
    from ofsted_findings.views.html import document_page

    positions = {grade.grade.value: grade.position for grade in rules.vocabulary.grades}
    hrefs: dict[str, str] = {}
    for tracked in result.documents:
        target = folder / links.page_name(tracked.sha256)
        source = links.relative_href(Path(tracked.file_path), folder)
        _write_page(target, document_page(load_document(con, tracked.sha256), positions, source))
        hrefs[tracked.sha256] = links.relative_href(target, html_out.parent)
    return hrefs


def _outcomes_output(
    con: duckdb.DuckDBPyConnection,
    rules: RuleSet,
    as_at: datetime | None,
    per_authority: bool,
    outputs: list[tuple[list[Any], type[Any], str, tuple[str, ...]]],
) -> None:
    from datetime import date

    from ofsted_findings.dataset import outcomes as outcomes

    day = as_at.date() if as_at else date.today()
    result = outcomes.outcomes(con, day, rules.vocabulary)
    if per_authority:
        outputs.append((result.authorities, outcomes.AuthorityOutcome, f"Outcomes at {day}", ("file_path",)))
    else:
        outputs.append((result.summary, outcomes.OutcomeRow, f"Outcomes at {day}", ()))


def resolve_names(con: duckdb.DuckDBPyConnection, rules: RuleSet, names: list[str], option: str) -> list[str]:
    """Typed authority names -> the names the dataset stores (aliases through the authority
    table); an unknown name ends the command with exit status 2 and the closest names."""
    from ofsted_findings.dataset.names import AuthorityNames, UnknownAuthorityError

    if not names:
        return []
    resolver = AuthorityNames.of(con, rules)
    try:
        resolved = resolver.resolve_all(names)
    except UnknownAuthorityError as exc:
        typer.echo(f"ofsted-findings: {option}: {exc}", err=True)
        raise typer.Exit(2) from exc
    for name in resolver.missing(resolved):
        typer.echo(f"ofsted-findings: {option}: the dataset holds no document about {name}", err=True)
    return resolved


def _write_page(path: Path, page: str) -> None:
    from ofsted_findings.errors import write_failure

    try:
        write_atomic(path, page)
    except OSError as exc:
        raise write_failure(str(path), exc, "the page") from exc
