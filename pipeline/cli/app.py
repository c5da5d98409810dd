"""Command-line interface: ``ofsted-findings``."""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from ofsted_findings.batch.files import discover, output_names, write_atomic
from ofsted_findings.batch.runner import Outcome, run_many
from ofsted_findings.ingest.reader import DEFAULT_MAX_PAGES
from ofsted_findings.models import Document
from ofsted_findings.ruleset import RuleSet, RuleSetError

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

logger = logging.getLogger(__name__)

app = typer.Typer(
    name="ofsted-findings",
    help="Structured, evidence-grounded JSON from Ofsted letters and reports on children's services.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: More inputs than this get a progress bar (when stderr is a terminal).
PROGRESS_THRESHOLD = 5


class OutputFormat(str, Enum):
    """How documents are written to stdout."""

    JSON = "json"
    JSONL = "jsonl"


def _configure_logging(quiet: bool, verbose: bool) -> None:
    level = logging.ERROR if quiet else (logging.DEBUG if verbose else logging.WARNING)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Only print errors.")]
RulesOption = Annotated[
    Path | None,
    typer.Option("--rules", file_okay=False, help="Rule folder to use instead of the packaged rules (see `rules export`)."),
]


def _rules(folder: Path | None) -> RuleSet:
    """The rule set of ``--rules``, or the packaged one; bad rule files end the command with exit 2."""
    try:
        return RuleSet.from_dir(folder) if folder is not None else RuleSet.default()
    except RuleSetError as exc:
        for problem in exc.problems:
            typer.echo(f"ofsted-findings: {problem}", err=True)
        raise typer.Exit(2) from exc
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Print debugging detail on stderr.")]


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Files (.pdf, .txt), directories (searched recursively) or '-' for stdin.")],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", file_okay=False, dir_okay=True, help="Write one <input stem>.json per input here."),
    ] = None,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option("--format", "-f", help="stdout format: json (pretty) or jsonl (one document per line)."),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=0, help="Parallel worker processes (0, the default: one per CPU).")] = 0,
    password: Annotated[str | None, typer.Option("--password", help="Password for encrypted PDFs.")] = None,
    max_pages: Annotated[int, typer.Option("--max-pages", min=1, help="Refuse documents with more pages.")] = DEFAULT_MAX_PAGES,
    rules_dir: RulesOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Extract metadata, findings and metrics from each input to JSON.

    Exit status: 0 when every input succeeded, 1 when any failed (each failure is one line
    on stderr: file, error code, cause, what to do), 2 for usage errors.
    """
    _configure_logging(quiet, verbose)
    rules = _rules(rules_dir)
    inputs = discover(paths)
    if not inputs:
        typer.echo("ofsted-findings: no .pdf or .txt files found in the given paths", err=True)
        raise typer.Exit(1)
    if inputs.count("-") > 1:
        raise typer.BadParameter("'-' (stdin) can be given only once")
    fmt = output_format or (OutputFormat.JSON if len(inputs) == 1 else OutputFormat.JSONL)
    indent = 2 if (out is not None or fmt is OutputFormat.JSON) else None
    names = output_names(inputs)
    worker_count = workers or os.cpu_count() or 1
    failures = 0
    with _Progress(len(inputs), enabled=not quiet and len(inputs) > PROGRESS_THRESHOLD and sys.stderr.isatty()) as progress:
        for outcome in run_many(
            inputs, rules, workers=worker_count, password=password, max_pages=max_pages, indent=indent, on_done=progress.advance
        ):
            if outcome.error is not None:
                failures += 1
                progress.print_error(outcome.error)
                continue
            assert outcome.json_text is not None
            if out is not None:
                write_atomic(out / names[outcome.input], outcome.json_text)
            else:
                sys.stdout.write(outcome.json_text + "\n")
                sys.stdout.flush()
    if not quiet and len(inputs) > 1:
        typer.echo(f"ofsted-findings: {len(inputs) - failures} of {len(inputs)} inputs extracted", err=True)
    raise typer.Exit(1 if failures else 0)


@app.command()
def schema(
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Print the JSON Schema of the output document."""
    _configure_logging(quiet, verbose)
    typer.echo(schema_text())


