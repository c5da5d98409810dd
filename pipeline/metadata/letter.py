"""Letter metadata: kind, authority, dates, inspectors, judgements and, for letters and
area SEND reports, focus, previous judgement, area SEND outcome and previous inspection.

:func:`read_letter` also returns warnings with stable codes (``WARNING_FIELDS``) where a
value was left empty rather than guessed, or read only approximately.

Every pattern and vocabulary is data: ``rules/metadata.json`` (kinds, grades, date and
inspector cues), ``rules/judgements.jsonl`` (judgement labels, read by label, never by
row position) and ``rules/authorities.json`` (names, DfE and ONS codes, renames and
mergers).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Sequence
from pathlib import PurePath

from pydantic import BaseModel, ConfigDict

from ofsted_findings.layout.normalize import Block, BlockKind, PageMap
from ofsted_findings.metadata.dates import DateReader, DateSpan
from ofsted_findings.models import (
    AreaSendOutcome,
    Authority,
    DocumentKind,
    Grade,
    Inspector,
    Judgement,
    Letter,
    PartialDate,
    Visit,
    Warning,
)
from ofsted_findings.ruleset import RuleSet
from ofsted_findings.ruleset.schema import (
    AuthorityLink,
    AuthorityRecord,
    FocusRule,
    JudgementRule,
    KindRule,
    StructureKindRule,
)

logger = logging.getLogger(__name__)

#: Longest stretch of text after an inspector-list cue that is searched for names.
INSPECTOR_LIST_SPAN = 300
#: Lists such as "The inspectors were ..." are read this far into the body; team lists anywhere.
INSPECTOR_HEAD_WINDOW = 4000
#: How far after the start of a printed name its cleaned form may begin ('Mr Ann Example').
NAME_SLACK = 12
#: Characters past the end of an inspector list that are read to mask a title cut off there.
TITLE_OVERRUN = 60
#: A visit cue after which "X and Y" is a range, not two days.
RANGE_CUE_RE = re.compile(r"between\s*$", re.IGNORECASE)

#: Warning codes of the metadata stage (stable: the evaluation and users key on them).
KIND_NOT_RECOGNISED = "metadata_kind_not_recognised"
KIND_OTHER = "metadata_kind_other"
VISIT_DATES_UNREADABLE = "metadata_visit_dates_unreadable"
JUDGEMENT_LABEL_INEXACT = "metadata_judgement_label_inexact"
AREA_SEND_OUTCOME_NOT_FOUND = "metadata_area_send_outcome_not_found"
PREVIOUS_INSPECTION_UNREADABLE = "metadata_previous_inspection_unreadable"
#: Warning code -> the output fields it says were left empty (or, for the kind, ``other``).
WARNING_FIELDS: dict[str, tuple[str, ...]] = {
    KIND_NOT_RECOGNISED: ("kind",),
    KIND_OTHER: (),
    VISIT_DATES_UNREADABLE: ("visit_start", "visit_end", "visits"),
    JUDGEMENT_LABEL_INEXACT: (),
    AREA_SEND_OUTCOME_NOT_FOUND: ("area_send_outcome",),
    PREVIOUS_INSPECTION_UNREADABLE: ("previous_inspection",),
}


class MetadataReader:
    """The metadata rules, compiled once: regular expressions and the authority index."""

    def __init__(self, ruleset: RuleSet) -> None:
        rules, judgements, table = (
            ruleset.metadata,
            ruleset.judgements,
            ruleset.authorities,
        )
        self.rules = rules
        grades = ruleset.vocabulary.grades
        self.dates = DateReader(ruleset.vocabulary)
        self.closings = tuple(ruleset.vocabulary.closings)
        self.kinds = [(re.compile(rule.pattern, re.IGNORECASE | re.MULTILINE), rule) for rule in rules.kinds]
        self.structure_kinds = [
            (re.compile(rule.pattern, re.IGNORECASE | re.MULTILINE), rule) for rule in rules.structure_kinds
        ]
        self.kind_focus: list[tuple[re.Pattern[str], FocusRule]] = [
            (re.compile(rule.pattern, re.IGNORECASE | re.MULTILINE), rule) for rule in rules.kind_focus
        ]
        self.place_suffix = re.compile(rules.place_suffix) if rules.place_suffix else None
        self.place_prefix = re.compile(rules.place_prefix, re.IGNORECASE) if rules.place_prefix else None
        self.outcomes = [(re.compile(rule.pattern, re.IGNORECASE), rule.outcome) for rule in rules.area_send_outcomes]
        self.outcome_cue = (
            re.compile(rules.area_send_outcome_cue, re.IGNORECASE | re.MULTILINE)
            if rules.area_send_outcome_cue
            else None
        )
        self.previous_inspection = [
            re.compile(pattern, re.IGNORECASE) for pattern in rules.previous_inspection_patterns
        ]
        self.no_previous = (
            re.compile(rules.no_previous_inspection, re.IGNORECASE) if rules.no_previous_inspection else None
        )
        self.ofsted_address = re.compile(rules.ofsted_address, re.IGNORECASE) if rules.ofsted_address else None
        self.lead_lists = [re.compile(pattern, re.IGNORECASE) for pattern in rules.lead_list_patterns]
        self.table_gap = re.compile(rules.table_grade_gap, re.IGNORECASE) if rules.table_grade_gap else None
        self.grades = re.compile(
            "|".join(f"(?P<g{index}>\\b(?:{rule.pattern})\\b)" for index, rule in enumerate(grades)),
            re.IGNORECASE,
        )
        self.grade_of = {f"g{index}": rule.grade for index, rule in enumerate(grades)}
        self.judgements = [(re.compile(rule.pattern, re.IGNORECASE | re.MULTILINE), rule) for rule in judgements]
        self.between = {
            rule.id: re.compile(rule.between, re.IGNORECASE) for rule in judgements if rule.between is not None
        }
        self.grade_run = re.compile(
            r"\s*(?:" + "|".join(f"(?:{rule.pattern})" for rule in grades) + r")\b",
            re.IGNORECASE,
        )
        self.visit = [re.compile(pattern, re.IGNORECASE) for pattern in rules.visit_patterns]
        self.published = [re.compile(pattern, re.IGNORECASE) for pattern in rules.published_patterns]
        self.lead = [re.compile(pattern, re.IGNORECASE) for pattern in rules.lead_patterns]
        self.inspector_lists = [re.compile(pattern, re.IGNORECASE) for pattern in rules.inspector_list_patterns]
        self.team_lists = [re.compile(pattern, re.IGNORECASE) for pattern in rules.team_list_patterns]
        self.titles = re.compile(rules.inspector_titles, re.IGNORECASE)
        self.name = re.compile(rules.name_pattern)
        self.signature_role = re.compile(rules.signature_roles, re.IGNORECASE)
        self.joint_signature = re.compile(rules.joint_signature, re.IGNORECASE)
        self.salutation = re.compile(rules.salutation, re.IGNORECASE)
        self.not_names = tuple(name.lower() for name in rules.not_names)
        self.team_member = re.compile(rules.team_member_pattern)
        self.previous = [re.compile(pattern, re.IGNORECASE) for pattern in rules.previous_judgement_patterns]
        self.month_year = re.compile(rules.month_year_pattern, re.IGNORECASE)
        self.last_inspection = (
            re.compile(rules.last_inspection_date_pattern, re.IGNORECASE)
            if rules.last_inspection_date_pattern
            else None
        )
        self.year = re.compile(rules.year_pattern) if rules.year_pattern else None
        self.focus = [re.compile(pattern, re.IGNORECASE | re.MULTILINE) for pattern in rules.focus_patterns]
        self.focus_continuations = [re.compile(pattern, re.IGNORECASE) for pattern in rules.focus_continuations]
        self.visit_number = re.compile(rules.monitoring_visit_number_pattern, re.IGNORECASE)
        self.honorific = re.compile(rules.honorific, re.IGNORECASE)
        self.authorities = table.authorities
        alias_owner: dict[str, AuthorityRecord] = {}
        for record in table.authorities:
            for alias in [record.name, *record.aliases]:
                alias_owner.setdefault(_fold(alias), record)
        self.alias_owner = alias_owner
        printed = sorted(
            {alias for alias in alias_owner if not re.fullmatch(r"[a-z0-9-]+-[a-z0-9-]+", alias)},
            key=len,
            reverse=True,
        )
        self.alias_re = re.compile(
            r"(?<![\w-])(?:" + "|".join(re.escape(alias).replace(r"\ ", r"\s+") for alias in printed) + r")(?![\w-])",
            re.IGNORECASE,
        )
        self.by_ons = {record.ons_code: record for record in table.authorities}


def _fold(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("’", "'")).strip().lower()


class LetterReading(BaseModel):
    """The metadata of a document and the warnings about how it was read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    letter: Letter
    warnings: list[Warning]


