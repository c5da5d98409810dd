"""Figures of one sentence related to each other: ranges, baselines, changes and comparators.

"between 25 to 35" is one figure with low and high; "from X to Y" and "compared with X
last year" make X the baseline of Y; "rose to 91%" gives a change; "19% (the national
average is 15%)" gives 15% as the comparator of 19%.
"""

from __future__ import annotations

import logging
import re

from ofsted_findings.metrics.dates import date_after
from ofsted_findings.metrics.figures import Raw
from ofsted_findings.metrics.grammar import COMPARATOR_LEAD_RE, LOOKBEHIND, TO_OR_BY_BEFORE_RE, Grammar
from ofsted_findings.metrics.numbers import key
from ofsted_findings.models import Approx, Baseline, Change, Comparator, MetricKind, PartialDate

logger = logging.getLogger(__name__)

#: 'compared with 64%' before a figure.
COMPARED_WITH_RE = re.compile(r"\bcompared\s+(?:with|to)\s+(?:(?:just|only|about|around)\s+)?$", re.IGNORECASE)
#: 'in 2019', 'at the end of March 2019' just after a compared value: it is an earlier value.
EARLIER_YEAR_RE = re.compile(r"^\s*(?:\w+\s+){0,3}(?:in|at)\s+(?:\w+\s+)?(?:19|20)\d\d")
#: Most characters between a 'from' figure and its 'to' figure.
FROM_TO_DISTANCE = 120


def compare_values(before: float, after: float) -> Change:
    """The direction from one value to another."""
    if after > before:
        return Change.INCREASE
    if after < before:
        return Change.DECREASE
    return Change.NO_CHANGE


