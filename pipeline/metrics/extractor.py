"""Figures: percentages, counts, money, rates, fractions and durations, with baselines.

Vocabularies (number words, units, approximation words, comparator labels, words that
make a number a name or an age rather than a measure) live in ``rules/metrics.json``; the
regular expressions are built from them once, in :class:`Grammar`. Extraction works
sentence by sentence on the normalised text, so every metric has exact offsets.
"""

from __future__ import annotations

import hashlib
import logging
import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass

from ofsted_findings.layout.normalize import PageMap
from ofsted_findings.models import (
    Approx,
    Baseline,
    Change,
    Comparator,
    Metric,
    MetricKind,
    PartialDate,
    Sentence,
    Unit,
)
from ofsted_findings.ruleset.schema import MetricVocabulary

logger = logging.getLogger(__name__)


def _alternation(phrases: list[str] | set[str]) -> str:
    """Regex alternation, longest first, with flexible spaces."""
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
YEAR_RE = re.compile(r"^(19|20)\d\d$")
PERIOD_RE = re.compile(r"\b((?:19|20)\d\d)\s*[-–/]\s*(\d\d(?:\d\d)?)\b")
DATE_LEAD_RE = re.compile(
    r"^\s*[)\]]?\s*(?:[a-z’'-]+[)\]]?\s+){0,5}?(?:in|at|by|on|as\s+at|at\s+the\s+end\s+of|during|for|between)\s+(?:the\s+month\s+of\s+|the\s+end\s+of\s+)?",
    re.IGNORECASE,
)
DATE_OPENING_RE = re.compile(
    r"^\s*(?:at|in|on|by|as\s+at|as\s+of|at\s+the\s+end\s+of|between|during)\s+",
    re.IGNORECASE,
)
PERIOD_TAIL_RE = re.compile(r"(?:19|20)\d\d\s*[-–/]\s*$")
ARTICLES = frozenset({"the", "a", "an"})
#: A period a statement is dated by: 'In the last 12 months'.
REFERENCE_PERIOD_RE = re.compile(
    r"\b(?:in|over|during)\s+the\s+(?:last|past|previous)\s+(?:[\w-]+\s+){0,2}?(?:months?|years?|weeks?|days?)\b",
    re.IGNORECASE,
)
#: What may stand between a figure and the population it describes: '28% for England'.
COMPARATOR_LEAD_RE = re.compile(
    r"^[\s,)]*(?:(?:for|in|across|among|of)\s+)?", re.IGNORECASE
)
#: An aside right after a figure: '174 (or 51%) live ...', '17, or 40%, of ...'.
ASIDE_RE = re.compile(r"^\s*(?:\)\s*|\([^)]{0,40}\)\s*|,\s*or\s+[^,]{0,20},\s*)")
SPACE_RUN_RE = re.compile(r"\s+")
SUBJECT_WORD_RE = re.compile(r"[A-Za-z'’-]+")
CLAUSE_END_RE = re.compile(r"[.,;:()]")
#: 'rose to 91%', 'fell by 4%': the verb's direction is the figure's change.
TO_OR_BY_BEFORE_RE = re.compile(r"\b(?:to|by)\s+(?:\w+\s+)?$", re.IGNORECASE)
WORD_RE = re.compile(r"[A-Za-z£'’-]+|\d[\d,.]*")