def extract_letter(
    text: str,
    blocks: Sequence[Block],
    page_of: PageMap,
    source_name: str,
    rules: MetadataReader,
) -> Letter:
    """Metadata of the document."""
    return read_letter(text, blocks, page_of, source_name, rules).letter


def read_letter(
    text: str,
    blocks: Sequence[Block],
    page_of: PageMap,
    source_name: str,
    rules: MetadataReader,
) -> LetterReading:
    """Metadata of the document, with warnings (stable codes above) where a value was left
    empty or read only approximately."""
    warnings: list[Warning] = []
    letterhead = next((b for b in blocks if b.kind is BlockKind.LETTERHEAD), None)
    body_start = letterhead.end if letterhead else 0
    title_region = text[body_start : body_start + rules.rules.title_window]
    kind_rule: KindRule | StructureKindRule | None = _kind(title_region, rules)
    if kind_rule is None:
        kind_rule = _structure_kind(text[body_start : body_start + rules.rules.judgement_window], rules)
    kind = kind_rule.kind if kind_rule else DocumentKind.OTHER
    if kind_rule is None:
        warnings.append(
            Warning(
                code=KIND_NOT_RECOGNISED,
                message="kind 'other': no title, judgement table or framework phrase of a known kind was found",
            )
        )
    elif kind is DocumentKind.OTHER:
        warnings.append(
            Warning(
                code=KIND_OTHER,
                message=f"kind 'other': recognised as a {kind_rule.framework or kind_rule.id}, a publication "
                "that is none of the inspections and visits the schema names",
            )
        )
    published = _first_date_after(text, rules.published, 0, len(text), rules.dates)
    letter_date = _letter_date(text, letterhead.start, letterhead.end, rules.dates) if letterhead else None
    addressee = _addressee(text, letterhead.start, letterhead.end, rules) if letterhead else None
    if letter_date is None and kind in LETTER_KINDS:
        letter_date, addressee = _displaced_letterhead(text, rules, addressee)
    visits = _visits(text, body_start, rules, letter_date or published, warnings)
    reference = (visits[-1][1] if visits else None) or published or letter_date
    authority = _authority(text, body_start, source_name, reference, rules)
    inspectors = _inspectors(text, body_start, rules)
    judgements = (
        _judgements(text, body_start, kind, page_of, rules, warnings)
        if kind
        in (
            DocumentKind.ILACS_INSPECTION,
            DocumentKind.SIF_INSPECTION,
            DocumentKind.LAC_INSPECTION,
            DocumentKind.OTHER,
        )
        else []
    )
    framework = kind_rule.framework if kind_rule else None
    if kind is DocumentKind.ILACS_INSPECTION and visits:
        span = (visits[-1][1] - visits[0][0]).days
        framework = "short" if span <= 7 else "standard"
    extras = _letter_extras(text, body_start, kind, rules)
    outcome, previous_inspection = (
        _area_send(text, body_start, rules, warnings) if kind is DocumentKind.AREA_SEND else (None, None)
    )
    letter = Letter(
        kind=kind,
        framework=framework,
        authority=authority,
        letter_date=letter_date,
        visit_start=visits[0][0] if visits else None,
        visit_end=visits[-1][1] if visits else None,
        visits=[Visit(start=a, end=b) for a, b in visits],
        published=published,
        addressee=addressee,
        inspectors=inspectors,
        judgements=judgements,
        focus=extras.focus,
        focus_start=extras.focus_start,
        focus_end=extras.focus_end,
        monitoring_visit_number=extras.monitoring_visit_number,
        previous_judgement=extras.previous_judgement,
        previous_judgement_date=extras.previous_judgement_date,
        area_send_outcome=outcome,
        previous_inspection=previous_inspection,
    )
    return LetterReading(letter=letter, warnings=warnings)


