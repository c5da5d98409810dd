"""The rule files' models: every field of every rule file, with what it means.

These models are the one place where the rule files are documented: ``rules/README.md``
is generated from them (``ofsted-findings rules readme``) and a test checks it is
current. Every model forbids unknown keys, so a misspelt key fails at load with the file
and line; fields that hold regular expressions are compiled when the rules are loaded.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from ofsted_findings.models import AreaSendOutcome, DocumentKind, Grade, JudgementArea, MetricKind, Unit
from ofsted_findings.models.document import Approx, Polarity, SectionCategory, Theme


def _compiles(pattern: str) -> str:
    """A regular expression field: it must compile."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc})") from exc
    return pattern


#: A regular expression (Python ``re`` syntax), checked when the rules are loaded.
Regex = Annotated[str, AfterValidator(_compiles)]


class _Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- vocabulary.json ------------------------------------------------------------------------


class Month(_Rule):
    """A month and the names it is printed as."""

    number: int = Field(ge=1, le=12, description="1 for January ... 12 for December.")
    names: list[str] = Field(min_length=1, description="Lower-case names: the full name first, then abbreviations.")


class GradeWord(_Rule):
    """A judgement grade and how it is printed."""

    grade: Grade = Field(description="Canonical grade.")
    pattern: Regex = Field(description="Case-insensitive pattern of the grade in running text.")
    cell: Regex = Field(description="Case-sensitive pattern of the grade alone in a judgement-table cell.")
    position: int | None = Field(
        description="Place on the four-point scale every framework used (1 best, 4 worst); null for not judged."
    )


class Vocabulary(_Rule):
    """``vocabulary.json``: words more than one stage uses, in one place.

    Other files refer to them with placeholders in their patterns: ``{month}`` (every month
    name and abbreviation), ``{month_name}`` (full names only), ``{grade}`` (the grade
    patterns) and ``{closing}`` (the closing formulas)."""

    months: list[Month] = Field(description="The twelve months.")
    grades: list[GradeWord] = Field(description="Grades, in the order they are tried (longer and more specific first).")
    other_grade_cells: list[Regex] = Field(
        description="Table cells in a grade column that are not grades ('Not applicable')."
    )
    eras: dict[str, str] = Field(
        description="The framework (era) of each kind of inspection that grades, as shown to readers."
    )
    closings: list[str] = Field(description="A letter's closing formulas ('Yours sincerely').")
    subject_stopwords: list[str] = Field(description="Words left out of a metric subject's normalised words.")

    def placeholders(self) -> dict[str, str]:
        """What each placeholder in another rule file's patterns stands for."""
        every = [name for month in self.months for name in month.names]
        return {
            "month": "|".join(sorted(map(re.escape, every), key=lambda n: (-len(n), n))),
            "month_name": "|".join(re.escape(month.names[0]) for month in self.months),
            "grade": "|".join(f"(?:{grade.pattern})" for grade in self.grades),
            "closing": "|".join(re.escape(closing) for closing in self.closings),
        }

    def month_numbers(self) -> dict[str, int]:
        """Every month name and abbreviation, with its month's number."""
        return {name: month.number for month in self.months for name in month.names}

    def abbreviations(self) -> list[str]:
        """Month abbreviations (their full stop does not end a sentence)."""
        return [name for month in self.months for name in month.names[1:]]


# --- layout.json -------------------------------------------------------------------------


class LayoutRules(_Rule):
    """``layout.json``: how printed lines become the text's blocks (normalisation)."""

    bullet_glyphs: list[str] = Field(description="Characters that open a bullet item (dropped from the text).")
    page_number_patterns: list[Regex] = Field(
        description="A line in the header or footer zone whose text, digits replaced by '#', matches one of these is a page number."
    )
    running_line_min_share: float = Field(
        description="A line printed in the header/footer zone of at least this share of pages is a running header or footer."
    )
    running_line_min_pages: int = Field(description="...and on at least this many pages.")
    running_zone_top: float = Field(description="Header zone: the top of the page down to this fraction of its height.")
    running_zone_bottom: float = Field(description="Footer zone: from this fraction of the page height to the bottom.")
    page_number_zone_top: float = Field(
        description="A lone number above this fraction of the height may be a page number."
    )
    page_number_zone_bottom: float = Field(description="...or below this fraction.")
    page_number_max_offset: int = Field(
        description="A lone number in those bands is a page number when it differs from the physical page by at most this."
    )
    salutation_pattern: Regex = Field(
        description="The line that ends a letter's letterhead and address block ('Dear ...')."
    )
    letterhead_max_lines: int = Field(
        description="A salutation later than this many lines into page 1 is not a letterhead's end."
    )
    keep_hyphen_prefixes: list[str] = Field(
        description="A word broken at a line-end hyphen after one of these keeps its hyphen ('multi-' + 'agency')."
    )
    join_hyphen_suffixes: list[str] = Field(
        description="A line-end hyphen before one of these endings was hyphenation and is removed ('assess-' + 'ment')."
    )
    ligatures: dict[str, str] = Field(description="Ligature characters and the letters they stand for.")
    characters: dict[str, str] = Field(
        description="Characters mapped to plain ones (curly quotes, odd spaces, dashes)."
    )
    heading_max_chars: int = Field(
        description="A line longer than this is never a heading (nor a 'Label: value' field)."
    )
    heading_size_ratio: float = Field(description="A line at least this many times the body font size is a heading.")
    footnote_size_ratio: float = Field(
        description="Lines at the foot of a page at most this share of the body size are footnotes."
    )
    paragraph_gap_ratio: float = Field(
        description="A gap between lines larger than this many line heights ends a paragraph."
    )
    closing_pattern: Regex = Field(description="A letter's closing line ('Yours sincerely'): never a heading.")
    text_heading_max_chars: int = Field(
        description="In plain text, a lone short line up to this length may be a heading."
    )