class Grammar:
    """Compiled patterns built from the vocabulary."""

    def __init__(self, vocab: MetricVocabulary) -> None:
        self.vocab = vocab
        words = _alternation(
            [w for w in vocab.number_words if " " not in w]
            + [w for w in vocab.number_words if " " in w]
        )
        tens = _alternation(vocab.tens_words)
        units = _alternation(
            ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
        )
        self.word_number = rf"(?:(?:{tens})[-\s](?:{units})|{words})"
        number = rf"(?:£\s?)?(?:{DIGITS}|{self.word_number})"
        money_mult = _alternation(list(vocab.money_multipliers))
        duration = _alternation(list(vocab.duration_units))
        rate_base = _alternation(list(vocab.rate_bases))
        fractions = _alternation(list(vocab.fractions))
        multiples = _alternation(list(vocab.multiples))
        hyphen_units = _alternation(list(vocab.hyphen_duration_units))
        # A figure: the number with what makes it a percentage, money, rate or duration.
        self.figure = re.compile(
            rf"(?P<hdur>\b(?P<h_num>{DIGITS}|{self.word_number})-(?P<h_unit>{hyphen_units})s?\b(?![-\s]+old))"
            rf"|(?P<multiple>\b(?:{multiples})\b)"
            rf"|(?P<money>£\s?(?P<m_num>{DIGITS})(?:\s?(?P<m_mult>{money_mult})\b)?)"
            rf"|(?P<pence>\b(?P<p_num>\d+(?:\.\d+)?)p\b)"
            rf"|(?P<fraction>\b(?P<f_one>one|1)\s+in\s+(?P<f_den>{DIGITS}|{self.word_number})\b|\b(?P<f_word>{fractions})\b)"
            rf"|(?P<num>(?<![\w.,£/])(?:{DIGITS})(?![\w/])|(?<=\bfrom)(?:{DIGITS})\b|\b(?:{self.word_number})\b(?!-year))"
            rf"(?P<after>\s?(?P<pct>%|per\s?cent\b|percent\b)"
            rf"|(?:\s[A-Za-z]+){{0,2}}\s(?P<rate>per\s(?P<base>{rate_base}))\b"
            rf"|\s(?P<dur>(?P<dur_unit>{duration}))\b)?",
            re.IGNORECASE,
        )
        self.range = re.compile(
            rf"\b(?:between\s+)?(?P<low>{number})(?:\s?(?:%|per\s?cent))?\s*(?:to|and|-|–)\s*(?P<high>{number})",
            re.IGNORECASE,
        )
        self.approx_after = re.compile(
            rf"^\s*(?P<approx>{_alternation(list(vocab.approx_after))})\b",
            re.IGNORECASE,
        )
        self.approx_before = re.compile(
            rf"\b(?P<approx>{_alternation(list(vocab.approx_before))})\s+$",
            re.IGNORECASE,
        )
        self.comparator = re.compile(
            rf"\b(?P<label>{_alternation(vocab.comparator_labels)})\b", re.IGNORECASE
        )
        self.baseline_time = re.compile(
            rf"\b(?:{_alternation(vocab.baseline_time_phrases)})\b", re.IGNORECASE
        )
        self.non_metric_before = re.compile(
            rf"\b(?:{_alternation(vocab.non_metric_before)})\s+$", re.IGNORECASE
        )
        self.age_before = re.compile(
            rf"\b(?:{_alternation(vocab.age_before)})\s+$", re.IGNORECASE
        )
        self.non_metric_after = re.compile(
            rf"^\s?(?:{_alternation(vocab.non_metric_after)})", re.IGNORECASE
        )
        months = _alternation(vocab.months)
        self.month_after = re.compile(rf"^\s+(?:{months})\b", re.IGNORECASE)
        self.month_before = re.compile(rf"\b(?:{months})\s+$", re.IGNORECASE)
        self.day_range_after = re.compile(
            rf"^\s*(?:and|to|-|–)\s*\d{{1,2}}\s+(?:{months})\b", re.IGNORECASE
        )
        ages = _alternation(vocab.age_before)
        self.age_list_before = re.compile(
            rf"\b(?:{ages})\s+\d{{1,2}}\s*(?:-\s*)?(?:or|and|to|-|–)\s+$", re.IGNORECASE
        )
        self.date = re.compile(
            rf"\b(?:(?P<day>\d{{1,2}})\s+)?(?P<month>{months})\s+(?P<year>(?:19|20)\d\d)\b"
            rf"|\b(?P<fy>(?:19|20)\d\d)\s*[-–/]\s*(?P<fy2>\d\d(?:\d\d)?)\b"
            rf"|\b(?P<yearonly>(?:19|20)\d\d)\b",
            re.IGNORECASE,
        )
        self.increase = re.compile(
            rf"\b(?:{_alternation(vocab.increase_words)})\b", re.IGNORECASE
        )
        self.decrease = re.compile(
            rf"\b(?:{_alternation(vocab.decrease_words)})\b", re.IGNORECASE
        )
        self.from_to = re.compile(r"\bfrom\s*(?:the\s+)?$", re.IGNORECASE)
        self.to_before = re.compile(
            r"\bto\s+(?:(?:just|only|around|about|almost|nearly|over)\s+|a\s+(?:peak|high|low|total|maximum|minimum)\s+of\s+)?$",
            re.IGNORECASE,
        )
        self.next_sentence = re.compile(vocab.next_sentence_baseline, re.IGNORECASE)
        # Anything that could start a figure: sentences without one are skipped cheaply.
        words_only = [
            w
            for w in [
                *vocab.number_words,
                *vocab.fractions,
                *vocab.multiples,
                *vocab.tens_words,
            ]
            if " " not in w
        ]
        first_words = {
            w.split()[0]
            for w in [*vocab.number_words, *vocab.fractions, *vocab.multiples]
            if " " in w
        }
        self.candidate = re.compile(
            rf"\d+|£|\b(?:{_alternation(words_only + sorted(first_words))})\b",
            re.IGNORECASE,
        )
        self.non_metric_spans = re.compile(
            "|".join(f"(?:{p})" for p in vocab.non_metric_patterns), re.IGNORECASE
        )
        self.reference_period = re.compile(vocab.reference_period_before, re.IGNORECASE)
        self.half_context = re.compile(vocab.half_context, re.IGNORECASE)
        self.word_number_blockers = frozenset(vocab.word_number_blockers)
        self.one_context = re.compile(vocab.one_contexts, re.IGNORECASE)
        self.one_nouns = frozenset(vocab.one_nouns)
        self.clause_end_number = re.compile(
            rf"\b(?:{_alternation(vocab.word_number_at_clause_end_after)})\s+$",
            re.IGNORECASE,
        )
        self.change_from = re.compile(
            rf"\b(?:{_alternation(vocab.baseline_change_words)})\s+from\s+(?:the\s+)?$",
            re.IGNORECASE,
        )
        self.subject_leader = re.compile(
            rf"\b(?:{_alternation(vocab.subject_leaders)})\s+", re.IGNORECASE
        )
        self.stopwords = frozenset(vocab.count_stopwords)
        self.prepositions = frozenset(vocab.subject_prepositions)
        self.subject_skip = frozenset(vocab.subject_skip_words)
        self.subject_stop = frozenset(vocab.subject_stop_words)
        self.subject_trailing = frozenset(vocab.subject_trailing_verbs)
        self.months_set = frozenset(vocab.months)
        self.month_index = {
            name: index for index, name in enumerate(vocab.months[:12], start=1)
        }
        for index, name in enumerate(vocab.months[12:]):
            self.month_index[name] = [1, 2, 3, 4, 6, 7, 8, 9, 9, 10, 11, 12][index]