#: Kinds that are letters (with a date line, an addressee and a signature).
LETTER_KINDS = frozenset({DocumentKind.FOCUSED_VISIT, DocumentKind.MONITORING_VISIT, DocumentKind.JTAI})
#: How far into the body the focus, previous judgement and visit number are looked for.
LETTER_HEAD_WINDOW = 4000
#: Lines of Ofsted's address that may separate two lines its pattern recognises ('Manchester').
ADDRESS_GAP = 1
#: How far before a previous judgement its "Month YYYY" may be printed.
PREVIOUS_DATE_WINDOW = 200


def _displaced_letterhead(text: str, rules: MetadataReader, addressee: str | None) -> tuple[dt.date | None, str | None]:
    """A letter whose date and address block are not at the top of the text layer.

    The date is the first line that is only a date (before the closing), and the
    addressee the line after it; without any date line, the first line of the address
    block that ends at the salutation.
    """
    closing = min((found for found in (text.find(formula) for formula in rules.closings) if found >= 0), default=-1)
    limit = closing if closing > 0 else len(text)
    offset = 0
    for line in text[:limit].split("\n"):
        stripped = line.strip()
        if rules.dates.date_re.fullmatch(stripped):
            date = rules.dates.parse_date(stripped)
            after = text[offset + len(line) + 1 :].split("\n", 1)[0].strip()
            if after and not rules.salutation.match(after):
                addressee = addressee or after
            return date, addressee
        offset += len(line) + 1
    if addressee is None:
        lines = text[: min(len(text), 1500)].split("\n")
        for index, line in enumerate(lines):
            if rules.salutation.match(line.strip()) and index > 0:
                after_address = _after_ofsted_address(lines[:index], rules)
                if after_address is not None:
                    addressee = after_address
                elif index <= 12:
                    addressee = lines[0].strip() or None
                break
    return None, addressee


def _after_ofsted_address(lines: list[str], rules: MetadataReader) -> str | None:
    """The first line after Ofsted's own address (a letter with no date line: the address
    block follows the letterhead directly). The address is the first run of lines that
    match ``ofsted_address`` with at most ``ADDRESS_GAP`` other lines between them (the
    addressee's own postcode, further down, is not part of it)."""
    if rules.ofsted_address is None:
        return None
    matches = [index for index, line in enumerate(lines) if rules.ofsted_address.search(line)]
    if not matches:
        return None
    last = matches[0]
    for index in matches[1:]:
        if index - last > ADDRESS_GAP + 1:
            break
        last = index
    if last + 1 >= len(lines):
        return None
    candidate = lines[last + 1].strip()
    return candidate if candidate and not rules.dates.date_re.search(candidate) else None


