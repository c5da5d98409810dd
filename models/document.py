"""Pydantic models of the JSON that ofsted-findings writes for one document.

This module never imports spaCy or any PDF library, so other tools can validate and read
the output with pydantic alone. Offsets are ``[start, end)`` character offsets into
:attr:`Document.text`; pages are 1-based physical pages of the source.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from enum import Enum
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, PositiveInt

SCHEMA_VERSION = "2.1.0"
#: ``$id`` of the published JSON Schema (the major version names the contract).
SCHEMA_ID = "urn:ofsted-findings:schema:document:2"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=True)


class DocumentKind(str, Enum):
    """What kind of Ofsted publication a document is."""

    MONITORING_VISIT = "monitoring_visit"
    FOCUSED_VISIT = "focused_visit"
    JTAI = "jtai"
    ILACS_INSPECTION = "ilacs_inspection"
    SIF_INSPECTION = "sif_inspection"
    LAC_INSPECTION = "lac_inspection"
    AREA_SEND = "area_send"
    OTHER = "other"


class JudgementArea(str, Enum):
    """The area a judgement grades."""

    OVERALL_EFFECTIVENESS = "overall_effectiveness"
    IMPACT_OF_LEADERS = "impact_of_leaders"
    HELP_AND_PROTECTION = "help_and_protection"
    CHILDREN_IN_CARE = "children_in_care"
    CARE_LEAVERS = "care_leavers"
    CHILDREN_IN_CARE_AND_CARE_LEAVERS = "children_in_care_and_care_leavers"
    CHILDREN_LOOKED_AFTER_AND_PERMANENCE = "children_looked_after_and_permanence"
    ADOPTION = "adoption"
    LEADERSHIP_MANAGEMENT_GOVERNANCE = "leadership_management_governance"
    LSCB = "lscb"
    CAPACITY_FOR_IMPROVEMENT = "capacity_for_improvement"
    LAC_OUTCOMES = "lac_outcomes"
    LAC_QUALITY_OF_PROVISION = "lac_quality_of_provision"


class Grade(str, Enum):
    """A judgement grade, on the scale of the framework that gave it."""

    OUTSTANDING = "outstanding"
    GOOD = "good"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    ADEQUATE = "adequate"
    INADEQUATE = "inadequate"
    NOT_JUDGED = "not_judged"


class Polarity(str, Enum):
    """Whether a finding states something good or something not good enough."""

    STRENGTH = "strength"
    WEAKNESS = "weakness"


class SectionCategory(str, Enum):
    """What a section of the document is about (from the heading rules)."""

    LETTERHEAD = "letterhead"
    INTRODUCTION = "introduction"
    FOOTNOTES = "footnotes"
    OTHER = "other"
    TITLE = "title"
    CONTENTS = "contents"
    SUMMARY = "summary"
    JUDGEMENTS = "judgements"
    JUDGEMENT_DEFINITIONS = "judgement_definitions"
    WHAT_NEEDS_TO_IMPROVE = "what_needs_to_improve"
    STRENGTHS = "strengths"
    FINDINGS = "findings"
    AREAS_COVERED = "areas_covered"
    ABOUT_INSPECTION = "about_inspection"
    LOCAL_CONTEXT = "local_context"
    LOCAL_AUTHORITY = "local_authority"
    HELP_AND_PROTECTION = "help_and_protection"
    CHILDREN_IN_CARE = "children_in_care"
    ADOPTION = "adoption"
    CARE_LEAVERS = "care_leavers"
    LEADERSHIP = "leadership"
    LSCB = "lscb"
    NEXT_STEPS = "next_steps"


class Theme(str, Enum):
    """A theme of the annotation guide."""

    HELP_AND_PROTECTION = "help_and_protection"
    CHILDREN_IN_CARE = "children_in_care"
    CARE_LEAVERS = "care_leavers"
    LEADERSHIP = "leadership"
    EARLY_HELP = "early_help"
    FRONT_DOOR = "front_door"
    ASSESSMENT = "assessment"
    CHILD_PROTECTION = "child_protection"
    EXPLOITATION_MISSING = "exploitation_missing"
    DISABLED_CHILDREN = "disabled_children"
    PRIVATE_FOSTERING = "private_fostering"
    HOMELESSNESS_16_17 = "homelessness_16_17"
    PLO_COURT = "plo_court"
    PERMANENCE_ADOPTION = "permanence_adoption"
    PLACEMENTS_SUFFICIENCY = "placements_sufficiency"
    EDUCATION = "education"
    HEALTH = "health"
    WORKFORCE_CASELOADS = "workforce_caseloads"
    SUPERVISION_OVERSIGHT = "supervision_oversight"
    QUALITY_ASSURANCE = "quality_assurance"
    RECORDING = "recording"
    VOICE_OF_CHILD = "voice_of_child"
    PARTNERSHIP = "partnership"
    CORPORATE_PARENTING = "corporate_parenting"
    OTHER = "other"


class SentenceBlock(str, Enum):
    """What kind of block a sentence is in."""

    PARAGRAPH = "paragraph"
    BULLET = "bullet"
    NUMBERED = "numbered"
    FIELD = "field"


class CueKind(str, Enum):
    """What kind of rule a cue is."""

    CUE = "cue"
    MODIFIER = "modifier"
    SECTION_DEFAULT = "section_default"
    CONTRAST = "contrast"


class CueEffect(str, Enum):
    """What a rule did: gave a polarity, or modified the cues in its scope."""

    STRENGTH = "strength"
    WEAKNESS = "weakness"
    NEGATE = "negate"
    PARTIAL = "partial"
    HEDGE = "hedge"
    PURPOSE = "purpose"
    COMPLEMENT = "complement"
    TOPIC = "topic"
    PREDICATE = "predicate"


class DatePrecision(str, Enum):
    """How exactly a date was printed."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class MetricKind(str, Enum):
    """What a figure measures (see the annotation guide)."""

    PERCENTAGE = "percentage"
    COUNT = "count"
    MONEY = "money"
    RATE = "rate"
    FRACTION = "fraction"
    DURATION = "duration"
    OTHER = "other"