@dataclass
class _Raw:
    """A figure found in a sentence (offsets relative to the sentence)."""

    start: int
    end: int
    kind: MetricKind
    value: float | None
    unit: Unit
    low: float | None = None
    high: float | None = None
    approx: Approx = Approx.EXACT
    baseline: Baseline | None = None
    comparator: Comparator | None = None
    change: Change | None = None
    date: str | None = None
    date_text: str | None = None
    subject: str | None = None
    role: str = "main"  # main, baseline, comparator


def _key(text: str) -> str:
    """Lower case with single spaces: how vocabulary entries are looked up."""
    return SPACE_RUN_RE.sub(" ", text.lower())


def parse_number(text: str, gram: Grammar) -> float | None:
    """'1,271' -> 1271, 'nine' -> 9, 'twenty-two' -> 22, 'a hundred' -> 100."""
    cleaned = text.strip().lower().lstrip("£").strip()
    if not cleaned:
        return None
    if cleaned[0].isdigit():
        try:
            return float(cleaned.replace(",", ""))
        except ValueError:
            return None
    cleaned = re.sub(r"\s+", " ", cleaned)
    if cleaned in gram.vocab.number_words:
        return gram.vocab.number_words[cleaned]
    parts = re.split(r"[-\s]", cleaned)
    if (
        len(parts) == 2
        and parts[0] in gram.vocab.number_words
        and parts[1] in gram.vocab.number_words
    ):
        return gram.vocab.number_words[parts[0]] + gram.vocab.number_words[parts[1]]
    return None


def metric_id(start: int, end: int, text: str) -> str:
    """Content-derived id from position and text."""
    return (
        f"m-{start:06d}-{end:06d}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:4]}"
    )


@dataclass
class _ListContext:
    """What a list lead-in ('At 31 March 2015, ... Of these:') passes on to the items after it:
    its date and what its figures measure."""

    section: str | None = None
    date: tuple[str | None, str | None] = (None, None)
    subject: str | None = None
    open: bool = False
    items: bool = False  # list items follow the lead-in directly

    def enter(self, section: str | None) -> None:
        """A new section closes any list."""
        if section != self.section:
            self.section, self.date, self.subject, self.open = (
                section,
                (None, None),
                None,
                False,
            )

    def leave(
        self, body: str, opening_date: str | None, subject: str | None, bullet: bool
    ) -> None:
        """After a sentence: a lead-in (with a colon) opens a list; a new date closes it.
        Its subject passes only to the bullets that follow it directly; a lead-in that names a
        reference period ('In the last 12 months:') gives its items that period instead of a date."""
        lead_in = ":" in body
        if lead_in and opening_date is None:
            period = REFERENCE_PERIOD_RE.search(body)
            if period is not None:
                self.date = (None, period.group(0))
        if lead_in:
            self.subject = subject or self.subject
        self.items = lead_in or (self.items and bullet)
        self.open = lead_in or (self.open and opening_date is None)