class LetterExtras(BaseModel):
    """What only letters print: the visit's focus, the monitoring-visit number, the previous judgement."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    focus: str | None = None
    focus_start: int | None = None
    focus_end: int | None = None
    monitoring_visit_number: int | None = None
    previous_judgement: Grade | None = None
    previous_judgement_date: PartialDate | None = None


def _letter_extras(text: str, body_start: int, kind: DocumentKind, rules: MetadataReader) -> LetterExtras:
    """Focus, monitoring-visit number and previous judgement of a letter."""
    if kind not in LETTER_KINDS and kind not in (DocumentKind.OTHER, DocumentKind.AREA_SEND):
        return LetterExtras()
    window_end = min(len(text), body_start + LETTER_HEAD_WINDOW)
    focus = _kind_focus(text, body_start, window_end, kind, rules) or (
        _focus(text, body_start, window_end, rules) if kind is not DocumentKind.AREA_SEND else None
    )
    number: int | None = None
    if kind is DocumentKind.MONITORING_VISIT:
        found = rules.visit_number.search(text, body_start, window_end)
        if found is not None:
            raw = found.group("n").lower()
            number = rules.rules.ordinals.get(raw) or int(re.sub(r"\D", "", raw))
    previous = _previous_judgement(text, body_start, window_end, rules) if kind is not DocumentKind.AREA_SEND else None
    return LetterExtras(
        focus=text[focus[0] : focus[1]] if focus else None,
        focus_start=focus[0] if focus else None,
        focus_end=focus[1] if focus else None,
        monitoring_visit_number=number,
        previous_judgement=previous[0] if previous else None,
        previous_judgement_date=PartialDate.from_iso(previous[1]) if previous else None,
    )


def _focus(text: str, start: int, end: int, rules: MetadataReader) -> tuple[int, int] | None:
    """The focus as printed: from after the cue to the end of its sentence, or, where the
    sentence ends with a colon, to the end of the short lines that list what was looked at."""
    for pattern in rules.focus:
        match = pattern.search(text, start, end)
        if match is None:
            continue
        stop = _run_on(text, _sentence_stop(text, match.end()))
        for _ in range(rules.rules.focus_continuation_sentences):
            follower = _continuation(text, stop, rules)
            if follower is None:
                break
            stop = _run_on(text, _sentence_stop(text, follower.end()))
        if text.startswith(":\n", stop):
            stop = _list_end(text, stop, rules)
        if stop > match.end():
            return match.end(), stop
    return None


def _continuation(text: str, stop: int, rules: MetadataReader) -> re.Match[str] | None:
    """The opening of the sentence after the one that ends at ``stop`` when it carries on
    saying what was looked at (``focus_continuations``)."""
    if not text.startswith(". ", stop):
        return None
    return next((found for pattern in rules.focus_continuations if (found := pattern.match(text, stop + 2))), None)


def _run_on(text: str, stop: int) -> int:
    """Past the line breaks inside a sentence: while ``stop`` is a line break that the next
    line continues (it begins with a lower-case letter or a digit), the end of that line's
    sentence instead."""
    while (
        text.startswith("\n", stop) and stop + 1 < len(text) and (text[stop + 1].islower() or text[stop + 1].isdigit())
    ):
        stop = _sentence_stop(text, stop + 1)
    return stop


def _list_end(text: str, colon: int, rules: MetadataReader) -> int:
    """The end of the list of short lines after a colon (the colon itself without any)."""
    stop = colon
    cursor = colon + 2
    for _ in range(rules.rules.focus_list_items):
        line_end = text.find("\n", cursor)
        line_end = line_end if line_end >= 0 else len(text)
        line = text[cursor:line_end].strip()
        if not line or len(line.split()) > rules.rules.focus_list_item_words:
            break
        stop = cursor + len(text[cursor:line_end].rstrip(" .;"))
        cursor = line_end + 1
    return stop


def _kind_focus(text: str, start: int, end: int, kind: DocumentKind, rules: MetadataReader) -> tuple[int, int] | None:
    """The theme of a kind that has one (``kind_focus``), without the place where the rule says so."""
    for pattern, rule in rules.kind_focus:
        if kind not in rule.kinds:
            continue
        match = pattern.search(text, start, end)
        if match is None:
            continue
        stop = _sentence_stop(text, match.end())
        if rule.cut_place:
            stop = _before_place(text, match.end(), stop, rules)
        if stop > match.end():
            return match.end(), stop
    return None


def _before_place(text: str, start: int, stop: int, rules: MetadataReader) -> int:
    """Where the place of a theme begins: the first 'in <authority>' (wherever it is printed),
    else a place printed at the end; ``stop`` without either."""
    if rules.place_prefix is not None:
        for prefix in rules.place_prefix.finditer(text, start, stop):
            place = rules.alias_re.match(text, prefix.end(), stop)
            if place is not None and prefix.start() > start:
                return prefix.start()
    if rules.place_suffix is not None:
        place = rules.place_suffix.search(text, start, stop)
        if place is not None and place.start() > start:
            return place.start()
    return stop


def _sentence_stop(text: str, position: int) -> int:
    """Where the sentence or line that runs on from ``position`` ends."""
    stop = len(text)
    for mark in (".\n", ". ", ":\n", "\n"):
        found = text.find(mark, position)
        if found >= 0:
            stop = min(stop, found)
    if stop == len(text) and text.endswith("."):
        stop -= 1
    return stop


def _area_send(
    text: str, body_start: int, rules: MetadataReader, warnings: list[Warning]
) -> tuple[AreaSendOutcome | None, PartialDate | None]:
    """The outcome of an area SEND inspection and the dates of the previous one, as printed."""
    window_end = min(len(text), body_start + rules.rules.title_window + rules.rules.area_send_outcome_window)
    cue = rules.outcome_cue.search(text, body_start, window_end) if rules.outcome_cue else None
    start = cue.end() if cue else body_start
    end = min(len(text), start + rules.rules.area_send_outcome_window)
    found = [
        (match.start(), outcome) for pattern, outcome in rules.outcomes if (match := pattern.search(text, start, end))
    ]
    outcome = min(found, key=lambda item: item[0])[1] if found else None
    if outcome is None:
        warnings.append(
            Warning(
                code=AREA_SEND_OUTCOME_NOT_FOUND,
                message="area SEND report: none of the three outcomes of the 2023 framework is printed "
                + (
                    "after the outcome heading"
                    if cue
                    else "near the title (reports of the earlier framework state none)"
                ),
            )
        )
    previous: PartialDate | None = None
    for pattern in rules.previous_inspection:
        match = pattern.search(text, body_start, window_end)
        if match is None:
            continue
        line_end = text.find("\n", match.end())
        line = text[match.end() : line_end if line_end >= 0 else len(text)]
        if rules.no_previous is not None and rules.no_previous.match(line.strip()):
            break
        span = rules.dates.parse_span(text, match.end())
        if span is None or span.unreadable:
            warnings.append(
                Warning(
                    code=PREVIOUS_INSPECTION_UNREADABLE,
                    message="area SEND report: the dates of the previous inspection could not be read",
                )
            )
            break
        previous = PartialDate.from_iso(f"{span.parts[0][0].isoformat()}/{span.parts[-1][1].isoformat()}")
        break
    return outcome, previous


def _previous_judgement(text: str, start: int, end: int, rules: MetadataReader) -> tuple[Grade, str | None] | None:
    """The overall judgement of the previous inspection, with its 'Month YYYY' where printed."""
    for pattern in rules.previous:
        match = pattern.search(text, start, end)
        if match is None:
            continue
        grade = rules.grades.match(text, match.end())
        if grade is None:
            continue
        group = next(name for name, value in grade.groupdict().items() if value is not None)
        sentence_start = max(
            text.rfind(". ", 0, match.start()) + 1,
            text.rfind("\n", 0, match.start()) + 1,
            match.start() - PREVIOUS_DATE_WINDOW,
            0,
        )
        before = list(rules.month_year.finditer(text, sentence_start, match.end()))
        after = (
            rules.month_year.match(text, grade.end() + len(" in "), grade.end() + 30)
            if text[grade.end() : grade.end() + 4].lower() == " in "
            else None
        )
        when = before[-1] if before else after
        if when is None and rules.year is not None:
            years = list(rules.year.finditer(text, sentence_start, match.end()))
            if years:
                return rules.grade_of[group], years[-1].group(0)
        if when is None and start <= match.start():
            previous_sentence = max(
                text.rfind(". ", 0, sentence_start - 2) + 1, text.rfind("\n", 0, sentence_start - 1) + 1, 0
            )
            earlier = list(rules.month_year.finditer(text, previous_sentence, sentence_start))
            when = earlier[-1] if earlier else None
        if when is None:
            return rules.grade_of[group], _last_inspection_date(text, start, rules)
        return rules.grade_of[group], _month_iso(when, rules.dates)
    return None


def _last_inspection_date(text: str, start: int, rules: MetadataReader) -> str | None:
    """The date of 'the last inspection in <Month> YYYY' (or YYYY) printed first after ``start``."""
    if rules.last_inspection is None:
        return None
    for cue in rules.last_inspection.finditer(text, start):
        when = rules.month_year.match(text, cue.end())
        if when is not None:
            return _month_iso(when, rules.dates)
        year = rules.year.match(text, cue.end()) if rules.year is not None else None
        if year is not None:
            return year.group(0)
    return None


def _month_iso(when: re.Match[str], dates: DateReader) -> str | None:
    """'May 2016' -> '2016-05'; a date printed over two months ('April/May 2016') -> '2016-04/2016-05'."""
    year = when.group("year")
    last = dates.parse_date(f"1 {when.group('month')} {year}")
    if last is None:
        return None
    first = dates.parse_date(f"1 {when.group('first')} {year}") if when.group("first") else None
    iso = f"{last.year:04d}-{last.month:02d}"
    return f"{first.year:04d}-{first.month:02d}/{iso}" if first is not None and first < last else iso


def _kind(region: str, rules: MetadataReader) -> KindRule | None:
    """The rule whose title pattern is printed first (the title precedes any mention of
    other kinds, such as an earlier joint targeted area inspection); ties go to rule order."""
    best: tuple[int, int, KindRule] | None = None
    for order, (pattern, rule) in enumerate(rules.kinds):
        match = pattern.search(region)
        if match and (best is None or (match.start(), order) < best[:2]):
            best = (match.start(), order, rule)
    return best[2] if best else None


def _structure_kind(region: str, rules: MetadataReader) -> StructureKindRule | None:
    """Without a known title: the first rule whose judgement label or framework phrase is printed."""
    for pattern, rule in rules.structure_kinds:
        if pattern.search(region):
            return rule
    return None


def _visits(
    text: str, body_start: int, rules: MetadataReader, reference: dt.date | None, warnings: list[Warning]
) -> list[tuple[dt.date, dt.date]]:
    """The on-site dates after the first visit cue that is followed by dates; a run that
    cannot be read (a five-digit year, a range that ends before it begins) gives a warning
    and no dates rather than the dates of a later cue."""
    window_end = min(len(text), body_start + 3000)
    best: tuple[int, DateSpan, re.Match[str]] | None = None
    for pattern in rules.visit:
        for match in pattern.finditer(text, 0, window_end):
            span = rules.dates.parse_span(text, match.end(), reference)
            if span is not None and (best is None or match.start() < best[0]):
                best = (match.start(), span, match)
                break
    if best is None:
        return []
    _, span, cue = best
    if span.unreadable:
        printed = re.sub(r"\s+", " ", text[span.start : span.end])
        warnings.append(
            Warning(
                code=VISIT_DATES_UNREADABLE, message=f"visit dates not read: '{printed}' is not a valid date or range"
            )
        )
        return []
    parts = span.parts
    if RANGE_CUE_RE.search(cue.group(0)) and len(parts) == 2:
        parts = [(parts[0][0], parts[-1][1])]  # "between 18 and 22 March" is one run
    return parts


def _first_date_after(
    text: str, patterns: list[re.Pattern[str]], start: int, end: int, dates: DateReader
) -> dt.date | None:
    for pattern in patterns:
        match = pattern.search(text, start, min(end, start + 6000))
        if match:
            date_match = dates.date_re.match(text, match.end())
            if date_match:
                return dates.parse_date(date_match.group(0))
    return None


def _letter_date(text: str, start: int, end: int, dates: DateReader) -> dt.date | None:
    for line in text[start:end].split("\n"):
        stripped = line.strip()
        match = dates.date_re.fullmatch(stripped)
        if match:
            return dates.parse_date(stripped)
    return None


def _addressee(text: str, start: int, end: int, rules: MetadataReader) -> str | None:
    lines = text[start:end].split("\n")
    for index, line in enumerate(lines):
        if rules.dates.date_re.fullmatch(line.strip()) and index + 1 < len(lines):
            candidate = lines[index + 1].strip()
            if candidate and not rules.salutation.match(candidate):
                return candidate
    return None


def _authority(
    text: str,
    body_start: int,
    source_name: str,
    reference: dt.date | None,
    rules: MetadataReader,
) -> Authority:
    window = text[body_start : body_start + rules.rules.title_window]
    match = next(
        (found for found in rules.alias_re.finditer(window) if not _in_ofsted_address(window, found, rules)), None
    )
    record: AuthorityRecord | None = None
    printed: str | None = None
    start = end = None
    if match:
        printed = re.sub(r"\s+", " ", match.group(0))
        record = rules.alias_owner.get(_fold(printed))
        start, end = body_start + match.start(), body_start + match.end()
    if record is None:
        slug = PurePath(source_name).stem.split("_")[0].lower()
        record = rules.alias_owner.get(slug)
    if record is not None and reference is not None:
        record = _valid_on(record, reference, rules)
    if record is None:
        return Authority(
            name_as_printed=printed,
            name=None,
            dfe_code=None,
            ons_code=None,
            start=start,
            end=end,
        )
    return Authority(
        name_as_printed=printed,
        name=record.name,
        dfe_code=record.dfe_code,
        ons_code=record.ons_code,
        start=start,
        end=end,
    )


def _in_ofsted_address(window: str, match: re.Match[str], rules: MetadataReader) -> bool:
    """Whether a name is printed in a line of Ofsted's own address (its postcode line, its street)."""
    if rules.ofsted_address is None:
        return False
    line_start = window.rfind("\n", 0, match.start()) + 1
    line_end = window.find("\n", match.end())
    line = window[line_start : line_end if line_end >= 0 else len(window)]
    return rules.ofsted_address.search(line) is not None


