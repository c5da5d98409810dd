"""The spaCy pipeline: ``spacy.blank("en")`` with our components, and nothing to download."""

from __future__ import annotations

import logging

import spacy
from ofsted_findings.nlp import components
from ofsted_findings.nlp.extensions import register_extensions
from ofsted_findings.ruleset import RuleSet
from spacy.language import Language

logger = logging.getLogger(__name__)


def build_nlp(rules: RuleSet | None = None) -> Language:
    """``spacy.blank("en")`` with every ofsted component, reading ``rules`` (default: packaged)."""
    register_extensions()
    nlp = spacy.blank("en")
    for name in components.PIPE_NAMES:
        nlp.add_pipe(name)
    if rules is not None:
        holder: components.RulesHolder = nlp.get_pipe(components.RULES_PIPE)
        holder.set_rules(rules)
    return nlp


def rules_of(nlp: Language) -> RuleSet:
    """The rule set a pipeline reads."""
    if components.RULES_PIPE not in nlp.pipe_names:
        raise ValueError(f"this pipeline has no {components.RULES_PIPE!r} component")
    holder: components.RulesHolder = nlp.get_pipe(components.RULES_PIPE)
    return holder.rules
