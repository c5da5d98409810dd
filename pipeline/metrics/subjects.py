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
from ofsted_findings.models import Unit

logger = logging.getLogger(__name__)

#: Units of figures that measure a share of something: its predicate is part of what is measured.
SHARE_UNITS = frozenset({Unit.PERCENT, Unit.FRACTION})

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
        words = _clause_words(after[of.end() :] if of else after, gram, share=raw.unit in SHARE_UNITS or of is not None)
        if words:
            return " ".join(words)
    return _words_before(lead, gram)


#: Most characters between the start of a whole named before a figure ('of the 22 young people
#: who ...,') and the figure.
WHOLE_REACH = 240


def whole_before_subject(body: str, raw: Raw, gram: Grammar) -> tuple[str, str] | None:
    """'Of the 22 young people who should have attended, 17 attended': a figure whose noun is
    left out takes the whole named before it. Returns the subject and the words its indicator
    is matched on (the whole and what the figure says of it: 'only 13% had an initial health
    assessment on time' measures the assessments); None when no whole is named so."""
    # The whole is named within WHOLE_REACH characters of the figure ('^' still means the sentence start).
    whole = gram.subject_whole_before.search(body, max(0, raw.start - WHOLE_REACH), raw.start)
    if whole is None:
        return None
    words = _clause_words(whole.group("whole"), gram, share=False)
    if not words:
        return None
    subject = " ".join(words)
    said = _clause_words(body[raw.end : raw.end + SUBJECT_LOOKBEHIND], gram)
    return subject, f"{subject} {' '.join(said)}".strip()


def _words_before(lead: str, gram: Grammar) -> str | None:
    """The words of ``lead``'s last clause, without leading stopwords and trailing verbs."""
    clause_start = max(lead.rfind(","), lead.rfind(";"), lead.rfind("("), lead.rfind(":"))
    bracketed = lead.rfind("(") == clause_start and not SUBJECT_WORD_RE.search(lead[clause_start + 1 :])
    if bracketed:
        # '... conferences (56% in the year)': the words before the bracket
        lead = lead[:clause_start]
        clause_start = max(lead.rfind(","), lead.rfind(";"), lead.rfind("("), lead.rfind(":"))
    tail = SUBJECT_WORD_RE.findall(lead[clause_start + 1 :])[-gram.vocab.max_subject_words :]
    while tail and tail[-1].lower() in gram.subject_trailing:
        tail.pop()
    while tail and (tail[0].lower() in gram.stopwords or tail[0].lower() in gram.subject_skip):
        tail.pop(0)
    predicate = next((i for i, word in enumerate(tail) if i and word.lower() in gram.subject_predicate), None)
    named = [word for word in tail[:predicate] if word.lower() not in gram.subject_fillers]
    if predicate is not None and named and not bracketed and not _general(tail[:predicate], gram):
        # 'Re-referral rates are high at 33%', 'a monitoring inspection will be carried out
        # within 18 months': the noun phrase, not what is said of it (but 'too many reviews
        # are late (41%)' measures what is said)
        tail = tail[:predicate]
    return " ".join(tail) or None


def after_leader(text: str, gram: Grammar) -> str | None:
    """The words after the last 'the proportion/number/rate of' in ``text``, trailing verbs dropped."""
    leader = _last(gram.subject_leader.finditer(text))
    if leader is None:
        return None
    after = text[leader.end() :]
    # 'the number of repeat referrals, from 22% in March to 9%': the words before the figures
    # ('held within 15 days of a strategy discussion' is part of what is measured)
    figures = gram.subject_leader_end.search(after)
    words = SUBJECT_WORD_RE.findall(after[: figures.start()] if figures else after)[: gram.vocab.max_subject_words]
    while words and words[-1].lower() in gram.subject_trailing:
        words.pop()
    return " ".join(words) or None


def _last(matches: Iterator[re.Match[str]]) -> re.Match[str] | None:
    """The last of an iterator of matches, or None."""
    last = None
    for last in matches:  # noqa: B007 - keeping the last one is the point
        pass
    return last