def extract_metrics(
    text: str,
    sentences: list[Sentence],
    finding_spans: list[tuple[int, int, str]],
    page_of: PageMap,
    gram: Grammar,
) -> list[Metric]:
    """Every figure in the sentences, with the finding (``(start, end, id)``, sorted) it sits in."""
    metrics: list[Metric] = []
    previous: list[Metric] = []
    context = _ListContext()
    candidates = [match.start() for match in gram.candidate.finditer(text)]
    for sentence in sentences:
        context.enter(sentence.section)
        body = text[sentence.start : sentence.end]
        index = bisect_left(candidates, sentence.start)
        if index >= len(candidates) or candidates[index] >= sentence.end:
            # No figure can start here (and so no date either).
            context.leave(
                body,
                None,
                _lead_in_subject(body, gram) or _last_subject(previous),
                sentence.block == "bullet",
            )
            previous = []
            continue
        opening = _date_before(body, len(body), gram)
        if opening[0] is not None:
            context.date = opening
        inherit_date = (
            context.date if context.open and opening[0] is None else (None, None)
        )
        colon = body.find(":")
        inherit_subject = (
            context.subject if context.items and sentence.block == "bullet" else None
        )
        used: list[tuple[int, int]] = []
        next_baseline = gram.next_sentence.match(body)
        change_of: str | None = None
        change_period: str | None = None
        if next_baseline and previous:
            change_of = f"{next_baseline.group(1).lower()} in {_last_subject(previous) or ''}".strip()
            used = _attach_next_sentence_baseline(
                body, next_baseline, sentence.start, previous, metrics, gram
            )
            changed = next(
                (
                    m
                    for m in reversed(previous)
                    if m.baseline is not None and m.baseline.date and m.date
                ),
                None,
            )
            if changed is not None and changed.baseline is not None:
                change_period = f"{changed.baseline.date.iso()}/{changed.date.iso()}"  # 'a 41% increase' spans both dates
        raws = [
            raw
            for raw in _sentence_figures(body, gram)
            if all(raw.end <= a or raw.start >= b for a, b in used)
        ]
        current: list[Metric] = []
        for raw in raws:
            if raw.role != "main":
                continue
            start, end = sentence.start + raw.start, sentence.start + raw.end
            figure = text[start:end]
            # A figure after a colon is a list item of what precedes it ('Of this number: 174 ...').
            item_date = (
                context.date
                if 0 <= colon < raw.start and inherit_date == (None, None)
                else inherit_date
            )
            subject = raw.subject
            if (
                change_of
                and raw.change is not None
                and raw.kind is MetricKind.PERCENTAGE
            ):
                subject = change_of  # 'This is a 41% increase from 300': an increase in the previous figure
                if change_period and raw.date is None:
                    item_date = (change_period, None)
            elif inherit_subject and not (subject or "").lower().startswith(
                inherit_subject.lower()
            ):
                subject = f"{inherit_subject} {subject}" if subject else inherit_subject
            current.append(
                Metric(
                    id=metric_id(start, end, figure),
                    text=figure,
                    page=page_of(start),
                    start=start,
                    end=end,
                    sentence=sentence.id,
                    kind=raw.kind,
                    value=raw.value,
                    low=raw.low,
                    high=raw.high,
                    unit=raw.unit,
                    approx=raw.approx,
                    baseline=_shift_baseline(raw.baseline, sentence.start),
                    change=raw.change,
                    comparator=raw.comparator,
                    date=PartialDate.from_iso(raw.date or item_date[0]),
                    date_text=raw.date_text if raw.date else item_date[1],
                    subject=subject,
                    finding=_finding_for(start, end, finding_spans),
                )
            )
        metrics.extend(current)
        context.leave(
            body,
            opening[0],
            _lead_in_subject(body, gram)
            or _last_subject(current)
            or _last_subject(previous),
            sentence.block == "bullet",
        )
        previous = current
    metrics.sort(key=lambda m: (m.start, m.end))
    return metrics


def _last_subject(metrics: list[Metric]) -> str | None:
    return next((m.subject for m in reversed(metrics) if m.subject), None)


def _lead_in_subject(body: str, gram: Grammar) -> str | None:
    """'The proportion of children entitled to free school meals:' -> the phrase after the leader."""
    if not body.rstrip().endswith(":"):
        return None
    return _after_leader(body, gram)


def _shift_baseline(baseline: Baseline | None, offset: int) -> Baseline | None:
    if baseline is None or baseline.start is None or baseline.end is None:
        return baseline
    return baseline.model_copy(
        update={"start": baseline.start + offset, "end": baseline.end + offset}
    )


def _finding_for(start: int, end: int, spans: list[tuple[int, int, str]]) -> str | None:
    for f_start, f_end, f_id in spans:
        if f_start <= start and end <= f_end:
            return f_id
        if f_start > start:
            break
    return None


