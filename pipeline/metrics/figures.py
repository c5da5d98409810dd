"""Figures in a sentence: the shapes of ``rules/metrics.json`` tried where a figure can start.

One loop tries the compiled shapes at each candidate position; the first shape that matches
names the parser that reads the value, and the checks that make a match not a figure (a
year, a date, an age, a section number, a name) run only where that shape needs them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from ofsted_findings.metrics.grammar import LOOKAHEAD, LOOKBEHIND, PERIOD_TAIL_RE, YEAR_RE, Grammar
from ofsted_findings.metrics.numbers import key, parse_number
from ofsted_findings.models import Approx, Baseline, Change, Comparator, MetricKind, Unit

logger = logging.getLogger(__name__)


@dataclass
class Raw:
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
    matched: str | None = None  # what its indicator is matched on, where that is not the subject
    role: str = "main"  # main, baseline, comparator


@dataclass(frozen=True)
class _Match:
    """What one shape matched: the sentence, the span and the shape's own groups."""

    body: str
    start: int
    end: int
    groups: dict[str, str | None]

    def group(self, name: str) -> str | None:
        return self.groups.get(name)

    @property
    def before(self) -> str:
        return self.body[max(0, self.start - LOOKBEHIND) : self.start]

    @property
    def after(self) -> str:
        return self.body[self.end : self.end + LOOKAHEAD]


def find_figures(body: str, gram: Grammar) -> list[Raw]:
    """Every figure of a sentence, in order (ranges, baselines and comparators not yet linked)."""
    raws: list[Raw] = []
    blocked: list[tuple[int, int]] | None = None  # spans where no number is a figure, found once needed
    consumed = 0
    # Try the shapes only where a figure can start (digits, '£', number words).
    for candidate in gram.candidate.finditer(body):
        position = candidate.start()
        if position < consumed:
            continue
        match = gram.figure.match(body, position)
        if match is None or match.end() == match.start():
            continue
        consumed = match.end()
        raw = _read(body, match, gram)
        if raw is None:
            continue
        if blocked is None:
            blocked = [m.span() for pattern in gram.non_metric_spans for m in pattern.finditer(body)]
        if not any(start <= match.start() < end for start, end in blocked):
            raws.append(raw)
    return raws


def _read(body: str, match: re.Match[str], gram: Grammar) -> Raw | None:
    """The figure a shape's match gives, read by the shape's parser."""
    index = next(i for i in range(len(gram.shapes)) if match.group(f"s{i}") is not None)
    shape = gram.shapes[index]
    prefix = f"s{index}_"
    groups = {name.removeprefix(prefix): value for name, value in match.groupdict().items() if name.startswith(prefix)}
    found = _Match(body=body, start=match.start(), end=match.end(), groups=groups)
    return PARSERS[shape.parser](found, MetricKind(shape.kind), Unit(shape.unit) if shape.unit else None, gram)


def _hyphen_duration(found: _Match, kind: MetricKind, unit: Unit | None, gram: Grammar) -> Raw | None:
    """'six-week', 'two-year' as durations."""
    value = parse_number(found.group("num") or "", gram)
    if value is None:
        return None
    duration_unit = gram.vocab.hyphen_duration_units[(found.group("unit") or "").lower()]
    return _with_approx(found.before, Raw(found.start, found.end, kind, value, duration_unit), gram, found.after)


def _multiple(found: _Match, kind: MetricKind, unit: Unit | None, gram: Grammar) -> Raw | None:
    """'doubled', 'trebled' as multiples."""
    word = key(found.group("word") or "")
    value = gram.vocab.multiples[word]
    raw = Raw(found.start, found.end, kind, value, unit or Unit.OTHER)
    if gram.increase.fullmatch(word):
        raw.change = Change.INCREASE  # 'has doubled'
    elif gram.decrease.fullmatch(word):
        raw.change = Change.DECREASE  # 'has halved'
    return _with_approx(found.before, raw, gram)


