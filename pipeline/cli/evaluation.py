"""Commands that measure: ``evaluate``, ``evaluate-metadata``, ``validity``, ``gold-anchor``."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from ofsted_findings.cli.common import (
    QuietOption,
    RulesOption,
    VerboseOption,
    app,
    configure_logging,
    load_rules,
)
from ofsted_findings.errors import ErrorCode, InputError
from ofsted_findings.models import SCHEMA_VERSION, Document
from ofsted_findings.ruleset import RuleSet

logger = logging.getLogger(__name__)


@app.command("evaluate-metadata")
def evaluate_metadata(
    expected: Annotated[
        Path,
        typer.Option(
            "--expected",
            "-e",
            exists=True,
            dir_okay=False,
            help="CSV of expected values (reports or letters layout).",
        ),
    ],
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Files or directories to extract (instead of --outputs)."),
    ] = None,
    outputs: Annotated[
        Path | None,
        typer.Option(
            "--outputs",
            exists=True,
            file_okay=False,
            help="Read previously extracted JSON from this directory.",
        ),
    ] = None,
    reference: Annotated[
        Path | None,
        typer.Option(
            "--reference",
            "-r",
            exists=True,
            dir_okay=False,
            help="A peer tool's CSV to score beside ours.",
        ),
    ] = None,
    show_errors: Annotated[
        bool,
        typer.Option("--show-errors", help="List every mismatch: file, field, expected, got."),
    ] = False,
    show_peer_errors: Annotated[
        bool,
        typer.Option("--show-peer-errors", help="List the peer tool's mismatches too."),
    ] = False,
    workers: Annotated[
        int,
        typer.Option("--workers", "-w", min=0, help="Parallel worker processes (0: one per CPU)."),
    ] = 0,
    part: Annotated[
        str | None,
        typer.Option(
            "--part",
            help="Score only the rows of this part of the CSV's `part` column (tune, test, fresh); "
            "by default each part gets its own table.",
        ),
    ] = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Compare extracted metadata with expected values: accuracy and coverage per field.

    Only the rows of the CSV whose file was extracted (or found in --outputs) are scored.
    A CSV with a `part` column is scored part by part. `withheld` counts the expected
    values left empty with a warning about the field (misses, like wrong values).
    Exit status 0 when every scored value matches, 1 otherwise, 2 for usage errors.
    """
    from ofsted_findings.evaluation import metadata as evaluation

    configure_logging(quiet, verbose)
    if (outputs is None) == (not paths):
        raise typer.BadParameter("give either --outputs DIR or the PATHS to extract")
    from ofsted_findings.metadata.letter import MetadataReader

    rules = RuleSet.default()
    rows = evaluation.read_csv(expected)
    parts = evaluation.parts_of(rows)
    if part is not None and part not in parts:
        raise typer.BadParameter(f"{expected.name} has no rows of part {part!r} (parts: {', '.join(parts) or 'none'})")
    if outputs is not None:
        found = evaluation.read_outputs(outputs)
        letters = dict(found.letters)
        evaluation.mark_refused(letters, rows)
    else:
        found = evaluation.extract_outputs(paths or [], rules, workers=workers or os.cpu_count() or 1)
        letters = dict(found.letters)
    peer = evaluation.read_reference(reference) if reference is not None else None
    reader = MetadataReader(rules)
    groups = [(name, [row for row in rows if row.get("part") == name]) for name in ([part] if part else parts)]
    failed = False
    for index, (name, group) in enumerate(groups or [(None, rows)]):
        result = evaluation.evaluate(group, letters, reader, peer, found.warnings)
        failed = failed or bool(result.mismatches)
        if index:
            typer.echo("")
        where = f" (part {name})" if name else ""
        typer.echo(f"{result.documents} documents scored against {expected.name}{where}")
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
    raise typer.Exit(1 if failed else 0)


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
    Path,
    typer.Option(
        "--gold",
        exists=True,
        file_okay=False,
        help="Gold annotations folder (findings/, metrics/).",
    ),
]
CorpusOption = Annotated[
    Path,
    typer.Option(
        "--corpus",
        exists=True,
        file_okay=False,
        help="Folder the gold's file paths are relative to.",
    ),
]


