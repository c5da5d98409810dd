"""Following one authority from an inspection to the next: were its weaknesses put right?

For every full inspection (LAC, SIF, ILACS) of the authority, the *items* are its
weaknesses and every finding of its "what needs to improve" section. The *follow-up* of an
inspection is every later letter of the authority (focused visit, JTAI, monitoring visit)
up to and including the next full inspection. For each item:

* its *topics* are its themes and the indicators of the figures linked to it;
* a later finding is *on the item* when it shares a theme with the item and enough of
  the item's distinctive terms: content words (lower case, singular, without the
  vocabulary's stop words) and pairs of neighbouring content words ("pathway plan"),
  leaving out terms found in more than :data:`MAX_TERM_SHARE` of the authority's findings
  (and in at least :data:`MIN_COMMON_FINDINGS`), which say nothing particular, and pairs of two such words ("do not", "not always"). A shared word scores 1, a shared pair :data:`PAIR_SCORE`;
  the score must reach :data:`MIN_SCORE` (:data:`MIN_SCORE_WITHOUT_THEME` for an item
  without a theme, where words alone carry the match);
* a later figure is on the item when it has one of the item's indicators;
* the verdict reads the most recent follow-up document with findings on the item:
  ``improved`` when its strengths on the item are at least :data:`STRENGTHS_PER_WEAKNESS`
  times its weaknesses on the item (and there is at least one strength), else
  ``still_weak``; ``not_mentioned`` when no follow-up document has a finding on the item.
  Figures are listed beside the findings but do not vote: the dataset does not say which
  direction of a measure is better.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections import Counter
from collections.abc import Iterable
from typing import Literal

import duckdb
from pydantic import BaseModel, ConfigDict, Field

from ofsted_findings.dataset.store import POSSESSIVE_RE, TOKEN_RE, SubjectWords, singular

logger = logging.getLogger(__name__)

#: Full inspections: the points an authority is followed from and to.
INSPECTION_KINDS = ("lac_inspection", "sif_inspection", "ilacs_inspection")
#: Letters read between two inspections.
FOLLOW_UP_KINDS = ("focused_visit", "jtai", "monitoring_visit")
#: Section category whose findings are items whatever their polarity.
IMPROVE_CATEGORY = "what_needs_to_improve"
#: Score of the distinctive terms a later finding must share with an item (besides a theme).
MIN_SCORE = 3
#: The same for an item without a theme (words alone must carry the match).
MIN_SCORE_WITHOUT_THEME = 4
#: What a shared pair of neighbouring words scores (a shared word scores 1).
PAIR_SCORE = 2
#: A word or pair in more than this share of the authority's findings is not distinctive...
MAX_TERM_SHARE = 0.04
#: ... provided it is in at least this many of them (an authority with few findings keeps its words).
MIN_COMMON_FINDINGS = 10
#: Later strengths per later weakness needed for ``improved`` (ties at this ratio count as improved).
STRENGTHS_PER_WEAKNESS = 1.0
#: How many later findings an item's evidence lists at most (the newest document first).
MAX_EVIDENCE = 6

Verdict = Literal["improved", "still_weak", "not_mentioned"]
NO_THEME = "(none)"


class TrackedDocument(BaseModel):
    """A document of the authority on the track."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sha256: str
    kind: str
    date: dt.date | None = Field(description="The document's evidence date (last day on site, else letter date).")
    file_path: str
    source_name: str


class Evidence(BaseModel):
    """A later finding or figure on an item."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sha256: str
    kind: str = Field(description="Kind of the later document.")
    date: dt.date | None
    id: str = Field(description="Finding or metric id in that document.")
    what: Literal["finding", "figure"]
    polarity: str | None = Field(description="strength or weakness (findings).")
    text: str = Field(description="The finding or figure as printed.")
    page: int
    shared: list[str] = Field(
        description="Distinctive words shared with the item (findings) or the indicator (figures)."
    )


class TrackedItem(BaseModel):
    """One weakness or improvement point of an inspection and what later documents say about it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    inspection: str = Field(description="sha256 of the inspection.")
    inspection_kind: str
    inspection_date: dt.date | None
    id: str = Field(description="Finding id in the inspection.")
    theme: str = Field(description="The item's first theme (or '(none)'); the group it is listed under.")
    themes: list[str]
    indicators: list[str]
    section: str = Field(description="Section category of the item.")
    polarity: str
    text: str = Field(description="The finding as printed.")
    page: int
    verdict: Verdict
    verdict_date: dt.date | None = Field(description="Date of the document the verdict reads.")
    verdict_kind: str | None
    later_strengths: int = Field(description="Strengths on the item in the document the verdict reads.")
    later_weaknesses: int = Field(description="Weaknesses on the item in the document the verdict reads.")
    followed_until: dt.date | None = Field(description="Date of the next inspection (null: none yet).")
    evidence: list[Evidence]