def _attach_next_sentence_baseline(
    body: str,
    match: re.Match[str],
    offset: int,
    previous: list[Metric],
    metrics: list[Metric],
    gram: Grammar,
) -> list[tuple[int, int]]:
    """'This is an increase from 355 (70 per 10,000 children) at 31 March 2019': baselines of the
    previous sentence's figures. Returns the spans (in the sentence) of the figures used."""
    rest = body[match.end() :]
    figures = [raw for raw in _sentence_figures(rest, gram) if raw.role == "main"]
    if not figures or figures[0].start > 3:
        return []
    used: list[tuple[int, int]] = []
    word = match.group(1).lower()
    candidates = [figures[0]]
    if len(figures) > 1 and re.fullmatch(
        r"\s*\((?:a\s+rate\s+of\s+)?",
        rest[figures[0].end : figures[1].start],
        re.IGNORECASE,
    ):
        candidates.append(figures[1])  # the rate printed in brackets after the count
    date, _ = _date_after(rest, candidates[-1].end, gram)
    if date is None:
        date, _ = _date_after(rest, figures[0].end, gram)
    for figure in candidates:
        target = next(
            (
                m
                for m in reversed(previous)
                if m.kind == figure.kind and m.baseline is None
            ),
            None,
        )
        if target is None:
            continue
        b_start = offset + match.end() + figure.start
        b_end = offset + match.end() + figure.end
        baseline = Baseline(
            value=figure.value,
            low=figure.low,
            high=figure.high,
            date=PartialDate.from_iso(date),
            start=b_start,
            end=b_end,
        )
        change = Change.DECREASE if gram.decrease.search(word) else Change.INCREASE
        if target.value is not None and figure.value is not None:
            change = _compare(figure.value, target.value)
        updated = target.model_copy(update={"baseline": baseline, "change": change})
        metrics[metrics.index(target)] = updated
        previous[previous.index(target)] = updated
        used.append((match.end() + figure.start, match.end() + figure.end))
    return used


def _compare(before: float, after: float) -> Change:
    if after > before:
        return Change.INCREASE
    if after < before:
        return Change.DECREASE
    return Change.NO_CHANGE


def _sentence_figures(body: str, gram: Grammar) -> list[_Raw]:
    """Figures in one sentence, with ranges, baselines and comparators resolved."""
    raws: list[_Raw] = []
    blocked = [m.span() for m in gram.non_metric_spans.finditer(body)]
    consumed = 0
    # Try the figure pattern only where a figure can start (digits, '£', number words).
    for candidate in gram.candidate.finditer(body):
        position = candidate.start()
        if position < consumed:
            continue
        match = gram.figure.match(body, position)
        if match is None or match.end() == match.start():
            continue
        consumed = match.end()
        if any(start <= match.start() < end for start, end in blocked):
            continue
        raw = _classify(body, match, gram)
        if raw is not None:
            raws.append(raw)
    raws = _merge_ranges(body, raws, gram)
    _link_baselines(body, raws, gram)
    _link_comparators(body, raws, gram)
    opening = _date_before(body, len(body), gram)
    for raw in raws:
        if raw.role != "main":
            continue
        if raw.date is None:
            raw.date, raw.date_text = _date_after(body, raw.end, gram)
        if raw.date is None and opening[0] is not None:
            raw.date, raw.date_text = opening
        raw.subject = raw.subject or _subject(body, raw, gram)
    return raws


def _classify(body: str, match: re.Match[str], gram: Grammar) -> _Raw | None:
    start, end = match.span()
    before = body[:start]
    after = body[end:]
    vocab = gram.vocab
    if match.group("hdur"):
        value = parse_number(match.group("h_num"), gram)
        if value is None:
            return None
        unit = vocab.hyphen_duration_units[match.group("h_unit").lower()]
        return _with_approx(
            before, _Raw(start, end, MetricKind.DURATION, value, unit), gram, body[end:]
        )
    if match.group("multiple"):
        value = vocab.multiples[_key(match.group("multiple"))]
        return _with_approx(
            before, _Raw(start, end, MetricKind.OTHER, value, Unit.OTHER), gram
        )
    if match.group("money"):
        value = parse_number(match.group("m_num"), gram)
        if value is None:
            return None
        multiplier = match.group("m_mult")
        if multiplier:
            value *= vocab.money_multipliers[multiplier.lower()]
        return _with_approx(
            before, _Raw(start, end, MetricKind.MONEY, value, Unit.GBP), gram
        )
    if match.group("pence"):
        value = parse_number(match.group("p_num"), gram)
        if value is None:
            return None
        return _with_approx(
            before, _Raw(start, end, MetricKind.MONEY, value / 100, Unit.GBP), gram
        )
    if match.group("fraction"):
        if match.group("f_word"):
            phrase = re.sub(r"[\s-]+", " ", match.group("f_word").lower())
            value = vocab.fractions.get(phrase) or vocab.fractions.get(
                match.group("f_word").lower()
            )
            if value is None:
                return None
            if phrase == "half" and not (
                gram.half_context.match(after) or gram.approx_before.search(before)
            ):
                return None
        else:
            denominator = parse_number(match.group("f_den"), gram)
            if not denominator:
                return None
            value = round(1 / denominator, 3)
        return _with_approx(
            before,
            _Raw(start, end, MetricKind.FRACTION, round(value, 3), Unit.FRACTION),
            gram,
        )
    number_text = match.group("num")
    if not number_text:
        return None
    number_end = start + len(number_text)
    value = parse_number(number_text, gram)
    if value is None:
        return None
    if match.group("pct"):
        return _with_approx(
            before,
            _Raw(start, end, MetricKind.PERCENTAGE, value, Unit.PERCENT),
            gram,
            body[end:],
        )
    if match.group("rate"):
        unit = vocab.rate_bases[re.sub(r"\s+", "", match.group("base"))]
        return _with_approx(
            before, _Raw(start, end, MetricKind.RATE, value, unit), gram
        )
    if _is_not_a_measure(body, start, number_end, number_text, gram):
        return None
    if match.group("dur"):
        if gram.reference_period.search(before):
            return (
                None  # 'in the last 12 months' dates a statement; it measures nothing
            )
        unit = vocab.duration_units[_key(match.group("dur_unit"))]
        if unit is Unit.YEARS and re.match(
            r"^\s*(?:-|\s)?old\b", body[end:], re.IGNORECASE
        ):
            return None
        return _with_approx(
            before, _Raw(start, end, MetricKind.DURATION, value, unit), gram, body[end:]
        )
    if not number_text[0].isdigit() and not _word_number_counts(
        before, body[number_end:], number_text, gram
    ):
        return None
    return _with_approx(
        before,
        _Raw(start, number_end, MetricKind.COUNT, value, Unit.COUNT),
        gram,
        body[number_end:],
    )


