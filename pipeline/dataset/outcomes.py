"""Inspection outcomes on a date: the latest overall grade per authority, and how it moved.

An inspection counts from the day it was published: the date part of a file named
``<authority>_<YYYY-MM-DD>.pdf`` (how Ofsted's downloads and the shared corpus name
reports), else the document's ``published`` date, else its last day on site, else its
evidence date. On a given day each authority's latest inspection (any framework: LAC,
SIF, ILACS) published by then gives its grade. An inspection without an overall
effectiveness grade (the 2026 framework grades none) is counted apart, not as a grade.
Authorities with two graded inspections published by then compare the last two (an
ungraded latest inspection does not hide them) by the grade's position on the four-point scale (1 outstanding ... 4 inadequate): a
lower position is ``improved``; ``adequate`` and ``requires improvement`` are both 3,
so that move is ``same``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from typing import Literal

import duckdb
from pydantic import BaseModel, ConfigDict, Field

from ofsted_findings.ruleset.schema import Vocabulary

logger = logging.getLogger(__name__)

#: The kinds that are full inspections with an overall effectiveness grade (until 2026).
INSPECTION_KINDS = ("lac_inspection", "sif_inspection", "ilacs_inspection")
#: The judgement area the outcome is read from.
OVERALL_AREA = "overall_effectiveness"
#: Grades counted as "good or outstanding".
GOOD_OR_BETTER = ("outstanding", "good")
#: The publication date in a file name: ``<authority>_<YYYY-MM-DD>.<ext>``.
FILE_DATE_RE = re.compile(r"_(\d{4}-\d{2}-\d{2})\.[A-Za-z0-9]+$")
#: The label of inspections without an overall grade.
UNGRADED = "no overall grade"

INSPECTIONS_QUERY = """
SELECT d.sha256, coalesce(d.authority_name, d.authority_name_as_printed) AS authority, d.kind::VARCHAR,
       d.source_name, d.file_path, d.published, d.visit_end, d.date,
       (SELECT any_value(j.grade::VARCHAR) FROM judgements j
        WHERE j.sha256 = d.sha256 AND j.area::VARCHAR = ? AND j.grade::VARCHAR <> 'not_judged') AS grade
FROM documents d
WHERE list_contains(?::VARCHAR[], d.kind::VARCHAR) AND coalesce(d.authority_name, d.authority_name_as_printed) IS NOT NULL
"""

Change = Literal["improved", "same", "declined"]


class Inspection(BaseModel):
    """One full inspection of one authority, dated as :mod:`outcomes` counts it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    authority: str = Field(description="Canonical authority name (else as printed).")
    kind: str = Field(description="Document kind.")
    counts_from: dt.date = Field(description="The day the inspection counts from (publication, else last day on site).")
    grade: str | None = Field(description="Overall effectiveness grade; null when the report gives none.")
    file_path: str = Field(description="Path the document was stored from.")


class AuthorityOutcome(BaseModel):
    """An authority's outcome on the day asked."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    authority: str
    latest: dt.date = Field(description="The day the latest inspection counts from.")
    kind: str
    grade: str = Field(description=f"Latest overall grade, or '{UNGRADED}'.")
    last_graded: str | None = Field(description="Grade of the latest graded inspection (the grade itself when graded).")
    previous_grade: str | None = Field(description="Grade of the graded inspection before that one.")
    change: Change | None = Field(description="From previous_grade to last_graded, by scale position.")
    file_path: str


class OutcomeRow(BaseModel):
    """One line of the summary: a grade, a change, or the coverage."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    measure: Literal["grade", "good_or_outstanding", "ungraded", "change", "covered"]
    label: str
    authorities: int
    share: float | None = Field(description="Share of the authorities with a grade (changes: with two grades).")


