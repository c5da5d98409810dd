"""A DuckDB dataset of extracted documents: incremental build, one transaction per document, export.

Every table carries the document's ``sha256``; item tables add the item ids of the JSON
contract (``id``; judgements, which have none, are keyed by ``area`` and ``start``), so
tables join on ``(sha256, id)`` and on the id columns that point between items
(``findings.sentence``, ``metrics.finding``, ``sentences.section``, ...). Themes and
modifiers of a finding are list columns (``VARCHAR[]``), its cues a list of structs; the
view ``finding_themes`` has one row per (finding, theme). The schema below is the single
source of the table definitions, the README's schema table and the exports.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from ofsted_findings.api import pipeline_version
from ofsted_findings.batch.files import discover
from ofsted_findings.batch.runner import Outcome, run_many
from ofsted_findings.ingest.reader import DEFAULT_MAX_PAGES
from ofsted_findings.models import (
    Authority,
    Baseline,
    Comparator,
    Cue,
    Document,
    Finding,
    Inspector,
    Judgement,
    Letter,
    Metric,
    PipelineInfo,
    Section,
    Sentence,
    Source,
    Visit,
    Warning,
)
from ofsted_findings.ruleset import RuleSet
from pydantic import BaseModel, ConfigDict

logger = logging.getLogger(__name__)

#: Revision of the table layout and derived columns; part of the fingerprint, so a change
#: to either rebuilds every document's rows.
STORE_REVISION = 1
#: Subpackages whose code does not change what extraction produces (left out of the fingerprint).
NOT_EXTRACTION = frozenset(
    {"cli", "dataset", "views", "evaluation", "diagnostics", "rules", "__pycache__"}
)
FINGERPRINT_SUFFIXES = (".py",)
#: Words left out of a metric subject's tokens.
SUBJECT_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "were",
        "which",
        "who",
        "whom",
        "whose",
        "with",
    ]
)
TOKEN_RE = re.compile(r"[a-z0-9]+")
POSSESSIVE_RE = re.compile(r"['’]s\b")
HASH_CHUNK = 1 << 20

_STR = pa.string()
_INT = pa.int64()
_FLOAT = pa.float64()
_BOOL = pa.bool_()
_STRS = pa.list_(pa.string())
_VISITS = pa.list_(pa.struct([("start", _STR), ("end", _STR)]))
_INSPECTORS = pa.list_(
    pa.struct([("name", _STR), ("lead", _BOOL), ("start", _INT), ("end", _INT)])
)
_WARNINGS = pa.list_(pa.struct([("code", _STR), ("message", _STR), ("page", _INT)]))
_CUES = pa.list_(
    pa.struct(
        [
            ("rule", _STR),
            ("kind", _STR),
            ("effect", _STR),
            ("text", _STR),
            ("start", _INT),
            ("end", _INT),
        ]
    )
)

_SQL_TYPES: dict[pa.DataType, str] = {
    _STR: "VARCHAR",
    _INT: "BIGINT",
    _FLOAT: "DOUBLE",
    _BOOL: "BOOLEAN",
    pa.date32(): "DATE",
    _STRS: "VARCHAR[]",
    _VISITS: 'STRUCT(start VARCHAR, "end" VARCHAR)[]',
    _INSPECTORS: 'STRUCT(name VARCHAR, lead BOOLEAN, start BIGINT, "end" BIGINT)[]',
    _WARNINGS: "STRUCT(code VARCHAR, message VARCHAR, page BIGINT)[]",
    _CUES: 'STRUCT("rule" VARCHAR, kind VARCHAR, effect VARCHAR, "text" VARCHAR, start BIGINT, "end" BIGINT)[]',
}


@dataclass(frozen=True)
class Column:
    """One column of a table: name, Arrow type and what it holds."""

    name: str
    type: pa.DataType
    description: str

    @property
    def sql_type(self) -> str:
        return _SQL_TYPES[self.type]

    @property
    def nested(self) -> bool:
        return pa.types.is_list(self.type)


@dataclass(frozen=True)
class Table:
    """One table: its columns, its key and the order rows are exported in."""

    name: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([(column.name, column.type) for column in self.columns])


def _c(name: str, kind: pa.DataType, description: str) -> Column:
    return Column(name, kind, description)


SHA = _c("sha256", _STR, "sha256 of the input bytes (the document key)")
PAGE = _c("page", _INT, "1-based physical page")
START = _c("start", _INT, 'start offset into documents.text (quote "end" in SQL)')
END = _c("end", _INT, "end offset into documents.text")

DOCUMENTS = Table(
    "documents",
    "one row per distinct input (by sha256): source, metadata, text",
    ("sha256",),
    (
        SHA,
        _c(
            "file_path",
            _STR,
            "path the document was stored from (files lists every path)",
        ),
        _c("source_name", _STR, "file name only"),
        _c("media_type", _STR, "application/pdf or text/plain"),
        _c("pages", _INT, "number of physical pages"),
        _c("schema_version", _STR, "JSON contract version"),
        _c("pipeline_name", _STR, "software that extracted it"),
        _c("pipeline_version", _STR, "its version"),
        _c(
            "pipeline_fingerprint",
            _STR,
            "version plus a hash of the extraction code and rules (decides re-extraction)",
        ),
        _c("kind", _STR, "ilacs_inspection, sif_inspection, focused_visit, ..."),
        _c("framework", _STR, "framework detail (short / standard ILACS, ...)"),
        _c("authority", _STR, "canonical authority name"),
        _c("authority_as_printed", _STR, "authority name as printed"),
        _c("authority_start", _INT, "offset of the printed name"),
        _c("authority_end", _INT, "end offset of the printed name"),
        _c("dfe_code", _STR, "DfE local authority code"),
        _c("ons_code", _STR, "ONS GSS code"),
        _c(
            "date",
            pa.date32(),
            "date the evidence refers to: last day on site, else letter date, else publication date",
        ),
        _c("letter_date", _STR, "date at the head of a letter (ISO)"),
        _c("visit_start", _STR, "first on-site day (ISO)"),
        _c("visit_end", _STR, "last on-site day (ISO)"),
        _c("visits", _VISITS, "every on-site part: list of {start, end}"),
        _c("published", _STR, "publication date where printed (ISO)"),
        _c("addressee", _STR, "addressee of a letter"),
        _c("inspectors", _INSPECTORS, "list of {name, lead, start, end}"),
        _c("lead_inspector", _STR, "name of the first lead inspector"),
        _c("focus", _STR, "what a visit looked at, as printed"),
        _c("focus_start", _INT, "offset of focus"),
        _c("focus_end", _INT, "end offset of focus"),
        _c("monitoring_visit_number", _INT, "which monitoring visit"),
        _c(
            "previous_judgement",
            _STR,
            "previous overall effectiveness grade stated by a letter",
        ),
        _c(
            "previous_judgement_date",
            _STR,
            "when that inspection was (YYYY-MM or ISO date)",
        ),
        _c("warnings", _WARNINGS, "list of {code, message, page}"),
        _c("text", _STR, "the normalised text every offset points into"),
    ),
)
FILES = Table(
    "files",
    "one row per input path seen by build: which document it holds, or why it failed",
    ("file_path",),
    (
        _c("file_path", _STR, "path as given to build"),
        SHA,
        _c("pipeline_fingerprint", _STR, "fingerprint of the pipeline that read it"),
        _c("status", _STR, "stored or failed"),
        _c("error", _STR, "the error line for a failed input"),
    ),
)
JUDGEMENTS = Table(
    "judgements",
    "graded areas of a document",
    ("sha256", "area", "start"),
    (
        SHA,
        _c(
            "area",
            _STR,
            "canonical area (overall_effectiveness, help_and_protection, ...)",
        ),
        _c("label_as_printed", _STR, "area label as printed"),
        _c(
            "grade",
            _STR,
            "outstanding, good, requires_improvement, adequate, inadequate, not_judged",
        ),
        PAGE,
        START,
        END,
    ),
)
SECTIONS = Table(
    "sections",
    "headed runs of text",
    ("sha256", "id"),
    (
        SHA,
        _c("id", _STR, "section id"),
        _c("title", _STR, "heading as printed"),
        _c(
            "category",
            _STR,
            "canonical category (what_needs_to_improve, care_leavers, ...)",
        ),
        _c("parent", _STR, "id of the enclosing section"),
        PAGE,
        START,
        END,
    ),
)
SENTENCES = Table(
    "sentences",
    "sentences of running text",
    ("sha256", "id"),
    (
        SHA,
        _c("id", _STR, "sentence id"),
        _c("section", _STR, "id of its section"),
        _c("block", _STR, "paragraph, bullet, numbered or field"),
        PAGE,
        START,
        END,
    ),
)
FINDINGS = Table(
    "findings",
    "strengths and weaknesses",
    ("sha256", "id"),
    (
        SHA,
        _c("id", _STR, "finding id"),
        _c("polarity", _STR, "strength or weakness"),
        _c("text", _STR, "the finding as printed"),
        PAGE,
        START,
        END,
        _c("sentence", _STR, "id of its sentence"),
        _c("section", _STR, "id of its section"),
        _c("themes", _STRS, "theme ids, sorted (see view finding_themes)"),
        _c("modifiers", _STRS, "ids of the modifier rules that applied"),
        _c("negated", _BOOL, "a negation flipped a cue"),
        _c("hedged", _BOOL, "a hedge qualifies it"),
        _c(
            "cues",
            _CUES,
            "every rule that fired: list of {rule, kind, effect, text, start, end}",
        ),
    ),
)
METRICS = Table(
    "metrics",
    "figures quoted in the text, with baseline and comparator",
    ("sha256", "id"),
    (
        SHA,
        _c("id", _STR, "metric id"),
        _c("text", _STR, "the figure as printed"),
        PAGE,
        START,
        END,
        _c("sentence", _STR, "id of its sentence"),
        _c("kind", _STR, "percentage, count, money, rate, fraction, duration, other"),
        _c("value", _FLOAT, "the value"),
        _c("low", _FLOAT, "low end of a range"),
        _c("high", _FLOAT, "high end of a range"),
        _c("unit", _STR, "percent, count, GBP, per_10000, days, ..."),
        _c("approx", _STR, "exact, about, more_than, ..."),
        _c("baseline_value", _FLOAT, "earlier value compared with"),
        _c("baseline_low", _FLOAT, "its low end"),
        _c("baseline_high", _FLOAT, "its high end"),
        _c("baseline_date", _STR, "its date"),
        _c("baseline_start", _INT, "offset of the baseline figure"),
        _c("baseline_end", _INT, "its end offset"),
        _c("change", _STR, "increase, decrease, no_change"),
        _c("comparator_value", _FLOAT, "another population's value"),
        _c("comparator_label", _STR, "national average, statistical neighbours, ..."),
        _c("date", _STR, "date or interval of the value (ISO)"),
        _c("date_text", _STR, "the date as printed"),
        _c("subject", _STR, "what is measured, as extracted"),
        _c(
            "subject_tokens",
            _STRS,
            "normalised subject words (lower case, no stop words, singular), sorted",
        ),
        _c("finding", _STR, "id of the finding containing it"),
    ),
)
TABLES: tuple[Table, ...] = (
    DOCUMENTS,
    FILES,
    JUDGEMENTS,
    SECTIONS,
    SENTENCES,
    FINDINGS,
    METRICS,
)
#: Tables holding one document's rows (everything except files).
DOCUMENT_TABLES: tuple[Table, ...] = tuple(
    table for table in TABLES if table is not FILES
)

VIEWS = {
    "finding_themes": "CREATE OR REPLACE VIEW finding_themes AS "
    "SELECT sha256, id AS finding, polarity, unnest(themes) AS theme FROM findings",
}


class ExportFormat(str, Enum):
    """File format of ``--export``."""

    PARQUET = "parquet"
    CSV = "csv"


class BuildReport(BaseModel):
    """What a build did."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    inputs: int
    extracted: int
    stored: int
    replaced: int
    skipped: int
    failed: int
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