def _is_not_a_measure(
    body: str, start: int, end: int, number_text: str, gram: Grammar
) -> bool:
    """Years, dates, ages, section/outcome numbers and numbers inside names."""
    before = body[:start]
    after = body[end:]
    plain = number_text.replace(",", "")
    if (
        "," not in number_text
        and YEAR_RE.match(plain)
        and not re.match(r"^\s*(?:%|per\s?cent)", after)
    ):
        return True
    if gram.month_after.match(after) or gram.month_before.search(before):
        return True
    if gram.day_range_after.match(after) or PERIOD_TAIL_RE.search(before):
        return True  # '6 and 7 February', the '24' of '2023-24'
    if gram.age_list_before.search(before):
        return True  # 'aged 16 or 17'
    if gram.non_metric_before.search(before) or gram.age_before.search(before):
        return True
    if gram.non_metric_after.match(after):
        return True
    if re.match(r"^\s*[-–/]\s*\d", after) and YEAR_RE.match(plain):
        return True
    if before.endswith(("-", "–")) and before[-2:-1].isalpha():
        return True  # COVID-19, Section-47 style names
    if re.match(r"^(?:st|nd|rd|th)\b", after):
        return True
    return re.match(r"^\s?(?:am|pm|a\.m\.|p\.m\.)\b", after, re.IGNORECASE) is not None


def _word_number_counts(before: str, after: str, word: str, gram: Grammar) -> bool:
    """A number word measures something unless it starts a phrase like 'one of the', 'two or
    three', 'two-year-old'; 'one' counts only after 'of whom', 'just', 'to' ... or before a
    counted noun."""
    lowered = word.lower()
    if re.match(r"^\s*-", after):
        return False
    following = re.match(r"^\s+([A-Za-z'’-]+)", after)
    next_word = following.group(1).lower() if following else ""
    if lowered == "one":
        if next_word in ("of", "another", "or", "to", "and"):
            return False
        if gram.one_context.search(before):
            return True
        return next_word in gram.one_nouns
    if re.match(r"^\s+\(\d", after):
        return True  # 'Six (46%) of the 13 cases'
    if not following:
        return gram.clause_end_number.search(before) is not None
    return next_word not in gram.word_number_blockers


def _with_approx(before: str, raw: _Raw, gram: Grammar, after: str = "") -> _Raw:
    match = gram.approx_before.search(before)
    if match:
        raw.approx = gram.vocab.approx_before[_key(match.group("approx"))]
    following = gram.approx_after.match(after)
    if following:
        raw.approx = gram.vocab.approx_after[_key(following.group("approx"))]
    return raw


def _merge_ranges(body: str, raws: list[_Raw], gram: Grammar) -> list[_Raw]:
    """'between 25 to 35' is one figure with low/high (never averaged); 'from X to Y' is not a range."""
    result: list[_Raw] = []
    index = 0
    while index < len(raws):
        raw = raws[index]
        if index + 1 < len(raws):
            following = raws[index + 1]
            gap = body[raw.end : following.start]
            lead = body[: raw.start]
            is_range_gap = (
                re.fullmatch(r"\s*(?:to|and|-|–)\s*", gap, re.IGNORECASE) is not None
            )
            between_match = re.search(r"\bbetween\s+$", lead, re.IGNORECASE)
            between = between_match is not None
            from_word = gram.from_to.search(lead) is not None
            compatible = raw.kind == following.kind or (
                raw.kind is MetricKind.COUNT and following.kind is not MetricKind.COUNT
            )
            if (
                is_range_gap
                and compatible
                and not from_word
                and (between or gap.strip() in ("-", "–", "to"))
            ):
                if (
                    between
                    or following.kind is not MetricKind.COUNT
                    or raw.kind is MetricKind.COUNT
                ):
                    start = (
                        between_match.start()
                        if between_match is not None
                        else raw.start
                    )
                    merged = _Raw(
                        start=start,
                        end=following.end,
                        kind=following.kind,
                        value=None,
                        unit=following.unit,
                        low=raw.value,
                        high=following.value,
                        approx=raw.approx if not between else Approx.EXACT,
                    )
                    result.append(merged)
                    index += 2
                    continue
        result.append(raw)
        index += 1
    return result