class MetricFlag(str, Enum):
    """A figure that is real but does not measure the service (research views may leave it out)."""

    INSPECTION_TEAM = "inspection_team"  # the size of the inspection team
    ADMINISTRATIVE = "administrative"  # an administrative interval: the next inspection, a deadline to reply
    FOOTNOTE = "footnote"  # printed in a footnote


class AreaSendOutcome(str, Enum):
    """The overall outcome of an area SEND inspection (framework from 2023)."""

    POSITIVE = "positive_experiences_and_outcomes"
    INCONSISTENT = "inconsistent_experiences_and_outcomes"
    WIDESPREAD_SYSTEMIC_FAILINGS = "widespread_and_or_systemic_failings"


class Unit(str, Enum):
    """The unit of a metric's value."""

    PERCENT = "percent"
    COUNT = "count"
    GBP = "GBP"
    PER_1000 = "per_1000"
    PER_10000 = "per_10000"
    PER_100000 = "per_100000"
    FRACTION = "fraction"
    DAYS = "days"
    WORKING_DAYS = "working_days"
    HOURS = "hours"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"
    OTHER = "other"


class Approx(str, Enum):
    """How the text qualifies a value."""

    EXACT = "exact"
    ABOUT = "about"
    MORE_THAN = "more_than"
    LESS_THAN = "less_than"
    AT_LEAST = "at_least"
    UP_TO = "up_to"
    ALMOST = "almost"
    JUST = "just"


class Change(str, Enum):
    """Direction of change from a baseline to the value."""

    INCREASE = "increase"
    DECREASE = "decrease"
    NO_CHANGE = "no_change"


Offset = Annotated[NonNegativeInt, Field(description="Character offset into `text`.")]
Page = Annotated[PositiveInt, Field(description="1-based physical page of the source.")]


_ISO_PART = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_PRECISIONS = (DatePrecision.YEAR, DatePrecision.MONTH, DatePrecision.DAY)


