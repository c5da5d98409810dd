"""A rule set compiled for one pipeline: matchers, patterns and indexes, each built on first use."""

from __future__ import annotations

import logging
from functools import cached_property
from typing import TYPE_CHECKING

from spacy.language import Language

from ofsted_findings.ruleset import RuleSet

if TYPE_CHECKING:
    from ofsted_findings.findings.classify import FindingClassifier
    from ofsted_findings.findings.matching import FindingMatchers
    from ofsted_findings.metadata.letter import MetadataReader
    from ofsted_findings.metrics.grammar import Grammar
    from ofsted_findings.nlp.running_text import RunningTextFilter
    from ofsted_findings.nlp.sections import SectionClassifier
    from ofsted_findings.nlp.sentences import SentenceSetter

logger = logging.getLogger(__name__)


class CompiledRules:
    """What each stage builds from the rules, held by the ``ofsted_rules`` component."""

    def __init__(self, nlp: Language, rules: RuleSet) -> None:
        self.nlp = nlp
        self.rules = rules

    @cached_property
    def sentence_setter(self) -> SentenceSetter:
        from ofsted_findings.nlp.sentences import SentenceSetter

        return SentenceSetter(self.rules.segment, self.rules.vocabulary)

    @cached_property
    def running_text(self) -> RunningTextFilter:
        from ofsted_findings.nlp.running_text import RunningTextFilter

        return RunningTextFilter(self.rules)

    @cached_property
    def sections(self) -> SectionClassifier:
        from ofsted_findings.nlp.sections import SectionClassifier

        return SectionClassifier(self.rules.sections)

    @cached_property
    def matchers(self) -> FindingMatchers:
        from ofsted_findings.findings.matching import FindingMatchers

        return FindingMatchers(self.nlp, self.rules)

    @cached_property
    def classifier(self) -> FindingClassifier:
        from ofsted_findings.findings.classify import FindingClassifier

        return FindingClassifier(self.rules)

    @cached_property
    def grammar(self) -> Grammar:
        from ofsted_findings.metrics.grammar import Grammar

        return Grammar(self.rules.metrics, self.rules.vocabulary, self.rules.indicators)

    @cached_property
    def metadata(self) -> MetadataReader:
        from ofsted_findings.metadata.letter import MetadataReader

        return MetadataReader(self.rules)
