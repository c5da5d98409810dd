"""What a figure measures: the subject, taken from the words around it (extractive)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from ofsted_findings.metrics.figures import Raw
from ofsted_findings.metrics.grammar import (
    ARTICLES,
    ASIDE_RE,
    CLAUSE_END_RE,
    SUBJECT_LOOKBEHIND,
    SUBJECT_WORD_RE,
    WORD_RE,
    Grammar,
)

logger = logging.getLogger(__name__)

#: 'of' after a figure, with the whole it is part of ('of the 13', 'of 222').
OF_THE_WHOLE_RE = re.compile(
    r"^\s+of\s+(?:the\s+|all\s+|their\s+|these\s+|those\s+)?(?:\d[\d,]*\s+(?=[^\W\d]))?", re.IGNORECASE
)


def subject_of(body: str, raw: Raw, gram: Grammar) -> str | None:
    """What is measured.

    'the proportion/number/rate of <subject> ... <figure>' gives the words after the leader;
    otherwise the rest of the clause after the figure ('412 children were the subject of a
    plan', '89% of <subject>'); otherwise the words before the figure in its clause."""
    lead = body[max(0, raw.start - SUBJECT_LOOKBEHIND) : raw.start]
    led = after_leader(lead, gram)
    if led:
        return led
    part = gram.subject_part_verbs.search(lead)
    if part is not None:
        # 'minority ethnic groups account for 6% of all children': the part, not the whole
        own = _words_before(lead[: part.start()], gram)
        if own:
            return own
    after = body[raw.end : raw.end + SUBJECT_LOOKBEHIND]
    aside = ASIDE_RE.match(after)
    if aside:
        after = " " + after[aside.end() :]
    # 'six of the 13 plans sampled', 'eight of 222 children': the whole's count is not the subject
    of = OF_THE_WHOLE_RE.match(after)
    if not gram.subject_not_after.match(after):
        words = _clause_words(after[of.end() :] if of else after, gram)
        if words:
            return " ".join(words)
    return _words_before(lead, gram)


def _words_before(lead: str, gram: Grammar) -> str | None:
    """The words of ``lead``'s last clause, without leading stopwords and trailing verbs."""
    clause_start = max(lead.rfind(","), lead.rfind(";"), lead.rfind("("), lead.rfind(":"))
    if lead.rfind("(") == clause_start and not SUBJECT_WORD_RE.search(lead[clause_start + 1 :]):
        # '... conferences (56% in the year)': the words before the bracket
        lead = lead[:clause_start]
        clause_start = max(lead.rfind(","), lead.rfind(";"), lead.rfind("("), lead.rfind(":"))
    tail = SUBJECT_WORD_RE.findall(lead[clause_start + 1 :])[-gram.vocab.max_subject_words :]
    while tail and tail[-1].lower() in gram.subject_trailing:
        tail.pop()
    while tail and (tail[0].lower() in gram.stopwords or tail[0].lower() in gram.subject_skip):
        tail.pop(0)
    return " ".join(tail) or None


def after_leader(text: str, gram: Grammar) -> str | None:
    """The words after the last 'the proportion/number/rate of' in ``text``, trailing verbs dropped."""
    leader = _last(gram.subject_leader.finditer(text))
    if leader is None:
        return None
    words = SUBJECT_WORD_RE.findall(text[leader.end() :])[: gram.vocab.max_subject_words]
    while words and words[-1].lower() in gram.subject_trailing:
        words.pop()
    return " ".join(words) or None


def _last(matches: Iterator[re.Match[str]]) -> re.Match[str] | None:
    """The last of an iterator of matches, or None."""
    last = None
    for last in matches:  # noqa: B007 - keeping the last one is the point
        pass
    return last


def _clause_words(text: str, gram: Grammar) -> list[str]:
    """Words from the start of ``text`` to the end of its clause, without auxiliaries."""
    words: list[str] = []
    stop = CLAUSE_END_RE.search(text)
    clause = text[: stop.start()] if stop else text
    for match in WORD_RE.finditer(clause):
        word = match.group(0)
        lowered = word.lower()
        if word[0].isdigit() or lowered in gram.months_set or lowered in gram.subject_stop:
            break
        if lowered in gram.subject_skip and (not words or lowered not in ARTICLES):
            continue
        words.append(word)
        if len(words) >= gram.vocab.max_subject_words:
            break
    while words and words[-1].lower() in gram.subject_trailing:
        words.pop()
    return words


def lead_in_subject(body: str, gram: Grammar) -> str | None:
    """'The proportion of children entitled to free school meals:' -> the phrase after the leader."""
    if not body.rstrip().endswith(":"):
        return None
    return after_leader(body, gram)


#: 'of whom' before a figure ('25 live in homes, of whom 10 live out of area') or after one ('all of whom ...').
OF_WHOM_BEFORE_RE = re.compile(r"\bof\s+(?:whom|which)\s+$", re.IGNORECASE)
OF_WHOM_AFTER_RE = re.compile(r"^\s+of\s+(?:whom|which|them)\s+", re.IGNORECASE)


def part_of_subject(body: str, raw: Raw, whole: str | None, gram: Grammar) -> str | None:
    """The subject of a figure that is part of the figure before it ('of whom 10 live out of
    area', 'all of whom have a plan'): what the part does, the words after 'of whom' (the
    whole is the figure before; a list item's lead-in is added by the list). None when the
    figure is not such a part."""
    if whole is None:
        return None
    before = body[max(0, raw.start - 20) : raw.start]
    if OF_WHOM_BEFORE_RE.search(before):
        return raw.subject
    following = OF_WHOM_AFTER_RE.match(body[raw.end : raw.end + SUBJECT_LOOKBEHIND])
    if following is None:
        return None
    return " ".join(_clause_words(body[raw.end + following.end() : raw.end + SUBJECT_LOOKBEHIND], gram)) or None