# --- segment.json ------------------------------------------------------------------------


class NotRunningText(_Rule):
    """A kind of block that is not running text (Ofsted's back page, contact details)."""

    id: str = Field(description="Unique rule id.")
    pattern: Regex = Field(description="Case-insensitive pattern searched in the block's text.")
    scope: Literal["block", "rest_of_page"] = Field(
        default="block",
        description="block: the matching block only; rest_of_page: it and every later block on its page "
        "(where a back page begins).",
    )
    note: str = Field(default="", description="What the pattern recognises.")


class SegmentRules(_Rule):
    """``segment.json``: where sentences end."""

    sentence_final: list[str] = Field(description="Punctuation that ends a sentence.")
    closing_punctuation: list[str] = Field(description="Closing quotes and brackets that may follow it.")
    abbreviations: list[str] = Field(description="Words whose full stop does not end a sentence (lower case, no stop).")
    sentence_block_kinds: list[Literal["paragraph", "bullet", "numbered", "field"]] = Field(
        description="Kinds of block whose text is made of sentences (headings, letterheads and footnotes are not)."
    )
    not_running_text: list[NotRunningText] = Field(
        default_factory=list,
        description="Blocks that are printed like paragraphs but are not running text (no sentence is made of them).",
    )
    table_labels: list[Regex] = Field(
        default_factory=list,
        description="Row labels of judgement tables as printed without the numbering that judgements.jsonl expects "
        "('Children who need help and protection', 'Care leavers'); matched case-insensitively at a block's start.",
    )
    contents_line: Regex | None = Field(
        default=None,
        description="A line of a contents page: text without sentence punctuation ending in a page number (group "
        "page). Blocks that match are not running text when their page has at least `contents_min_lines` of them "
        "with page numbers that never decrease (a table of figures does not), on the first `contents_max_page` pages.",
    )
    contents_number: Regex | None = Field(
        default=None,
        description="A page number in a contents block (group page); a block may hold several entries when the "
        "contents lines were read as one.",
    )
    contents_min_lines: int = Field(default=3, ge=1, description="Page numbers a contents page has at least.")
    contents_max_page: int = Field(default=4, ge=1, description="Contents pages are among the first pages only.")
    table_cells: list[Regex] = Field(
        default_factory=list,
        description="Grade cells as some tables print them besides the grades of vocabulary.json ('Require "
        "improvement'); a block or sentence that is only one of them is not running text.",
    )
    reference_sentences: list[Regex] = Field(
        default_factory=list,
        description="Cross-references printed as a sentence of their own ('(Outcome 3, national framework)', "
        "'(paragraphs 17 and 99)'); a sentence that is only one of them is not running text.",
    )
    table_cell_max_words: int = Field(
        default=2,
        description="A block made of judgement labels (judgements.jsonl) and grades (vocabulary.json) with at most "
        "this many other words is a judgement-table cell or row label, not running text.",
    )


# --- sections.jsonl ----------------------------------------------------------------------


class SectionRule(_Rule):
    """One line of ``sections.jsonl``: a heading pattern and the section it opens."""

    id: str = Field(description="Unique rule id, cited by findings whose polarity comes from the section.")
    pattern: Regex = Field(description="Regular expression matched case-insensitively at the heading's start.")
    category: SectionCategory = Field(description="Canonical category of the section.")
    level: Literal[1, 2] = Field(
        default=2,
        description="1 opens a part of the document; 2 nests under the last level-1 heading.",
    )
    default_polarity: Polarity | None = Field(
        default=None,
        description="Every sentence in the section is a finding of this polarity ('What needs to improve'), "
        "unless its own words make it mixed.",
    )
    themes: tuple[Theme, ...] = Field(default=(), description="Themes of a finding here whose own words name none.")
    no_findings: bool = Field(
        default=False,
        description="Sentences here are never findings (contents, definitions).",
    )
    field_heading: bool = Field(
        default=False,
        description="The heading is also recognised when printed as a 'Label: text' line, which is otherwise a "
        "field ('Case study: highly effective practice').",
    )


