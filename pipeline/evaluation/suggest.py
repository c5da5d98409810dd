"""Candidate cue phrases for a person to vet, from the tune gold sentences the rules miss.

A gold sentence labelled strength (or weakness) that the rules give no finding of that
polarity is *missed*. Word 1-3-grams are counted in the missed sentences of a polarity and
in the sentences against it (gold neutral, and gold of the other polarity); the score is a
smoothed log ratio of the two rates. N-grams a cue already matches and n-grams of
stopwords only are left out. Nothing is written: the suggestions are for reading.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict
from spacy.lang.en.stop_words import STOP_WORDS

from ofsted_findings.evaluation.common import TOKEN_RE
from ofsted_findings.evaluation.findings_eval import predicted_label
from ofsted_findings.evaluation.fit import Recorded
from ofsted_findings.ruleset import RuleSet

logger = logging.getLogger(__name__)

#: Longest n-gram suggested.
MAX_N = 3
#: Added to both counts of the log ratio.
SMOOTHING = 0.5
#: Characters of the example sentence shown.
EXAMPLE_CHARS = 90


class Suggestion(BaseModel):
    """A candidate cue phrase."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ngram: str
    polarity: str
    support: int
    against: int
    score: float
    example: str


def words(text: str) -> list[str]:
    """Lower-case word tokens."""
    return TOKEN_RE.findall(text.lower().replace("’", "'"))


def ngrams(tokens: Sequence[str]) -> set[tuple[str, ...]]:
    """The distinct 1- to :data:`MAX_N`-grams of ``tokens``."""
    return {tuple(tokens[i : i + n]) for n in range(1, MAX_N + 1) for i in range(len(tokens) - n + 1)}


@dataclass(frozen=True)
class _CueIndex:
    """The cue phrases (as word tuples) and regexes, to tell which n-grams are already cues."""

    phrases: frozenset[tuple[str, ...]]
    regexes: tuple[re.Pattern[str], ...]

    @classmethod
    def of(cls, rules: RuleSet) -> _CueIndex:
        phrases = frozenset(
            tuple(words(rule.pattern)) for rule in rules.cues if isinstance(rule.pattern, str) and not rule.regex
        )
        regexes = tuple(
            re.compile(rule.pattern, re.IGNORECASE)
            for rule in rules.cues
            if rule.regex and isinstance(rule.pattern, str)
        )
        return cls(phrases=phrases, regexes=regexes)

    def covers(self, gram: tuple[str, ...]) -> bool:
        """Whether a cue matches inside the n-gram."""
        for n in range(1, len(gram) + 1):
            for i in range(len(gram) - n + 1):
                if gram[i : i + n] in self.phrases:
                    return True
        text = " ".join(gram)
        return any(pattern.search(text) for pattern in self.regexes)


def excerpt(text: str, gram: tuple[str, ...]) -> str:
    """About :data:`EXAMPLE_CHARS` characters of ``text`` around the first occurrence of ``gram``."""
    flat = " ".join(text.split())
    found = [match for match in TOKEN_RE.finditer(flat.lower().replace("’", "'"))]
    tokens = [match.group() for match in found]
    at = next((i for i in range(len(tokens)) if tuple(tokens[i : i + len(gram)]) == gram), 0)
    start = max(0, found[at].start() - EXAMPLE_CHARS // 3) if found else 0
    end = start + EXAMPLE_CHARS
    return ("…" if start else "") + flat[start:end].strip() + ("…" if end < len(flat) else "")


def _uninformative(gram: tuple[str, ...]) -> bool:
    return all(word in STOP_WORDS or word.isdigit() for word in gram)


def suggest(documents: Sequence[Recorded], rules: RuleSet, *, min_support: int = 2) -> list[Suggestion]:
    """Candidate cues, best first (score, then support, then longer n-grams, then alphabetical)."""
    missed: dict[str, list[str]] = {"strength": [], "weakness": []}
    against: dict[str, list[str]] = {"strength": [], "weakness": []}
    for item in documents:
        findings = sorted(item.document.findings, key=lambda f: f.start)
        for gold in item.gold:
            nearby = [f for f in findings if f.start < gold.end and f.end > gold.start]
            label, _ = predicted_label(nearby, gold.start, gold.end)
            for polarity, other in (("strength", "weakness"), ("weakness", "strength")):
                if gold.label == polarity and label not in (polarity, "mixed"):
                    missed[polarity].append(gold.text)
                if gold.label in ("neutral", other):
                    against[polarity].append(gold.text)
    cues = _CueIndex.of(rules)
    result: list[Suggestion] = []
    for polarity in ("strength", "weakness"):
        counts: dict[tuple[str, ...], int] = {}
        examples: dict[tuple[str, ...], str] = {}
        for text in missed[polarity]:
            for gram in sorted(ngrams(words(text))):
                counts[gram] = counts.get(gram, 0) + 1
                examples.setdefault(gram, text)
        background: dict[tuple[str, ...], int] = {}
        for text in against[polarity]:
            for gram in ngrams(words(text)):
                if gram in counts:
                    background[gram] = background.get(gram, 0) + 1
        total, total_against = len(missed[polarity]), len(against[polarity])
        for gram, support in counts.items():
            if support < min_support or _uninformative(gram) or cues.covers(gram):
                continue
            seen = background.get(gram, 0)
            score = math.log((support + SMOOTHING) / (total + 2 * SMOOTHING)) - math.log(
                (seen + SMOOTHING) / (total_against + 2 * SMOOTHING)
            )
            if score <= 0:
                continue
            example = excerpt(examples[gram], gram)
            result.append(
                Suggestion(
                    ngram=" ".join(gram),
                    polarity=polarity,
                    support=support,
                    against=seen,
                    score=round(score, 3),
                    example=example,
                )
            )
    result.sort(key=lambda s: (-s.score, -s.support, -len(s.ngram.split()), s.ngram, s.polarity))
    return result
