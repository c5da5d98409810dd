"""The dataset's tables, derived from the output models (:mod:`ofsted_findings.models`).

A table is one model flattened: each scalar field is a column (named by its path, so
``Metric.baseline.date.start`` is ``baseline_date_start``), a list of scalars is a list
column, a list of models is a list of structs, and each column's description is the
field's. Enums become DuckDB ``ENUM`` types and dates ``DATE``. The same layout turns a
:class:`~ofsted_findings.models.Document` into rows and the rows back into the Document,
so a field added to a model is a column without any code here changing.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import pyarrow as pa
from pydantic import BaseModel

from ofsted_findings.models import Document, Finding, Judgement, Metric, Section, Sentence

logger = logging.getLogger(__name__)

#: Revision of the table layout and derived columns; part of the fingerprint, so a change
#: to either rebuilds every document's rows.
STORE_REVISION = 2

_SCALARS: dict[type, tuple[pa.DataType, str]] = {
    str: (pa.string(), "VARCHAR"),
    int: (pa.int64(), "BIGINT"),
    float: (pa.float64(), "DOUBLE"),
    bool: (pa.bool_(), "BOOLEAN"),
    dt.date: (pa.date32(), "DATE"),
}


def enum_type_name(enum: type[Enum]) -> str:
    """The DuckDB ENUM type of a model enum: ``DocumentKind`` -> ``document_kind``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", enum.__name__).lower()


@dataclass(frozen=True)
class Column:
    """One column: its name, Arrow and SQL types, what it holds, and where its value lives."""

    name: str
    type: pa.DataType
    sql_type: str
    description: str
    path: tuple[str, ...] = ()
    optional_parents: tuple[tuple[str, ...], ...] = ()
    enums: tuple[type[Enum], ...] = ()

    @property
    def nested(self) -> bool:
        """A list column (exported as JSON text to CSV)."""
        return bool(pa.types.is_list(self.type))


