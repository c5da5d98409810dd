"""The patterns of figures, compiled once from ``rules/metrics.json``.

Every word list and every shape of a figure is data; this module only turns them into
regular expressions (``{placeholders}`` in shape patterns stand for alternations of the
vocabulary, and each shape's named groups are made unique to it).
"""

from __future__ import annotations

import logging
import re

from ofsted_findings.metrics.indicators import IndicatorMatcher
from ofsted_findings.models import MetricFlag
from ofsted_findings.ruleset.schema import IndicatorRules, MetricShape, MetricVocabulary, Vocabulary

logger = logging.getLogger(__name__)

GROUP_RE = re.compile(r"\(\?P<(?P<name>\w+)>")
#: Characters before and after a figure that its look-ups read: more than any phrase they
#: match ('more than', 'aged 16 or', 'in the last'), so every figure costs the same whatever
#: the length of its sentence.
LOOKBEHIND = 200
LOOKAHEAD = 200
#: Characters before a figure searched for what it measures ('the proportion of ...').
SUBJECT_LOOKBEHIND = 600


def _alternation(phrases: list[str] | set[str]) -> str:
    """Regex alternation, longest first, with flexible spaces."""
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


def shape_pattern(shape: MetricShape, index: int, placeholders: dict[str, str]) -> str:
    """A shape's pattern with its placeholders filled and its groups named ``s<index>_<name>``."""
    pattern = shape.pattern
    for name, value in placeholders.items():
        pattern = pattern.replace("{" + name + "}", value)
    return GROUP_RE.sub(lambda match: f"(?P<s{index}_{match.group('name')}>", pattern)


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
COMPARATOR_LEAD_RE = re.compile(r"^[\s,)]*(?:(?:for|in|across|among|of)\s+)?", re.IGNORECASE)
#: An aside right after a figure: '174 (or 51%) live ...', '17, or 40%, of ...'.
ASIDE_RE = re.compile(r"^\s*(?:\)\s*|\([^)]{0,40}\)\s*|,\s*or\s+[^,]{0,20},\s*)")
SPACE_RUN_RE = re.compile(r"\s+")
SUBJECT_WORD_RE = re.compile(r"[A-Za-z'’-]+")
CLAUSE_END_RE = re.compile(r"[.,;:()]")
#: 'rose to 91%', 'fell by 4%': the verb's direction is the figure's change.
TO_OR_BY_BEFORE_RE = re.compile(r"\b(?:to|by)\s+(?:\w+\s+)?$", re.IGNORECASE)
WORD_RE = re.compile(r"[A-Za-z£'’-]+|\d[\d,.]*")


def word_number_pattern(vocab: MetricVocabulary) -> str:
    """A number in words: a listed number word, or tens and units ('twenty-two')."""
    words = _alternation([w for w in vocab.number_words if " " not in w] + [w for w in vocab.number_words if " " in w])
    tens = _alternation(vocab.tens_words)
    units = _alternation([w for w, v in vocab.number_words.items() if 1 <= v <= 9 and w.isalpha()])
    small = _alternation([w for w, v in vocab.number_words.items() if 1 <= v <= 99 and w.isalpha()])
    scales = _alternation([w for w, v in vocab.number_words.items() if v in (100, 1000) and w.isalpha()])
    below_hundred = rf"(?:(?:{tens})[-\s](?:{units})|{small})"
    # 'three hundred', 'one hundred and twenty', 'two thousand five hundred'
    compound = (
        rf"(?:a|{small})\s+(?:{scales})(?:\s+(?:and\s+)?(?:{small})\s+(?:{scales}))?"
        rf"(?:\s+and\s+{below_hundred}(?![-\s](?:{units})\b))?"
    )
    return rf"(?:{compound}|{below_hundred}|{words})"


def placeholders(vocab: MetricVocabulary) -> dict[str, str]:
    """What each ``{placeholder}`` of a shape pattern stands for."""
    word_number = word_number_pattern(vocab)
    return {
        "digits": DIGITS,
        "word_number": word_number,
        "number": rf"(?P<num>(?<![\w.,£/])(?:{DIGITS})(?![\w/])|(?<=\bfrom)(?:{DIGITS})\b|\b(?:{word_number})\b(?!-year))",
        "hyphen_units": _alternation(list(vocab.hyphen_duration_units)),
        "multiples": _alternation(list(vocab.multiples)),
        "money_multipliers": _alternation(list(vocab.money_multipliers)),
        "fractions": _alternation(list(vocab.fractions)),
        "rate_bases": _alternation(list(vocab.rate_bases)),
        "duration_units": _alternation(list(vocab.duration_units)),
        "zero_words": _alternation(list(vocab.zero_words)) or "(?!)",
    }