# --- keys and fingerprints -------------------------------------------------------------


def hash_file(path: Path) -> str:
    """sha256 of a file's bytes (the document key), read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _walk(node: Traversable, prefix: str) -> Iterable[tuple[str, Traversable]]:
    for child in sorted(node.iterdir(), key=lambda item: item.name):
        name = f"{prefix}/{child.name}"
        if child.is_dir():
            if child.name not in NOT_EXTRACTION:
                yield from _walk(child, name)
        elif child.name.endswith(FINGERPRINT_SUFFIXES):
            yield name, child


def code_fingerprint() -> str:
    """A hash of the extraction code (not the rule files: the rule set has its own fingerprint)."""
    digest = hashlib.sha256()
    for name, item in _walk(resources.files("ofsted_findings"), "ofsted_findings"):
        digest.update(name.encode("utf-8") + b"\0" + item.read_bytes() + b"\0")
    digest.update(f"store-revision-{STORE_REVISION}".encode())
    return digest.hexdigest()


def pipeline_fingerprint(rules: RuleSet) -> str:
    """What decides whether a stored document must be extracted again: the package version,
    the extraction code and the rule set's content (so a tuned rule folder rebuilds the rows
    even when the version number has not moved, and a copy of the same rules does not)."""
    return f"{pipeline_version()}+{code_fingerprint()[:12]}+{rules.fingerprint[:12]}"


def subject_tokens(subject: str | None) -> list[str]:
    """Normalised words of a metric subject: lower case, stop words out, plural -s off, sorted, unique."""
    if not subject:
        return []
    tokens: set[str] = set()
    for token in TOKEN_RE.findall(POSSESSIVE_RE.sub("", subject.lower())):
        if token in SUBJECT_STOPWORDS or token.isdigit():
            continue
        tokens.add(singular(token))
    return sorted(tokens)


def singular(token: str) -> str:
    """A crude singular: 'leavers' -> 'leaver', 'caseloads' -> 'caseload' ('ss', 'us', 'is' kept)."""
    if len(token) > 3 and token.endswith("ies"):
        return token[:-3] + "y"
    if (
        len(token) > 3
        and token.endswith("s")
        and not token.endswith(("ss", "us", "is"))
    ):
        return token[:-1]
    return token


def _iso_date(*values: str | None) -> date | None:
    for value in values:
        if value and len(value) >= 10:
            try:
                return date.fromisoformat(value[:10])
            except ValueError:
                continue
    return None


# --- rows ------------------------------------------------------------------------------


def document_tables(
    document: Document, file_path: str, fingerprint: str
) -> dict[str, pa.Table]:
    """The rows of one document, as an Arrow table per database table."""
    sha = document.source.sha256
    letter = document.letter
    lead = next(
        (inspector.name for inspector in letter.inspectors if inspector.lead), None
    )
    documents = [
        {
            "sha256": sha,
            "file_path": file_path,
            "source_name": document.source.name,
            "media_type": document.source.media_type,
            "pages": document.source.pages,
            "schema_version": document.schema_version,
            "pipeline_name": document.pipeline.name,
            "pipeline_version": document.pipeline.version,
            "pipeline_fingerprint": fingerprint,
            "kind": letter.kind,
            "framework": letter.framework,
            "authority": letter.authority.name,
            "authority_as_printed": letter.authority.name_as_printed,
            "authority_start": letter.authority.start,
            "authority_end": letter.authority.end,
            "dfe_code": letter.authority.dfe_code,
            "ons_code": letter.authority.ons_code,
            "date": _iso_date(letter.visit_end, letter.letter_date, letter.published),
            "letter_date": letter.letter_date,
            "visit_start": letter.visit_start,
            "visit_end": letter.visit_end,
            "visits": [visit.model_dump() for visit in letter.visits],
            "published": letter.published,
            "addressee": letter.addressee,
            "inspectors": [inspector.model_dump() for inspector in letter.inspectors],
            "lead_inspector": lead,
            "focus": letter.focus,
            "focus_start": letter.focus_start,
            "focus_end": letter.focus_end,
            "monitoring_visit_number": letter.monitoring_visit_number,
            "previous_judgement": letter.previous_judgement,
            "previous_judgement_date": letter.previous_judgement_date,
            "warnings": [warning.model_dump() for warning in document.warnings],
            "text": document.text,
        }
    ]
    judgements = [
        {"sha256": sha, **judgement.model_dump()} for judgement in letter.judgements
    ]
    sections = [
        {"sha256": sha, **section.model_dump()} for section in document.sections
    ]
    sentences = [
        {"sha256": sha, **sentence.model_dump()} for sentence in document.sentences
    ]
    findings = [
        {"sha256": sha, **finding.model_dump()} for finding in document.findings
    ]
    metrics = [_metric_row(sha, metric) for metric in document.metrics]
    rows = {
        "documents": documents,
        "judgements": judgements,
        "sections": sections,
        "sentences": sentences,
        "findings": findings,
        "metrics": metrics,
    }
    return {
        table.name: pa.Table.from_pylist(rows[table.name], schema=table.schema)
        for table in DOCUMENT_TABLES
    }


def _metric_row(sha: str, metric: Metric) -> dict[str, object]:
    row: dict[str, object] = {
        "sha256": sha,
        **metric.model_dump(exclude={"baseline", "comparator"}),
    }
    baseline = metric.baseline
    comparator = metric.comparator
    row.update(
        baseline_value=baseline.value if baseline else None,
        baseline_low=baseline.low if baseline else None,
        baseline_high=baseline.high if baseline else None,
        baseline_date=baseline.date if baseline else None,
        baseline_start=baseline.start if baseline else None,
        baseline_end=baseline.end if baseline else None,
        comparator_value=comparator.value if comparator else None,
        comparator_label=comparator.label if comparator else None,
        subject_tokens=subject_tokens(metric.subject),
    )
    return row


# --- database --------------------------------------------------------------------------


def _sql(
    con: duckdb.DuckDBPyConnection,
    statement: str,
    parameters: list[object] | None = None,
) -> None:
    """Run a statement that returns no rows of interest (and finish its result)."""
    con.execute(statement, parameters or []).fetchall()


def _first(
    con: duckdb.DuckDBPyConnection, query: str, parameters: list[object]
) -> tuple[object, ...] | None:
    """The first row of a query, or None (the result is read to the end)."""
    rows = con.execute(query, parameters).fetchall()
    return rows[0] if rows else None


def connect(db_path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and, when writable, create) the dataset."""
    if read_only:
        if not db_path.is_file():
            raise FileNotFoundError(
                f"{db_path}: no such database (run 'ofsted-findings build' first)"
            )
        return duckdb.connect(str(db_path), read_only=True)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path))
    for table in TABLES:
        columns = ", ".join(
            f'"{column.name}" {column.sql_type}' for column in table.columns
        )
        _sql(con, f"CREATE TABLE IF NOT EXISTS {table.name} ({columns})")
    for view in VIEWS.values():
        _sql(con, view)
    return con