class PartialDate(_Frozen):
    """A date as precisely as it was printed: the days it covers and how exact it is.

    '31 March 2019' is ``{start: 2019-03-31, end: 2019-03-31, precision: day}``, 'March
    2019' covers the month, '2019' the year, and a period ('2018-19', 'between October 2013
    and October 2014') runs from its first day to its last; ``precision`` is the coarser
    of its two ends.
    """

    start: dt.date = Field(description="First day the date covers.")
    end: dt.date = Field(description="Last day the date covers.")
    precision: DatePrecision = Field(description="How exactly it was printed: day, month or year.")

    _ORDER: ClassVar[dict[str, int]] = {"year": 0, "month": 1, "day": 2}

    @classmethod
    def from_iso(cls, text: str | None) -> PartialDate | None:
        """'2019-03-31', '2019-03', '2019' or a period 'A/B' (or 'A/B/C/D': its first and last parts);
        None for anything that is not a real date."""
        if not text:
            return None
        parts = text.split("/")
        first = _iso_bounds(parts[0])
        last = _iso_bounds(parts[-1])
        if first is None or last is None or last[1] < first[0]:
            return None
        coarser = min(first[2], last[2], key=lambda p: cls._ORDER[p.value])
        return cls(start=first[0], end=last[1], precision=coarser)

    def iso(self) -> str:
        """The date as ISO 8601 text: a day, a month, a year, or an interval of them."""
        form = {DatePrecision.DAY: "%Y-%m-%d", DatePrecision.MONTH: "%Y-%m", DatePrecision.YEAR: "%Y"}[
            DatePrecision(self.precision)
        ]
        start, end = self.start.strftime(form), self.end.strftime(form)
        return start if start == end else f"{start}/{end}"


def _iso_bounds(part: str) -> tuple[dt.date, dt.date, DatePrecision] | None:
    match = _ISO_PART.match(part)
    if match is None:
        return None
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    try:
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31), DatePrecision.YEAR
        if day is None:
            return (
                dt.date(year, month, 1),
                dt.date(year, month, calendar.monthrange(year, month)[1]),
                DatePrecision.MONTH,
            )
        return dt.date(year, month, day), dt.date(year, month, day), DatePrecision.DAY
    except ValueError:
        return None


class Source(_Frozen):
    """The input the document came from."""

    name: str = Field(description="File name only (no directory), or 'stdin'.")
    sha256: str = Field(description="sha256 of the input bytes, lowercase hex.")
    media_type: str = Field(description="Detected media type: application/pdf or text/plain.")
    pages: PositiveInt = Field(description="Number of physical pages.")


class Authority(_Frozen):
    """The local authority (or partnership) the document is about."""

    name_as_printed: str | None = Field(description="The name exactly as the document prints it.")
    name: str | None = Field(description="Canonical short name of the authority.")
    dfe_code: str | None = Field(description="DfE local authority code (3 digits).")
    ons_code: str | None = Field(description="ONS GSS code (E06/E08/E09/E10...).")
    start: Offset | None = Field(default=None, description="Offset of the printed name.")
    end: Offset | None = Field(default=None, description="End offset of the printed name.")


class Inspector(_Frozen):
    """An inspector named in the document."""

    name: str = Field(description="Name as printed, without 'HMI' or role.")
    lead: bool = Field(description="True for the lead / reporting inspector or sole signatory.")
    start: Offset = Field(description="Offset of the name's first occurrence.")
    end: Offset = Field(description="End offset of that occurrence.")


class Judgement(_Frozen):
    """One graded area, read by its label."""

    area: JudgementArea = Field(description="Canonical area the grade is for.")
    label_as_printed: str = Field(description="The area's label as printed.")
    grade: Grade = Field(description="Canonical grade.")
    page: Page
    start: Offset = Field(description="Start of the grade as printed (first occurrence).")
    end: Offset = Field(description="End of the grade as printed.")


class Visit(_Frozen):
    """One on-site part of an inspection or visit."""

    start: dt.date = Field(description="First day.")
    end: dt.date = Field(description="Last day.")