def resolve_authority(name: str, rules: MetadataReader, when: dt.date | None = None) -> AuthorityRecord | None:
    """An authority name as printed (or a file-name slug) -> its entry, at a date where given."""
    record = rules.alias_owner.get(_fold(name))
    if record is None:
        return None
    return _valid_on(record, when, rules) if when is not None else record


def _valid_on(record: AuthorityRecord, when: dt.date, rules: MetadataReader) -> AuthorityRecord:
    """Step to the predecessor or successor while the date falls outside the entry's life.

    With several successors (Dorset county -> Dorset and BCP) the one of the same name is
    taken; with none of the same name (Northamptonshire, Cumbria) the entry is kept, and
    the more specific printed name has to decide.
    """
    iso = when.isoformat()
    for _ in range(4):
        links: list[AuthorityLink] = []
        if record.valid_from and iso < record.valid_from:
            links = record.predecessors
        elif record.valid_to and iso > record.valid_to:
            links = record.successors
        if not links:
            return record
        same_name = [link for link in links if link.name == record.name]
        link = links[0] if len(links) == 1 else (same_name[0] if len(same_name) == 1 else None)
        following = rules.by_ons.get(link.ons_code or "") if link is not None else None
        if following is None:
            return record
        record = following
    return record


def _masked(text: str, rules: MetadataReader) -> str:
    """The text with every inspector title ('Senior HMI', 'Ofsted Inspector') turned into a
    comma and spaces of the same length, so that no title is read as part of a name and
    offsets stay the same."""
    return rules.titles.sub(lambda match: "," + " " * (len(match.group(0)) - 1), text)


