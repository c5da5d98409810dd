"""ConText-style scoring of a clause: cues, and the modifiers whose scope reaches them.

Each cue counts its weight towards its polarity. A modifier in scope changes it: ``negate``
flips it, ``partial`` makes it a weakness ("not always timely"), ``hedge`` marks the
finding hedged. A modifier with no cue in scope may imply a polarity of its own ("Not all
children have a plan"). Three kinds of modifier govern the words in their scope, which are
not the claim (:meth:`ContextScorer._governed`): a purpose clause ("to ensure that ...")
counts only when nothing before it carries polarity, a complement ("a barrier to families
getting timely help") does not count at all, and a topic ("address the weaknesses") makes
weakness cues a subject. The clause's polarity is the sign of the total when it is at
at least ``min_score`` (``findings.json``) away from zero.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from ofsted_findings.findings.clauses import Clause, CueHit, flip
from ofsted_findings.findings.matching import RuleMatch
from ofsted_findings.models import Polarity
from ofsted_findings.ruleset.schema import CueRule, ModifierRule

logger = logging.getLogger(__name__)

_Active = list[tuple[ModifierRule, RuleMatch]]

#: Modifier effects that govern the cues in their scope instead of changing them.
GOVERNING = frozenset({"purpose", "complement", "topic"})


def _overlaps(where: RuleMatch, start: int, end: int) -> bool:
    """Whether tokens ``[start, end)`` begin or end inside the modifier's own words."""
    return where.start <= start < where.end or where.start < end <= where.end


def _sign(polarity: Polarity) -> int:
    return 1 if polarity is Polarity.STRENGTH else -1


class ContextScorer:
    """Scores clauses with the cue and modifier rules."""

    def __init__(
        self,
        cues: Mapping[str, CueRule],
        modifiers: Mapping[str, ModifierRule],
        min_score: float = 0.25,
        predicate_window: int = 4,
    ) -> None:
        self.cues = cues
        self.modifiers = modifiers
        self.min_score = min_score
        self.predicate_window = predicate_window

    def score(self, clause: Clause, cues: list[RuleMatch], modifiers: list[RuleMatch]) -> None:
        """Set the clause's cues, modifiers, score and polarity."""
        active = self._active(clause, modifiers)
        cues = self._governed(clause, cues, active)
        active = [
            (modifier, where) for modifier, where in active if modifier.effect not in GOVERNING or modifier.implies
        ]
        predicates = [(modifier, where) for modifier, where in active if modifier.effect == "predicate"]
        active = [(modifier, where) for modifier, where in active if modifier.effect != "predicate"]
        hits, used = self._apply_modifiers(clause, cues, active)
        clause.cues = self._drop_modifier_words(hits, active, used)
        if predicates:
            clause.cues = self._predicate_wins(
                clause, clause.cues, active, used, min(predicates, key=lambda p: p[1].start)
            )
        clause.score = sum(hit.rule.weight * _sign(hit.polarity) for hit in clause.cues) + self._implied(
            clause, active, used
        )
        if clause.score >= self.min_score:
            clause.polarity = Polarity.STRENGTH
        elif clause.score <= -self.min_score:
            clause.polarity = Polarity.WEAKNESS

    def _governed(self, clause: Clause, cues: list[RuleMatch], active: _Active) -> list[RuleMatch]:
        """The cues that are part of the claim: those in the scope of a governing modifier that
        takes them out are dropped (the modifier is recorded on the clause)."""
        governing = [(modifier, where) for modifier, where in active if modifier.effect in GOVERNING]
        if not governing:
            return cues
        inside = [m for m in cues if clause.start <= m.start and m.end <= clause.end]
        polar_before = {
            id(where): any(m.end <= where.start for m in inside if self.cues[m.rule].weight > 0)
            or any(
                other.end <= where.start and other_rule.effect in ("negate", "partial") for other_rule, other in active
            )
            for _, where in governing
        }
        kept: list[RuleMatch] = []
        acted: set[int] = set()
        for match in cues:
            drop = False
            for modifier, where in governing:
                if _overlaps(where, match.start, match.end) or not _in_scope(modifier, where, match, clause):
                    continue
                rule = self.cues[match.rule]
                if (
                    modifier.effect == "complement"
                    or (modifier.effect == "topic" and Polarity(rule.polarity) is Polarity.WEAKNESS)
                    or (modifier.effect == "purpose" and polar_before[id(where)])
                ):
                    drop = True
                    acted.add(id(where))
            if not drop:
                kept.append(match)
        for modifier, where in governing:
            if id(where) in acted and not modifier.implies:
                clause.modifiers.append((modifier, where.start, where.end))
        return kept

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
                if modifier.effect == "negate" and not rule.negatable:
                    continue  # 'not ... for some young people': the negation is not about who
                if _in_scope(modifier, where, match, clause):
                    hit.modifiers.append(modifier)
                    if rule.weight > 0:
                        used.add(position)  # a context phrase (weight 0) does not absorb a 'not'
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

    def _predicate_wins(
        self,
        clause: Clause,
        hits: list[CueHit],
        active: _Active,
        used: set[int],
        predicate: tuple[ModifierRule, RuleMatch],
    ) -> list[CueHit]:
        """Drop the cues before the clause's first predicate word whose polarity is the other one
        than that of the words after it (their cues and the polarity implied by modifiers there):
        the subject names what is judged, the predicate judges it."""
        modifier, where = predicate
        after = sum(hit.rule.weight * _sign(hit.polarity) for hit in hits if hit.start >= where.start)
        after += sum(
            rule.implied_weight * _sign(Polarity(rule.implies))
            for position, (rule, at) in enumerate(active)
            if rule.implies is not None and position not in used and at.start >= where.end
        )
        if abs(after) < self.min_score:
            return hits
        near = [max(hit.start, where.end) for hit in hits if hit.start >= where.start] + [
            at.start for rule, at in active if rule.effect in ("negate", "partial") and at.start >= where.end
        ]
        if not near or min(near) - where.end >= self.predicate_window:
            return hits  # the words right after the predicate word do not judge: its complement is elsewhere
        claim = Polarity.STRENGTH if after > 0 else Polarity.WEAKNESS
        kept = [hit for hit in hits if hit.end > where.start or hit.polarity is claim or hit.rule.weight == 0]
        if len(kept) < len(hits):
            clause.modifiers.append((modifier, where.start, where.end))
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
                clause.implied.append(modifier)
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
