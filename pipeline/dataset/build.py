"""Building a dataset: find the inputs, extract what is not stored yet, store it.

A file whose bytes (sha256) are already stored by the same pipeline fingerprint (version,
extraction code, rule set) is not extracted again; a known failure is reported again
without re-reading it. Each document's rows are replaced in one transaction
(:func:`ofsted_findings.dataset.store.store_document`), so an interrupted build leaves whole
documents only and the next build carries on where it stopped.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from ofsted_findings.batch.files import discover
from ofsted_findings.batch.runner import Options, Outcome, run_many
from ofsted_findings.dataset.store import (
    ExportFormat,
    SubjectWords,
    connect,
    export_tables,
    hash_file,
    known_failure,
    known_path,
    pipeline_fingerprint,
    prune_missing,
    record_failure,
    record_link,
    store_document,
)
from ofsted_findings.dataset.store import (
    stored as is_stored,
)
from ofsted_findings.errors import display_name
from ofsted_findings.ingest.reader import DEFAULT_MAX_PAGES
from ofsted_findings.models import Document
from ofsted_findings.ruleset import RuleSet

logger = logging.getLogger(__name__)


class BuildReport(BaseModel):
    """What a build did."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    inputs: int
    extracted: int
    stored: int
    replaced: int
    skipped: int
    failed: int
    pruned: int = 0
    errors: list[str]


class BuildReporter(Protocol):
    """Progress and error hooks of :func:`build` (the CLI's progress bar)."""

    def start(self, total: int) -> None: ...

    def advance(self, outcome: Outcome) -> None: ...

    def error(self, line: str) -> None: ...


class _Silent:
    def start(self, total: int) -> None:
        pass

    def advance(self, outcome: Outcome) -> None:
        pass

    def error(self, line: str) -> None:
        logger.warning("%s", line)


def build(
    dirs: list[Path],
    db_path: Path,
    workers: int,
    export: tuple[ExportFormat, Path] | None = None,
    *,
    password: str | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    reporter: BuildReporter | None = None,
    rules: RuleSet | None = None,
    prune: bool = False,
) -> BuildReport:
    """Extract every ``.pdf``/``.txt`` under ``dirs`` into the DuckDB file ``db_path``.

    A file whose bytes (sha256) are already stored by the same pipeline fingerprint is not
    extracted again; a known failure is reported again without re-reading it. Each
    document's rows are replaced in one transaction, so an interrupted build leaves whole
    documents only and the next build carries on where it stopped. With ``prune``, the rows
    of files under ``dirs`` that are no longer there are removed (and documents no file holds).
    """
    reporter = reporter or _Silent()
    rules = rules or RuleSet.default()
    errors: list[str] = []

    def unlisted(line: str) -> None:
        errors.append(line)
        reporter.error(line)

    unlisted_folders: list[str] = []
    inputs = discover([str(item) for item in dirs], on_error=unlisted, unlisted=unlisted_folders)
    fingerprint = pipeline_fingerprint(rules)
    words = SubjectWords.of(rules)
    con = connect(db_path)
    try:
        todo: list[str] = []
        hashes: dict[str, str | None] = {}
        duplicates: dict[str, list[str]] = {}
        first_path: dict[str, str] = {}
        skipped = 0
        for path in inputs:
            try:
                sha: str | None = hash_file(Path(path))
            except OSError:
                sha = None  # extraction reports why it cannot be read
            hashes[path] = sha
            if sha is not None and is_stored(con, sha, fingerprint):
                if not known_path(con, path, sha):
                    record_link(con, path, sha, fingerprint)
                skipped += 1
                continue
            known = known_failure(con, path, sha, fingerprint) if sha is not None else None
            if known is not None:
                errors.append(known)
                reporter.error(known)
                continue
            if sha is not None and sha in first_path:
                duplicates.setdefault(sha, []).append(path)
                continue
            if sha is not None:
                first_path[sha] = path
            todo.append(path)
        logger.info(
            "%d inputs: %d to extract, %d already stored",
            len(inputs),
            len(todo),
            skipped,
        )
        reporter.start(len(todo))
        stored = replaced = 0
        options = Options(password=password, max_pages=max_pages, indent=None)
        for outcome in run_many(todo, rules, workers=workers, options=options, on_done=reporter.advance):
            if not outcome.ok:
                sha = hashes.get(outcome.input)
                # every copy of a file that cannot be read gets its own line and files row
                for path in [outcome.input, *(duplicates.get(sha, []) if sha else [])]:
                    line = _for_path(outcome.error or "error internal_error: no output", outcome.input, path)
                    errors.append(line)
                    reporter.error(line)
                    record_failure(con, path, sha, fingerprint, line)
                continue
            document = Document.model_validate_json(outcome.read_json())
            replaced += store_document(con, document, outcome.input, fingerprint, words)
            stored += 1
            for duplicate in duplicates.get(document.source.sha256, []):
                record_link(con, duplicate, document.source.sha256, fingerprint)
                skipped += 1
        pruned = prune_missing(con, [str(item) for item in dirs], set(inputs), unlisted_folders) if prune else 0
        if export is not None:
            export_tables(con, export[0], export[1])
        return BuildReport(
            inputs=len(inputs),
            extracted=len(todo),
            stored=stored,
            replaced=replaced,
            skipped=skipped,
            failed=len(errors),
            pruned=pruned,
            errors=errors,
        )
    finally:
        con.close()


def _for_path(line: str, reported: str, path: str) -> str:
    """The error line of ``reported`` as the line of its copy ``path``."""
    shown = display_name(reported)
    if path == reported or not line.startswith(shown + ": "):
        return line
    return display_name(path) + line[len(shown) :]