def _clean_name(raw: str, rules: MetadataReader) -> str | None:
    match = rules.name.match(rules.honorific.sub("", _masked(raw.strip(), rules)))
    if match is None:
        return None
    name = rules.titles.sub("", match.group(0)).strip()
    lowered = name.lower()
    if " " not in name:
        return None
    if any(bad in lowered for bad in rules.not_names):
        return None
    return name


def _inspectors(text: str, body_start: int, rules: MetadataReader) -> list[Inspector]:
    found: dict[str, Inspector] = {}
    order: list[str] = []

    def add(name: str, position: int, lead: bool) -> None:
        if name in found:
            if lead and not found[name].lead:
                found[name] = found[name].model_copy(update={"lead": True})
            return
        exact = text.find(name, position, position + len(name) + NAME_SLACK)  # past an honorific dropped
        position = exact if exact >= 0 else position
        found[name] = Inspector(name=name, lead=lead, start=position, end=position + len(name))
        order.append(name)

    for pattern in rules.lead_lists:
        for match in pattern.finditer(text):
            line_end = text.find("\n", match.end())
            stop = min(line_end if line_end >= 0 else len(text), match.end() + INSPECTOR_LIST_SPAN)
            masked = _masked(text[match.end() : stop], rules)
            for candidate in rules.name.finditer(masked):
                name = _clean_name(candidate.group(0), rules)
                if name:
                    add(name, match.end() + candidate.start(), lead=True)
    for pattern in rules.lead:
        for match in pattern.finditer(text):
            following = text[match.end() : match.end() + 80]
            name = _clean_name(following, rules)
            if name:
                add(name, match.end() + following.find(name), lead=True)
    head_end = min(len(text), body_start + INSPECTOR_HEAD_WINDOW)
    scoped = [(pattern, head_end) for pattern in rules.inspector_lists] + [(p, len(text)) for p in rules.team_lists]
    for pattern, scope_end in scoped:
        for match in pattern.finditer(text, 0, scope_end):
            sentence_end = text.find(".", match.end())
            stop = min(
                sentence_end if sentence_end > 0 else len(text),
                match.end() + INSPECTOR_LIST_SPAN,
            )
            # Titles are masked a little past the end, so that a title cut off there is not read as a name.
            masked = _masked(text[match.end() : stop + TITLE_OVERRUN], rules)
            for candidate in rules.name.finditer(masked, 0, stop - match.end()):
                name = _clean_name(candidate.group(0), rules)
                if name:
                    add(name, match.end() + candidate.start(), lead=False)
    for member in rules.team_member.finditer(text):
        name = _clean_name(member.group("name"), rules)
        if name:
            marked = bool(member.group("lead") or member.group("lead_after"))
            lead = marked and member.group("org").lower() == rules.rules.team_lead_org
            add(name, member.start("name"), lead)
    _signatories(text, rules, add)
    return [found[name] for name in sorted(order, key=lambda n: found[n].start)]


