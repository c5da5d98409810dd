"""Strengths and weaknesses: one finding per sentence, or one per clause when a sentence is mixed.

Rules are data (``rules/cues.jsonl``, ``modifiers.jsonl``, ``contrasts.jsonl``,
``themes.jsonl``, and the section defaults in ``sections.jsonl``). :class:`FindingClassifier`
takes the rule matches of a Doc (:mod:`~ofsted_findings.findings.matching`), splits each
sentence into clauses (:mod:`~ofsted_findings.findings.clauses`), scores them
(:mod:`~ofsted_findings.findings.context`) and makes the findings
(:mod:`~ofsted_findings.findings.output`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from spacy.tokens import Doc

from ofsted_findings.findings.clauses import Clause, decide, split_clauses
from ofsted_findings.findings.context import ContextScorer
from ofsted_findings.findings.matching import DocMatches, RuleMatch, TokenIndex, bucket, longest
from ofsted_findings.findings.output import make_finding
from ofsted_findings.layout.normalize import PageMap
from ofsted_findings.models import Cue, Finding, Polarity, Sentence
from ofsted_findings.nlp.doctext import doc_text
from ofsted_findings.nlp.sections import SectionInfo
from ofsted_findings.ruleset import RuleSet

logger = logging.getLogger(__name__)

WORD_RE = re.compile(r"[A-Za-z0-9]+")


class FindingClassifier:
    """The findings rules by id, and the classification of a Doc's sentences."""

    def __init__(self, rules: RuleSet) -> None:
        self.cues = {rule.id: rule for rule in rules.cues}
        self.modifiers = {rule.id: rule for rule in rules.modifiers}
        self.contrasts = {rule.id: rule for rule in rules.contrasts}
        self.themes = {rule.id: rule for rule in rules.themes}
        self.scorer = ContextScorer(
            self.cues, self.modifiers, rules.findings.min_score, rules.findings.predicate_window
        )
        self.default_min_words = rules.findings.default_min_words
        self.predicate_not_after = frozenset(word.lower() for word in rules.findings.predicate_not_after)
        self.neutral_openers = tuple(re.compile(pattern, re.IGNORECASE) for pattern in rules.findings.neutral_openers)

    def classify(
        self,
        doc: Doc,
        matches: DocMatches,
        sentences: Sequence[Sentence],
        sections: Sequence[SectionInfo],
        page_of: PageMap,
    ) -> list[Finding]:
        """Findings for every sentence outside sections that have none (contents, definitions)."""
        by_section = {info.section.id: info for info in sections}
        tokens = TokenIndex(doc)
        spans = [tokens.span(sentence.start, sentence.end) for sentence in sentences]
        findings: list[Finding] = []
        for sentence, span, found in zip(sentences, spans, bucket(spans, matches), strict=True):
            info = by_section.get(sentence.section or "")
            if info is not None and info.rule is not None and info.rule.no_findings:
                continue
            findings.extend(self.sentence_findings(doc, sentence, span, found, info, page_of))
        findings.sort(key=lambda f: (f.start, f.end))
        return findings

    def _predicate_of(self, doc: Doc, clause: Clause, modifiers: list[RuleMatch]) -> list[RuleMatch]:
        """The modifiers for scoring ``clause``, with only its first predicate word, and none when
        that word follows 'who', 'which', 'there', ... (a relative or subordinate clause's)."""
        predicates = [
            m
            for m in modifiers
            if self.modifiers[m.rule].effect == "predicate" and clause.start <= m.start and m.end <= clause.end
        ]
        if not predicates:
            return modifiers
        first = min(predicates, key=lambda m: m.start)
        subordinate = first.start > 0 and doc[first.start - 1].lower_ in self.predicate_not_after
        return [m for m in modifiers if (m is first and not subordinate) or not any(m is p for p in predicates)]

    def _method_or_next_steps(self, doc: Doc, sentence: Sentence) -> bool:
        """A sentence on how the inspection was done or what must happen next (``neutral_openers``)."""
        if not self.neutral_openers:
            return False
        text = doc_text(doc)[sentence.start : sentence.end]
        return any(pattern.match(text) for pattern in self.neutral_openers)

    def _sub_heading(self, doc: Doc, sentence: Sentence) -> bool:
        """A short line without sentence punctuation: a heading or list sub-heading ('Governance',
        'Help and protection') or a fragment, not a statement."""
        text = doc_text(doc)[sentence.start : sentence.end].strip()
        return not text.endswith((".", "!", "?", ":", ";")) and len(WORD_RE.findall(text)) < self.default_min_words

    def sentence_findings(
        self,
        doc: Doc,
        sentence: Sentence,
        span: tuple[int, int],
        found: DocMatches,
        info: SectionInfo | None,
        page_of: PageMap,
    ) -> list[Finding]:
        """The findings of one sentence (tokens ``span``), given its matches and its section."""
        start, end = span
        if start >= end:
            return []
        section_rule = info.rule if info else None
        section_themes = [theme.value for theme in section_rule.themes] if section_rule else []
        modifiers = longest(found.modifiers)
        cues = longest(found.cues)
        clauses = split_clauses(doc, start, end, found.contrasts, self.contrasts)
        for clause in clauses:
            self.scorer.score(clause, cues, self._predicate_of(doc, clause, modifiers))

        def one(clause: Clause, polarity: Polarity, extra: list[Cue], *, whole: bool, weighed: bool = True) -> Finding:
            return make_finding(
                doc,
                sentence,
                clause,
                polarity,
                extra,
                section_themes,
                found,
                self.themes,
                page_of,
                whole_sentence=whole,
                weighed=weighed,
            )

        if self._sub_heading(doc, sentence) or self._method_or_next_steps(doc, sentence):
            return []
        if info is not None and info.section.title and sentence.start == info.section.start:
            return []  # the section's own heading, printed as a 'Label: text' line
        decision = decide(clauses)
        if (
            section_rule is not None
            and section_rule.default_polarity is not None
            and info is not None
            and _default_applies(decision)
        ):
            polarity = Polarity(section_rule.default_polarity)
            title = info.section.title
            cue = Cue(
                rule=section_rule.id,
                kind="section_default",
                effect=polarity.value,
                text=title,
                start=info.section.start,
                end=info.section.start + len(title),
            )
            whole = Clause(start=start, end=end, polarity=polarity)
            for clause in clauses:
                whole.cues.extend(clause.cues)
                whole.modifiers.extend(clause.modifiers)
            return [one(whole, polarity, [cue], whole=True, weighed=False)]
        if decision is None:
            return []
        if isinstance(decision, Polarity):
            whole = Clause(start=start, end=end, polarity=decision)
            for clause in clauses:
                whole.absorb(clause)
            return [one(whole, decision, [], whole=True)]
        return [one(clause, clause.polarity, [], whole=False) for clause in decision if clause.polarity is not None]


def _default_applies(decision: list[Clause] | Polarity | None) -> bool:
    """Whether a section's default polarity decides the sentence: yes, unless its own words
    make it mixed; then it keeps both its clauses (``corpus/gold/README.md``, "Section
    defaults")."""
    if isinstance(decision, list):
        return len({clause.polarity for clause in decision if clause.polarity is not None}) < 2
    return True