class Track(BaseModel):
    """An authority's inspections, the documents between them and every tracked item."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    authority: str
    documents: list[TrackedDocument]
    items: list[TrackedItem]


class TrackRow(BaseModel):
    """One item as a flat row (terminal table and CSV)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    inspection_date: dt.date | None
    inspection_kind: str
    theme: str
    indicator: str | None = Field(description="The first indicator of the figures linked to the item, if any.")
    section: str
    text: str
    verdict: str
    verdict_date: dt.date | None
    verdict_kind: str | None
    later_strengths: int
    later_weaknesses: int
    example: str | None = Field(description="The newest later finding on the item, as printed.")
    page: int
    finding_id: str
    inspection: str

    @classmethod
    def of(cls, item: TrackedItem) -> TrackRow:
        return cls(
            inspection_date=item.inspection_date,
            inspection_kind=item.inspection_kind,
            theme=item.theme,
            indicator=item.indicators[0] if item.indicators else None,
            section=item.section,
            text=item.text,
            verdict=item.verdict,
            verdict_date=item.verdict_date,
            verdict_kind=item.verdict_kind,
            later_strengths=item.later_strengths,
            later_weaknesses=item.later_weaknesses,
            example=next((e.text for e in item.evidence if e.what == "finding"), None),
            page=item.page,
            finding_id=item.id,
            inspection=item.inspection,
        )


