"""Figures: percentages, counts, money, rates, fractions and durations, with baselines.

:class:`MetricExtractor` reads a document sentence by sentence: the figures of each
sentence (:func:`sentence_figures`: shapes in :mod:`.figures`, relations in :mod:`.linking`,
dates in :mod:`.dates`, subjects in :mod:`.subjects`), and what carries over from one
sentence to the next (a list lead-in's date and subject, a baseline stated in the next
sentence). Every word and shape is data in ``rules/metrics.json``; every metric has exact
offsets into the text.
"""

from __future__ import annotations

import hashlib
import logging
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace

from ofsted_findings.layout.normalize import Block, BlockKind, PageMap
from ofsted_findings.metrics.dates import date_after, date_before
from ofsted_findings.metrics.figures import Raw, find_figures
from ofsted_findings.metrics.grammar import REFERENCE_PERIOD_RE, SUBJECT_LOOKBEHIND, Grammar
from ofsted_findings.metrics.indicators import figure_clause
from ofsted_findings.metrics.linking import compare_values, link_baselines, link_comparators, merge_ranges
from ofsted_findings.metrics.subjects import (
    lead_in_subject,
    part_of_subject,
    subject_of,
    whole_before_subject,
    without_predicate_words,
)
from ofsted_findings.models import Baseline, Change, Metric, MetricFlag, MetricKind, PartialDate, Sentence, Unit

logger = logging.getLogger(__name__)

DateAndText = tuple[str | None, str | None]
NO_DATE: DateAndText = (None, None)


def metric_id(start: int, end: int, text: str) -> str:
    """Content-derived id from position and text."""
    return f"m-{start:06d}-{end:06d}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:4]}"


def sentence_figures(body: str, gram: Grammar) -> list[Raw]:
    """Figures in one sentence, with ranges, baselines and comparators resolved."""
    raws = _with_all_of_whom(body, merge_ranges(body, find_figures(body, gram), gram), gram)
    link_baselines(body, raws, gram)
    link_comparators(body, raws, gram)
    opening = date_before(body, len(body), gram)
    for raw in raws:
        if raw.role != "main":
            continue
        if raw.date is None:
            raw.date, raw.date_text = date_after(body, raw.end, gram)
        if raw.date is None and opening[0] is not None:
            raw.date, raw.date_text = opening
        whole_before = None if raw.subject else whole_before_subject(body, raw, gram)
        if whole_before is not None:
            raw.subject, raw.matched = whole_before
        raw.subject = raw.subject or subject_of(body, raw, gram)
    whole: Raw | None = None  # the figure before, with its subject as read from its own words
    for raw in raws:
        if raw.role != "main":
            continue
        own = raw.subject
        if whole is not None:
            rate_of_count = (
                raw.unit in RATE_UNITS
                and whole.unit is Unit.COUNT
                and gram.rate_after_count.search(body[whole.end : raw.start]) is not None
            )
            noun_left_out = bool(whole.subject) and (
                gram.subject_clause_cut.match(body[raw.end : raw.end + SUBJECT_LOOKBEHIND].lstrip()) is not None
            )
            if rate_of_count or noun_left_out:
                # '412 children are looked after (a rate of 62 per 10,000)': the rate measures what
                # the count does; '125 children subject to plans due to risk of emotional abuse,
                # 120 due to neglect': the noun left out is the one before
                raw.subject = own = whole.subject
            part = part_of_subject(body, raw, gram)
            if part is not None:
                # 'of whom 32% live out of the area' counts a part of the whole: its indicator is not the whole's
                raw.subject, raw.matched = part, f"{whole.subject or ''} {part}".strip()
        whole = replace(raw, subject=own)
    return raws


def _with_all_of_whom(body: str, raws: list[Raw], gram: Grammar) -> list[Raw]:
    """'12 care leavers, all of whom have a pathway plan': 'all' is a figure with the count's value."""
    added: list[Raw] = []
    for match in gram.all_of_whom.finditer(body):
        start, end = match.span("all")
        counted = next(
            (
                raw
                for raw in reversed(raws)
                if raw.end <= start and raw.kind is MetricKind.COUNT and start - raw.end <= ALL_OF_WHOM_REACH
            ),
            None,
        )
        if counted is None or counted.value is None:
            continue
        added.append(Raw(start, end, MetricKind.COUNT, counted.value, counted.unit))
    return sorted([*raws, *added], key=lambda raw: (raw.start, raw.end)) if added else raws


