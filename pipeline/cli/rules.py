"""``rules export``, ``check``, ``readme``, ``fit`` and ``suggest``: rule folders a researcher can edit."""

from __future__ import annotations

import logging
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
from ofsted_findings.ruleset import RuleSet, RuleSetError

logger = logging.getLogger(__name__)


rules_app = typer.Typer(help="Export, check, document and fit the rule files.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


@rules_app.command("export")
def rules_export(
    folder: Annotated[
        Path,
        typer.Argument(file_okay=False, help="Folder to write the rule files into."),
    ],
    rules_dir: RulesOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Copy the rule files (the packaged ones, or those of --rules) into FOLDER, to edit them."""
    configure_logging(quiet, verbose)
    rules = load_rules(rules_dir)
    if folder.exists() and any(folder.iterdir()):
        typer.echo(
            f"ofsted-findings: {folder} is not empty; give a new or empty folder",
            err=True,
        )
        raise typer.Exit(2)
    written = rules.export(folder)
    if not quiet:
        typer.echo(f"ofsted-findings: wrote {len(written)} files to {folder}", err=True)


@rules_app.command("check")
def rules_check(
    folder: Annotated[
        Path,
        typer.Argument(file_okay=False, help="A rule folder (from `rules export`)."),
    ],
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Validate a rule folder: rules per file, or every problem as file:line (exit 1)."""
    configure_logging(quiet, verbose)
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

    configure_logging(quiet, verbose)
    typer.echo(rules_readme(), nl=False)


FitGoldOption = Annotated[
    Path,
    typer.Option("--gold", exists=True, file_okay=False, help="Gold annotations folder (findings/); tune split only."),
]
FitCorpusOption = Annotated[
    Path,
    typer.Option("--corpus", exists=True, file_okay=False, help="Folder the gold's file paths are relative to."),
]


@rules_app.command("fit")
def rules_fit(
    rules_dir: Annotated[
        Path,
        typer.Option(
            "--rules",
            exists=True,
            file_okay=False,
            help="Rule folder (from `rules export`) to fit and write the weights into.",
        ),
    ],
    gold: FitGoldOption = Path("corpus/gold"),
    corpus: FitCorpusOption = Path("../shared/corpus"),
    l2: Annotated[float, typer.Option("--l2", min=0, help="Pull of each weight back towards its current value.")] = 1.0,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print what would change; write nothing.")] = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Fit cue weights, implied weights and min_score on the gold's tune split; write them into --rules."""
    from ofsted_findings.evaluation.fit import Weights, fit, packaged_rules_dir, write_fitted

    configure_logging(quiet, verbose)
    if rules_dir.resolve() == packaged_rules_dir():
        typer.echo(
            "ofsted-findings: will not write into the packaged rules; "
            "give a folder made with `ofsted-findings rules export DIR`",
            err=True,
        )
        raise typer.Exit(2)
    rules = load_rules(rules_dir)
    report = fit(rules, gold, corpus, l2=l2)
    if not report.documents:
        typer.echo(f"ofsted-findings: no tune-split gold document found under {corpus}", err=True)
        raise typer.Exit(1)
    before, after = report.before, report.after
    typer.echo(f"tune documents\t{report.documents}\tsentences fitted\t{report.samples}")
    typer.echo(f"weights changed\t{len(report.changed)}")
    typer.echo(f"min_score\t{report.min_score[0]:g} -> {report.min_score[1]:g}")
    typer.echo(f"strength F1\t{before.strength.f1:.3f} -> {after.strength.f1:.3f}")
    typer.echo(f"weakness F1\t{before.weakness.f1:.3f} -> {after.weakness.f1:.3f}")
    typer.echo(f"mean F1\t{before.mean_f1:.3f} -> {after.mean_f1:.3f}")
    if verbose:
        for rule, (old, new) in sorted(report.changed.items()):
            typer.echo(f"  {rule}\t{old:g} -> {new:g}")
    if dry_run:
        typer.echo("dry run: nothing written")
        return
    for path in write_fitted(rules_dir, Weights.of(rules), report.weights):
        typer.echo(f"wrote\t{path}")


@rules_app.command("suggest")
def rules_suggest(
    rules_dir: RulesOption = None,
    gold: FitGoldOption = Path("corpus/gold"),
    corpus: FitCorpusOption = Path("../shared/corpus"),
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show at most this many candidates.")] = 30,
    min_support: Annotated[
        int, typer.Option("--min-support", min=1, help="Missed sentences a phrase must appear in.")
    ] = 2,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """List candidate cue phrases from tune-split gold sentences the rules miss (writes nothing)."""
    from ofsted_findings.evaluation.fit import record_documents
    from ofsted_findings.evaluation.suggest import suggest

    configure_logging(quiet, verbose)
    rules = load_rules(rules_dir)
    documents = record_documents(rules, gold, corpus)
    candidates = suggest(documents, rules, min_support=min_support)[:limit]
    typer.echo("ngram\tpolarity\tsupport\tagainst\tscore\texample")
    for item in candidates:
        typer.echo(f"{item.ngram}\t{item.polarity}\t{item.support}\t{item.against}\t{item.score:.2f}\t{item.example}")