class Grammar:
    """Compiled patterns built from the vocabulary."""

    def __init__(
        self, vocab: MetricVocabulary, vocabulary: Vocabulary, indicators: IndicatorRules | None = None
    ) -> None:
        """``vocab``: ``metrics.json``; ``vocabulary``: the shared words (months); ``indicators``:
        ``indicators.json`` (without it no figure gets an indicator)."""
        self.vocab = vocab
        self.indicators = IndicatorMatcher(indicators) if indicators is not None else None
        self.word_number = word_number_pattern(vocab)
        number = rf"(?:£\s?)?(?:{DIGITS}|{self.word_number})"
        # The shapes of a figure (rules: metrics.json "shapes"), one alternation tried in order.
        self.placeholders = placeholders(vocab)
        self.shapes = list(vocab.shapes)
        self.figure = re.compile(
            "|".join(
                f"(?P<s{index}>{shape_pattern(shape, index, self.placeholders)})"
                for index, shape in enumerate(self.shapes)
            ),
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
        self.comparator = re.compile(rf"\b(?P<label>{_alternation(vocab.comparator_labels)})\b", re.IGNORECASE)
        self.baseline_time = re.compile(rf"\b(?:{_alternation(vocab.baseline_time_phrases)})\b", re.IGNORECASE)
        self.non_metric_before = re.compile(rf"\b(?:{_alternation(vocab.non_metric_before)})\s+$", re.IGNORECASE)
        self.age_before = re.compile(rf"\b(?:{_alternation(vocab.age_before)})\s+$", re.IGNORECASE)
        self.non_metric_after = re.compile(rf"^\s?(?:{_alternation(vocab.non_metric_after)})", re.IGNORECASE)
        month_numbers = vocabulary.month_numbers()
        months = _alternation(list(month_numbers))
        self.month_after = re.compile(rf"^\s+(?:{months})\b", re.IGNORECASE)
        self.month_before = re.compile(rf"\b(?:{months})\s+$", re.IGNORECASE)
        self.day_range_after = re.compile(rf"^\s*(?:and|to|-|–)\s*\d{{1,2}}\s+(?:{months})\b", re.IGNORECASE)
        ages = _alternation(vocab.age_before)
        self.age_list_before = re.compile(rf"\b(?:{ages})\s+\d{{1,2}}\s*(?:-\s*)?(?:or|and|to|-|–)\s+$", re.IGNORECASE)
        self.date = re.compile(
            rf"\b(?:(?P<day>\d{{1,2}})\s+)?(?P<month>{months})\s+(?P<year>(?:19|20)\d\d)\b"
            rf"|\b(?P<fy>(?:19|20)\d\d)\s*[-–/]\s*(?P<fy2>\d\d(?:\d\d)?)\b"
            rf"|\b(?P<yearonly>(?:19|20)\d\d)\b",
            re.IGNORECASE,
        )
        self.increase = re.compile(rf"\b(?:{_alternation(vocab.increase_words)})\b", re.IGNORECASE)
        self.decrease = re.compile(rf"\b(?:{_alternation(vocab.decrease_words)})\b", re.IGNORECASE)
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
                *vocab.zero_words,
            ]
            if " " not in w
        ]
        first_words = {w.split()[0] for w in [*vocab.number_words, *vocab.fractions, *vocab.multiples] if " " in w}
        starts = "".join(sorted({w[0].lower() for w in words_only + sorted(first_words)}))
        # The look-ahead on the first letter lets most positions fail before the alternation is tried.
        self.candidate = re.compile(
            rf"\d+|£|\b(?=[{re.escape(starts)}])(?:{_alternation(words_only + sorted(first_words))})\b",
            re.IGNORECASE,
        )
        # One pattern each: Python's engine tries a long alternation at every position, which is
        # several times slower than searching each pattern on its own.
        self.non_metric_spans = tuple(re.compile(pattern, re.IGNORECASE) for pattern in vocab.non_metric_patterns)
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
        self.subject_leader = re.compile(rf"\b(?:{_alternation(vocab.subject_leaders)})\s+", re.IGNORECASE)
        self.stopwords = frozenset(vocab.count_stopwords)
        self.prepositions = frozenset(vocab.subject_prepositions)
        self.subject_skip = frozenset(vocab.subject_skip_words)
        self.subject_stop = frozenset(vocab.subject_stop_words)
        self.subject_predicate = frozenset(vocab.subject_predicate_words)
        self.subject_general = frozenset(vocab.subject_general_nouns)
        self.subject_number_after = frozenset(vocab.subject_number_after)
        self.subject_clause_cut = re.compile(vocab.subject_clause_cut, re.IGNORECASE)
        self.subject_whole_before = re.compile(vocab.subject_whole_before, re.IGNORECASE)
        self.subject_leader_end = re.compile(vocab.subject_leader_end, re.IGNORECASE)
        # what a lead-in, a population or an indicator is read without: 'are being', 'currently'
        self.auxiliaries = self.subject_predicate | (self.subject_skip - ARTICLES)
        self.subject_trailing = frozenset(vocab.subject_trailing_verbs)
        self.subject_fillers = self.subject_trailing | self.stopwords  # words that name nothing measured
        self.months_set = frozenset(month_numbers)
        self.month_index = month_numbers
        self.zero_nouns = frozenset(vocab.zero_nouns)
        self.zero_blockers = frozenset(vocab.zero_blockers)
        self.zero_word_stops = frozenset(vocab.zero_word_stops)
        self.none_context = re.compile(vocab.none_context, re.IGNORECASE)
        self.subject_not_after = re.compile(vocab.subject_not_after, re.IGNORECASE)
        self.subject_part_verbs = re.compile(vocab.subject_part_verbs, re.IGNORECASE)
        self.both_counts = re.compile(vocab.both_counts, re.IGNORECASE)
        self.ordinal_after = re.compile(vocab.ordinal_after, re.IGNORECASE)
        self.all_of_whom = re.compile(vocab.all_of_whom, re.IGNORECASE)
        self.ceiling_before = re.compile(vocab.ceiling_before, re.IGNORECASE)
        self.refers_back = re.compile(vocab.refers_back, re.IGNORECASE)
        self.rate_after_count = re.compile(vocab.rate_after_count, re.IGNORECASE)
        self.one_not_figure = tuple(re.compile(pattern, re.IGNORECASE) for pattern in vocab.one_not_figure)
        self.flag_patterns = {
            MetricFlag(name): tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)
            for name, patterns in sorted(vocab.flag_patterns.items())
        }
        self.population = (
            re.compile(rf"\b(?:{_alternation(vocab.population_nouns)})\b", re.IGNORECASE)
            if vocab.population_nouns
            else None
        )