def _money(found: _Match, kind: MetricKind, unit: Unit | None, gram: Grammar) -> Raw | None:
    """'£4m', '£350,000'."""
    value = parse_number(found.group("num") or "", gram)
    if value is None:
        return None
    multiplier = found.group("mult")
    if multiplier:
        value *= gram.vocab.money_multipliers[multiplier.lower()]
    return _with_approx(found.before, Raw(found.start, found.end, kind, value, unit or Unit.GBP), gram)


def _pence(found: _Match, kind: MetricKind, unit: Unit | None, gram: Grammar) -> Raw | None:
    """'50p' in pounds."""
    value = parse_number(found.group("num") or "", gram)
    if value is None:
        return None
    return _with_approx(found.before, Raw(found.start, found.end, kind, value / 100, unit or Unit.GBP), gram)


def _fraction(found: _Match, kind: MetricKind, unit: Unit | None, gram: Grammar) -> Raw | None:
    """'two thirds', 'a quarter', 'one in five' (0 to 1)."""
    word = found.group("word")
    if word:
        phrase = re.sub(r"[\s-]+", " ", word.lower())
        value = gram.vocab.fractions.get(phrase) or gram.vocab.fractions.get(word.lower())
        if value is None:
            return None
        if phrase == "half" and not (gram.half_context.match(found.after) or gram.approx_before.search(found.before)):
            return None
        if gram.ordinal_after.match(found.after):
            return None  # 'a third visit', 'a third-party provider'
        value = float(value)
    else:
        den_text = found.group("den") or ""
        denominator = parse_number(den_text, gram)
        if not denominator or YEAR_RE.match(den_text):
            return None  # 'one in five', not 'one in 2016'
        value = round(1 / denominator, 3)
    return _with_approx(found.before, Raw(found.start, found.end, kind, round(value, 3), unit or Unit.FRACTION), gram)


def _percent(found: _Match, kind: MetricKind, unit: Unit | None, gram: Grammar) -> Raw | None:
    """'91%', '91 per cent'."""
    value = parse_number(found.group("num") or "", gram)
    if value is None:
        return None
    return _with_approx(found.before, Raw(found.start, found.end, kind, value, unit or Unit.PERCENT), gram, found.after)


def _rate(found: _Match, kind: MetricKind, unit: Unit | None, gram: Grammar) -> Raw | None:
    """'98 per 10,000 children'."""
    value = parse_number(found.group("num") or "", gram)
    if value is None:
        return None
    rate_unit = gram.vocab.rate_bases[re.sub(r"\s+", "", found.group("base") or "")]
    return _with_approx(found.before, Raw(found.start, found.end, kind, value, rate_unit), gram)


def _duration(found: _Match, kind: MetricKind, unit: Unit | None, gram: Grammar) -> Raw | None:
    """'28 days', 'ten working days' (not 'in the last 12 months', which dates a statement)."""
    number_text = found.group("num") or ""
    value = parse_number(number_text, gram)
    if value is None or _is_not_a_measure(found.body, found.start, found.start + len(number_text), number_text, gram):
        return None
    if gram.reference_period.search(found.before):
        return None  # 'in the last 12 months' dates a statement; it measures nothing
    duration_unit = gram.vocab.duration_units[key(found.group("unit") or "")]
    if duration_unit is Unit.YEARS and re.match(r"^\s*(?:-|\s)?old\b", found.after, re.IGNORECASE):
        return None
    return _with_approx(found.before, Raw(found.start, found.end, kind, value, duration_unit), gram, found.after)


def _count(found: _Match, kind: MetricKind, unit: Unit | None, gram: Grammar) -> Raw | None:
    """A number on its own counts something, unless it is a year, a date, an age or part of a name."""
    number_text = found.group("num") or ""
    value = parse_number(number_text, gram)
    number_end = found.start + len(number_text)
    if value is None or _is_not_a_measure(found.body, found.start, number_end, number_text, gram):
        return None
    after = found.body[number_end : number_end + LOOKAHEAD]
    if not number_text[0].isdigit() and not _word_number_counts(found.before, after, number_text, gram):
        return None
    return _with_approx(found.before, Raw(found.start, number_end, kind, value, unit or Unit.COUNT), gram, after)


