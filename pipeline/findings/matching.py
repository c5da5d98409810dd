"""Matching the findings rules on a Doc: cues, modifiers, contrast markers and theme phrases.

Phrases go to spaCy's PhraseMatcher (case-insensitive, whole tokens), token patterns to
the Matcher, and regex cues run over the text and are widened to whole tokens. Every
match keeps its rule id, so a finding can say which rules made it.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict
from spacy.attrs import IDX
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from ofsted_findings.nlp.doctext import doc_text
from ofsted_findings.ruleset import RuleSet

logger = logging.getLogger(__name__)

FAMILIES: tuple[str, ...] = ("cues", "modifiers", "contrasts", "themes")


class RuleMatch(NamedTuple):
    """A rule that matched tokens ``[start, end)`` of the Doc (a tuple: there are many per Doc)."""

    rule: str
    start: int
    end: int


class DocMatches(BaseModel):
    """Rule matches by family, each sorted by position (for a Doc, or for one sentence of it)."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    cues: list[RuleMatch]
    modifiers: list[RuleMatch]
    contrasts: list[RuleMatch]
    themes: list[RuleMatch]


class FindingMatchers:
    """The findings rules compiled into matchers for one vocabulary."""

    def __init__(self, nlp: Language, rules: RuleSet, *, validate: bool = True) -> None:
        regex_cues = [rule for rule in rules.cues if rule.regex and isinstance(rule.pattern, str)]
        self._regex = (
            re.compile(
                "|".join(f"(?P<r{i}>{rule.pattern})" for i, rule in enumerate(regex_cues)),
                re.IGNORECASE,
            )
            if regex_cues
            else None
        )
        self._regex_ids = {f"r{i}": rule.id for i, rule in enumerate(regex_cues)}
        families: dict[str, list[tuple[str, str | list[dict[str, Any]]]]] = {
            "cues": [(rule.id, rule.pattern) for rule in rules.cues if not rule.regex],
            "modifiers": [(rule.id, rule.literal) for rule in rules.modifiers],
            "contrasts": [(rule.id, rule.literal) for rule in rules.contrasts],
            "themes": [(rule.id, rule.pattern) for rule in rules.themes],
        }
        self._matchers: dict[str, tuple[PhraseMatcher, Matcher]] = {}
        for family, patterns in families.items():
            phrase = PhraseMatcher(nlp.vocab, attr="LOWER")
            tokens = Matcher(nlp.vocab, validate=validate)
            for rule_id, pattern in patterns:
                if isinstance(pattern, str):
                    phrase.add(rule_id, [nlp.make_doc(pattern)])
                else:
                    tokens.add(rule_id, [pattern])
            self._matchers[family] = (phrase, tokens)

    def match(self, doc: Doc) -> DocMatches:
        """Every match of every rule family."""
        found: dict[str, list[RuleMatch]] = {}
        strings = doc.vocab.strings
        for family, (phrase, tokens) in self._matchers.items():
            items = [RuleMatch(strings[key], start, end) for key, start, end in phrase(doc)]
            if len(tokens):
                items.extend(RuleMatch(strings[key], start, end) for key, start, end in tokens(doc))
            if family == "cues" and self._regex is not None:
                items.extend(self._regex_matches(doc, self._regex))
            found[family] = sorted(items, key=lambda m: (m.start, -m.end, m.rule))
        return DocMatches.model_construct(
            cues=found["cues"],
            modifiers=found["modifiers"],
            contrasts=found["contrasts"],
            themes=found["themes"],
        )

    def _regex_matches(self, doc: Doc, pattern: re.Pattern[str]) -> list[RuleMatch]:
        """Regex cues over the text, widened to whole tokens."""
        items: list[RuleMatch] = []
        for match in pattern.finditer(doc_text(doc)):
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is not None and match.lastgroup is not None:
                items.append(RuleMatch(self._regex_ids[match.lastgroup], span.start, span.end))
        return items


class TokenIndex:
    """Maps character offsets to token indices (``doc.char_span`` with 'expand', without Span objects)."""

    def __init__(self, doc: Doc) -> None:
        self.starts: list[int] = doc.to_array(IDX).tolist() if len(doc) else []

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Tokens ``[first, last)`` covering characters ``[start, end)``."""
        first = max(bisect_right(self.starts, start) - 1, 0)
        return first, bisect_left(self.starts, end)


def bucket(spans: Sequence[tuple[int, int]], matches: DocMatches) -> list[DocMatches]:
    """Split a Doc's matches by token spans (both sorted by position): those wholly inside each."""
    families: dict[str, list[list[RuleMatch]]] = {}
    for family in FAMILIES:
        items: list[RuleMatch] = getattr(matches, family)
        grouped: list[list[RuleMatch]] = [[] for _ in spans]
        cursor = 0
        for position, (start, end) in enumerate(spans):
            while cursor < len(items) and items[cursor].start < start:
                cursor += 1
            probe = cursor
            while probe < len(items) and items[probe].start < end:
                if items[probe].end <= end:
                    grouped[position].append(items[probe])
                probe += 1
        families[family] = grouped
    return [
        DocMatches.model_construct(
            cues=families["cues"][i],
            modifiers=families["modifiers"][i],
            contrasts=families["contrasts"][i],
            themes=families["themes"][i],
        )
        for i in range(len(spans))
    ]


def longest(matches: list[RuleMatch]) -> list[RuleMatch]:
    """Keep the longest of overlapping matches (first on ties)."""
    ordered = sorted(matches, key=lambda m: (-(m.end - m.start), m.start, m.rule))
    taken: set[int] = set()
    kept: list[RuleMatch] = []
    for match in ordered:
        if taken.isdisjoint(range(match.start, match.end)):
            kept.append(match)
            taken.update(range(match.start, match.end))
    return sorted(kept, key=lambda m: (m.start, m.end))