# --- cues.jsonl, modifiers.jsonl, contrasts.jsonl, themes.jsonl ----------------------------


class FindingRules(_Rule):
    """``findings.json``: the numbers the findings stage decides with (``rules fit`` writes them)."""

    min_score: float = Field(
        default=0.25,
        gt=0,
        description="A clause is a strength when the weighed sum of its cues and modifiers is at least this, a "
        "weakness when it is at most minus this; closer to zero it states nothing either way.",
    )
    default_min_words: int = Field(
        default=4,
        ge=0,
        description="A sentence with fewer words than this and no sentence-final punctuation is a heading, a list "
        "sub-heading ('Governance' in a 'What needs to improve' list) or a fragment, not a statement: no finding.",
    )
    predicate_window: int = Field(
        default=4,
        ge=0,
        description="A `predicate` modifier decides only when a cue, a negation or a partial modifier starts within "
        "this many tokens after it ('is not readily accessible', 'is underdeveloped').",
    )
    predicate_not_after: tuple[str, ...] = Field(
        default=(),
        description="Words after which a `predicate` modifier ('is', 'are') belongs to a relative or subordinate "
        "clause ('who are', 'while they are') and does not mark where the clause's predicate begins.",
    )
    neutral_openers: tuple[Regex, ...] = Field(
        default=(),
        description="A sentence that starts with one of these (case-insensitive) says how the inspection was done "
        "or what must happen next ('Inspectors looked at the quality of ...', 'The response should set out ...'), "
        "not what inspectors found: it gives no finding, whatever cues its topic words fire.",
    )


class CueRule(_Rule):
    """One line of ``cues.jsonl``: a phrase or pattern that signals a polarity."""

    id: str = Field(description="Unique rule id, listed in every finding it helps to make.")
    polarity: Polarity = Field(description="The polarity the cue signals.")
    pattern: str | list[dict[str, Any]] = Field(
        description="A phrase (matched case-insensitively on whole tokens by spaCy's PhraseMatcher), a list of spaCy "
        "token patterns (Matcher), or, with regex true, a regular expression over the text widened to whole tokens."
    )
    weight: float = Field(
        default=1.0,
        description="How much the cue counts: 2 decisive, 0.5 leaning; 0 marks context that is not evaluation and wins "
        "over the shorter cues inside it ('was judged inadequate' in an earlier year).",
    )
    regex: bool = Field(default=False, description="The pattern is a regular expression over the text.")
    negatable: bool = Field(
        default=True,
        description="A negation in scope flips the cue. False for a cue that names whom a claim is about ('some "
        "children'): in 'not smooth enough for some young people' it stays a weakness.",
    )

    @field_validator("pattern")
    @classmethod
    def _pattern_shape(cls, pattern: str | list[dict[str, Any]]) -> str | list[dict[str, Any]]:
        if isinstance(pattern, str) and not pattern.strip():
            raise ValueError("empty pattern")
        return pattern

    @model_validator(mode="after")
    def _regex_compiles(self) -> CueRule:
        if self.regex:
            if not isinstance(self.pattern, str):
                raise ValueError("pattern: a regex cue's pattern is a string")
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"pattern: not a valid regular expression ({exc})") from exc
        return self


class ModifierRule(_Rule):
    """One line of ``modifiers.jsonl``: a phrase that changes the cues in its scope (ConText-style)."""

    id: str = Field(description="Unique rule id, listed in a finding's modifiers when it applied.")
    literal: str = Field(description="The phrase (case-insensitive, whole tokens).")
    effect: Literal["negate", "partial", "hedge", "pseudo", "purpose", "complement", "topic", "predicate"] = Field(
        description="negate flips a cue's polarity; partial makes a cue a weakness ('not always good'); hedge marks the "
        "finding hedged and keeps its polarity; pseudo looks like a negation but is not, and blocks shorter matches. "
        "The other three govern the words in their scope, which are not the claim: purpose opens a purpose clause "
        "('to ensure that', 'so that') whose cues count only when nothing before it in the clause carries polarity; "
        "complement is a predicate whose object is what it acts on ('a barrier to', 'limiting'): the cues in its "
        "scope do not count and the phrase gives its own polarity through `implies`; topic makes the weakness cues in "
        "its scope a subject, not a judgement ('address the weaknesses', 'despite the challenges'). predicate marks "
        "where a clause's predicate begins ('is', 'are', 'has been'): when the words after it carry a polarity, cues "
        "of the other polarity before it are the subject's, not the claim ('The approach to helping young people is "
        "underdeveloped'); direction, max_scope and implies do not apply."
    )
    direction: Literal["forward", "backward", "both"] = Field(
        default="forward",
        description="Scope: the words after the phrase, before it, or both.",
    )
    max_scope: int = Field(default=8, ge=0, description="Scope in tokens; it never leaves the clause.")
    implies: Polarity | None = Field(
        default=None,
        description="Polarity given to a clause with no cue in scope ('Not all children have a plan.').",
    )
    hedge: bool = Field(
        default=False,
        description="Also marks the finding as hedged ('yet to', 'not yet').",
    )
    implied_weight: float = Field(default=1.0, ge=0, description="Weight of the implied polarity.")


