"""Persisting documents in a DuckDB dataset: tables, one transaction per document, export, reading back.

The tables are derived from the output models (:mod:`ofsted_findings.dataset.tables`).
Every table carries the document's ``sha256``; item tables add the item ids of the JSON
contract, so tables join on ``(sha256, id)`` and on the id columns that point between items
(``findings.sentence``, ``metrics.finding``, ``sentences.section``, ...). This module only
stores and reads; :mod:`ofsted_findings.dataset.build` decides what to extract.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Iterable
from enum import Enum
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from ofsted_findings.batch.files import default_file_mode
from ofsted_findings.dataset.tables import (
    DOCUMENT_TABLES,
    DOCUMENTS,
    FINDINGS,
    JUDGEMENTS,
    METRICS,
    SECTIONS,
    SENTENCES,
    STORE_REVISION,
    TABLES,
    VIEW_DESCRIPTIONS,
    VIEWS,
    Table,
    enum_types,
)
from ofsted_findings.errors import ErrorCode, TargetError, write_failure
from ofsted_findings.models import Document, Judgement, Letter, Metric
from ofsted_findings.ruleset import RuleSet

logger = logging.getLogger(__name__)

#: Subpackages whose code does not change what extraction produces (left out of the fingerprint).
NOT_EXTRACTION = frozenset({"cli", "dataset", "views", "evaluation", "diagnostics", "rules", "__pycache__"})
FINGERPRINT_SUFFIXES = (".py",)
TOKEN_RE = re.compile(r"[a-z0-9]+")
POSSESSIVE_RE = re.compile(r"['’]s\b")
HASH_CHUNK = 1 << 20


class ExportFormat(str, Enum):
    """File format of ``--export``."""

    PARQUET = "parquet"
    CSV = "csv"


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
    from ofsted_findings.api import pipeline_version

    return f"{pipeline_version()}+{code_fingerprint()[:12]}+{rules.fingerprint[:12]}"


class SubjectWords:
    """A metric subject's normalised words: lower case, stop words out, plural -s off, sorted, unique."""

    def __init__(self, stopwords: Iterable[str]) -> None:
        """``stopwords``: from the vocabulary (``rules/vocabulary.json`` ``subject_stopwords``)."""
        self.stopwords = frozenset(stopwords)

    @classmethod
    def of(cls, rules: RuleSet) -> SubjectWords:
        """The subject words of a rule set."""
        return cls(rules.vocabulary.subject_stopwords)

    def tokens(self, subject: str | None) -> list[str]:
        """'care leavers in suitable accommodation' -> ['accommodation', 'care', 'leaver', 'suitable']."""
        if not subject:
            return []
        tokens: set[str] = set()
        for token in TOKEN_RE.findall(POSSESSIVE_RE.sub("", subject.lower())):
            if token in self.stopwords or token.isdigit():
                continue
            tokens.add(singular(token))
        return sorted(tokens)


def singular(token: str) -> str:
    """A crude singular: 'leavers' -> 'leaver', 'caseloads' -> 'caseload' ('ss', 'us', 'is' kept)."""
    if len(token) > 3 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


# --- rows ------------------------------------------------------------------------------


def document_tables(document: Document, file_path: str, fingerprint: str, words: SubjectWords) -> dict[str, pa.Table]:
    """The rows of one document, as an Arrow table per database table."""
    sha = document.source.sha256
    letter = document.letter
    extra = {
        "file_path": file_path,
        "pipeline_fingerprint": fingerprint,
        "date": letter.visit_end or letter.letter_date or letter.published,
        "lead_inspector": next((inspector.name for inspector in letter.inspectors if inspector.lead), None),
    }
    rows: dict[str, list[dict[str, Any]]] = {DOCUMENTS.name: [DOCUMENTS.row(document, extra)]}
    for table in DOCUMENT_TABLES:
        if table.items is not None:
            rows[table.name] = [
                table.row(item, {"sha256": sha, **_derived(item, words)}) for item in table.items(document)
            ]
    return {table.name: pa.Table.from_pylist(rows[table.name], schema=table.schema) for table in DOCUMENT_TABLES}


def _derived(item: object, words: SubjectWords) -> dict[str, Any]:
    """Columns computed from an item rather than copied from it."""
    if isinstance(item, Metric):
        return {"subject_tokens": words.tokens(item.subject)}
    return {}


# --- database --------------------------------------------------------------------------


def _sql(con: duckdb.DuckDBPyConnection, statement: str, parameters: list[object] | None = None) -> None:
    """Run a statement that returns no rows of interest (and finish its result)."""
    con.execute(statement, parameters or []).fetchall()