class Outcomes(BaseModel):
    """The outcome of every authority on a day, and the summary."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    as_at: dt.date
    authorities: list[AuthorityOutcome]
    summary: list[OutcomeRow]


def counts_from(
    source_name: str, published: dt.date | None, visit_end: dt.date | None, fallback: dt.date | None
) -> dt.date | None:
    """The day an inspection counts from: file-name date, publication, last day on site, evidence date."""
    match = FILE_DATE_RE.search(source_name)
    if match:
        try:
            return dt.date.fromisoformat(match.group(1))
        except ValueError:
            logger.debug("%s: not a date in the file name", source_name)
    return published or visit_end or fallback


def inspections(con: duckdb.DuckDBPyConnection) -> list[Inspection]:
    """Every full inspection in the dataset, in (authority, date, path) order."""
    rows = con.execute(INSPECTIONS_QUERY, [OVERALL_AREA, list(INSPECTION_KINDS)]).fetchall()
    out: list[Inspection] = []
    for _, authority, kind, source_name, file_path, published, visit_end, date, grade in rows:
        when = counts_from(str(source_name or ""), published, visit_end, date)
        if when is None:
            logger.warning("%s: no date to count the inspection from; left out", file_path)
            continue
        out.append(Inspection(authority=authority, kind=kind, counts_from=when, grade=grade, file_path=file_path))
    return sorted(out, key=lambda item: (item.authority, item.counts_from, item.file_path))


def _change(before: str, after: str, positions: dict[str, int | None]) -> Change | None:
    old, new = positions.get(before), positions.get(after)
    if old is None or new is None:
        return None
    return "improved" if new < old else "declined" if new > old else "same"


def outcomes(con: duckdb.DuckDBPyConnection, as_at: dt.date, vocabulary: Vocabulary) -> Outcomes:
    """Each authority's latest inspection published by ``as_at``, counts per grade and changes."""
    positions = {grade.grade.value: grade.position for grade in vocabulary.grades}
    by_authority: dict[str, list[Inspection]] = {}
    for item in inspections(con):
        if item.counts_from <= as_at:
            by_authority.setdefault(item.authority, []).append(item)
    results: list[AuthorityOutcome] = []
    for authority, items in sorted(by_authority.items()):
        latest = items[-1]
        graded = [item for item in items if item.grade is not None]
        previous = graded[-2] if len(graded) >= 2 else None
        last_graded = graded[-1] if graded else None
        change = _change(previous.grade or "", last_graded.grade or "", positions) if previous and last_graded else None
        results.append(
            AuthorityOutcome(
                authority=authority,
                latest=latest.counts_from,
                kind=latest.kind,
                grade=latest.grade or UNGRADED,
                last_graded=last_graded.grade if last_graded else None,
                previous_grade=previous.grade if previous else None,
                change=change,
                file_path=latest.file_path,
            )
        )
    return Outcomes(as_at=as_at, authorities=results, summary=summarise(results, positions))


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def summarise(results: list[AuthorityOutcome], positions: dict[str, int | None]) -> list[OutcomeRow]:
    """Counts per grade (best first), the good-or-outstanding share, the ungraded, the changes, the coverage."""
    grades = Counter(result.grade for result in results if result.grade != UNGRADED)
    graded = sum(grades.values())
    rows = [
        OutcomeRow(measure="grade", label=grade, authorities=count, share=_share(count, graded))
        for grade, count in sorted(grades.items(), key=lambda item: (positions.get(item[0]) or 9, item[0]))
    ]
    good = sum(grades[grade] for grade in GOOD_OR_BETTER)
    rows.append(
        OutcomeRow(
            measure="good_or_outstanding", label="good or outstanding", authorities=good, share=_share(good, graded)
        )
    )
    ungraded = sum(1 for result in results if result.grade == UNGRADED)
    rows.append(OutcomeRow(measure="ungraded", label=UNGRADED, authorities=ungraded, share=None))
    changes = Counter(result.change for result in results if result.change is not None)
    compared = sum(changes.values())
    for change in ("improved", "same", "declined"):
        rows.append(
            OutcomeRow(
                measure="change", label=change, authorities=changes[change], share=_share(changes[change], compared)
            )
        )
    rows.append(
        OutcomeRow(measure="covered", label="authorities with an inspection", authorities=len(results), share=None)
    )
    return rows