def merge_ranges(body: str, raws: list[Raw], gram: Grammar) -> list[Raw]:
    """'between 25 to 35' is one figure with low/high (never averaged); 'from X to Y' is not a range."""
    result: list[Raw] = []
    index = 0
    while index < len(raws):
        raw = raws[index]
        if index + 1 < len(raws):
            following = raws[index + 1]
            gap = body[raw.end : following.start]
            lead_start = max(0, raw.start - LOOKBEHIND)
            lead = body[lead_start : raw.start]
            is_range_gap = re.fullmatch(r"\s*(?:to|and|-|–)\s*", gap, re.IGNORECASE) is not None
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
                and (between or following.kind is not MetricKind.COUNT or raw.kind is MetricKind.COUNT)
            ):
                start = lead_start + between_match.start() if between_match is not None else raw.start
                merged = Raw(
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


def link_baselines(body: str, raws: list[Raw], gram: Grammar) -> None:
    """Baselines of the sentence's figures, then the changes stated by verbs."""
    for index, raw in enumerate(raws):
        if raw.role != "main":
            continue
        lead = body[max(0, raw.start - LOOKBEHIND) : raw.start]
        if gram.from_to.search(lead) and (
            _from_to(body, raws, index, gram) or _change_from(body, raws, index, lead, gram)
        ):
            continue
        if COMPARED_WITH_RE.search(lead):
            _compared_with(body, raws, index, gram)
    for raw in raws:
        if raw.role == "main" and raw.change is None and raw.baseline is None:
            raw.change = _verb_change(body, raw, gram)


def _set_baseline(target: Raw, source: Raw, date: str | None) -> None:
    """``source`` (a figure of the sentence) is the earlier value of ``target``."""
    target.baseline = Baseline(
        value=source.value,
        low=source.low,
        high=source.high,
        date=PartialDate.from_iso(date),
        start=source.start,
        end=source.end,
    )
    if source.value is not None and target.value is not None:
        target.change = compare_values(source.value, target.value)
    source.role = "baseline"


def _from_to(body: str, raws: list[Raw], index: int, gram: Grammar) -> bool:
    """'from X (date) to Y': X is the baseline of Y."""
    raw = raws[index]
    target = None
    for position in range(index + 1, len(raws)):  # sorted by start: the distance check ends the search
        other = raws[position]
        if other.start - raw.end >= FROM_TO_DISTANCE:
            break
        if (
            other.role == "main"
            and gram.to_before.search(body[max(0, other.start - LOOKBEHIND) : other.start])
            and not gram.ceiling_before.search(body[max(0, other.start - LOOKBEHIND) : other.start])
            and _same_measure(raw, other)
        ):
            target = other
            break
    if target is None:
        return False
    date, _ = date_after(body, raw.end, gram, limit=target.start)
    _set_baseline(target, raw, date)
    return True


def _change_from(body: str, raws: list[Raw], index: int, lead: str, gram: Grammar) -> bool:
    """'an increase from 355' with the new value earlier in the sentence."""
    raw = raws[index]
    earlier = _earlier_same_measure(raws, index)
    if earlier is None or not gram.change_from.search(lead):
        return False
    date, _ = date_after(body, raw.end, gram)
    _set_baseline(earlier, raw, date)
    return True


def _compared_with(body: str, raws: list[Raw], index: int, gram: Grammar) -> None:
    """'91%, compared with 64% last year': 64% is the baseline when it is dated earlier."""
    raw = raws[index]
    earlier = _earlier_same_measure(raws, index)
    if earlier is None:
        return
    tail = body[raw.end : raw.end + 60]
    if gram.baseline_time.search(tail[:40]) or EARLIER_YEAR_RE.match(tail):
        date, _ = date_after(body, raw.end, gram)
        _set_baseline(earlier, raw, date)


def _earlier_same_measure(raws: list[Raw], index: int) -> Raw | None:
    """The nearest figure before ``raws[index]`` that measures the same kind of thing."""
    raw = raws[index]
    for position in range(index - 1, -1, -1):
        other = raws[position]
        if other.role == "main" and _same_measure(other, raw):
            return other
    return None


def _verb_change(body: str, raw: Raw, gram: Grammar) -> Change | None:
    """'91% increased', 'rose to 91%', 'fell by 4%': the verb's direction."""
    following = re.match(r"^\s+(\w+)", body[raw.end : raw.end + 20])
    if following and gram.increase.fullmatch(following.group(1)):
        return Change.INCREASE
    if following and gram.decrease.fullmatch(following.group(1)):
        return Change.DECREASE
    window = body[max(0, raw.start - 40) : raw.start]
    if TO_OR_BY_BEFORE_RE.search(window) is None or gram.ceiling_before.search(window):
        return None  # 'up to 12' is a ceiling, not a rise
    if gram.increase.search(window):
        return Change.INCREASE
    if gram.decrease.search(window):
        return Change.DECREASE
    return None


def _same_measure(a: Raw, b: Raw) -> bool:
    return a.kind == b.kind or {a.kind, b.kind} <= {
        MetricKind.COUNT,
        MetricKind.DURATION,
    }


def link_comparators(body: str, raws: list[Raw], gram: Grammar) -> None:
    """'19% (the national average is 15%)': 15% is the comparator of 19%."""
    for index, raw in enumerate(raws):
        if raw.role != "main" or index == 0:
            continue
        window_before = body[max(0, raw.start - 45) : raw.start]
        window_after = COMPARATOR_LEAD_RE.sub("", body[raw.end : raw.end + 40], count=1)
        label = gram.comparator.search(window_before) or gram.comparator.match(window_after)
        if label is None:
            continue
        earlier = next(
            (
                raws[position]
                for position in range(index - 1, -1, -1)
                if raws[position].role == "main" and raws[position].kind == raw.kind
            ),
            None,
        )
        if earlier is None:
            continue
        if earlier.comparator is None:
            earlier.comparator = Comparator(value=raw.value, label=key(label.group("label")))
        # A second comparator of the same figure ('51% in England and 41% for statistical
        # neighbours') is not a figure of its own either.
        raw.role = "comparator"