def _signatories(text: str, rules: MetadataReader, add: Callable[[str, int, bool], None]) -> None:
    """The single HMI who signs a letter is its lead; joint signatures flag nobody."""
    closing = max(text.rfind(formula) for formula in rules.closings)
    if closing < 0:
        closing = max(0, len(text) - 400)
    tail = text[closing : closing + 600]
    roles = list(rules.signature_role.finditer(tail))
    names: list[tuple[str, int]] = []
    for role in roles:
        before = tail[: role.start()].rstrip(" ,\n")
        ends = [found + len(formula) for formula in rules.closings if (found := before.rfind(formula)) >= 0]
        line_start = max([before.rfind("\n") + 1, *ends])
        candidate = before[line_start:].strip(" ,.\n")
        name = _clean_name(candidate, rules)
        if name:
            names.append((name, closing + tail.find(name)))
    joint = len({name for name, _ in names}) > 1 or rules.joint_signature.search(tail) is not None
    if joint:
        return
    for name, position in names:
        add(name, position, True)


def _judgements(
    text: str,
    body_start: int,
    kind: DocumentKind,
    page_of: PageMap,
    rules: MetadataReader,
    warnings: list[Warning],
) -> list[Judgement]:
    head_end = min(len(text), body_start + rules.rules.judgement_window)
    labels: list[tuple[int, int, JudgementRule]] = []
    candidates: list[tuple[int, int, int, JudgementRule]] = []
    inexact: dict[int, int] = {}
    for pattern, rule in rules.judgements:
        if kind not in rule.kinds:
            continue
        if rule.scope == "document":
            found = _adjacent_grade(text, pattern, rules.between[rule.id], rules)
            if found is not None:
                candidates.append((*found, rule))
            continue
        match = pattern.search(text, body_start, head_end)
        if match:
            labels.append((match.start(), match.end(), rule))
        elif rule.label:
            near = _near_label(text, body_start, head_end, rule.label, rules.rules.label_missing_words)
            if near is not None:
                labels.append((*near, rule))
                inexact[near[0]] = near[1]
    if inexact:
        # A label read tolerantly outranks a shorter exact label printed at the same place.
        labels = [item for item in labels if item[0] not in inexact or inexact[item[0]] == item[1]]
    labels.sort(key=lambda item: item[0])
    candidates.extend(_graded_labels(text, labels, rules))
    results: dict[str, Judgement] = {}
    for label_start, grade_start, grade_end, rule in sorted(candidates, key=lambda item: item[1]):
        if rule.area in results:
            continue
        grade = rules.grades.match(text, grade_start, grade_end)
        if grade is None:
            continue
        group = next(name for name, value in grade.groupdict().items() if value is not None)
        label_end = inexact.get(label_start) or _label_end(text, label_start, rule, rules)
        if label_start in inexact:
            printed = re.sub(r"\s+", " ", text[label_start:label_end]).strip()
            warnings.append(
                Warning(
                    code=JUDGEMENT_LABEL_INEXACT,
                    message=f"judgement label '{printed}' read as '{rule.label}' (words missing)",
                    page=page_of(label_start),
                )
            )
        results[rule.area] = Judgement(
            area=rule.area,
            label_as_printed=re.sub(r"\s+", " ", text[label_start:label_end]).strip(),
            grade=rules.grade_of[group],
            page=page_of(grade_start),
            start=grade_start,
            end=grade_end,
        )
    return sorted(results.values(), key=lambda j: (j.start, j.area))