#: Most characters between a count and the 'all of whom' that restates it.
ALL_OF_WHOM_REACH = 80


@dataclass
class _ListContext:
    """What a list lead-in ('At 31 March 2015, ... Of these:') passes on to the items after it:
    its date and what its figures measure."""

    section: str | None = None
    date: DateAndText = NO_DATE
    subject: str | None = None
    matched: str | None = None  # what its items' indicators are matched on
    open: bool = False
    items: bool = False  # list items follow the lead-in directly
    fresh: bool = False  # the lead-in was the last sentence with words: no item has followed yet

    def enter(self, section: str | None) -> None:
        """A new section closes any list."""
        if section != self.section:
            self.section, self.date, self.subject, self.matched, self.open = section, NO_DATE, None, None, False

    def leave(
        self,
        body: str,
        opening_date: str | None,
        subject: tuple[str | None, str | None],
        bullet: bool,
        *,
        lead_in: bool,
    ) -> None:
        """After a sentence: a lead-in (with a colon, or 'Of this number,') opens a list; a new
        date closes it. Its subject passes only to the bullets that follow it directly; a lead-in
        that names a reference period ('In the last 12 months:') gives its items that period
        instead of a date."""
        self.fresh = lead_in
        if lead_in and opening_date is None:
            period = REFERENCE_PERIOD_RE.search(body)
            if period is not None:
                self.date = (None, period.group(0))
        if lead_in:
            self.subject, self.matched = subject  # a new lead-in ('In the last 12 months:') replaces the last one
        self.items = lead_in or (self.items and bullet)
        self.open = lead_in or (self.open and opening_date is None)


@dataclass
class _Carry:
    """What a sentence that opens with a baseline ('This is an increase from 355 ...') takes from the one before."""

    used: list[tuple[int, int]]
    changes_previous: bool = False  # it opens with a change of the previous sentence's figure
    change_period: str | None = None


