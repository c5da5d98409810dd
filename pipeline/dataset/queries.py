"""Questions researchers ask of a dataset built by :mod:`ofsted_findings.dataset.store`.

* judgement history per authority, each grade with its era and its position on the
  four-point scale that every era used;
* strengths and weaknesses per authority and theme beside a comparison group;
* metric series: the same measured subject across documents.

Every query binds its values as parameters; results are lists of pydantic rows, rendered
as a rich table or CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from typing import Literal

import duckdb
from pydantic import BaseModel, ConfigDict, Field
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ofsted_findings.dataset.store import SubjectWords
from ofsted_findings.ruleset import RuleSet
from ofsted_findings.ruleset.schema import Vocabulary

logger = logging.getLogger(__name__)

UNKNOWN_AUTHORITY = "(unknown)"
NO_THEME = "(none)"

DOCS_QUERY = """
SELECT sha256, coalesce(authority_name, authority_name_as_printed, ?) AS authority, kind::VARCHAR AS kind, date, file_path
FROM documents
WHERE (len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], lower(coalesce(authority_name, authority_name_as_printed, ?))))
  AND (len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], kind::VARCHAR))
  AND (?::DATE IS NULL OR date >= ?::DATE)
"""


class Filters(BaseModel):
    """Which documents a question looks at."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    authorities: list[str] = Field(default_factory=list, description="Authority names (any case); empty: all.")
    kinds: list[str] = Field(default_factory=list, description="Document kinds; empty: all.")
    since: dt.date | None = Field(default=None, description="Only documents dated on or after this day.")

    def parameters(self, authorities: list[str] | None = None) -> list[object]:
        names = [name.lower() for name in (self.authorities if authorities is None else authorities)]
        return [
            UNKNOWN_AUTHORITY,
            names,
            names,
            UNKNOWN_AUTHORITY,
            self.kinds,
            self.kinds,
            self.since,
            self.since,
        ]


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class JudgementRow(_Row):
    """One grade of one inspection."""

    authority: str
    date: dt.date | None
    kind: str
    era: str
    area: str
    grade: str
    position: int | None = Field(description="1 outstanding, 2 good, 3 requires improvement / adequate, 4 inadequate.")
    file_path: str


class ThemeRow(_Row):
    """Strengths and weaknesses of one authority (or the comparison group) in one theme."""

    authority: str
    theme: str
    documents: int
    strengths: int
    weaknesses: int
    weakness_share: float | None
    group_share: float | None = Field(
        description="Weakness share of the comparison group in this theme, without this authority's own findings."
    )
    difference: float | None = Field(description="weakness_share - group_share.")


class MetricRow(_Row):
    """One figure of a metric series."""

    authority: str
    date: dt.date | None = Field(description="The figure's own date where stated, else the document's date.")
    kind: str
    subject: str | None
    text: str
    value: float | None
    unit: str
    baseline_value: float | None
    baseline_date: dt.date | None = Field(description="Last day of the baseline's date, where printed.")
    change: str | None
    comparator_value: float | None
    comparator_label: str | None
    file_path: str
    metric_id: str


class SubjectRow(_Row):
    """A measured subject (normalised words) and how widely it is measured."""

    subject: str
    unit: str
    metrics: int
    documents: int
    authorities: int
    first: dt.date | None
    last: dt.date | None
    example: str | None


def judgement_history(
    con: duckdb.DuckDBPyConnection, filters: Filters, vocabulary: Vocabulary, areas: list[str] | None = None
) -> list[JudgementRow]:
    """Every graded area per authority, oldest first, with its era and scale position from the vocabulary.

    Every era graded on four points; the third was 'adequate' until 2013 and 'requires
    improvement (to be good)' since. The position says where a grade sat on its own scale,
    not that the words meant the same."""
    positions = {grade.grade.value: grade.position for grade in vocabulary.grades}
    areas = areas or []
    query = f"""
        WITH docs AS ({DOCS_QUERY})
        SELECT d.authority, d.date, d.kind, j.area::VARCHAR, j.grade::VARCHAR, d.file_path
        FROM judgements j JOIN docs d USING (sha256)
        WHERE len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], j.area::VARCHAR)
        ORDER BY d.authority, d.date NULLS LAST, d.file_path, j.start, j.area
    """
    rows = con.execute(query, [*filters.parameters(), areas, areas]).fetchall()
    return [
        JudgementRow(
            authority=authority,
            date=when,
            kind=kind,
            era=vocabulary.eras.get(kind, kind),
            area=area,
            grade=grade,
            position=positions.get(grade),
            file_path=file_path,
        )
        for authority, when, kind, area, grade, file_path in rows
    ]