class ContrastRule(_Rule):
    """One line of ``contrasts.jsonl``: a marker that splits a sentence into clauses."""

    id: str = Field(description="Unique rule id.")
    literal: str = Field(description="The marker (case-insensitive, whole tokens).")
    kind: Literal["subordinate", "coordinate"] = Field(
        description="subordinate: at a sentence's start it opens a clause ending at the next comma ('Although X, Y'); "
        "after a comma a new clause starts at it ('X, although Y'). coordinate: a new clause starts at it ('X, but Y'); "
        "at a sentence's start it refers back and splits nothing."
    )
    at_start: bool = Field(
        default=True,
        description="Counts only at the sentence's start or after a comma, semicolon or dash; false lets it split anywhere.",
    )
    implies_opposite: bool = Field(
        default=False,
        description="A concession clause without cues takes the opposite polarity of the main clause.",
    )
    after_words: list[str] = Field(
        default_factory=list,
        description="Words after which the marker also opens a clause although at_start is true ('recognises that "
        "although X, Y'); a subordinate marker opened there, or after a comma, ends its clause at the next comma.",
    )


class ThemeRule(_Rule):
    """One line of ``themes.jsonl``: a phrase that puts a finding under a theme."""

    id: str = Field(description="Unique rule id.")
    theme: Theme = Field(description="Theme id (annotation guide).")
    pattern: str = Field(description="Phrase matched case-insensitively on whole tokens in the finding's own words.")


# --- metrics.json ------------------------------------------------------------------------


#: Placeholders a metric shape's pattern may use; each stands for an alternation built from
#: the vocabulary (``{number}`` is a whole number in digits or words, as group ``num``).
SHAPE_PLACEHOLDERS = (
    "digits",
    "word_number",
    "number",
    "hyphen_units",
    "multiples",
    "money_multipliers",
    "fractions",
    "rate_bases",
    "duration_units",
    "zero_words",
)


class MetricShape(_Rule):
    """One shape a figure can take (``metrics.json`` ``shapes``): tried in order at every place a
    figure can start; the first that matches decides the kind, the unit and how it is read."""

    id: str = Field(description="Unique rule id.")
    pattern: str = Field(
        description="Regular expression with named groups (num, unit, mult, den, one, word, base) and placeholders "
        "in braces: " + ", ".join(f"{{{name}}}" for name in SHAPE_PLACEHOLDERS) + "."
    )
    kind: MetricKind = Field(description="The kind of figure the shape gives.")
    unit: Unit | None = Field(
        default=None, description="Its unit, when the shape fixes one (durations and rates take it from their words)."
    )
    parser: Literal[
        "hyphen_duration", "multiple", "money", "pence", "fraction", "percent", "rate", "duration", "zero", "count"
    ] = Field(description="How the matched groups become a value (and which checks make a match not a figure).")