def _stored(con: duckdb.DuckDBPyConnection, sha: str, fingerprint: str) -> bool:
    row = _first(
        con,
        "SELECT count(*) FROM documents WHERE sha256 = ? AND pipeline_fingerprint = ?",
        [sha, fingerprint],
    )
    return bool(row and row[0])


def _known_failure(
    con: duckdb.DuckDBPyConnection, path: str, sha: str, fingerprint: str
) -> str | None:
    row = _first(
        con,
        "SELECT error FROM files WHERE file_path = ? AND sha256 = ? AND pipeline_fingerprint = ? AND status = 'failed'",
        [path, sha, fingerprint],
    )
    return str(row[0]) if row else None


def _delete_document(con: duckdb.DuckDBPyConnection, sha: str) -> None:
    for table in DOCUMENT_TABLES:
        _sql(con, f"DELETE FROM {table.name} WHERE sha256 = ?", [sha])


def _link(
    con: duckdb.DuckDBPyConnection,
    path: str,
    sha: str,
    fingerprint: str,
    status: str,
    error: str | None = None,
) -> None:
    """Point ``path`` at ``sha``; drop the document it held before when no path holds it any more."""
    previous = _first(con, "SELECT sha256 FROM files WHERE file_path = ?", [path])
    _sql(con, "DELETE FROM files WHERE file_path = ?", [path])
    _sql(
        con,
        "INSERT INTO files VALUES (?, ?, ?, ?, ?)",
        [path, sha, fingerprint, status, error],
    )
    old = str(previous[0]) if previous else None
    if old is not None and old != sha:
        others = _first(con, "SELECT count(*) FROM files WHERE sha256 = ?", [old])
        if others and others[0] == 0:
            logger.info(
                "%s changed: dropping the rows of its previous content %s",
                path,
                old[:12],
            )
            _delete_document(con, old)