def _zero(found: _Match, kind: MetricKind, unit: Unit | None, gram: Grammar) -> Raw | None:
    """'no children', 'none of them': a count of 0 (not 'no evidence', 'no delay', 'no longer')."""
    word = key(found.group("word") or "")
    if word == "none":
        if not gram.none_context.match(found.after):
            return None
    elif not _zero_counts(found.after, gram):
        return None
    return Raw(found.start, found.end, kind, gram.vocab.zero_words[word], unit or Unit.COUNT)


def _zero_counts(after: str, gram: Grammar) -> bool:
    """Whether the words after 'no' name something counted: up to ``zero_max_words`` words
    before a stop word, ending at the first counted noun (a plural or one of ``zero_nouns``:
    'no children experienced harm' counts children), none of them a quality ('no clear plan')."""
    words: list[str] = []
    counted = False
    for match in re.finditer(r"\S+", after[:80]):
        token = match.group(0)
        word = token.lower().strip("’'").rstrip(".,;:)")
        if not word or word in gram.zero_word_stops or not re.fullmatch(r"[a-z’'-]+", word):
            break
        words.append(word.replace("’", "'"))
        counted = _counted_noun(words[-1], gram)
        if counted or len(words) == gram.vocab.zero_max_words or token[-1] in ".,;:)":
            break
    return counted and not any(word in gram.zero_blockers for word in words)


def _counted_noun(word: str, gram: Grammar) -> bool:
    """A noun that 'no' counts: one of ``zero_nouns``, or a plural."""
    return word in gram.zero_nouns or (word.endswith("s") and not word.endswith(("ss", "'s", "us")) and len(word) > 3)


#: How each shape's match is read (``parser`` in ``rules/metrics.json`` ``shapes``).
PARSERS: dict[str, Callable[[_Match, MetricKind, Unit | None, Grammar], Raw | None]] = {
    "hyphen_duration": _hyphen_duration,
    "multiple": _multiple,
    "money": _money,
    "pence": _pence,
    "fraction": _fraction,
    "percent": _percent,
    "rate": _rate,
    "duration": _duration,
    "zero": _zero,
    "count": _count,
}


def _is_not_a_measure(body: str, start: int, end: int, number_text: str, gram: Grammar) -> bool:
    """Years, dates, ages, section/outcome numbers and numbers inside names."""
    before = body[max(0, start - LOOKBEHIND) : start]
    after = body[end : end + LOOKAHEAD]
    plain = number_text.replace(",", "")
    if "," not in number_text and YEAR_RE.match(plain) and not re.match(r"^\s*(?:%|per\s?cent)", after):
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
    if lowered == "both":
        return gram.both_counts.match(after) is not None
    if lowered == "one":
        if next_word in ("of", "another", "or", "to", "and"):
            return False
        around = f"{before}#{after}"
        if any(pattern.search(around) for pattern in gram.one_not_figure):
            return False  # 'in one case', 'one young person said', 'from one team to another'
        if gram.one_context.search(before):
            return True
        return next_word in gram.one_nouns
    if re.match(r"^\s+\(\d", after):
        return True  # 'Six (46%) of the 13 cases'
    if not following:
        return gram.clause_end_number.search(before) is not None
    return next_word not in gram.word_number_blockers


def _with_approx(before: str, raw: Raw, gram: Grammar, after: str = "") -> Raw:
    match = gram.approx_before.search(before)
    if match:
        raw.approx = gram.vocab.approx_before[key(match.group("approx"))]
    following = gram.approx_after.match(after)
    if following:
        raw.approx = gram.vocab.approx_after[key(following.group("approx"))]
    return raw