@app.command("evaluate-metadata")
def evaluate_metadata(
    expected: Annotated[
        Path,
        typer.Option("--expected", "-e", exists=True, dir_okay=False, help="CSV of expected values (reports or letters layout)."),
    ],
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files or directories to extract (instead of --outputs).")
    ] = None,
    outputs: Annotated[
        Path | None,
        typer.Option("--outputs", exists=True, file_okay=False, help="Read previously extracted JSON from this directory."),
    ] = None,
    reference: Annotated[
        Path | None,
        typer.Option("--reference", "-r", exists=True, dir_okay=False, help="A peer tool's CSV to score beside ours."),
    ] = None,
    show_errors: Annotated[bool, typer.Option("--show-errors", help="List every mismatch: file, field, expected, got.")] = False,
    show_peer_errors: Annotated[bool, typer.Option("--show-peer-errors", help="List the peer tool's mismatches too.")] = False,
    workers: Annotated[int, typer.Option("--workers", "-w", min=0, help="Parallel worker processes (0: one per CPU).")] = 0,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Compare extracted metadata with expected values: accuracy and coverage per field.

    Only the rows of the CSV whose file was extracted (or found in --outputs) are scored.
    Exit status 0 when every scored value matches, 1 otherwise, 2 for usage errors.
    """
    from ofsted_findings.evaluation import metadata as evaluation

    _configure_logging(quiet, verbose)
    if (outputs is None) == (not paths):
        raise typer.BadParameter("give either --outputs DIR or the PATHS to extract")
    from ofsted_findings.metadata.letter import MetadataReader

    rules = RuleSet.default()
    rows = evaluation.read_csv(expected)
    if outputs is not None:
        letters = evaluation.load_outputs(outputs)
        evaluation.mark_refused(letters, rows)
    else:
        letters = evaluation.extract_letters(paths or [], rules, workers=workers or os.cpu_count() or 1)
    peer = evaluation.read_reference(reference) if reference is not None else None
    result = evaluation.evaluate(rows, letters, MetadataReader(rules), peer)
    typer.echo(f"{result.documents} documents scored against {expected.name}")
    for line in evaluation.table_lines(result, with_peer=peer is not None):
        typer.echo(line)
    if show_errors:
        typer.echo("")
        for line in evaluation.mismatch_lines(result.mismatches):
            typer.echo(line)
    if show_peer_errors and peer is not None:
        typer.echo("")
        for line in evaluation.mismatch_lines(result.peer_mismatches):
            typer.echo(f"peer\t{line}")
    raise typer.Exit(1 if result.mismatches else 0)


class EvaluateWhat(str, Enum):
    """Which stage `evaluate` scores."""

    FINDINGS = "findings"
    METRICS = "metrics"
    ALL = "all"


class SplitOption(str, Enum):
    """Which part of the gold to score."""

    TEST = "test"
    TUNE = "tune"
    ALL = "all"


GoldOption = Annotated[
    Path, typer.Option("--gold", exists=True, file_okay=False, help="Gold annotations folder (findings/, metrics/).")
]
CorpusOption = Annotated[
    Path, typer.Option("--corpus", exists=True, file_okay=False, help="Folder the gold's file paths are relative to.")
]


@app.command()
def evaluate(
    gold: GoldOption = Path("corpus/gold"),
    corpus: CorpusOption = Path("../shared/corpus"),
    what: Annotated[EvaluateWhat, typer.Option("--what", help="Stage to score.")] = EvaluateWhat.ALL,
    split: Annotated[SplitOption, typer.Option("--split", help="Held-out 'test' part, 'tune' part, or 'all'.")] = SplitOption.TEST,
    baseline: Annotated[bool, typer.Option("--baseline/--no-baseline", help="Also run VADER / quantulum3 (dev extra).")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the reports as JSON.")] = False,
    rules_dir: RulesOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Score findings and metrics against the gold annotations, beside lexicon/quantity baselines."""
    from ofsted_findings.api import Pipeline
    from ofsted_findings.evaluation.report import findings_table, metrics_table
    from ofsted_findings.evaluation.scoring import (
        Extractor,
        evaluate_findings,
        evaluate_metrics,
    )

    _configure_logging(quiet, verbose)
    extractor = Extractor(Pipeline(_rules(rules_dir)))
    reports: list[str] = []
    if what in (EvaluateWhat.FINDINGS, EvaluateWhat.ALL):
        findings_report = evaluate_findings(gold, corpus, split.value, baseline=baseline, extractor=extractor)
        reports.append(findings_report.model_dump_json(indent=2) if as_json else findings_table(findings_report))
    if what in (EvaluateWhat.METRICS, EvaluateWhat.ALL):
        metrics_report = evaluate_metrics(gold, corpus, split.value, baseline=baseline, extractor=extractor)
        reports.append(metrics_report.model_dump_json(indent=2) if as_json else metrics_table(metrics_report))
    typer.echo("\n".join(reports))