def _link_baselines(body: str, raws: list[_Raw], gram: Grammar) -> None:
    """'from X (date) to Y' and 'compared with X last year' make X the baseline of Y."""
    for index, raw in enumerate(raws):
        if raw.role != "main":
            continue
        lead = body[: raw.start]
        if gram.from_to.search(lead):
            target = next(
                (
                    other
                    for other in raws[index + 1 :]
                    if other.role == "main"
                    and gram.to_before.search(body[: other.start])
                    and _same_measure(raw, other)
                    and other.start - raw.end < 120
                ),
                None,
            )
            if target is not None:
                date, date_text = _date_after(body, raw.end, gram, limit=target.start)
                target.baseline = Baseline(
                    value=raw.value,
                    low=raw.low,
                    high=raw.high,
                    date=PartialDate.from_iso(date),
                    start=raw.start,
                    end=raw.end,
                )
                if raw.value is not None and target.value is not None:
                    target.change = _compare(raw.value, target.value)
                raw.role = "baseline"
                continue
            # 'an increase from 355' with the new value earlier in the sentence
            earlier = next(
                (
                    other
                    for other in reversed(raws[:index])
                    if other.role == "main" and _same_measure(other, raw)
                ),
                None,
            )
            if earlier is not None and gram.change_from.search(lead):
                date, _ = _date_after(body, raw.end, gram)
                earlier.baseline = Baseline(
                    value=raw.value,
                    low=raw.low,
                    high=raw.high,
                    date=PartialDate.from_iso(date),
                    start=raw.start,
                    end=raw.end,
                )
                if earlier.value is not None and raw.value is not None:
                    earlier.change = _compare(raw.value, earlier.value)
                raw.role = "baseline"
                continue
        compared = re.search(
            r"\bcompared\s+(?:with|to)\s+(?:(?:just|only|about|around)\s+)?$",
            lead,
            re.IGNORECASE,
        )
        if compared:
            earlier = next(
                (
                    other
                    for other in reversed(raws[:index])
                    if other.role == "main" and _same_measure(other, raw)
                ),
                None,
            )
            if earlier is None:
                continue
            tail = body[raw.end : raw.end + 60]
            if gram.baseline_time.search(tail[:40]) or re.match(
                r"^\s*(?:\w+\s+){0,3}(?:in|at)\s+(?:\w+\s+)?(?:19|20)\d\d", tail
            ):
                date, _ = _date_after(body, raw.end, gram)
                earlier.baseline = Baseline(
                    value=raw.value,
                    low=raw.low,
                    high=raw.high,
                    date=PartialDate.from_iso(date),
                    start=raw.start,
                    end=raw.end,
                )
                if earlier.value is not None and raw.value is not None:
                    earlier.change = _compare(raw.value, earlier.value)
                raw.role = "baseline"
    for raw in raws:
        if raw.role == "main" and raw.change is None and raw.baseline is None:
            following = re.match(r"^\s+(\w+)", body[raw.end : raw.end + 20])
            if following and gram.increase.fullmatch(following.group(1)):
                raw.change = Change.INCREASE
                continue
            if following and gram.decrease.fullmatch(following.group(1)):
                raw.change = Change.DECREASE
                continue
            window = body[max(0, raw.start - 40) : raw.start]
            to_or_by = TO_OR_BY_BEFORE_RE.search(window) is not None
            if to_or_by and gram.increase.search(window):
                raw.change = Change.INCREASE
            elif to_or_by and gram.decrease.search(window):
                raw.change = Change.DECREASE


def _same_measure(a: _Raw, b: _Raw) -> bool:
    return a.kind == b.kind or {a.kind, b.kind} <= {
        MetricKind.COUNT,
        MetricKind.DURATION,
    }


def _link_comparators(body: str, raws: list[_Raw], gram: Grammar) -> None:
    """'19% (the national average is 15%)': 15% is the comparator of 19%."""
    for index, raw in enumerate(raws):
        if raw.role != "main" or index == 0:
            continue
        window_before = body[max(0, raw.start - 45) : raw.start]
        window_after = COMPARATOR_LEAD_RE.sub("", body[raw.end : raw.end + 40], count=1)
        label = gram.comparator.search(window_before) or gram.comparator.match(
            window_after
        )
        if label is None:
            continue
        earlier = next(
            (
                other
                for other in reversed(raws[:index])
                if other.role == "main" and other.kind == raw.kind
            ),
            None,
        )
        if earlier is None or earlier.comparator is not None:
            continue
        earlier.comparator = Comparator(
            value=raw.value, label=_key(label.group("label"))
        )
        raw.role = "comparator"


