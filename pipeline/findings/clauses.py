"""Clauses: a sentence split at contrast markers, each clause scored on its own.

"Although X, Y" gives two clauses; so does "X, but Y" and "X; however, Y". Neighbouring
clauses of the same polarity are merged again, so a mixed sentence gives one finding per
polarity-bearing run of clauses.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field

from spacy.tokens import Doc

from ofsted_findings.findings.matching import RuleMatch, longest
from ofsted_findings.models import Polarity
from ofsted_findings.ruleset.schema import ContrastRule, CueRule, ModifierRule

logger = logging.getLogger(__name__)

#: Punctuation after which a marker may open a clause ("X, but Y").
CLAUSE_BREAKS = frozenset({",", ";", "—", "–", "-", ":"})
#: Punctuation that ends the concession clause of a sentence-initial marker ("Although X, Y").
CONCESSION_ENDS = frozenset({",", ";"})


@dataclass
class CueHit:
    """A cue inside a clause, with the polarity the modifiers in scope left it."""

    rule: CueRule
    start: int
    end: int
    polarity: Polarity
    modifiers: list[ModifierRule] = field(default_factory=list)


@dataclass
class Clause:
    """Tokens ``[start, end)`` of a sentence, and what scoring found in them."""

    start: int
    end: int
    polarity: Polarity | None = None
    score: float = 0.0
    cues: list[CueHit] = field(default_factory=list)
    modifiers: list[tuple[ModifierRule, int, int]] = field(default_factory=list)
    #: Modifiers whose implied weight is in ``score`` (they changed no cue).
    implied: list[ModifierRule] = field(default_factory=list)
    hedged: bool = False
    negated: bool = False
    contrast: ContrastRule | None = None
    contrast_span: tuple[int, int] | None = None
    implied_by_contrast: bool = False

    def absorb(self, other: Clause) -> None:
        """Take another clause's evidence (when they are merged into one finding)."""
        self.cues.extend(other.cues)
        self.modifiers.extend(other.modifiers)
        self.score += other.score
        self.hedged |= other.hedged
        self.negated |= other.negated


def first_word(doc: Doc, start: int) -> int:
    """The first token at or after ``start`` that is neither space nor punctuation."""
    position = start
    while position < len(doc) and (doc[position].is_space or doc[position].is_punct):
        position += 1
    return position


def split_clauses(
    doc: Doc,
    start: int,
    end: int,
    contrasts: list[RuleMatch],
    rules: dict[str, ContrastRule],
) -> list[Clause]:
    """Split tokens ``[start, end)`` at contrast markers."""
    cuts: set[int] = set()
    first = first_word(doc, start) if contrasts else start
    for match in longest(contrasts):
        rule = rules[match.rule]
        at_sentence_start = match.start == first
        before = doc[match.start - 1].text.lower() if match.start > start else ""
        after_break = match.start > start and before in CLAUSE_BREAKS
        after_word = bool(before) and before in rule.after_words
        if rule.at_start and not (at_sentence_start or after_break or after_word):
            continue
        if rule.kind == "subordinate" and (at_sentence_start or after_break or after_word):
            comma = next(
                (i for i in range(match.end, end) if doc[i].text in CONCESSION_ENDS),
                None,
            )
            if comma is not None and comma + 1 < end:
                cuts.add(comma + 1)
        if at_sentence_start:
            continue
        cuts.add(match.start)
    bounds = [start, *sorted(cut for cut in cuts if start < cut < end), end]
    clauses = [Clause(start=a, end=b) for a, b in itertools.pairwise(bounds) if a < b]
    for clause in clauses:
        opening = first_word(doc, clause.start)
        marker = next((m for m in contrasts if m.start == opening), None)
        if marker is not None:
            clause.contrast = rules[marker.rule]
            clause.contrast_span = (marker.start, marker.end)
    return clauses


def flip(polarity: Polarity) -> Polarity:
    """The other polarity."""
    return Polarity.WEAKNESS if polarity is Polarity.STRENGTH else Polarity.STRENGTH


def apply_concessions(clauses: list[Clause]) -> None:
    """A concession clause with no cue takes the opposite polarity of the other clauses."""
    others = {clause.polarity for clause in clauses if clause.polarity is not None}
    if len(others) != 1:
        return
    main = others.pop()
    for clause in clauses:
        if clause.polarity is None and clause.contrast is not None and clause.contrast.implies_opposite:
            clause.polarity = flip(main)
            clause.implied_by_contrast = True


def merge(clauses: list[Clause]) -> list[Clause]:
    """Join neighbouring clauses of the same polarity; neutral clauses join the one before."""
    merged: list[Clause] = []
    for clause in clauses:
        if merged and (clause.polarity is None or clause.polarity == merged[-1].polarity):
            last = merged[-1]
            last.end = clause.end
            last.absorb(clause)
            if last.polarity is None:
                last.polarity = clause.polarity
            continue
        merged.append(
            Clause(
                start=clause.start,
                end=clause.end,
                polarity=clause.polarity,
                score=clause.score,
                cues=list(clause.cues),
                modifiers=list(clause.modifiers),
                hedged=clause.hedged,
                negated=clause.negated,
                contrast=clause.contrast,
                contrast_span=clause.contrast_span,
                implied_by_contrast=clause.implied_by_contrast,
            )
        )
    return merged


def decide(clauses: list[Clause]) -> list[Clause] | Polarity | None:
    """What a sentence's scored clauses make: ``None`` (no finding), one polarity for the whole
    sentence (every clause that has one agrees), or the merged clauses of a mixed sentence
    (each with its polarity, or none for a clause that stays neutral). Concessions are applied
    first. The classifier and ``rules fit`` both decide with this."""
    apply_concessions(clauses)
    polarities = {clause.polarity for clause in clauses if clause.polarity is not None}
    if not polarities:
        return None
    if len(polarities) == 1:
        return polarities.pop()
    return merge(clauses)
