"""ConText-style scoring of a clause: cues, and the modifiers whose scope reaches them.

Each cue counts its weight towards its polarity. A modifier in scope changes it: ``negate``
flips it, ``partial`` makes it a weakness ("not always timely"), ``hedge`` marks the
finding hedged. A modifier with no cue in scope may imply a polarity of its own ("Not all
children have a plan"). The clause's polarity is the sign of the total when it is at
least :data:`MIN_SCORE` away from zero.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from ofsted_findings.findings.clauses import Clause, CueHit, flip
from ofsted_findings.findings.matching import RuleMatch
from ofsted_findings.models import Polarity
from ofsted_findings.ruleset.schema import CueRule, ModifierRule

logger = logging.getLogger(__name__)

#: A clause whose cue score is closer to zero than this states nothing either way.
MIN_SCORE = 0.25

_Active = list[tuple[ModifierRule, RuleMatch]]


def _overlaps(where: RuleMatch, start: int, end: int) -> bool:
    """Whether tokens ``[start, end)`` begin or end inside the modifier's own words."""
    return where.start <= start < where.end or where.start < end <= where.end


def _sign(polarity: Polarity) -> int:
    return 1 if polarity is Polarity.STRENGTH else -1


class ContextScorer:
    """Scores clauses with the cue and modifier rules."""

    def __init__(self, cues: Mapping[str, CueRule], modifiers: Mapping[str, ModifierRule]) -> None:
        self.cues = cues
        self.modifiers = modifiers

    def score(self, clause: Clause, cues: list[RuleMatch], modifiers: list[RuleMatch]) -> None:
        """Set the clause's cues, modifiers, score and polarity."""
        active = self._active(clause, modifiers)
        hits, used = self._apply_modifiers(clause, cues, active)
        clause.cues = self._drop_modifier_words(hits, active, used)
        clause.score = sum(hit.rule.weight * _sign(hit.polarity) for hit in clause.cues) + self._implied(
            clause, active, used
        )
        if clause.score >= MIN_SCORE:
            clause.polarity = Polarity.STRENGTH
        elif clause.score <= -MIN_SCORE:
            clause.polarity = Polarity.WEAKNESS

    def _active(self, clause: Clause, modifiers: list[RuleMatch]) -> _Active:
        """Modifiers inside the clause that can change something (pseudo-negations only block)."""
        inside = (m for m in modifiers if clause.start <= m.start and m.end <= clause.end)
        return [(self.modifiers[m.rule], m) for m in inside if self.modifiers[m.rule].effect != "pseudo"]

    def _apply_modifiers(self, clause: Clause, cues: list[RuleMatch], active: _Active) -> tuple[list[CueHit], set[int]]:
        """Each cue in the clause, changed by the modifiers in whose scope it is; and which modifiers were used."""
        hits: list[CueHit] = []
        used: set[int] = set()
        for match in cues:
            if not (clause.start <= match.start and match.end <= clause.end):
                continue
            rule = self.cues[match.rule]
            hit = CueHit(
                rule=rule,
                start=match.start,
                end=match.end,
                polarity=Polarity(rule.polarity),
            )
            for position, (modifier, where) in enumerate(active):
                if _overlaps(where, match.start, match.end):
                    continue  # the cue is the modifier's own words
                if _in_scope(modifier, where, match, clause):
                    hit.modifiers.append(modifier)
                    used.add(position)
                    self._modify(clause, hit, modifier)
            hits.append(hit)
        return hits, used

    @staticmethod
    def _modify(clause: Clause, hit: CueHit, modifier: ModifierRule) -> None:
        if modifier.effect == "negate":
            hit.polarity = flip(hit.polarity)
            clause.negated = True
        elif modifier.effect == "partial":
            hit.polarity = Polarity.WEAKNESS
        if modifier.hedge or modifier.effect == "hedge":
            clause.hedged = True

    @staticmethod
    def _drop_modifier_words(hits: list[CueHit], active: _Active, used: set[int]) -> list[CueHit]:
        """A cue inside a modifier's words counts only when the modifier neither changed a cue
        nor implies a polarity of its own ("not consistently" already says weakness)."""
        kept: list[CueHit] = []
        for hit in hits:
            owner = next(
                (
                    (position, modifier)
                    for position, (modifier, where) in enumerate(active)
                    if _overlaps(where, hit.start, hit.end)
                ),
                None,
            )
            if owner is not None and (owner[0] in used or owner[1].implies is not None):
                continue
            kept.append(hit)
        return kept

    @staticmethod
    def _implied(clause: Clause, active: _Active, used: set[int]) -> float:
        """Score implied by modifiers that changed no cue; records every modifier that acted."""
        score = 0.0
        for position, (modifier, where) in enumerate(active):
            if modifier.effect == "hedge":
                clause.hedged = True
            if modifier.implies is not None and position not in used:
                score += modifier.implied_weight * _sign(Polarity(modifier.implies))
                clause.modifiers.append((modifier, where.start, where.end))
                clause.hedged |= modifier.hedge
            elif position in used:
                clause.modifiers.append((modifier, where.start, where.end))
        return score


def _in_scope(modifier: ModifierRule, where: RuleMatch, cue: RuleMatch, clause: Clause) -> bool:
    if modifier.direction in ("forward", "both") and where.end <= cue.start:
        return cue.start - where.end < modifier.max_scope and cue.start < clause.end
    if modifier.direction in ("backward", "both") and cue.end <= where.start:
        return where.start - cue.end < modifier.max_scope and cue.start >= clause.start
    return False