def _date_after(
    body: str, position: int, gram: Grammar, limit: int | None = None
) -> tuple[str | None, str | None]:
    """The date printed just after a figure ('in March 2019', 'at 31 March 2019', 'in 2018-19',
    'between October 2013 and October 2014')."""
    window = body[position : limit if limit is not None else position + 80]
    lead = DATE_LEAD_RE.match(window)
    if lead is None:
        return None, None
    return _date_at(window, lead.end(), gram)


def _date_at(text: str, position: int, gram: Grammar) -> tuple[str | None, str | None]:
    """Parse a date, a financial year or a 'X and Y' interval starting at ``position``."""
    match = gram.date.match(text, position)
    if match is None:
        return None, None
    first = _iso_date(match, gram)
    joined = re.match(r"\s*(?:and|to|-|–)\s*", text[match.end() :])
    if joined and text[max(0, position - 8) : position].lower().strip().endswith(
        ("between", "from")
    ):
        second = gram.date.match(text, match.end() + joined.end())
        if second is not None and first is not None:
            end = _iso_date(second, gram)
            if end is not None:
                return f"{first}/{end}", text[
                    position - len("between ")
                    if text[:position].lower().endswith("between ")
                    else position : second.end()
                ].strip()
    return first, match.group(0)


def _date_before(
    body: str, position: int, gram: Grammar
) -> tuple[str | None, str | None]:
    """A date that opens the sentence ('At 31 March 2015, 354 children ...')."""
    opening = DATE_OPENING_RE.match(body[:position])
    if opening is None:
        return None, None
    return _date_at(body, opening.end(), gram)


def _iso_date(match: re.Match[str], gram: Grammar) -> str | None:
    if match.group("month"):
        month = gram.month_index.get(match.group("month").lower())
        if month is None:
            return None
        year = match.group("year")
        if match.group("day"):
            return f"{year}-{month:02d}-{int(match.group('day')):02d}"
        return f"{year}-{month:02d}"
    if match.group("fy"):
        first = int(match.group("fy"))
        second_text = match.group("fy2")
        second = (
            int(second_text)
            if len(second_text) == 4
            else (first // 100) * 100 + int(second_text)
        )
        if second == first + 1:
            return f"{first}-04/{second}-03"
        return f"{first}/{second}"
    if match.group("yearonly"):
        return match.group("yearonly")
    return None


def _subject(body: str, raw: _Raw, gram: Grammar) -> str | None:
    """What is measured.

    'the proportion/number/rate of <subject> ... <figure>' gives the words after the leader;
    otherwise the rest of the clause after the figure ('412 children were the subject of a
    plan', '89% of <subject>'); otherwise the words before the figure in its clause."""
    lead = body[: raw.start]
    led = _after_leader(lead, gram)
    if led:
        return led
    after = body[raw.end :]
    aside = ASIDE_RE.match(after)
    if aside:
        after = " " + after[aside.end() :]
    of = re.match(
        r"^\s+of\s+(?:the\s+|all\s+|their\s+|these\s+|those\s+)?", after, re.IGNORECASE
    )
    words = _clause_words(after[of.end() :] if of else after, gram)
    if words:
        return " ".join(words)
    clause_start = max(
        lead.rfind(","), lead.rfind(";"), lead.rfind("("), lead.rfind(":")
    )
    tail = SUBJECT_WORD_RE.findall(lead[clause_start + 1 :])[
        -gram.vocab.max_subject_words :
    ]
    while tail and tail[-1].lower() in gram.subject_trailing:
        tail.pop()
    while tail and (
        tail[0].lower() in gram.stopwords or tail[0].lower() in gram.subject_skip
    ):
        tail.pop(0)
    return " ".join(tail) or None


def _after_leader(text: str, gram: Grammar) -> str | None:
    """The words after the last 'the proportion/number/rate of' in ``text``, trailing verbs dropped."""
    leader = _last(gram.subject_leader.finditer(text))
    if leader is None:
        return None
    words = SUBJECT_WORD_RE.findall(text[leader.end() :])[
        : gram.vocab.max_subject_words
    ]
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
        if (
            word[0].isdigit()
            or lowered in gram.months_set
            or lowered in gram.subject_stop
        ):
            break
        if lowered in gram.subject_skip and (not words or lowered not in ARTICLES):
            continue
        words.append(word)
        if len(words) >= gram.vocab.max_subject_words:
            break
    while words and words[-1].lower() in gram.subject_trailing:
        words.pop()
    return words