class MetricExtractor:
    """The figures of one document, sentence by sentence."""

    def __init__(self, text: str, finding_spans: list[tuple[int, int, str]], page_of: PageMap, gram: Grammar) -> None:
        self.text = text
        self.finding_spans = finding_spans
        self.finding_starts = [span[0] for span in finding_spans]
        self.page_of = page_of
        self.gram = gram
        self.metrics: list[Metric] = []
        self.previous: list[Metric] = []
        self.context = _ListContext()
        self.candidates = [match.start() for match in gram.candidate.finditer(text)]
        self.in_footnote = False

    def run(self, sentences: list[Sentence], footnotes: list[Sentence] | None = None) -> list[Metric]:
        """Every figure in the sentences and in the footnote bodies (each read on its own,
        flagged ``footnote``, in no sentence), sorted by position."""
        for sentence in sentences:
            self.sentence(sentence)
        self.in_footnote = True
        for body in footnotes or []:
            self.context, self.previous = _ListContext(), []
            self.sentence(body)
        self.in_footnote = False
        self.metrics.sort(key=lambda m: (m.start, m.end))
        return self.metrics

    def sentence(self, sentence: Sentence) -> None:
        """The figures of one sentence, with what the list context and the sentence before give them."""
        context = self.context
        context.enter(sentence.section)
        body = self.text[sentence.start : sentence.end]
        bullet = sentence.block == "bullet"
        if not self._may_hold_figures(sentence):
            # No figure can start here (and so no date either).
            if context.fresh and not bullet and ":" not in body:
                # A note printed between a lead-in and its first item ('Of this number:' / 'The
                # local authority was given the opportunity to review this section ...' / '137 live ...')
                return
            context.leave(body, None, self._lead_in_subject(body, []), bullet, lead_in=":" in body)
            self.previous = []
            return
        opening = date_before(body, len(body), self.gram)
        if opening[0] is not None:
            context.date = opening
        inherit_date = context.date if context.open and opening[0] is None else NO_DATE
        own_statement = bullet and self._states_its_own_subject(body)
        inherit_subject = context.subject if context.items and bullet and not own_statement else None
        inherit_matched = context.matched if inherit_subject else None
        if own_statement:
            context.items = False  # a bullet that is a whole statement ends the lead-in's items
        carry = self._carry(body, sentence.start)
        current: list[Metric] = []
        colon = body.find(":")
        back = self.gram.refers_back.match(body)
        if bullet and colon < 0 and back is not None and body[back.end() :].lstrip().startswith(","):
            # a bullet 'of this number, 245 (or 72.9%) live outside the area' opens a list ('Of
            # these, 68 have left care' in a paragraph does not)
            colon = body.index(",", back.end())
        # Items after 'Of this number:' in the same sentence take what it refers to.
        own_lead: tuple[str | None, str | None] = (None, None)
        if back is not None and colon >= 0 and not body[back.end() : colon].strip():
            own_lead = self._lead_in_subject(body[: colon + 1], [])
        for raw in sentence_figures(body, self.gram):
            if raw.role != "main" or not all(raw.end <= a or raw.start >= b for a, b in carry.used):
                continue
            # A figure after a colon is a list item of what precedes it ('Of this number: 174 ...').
            item_date = context.date if 0 <= colon < raw.start and inherit_date == NO_DATE else inherit_date
            subject, matched = raw.subject, raw.matched or raw.subject
            lead, lead_matched = inherit_subject, inherit_matched
            if own_lead[0]:
                lead, lead_matched = own_lead if raw.start > colon else (None, None)
            if carry.changes_previous and raw.change is not None and raw.kind is MetricKind.PERCENTAGE:
                # 'This is a 41% increase from 300': an increase in the previous figure, which this
                # sentence does not name (a subject is never read across a sentence boundary)
                subject = None
                if carry.change_period and raw.date is None:
                    item_date = (carry.change_period, None)
            elif (
                lead
                and not (subject or "").lower().startswith(lead.lower())
                and not self._names_its_population(subject)
            ):
                subject = f"{lead} {_with_opening_preposition(body, subject, self.gram)}" if subject else lead
                # An item's indicator is read from its own words and the population its lead-in
                # names: '32 live with parents' after 'children looked after ...' is no count of them.
                if lead_matched:
                    matched = f"{lead_matched} {matched}" if matched else lead_matched
            current.append(self._metric(raw, sentence, item_date, subject, matched))
        # Figures after the colon are the lead-in's first items ('Of this number: 174 live
        # outside the area;'), not what the lead-in counts (nor what 'this number' refers to).
        before_colon = current if colon < 0 else [m for m in current if m.start < sentence.start + colon]
        lead_in = own_lead if own_lead[0] else self._lead_in_subject(body, before_colon)
        self.metrics.extend(current)
        context.leave(body, opening[0], lead_in, bullet, lead_in=colon >= 0)
        self.previous = current

    def _lead_in_subject(self, body: str, current: list[Metric]) -> tuple[str | None, str | None]:
        """What a list lead-in passes to its items: its leader phrase ('The proportion of ...:'),
        else the population its own figure counts ('Of the 250 care leavers:'), else, for a
        lead-in that refers back ('Of this number:'), what the figure before it counts. A lead-in
        with none of these ('In the last 12 months:') passes nothing. Returns the subject its
        items take and the words their indicators are matched on."""
        led = lead_in_subject(body, self.gram)
        if led:
            return led, led
        subject = _last_subject(current)
        if subject is None and self.gram.refers_back.match(body):
            # 'Of this number:' after '200 children are being looked after by the local authority':
            # what that figure counts, in full (its population alone, 'children', would not say
            # it); its items' indicators are matched on their own words, as each counts a part of it.
            whole = next((m.subject for m in reversed(self.metrics) if m.subject), None)
            return (without_predicate_words(whole, self.gram) if whole else None), None
        passed = population_of(subject, self.gram) or subject
        return passed, passed

    def _names_its_population(self, subject: str | None) -> bool:
        """Whether an item's subject opens with who it counts ('children are unaccompanied
        asylum-seeking children'): it then takes no lead-in."""
        if not subject or self.gram.population is None:
            return False
        return self.gram.population.match(subject) is not None

    def _states_its_own_subject(self, body: str) -> bool:
        """A bullet that opens with a capitalised word that is not a figure ('Children from
        minority ethnic groups account for 6% ...') is a statement of its own, not an item
        that continues its lead-in ('in primary schools is 7%', 'In secondary schools is 4%',
        '73 live outside the area', 'Twelve live ...')."""
        if _opening_preposition(body, self.gram) is not None:
            return False  # an item opening with a preposition continues its lead-in
        stripped = body.lstrip()
        return bool(stripped[:1].isupper()) and self.gram.candidate.match(stripped) is None

    def _may_hold_figures(self, sentence: Sentence) -> bool:
        index = bisect_left(self.candidates, sentence.start)
        return index < len(self.candidates) and self.candidates[index] < sentence.end

    def _carry(self, body: str, offset: int) -> _Carry:
        """Baselines this sentence gives the previous one's figures, and what its own percentage changes refer to."""
        match = self.gram.next_sentence.match(body)
        if not (match and self.previous):
            return _Carry(used=[])
        carry = _Carry(
            used=attach_next_sentence_baseline(body, match, offset, self.previous, self.metrics, self.gram),
            changes_previous=True,
        )
        changed = next(
            (m for m in reversed(self.previous) if m.baseline is not None and m.baseline.date and m.date), None
        )
        if changed is not None and changed.baseline is not None and changed.baseline.date and changed.date:
            carry.change_period = (
                f"{changed.baseline.date.iso()}/{changed.date.iso()}"  # 'a 41% increase' spans both dates
            )
        return carry

    def _metric(
        self, raw: Raw, sentence: Sentence, item_date: DateAndText, subject: str | None, matched: str | None
    ) -> Metric:
        """The Metric of a figure; ``matched`` is the subject its indicator is matched on."""
        start, end = sentence.start + raw.start, sentence.start + raw.end
        figure = self.text[start:end]
        body = self.text[sentence.start : sentence.end]
        flags = flags_of(body, raw.start, raw.end, self.gram)
        # Who is counted and which measure it is are read without the auxiliaries of a span
        # ('children are being looked after' names the children looked after).
        plain_subject = without_predicate_words(subject, self.gram) if subject else None
        plain = plain_subject
        if matched != subject:
            plain = without_predicate_words(matched, self.gram) if matched else None
        if self.in_footnote:
            flags = sorted([*flags, MetricFlag.FOOTNOTE], key=lambda flag: flag.value)
        return Metric(
            id=metric_id(start, end, figure),
            text=figure,
            page=self.page_of(start),
            start=start,
            end=end,
            sentence=None if self.in_footnote else sentence.id,
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
            population=population_of(plain_subject, self.gram) if raw.unit in COUNTED_UNITS else None,
            indicator=None if flags else indicator_of(raw, body, plain, self.gram),
            flags=flags,
            finding=_finding_for(start, end, self.finding_spans, self.finding_starts),
        )