class MetricVocabulary(_Rule):
    """``metrics.json``: the shapes, words and patterns of figures."""

    number_words: dict[str, float] = Field(description="Number words and their values ('nine': 9, 'a hundred': 100).")
    tens_words: list[str] = Field(description="Tens that combine with units ('twenty' + '-two').")
    fractions: dict[str, float] = Field(description="Fraction words and their values ('two thirds': 0.667).")
    money_multipliers: dict[str, float] = Field(description="Suffixes after a sum of money ('m': 1,000,000).")
    duration_units: dict[str, Unit] = Field(description="Words after a number that make it a duration, and the unit.")
    rate_bases: dict[str, Unit] = Field(description="What follows 'per' in a rate ('10,000': per_10000).")
    approx_before: dict[str, Approx] = Field(description="Words before a figure that qualify it ('more than').")
    approx_after: dict[str, Approx] = Field(description="Words after a figure that qualify it ('or more').")
    comparator_labels: list[str] = Field(description="Populations a figure is compared with ('national average').")
    baseline_time_phrases: list[str] = Field(description="Phrases that date a compared value as earlier ('last year').")
    increase_words: list[str] = Field(description="Words that state a rise.")
    decrease_words: list[str] = Field(description="Words that state a fall.")
    non_metric_before: list[str] = Field(
        description="Words before a number that make it a name or reference ('paragraph')."
    )
    non_metric_after: list[str] = Field(description="Words after a number that make it a name or reference.")
    age_before: list[str] = Field(description="Words before a number that make it an age ('aged').")
    count_stopwords: list[str] = Field(description="Words left out at the start of a subject.")
    multiples: dict[str, float] = Field(description="Words that state a multiple ('doubled': 2).")
    hyphen_duration_units: dict[str, Unit] = Field(description="Units of hyphenated durations ('six-week').")
    subject_prepositions: list[str] = Field(description="Prepositions a subject may run on through.")
    subject_skip_words: list[str] = Field(description="Words skipped inside a subject (auxiliaries).")
    subject_stop_words: list[str] = Field(description="Words that end a subject.")
    subject_predicate_words: list[str] = Field(
        default_factory=list,
        description="Auxiliaries and modals that open a predicate after the counted noun ('are', 'will'): "
        "the subject ends there, unless the noun is a general one ('subject_general_nouns').",
    )
    subject_clause_cut: Regex = Field(
        default="(?!)",
        description="A clause of purpose, cause or consequence after a counted noun, where a subject ends "
        "('two new posts to progress the work', '125 children subject to plans due to risk of neglect').",
    )
    subject_whole_before: Regex = Field(
        default="(?!)",
        description="The whole a figure is a part of, named before it in its sentence with its noun left out "
        "after the figure ('of the 22 young people who should have attended, 17 attended'): group 'whole' "
        "is read for the subject. Searched in the text before the figure, so it ends with '$'.",
    )
    subject_leader_end: Regex = Field(
        default="(?!)",
        description="Where the subject after a leader phrase ('the number of ...') gives way to its figures "
        "('from 22%', 'rose to 9%', 'is 7%').",
    )
    subject_number_after: list[str] = Field(
        default_factory=list,
        description="Words after which a number is part of a subject, not the next figure ('the age of 18', "
        "'Year 10', 'level 2', 'section 11').",
    )
    subject_general_nouns: list[str] = Field(
        default_factory=list,
        description="Nouns that alone do not say what is counted ('children', 'cases'): a subject that is only "
        "these runs on through the predicate after them, to the end of its clause ('412 children are looked "
        "after by the local authority').",
    )
    subject_trailing_verbs: list[str] = Field(description="Verbs dropped from a subject's end.")
    subject_leaders: list[str] = Field(
        description="Phrases whose following words are the subject ('the proportion of')."
    )
    next_sentence_baseline: Regex = Field(
        description="A sentence opening that gives the previous sentence's figures a baseline ('This is an increase from')."
    )
    max_subject_words: int = Field(description="Longest subject, in words.")
    non_metric_patterns: list[Regex] = Field(description="Spans of text in which no number is a figure.")
    reference_period_before: Regex = Field(description="A period that dates a statement ('in the last 12 months').")
    half_context: Regex = Field(description="What must follow 'half' for it to be a figure ('half of the').")
    word_number_blockers: list[str] = Field(description="Words after a number word that make it not a count.")
    one_contexts: Regex = Field(description="Words before 'one' that make it a count ('just', 'only').")
    one_nouns: list[str] = Field(description="Nouns after 'one' that make it a count.")
    word_number_at_clause_end_after: list[str] = Field(
        description="Words before a number word ending a clause that make it a count ('rose to')."
    )
    baseline_change_words: list[str] = Field(description="Change nouns before 'from X' ('an increase from').")
    shapes: list[MetricShape] = Field(description="Shapes of a figure, tried in order (checked after the words above).")
    flag_patterns: dict[Literal["inspection_team", "administrative"], list[Regex]] = Field(
        default_factory=dict,
        description="Patterns that flag a figure as not measuring the service, searched in the text around it with "
        "the figure itself written '#' ('a team of # inspectors', 'within # working days of receiving').",
    )
    zero_words: dict[str, float] = Field(
        default_factory=dict, description="Words that state a quantity of none ('no', 'none'): value 0."
    )
    zero_nouns: list[str] = Field(
        default_factory=list,
        description="Singular nouns a zero word may count ('no permanent manager'); a plural noun counts anyway.",
    )
    zero_blockers: list[str] = Field(
        default_factory=list,
        description="Words after 'no' that make it the absence of a quality, not a count ('no evidence', 'no delay').",
    )
    zero_word_stops: list[str] = Field(
        default_factory=list, description="Words that end the phrase read after 'no' (at most `zero_max_words`)."
    )
    zero_max_words: int = Field(
        default=3,
        ge=1,
        description="How many words after 'no' are read for a counted noun ('no unallocated social care cases').",
    )
    subject_not_after: Regex = Field(
        default="(?!)",
        description="Words right after a figure that are not what it measures (a period: 'in the same period', "
        "'over the past six months'): the subject is then read before the figure.",
    )
    subject_part_verbs: Regex = Field(
        default="(?!)",
        description="Words right before a figure that make the words before them its subject ('minority ethnic "
        "groups account for 6% of all children': the groups, not all children).",
    )
    none_context: Regex = Field(
        default="^$", description="What must follow 'none' for it to be a count of 0 ('none of them', 'none are')."
    )
    both_counts: Regex = Field(
        default="(?!)",
        description="What must follow 'both' for it to count two things ('both of whom', 'both hospitals'); "
        "otherwise it is a coordination ('both children and parents').",
    )
    ordinal_after: Regex = Field(
        default="^$", description="Words after 'a third', 'a fourth' that make it an ordinal ('a third visit')."
    )
    all_of_whom: Regex = Field(
        default="^$",
        description="'all' after a count that restates it ('12 care leavers, all of whom ...'): group 'all' is "
        "a figure with the count's value.",
    )
    one_not_figure: list[Regex] = Field(
        default_factory=list,
        description="Where 'one' is a determiner or an anecdote, not a count ('in one case', 'one young person "
        "said', 'from one team to another'): searched in the text around it with 'one' written '#'.",
    )
    rate_after_count: Regex = Field(
        default="(?!)",
        description="The words between a count and a rate printed in brackets after it ('412 children are "
        "looked after (a rate of 62 per 10,000 children)'): the rate then measures what the count does and "
        "takes its subject.",
    )
    refers_back: Regex = Field(
        default="(?!)",
        description="A list lead-in that refers back to the figure before it ('Of this number:', 'Of these:'): "
        "its items take that figure's population.",
    )
    ceiling_before: Regex = Field(
        default="^$", description="Words before a figure that make it a ceiling, not a change ('up to')."
    )
    population_nouns: list[str] = Field(
        default_factory=list,
        description="Who a figure may count ('care leavers', 'children in care', 'social workers'): the first one "
        "found in its subject (the longest starting there) is its population.",
    )

    @field_validator("shapes")
    @classmethod
    def _shapes_compile(cls, shapes: list[MetricShape], info: ValidationInfo) -> list[MetricShape]:
        from ofsted_findings.metrics.grammar import placeholders, shape_pattern

        try:
            vocabulary = cls.model_construct(**info.data)
            filled = placeholders(vocabulary)
        except (KeyError, TypeError, AttributeError):
            return shapes  # the words themselves are invalid; that error is reported on them
        for index, shape in enumerate(shapes):
            try:
                re.compile(shape_pattern(shape, index, filled), re.IGNORECASE)
            except re.error as exc:
                raise ValueError(f"shape {shape.id!r} (number {index + 1}) is not a valid pattern ({exc})") from exc
        return shapes


