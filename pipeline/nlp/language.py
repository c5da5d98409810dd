"""The spaCy pipeline: ``spacy.blank("en")`` with our components, and nothing to download."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from ofsted_findings.nlp import components
from ofsted_findings.nlp.extensions import register_extensions
from ofsted_findings.ruleset import RuleSet

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


#: A run of this many characters without whitespace is tokenized in parts (see :func:`make_doc`).
LONG_RUN = 1024
#: The size of those parts.
RUN_PART = 256
LONG_RUN_RE = re.compile(rf"\S{{{LONG_RUN},}}")


def make_doc(nlp: Language, text: str) -> Doc:
    """``nlp.make_doc(text)`` in time linear in the length of the text.

    spaCy's tokenizer strips a prefix or suffix by copying the rest of the string, so a run
    of tens of thousands of characters without a space ('%%%%...', '((((...') takes time
    with the square of its length. Such a run is cut into parts of :data:`RUN_PART`
    characters that are tokenized one by one (no real word is that long, so the tokens are
    the ones spaCy would make, with a token boundary at each cut), and the Docs are joined;
    a text without one is tokenized as it is."""
    if LONG_RUN_RE.search(text) is None:
        return nlp.make_doc(text)
    pieces: list[str] = []
    position = 0
    for run in LONG_RUN_RE.finditer(text):
        if run.start() > position:
            pieces.append(text[position : run.start()])
        pieces.extend(text[cut : min(cut + RUN_PART, run.end())] for cut in range(run.start(), run.end(), RUN_PART))
        position = run.end()
    if position < len(text):
        pieces.append(text[position:])
    words: list[str] = []
    spaces: list[bool] = []
    for piece in pieces:
        for token in nlp.make_doc(piece):
            words.append(token.text)
            spaces.append(bool(token.whitespace_))  # a token's trailing whitespace is one space or none
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    if doc.text != text:  # cannot happen: the pieces are the text, cut only inside runs without spaces
        raise RuntimeError("tokens in parts do not rebuild the text")
    return doc


def linear_affixes(nlp: Language) -> None:
    """Make the tokenizer's suffix search read only the end of a string.

    The prefix search is left as it is: every one of its patterns is anchored at the start,
    so it is already constant time, and a Python wrapper there would cost a call for every
    token candidate."""
    tokenizer = nlp.tokenizer
    if not isinstance(tokenizer, Tokenizer):
        return  # a tokenizer of the user's own: left as it is
    suffix = tokenizer.suffix_search
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
        components.rules_holder(nlp).set_rules(rules)
    return nlp


def rules_of(nlp: Language) -> RuleSet:
    """The rule set a pipeline reads."""
    if components.RULES_PIPE not in nlp.pipe_names:
        raise ValueError(f"this pipeline has no {components.RULES_PIPE!r} component")
    return components.rules_holder(nlp).rules