@app.command()
def evaluate(
    gold: GoldOption = Path("corpus/gold"),
    corpus: CorpusOption = Path("../shared/corpus"),
    what: Annotated[EvaluateWhat, typer.Option("--what", help="Stage to score.")] = EvaluateWhat.ALL,
    split: Annotated[
        SplitOption,
        typer.Option("--split", help="Held-out 'test' part, 'tune' part, or 'all'."),
    ] = SplitOption.TEST,
    baseline: Annotated[
        bool,
        typer.Option("--baseline/--no-baseline", help="Also run VADER / quantulum3 (dev extra)."),
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the reports as JSON.")] = False,
    rules_dir: RulesOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Score findings and metrics against the gold annotations, beside lexicon/quantity baselines."""
    from ofsted_findings.api import Pipeline
    from ofsted_findings.evaluation.common import Extractor
    from ofsted_findings.evaluation.findings_eval import evaluate_findings
    from ofsted_findings.evaluation.metrics_eval import evaluate_metrics
    from ofsted_findings.evaluation.report import findings_table, metrics_table

    configure_logging(quiet, verbose)
    extractor = Extractor(Pipeline(load_rules(rules_dir)))
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
    paths: Annotated[
        list[Path],
        typer.Argument(help="Extracted JSON files or folders of them (from `extract --out`)."),
    ],
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Weakness share of findings per judged area of ILACS reports, by the area's grade."""
    from ofsted_findings.evaluation.findings_eval import judgement_validity
    from ofsted_findings.evaluation.report import validity_table

    configure_logging(quiet, verbose)
    failed = 0
    for path in paths:
        if not path.exists():
            failed += 1
            typer.echo(
                InputError(ErrorCode.NOT_FOUND, "no such file or folder", "Check the path").line(str(path)), err=True
            )
    files = sorted(f for p in paths for f in ([p] if p.is_file() else p.rglob("*.json")))

    def documents() -> Iterator[Document]:
        nonlocal failed
        for file in files:
            try:
                yield Document.model_validate_json(file.read_bytes())
            except (OSError, ValueError) as exc:
                failed += 1
                typer.echo(_not_a_document(exc, file), err=True)

    typer.echo(validity_table(judgement_validity(documents())))
    if not files or failed:
        if not files:
            typer.echo("ofsted-findings: no .json files found in the given paths", err=True)
        raise typer.Exit(1)


def _not_a_document(exc: Exception, file: Path) -> str:
    """One line for a file `validity` cannot use."""
    if isinstance(exc, OSError):
        error = InputError(ErrorCode.NOT_FOUND, f"cannot be read ({exc.strerror or exc})", "Check the path")
    elif isinstance(exc, ValidationError) and any(item["type"] == "json_invalid" for item in exc.errors()):
        error = InputError(ErrorCode.NOT_JSON, "the file is not JSON", "Give the output of `extract --out`")
    else:
        error = InputError(
            ErrorCode.NOT_A_DOCUMENT,
            f"the JSON is not an ofsted-findings document of schema {SCHEMA_VERSION}",
            "Extract the input again with this version",
        )
    return error.line(str(file))


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

    configure_logging(quiet, verbose)
    pipeline = Pipeline()
    texts: dict[str, str] = {}
    for family in ("findings", "metrics"):
        for gold_file in load_gold(gold, family):
            if gold_file.header.sha256 not in texts and (corpus / gold_file.header.file).is_file():
                texts[gold_file.header.sha256] = pipeline.extract(corpus / gold_file.header.file).text
    for family in ("findings", "metrics"):
        anchored, missed = write_anchored(gold, family, texts, pipeline.rules.layout)  # type: ignore[arg-type]
        typer.echo(f"{family}: {anchored} anchored, {missed} not found")
