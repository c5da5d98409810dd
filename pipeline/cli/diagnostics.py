"""Commands that check the tool itself: ``fidelity``, ``benchmark`` and ``noise``."""

from __future__ import annotations

import logging
import os
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ofsted_findings.cli.common import (
    QuietOption,
    RulesOption,
    VerboseOption,
    app,
    configure_logging,
    load_rules,
)
from ofsted_findings.ruleset import RuleSet

logger = logging.getLogger(__name__)


@app.command()
def fidelity(
    paths: Annotated[
        list[str],
        typer.Argument(help="Files or directories (searched recursively for .pdf and .txt)."),
    ],
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            "-w",
            min=0,
            help="Parallel worker processes (0, the default: one per CPU).",
        ),
    ] = 0,
    examples: Annotated[
        int,
        typer.Option("--examples", "-e", min=0, help="Defects listed per class after the counts."),
    ] = 5,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print the full report (every defect) as JSON."),
    ] = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Count ingestion defects: leftover running lines, glued footnote markers, broken words, page-break splits.

    Exit status: 0 when no defect is found, 1 when any is (unreadable files are listed, not counted).
    """
    from ofsted_findings.diagnostics.fidelity import check_paths, format_report

    configure_logging(quiet, verbose)
    report = check_paths(paths, RuleSet.default(), workers=workers or os.cpu_count() or 1)
    typer.echo(report.model_dump_json(indent=2) if as_json else format_report(report, examples=examples))
    raise typer.Exit(1 if any(report.counts.values()) else 0)


@app.command()
def benchmark(
    paths: Annotated[list[str], typer.Argument(help="Files or directories holding PDFs.")],
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=1, help="Only the first N PDFs (sorted by path)."),
    ] = None,
    pdfplumber_files: Annotated[
        int,
        typer.Option(
            "--pdfplumber",
            min=0,
            help="Also time pdfplumber's extract_text on a sample of N files.",
        ),
    ] = 0,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Time bare pypdfium2 text, our ingest and the whole pipeline on the same PDFs, in one process.

    Prints pages per second for each, the ratios ingest/pypdfium2 and pipeline/pypdfium2,
    and the time spent in each stage of the pipeline.
    """
    from ofsted_findings.diagnostics.benchmark import format_benchmark, run_benchmark

    configure_logging(quiet, verbose)
    try:
        result = run_benchmark(
            paths,
            limit=limit,
            pdfplumber_files=pdfplumber_files,
            on_step=None if quiet else lambda m: typer.echo(m, err=True),
            on_skip=lambda line: typer.echo(line, err=True),
        )
    except ValueError as exc:
        typer.echo(f"ofsted-findings: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(format_benchmark(result))


class NoiseFamily(str, Enum):
    """What `noise` checks."""

    FINDINGS = "findings"
    METRICS = "metrics"
    ALL = "all"


@app.command()
def noise(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Files or directories to extract (.pdf, .txt); or give --outputs."),
    ] = None,
    outputs: Annotated[
        Path | None,
        typer.Option("--outputs", file_okay=False, help="Read documents already extracted (`extract --out DIR`)."),
    ] = None,
    what: Annotated[NoiseFamily, typer.Option("--what", help="findings, metrics or all.")] = NoiseFamily.ALL,
    examples: Annotated[int, typer.Option("--examples", "-e", min=0, help="Hits listed per class.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report (every hit) as JSON.")] = False,
    sample: Annotated[
        int, typer.Option("--sample", min=0, help="Also draw this many items at random for a hand check.")
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random sample.")] = 2024,
    sample_out: Annotated[
        Path | None, typer.Option("--sample-out", dir_okay=False, help="CSV to write the sample to.")
    ] = None,
    checked: Annotated[
        Path | None,
        typer.Option("--checked", dir_okay=False, exists=True, help="A sample CSV with its verdict column filled in."),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=0, help="Parallel workers (0: one per CPU).")] = 0,
    rules_dir: RulesOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Count findings that are not findings and figures that are not figures, by class.

    Each class has a detector of its own (not the extraction rules). Exit status: 0 when every
    count is zero and every input was read, 1 otherwise. `--sample N --sample-out FILE` writes a seeded random sample
    to check by hand; `--checked FILE` reads it back and prints the error rate with a 95%
    interval.
    """
    from ofsted_findings.batch.files import discover
    from ofsted_findings.batch.runner import Options, run_many
    from ofsted_findings.diagnostics import metric_noise  # noqa: F401 - registers the metrics classes
    from ofsted_findings.diagnostics.noise import (
        Family,
        documents_from_json,
        draw_sample,
        format_report,
        read_checked,
        scan,
        write_sample,
    )
    from ofsted_findings.models import Document

    configure_logging(quiet, verbose)
    if checked is not None:
        for result in read_checked(checked):
            typer.echo(
                f"{result.family}: {result.errors} errors in {result.checked} checked, "
                f"{result.rate:.1%} (95% interval {result.low:.1%} to {result.high:.1%})"
            )
        if not paths and outputs is None:
            return
    families = {Family.FINDINGS, Family.METRICS} if what is NoiseFamily.ALL else {Family(what.value)}
    documents: list[tuple[str, Document]] = []
    failed = 0
    if outputs is not None:
        documents = list(documents_from_json(sorted(outputs.rglob("*.json"))))
    if paths:
        rules = load_rules(rules_dir)
        options = Options(indent=None)
        for outcome in run_many(discover(paths), rules, workers=workers or os.cpu_count() or 1, options=options):
            if not outcome.ok:
                typer.echo(outcome.error, err=True)
                failed += 1
                continue
            document = Document.model_validate_json(outcome.read_json())
            documents.append((document.source.name, document))
    if not documents:
        typer.echo("ofsted-findings: no documents to check", err=True)
        raise typer.Exit(1)
    report = scan(documents, families)
    typer.echo(report.model_dump_json(indent=2) if as_json else format_report(report, examples=examples))
    if sample:
        if sample_out is None:
            raise typer.BadParameter("--sample needs --sample-out FILE", param_hint="--sample-out")
        rows = [row for family in sorted(families, key=str) for row in draw_sample(documents, family, sample, seed)]
        write_sample(rows, sample_out)
        typer.echo(f"ofsted-findings: wrote {len(rows)} items to check to {sample_out}", err=True)
    raise typer.Exit(1 if failed or any(report.counts.values()) else 0)