# --- indicators.json ----------------------------------------------------------------------


class IndicatorMatch(_Rule):
    """How a figure is recognised as a value of an indicator (``indicators.json`` ``match``).

    The patterns are searched, case-insensitively, first in the figure's subject alone, then
    in the subject followed by the clause of its sentence that holds it; ``none`` is always
    looked for in both."""

    units: list[Unit] = Field(min_length=1, description="Units a figure of the indicator may have.")
    any: list[Regex] = Field(min_length=1, description="At least one of these must be found.")
    all: list[Regex] = Field(default_factory=list, description="Each of these must be found as well.")
    none: list[Regex] = Field(
        default_factory=list, description="None of these may be found in the subject or the figure's clause."
    )
    priority: int = Field(
        default=1,
        description="When several indicators fit a figure, the highest priority wins (a narrower measure has a "
        "higher one); equal priorities go to the first in the file.",
    )


class Indicator(_Rule):
    """A canonical measure that figures of different authorities can be compared on."""

    id: str = Field(pattern=r"^[a-z0-9_]+$", description="Unique id (the value of ``metrics[].indicator``).")
    label: str = Field(description="Short human-readable name.")
    unit: Unit = Field(description="The unit the measure is usually printed in.")
    definition: str = Field(description="What the measure is, as the letters and reports use it.")
    collection: str | None = Field(
        description="The official data collection it corresponds to, where known (children_in_need_census, "
        "children_looked_after_ssda903, social_work_workforce_census, ...), or null."
    )
    match: IndicatorMatch = Field(description="The rules that recognise a figure of this measure.")


class IndicatorRules(_Rule):
    """``indicators.json``: canonical measures and the rules that assign figures to them."""

    conventions: list[str] = Field(description="How the definitions are to be read (what is and is not a value).")
    indicators: list[Indicator] = Field(min_length=1, description="The measures, each with its matching rules.")

    @field_validator("indicators")
    @classmethod
    def _unique_ids(cls, indicators: list[Indicator]) -> list[Indicator]:
        seen: set[str] = set()
        for indicator in indicators:
            if indicator.id in seen:
                raise ValueError(f"indicator id {indicator.id!r} is used twice")
            seen.add(indicator.id)
        return indicators


# --- metadata.json, judgements.jsonl --------------------------------------------------------


class KindRule(_Rule):
    """A title pattern that identifies a kind of document (``metadata.json`` ``kinds``)."""

    id: str = Field(description="Unique rule id.")
    kind: DocumentKind = Field(description="The kind of document.")
    pattern: Regex = Field(description="Case-insensitive, multi-line pattern looked for in the title region.")
    framework: str | None = Field(default=None, description="Framework detail the title implies.")


class StructureKindRule(_Rule):
    """A kind told by the document's structure when no title pattern matched (``metadata.json``
    ``structure_kinds``): a judgement-table label or a framework phrase of that kind."""

    id: str = Field(description="Unique rule id.")
    kind: DocumentKind = Field(description="The kind of document.")
    pattern: Regex = Field(description="Case-insensitive, multi-line pattern looked for in the judgement window.")
    framework: str | None = Field(default=None, description="Framework detail the structure implies.")