def _clause_words(text: str, gram: Grammar, *, share: bool = True) -> list[str]:
    """Words from the start of ``text`` to the end of its clause. For a count (``share``
    false) the counted noun phrase ends at an auxiliary ('four serious incident notifications
    have been submitted'), unless it names a general noun ('412 children are looked after by
    the local authority'); a share ('62% of strategy meetings are timely') measures its
    predicate too."""
    words: list[str] = []
    stop = CLAUSE_END_RE.search(text)
    clause = text[: stop.start()] if stop else text
    cut = gram.subject_clause_cut.search(clause)
    if cut is not None:
        clause = clause[: cut.start()]  # 'two new posts to progress the work of the LSCB'
    predicate = False
    for match in WORD_RE.finditer(clause):
        word = match.group(0)
        lowered = word.lower()
        if word[0].isdigit() and _number_may_follow(words, gram):
            words.append(word)  # 'children under the age of 18 years', 'children in Year 10'
            continue
        if word[0].isdigit() or lowered in gram.months_set or lowered in gram.subject_stop:
            break
        if not predicate and lowered in gram.subject_predicate:
            if words and not share and not _general(words, gram):
                break  # 'Re-referral rates are high': the rates
            predicate = True  # '412 children are looked after by the local authority'
        if not predicate and lowered in gram.subject_skip and (not words or lowered not in ARTICLES):
            continue
        words.append(word)
        if len(words) >= gram.vocab.max_subject_words:
            break
    while words and words[-1].lower() in gram.subject_trailing:
        words.pop()
    return words


def _number_may_follow(words: list[str], gram: Grammar) -> bool:
    """Whether the words end with one of the phrases a number is part of ('age of', 'Year')."""
    tail = " ".join(words[-2:]).lower()
    return bool(words) and (words[-1].lower() in gram.subject_number_after or tail in gram.subject_number_after)


def _general(words: list[str], gram: Grammar) -> bool:
    """Whether a noun phrase names a general noun, a population or a relative pronoun ('children', 'young
    people', 'Thurrock children who'): the predicate after it says what is counted."""
    if any(word.lower() in gram.subject_general for word in words):
        return True
    # a population ('care leavers', 'looked after children') says who is counted, not what
    return gram.population is not None and gram.population.search(" ".join(words)) is not None


def without_predicate_words(subject: str, gram: Grammar) -> str:
    """A subject without its auxiliaries, as a lead-in names it: 'children are being looked
    after by the local authority' -> 'children looked after by the local authority'."""
    return " ".join(word for word in subject.split() if word.lower() not in gram.auxiliaries)


def lead_in_subject(body: str, gram: Grammar) -> str | None:
    """'The proportion of children entitled to free school meals:' -> the phrase after the leader."""
    if not body.rstrip().endswith(":"):
        return None
    return after_leader(body, gram)


#: 'of whom' before a figure ('25 live in homes, of whom 10 live out of area') or after one ('all of whom ...').
OF_WHOM_BEFORE_RE = re.compile(r"\bof\s+(?:whom|which)\s+$", re.IGNORECASE)
OF_WHOM_AFTER_RE = re.compile(r"^\s+of\s+(?:whom|which|them)\s+", re.IGNORECASE)


def part_of_subject(body: str, raw: Raw, gram: Grammar) -> str | None:
    """The subject of a figure after another that is part of it ('of whom 10 live out of
    area', 'all of whom have a plan'): what the part does, the words after 'of whom' (a list
    item's lead-in is added by the list). None when the figure is not such a part."""
    before = body[max(0, raw.start - 20) : raw.start]
    if OF_WHOM_BEFORE_RE.search(before):
        return raw.subject
    following = OF_WHOM_AFTER_RE.match(body[raw.end : raw.end + SUBJECT_LOOKBEHIND])
    if following is None:
        return None
    return " ".join(_clause_words(body[raw.end + following.end() : raw.end + SUBJECT_LOOKBEHIND], gram)) or None