def store_document(
    con: duckdb.DuckDBPyConnection, document: Document, file_path: str, fingerprint: str
) -> bool:
    """Replace one document's rows in ONE transaction; True when it replaced earlier rows."""
    sha = document.source.sha256
    tables = document_tables(document, file_path, fingerprint)
    _sql(con, "BEGIN TRANSACTION")
    try:
        existing = _first(con, "SELECT count(*) FROM documents WHERE sha256 = ?", [sha])
        replaced = bool(existing and existing[0])
        if replaced:
            _delete_document(con, sha)
        for table in DOCUMENT_TABLES:
            _insert(con, table, tables[table.name])
        _link(con, file_path, sha, fingerprint, "stored")
        _sql(con, "COMMIT")
    except BaseException:
        _sql(con, "ROLLBACK")
        raise
    return replaced


def _insert(con: duckdb.DuckDBPyConnection, table: Table, rows: pa.Table) -> None:
    if rows.num_rows == 0:
        return
    con.register("incoming_rows", rows)
    try:
        # Table names come from the fixed schema above; values travel as Arrow data.
        _sql(con, f"INSERT INTO {table.name} BY NAME SELECT * FROM incoming_rows")
    finally:
        con.unregister("incoming_rows")


def _record_failure(
    con: duckdb.DuckDBPyConnection,
    path: str,
    sha: str | None,
    fingerprint: str,
    line: str,
) -> None:
    _sql(con, "BEGIN TRANSACTION")
    try:
        _link(con, path, sha or "", fingerprint, "failed", line)
        _sql(con, "COMMIT")
    except BaseException:
        _sql(con, "ROLLBACK")
        raise


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
) -> BuildReport:
    """Extract every ``.pdf``/``.txt`` under ``dirs`` into the DuckDB file ``db_path``.

    A file whose bytes (sha256) are already stored by the same pipeline fingerprint is not
    extracted again; a known failure is reported again without re-reading it. Each
    document's rows are replaced in one transaction, so an interrupted build leaves whole
    documents only and the next build carries on where it stopped.
    """
    reporter = reporter or _Silent()
    rules = rules or RuleSet.default()
    inputs = discover([str(item) for item in dirs])
    fingerprint = pipeline_fingerprint(rules)
    con = connect(db_path)
    try:
        todo: list[str] = []
        hashes: dict[str, str | None] = {}
        duplicates: dict[str, list[str]] = {}
        first_path: dict[str, str] = {}
        errors: list[str] = []
        skipped = 0
        for path in inputs:
            try:
                sha: str | None = hash_file(Path(path))
            except OSError:
                sha = None  # extraction reports why it cannot be read
            hashes[path] = sha
            if sha is not None and _stored(con, sha, fingerprint):
                if not _known_path(con, path, sha):
                    _record_link(con, path, sha, fingerprint)
                skipped += 1
                continue
            known = (
                _known_failure(con, path, sha, fingerprint) if sha is not None else None
            )
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
        for outcome in run_many(
            todo,
            rules,
            workers=workers,
            password=password,
            max_pages=max_pages,
            indent=None,
            on_done=reporter.advance,
        ):
            if outcome.error is not None or outcome.json_text is None:
                line = (
                    outcome.error or f"{outcome.input}: error internal_error: no output"
                )
                errors.append(line)
                reporter.error(line)
                _record_failure(
                    con, outcome.input, hashes.get(outcome.input), fingerprint, line
                )
                continue
            document = Document.model_validate_json(outcome.json_text)
            replaced += store_document(con, document, outcome.input, fingerprint)
            stored += 1
            for duplicate in duplicates.get(document.source.sha256, []):
                _record_link(con, duplicate, document.source.sha256, fingerprint)
                skipped += 1
        if export is not None:
            export_tables(con, export[0], export[1])
        return BuildReport(
            inputs=len(inputs),
            extracted=len(todo),
            stored=stored,
            replaced=replaced,
            skipped=skipped,
            failed=len(errors),
            errors=errors,
        )
    finally:
        con.close()