class FocusRule(_Rule):
    """Where a document of some kinds prints its theme (``metadata.json`` ``kind_focus``)."""

    id: str = Field(description="Unique rule id.")
    kinds: list[DocumentKind] = Field(description="Kinds of document the cue is used for.")
    pattern: Regex = Field(
        description="Case-insensitive, multi-line cue; the focus begins where the match ends and runs to the end "
        "of its sentence or line."
    )
    cut_place: bool = Field(
        default=False, description="Drop a trailing place ('... in Kirklees', matched by `place_suffix`)."
    )


class AreaSendOutcomeRule(_Rule):
    """One outcome of an area SEND inspection as printed (``metadata.json`` ``area_send_outcomes``)."""

    id: str = Field(description="Unique rule id.")
    outcome: AreaSendOutcome = Field(description="The outcome the phrase states.")
    pattern: Regex = Field(description="Case-insensitive pattern of the outcome's phrase.")


class MetadataRules(_Rule):
    """``metadata.json``: kinds, grades, dates, inspectors and letter details."""

    kinds: list[KindRule] = Field(description="Kinds of document, by title; the pattern printed first wins.")
    title_window: int = Field(description="Characters after the letterhead searched for the title and the authority.")
    judgement_window: int = Field(description="Characters after the letterhead searched for judgement labels.")
    visit_patterns: list[Regex] = Field(description="Phrases after which the visit's dates are printed.")
    published_patterns: list[Regex] = Field(description="Phrases after which the publication date is printed.")
    lead_patterns: list[Regex] = Field(description="Phrases after which the lead inspector's name is printed.")
    inspector_list_patterns: list[Regex] = Field(
        description="Phrases after which inspectors are listed (near the start)."
    )
    team_list_patterns: list[Regex] = Field(description="Phrases after which team members are listed (anywhere).")
    inspector_titles: Regex = Field(description="Titles removed from a name ('HMI').")
    name_pattern: Regex = Field(description="What a person's name looks like.")
    signature_roles: Regex = Field(description="Role printed under a signature that marks an inspector.")
    joint_signature: Regex = Field(description="Signature text that marks a jointly signed letter (no single lead).")
    salutation: Regex = Field(description="The salutation line.")
    not_names: list[str] = Field(description="Words that make a capitalised phrase not a person's name.")
    team_member_pattern: Regex = Field(description="A team-table entry 'Name, Ofsted HMI, lead inspector'.")
    team_lead_org: str = Field(description="The organisation whose team lead is the lead inspector.")
    previous_judgement_patterns: list[Regex] = Field(
        description="Phrases after which a previous overall grade is printed."
    )
    month_year_pattern: Regex = Field(
        description="'Month YYYY' as printed; groups 'month' and 'year', and 'first' for the first month of a "
        "date printed over two months ('April/May 2016')."
    )
    last_inspection_date_pattern: Regex | None = Field(
        default=None,
        description="What precedes the date of the last inspection printed elsewhere in a letter ('at the last "
        "inspection in 2017'): the previous judgement takes that date when its own sentence and the one before "
        "print none.",
    )
    year_pattern: Regex | None = Field(
        default=None,
        description="A year printed alone ('in 2016'): the date of a previous judgement whose sentence prints no "
        "month (precision year).",
    )
    focus_patterns: list[Regex] = Field(description="Phrases after which a letter states what the visit looked at.")
    monitoring_visit_number_pattern: Regex = Field(description="'the second monitoring visit'; group n is the ordinal.")
    ordinals: dict[str, int] = Field(description="Ordinal words and their numbers.")
    honorific: Regex = Field(description="Honorifics dropped from an addressee's name.")
    structure_kinds: list[StructureKindRule] = Field(
        default_factory=list,
        description="Kinds told by judgement-table labels or framework phrases when no title pattern matched "
        "(a report whose services are run by a trust); the first rule that matches wins.",
    )
    kind_focus: list[FocusRule] = Field(
        default_factory=list,
        description="Theme cues of some kinds (a joint targeted area inspection's 'multi-agency response to ...'), "
        "tried in order before `focus_patterns`.",
    )
    place_prefix: Regex | None = Field(
        default=None,
        description="What introduces the place inside a theme ('in', 'in the'): where it is followed by an "
        "authority's name (authorities.json), the focus is cut there ('... children and families in Wigan who "
        "need help' -> '... children and families').",
    )
    place_suffix: Regex | None = Field(
        default=None,
        description="Case-sensitive pattern of the place printed at the end of a theme ('in Derby City'); "
        "searched at the end of the focus and cut off where `place_prefix` found no authority's name.",
    )
    area_send_outcomes: list[AreaSendOutcomeRule] = Field(
        default_factory=list, description="The outcomes of an area SEND inspection as printed."
    )
    area_send_outcome_cue: Regex | None = Field(
        default=None,
        description="Heading after which an area SEND report states its outcome; without it the outcome is looked "
        "for from the title on.",
    )
    area_send_outcome_window: int = Field(
        default=1500, description="Characters after the cue (or the title) searched for the outcome."
    )
    previous_inspection_patterns: list[Regex] = Field(
        default_factory=list,
        description="Phrases after which an area SEND report prints the dates of the previous area inspection.",
    )
    no_previous_inspection: Regex | None = Field(
        default=None,
        description="What an area SEND report prints after the cue when there was no previous inspection "
        "(the field stays null without a warning).",
    )
    ofsted_address: Regex | None = Field(
        default=None,
        description="A line of Ofsted's own address (letterhead, postcode, switchboard): an authority name in it is "
        "not the authority inspected.",
    )
    lead_list_patterns: list[Regex] = Field(
        default_factory=list,
        description="Phrases after which several lead inspectors are listed ('Lead inspectors: A and B').",
    )
    table_grade_gap: Regex | None = Field(
        default=None,
        description="What may lie between a judgement label and its grade in a judgement table or in the sentence "
        "that states it (': ', a line break, 'is judged to be'); a grade further off, in prose, is not read.",
    )
    label_missing_words: int = Field(
        default=1,
        description="How many words of a judgement label (judgements.jsonl `label`) may be missing from the printed "
        "label for it still to be read (with a warning).",
    )
    focus_list_items: int = Field(
        default=0,
        description="A focus sentence that ends with a colon runs on over at most this many following lines (the "
        "list of what the visit looked at).",
    )
    focus_list_item_words: int = Field(
        default=15, description="Longest line, in words, that counts as an item of such a list."
    )
    focus_continuations: list[Regex] = Field(
        default_factory=list,
        description="Openings of the sentence after a focus sentence that carry on saying what was looked at "
        "('Specifically, they considered', 'This included:'); the focus then runs to that sentence's end.",
    )
    focus_continuation_sentences: int = Field(
        default=1,
        description="How many such sentences in a row the focus takes in ('Inspectors also reviewed ...' after "
        "'Specifically, they considered ...').",
    )


