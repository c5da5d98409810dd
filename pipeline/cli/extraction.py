"""Commands that extract: ``extract`` and ``schema``."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ofsted_findings.batch.files import discover, move_atomic, output_names, write_atomic, write_error
from ofsted_findings.batch.runner import DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT, Options, run_many
from ofsted_findings.cli.common import (
    PROGRESS_THRESHOLD,
    MaxBytesOption,
    MaxMemoryOption,
    MaxPagesOption,
    Progress,
    QuietOption,
    RulesOption,
    TimeoutOption,
    VerboseOption,
    app,
    configure_logging,
    load_rules,
)
from ofsted_findings.ingest.reader import DEFAULT_MAX_BYTES, DEFAULT_MAX_PAGES
from ofsted_findings.models import Document

logger = logging.getLogger(__name__)


class OutputFormat(str, Enum):
    """How documents are written to stdout."""

    JSON = "json"
    JSONL = "jsonl"


@app.command()
def extract(
    paths: Annotated[
        list[str],
        typer.Argument(help="Files (.pdf, .txt), directories (searched recursively) or '-' for stdin."),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            file_okay=False,
            dir_okay=True,
            help="Write one <input stem>.json per input here.",
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="stdout format: json (pretty) or jsonl (one document per line).",
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            "-w",
            min=0,
            help="Parallel worker processes (0, the default: one per CPU).",
        ),
    ] = 0,
    password: Annotated[str | None, typer.Option("--password", help="Password for encrypted PDFs.")] = None,
    max_pages: MaxPagesOption = DEFAULT_MAX_PAGES,
    max_bytes: MaxBytesOption = DEFAULT_MAX_BYTES,
    timeout: TimeoutOption = DEFAULT_TIMEOUT,
    max_memory: MaxMemoryOption = DEFAULT_MAX_MEMORY,
    rules_dir: RulesOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Extract metadata, findings and metrics from each input to JSON.

    On a terminal without --out or --format, a short summary of each document is printed
    instead (the JSON goes to pipes, redirections, --out DIR and --format json|jsonl).

    Each input is read in a worker process under the limits (--max-pages, --max-bytes,
    --timeout, --max-memory). Exit status: 0 when every input succeeded, 1 when any failed
    (each failure is one line on stderr: file, error code, cause, what to do), 2 for usage
    errors, 141 when the reader of stdout went away.
    """
    configure_logging(quiet, verbose)
    rules = load_rules(rules_dir)
    unlisted: list[str] = []
    inputs = discover(paths, on_error=unlisted.append)
    for line in unlisted:
        typer.echo(line, err=True)
    if not inputs:
        typer.echo("ofsted-findings: no .pdf or .txt files found in the given paths", err=True)
        raise typer.Exit(1)
    if inputs.count("-") > 1:
        raise typer.BadParameter("'-' (stdin) can be given only once")
    fmt = output_format or (OutputFormat.JSON if len(inputs) == 1 else OutputFormat.JSONL)
    # a person at a terminal gets a short summary; pipes, files, --out and --format get JSON
    summarise = out is None and output_format is None and stdout_is_terminal()
    indent = 2 if (out is not None or fmt is OutputFormat.JSON) else None
    names = output_names(inputs)
    worker_count = workers or os.cpu_count() or 1
    failures = len(unlisted)
    with Progress(
        len(inputs),
        enabled=not quiet and len(inputs) > PROGRESS_THRESHOLD and sys.stderr.isatty(),
    ) as progress:
        options = Options(
            password=password,
            max_pages=max_pages,
            max_bytes=max_bytes,
            indent=indent,
            timeout=timeout,
            max_memory=max_memory,
        )
        for outcome in run_many(inputs, rules, workers=worker_count, options=options, on_done=progress.advance):
            if outcome.error is not None:
                failures += 1
                progress.print_error(outcome.error)
                continue
            if out is not None:
                target = out / names[outcome.input]
                try:
                    if outcome.json_file is not None:
                        move_atomic(Path(outcome.json_file), target)
                    else:
                        write_atomic(target, outcome.read_json())
                except OSError as exc:
                    failures += 1
                    progress.print_error(write_error(outcome.input, target, exc))
            elif summarise:
                sys.stdout.write(summary(Document.model_validate_json(outcome.read_json())) + "\n")
                sys.stdout.flush()
            elif outcome.json_file is not None:
                with open(outcome.json_file, encoding="utf-8") as spooled:
                    shutil.copyfileobj(spooled, sys.stdout, 1 << 20)
                outcome.discard()
                sys.stdout.flush()
            else:
                sys.stdout.write(outcome.read_json() + "\n")
                sys.stdout.flush()
    if not quiet and len(inputs) > 1:
        typer.echo(
            f"ofsted-findings: {len(inputs) - failures} of {len(inputs)} inputs extracted",
            err=True,
        )
    raise typer.Exit(1 if failures else 0)


#: How many strengths and how many weaknesses the terminal summary quotes.
SUMMARY_EXAMPLES = 2
#: Longest quotation in the terminal summary (characters).
SUMMARY_WIDTH = 160


def stdout_is_terminal() -> bool:
    """Whether stdout is a terminal (a person reading, not a pipe or a file)."""
    return sys.stdout.isatty()


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_WIDTH else text[: SUMMARY_WIDTH - 1].rstrip() + "…"


def summary(document: Document) -> str:
    """A few lines about one document for a terminal: kind, authority, dates, judgements,
    counts, example findings, and how to get the JSON."""
    letter = document.letter
    authority = letter.authority.name or letter.authority.name_as_printed or "authority not recognised"
    dates = [
        (label, value)
        for label, value in (
            ("letter", letter.letter_date),
            ("on site", f"{letter.visit_start} to {letter.visit_end}" if letter.visit_start else None),
            ("published", letter.published),
        )
        if value
    ]
    strengths = [finding for finding in document.findings if finding.polarity == "strength"]
    weaknesses = [finding for finding in document.findings if finding.polarity == "weakness"]
    lines = [
        f"{document.source.name}: {str(letter.kind).replace('_', ' ')}, {authority}",
        "  dates: " + ("; ".join(f"{label} {value}" for label, value in dates) or "none found"),
        "  judgements: "
        + (", ".join(f"{judgement.area} {judgement.grade}" for judgement in letter.judgements) or "none"),
        f"  {len(document.findings)} findings ({len(strengths)} strengths, {len(weaknesses)} weaknesses), "
        f"{len(document.metrics)} figures, {len(document.warnings)} warnings",
    ]
    for finding in [*strengths[:SUMMARY_EXAMPLES], *weaknesses[:SUMMARY_EXAMPLES]]:
        lines.append(f"  {finding.polarity} (p. {finding.page}): {_quote(finding.text)}")
    lines.append("  The full JSON: add --format json, redirect (> file.json) or write files with --out DIR.")
    return "\n".join(lines)


@app.command()
def schema(
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Print the JSON Schema of the output document."""
    configure_logging(quiet, verbose)
    typer.echo(schema_text())


def schema_text() -> str:
    """The JSON Schema as checked into ``models/document.schema.json``."""
    return json.dumps(Document.json_schema(), indent=2, sort_keys=True, ensure_ascii=False)
