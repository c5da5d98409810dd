"""``rules export``, ``rules check`` and ``rules readme``: rule folders a researcher can edit."""

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


rules_app = typer.Typer(help="Export, check and document the rule files.", no_args_is_help=True)
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
