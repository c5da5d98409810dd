"""Turning a scored clause into a :class:`~ofsted_findings.models.Finding` with its evidence."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from spacy.tokens import Doc

from ofsted_findings.findings.clauses import Clause
from ofsted_findings.findings.matching import DocMatches
from ofsted_findings.layout.normalize import PageMap
from ofsted_findings.models import Cue, Finding, Polarity, Sentence
from ofsted_findings.nlp.doctext import doc_text
from ofsted_findings.ruleset.schema import ThemeRule

logger = logging.getLogger(__name__)

#: Characters trimmed from the ends of a clause finding.
TRIM_CHARACTERS = " ,;:-–—\n"


def finding_id(start: int, end: int, polarity: str) -> str:
    """Content-derived id from position and polarity."""
    return f"f-{start:06d}-{end:06d}-{polarity[0]}"


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without :data:`TRIM_CHARACTERS` at either end (a clause finding's span)."""
    while start < end and text[start] in TRIM_CHARACTERS:
        start += 1
    while end > start and text[end - 1] in TRIM_CHARACTERS:
        end -= 1
    return start, end


def _token_span(doc: Doc, first: int, last: int) -> tuple[int, int]:
    """Character offsets of tokens ``[first, last)``."""
    end_token = doc[last - 1]
    return doc[first].idx, end_token.idx + len(end_token.text)


def make_finding(
    doc: Doc,
    sentence: Sentence,
    clause: Clause,
    polarity: Polarity,
    extra: list[Cue],
    section_themes: list[str],
    found: DocMatches,
    themes: Mapping[str, ThemeRule],
    page_of: PageMap,
    *,
    whole_sentence: bool,
    weighed: bool = True,
) -> Finding:
    """The finding for a clause (or the whole sentence), with every rule that fired as a cue.

    Its ``score`` is the clause's weighed sum in the direction of its polarity; ``weighed``
    false (a section default decided it) leaves the score null."""
    text = doc_text(doc)
    if whole_sentence:
        start, end = sentence.start, sentence.end
    else:
        start, end = _token_span(doc, clause.start, clause.end)
        start, end = trim(text, max(start, sentence.start), min(end, sentence.end))
    cues = list(extra)
    for hit in clause.cues:
        cue_start, cue_end = _token_span(doc, hit.start, hit.end)
        cues.append(
            Cue(
                rule=hit.rule.id,
                kind="cue",
                effect=hit.polarity.value,
                text=text[cue_start:cue_end],
                start=cue_start,
                end=cue_end,
            )
        )
    if clause.implied_by_contrast and clause.contrast is not None and clause.contrast_span is not None:
        cue_start, cue_end = _token_span(doc, *clause.contrast_span)
        cues.append(
            Cue(
                rule=clause.contrast.id,
                kind="contrast",
                effect=polarity.value,
                text=text[cue_start:cue_end],
                start=cue_start,
                end=cue_end,
            )
        )
    for modifier, mod_start, mod_end in clause.modifiers:
        cue_start, cue_end = _token_span(doc, mod_start, mod_end)
        cues.append(
            Cue(
                rule=modifier.id,
                kind="modifier",
                effect=modifier.effect,
                text=text[cue_start:cue_end],
                start=cue_start,
                end=cue_end,
            )
        )
    cues = sorted(
        {(c.start, c.end, c.rule): c for c in cues}.values(),
        key=lambda c: (c.start, c.end, c.rule),
    )
    found_themes = _themes(doc, found, themes, start, end) or sorted(set(section_themes))
    return Finding(
        id=finding_id(start, end, polarity.value),
        polarity=polarity,
        text=text[start:end],
        page=page_of(start),
        start=start,
        end=end,
        sentence=sentence.id,
        section=sentence.section,
        themes=found_themes,
        cues=cues,
        negated=clause.negated,
        hedged=clause.hedged,
        modifiers=sorted({modifier.id for modifier, _, _ in clause.modifiers}),
        score=round(clause.score * (1 if polarity is Polarity.STRENGTH else -1), 3) if weighed else None,
    )


def _themes(doc: Doc, found: DocMatches, themes: Mapping[str, ThemeRule], start: int, end: int) -> list[str]:
    """Themes whose phrases start inside ``[start, end)``."""
    result: set[str] = set()
    for match in found.themes:
        token = doc[match.start]
        if start <= token.idx < end:
            result.add(themes[match.rule].theme.value)
    return sorted(result)