def _theme_counts(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    themes: list[str],
    authorities: list[str] | None,
    by_authority: bool,
) -> list[tuple[str, str, int, int, int]]:
    group = "d.authority" if by_authority else "'group'"
    query = f"""
        WITH docs AS ({DOCS_QUERY}),
        themed AS (
            SELECT {group} AS authority, f.sha256, f.polarity::VARCHAR AS polarity,
                   unnest(CASE WHEN len(f.themes) = 0 THEN [?] ELSE f.themes::VARCHAR[] END) AS theme
            FROM findings f JOIN docs d USING (sha256)
        )
        SELECT authority, theme, count(DISTINCT sha256),
               count_if(polarity = 'strength'), count_if(polarity = 'weakness')
        FROM themed
        WHERE len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], theme)
        GROUP BY authority, theme
        ORDER BY authority, theme
    """
    parameters = [*filters.parameters(authorities), NO_THEME, themes, themes]
    return [tuple(row) for row in con.execute(query, parameters).fetchall()]


def _share(strengths: int, weaknesses: int) -> float | None:
    total = strengths + weaknesses
    return round(weaknesses / total, 4) if total else None


def theme_balance(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    themes: list[str] | None = None,
    compare_with: list[str] | None = None,
) -> list[ThemeRow]:
    """Strengths, weaknesses and weakness share per authority and theme, beside a comparison group.

    A finding with several themes counts once in each; one without a theme counts under
    '(none)'. The group is the ``compare_with`` authorities, or every authority, filtered
    by kind and date like the rest; an authority's ``group_share`` leaves that authority's
    own findings out of the group (the group's own row counts every member).
    """
    themes = themes or []
    group_names = compare_with or []
    label = "group: " + ", ".join(group_names) if group_names else "group: all authorities"
    group = {
        theme: (documents, strengths, weaknesses)
        for _, theme, documents, strengths, weaknesses in _theme_counts(con, filters, themes, group_names, False)
    }
    in_group = {name.lower() for name in group_names}
    rows: list[ThemeRow] = []
    for authority, theme, documents, strengths, weaknesses in _theme_counts(con, filters, themes, None, True):
        share = _share(strengths, weaknesses)
        group_share = None
        if theme in group:
            _, group_strengths, group_weaknesses = group[theme]
            if not group_names or authority.lower() in in_group:
                # the group never contains the authority it is compared with
                group_strengths, group_weaknesses = group_strengths - strengths, group_weaknesses - weaknesses
            group_share = _share(group_strengths, group_weaknesses)
        rows.append(
            ThemeRow(
                authority=authority,
                theme=theme,
                documents=documents,
                strengths=strengths,
                weaknesses=weaknesses,
                weakness_share=share,
                group_share=group_share,
                difference=round(share - group_share, 4) if share is not None and group_share is not None else None,
            )
        )
    for theme, (documents, strengths, weaknesses) in sorted(group.items()):
        share = _share(strengths, weaknesses)
        rows.append(
            ThemeRow(
                authority=label,
                theme=theme,
                documents=documents,
                strengths=strengths,
                weaknesses=weaknesses,
                weakness_share=share,
                group_share=share,
                difference=0.0 if share is not None else None,
            )
        )
    return rows