def _first(con: duckdb.DuckDBPyConnection, query: str, parameters: list[object]) -> tuple[object, ...] | None:
    """The first row of a query, or None (the result is read to the end)."""
    rows = con.execute(query, parameters).fetchall()
    return rows[0] if rows else None


def connect(db_path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and, when writable, create) the dataset."""
    if read_only:
        if not db_path.is_file():
            raise TargetError(
                str(db_path),
                ErrorCode.NOT_FOUND,
                "no such database",
                "Run 'ofsted-findings build' first, or give --db",
                exit_code=2,
            )
        return _open(db_path, read_only=True)
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failure(str(db_path.parent), exc, "the folder of the database") from exc
    con = _open(db_path, read_only=False)
    existing = {
        row[0]
        for row in con.execute(
            "SELECT type_name FROM duckdb_types() WHERE database_name = current_database()"
        ).fetchall()
    }
    for name, enum in enum_types().items():
        if name not in existing:
            values = ", ".join("'" + str(member.value).replace("'", "''") + "'" for member in enum)
            _sql(con, f"CREATE TYPE {name} AS ENUM ({values})")
    for table in TABLES:
        columns = ", ".join(f'"{column.name}" {column.sql_type}' for column in table.columns)
        _sql(con, f"CREATE TABLE IF NOT EXISTS {table.name} ({columns})")
    for view in VIEWS.values():
        _sql(con, view)
    _comment(con)
    return con


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _comment(con: duckdb.DuckDBPyConnection) -> None:
    """The data dictionary inside the database: ``COMMENT ON`` every table, view and column
    (``duckdb_tables()``, ``duckdb_columns()`` and ``duckdb_views()`` show them)."""
    for table in TABLES:
        _sql(con, f"COMMENT ON TABLE {table.name} IS {_quoted(table.description)}")
        for column in table.columns:
            _sql(con, f'COMMENT ON COLUMN {table.name}."{column.name}" IS {_quoted(column.description)}')
    for name, description in VIEW_DESCRIPTIONS.items():
        _sql(con, f"COMMENT ON VIEW {name} IS {_quoted(description)}")


def _open(db_path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection, or a :class:`TargetError` that says why there is none."""
    name = str(db_path)
    try:
        return duckdb.connect(name, read_only=read_only)
    except duckdb.Error as exc:
        message = str(exc)
        if "lock" in message.lower():
            holder = re.search(r"\(PID (\d+)\)", message)
            who = f"another process (PID {holder.group(1)})" if holder else "another process"
            raise TargetError(
                name,
                ErrorCode.DATASET,
                f"the database is in use by {who}",
                "Wait for the other build to finish, or give another --db",
            ) from exc
        if "not a valid DuckDB database" in message:
            raise TargetError(
                name,
                ErrorCode.DATASET,
                "the file is not a DuckDB database",
                "Give another --db (build makes a new database where no file is)",
            ) from exc
        cause = message.removeprefix("IO Error: ").split("\n", 1)[0].rstrip(".")
        raise TargetError(name, ErrorCode.DATASET, f"the database cannot be opened ({cause})", "Check --db") from exc


def stored(con: duckdb.DuckDBPyConnection, sha: str, fingerprint: str) -> bool:
    """Whether ``sha`` is stored by a run with this fingerprint."""
    row = _first(
        con, "SELECT count(*) FROM documents WHERE sha256 = ? AND pipeline_fingerprint = ?", [sha, fingerprint]
    )
    return bool(row and row[0])


def known_failure(con: duckdb.DuckDBPyConnection, path: str, sha: str, fingerprint: str) -> str | None:
    """The error line remembered for a path whose bytes and pipeline have not changed."""
    row = _first(
        con,
        "SELECT error FROM files WHERE file_path = ? AND sha256 = ? AND pipeline_fingerprint = ? AND status = 'failed'",
        [path, sha, fingerprint],
    )
    return str(row[0]) if row else None


def known_path(con: duckdb.DuckDBPyConnection, path: str, sha: str) -> bool:
    """Whether ``path`` is already recorded as holding ``sha``."""
    row = _first(
        con, "SELECT count(*) FROM files WHERE file_path = ? AND sha256 = ? AND status = 'stored'", [path, sha]
    )
    return bool(row and row[0])


def _delete_document(con: duckdb.DuckDBPyConnection, sha: str) -> None:
    for table in DOCUMENT_TABLES:
        _sql(con, f"DELETE FROM {table.name} WHERE sha256 = ?", [sha])