class Letter(_Frozen):
    """Metadata of the inspection, visit or letter."""

    kind: DocumentKind = Field(description="Kind of publication.")
    framework: str | None = Field(default=None, description="Framework detail, e.g. 'short' or 'standard' for ILACS.")
    authority: Authority = Field(description="The authority inspected.")
    letter_date: dt.date | None = Field(description="Date printed at the head of a letter.")
    visit_start: dt.date | None = Field(description="First on-site day.")
    visit_end: dt.date | None = Field(description="Last on-site day printed.")
    visits: list[Visit] = Field(
        default_factory=list, description="Every on-site part, in order (split visits have several)."
    )
    published: dt.date | None = Field(description="Publication date where printed.")
    addressee: str | None = Field(default=None, description="Addressee of a letter, as printed.")
    inspectors: list[Inspector] = Field(description="Every inspector named, in order of first mention.")
    judgements: list[Judgement] = Field(description="Judgements, sorted by start offset.")
    focus: str | None = Field(
        default=None,
        description="For letters: what the visit looked at, as printed (the 'Inspectors looked at ...' sentence, "
        "the areas covered, or the title of a joint targeted area inspection).",
    )
    focus_start: Offset | None = Field(default=None, description="Offset of `focus` in `text`.")
    focus_end: Offset | None = Field(default=None, description="End offset of `focus` in `text`.")
    monitoring_visit_number: PositiveInt | None = Field(
        default=None, description="Which monitoring visit this is, where printed ('the second monitoring visit' -> 2)."
    )
    previous_judgement: Grade | None = Field(
        default=None,
        description="For letters: the overall effectiveness judgement of the previous full inspection, where the "
        "letter states it (sub-judgements are not used).",
    )
    previous_judgement_date: PartialDate | None = Field(
        default=None, description="When that previous inspection took place, as precisely as printed (usually a month)."
    )
    area_send_outcome: AreaSendOutcome | None = Field(
        default=None, description="Area SEND inspections (2023 framework): the overall outcome as the letter states it."
    )
    previous_inspection: PartialDate | None = Field(
        default=None,
        description="Area SEND inspections: when the previous area inspection took place, as printed "
        "(null also where the letter says there was none).",
    )


class Section(_Frozen):
    """A run of text under one heading (or the letterhead, or the introduction)."""

    id: str = Field(description="Stable id derived from position and title.")
    title: str = Field(description="Heading as it appears in `text` ('' for untitled spans).")
    category: SectionCategory = Field(
        description="Canonical category from the section rules (e.g. what_needs_to_improve)."
    )
    parent: str | None = Field(description="Id of the enclosing section where headings nest.")
    page: Page
    start: Offset
    end: Offset


class Sentence(_Frozen):
    """A sentence of running text (headings and the letterhead are not sentences)."""

    id: str = Field(description="Stable id derived from position.")
    section: str | None = Field(description="Id of the section the sentence is in.")
    block: SentenceBlock = Field(
        default=SentenceBlock.PARAGRAPH, description="What kind of block the sentence is in (a bullet is a list item)."
    )
    page: Page
    start: Offset
    end: Offset


class Cue(_Frozen):
    """Evidence for a finding's polarity: a rule that fired, with where it matched."""

    rule: str = Field(description="Id of the rule in the rule files.")
    kind: CueKind = Field(description="What kind of rule it is.")
    effect: CueEffect = Field(
        description="What it did: gave a polarity; negated, partially negated or hedged a cue; or took the cues in "
        "its scope out of the claim (purpose: a purpose clause after a phrase with polarity; complement: the object "
        "of a predicate such as 'a barrier to', whose own polarity counts instead; topic: weakness words that name a "
        "subject, as in 'address the weaknesses')."
    )
    text: str = Field(description="Matched text.")
    start: Offset
    end: Offset


class Finding(_Frozen):
    """A strength or weakness stated in the text: a sentence, or a clause of a mixed sentence."""

    id: str = Field(description="Stable id derived from position and polarity.")
    polarity: Polarity = Field(description="strength or weakness.")
    text: str = Field(description="Exactly text[start:end].")
    page: Page
    start: Offset
    end: Offset
    sentence: str = Field(description="Id of the sentence it comes from.")
    section: str | None = Field(description="Id of the section it is in.")
    themes: list[Theme] = Field(description="Theme ids (annotation guide), sorted.")
    cues: list[Cue] = Field(description="Rules that fired, sorted by start.")
    negated: bool = Field(default=False, description="A negation flipped a cue.")
    hedged: bool = Field(default=False, description="A hedge (beginning to, yet to, ...) qualifies it.")
    modifiers: list[str] = Field(default_factory=list, description="Ids of the modifier rules that applied.")
    score: float | None = Field(
        default=None,
        description="The weighed evidence for `polarity`: the sum of the weights of the cues and modifiers that "
        "decided it (rule files), compared with the threshold of the findings rules.",
    )