def metric_series(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    subject: str,
    words: SubjectWords,
    unit: str | None = None,
) -> list[MetricRow]:
    """Figures whose subject has every word of ``subject`` (normalised), by authority and date."""
    tokens = words.tokens(subject)
    if not tokens:
        raise ValueError(f"{subject!r}: no words left to match after normalising")
    query = f"""
        WITH docs AS ({DOCS_QUERY})
        SELECT d.authority, d.date, m.kind::VARCHAR, m.subject, m.text, m.value, m.unit::VARCHAR, m.baseline_value,
               m.baseline_date_end, m.change::VARCHAR, m.comparator_value, m.comparator_label, d.file_path, m.id,
               m.date_end
        FROM metrics m JOIN docs d USING (sha256)
        WHERE list_has_all(m.subject_tokens, ?::VARCHAR[]) AND (?::VARCHAR IS NULL OR m.unit::VARCHAR = ?::VARCHAR)
    """
    rows = con.execute(query, [*filters.parameters(), tokens, unit, unit]).fetchall()
    series = [
        MetricRow(
            authority=authority,
            date=own_date or when,
            kind=kind,
            subject=text_subject,
            text=text,
            value=value,
            unit=metric_unit,
            baseline_value=baseline_value,
            baseline_date=baseline_date,
            change=change,
            comparator_value=comparator_value,
            comparator_label=comparator_label,
            file_path=file_path,
            metric_id=metric_id,
        )
        for (
            authority,
            when,
            kind,
            text_subject,
            text,
            value,
            metric_unit,
            baseline_value,
            baseline_date,
            change,
            comparator_value,
            comparator_label,
            file_path,
            metric_id,
            own_date,
        ) in rows
    ]
    return sorted(
        series,
        key=lambda row: (
            row.authority,
            row.date or dt.date.max,
            row.file_path,
            row.metric_id,
        ),
    )


def indicator_series(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    indicator: str,
    unit: str | None = None,
) -> list[MetricRow]:
    """Figures of one canonical measure (``indicators.json``), by unit, authority and date.

    Flagged figures (inspection team, administrative intervals) are left out; each row keeps
    its own subject and text as printed, so a series never merges different wordings unseen."""
    query = f"""
        WITH docs AS ({DOCS_QUERY})
        SELECT d.authority, coalesce(m.date_end, d.date), m.kind::VARCHAR, m.subject, m.text, m.value,
               m.unit::VARCHAR, m.baseline_value, m.baseline_date_end, m.change::VARCHAR, m.comparator_value,
               m.comparator_label, d.file_path, m.id
        FROM metrics m JOIN docs d USING (sha256)
        WHERE m.indicator = ? AND len(m.flags) = 0
          AND (?::VARCHAR IS NULL OR m.unit::VARCHAR = ?::VARCHAR)
    """
    rows = con.execute(query, [*filters.parameters(), indicator, unit, unit]).fetchall()
    series = [
        MetricRow(
            authority=row[0],
            date=row[1],
            kind=row[2],
            subject=row[3],
            text=row[4],
            value=row[5],
            unit=row[6],
            baseline_value=row[7],
            baseline_date=row[8],
            change=row[9],
            comparator_value=row[10],
            comparator_label=row[11],
            file_path=row[12],
            metric_id=row[13],
        )
        for row in rows
    ]
    return sorted(
        series, key=lambda row: (row.unit, row.authority, row.date or dt.date.max, row.file_path, row.metric_id)
    )


def subjects(con: duckdb.DuckDBPyConnection, filters: Filters, minimum: int = 2, limit: int = 30) -> list[SubjectRow]:
    """Subjects (same normalised words and unit) measured in at least ``minimum`` documents."""
    query = f"""
        WITH docs AS ({DOCS_QUERY})
        SELECT array_to_string(m.subject_tokens, ' ') AS words, m.unit::VARCHAR AS unit, count(*), count(DISTINCT m.sha256),
               count(DISTINCT d.authority), min(d.date), max(d.date), min(m.subject)
        FROM metrics m JOIN docs d USING (sha256)
        WHERE len(m.subject_tokens) > 0
        GROUP BY words, unit
        HAVING count(DISTINCT m.sha256) >= ?
        ORDER BY count(DISTINCT m.sha256) DESC, count(*) DESC, words, unit
        LIMIT ?
    """
    rows = con.execute(query, [*filters.parameters(), minimum, limit]).fetchall()
    return [
        SubjectRow(
            subject=words,
            unit=unit,
            metrics=metrics,
            documents=documents,
            authorities=authorities,
            first=first,
            last=last,
            example=example,
        )
        for words, unit, metrics, documents, authorities, first, last, example in rows
    ]


#: Metric series drawn by `report` when none are asked for.
DEFAULT_SUBJECTS = ("care leavers", "caseloads", "agency")
#: Indicators (``indicators.json``) drawn by `report` when no subject is asked for: one
#: series per indicator and unit.
DEFAULT_INDICATORS = ("care_leavers_eet", "average_caseload", "agency_workers")