@app.command()
def validity(
    paths: Annotated[list[Path], typer.Argument(help="Extracted JSON files or folders of them (from `extract --out`).")],
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Weakness share of findings per judged area of ILACS reports, by the area's grade."""
    from ofsted_findings.evaluation.report import validity_table
    from ofsted_findings.evaluation.scoring import judgement_validity

    _configure_logging(quiet, verbose)
    files = sorted(f for p in paths for f in ([p] if p.is_file() else p.rglob("*.json")))
    documents = (Document.model_validate_json(f.read_text(encoding="utf-8")) for f in files)
    typer.echo(validity_table(judgement_validity(documents)))


@app.command("gold-anchor")
def gold_anchor(
    gold: GoldOption = Path("corpus/gold"),
    corpus: CorpusOption = Path("../shared/corpus"),
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Fill `start`/`end` in the gold files from their quotes, against the current normalised text."""
    from ofsted_findings.api import Pipeline
    from ofsted_findings.evaluation.gold import load_gold, write_anchored

    _configure_logging(quiet, verbose)
    pipeline = Pipeline()
    texts: dict[str, str] = {}
    for family in ("findings", "metrics"):
        for gold_file in load_gold(gold, family):  # type: ignore[arg-type]
            if gold_file.header.sha256 not in texts and (corpus / gold_file.header.file).is_file():
                texts[gold_file.header.sha256] = pipeline.extract(corpus / gold_file.header.file).text
    for family in ("findings", "metrics"):
        anchored, missed = write_anchored(gold, family, texts, pipeline.rules.layout)  # type: ignore[arg-type]
        typer.echo(f"{family}: {anchored} anchored, {missed} not found")


DbOption = Annotated[Path, typer.Option("--db", dir_okay=False, help="DuckDB database file.")]


class _BuildProgress:
    """Progress bar (on a terminal) and error lines for `build`."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.progress: _Progress | None = None

    def start(self, total: int) -> None:
        self.progress = _Progress(total, enabled=not self.quiet and total > PROGRESS_THRESHOLD and sys.stderr.isatty())
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
def build(
    dirs: Annotated[list[Path], typer.Argument(exists=True, help="Folders (searched recursively) or files to extract.")],
    db: DbOption,
    workers: Annotated[int, typer.Option("--workers", "-w", min=0, help="Parallel worker processes (0: one per CPU).")] = 0,
    export: Annotated[
        tuple[str, Path] | None,
        typer.Option("--export", metavar="parquet|csv DIR", help="Also write every table to DIR as Parquet or CSV files."),
    ] = None,
    password: Annotated[str | None, typer.Option("--password", help="Password for encrypted PDFs.")] = None,
    rules_dir: RulesOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Extract every document under the folders into a DuckDB dataset (incremental).

    Files already stored with the same bytes (sha256) and pipeline are skipped; a changed
    file or a new pipeline replaces that document's rows in one transaction. Exit status 1
    when any input failed (one line each on stderr), 2 for usage errors.
    """
    from ofsted_findings.dataset.store import ExportFormat
    from ofsted_findings.dataset.store import build as build_store

    _configure_logging(quiet, verbose)
    target = None
    if export is not None:
        try:
            target = (ExportFormat(export[0]), export[1])
        except ValueError as exc:
            raise typer.BadParameter("--export takes 'parquet' or 'csv' and a folder") from exc
    reporter = _BuildProgress(quiet)
    try:
        report = build_store(
            dirs, db, workers or os.cpu_count() or 1, target, password=password, reporter=reporter, rules=_rules(rules_dir)
        )
    finally:
        reporter.close()
    if not quiet:
        typer.echo(
            f"ofsted-findings: {report.inputs} inputs: {report.stored} extracted and stored "
            f"({report.replaced} replaced), {report.skipped} already stored, {report.failed} failed",
            err=True,
        )
    raise typer.Exit(1 if report.failed else 0)


class CompareQuestion(str, Enum):
    """What `compare` answers."""

    JUDGEMENTS = "judgements"
    THEMES = "themes"
    METRICS = "metrics"


AuthorityOption = Annotated[
    list[str] | None, typer.Option("--authority", "-a", help="Only this authority (any case; repeatable).")
]
KindOption = Annotated[list[str] | None, typer.Option("--kind", "-k", help="Only this document kind (repeatable).")]
SinceOption = Annotated[
    datetime | None, typer.Option("--since", formats=["%Y-%m-%d"], help="Only documents dated on or after YYYY-MM-DD.")
]
SubjectOption = Annotated[
    list[str] | None,
    typer.Option("--subject", "-s", help="Metric subject words, e.g. 'care leavers' (every word must match; repeatable)."),
]


@app.command()
def compare(
    question: Annotated[CompareQuestion, typer.Argument(help="judgements, themes or metrics.")],
    db: DbOption,
    authority: AuthorityOption = None,
    kind: KindOption = None,
    since: SinceOption = None,
    theme: Annotated[list[str] | None, typer.Option("--theme", "-t", help="themes: only this theme (repeatable).")] = None,
    compare_with: Annotated[
        list[str] | None,
        typer.Option("--compare-with", help="themes: the comparison group (repeatable; default all authorities)."),
    ] = None,
    area: Annotated[
        list[str] | None, typer.Option("--area", help="judgements: only this area, e.g. overall_effectiveness (repeatable).")
    ] = None,
    subject: SubjectOption = None,
    unit: Annotated[str | None, typer.Option("--unit", help="metrics: only figures in this unit (percent, count, ...).")] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="Write CSV (every column) instead of a table.")] = False,
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
    from ofsted_findings.dataset.store import connect

    _configure_logging(quiet, verbose)
    filters = queries.Filters(authorities=authority or [], kinds=kind or [], since=since.date() if since else None)
    try:
        con = connect(db, read_only=True)
    except FileNotFoundError as exc:
        typer.echo(f"ofsted-findings: {exc}", err=True)
        raise typer.Exit(2) from exc
    with con:
        outputs: list[tuple[list[Any], type[Any], str, tuple[str, ...]]] = []
        rows: list[Any]
        if question is CompareQuestion.JUDGEMENTS:
            rows = queries.judgement_history(con, filters, area or [])
            outputs.append((rows, queries.JudgementRow, "Judgement history", ("file_path",)))
        elif question is CompareQuestion.THEMES:
            rows = queries.theme_balance(con, filters, theme or [], compare_with or [])
            outputs.append((rows, queries.ThemeRow, "Strengths and weaknesses by theme", ()))
        elif subject:
            for words in subject:
                try:
                    rows = queries.metric_series(con, filters, words, unit)
                except ValueError as exc:
                    raise typer.BadParameter(str(exc), param_hint="--subject") from exc
                outputs.append((rows, queries.MetricRow, f"Metric series: {words}", ("file_path", "metric_id", "kind")))
        else:
            rows = queries.subjects(con, filters)
            outputs.append((rows, queries.SubjectRow, "Subjects measured in most documents", ()))
    for rows, model, title, hide in outputs:
        if as_csv:
            sys.stdout.write(queries.to_csv(rows, model))
        else:
            queries.print_table(queries.to_table(rows, model, f"{title} ({len(rows)} rows)", hide))


@app.command()
def fidelity(
    paths: Annotated[list[str], typer.Argument(help="Files or directories (searched recursively for .pdf and .txt).")],
    workers: Annotated[int, typer.Option("--workers", "-w", min=0, help="Parallel worker processes (0, the default: one per CPU).")] = 0,
    examples: Annotated[int, typer.Option("--examples", "-e", min=0, help="Defects listed per class after the counts.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report (every defect) as JSON.")] = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Count ingestion defects: leftover running lines, glued footnote markers, broken words, page-break splits.

    Exit status: 0 when no defect is found, 1 when any is (unreadable files are listed, not counted).
    """
    from ofsted_findings.diagnostics.fidelity import check_paths, format_report

    _configure_logging(quiet, verbose)
    report = check_paths(paths, RuleSet.default().layout, workers=workers or os.cpu_count() or 1)
    typer.echo(report.model_dump_json(indent=2) if as_json else format_report(report, examples=examples))
    raise typer.Exit(1 if any(report.counts.values()) else 0)


@app.command()
def benchmark(
    paths: Annotated[list[str], typer.Argument(help="Files or directories holding PDFs.")],
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Only the first N PDFs (sorted by path).")] = None,
    pdfplumber_files: Annotated[
        int, typer.Option("--pdfplumber", min=0, help="Also time pdfplumber's extract_text on a sample of N files.")
    ] = 0,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Time bare pypdfium2 text, our ingest and the whole pipeline on the same PDFs, in one process.

    Prints pages per second for each, the ratios ingest/pypdfium2 and pipeline/pypdfium2,
    and the time spent in each stage of the pipeline.
    """
    from ofsted_findings.diagnostics.benchmark import format_benchmark, run_benchmark

    _configure_logging(quiet, verbose)
    try:
        result = run_benchmark(
            paths, limit=limit, pdfplumber_files=pdfplumber_files, on_step=None if quiet else lambda m: typer.echo(m, err=True)
        )
    except ValueError as exc:
        typer.echo(f"ofsted-findings: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(format_benchmark(result))


HtmlOption = Annotated[Path, typer.Option("--html", dir_okay=False, help="Write the page here.")]


@app.command()
def show(
    file: Annotated[
        str, typer.Argument(help="A .pdf or .txt to extract, a JSON document, or (with --db) a stored path or sha256.")
    ],
    html_out: HtmlOption,
    db: Annotated[
        Path | None, typer.Option("--db", dir_okay=False, help="Read the document from this database instead.")
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

    _configure_logging(quiet, verbose)
    try:
        if db is not None:
            with connect(db, read_only=True) as con:
                document = load_document(con, resolve(con, file))
        elif file.lower().endswith(".json"):
            document = Document.model_validate_json(Path(file).read_text(encoding="utf-8"))
        else:
            document = Pipeline(_rules(rules_dir)).extract(Path(file))
    except InputError as exc:
        typer.echo(exc.line(file), err=True)
        raise typer.Exit(1) from exc
    except (KeyError, FileNotFoundError, ValueError) as exc:
        typer.echo(f"ofsted-findings: {exc}", err=True)
        raise typer.Exit(1) from exc
    write_atomic(html_out, document_page(document))
    if not quiet:
        typer.echo(f"ofsted-findings: wrote {html_out}", err=True)


@app.command()
def report(
    db: DbOption,
    html_out: HtmlOption,
    authority: AuthorityOption = None,
    kind: KindOption = None,
    since: SinceOption = None,
    area: Annotated[str, typer.Option("--area", help="Judgement area of the timeline.")] = "overall_effectiveness",
    subject: SubjectOption = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Only figures in this unit in the series.")] = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Write the comparison views of a database as an HTML page with charts (works offline)."""
    from ofsted_findings.dataset.queries import Filters
    from ofsted_findings.dataset.store import connect
    from ofsted_findings.views.html import ReportOptions, report_page

    _configure_logging(quiet, verbose)
    filters = Filters(authorities=authority or [], kinds=kind or [], since=since.date() if since else None)
    options = ReportOptions(filters=filters, area=area, subjects=subject or [], unit=unit)
    try:
        con = connect(db, read_only=True)
    except FileNotFoundError as exc:
        typer.echo(f"ofsted-findings: {exc}", err=True)
        raise typer.Exit(2) from exc
    with con:
        page = report_page(con, options)
    write_atomic(html_out, page)
    if not quiet:
        typer.echo(f"ofsted-findings: wrote {html_out}", err=True)


rules_app = typer.Typer(help="Export, check and document the rule files.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


@rules_app.command("export")
def rules_export(
    folder: Annotated[Path, typer.Argument(file_okay=False, help="Folder to write the rule files into.")],
    rules_dir: RulesOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Copy the rule files (the packaged ones, or those of --rules) into FOLDER, to edit them."""
    _configure_logging(quiet, verbose)
    rules = _rules(rules_dir)
    if folder.exists() and any(folder.iterdir()):
        typer.echo(f"ofsted-findings: {folder} is not empty; give a new or empty folder", err=True)
        raise typer.Exit(2)
    written = rules.export(folder)
    if not quiet:
        typer.echo(f"ofsted-findings: wrote {len(written)} files to {folder}", err=True)


@rules_app.command("check")
def rules_check(
    folder: Annotated[Path, typer.Argument(file_okay=False, help="A rule folder (from `rules export`).")],
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Validate a rule folder: rules per file, or every problem as file:line (exit 1)."""
    _configure_logging(quiet, verbose)
    try:
        rules = RuleSet.from_dir(folder)
    except RuleSetError as exc:
        for problem in exc.problems:
            typer.echo(problem)
        raise typer.Exit(1) from exc
    for name, count in rules.counts().items():
        typer.echo(f"{name}\t{count}")
    typer.echo(f"fingerprint\t{rules.fingerprint[:12]}")


@rules_app.command("readme")
def rules_readme_command(
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Print the rule folder's README (generated from the rule models' field descriptions)."""
    from ofsted_findings.ruleset.docs import rules_readme

    _configure_logging(quiet, verbose)
    typer.echo(rules_readme(), nl=False)


def schema_text() -> str:
    """The JSON Schema as checked into ``models/document.schema.json``."""
    return json.dumps(Document.model_json_schema(), indent=2, sort_keys=True, ensure_ascii=False)


class _Progress:
    """A rich progress bar on stderr, or nothing."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> _Progress:
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


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":
    main()