#: Units of rates per head of population ('62 per 10,000 children').
RATE_UNITS = frozenset({Unit.PER_1000, Unit.PER_10000, Unit.PER_100000})
#: Units of figures that count people or things (a sum of money or a duration has no population).
COUNTED_UNITS = frozenset({Unit.COUNT, Unit.PERCENT, Unit.FRACTION, Unit.PER_1000, Unit.PER_10000, Unit.PER_100000})
#: Characters read on each side of a figure for its flags.
FLAG_REACH = 120


def flags_of(body: str, start: int, end: int, gram: Grammar) -> list[MetricFlag]:
    """The flags of the figure at ``[start, end)`` of a sentence: the text around it, the figure
    written '#', searched with each flag's patterns."""
    around = f"{body[max(0, start - FLAG_REACH) : start]}#{body[end : end + FLAG_REACH]}"
    return sorted(
        (flag for flag, patterns in gram.flag_patterns.items() if any(p.search(around) for p in patterns)),
        key=lambda flag: flag.value,
    )


#: The first word of a sentence and the space after it.
FIRST_WORD_RE = re.compile(r"\s*([A-Za-z]+)\s+")


def _opening_preposition(body: str, gram: Grammar) -> re.Match[str] | None:
    """The preposition a sentence opens with ('in primary schools is 7%'), if it opens with one."""
    first = FIRST_WORD_RE.match(body)
    return first if first is not None and first.group(1).lower() in gram.prepositions else None


def _with_opening_preposition(body: str, subject: str, gram: Grammar) -> str:
    """A list item's subject with the preposition it opens with ('in primary schools is 7%'
    after 'children entitled to free school meals:'), which ties it to its lead-in."""
    first = _opening_preposition(body, gram)
    if first is not None and body[first.end() : first.end() + len(subject)].lower() == subject.lower():
        return f"{first.group(1)} {subject}"
    return subject