def _link(
    con: duckdb.DuckDBPyConnection, path: str, sha: str, fingerprint: str, status: str, error: str | None = None
) -> None:
    """Point ``path`` at ``sha``; drop the document it held before when no path holds it any more."""
    previous = _first(con, "SELECT sha256 FROM files WHERE file_path = ?", [path])
    _sql(con, "DELETE FROM files WHERE file_path = ?", [path])
    _sql(con, "INSERT INTO files VALUES (?, ?, ?, ?, ?)", [path, sha, fingerprint, status, error])
    old = str(previous[0]) if previous else None
    if old is not None and old != sha:
        others = _first(con, "SELECT count(*) FROM files WHERE sha256 = ?", [old])
        if others and others[0] == 0:
            logger.info("%s changed: dropping the rows of its previous content %s", path, old[:12])
            _delete_document(con, old)


def _transaction(con: duckdb.DuckDBPyConnection) -> _Transaction:
    return _Transaction(con)


class _Transaction:
    """``with _transaction(con):`` commits, or rolls back on any exception."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def __enter__(self) -> None:
        _sql(self.con, "BEGIN TRANSACTION")

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        _sql(self.con, "COMMIT" if kind is None else "ROLLBACK")


def store_document(
    con: duckdb.DuckDBPyConnection, document: Document, file_path: str, fingerprint: str, words: SubjectWords
) -> bool:
    """Replace one document's rows in ONE transaction; True when it replaced earlier rows."""
    sha = document.source.sha256
    tables = document_tables(document, file_path, fingerprint, words)
    with _transaction(con):
        existing = _first(con, "SELECT count(*) FROM documents WHERE sha256 = ?", [sha])
        replaced = bool(existing and existing[0])
        if replaced:
            _delete_document(con, sha)
        for table in DOCUMENT_TABLES:
            _insert(con, table, tables[table.name])
        _link(con, file_path, sha, fingerprint, "stored")
    return replaced


def prune_missing(
    con: duckdb.DuckDBPyConnection, roots: list[str], present: set[str], unlisted: Iterable[str] = ()
) -> int:
    """Remove the files rows of paths under ``roots`` (the folders or files a build was given)
    that are not in ``present`` (what the build found there), and the documents that no file
    holds any more; paths under an ``unlisted`` folder (one that could not be read) are kept.
    Returns how many files rows went."""
    kept = list(unlisted)
    gone: list[str] = []
    for (path,) in con.execute("SELECT file_path FROM files ORDER BY file_path").fetchall():
        if (
            path not in present
            and any(_under(str(path), root) for root in roots)
            and not any(_under(str(path), folder) for folder in kept)
        ):
            gone.append(str(path))
    with _transaction(con):
        for path in gone:
            _sql(con, "DELETE FROM files WHERE file_path = ?", [path])
        orphans = con.execute("SELECT sha256 FROM documents WHERE sha256 NOT IN (SELECT sha256 FROM files)").fetchall()
        for (sha,) in orphans:
            _delete_document(con, str(sha))
    logger.info("pruned %d files rows and %d documents", len(gone), len(orphans))
    return len(gone)


def _under(path: str, root: str) -> bool:
    root = root.rstrip("/") or "/"
    return path == root or path.startswith(root if root.endswith("/") else root + "/")


def record_failure(con: duckdb.DuckDBPyConnection, path: str, sha: str | None, fingerprint: str, line: str) -> None:
    """Remember that ``path`` failed with ``line`` (reported again, without re-reading, while it is unchanged)."""
    with _transaction(con):
        _link(con, path, sha or "", fingerprint, "failed", line)


def record_link(con: duckdb.DuckDBPyConnection, path: str, sha: str, fingerprint: str) -> None:
    """Record that ``path`` holds an already stored document."""
    with _transaction(con):
        _link(con, path, sha, fingerprint, "stored")


def _insert(con: duckdb.DuckDBPyConnection, table: Table, rows: pa.Table) -> None:
    if rows.num_rows == 0:
        return
    con.register("incoming_rows", rows)
    try:
        # Table names come from the fixed schema; values travel as Arrow data.
        _sql(con, f"INSERT INTO {table.name} BY NAME SELECT * FROM incoming_rows")
    finally:
        con.unregister("incoming_rows")


# --- export and reading back -----------------------------------------------------------