class ReportOptions(BaseModel):
    """What `report` draws."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    filters: Filters = Filters()
    area: str = "overall_effectiveness"
    subjects: list[str] = Field(default_factory=list)
    unit: str | None = None


class Coverage(_Row):
    """How many documents and authorities a view covers, and their dates."""

    documents: int
    authorities: int
    first: dt.date | None
    last: dt.date | None


class ReportData(_Row):
    """Everything the comparison report shows, queried once (the page renders it)."""

    options: ReportOptions
    coverage: Coverage
    judgements: list[JudgementRow]
    themes: list[ThemeRow]
    series: dict[str, list[MetricRow]]


def coverage(con: duckdb.DuckDBPyConnection, filters: Filters) -> Coverage:
    """Documents, authorities and date range selected by ``filters``."""
    documents, authorities, first, last = con.execute(
        f"WITH docs AS ({DOCS_QUERY}) SELECT count(*), count(DISTINCT authority), min(date), max(date) FROM docs",
        filters.parameters(),
    ).fetchall()[0]
    return Coverage(documents=documents, authorities=authorities, first=first, last=last)


def report_data(con: duckdb.DuckDBPyConnection, options: ReportOptions, rules: RuleSet) -> ReportData:
    """The judgement timeline, theme balance and metric series of the report."""
    words = SubjectWords.of(rules)
    if options.subjects:
        series = {
            subject: metric_series(con, options.filters, subject, words, options.unit) for subject in options.subjects
        }
    else:
        series = indicator_charts(con, options.filters, list(DEFAULT_INDICATORS), rules, options.unit)
    return ReportData(
        options=options,
        coverage=coverage(con, options.filters),
        judgements=judgement_history(con, options.filters, rules.vocabulary, [options.area]),
        themes=theme_balance(con, options.filters),
        series=series,
    )


def indicator_charts(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    indicators: list[str],
    rules: RuleSet,
    unit: str | None = None,
) -> dict[str, list[MetricRow]]:
    """One series per indicator and unit, titled by the indicator's label and the unit."""
    labels = {item.id: item.label for item in rules.indicators.indicators}
    series: dict[str, list[MetricRow]] = {}
    for indicator in indicators:
        rows = indicator_series(con, filters, indicator, unit)
        for series_unit in sorted({row.unit for row in rows}):
            title = f"{labels.get(indicator, indicator)} ({series_unit})"
            series[title] = [row for row in rows if row.unit == series_unit]
    return series


# --- output ----------------------------------------------------------------------------

Rows = list[JudgementRow] | list[ThemeRow] | list[MetricRow] | list[SubjectRow]


def _cell(value: object, how: Literal["csv", "table"]) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if how == "csv" else f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int | dt.date):
        return str(value)
    return safe_csv_text(str(value)) if how == "csv" else str(value)


#: A text cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_csv_text(text: str) -> str:
    """A text cell a spreadsheet will not run: one that starts like a formula gets a leading
    apostrophe (numbers are never passed here, so they stay numbers)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(rows: Rows, model: type[BaseModel]) -> str:
    """Rows as CSV with a header (every field)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    fields = list(model.model_fields)
    writer.writerow(fields)
    for row in rows:
        writer.writerow([_cell(getattr(row, name), "csv") for name in fields])
    return buffer.getvalue()


def to_table(rows: Rows, model: type[BaseModel], title: str, hide: tuple[str, ...] = ()) -> Table:
    """Rows as a rich table (``hide`` leaves columns out, e.g. long paths); text is never read as rich markup."""
    fields = [name for name in model.model_fields if name not in hide]
    table = Table(title=Text(title), title_justify="left")
    for name in fields:
        numeric = model.model_fields[name].annotation in (
            int,
            float,
            int | None,
            float | None,
        )
        table.add_column(name, justify="right" if numeric else "left")
    for row in rows:
        table.add_row(*(Text(_cell(getattr(row, name), "table")) for name in fields))
    return table


#: Width of tables written to a pipe or file (a terminal's own width is used otherwise).
PIPE_WIDTH = 200


def print_table(table: Table, console: Console | None = None) -> None:
    """Print to stdout: as wide as the terminal, or PIPE_WIDTH columns when stdout is not one."""
    if console is None:
        console = Console()
        if not console.is_terminal:
            console = Console(width=PIPE_WIDTH)
    console.print(table)