class JudgementRule(_Rule):
    """One line of ``judgements.jsonl``: a judgement label, read by label (never by row position)."""

    id: str = Field(description="Unique rule id.")
    area: JudgementArea = Field(description="The area the label grades.")
    pattern: Regex = Field(description="Case-insensitive, multi-line pattern of the label.")
    kinds: list[DocumentKind] = Field(description="Kinds of document whose reports may carry the label.")
    label: str | None = Field(
        default=None,
        description="The label as usually printed, word for word: a printed label with a word missing is matched "
        "against it (tolerant matching over the known labels).",
    )
    scope: Literal["head", "document"] = Field(
        default="head",
        description="head: looked for in the judgement window after the title; its grade is the first grade printed "
        "after it and before the next label (or the grade at the same place in a block of grades after a block of "
        "labels). document: anywhere, with `between` matching exactly what separates it from its grade.",
    )
    between: Regex | None = Field(
        default=None,
        description="For scope document: what lies between the label and the grade.",
    )


# --- authorities.json ----------------------------------------------------------------------


class AuthorityLink(_Rule):
    """A predecessor or successor authority."""

    name: str = Field(description="Canonical name.")
    dfe_code: str | None = Field(description="DfE code.")
    ons_code: str | None = Field(description="ONS GSS code.")


class FormerCode(_Rule):
    """An ONS code an authority used before."""

    ons_code: str = Field(description="The former code.")
    valid_to: str = Field(description="Last day it was used (ISO).")


class AuthorityRecord(_Rule):
    """One authority of ``authorities.json``."""

    name: str = Field(description="Canonical short name.")
    dfe_code: str | None = Field(description="DfE local authority code (3 digits).")
    ons_code: str = Field(description="ONS GSS code.")
    type: str = Field(description="Kind of authority (unitary, county, metropolitan district, London borough, ...).")
    aliases: list[str] = Field(description="Names as printed that mean this authority (any case).")
    valid_from: str | None = Field(default=None, description="First day of the authority (ISO), if it was created.")
    valid_to: str | None = Field(
        default=None,
        description="Last day of the authority (ISO), if it was abolished.",
    )
    predecessors: list[AuthorityLink] = Field(default_factory=list, description="Authorities it replaced.")
    successors: list[AuthorityLink] = Field(default_factory=list, description="Authorities that replaced it.")
    former_ons_codes: list[FormerCode] = Field(default_factory=list, description="Earlier ONS codes.")


class AuthorityTable(_Rule):
    """``authorities.json``: names, codes, renames and mergers of English local authorities."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    schema_: str = Field(alias="schema", description="Version of this table's layout.")
    source_note: str = Field(description="Where the codes come from.")
    authorities: list[AuthorityRecord] = Field(description="Every authority.")