def export_tables(con: duckdb.DuckDBPyConnection, fmt: ExportFormat, out_dir: Path) -> list[Path]:
    """Write every table to ``out_dir/<table>.parquet`` or ``.csv``, rows in key order.

    CSV cannot hold lists, so list columns are written as JSON text there.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failure(str(out_dir), exc, "the export folder") from exc
    written: list[Path] = []
    for table in TABLES:
        if fmt is ExportFormat.CSV:
            select = ", ".join(
                f'to_json("{column.name}")::VARCHAR AS "{column.name}"' if column.nested else f'"{column.name}"'
                for column in table.columns
            )
        else:
            select = ", ".join(f'"{column.name}"' for column in table.columns)
        order = ", ".join(f'"{name}"' for name in table.key)
        arrow = con.sql(f"SELECT {select} FROM {table.name} ORDER BY {order}").to_arrow_table()
        if fmt is ExportFormat.PARQUET:
            arrow = described(arrow, table)
        path = out_dir / f"{table.name}.{fmt.value}"
        try:
            _write_table(arrow, path, fmt)
        except OSError as exc:
            raise write_failure(str(path), exc, "the export file") from exc
        written.append(path)
    logger.info("exported %d tables to %s", len(written), out_dir)
    return written


def described(arrow: pa.Table, table: Table) -> pa.Table:
    """``arrow`` with the data dictionary as Parquet metadata: each field's ``description``
    (the column's) and the table's ``description`` in the schema metadata."""
    descriptions = {column.name: column.description for column in table.columns}
    fields = [
        field.with_metadata({b"description": descriptions.get(field.name, "").encode("utf-8")})
        for field in arrow.schema
    ]
    schema = pa.schema(
        fields, metadata={b"description": table.description.encode("utf-8"), b"table": table.name.encode()}
    )
    return arrow.cast(schema)


def _write_table(arrow: pa.Table, path: Path, fmt: ExportFormat) -> None:
    """One exported table, written via a temporary file beside it (never left half-written)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".ofsted-", suffix=".tmp")
    os.close(handle)
    try:
        if fmt is ExportFormat.CSV:
            pa_csv.write_csv(_safe_text_columns(arrow), temporary)
        else:
            pq.write_table(arrow, temporary)
        os.chmod(temporary, default_file_mode())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _safe_text_columns(table: pa.Table) -> pa.Table:
    """Text cells that start like a spreadsheet formula get a leading apostrophe (OWASP's advice
    for CSV); number, date and boolean columns are left as they are."""
    import pyarrow.compute as pc

    columns = []
    for column in table.columns:
        if (
            pa.types.is_string(column.type)
            or pa.types.is_large_string(column.type)
            or pa.types.is_dictionary(column.type)
        ):
            text = pc.cast(column, pa.string())
            risky = pc.match_substring_regex(text, r"^[=+\-@\t\r]")
            column = pc.if_else(risky, pc.binary_join_element_wise("'", text, ""), text)
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def resolve(con: duckdb.DuckDBPyConnection, key: str) -> str:
    """The sha256 of the stored document named by a sha256 (or a unique prefix of one) or a file path."""
    row = _first(con, "SELECT sha256 FROM files WHERE file_path = ? AND status = 'stored'", [key])
    if row:
        return str(row[0])
    rows = con.execute(
        "SELECT sha256 FROM documents WHERE starts_with(sha256, ?) ORDER BY sha256", [key.lower()]
    ).fetchall()
    if len(rows) == 1:
        return str(rows[0][0])
    if rows:
        raise KeyError(f"{key}: {len(rows)} documents match; give more of the sha256")
    raise KeyError(f"{key}: no stored document has this path or sha256")


def _records(con: duckdb.DuckDBPyConnection, table: Table, sha: str) -> list[dict[str, Any]]:
    order = ", ".join(f'"{name}"' for name in table.key)
    rows: list[dict[str, Any]] = (
        con.sql(f"SELECT * FROM {table.name} WHERE sha256 = ? ORDER BY {order}", params=[sha])
        .to_arrow_table()
        .to_pylist()
    )
    return rows


def load_document(con: duckdb.DuckDBPyConnection, sha: str) -> Document:
    """Rebuild the :class:`Document` stored under ``sha`` (the same JSON that extraction gave)."""
    rows = _records(con, DOCUMENTS, sha)
    if not rows:
        raise KeyError(f"{sha}: not in the database")
    fields = DOCUMENTS.item(rows[0])
    judgements = [Judgement.model_validate(JUDGEMENTS.item(row)) for row in _records(con, JUDGEMENTS, sha)]
    fields["letter"]["judgements"] = sorted(judgements, key=lambda item: (item.start, item.area))

    def items(table: Table) -> list[dict[str, Any]]:
        return sorted(
            (table.item(row) for row in _records(con, table, sha)),
            key=lambda item: (item["start"], item["end"], item["id"]),
        )

    fields["sections"] = items(SECTIONS)
    fields["sentences"] = items(SENTENCES)
    fields["findings"] = items(FINDINGS)
    fields["metrics"] = items(METRICS)
    fields["letter"] = Letter.model_validate(fields["letter"])
    return Document.model_validate(fields)