def population_of(subject: str | None, gram: Grammar) -> str | None:
    """Who a figure counts: the first population noun phrase of its subject (the longest one
    that starts there: 'children in care' rather than 'children')."""
    if not subject or gram.population is None:
        return None
    found = gram.population.search(subject)
    return found.group(0).lower() if found else None


def indicator_of(raw: Raw, body: str, subject: str | None, gram: Grammar) -> str | None:
    """The canonical measure (``indicators.json``) the figure is a value of, if any."""
    if gram.indicators is None:
        return None
    return gram.indicators.match(raw.unit, subject, figure_clause(body, raw.start, raw.end))


def extract_metrics(
    text: str,
    sentences: list[Sentence],
    finding_spans: list[tuple[int, int, str]],
    page_of: PageMap,
    gram: Grammar,
    footnotes: list[Sentence] | None = None,
) -> list[Metric]:
    """Every figure in the sentences and footnote bodies, with the finding (``(start, end,
    id)``, sorted) it sits in."""
    return MetricExtractor(text, finding_spans, page_of, gram).run(sentences, footnotes)


#: The marker that opens a footnote body ('4 These are residential special schools ...').
FOOTNOTE_MARKER_RE = re.compile(r"\d{1,2}\s*")


def footnote_bodies(text: str, blocks: list[Block], page_of: PageMap) -> list[Sentence]:
    """Each footnote block's body after its marker, as a span to read figures in (not a
    sentence of the document: footnotes are not running text)."""
    bodies: list[Sentence] = []
    for block in blocks:
        if block.kind is not BlockKind.FOOTNOTE:
            continue
        marker = FOOTNOTE_MARKER_RE.match(text, block.start, block.end)
        start = marker.end() if marker else block.start
        end = block.end
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            bodies.append(Sentence(id=f"fn-{start}", section=None, page=page_of(start), start=start, end=end))
    return bodies


def _last_index(items: list[Metric], item: Metric) -> int:
    """Position of ``item`` in ``items``, searched from the end."""
    for position in range(len(items) - 1, -1, -1):
        if items[position] is item:
            return position
    raise ValueError("metric not in the list")


def _last_subject(metrics: list[Metric]) -> str | None:
    return next((m.subject for m in reversed(metrics) if m.subject), None)


def _shift_baseline(baseline: Baseline | None, offset: int) -> Baseline | None:
    if baseline is None or baseline.start is None or baseline.end is None:
        return baseline
    return baseline.model_copy(update={"start": baseline.start + offset, "end": baseline.end + offset})


def _finding_for(start: int, end: int, spans: list[tuple[int, int, str]], starts: list[int]) -> str | None:
    """The finding that contains ``[start, end)`` (findings do not overlap, so only the last one
    starting at or before ``start`` can)."""
    index = bisect_right(starts, start) - 1
    if index >= 0:
        f_start, f_end, f_id = spans[index]
        if f_start <= start and end <= f_end:
            return f_id
    return None


def attach_next_sentence_baseline(
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
    figures = [raw for raw in sentence_figures(rest, gram) if raw.role == "main"]
    if not figures or figures[0].start > 3:
        return []
    used: list[tuple[int, int]] = []
    word = match.group(1).lower()
    candidates = [figures[0]]
    between = rest[figures[0].end : figures[1].start] if len(figures) > 1 else ""
    if len(figures) > 1 and (
        re.fullmatch(r"\s*\((?:a\s+rate\s+of\s+)?", between, re.IGNORECASE)
        or (figures[1].unit in RATE_UNITS and gram.rate_after_count.search(between))
    ):
        # the other figure printed in brackets after the first ('from 300 (70 per 10,000)',
        # 'from 26 per 10,000 (152)', 'from 266 children (42.3 per 10,000 children)')
        candidates.append(figures[1])
    date, _ = date_after(rest, candidates[-1].end, gram)
    if date is None:
        date, _ = date_after(rest, figures[0].end, gram)
    for figure in candidates:
        target = next(
            (m for m in reversed(previous) if m.kind == figure.kind and m.baseline is None),
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
            change = compare_values(figure.value, target.value)
        updated = target.model_copy(update={"baseline": baseline, "change": change})
        # The previous sentence's metrics are the last ones of ``metrics``: look from the end.
        metrics[_last_index(metrics, target)] = updated
        previous[_last_index(previous, target)] = updated
        used.append((match.end() + figure.start, match.end() + figure.end))
    return used