class Baseline(_Frozen):
    """The earlier value a metric is compared with."""

    value: float | None = Field(description="The earlier value (null for a range).")
    low: float | None = Field(default=None, description="Lower end of an earlier range.")
    high: float | None = Field(default=None, description="Upper end of an earlier range.")
    date: PartialDate | None = Field(default=None, description="When the baseline was, as precisely as printed.")
    start: Offset | None = Field(default=None, description="Offset of the baseline figure.")
    end: Offset | None = Field(default=None, description="End offset of the baseline figure.")


class Comparator(_Frozen):
    """Another population's value a metric is compared with."""

    value: float | None = Field(description="The other population's value.")
    label: str = Field(description="e.g. 'national average', 'statistical neighbours'.")


class Metric(_Frozen):
    """A figure that measures something."""

    id: str = Field(description="Stable id derived from position and text.")
    text: str = Field(description="Exactly text[start:end]: the figure as printed.")
    page: Page
    start: Offset
    end: Offset
    sentence: str | None = Field(description="Id of the sentence containing it.")
    kind: MetricKind = Field(description="What the figure measures.")
    value: float | None = Field(description="The value (null for a pure range).")
    low: float | None = Field(default=None, description="Lower end of a range.")
    high: float | None = Field(default=None, description="Upper end of a range.")
    unit: Unit = Field(description="Unit of value, low and high.")
    approx: Approx = Field(default=Approx.EXACT, description="How the text qualifies the value.")
    baseline: Baseline | None = Field(default=None, description="Earlier value of the same measure.")
    change: Change | None = Field(default=None, description="Direction from the baseline (or as the verb says).")
    comparator: Comparator | None = Field(default=None, description="Another population's value.")
    date: PartialDate | None = Field(default=None, description="When the value was, as precisely as printed.")
    date_text: str | None = Field(default=None, description="The date as printed.")
    subject: str | None = Field(default=None, description="What is measured.")
    population: str | None = Field(default=None, description="Who is counted, where the text states it.")
    indicator: str | None = Field(
        default=None, description="Id of the canonical measure (indicators rule file) the figure is one of, if any."
    )
    flags: list[MetricFlag] = Field(
        default_factory=list, description="Marks of a figure that does not measure the service, sorted."
    )
    finding: str | None = Field(default=None, description="Id of the finding containing it.")


class Warning(_Frozen):
    """Something the reader should know about how this document was read."""

    code: str = Field(description="Stable machine-readable code.")
    message: str = Field(description="What happened, for a person.")
    page: Page | None = Field(default=None, description="Page concerned, if any.")


class PipelineInfo(_Frozen):
    """Which software produced the document."""

    name: str = Field(description="Name of the software.")
    version: str = Field(description="Its version.")


class Document(_Frozen):
    """Everything ofsted-findings extracts from one input."""

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """The published JSON Schema: the model's schema with ``$schema`` and ``$id``."""
        return {"$schema": SCHEMA_DIALECT, "$id": SCHEMA_ID, **cls.model_json_schema()}

    schema_version: str = Field(default=SCHEMA_VERSION, description="Semantic version of this schema.")
    source: Source = Field(description="The input the document came from.")
    text: str = Field(description="Normalised text that every offset points into.")
    letter: Letter = Field(description="Metadata of the inspection, visit or letter.")
    sections: list[Section] = Field(description="Sections, sorted by start.")
    sentences: list[Sentence] = Field(description="Sentences of running text, sorted by start.")
    findings: list[Finding] = Field(description="Strengths and weaknesses, sorted by start.")
    metrics: list[Metric] = Field(description="Figures, sorted by start.")
    warnings: list[Warning] = Field(description="Things worth knowing about how the input was read.")
    pipeline: PipelineInfo = Field(description="The software that produced this document.")