class _Finding(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sha256: str
    id: str
    polarity: str
    text: str
    page: int
    themes: list[str]
    section: str
    indicators: list[str]


class _Figure(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sha256: str
    id: str
    text: str
    page: int
    indicator: str


DOCUMENTS_QUERY = """
SELECT sha256, kind::VARCHAR, date, file_path, source_name FROM documents
WHERE lower(coalesce(authority_name, authority_name_as_printed)) = lower(?)
  AND list_contains(?::VARCHAR[], kind::VARCHAR)
ORDER BY date NULLS LAST, file_path
"""

FINDINGS_QUERY = """
SELECT f.sha256, f.id, f.polarity::VARCHAR, f.text, f.page, f.themes::VARCHAR[], coalesce(s.category::VARCHAR, 'other'),
       coalesce((SELECT list(DISTINCT m.indicator ORDER BY m.indicator) FROM metrics m
                 WHERE m.sha256 = f.sha256 AND m.finding = f.id AND m.indicator IS NOT NULL), [])
FROM findings f LEFT JOIN sections s ON s.sha256 = f.sha256 AND s.id = f.section
WHERE list_contains(?::VARCHAR[], f.sha256)
ORDER BY f.sha256, f.start, f.id
"""

FIGURES_QUERY = """
SELECT sha256, id, text, page, indicator FROM metrics
WHERE list_contains(?::VARCHAR[], sha256) AND indicator IS NOT NULL ORDER BY sha256, start, id
"""


def _findings(con: duckdb.DuckDBPyConnection, shas: list[str]) -> dict[str, list[_Finding]]:
    out: dict[str, list[_Finding]] = {sha: [] for sha in shas}
    for sha, fid, polarity, text, page, themes, section, indicators in con.execute(FINDINGS_QUERY, [shas]).fetchall():
        out[sha].append(
            _Finding(
                sha256=sha,
                id=fid,
                polarity=polarity,
                text=text,
                page=page,
                themes=list(themes),
                section=section,
                indicators=list(indicators),
            )
        )
    return out


def _figures(con: duckdb.DuckDBPyConnection, shas: list[str]) -> dict[str, list[_Figure]]:
    out: dict[str, list[_Figure]] = {sha: [] for sha in shas}
    for sha, mid, text, page, indicator in con.execute(FIGURES_QUERY, [shas]).fetchall():
        out[sha].append(_Figure(sha256=sha, id=mid, text=text, page=page, indicator=indicator))
    return out


class _Words:
    """Distinctive terms (words and pairs of neighbouring words) of one authority's findings."""

    def __init__(self, words: SubjectWords, findings: Iterable[_Finding]) -> None:
        self._stopwords = words.stopwords
        self._cache: dict[str, frozenset[str]] = {}
        listed = list(findings)
        frequency: Counter[str] = Counter()
        for finding in listed:
            frequency.update(self._all(finding.text))
        limit = max(MAX_TERM_SHARE * len(listed), MIN_COMMON_FINDINGS - 1)
        common = {term for term, count in frequency.items() if count > limit}
        # a pair of two common words ("do not", "not always") is as common as its words
        common |= {term for term in frequency if " " in term and set(term.split(" ")) <= common}
        self.common = frozenset(common)

    def _all(self, text: str) -> frozenset[str]:
        if text not in self._cache:
            tokens = [
                singular(token)
                for token in TOKEN_RE.findall(POSSESSIVE_RE.sub("", text.lower()))
                if token not in self._stopwords and not token.isdigit()
            ]
            pairs = {f"{first} {second}" for first, second in itertools.pairwise(tokens)}
            self._cache[text] = frozenset(tokens) | frozenset(pairs)
        return self._cache[text]

    def of(self, text: str) -> frozenset[str]:
        return self._all(text) - self.common


def _score(shared: Iterable[str]) -> int:
    """A shared word scores 1, a shared pair of neighbouring words :data:`PAIR_SCORE`."""
    return sum(PAIR_SCORE if " " in term else 1 for term in shared)


def is_item(finding: _Finding) -> bool:
    """A weakness, or anything the "what needs to improve" section says."""
    return finding.polarity == "weakness" or finding.section == IMPROVE_CATEGORY


def _on_item(themes: set[str], finding: _Finding, shared: list[str]) -> bool:
    if not themes:
        return _score(shared) >= MIN_SCORE_WITHOUT_THEME
    return bool(themes & set(finding.themes)) and _score(shared) >= MIN_SCORE


def verdict(strengths: int, weaknesses: int) -> Verdict:
    """The verdict on an item from the strengths and weaknesses on it in the newest document that has any."""
    if strengths + weaknesses == 0:
        return "not_mentioned"
    return "improved" if strengths > 0 and strengths >= STRENGTHS_PER_WEAKNESS * weaknesses else "still_weak"


def track(con: duckdb.DuckDBPyConnection, authority: str, words: SubjectWords) -> Track:
    """Every inspection of ``authority`` (a stored name) with its items and their verdicts."""
    kinds = [*INSPECTION_KINDS, *FOLLOW_UP_KINDS]
    documents = [
        TrackedDocument(sha256=sha, kind=kind, date=date, file_path=path, source_name=name)
        for sha, kind, date, path, name in con.execute(DOCUMENTS_QUERY, [authority, kinds]).fetchall()
    ]
    shas = [document.sha256 for document in documents]
    findings = _findings(con, shas) if shas else {}
    figures = _figures(con, shas) if shas else {}
    vocabulary = _Words(words, (finding for listed in findings.values() for finding in listed))
    inspections = [index for index, document in enumerate(documents) if document.kind in INSPECTION_KINDS]
    items: list[TrackedItem] = []
    for position, index in enumerate(inspections):
        inspection = documents[index]
        end = inspections[position + 1] if position + 1 < len(inspections) else len(documents) - 1
        later = documents[index + 1 : end + 1]
        until = documents[end].date if position + 1 < len(inspections) else None
        followed = [
            _follow(inspection, finding, later, findings, figures, vocabulary, until)
            for finding in findings[inspection.sha256]
            if is_item(finding)
        ]
        # grouped by theme, then indicator; stable, so text order within a group
        items.extend(sorted(followed, key=lambda item: (item.theme, item.indicators[:1])))
    return Track(authority=authority, documents=documents, items=items)


def _follow(
    inspection: TrackedDocument,
    item: _Finding,
    later: list[TrackedDocument],
    findings: dict[str, list[_Finding]],
    figures: dict[str, list[_Figure]],
    vocabulary: _Words,
    until: dt.date | None,
) -> TrackedItem:
    own = vocabulary.of(item.text)
    themes = set(item.themes)
    evidence: list[Evidence] = []
    counted: tuple[TrackedDocument, int, int] | None = None
    for document in reversed(later):
        on_item: list[Evidence] = []
        for finding in findings[document.sha256]:
            shared = sorted(own & vocabulary.of(finding.text))
            if _on_item(themes, finding, shared):
                on_item.append(
                    _evidence(document, finding.id, "finding", finding.polarity, finding.text, finding.page, shared)
                )
        for figure in figures[document.sha256]:
            if figure.indicator in item.indicators:
                on_item.append(
                    _evidence(document, figure.id, "figure", None, figure.text, figure.page, [figure.indicator])
                )
        strengths = sum(1 for e in on_item if e.polarity == "strength")
        weaknesses = sum(1 for e in on_item if e.polarity == "weakness")
        if counted is None and strengths + weaknesses:
            counted = (document, strengths, weaknesses)
        evidence.extend(on_item)
    read = counted[0] if counted is not None else None
    strengths, weaknesses = (counted[1], counted[2]) if counted is not None else (0, 0)
    return TrackedItem(
        inspection=inspection.sha256,
        inspection_kind=inspection.kind,
        inspection_date=inspection.date,
        id=item.id,
        theme=item.themes[0] if item.themes else NO_THEME,
        themes=item.themes,
        indicators=item.indicators,
        section=item.section,
        polarity=item.polarity,
        text=item.text,
        page=item.page,
        verdict=verdict(strengths, weaknesses),
        verdict_date=read.date if read is not None else None,
        verdict_kind=read.kind if read is not None else None,
        later_strengths=strengths,
        later_weaknesses=weaknesses,
        followed_until=until,
        evidence=evidence[:MAX_EVIDENCE],
    )


def _evidence(
    document: TrackedDocument,
    item_id: str,
    what: Literal["finding", "figure"],
    polarity: str | None,
    text: str,
    page: int,
    shared: list[str],
) -> Evidence:
    return Evidence(
        sha256=document.sha256,
        kind=document.kind,
        date=document.date,
        id=item_id,
        what=what,
        polarity=polarity,
        text=text,
        page=page,
        shared=shared,
    )


def rows(result: Track) -> list[TrackRow]:
    """The items as flat rows, by inspection date, theme and position."""
    return [TrackRow.of(item) for item in result.items]


class TrackSummaryRow(BaseModel):
    """One inspection of the track: how many items, and how many of each verdict."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    inspection_date: dt.date | None
    inspection_kind: str
    followed_until: dt.date | None = Field(description="Date of the next inspection (empty: none yet).")
    later_letters: int = Field(description="Letters between this inspection and the next.")
    items: int
    improved: int
    still_weak: int
    not_mentioned: int


def summary(result: Track) -> list[TrackSummaryRow]:
    """Per inspection: the items and their verdicts, with the letters that followed it."""
    out: list[TrackSummaryRow] = []
    documents = result.documents
    positions = [index for index, document in enumerate(documents) if document.kind in INSPECTION_KINDS]
    for place, index in enumerate(positions):
        inspection = documents[index]
        end = positions[place + 1] if place + 1 < len(positions) else len(documents)
        items = [item for item in result.items if item.inspection == inspection.sha256]
        counts = Counter(item.verdict for item in items)
        out.append(
            TrackSummaryRow(
                inspection_date=inspection.date,
                inspection_kind=inspection.kind,
                followed_until=documents[end].date if end < len(documents) else None,
                later_letters=end - index - 1,
                items=len(items),
                improved=counts["improved"],
                still_weak=counts["still_weak"],
                not_mentioned=counts["not_mentioned"],
            )
        )
    return out