def _strip_optional(annotation: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        arguments = [argument for argument in typing.get_args(annotation) if argument is not type(None)]
        if len(arguments) == 1:
            return arguments[0], True
    return annotation, False


def _kind(annotation: Any) -> tuple[pa.DataType, str, tuple[type[Enum], ...]]:
    """Arrow type, SQL type and enums of a scalar, list or struct annotation."""
    annotation, _ = _strip_optional(annotation)
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (list, tuple):
        inner_type, inner_sql, inner_enums = _kind(typing.get_args(annotation)[0])
        return pa.list_(inner_type), f"{inner_sql}[]", inner_enums
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return pa.string(), enum_type_name(annotation), (annotation,)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        members: list[pa.Field] = []
        sql: list[str] = []
        enums: tuple[type[Enum], ...] = ()
        for name, info in annotation.model_fields.items():
            member_type, member_sql, member_enums = _kind(info.annotation)
            members.append(pa.field(name, member_type))
            sql.append(f'"{name}" {member_sql}')
            enums += member_enums
        return pa.struct(members), f"STRUCT({', '.join(sql)})", enums
    if annotation in _SCALARS:
        arrow, sql_type = _SCALARS[annotation]
        return arrow, sql_type, ()
    raise TypeError(f"no column type for {annotation!r}")


def model_columns(
    model: type[BaseModel],
    *,
    prefix: str = "",
    path: tuple[str, ...] = (),
    skip: frozenset[tuple[str, ...]] = frozenset(),
    rename: dict[tuple[str, ...], str] | None = None,
    flatten: frozenset[tuple[str, ...]] = frozenset(),
    optional_parents: tuple[tuple[str, ...], ...] = (),
) -> list[Column]:
    """The columns of a model: nested models flattened (``parent_child``), lists kept as lists.

    ``skip``: field paths left out; ``rename``: column names for paths; ``flatten``: paths of
    nested models whose columns take no prefix."""
    rename = rename or {}
    columns: list[Column] = []
    for name, info in model.model_fields.items():
        here = (*path, name)
        if here in skip:
            continue
        inner, optional = _strip_optional(info.annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            columns.extend(
                model_columns(
                    inner,
                    prefix="" if here in flatten else f"{prefix}{name}_",
                    path=here,
                    skip=skip,
                    rename=rename,
                    flatten=flatten,
                    optional_parents=(*optional_parents, here) if optional else optional_parents,
                )
            )
            continue
        arrow, sql_type, enums = _kind(info.annotation)
        columns.append(
            Column(
                name=rename.get(here, f"{prefix}{name}"),
                type=arrow,
                sql_type=sql_type,
                description=info.description or "",
                path=here,
                optional_parents=optional_parents,
                enums=enums,
            )
        )
    return columns


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for step in path:
        if data is None:
            return None
        data = data.get(step)
    return data


@dataclass(frozen=True)
class Table:
    """One table: its columns, its key, and how a document gives its rows."""

    name: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    model: type[BaseModel] | None = None
    items: Callable[[Document], Sequence[BaseModel]] | None = None
    extras: tuple[Column, ...] = field(default=())

    @property
    def schema(self) -> pa.Schema:
        """The Arrow schema of the table's rows."""
        return pa.schema([(column.name, column.type) for column in self.columns])

    def row(self, item: BaseModel, extra: dict[str, Any]) -> dict[str, Any]:
        """A row: the item's fields by their columns' paths, and the extra values given."""
        data = item.model_dump(mode="python")
        row = {column.name: _get(data, column.path) for column in self.columns if column.path}
        row.update(extra)
        return row

    def item(self, row: dict[str, Any]) -> dict[str, Any]:
        """The nested field values of a row (an optional nested model whose columns are all empty is None)."""
        data: dict[str, Any] = {}
        empty_parents: dict[tuple[str, ...], bool] = {}
        for column in self.columns:
            if not column.path:
                continue
            value = row.get(column.name)
            for parent in column.optional_parents:
                empty_parents[parent] = empty_parents.get(parent, True) and value is None
            target = data
            for step in column.path[:-1]:
                target = target.setdefault(step, {})
            target[column.path[-1]] = value
        for parent, empty in sorted(empty_parents.items(), key=lambda item: -len(item[0])):
            if empty:
                target = data
                for step in parent[:-1]:
                    target = target[step]
                target[parent[-1]] = None
        return data


def _extra(name: str, arrow: pa.DataType, sql_type: str, description: str) -> Column:
    return Column(name=name, type=arrow, sql_type=sql_type, description=description)


SHA = _extra("sha256", pa.string(), "VARCHAR", "sha256 of the input bytes (the document key)")
FILE_PATH = _extra("file_path", pa.string(), "VARCHAR", "path the document was stored from (files lists every path)")
FINGERPRINT = _extra(
    "pipeline_fingerprint",
    pa.string(),
    "VARCHAR",
    "version, extraction code and rule set fingerprint of the run that stored it (decides re-extraction)",
)
EVIDENCE_DATE = _extra(
    "date",
    pa.date32(),
    "DATE",
    "date the evidence refers to: last day on site, else letter date, else publication date",
)
LEAD_INSPECTOR = _extra("lead_inspector", pa.string(), "VARCHAR", "name of the first lead inspector")
SUBJECT_TOKENS = _extra(
    "subject_tokens",
    pa.list_(pa.string()),
    "VARCHAR[]",
    "normalised subject words (lower case, no stop words, singular), sorted",
)

_DOCUMENT_COLUMNS = model_columns(
    Document,
    skip=frozenset({("sections",), ("sentences",), ("findings",), ("metrics",), ("letter", "judgements")}),
    rename={("source", "sha256"): "sha256"},
    flatten=frozenset({("letter",)}),
)


def _with(columns: Iterable[Column], *extras: Column, first: Column | None = None) -> tuple[Column, ...]:
    ordered = [first] if first is not None else []
    ordered.extend(column for column in columns if first is None or column.name != first.name)
    ordered.extend(extras)
    return tuple(ordered)


DOCUMENTS = Table(
    "documents",
    "one row per distinct input (by sha256): source, metadata and text",
    ("sha256",),
    _with(
        _DOCUMENT_COLUMNS,
        FILE_PATH,
        FINGERPRINT,
        EVIDENCE_DATE,
        LEAD_INSPECTOR,
        first=next(column for column in _DOCUMENT_COLUMNS if column.name == "sha256"),
    ),
    model=Document,
)
FILES = Table(
    "files",
    "one row per input path seen by build: which document it holds, or why it failed",
    ("file_path",),
    (
        _extra("file_path", pa.string(), "VARCHAR", "path as given to build"),
        SHA,
        FINGERPRINT,
        _extra("status", pa.string(), "VARCHAR", "stored or failed"),
        _extra("error", pa.string(), "VARCHAR", "the error line of a failed input"),
    ),
)


def _item_table(
    name: str,
    description: str,
    key: tuple[str, ...],
    model: type[BaseModel],
    items: Callable[[Document], Sequence[BaseModel]],
    *extras: Column,
) -> Table:
    return Table(name, description, key, (SHA, *model_columns(model), *extras), model=model, items=items)


JUDGEMENTS = _item_table(
    "judgements", "graded areas of a document", ("sha256", "area", "start"), Judgement, lambda d: d.letter.judgements
)
SECTIONS = _item_table("sections", "headed runs of text", ("sha256", "id"), Section, lambda d: d.sections)
SENTENCES = _item_table("sentences", "sentences of running text", ("sha256", "id"), Sentence, lambda d: d.sentences)
FINDINGS = _item_table("findings", "strengths and weaknesses", ("sha256", "id"), Finding, lambda d: d.findings)
METRICS = _item_table(
    "metrics",
    "figures quoted in the text, with baseline and comparator",
    ("sha256", "id"),
    Metric,
    lambda d: d.metrics,
    SUBJECT_TOKENS,
)

TABLES: tuple[Table, ...] = (DOCUMENTS, FILES, JUDGEMENTS, SECTIONS, SENTENCES, FINDINGS, METRICS)
#: Tables holding one document's rows (everything except files).
DOCUMENT_TABLES: tuple[Table, ...] = tuple(table for table in TABLES if table is not FILES)

VIEWS = {
    "finding_themes": "CREATE OR REPLACE VIEW finding_themes AS "
    "SELECT sha256, id AS finding, polarity, unnest(themes) AS theme FROM findings",
}


#: What each view holds (its COMMENT in the database and its line in the README).
VIEW_DESCRIPTIONS = {
    "finding_themes": "one row per theme of a finding (findings.themes unnested): sha256, finding (its id), "
    "polarity, theme",
}


def enum_types() -> dict[str, type[Enum]]:
    """Every ENUM type the tables use, by its SQL name."""
    found: dict[str, type[Enum]] = {}
    for table in TABLES:
        for column in table.columns:
            for enum in column.enums:
                found[enum_type_name(enum)] = enum
    return dict(sorted(found.items()))


ROWS_PER_TABLE = {
    "documents": "one per distinct input",
    "files": "one per input path seen",
    "judgements": "one per graded area",
    "sections": "one per section",
    "sentences": "one per sentence",
    "findings": "one per strength or weakness",
    "metrics": "one per figure",
}


def _column_note(column: Column) -> str:
    """A column as the README lists it: dates and enums say their type."""
    if column.sql_type == "DATE":
        return f"{column.name} (DATE)"
    if column.enums and column.sql_type == enum_type_name(column.enums[0]):
        return f"{column.name} (ENUM {column.sql_type})"
    return column.name


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def schema_markdown() -> str:
    """The README's table of tables (key, rows and columns, dates and enums with their types),
    then the data dictionary: every column with its SQL type and description, as the
    database's ``COMMENT ON`` and the Parquet field metadata give them."""
    lines = ["| table | key | rows | columns |", "| --- | --- | --- | --- |"]
    for table in TABLES:
        columns = ", ".join(_column_note(column) for column in table.columns)
        lines.append(f"| `{table.name}` | {', '.join(table.key)} | {ROWS_PER_TABLE[table.name]} | {columns} |")
    lines += ["", "<details><summary>Data dictionary: every table and column</summary>", ""]
    lines += ["| table | column | type | description |", "| --- | --- | --- | --- |"]
    for table in TABLES:
        lines.append(f"| `{table.name}` | | | {_cell(table.description)} |")
        for column in table.columns:
            lines.append(f"| | `{column.name}` | {_cell(column.sql_type)} | {_cell(column.description)} |")
    for name, description in VIEW_DESCRIPTIONS.items():
        lines.append(f"| `{name}` (view) | | | {_cell(description)} |")
    lines += ["", "</details>"]
    return "\n".join(lines) + "\n"
