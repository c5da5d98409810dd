"""Commands that check the tool itself: ``fidelity`` and ``benchmark``."""

from __future__ import annotations

import logging
import os
from typing import Annotated

import typer

from ofsted_findings.cli.common import (
    QuietOption,
    VerboseOption,
    app,
    configure_logging,
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
