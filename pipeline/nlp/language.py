"""The spaCy pipeline: ``spacy.blank("en")`` with our components, and nothing to download."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import spacy
from ofsted_findings.nlp import components
from ofsted_findings.nlp.extensions import register_extensions
from ofsted_findings.ruleset import RuleSet
from spacy.language import Language

logger = logging.getLogger(__name__)


#: Characters at each end of a token candidate that prefix and suffix patterns look at.
AFFIX_WINDOW = 64


class WindowedSearch:
    """A tokenizer prefix or suffix search that reads only the first or last characters.

    spaCy strips prefixes and suffixes one at a time and searches the whole remaining string
    each time, which is quadratic in a run of punctuation ('%%%%...', '((((...'). It uses
    only the length of each match, and no English affix is longer than a few characters, so
    reading the ends gives the same tokens in linear time. ``__self__`` is the compiled
    pattern, as for a bound ``re.Pattern.search``, so the tokenizer still serialises.
    """

    def __init__(self, search: Callable[[str], re.Match[str] | None], *, at_end: bool) -> None:
        self.__self__ = getattr(search, "__self__", None)
        self._search = search
        self._at_end = at_end

    def __call__(self, string: str) -> re.Match[str] | None:
        if len(string) <= AFFIX_WINDOW:
            return self._search(string)
        return self._search(string[-AFFIX_WINDOW:] if self._at_end else string[:AFFIX_WINDOW])


def linear_affixes(nlp: Language) -> None:
    """Make the tokenizer's prefix and suffix searches read only the ends of a string."""
    tokenizer = nlp.tokenizer
    prefix, suffix = tokenizer.prefix_search, tokenizer.suffix_search
    if prefix is not None and not isinstance(prefix, WindowedSearch):
        tokenizer.prefix_search = WindowedSearch(prefix, at_end=False)
    if suffix is not None and not isinstance(suffix, WindowedSearch):
        tokenizer.suffix_search = WindowedSearch(suffix, at_end=True)


def build_nlp(rules: RuleSet | None = None) -> Language:
    """``spacy.blank("en")`` with every ofsted component, reading ``rules`` (default: packaged)."""
    register_extensions()
    nlp = spacy.blank("en")
    linear_affixes(nlp)
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