_WORD_RE = re.compile(r"[\w'’-]+")


def _near_label(text: str, start: int, end: int, label: str, missing: int) -> tuple[int, int] | None:
    """The first line that begins with the label's words less at most ``missing`` of them
    (never its first word, and at least one missing: an exact label is the pattern's)."""
    wanted = [word.lower() for word in _WORD_RE.findall(label)]
    offset = start
    for line in text[start:end].split("\n"):
        words = list(_WORD_RE.finditer(line))
        label_index = line_index = skipped = 0
        while label_index < len(wanted) and line_index < len(words) and skipped <= missing:
            if words[line_index].group(0).lower() == wanted[label_index]:
                label_index += 1
                line_index += 1
            elif label_index == 0:
                break
            else:
                label_index += 1
                skipped += 1
        skipped += len(wanted) - label_index
        if line_index and 0 < skipped <= missing and line_index >= len(wanted) - missing:
            return offset + words[0].start(), offset + words[line_index - 1].end()
        offset += len(line) + 1
    return None


def _label_end(text: str, label_start: int, rule: JudgementRule, rules: MetadataReader) -> int:
    pattern = next(compiled for compiled, candidate in rules.judgements if candidate.id == rule.id)
    match = pattern.match(text, label_start)
    return match.end() if match else label_start


def _adjacent_grade(
    text: str, pattern: re.Pattern[str], between: re.Pattern[str], rules: MetadataReader
) -> tuple[int, int, int] | None:
    """First place where the label is followed, across exactly ``between``, by a grade."""
    for match in pattern.finditer(text):
        gap = between.match(text, match.end())
        if gap is None:
            continue
        grade = rules.grades.match(text, gap.end())
        if grade is not None:
            return match.start(), grade.start(), grade.end()
    return None


def _graded_labels(
    text: str, labels: list[tuple[int, int, JudgementRule]], rules: MetadataReader
) -> list[tuple[int, int, int, JudgementRule]]:
    """Pair each label with its grade: the grade printed after it, before the next label.

    Where labels are printed as a block (nothing but space between them) followed by a
    block of as many grades, the n-th label of the block takes the n-th grade.
    """
    found: list[tuple[int, int, int, JudgementRule]] = []
    index = 0
    while index < len(labels):
        start, label_end, rule = labels[index]
        block = [labels[index]]
        while index + len(block) < len(labels) and not text[block[-1][1] : labels[index + len(block)][0]].strip():
            block.append(labels[index + len(block)])
        if len(block) > 1:
            grades = _grade_block(text, block[-1][1], len(block), rules)
            if grades is not None:
                found.extend(
                    (label[0], g_start, g_end, label[2]) for label, (g_start, g_end) in zip(block, grades, strict=True)
                )
                index += len(block)
                continue
        limit = labels[index + 1][0] if index + 1 < len(labels) else len(text)
        limit = min(limit, label_end + 200)
        if rules.table_gap is not None:
            gap = rules.table_gap.match(text, label_end, limit)
            grade = rules.grades.match(text, gap.end(), limit) if gap is not None else None
        else:
            grade = rules.grades.search(text, label_end, limit)
        if grade is not None:
            found.append((start, grade.start(), grade.end(), rule))
        index += 1
    return found


def _grade_block(text: str, position: int, count: int, rules: MetadataReader) -> list[tuple[int, int]] | None:
    """``count`` grades printed one after another from ``position``, or None."""
    spans: list[tuple[int, int]] = []
    cursor = position
    for _ in range(count):
        run = rules.grade_run.match(text, cursor)
        if run is None:
            return None
        grade = rules.grades.search(text, cursor, run.end())
        if grade is None:
            return None
        spans.append((grade.start(), grade.end()))
        cursor = run.end()
    return spans