def _known_path(con: duckdb.DuckDBPyConnection, path: str, sha: str) -> bool:
    row = _first(
        con,
        "SELECT count(*) FROM files WHERE file_path = ? AND sha256 = ? AND status = 'stored'",
        [path, sha],
    )
    return bool(row and row[0])


def _record_link(
    con: duckdb.DuckDBPyConnection, path: str, sha: str, fingerprint: str
) -> None:
    _sql(con, "BEGIN TRANSACTION")
    try:
        _link(con, path, sha, fingerprint, "stored")
        _sql(con, "COMMIT")
    except BaseException:
        _sql(con, "ROLLBACK")
        raise


# --- export and reading back -----------------------------------------------------------


def export_tables(
    con: duckdb.DuckDBPyConnection, fmt: ExportFormat, out_dir: Path
) -> list[Path]:
    """Write every table to ``out_dir/<table>.parquet`` or ``.csv``, rows in key order.

    CSV cannot hold lists, so list columns are written as JSON text there.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for table in TABLES:
        if fmt is ExportFormat.CSV:
            select = ", ".join(
                f'to_json("{column.name}")::VARCHAR AS "{column.name}"'
                if column.nested
                else f'"{column.name}"'
                for column in table.columns
            )
        else:
            select = ", ".join(f'"{column.name}"' for column in table.columns)
        order = ", ".join(f'"{name}"' for name in table.key)
        arrow = con.sql(
            f"SELECT {select} FROM {table.name} ORDER BY {order}"
        ).to_arrow_table()
        path = out_dir / f"{table.name}.{fmt.value}"
        if fmt is ExportFormat.CSV:
            pa_csv.write_csv(arrow, path)
        else:
            pq.write_table(arrow, path)
        written.append(path)
    logger.info("exported %d tables to %s", len(written), out_dir)
    return written


def resolve(con: duckdb.DuckDBPyConnection, key: str) -> str:
    """The sha256 of the stored document named by a sha256 (or a unique prefix of one) or a file path."""
    row = _first(
        con, "SELECT sha256 FROM files WHERE file_path = ? AND status = 'stored'", [key]
    )
    if row:
        return str(row[0])
    rows = con.execute(
        "SELECT sha256 FROM documents WHERE starts_with(sha256, ?) ORDER BY sha256",
        [key.lower()],
    ).fetchall()
    if len(rows) == 1:
        return str(rows[0][0])
    if rows:
        raise KeyError(f"{key}: {len(rows)} documents match; give more of the sha256")
    raise KeyError(f"{key}: no stored document has this path or sha256")


def _records(
    con: duckdb.DuckDBPyConnection, table: Table, sha: str
) -> list[dict[str, Any]]:
    order = ", ".join(f'"{name}"' for name in table.key)
    return (
        con.sql(
            f"SELECT * FROM {table.name} WHERE sha256 = ? ORDER BY {order}",
            params=[sha],
        )
        .to_arrow_table()
        .to_pylist()
    )


def load_document(con: duckdb.DuckDBPyConnection, sha: str) -> Document:
    """Rebuild the :class:`Document` stored under ``sha`` (the same JSON that extraction gave)."""
    rows = _records(con, DOCUMENTS, sha)
    if not rows:
        raise KeyError(f"{sha}: not in the database")
    row = rows[0]
    letter = Letter(
        kind=row["kind"],
        framework=row["framework"],
        authority=Authority(
            name_as_printed=row["authority_as_printed"],
            name=row["authority"],
            dfe_code=row["dfe_code"],
            ons_code=row["ons_code"],
            start=row["authority_start"],
            end=row["authority_end"],
        ),
        letter_date=row["letter_date"],
        visit_start=row["visit_start"],
        visit_end=row["visit_end"],
        visits=[Visit(**visit) for visit in row["visits"]],
        published=row["published"],
        addressee=row["addressee"],
        inspectors=[Inspector(**inspector) for inspector in row["inspectors"]],
        judgements=sorted(
            (Judgement(**_strip(item)) for item in _records(con, JUDGEMENTS, sha)),
            key=lambda item: (item.start, item.area),
        ),
        focus=row["focus"],
        focus_start=row["focus_start"],
        focus_end=row["focus_end"],
        monitoring_visit_number=row["monitoring_visit_number"],
        previous_judgement=row["previous_judgement"],
        previous_judgement_date=row["previous_judgement_date"],
    )
    return Document(
        schema_version=row["schema_version"],
        source=Source(
            name=row["source_name"],
            sha256=sha,
            media_type=row["media_type"],
            pages=row["pages"],
        ),
        text=row["text"],
        letter=letter,
        sections=sorted(
            (Section(**_strip(item)) for item in _records(con, SECTIONS, sha)),
            key=_position,
        ),
        sentences=sorted(
            (Sentence(**_strip(item)) for item in _records(con, SENTENCES, sha)),
            key=_position,
        ),
        findings=sorted(
            (_finding(item) for item in _records(con, FINDINGS, sha)), key=_position
        ),
        metrics=sorted(
            (_metric(item) for item in _records(con, METRICS, sha)), key=_position
        ),
        warnings=[Warning(**warning) for warning in row["warnings"]],
        pipeline=PipelineInfo(
            name=row["pipeline_name"], version=row["pipeline_version"]
        ),
    )


def _position(item: Section | Sentence | Finding | Metric) -> tuple[int, int, str]:
    return (item.start, item.end, item.id)


def _strip(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key != "sha256"}


def _finding(record: dict[str, object]) -> Finding:
    values = _strip(record)
    values["cues"] = [Cue(**cue) for cue in values["cues"]]  # type: ignore[union-attr]
    return Finding(**values)  # type: ignore[arg-type]


def _metric(record: dict[str, object]) -> Metric:
    values = _strip(record)
    baseline_fields = {
        name: values.pop(f"baseline_{name}")
        for name in ("value", "low", "high", "date", "start", "end")
    }
    comparator_value = values.pop("comparator_value")
    comparator_label = values.pop("comparator_label")
    values.pop("subject_tokens")
    baseline = (
        Baseline(**baseline_fields)
        if any(value is not None for value in baseline_fields.values())
        else None
    )
    comparator = (
        Comparator(value=comparator_value, label=comparator_label)
        if comparator_label is not None
        else None
    )  # type: ignore[arg-type]
    return Metric(**values, baseline=baseline, comparator=comparator)  # type: ignore[arg-type]
