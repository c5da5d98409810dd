"""Compare extracted letter metadata with a CSV of expected values, field by field.

Two expected-value layouts are understood, told apart by their columns:

* the reports layout (``expected_metadata.csv``): ``kind``, ``framework_detail``,
  ``local_authority``, ``start_date``, ``end_date``, ``published_date``, ``lead_inspector``
  and one column per judgement area;
* the letters layout (``letters_metadata.csv``): ``kind``, ``authority``, ``letter_date``,
  ``visit_start``, ``visit_end``, ``visits``, ``published``, ``addressee_name``,
  ``inspectors``, ``lead_inspector``, ``monitoring_visit_number``, ``previous_judgement``,
  ``previous_judgement_date``, ``focus`` and, where the CSV has them, ``area_send_outcome``
  and ``previous_inspection`` (``none`` there means the letter says there was none, which
  the output leaves empty). A ``part`` column (``tune``, ``test``, ``fresh``) splits the
  rows into the part rules are developed on, the held-out part and the part annotated
  after the rules were frozen.

A peer tool's CSV (data-to-insight's ILACS scrape: ``inspection_framework``,
``inspector_name``, ``inspection_start_date``, ``inspection_end_date`` as dd/mm/yyyy and
five grades) can be scored beside ours; its blanks and ``data_unreadable`` count as not
covered.

For each field: ``expected`` counts rows with an expected value, ``covered`` those where a
value was produced, ``correct`` those where it equals the expected one, and ``extra``
rows where a value was produced but none is expected, and ``withheld`` the expected
values left empty with a warning that names the field (a miss, counted apart from a wrong
value). Accuracy is ``correct / (expected + extra)``.

The focus of a joint targeted area inspection is compared exactly after normalising case
and punctuation; other letters' focus loosely, by the share of the expected words found.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ofsted_findings.batch.files import discover
from ofsted_findings.batch.runner import Options, run_many
from ofsted_findings.metadata.letter import WARNING_FIELDS, MetadataReader, resolve_authority
from ofsted_findings.models import AreaSendOutcome, Document, Letter, PartialDate
from ofsted_findings.ruleset import RuleSet

logger = logging.getLogger(__name__)

#: The value given to a file that could not be read because it is not what its name says.
NOT_A_PDF = "not_a_pdf"
#: Peer values that mean "no value".
PEER_BLANKS = frozenset(
    {
        "",
        "data_unreadable",
        "inspection_pre_dates_judgement",
        "not_reported_post_reform",
    }
)

_SPACE_RE = re.compile(r"\s+")
_PEER_DATE_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})")
_FILE_DATE_RE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_HONORIFIC_RE = re.compile(r"^(?:mr|mrs|ms|miss|mx)\.?\s+", re.IGNORECASE)
_WORD_RE = re.compile(r"[a-z]{4,}")
#: Honours and post-nominal letters the gold drops from a name ('Ann Example CBE QPM').
_HONOURS_RE = re.compile(r"(?:\s+(?:CBE|OBE|MBE|QPM|KPM|DBE|KBE|BEM))+$")
_PUNCTUATION_RE = re.compile(r"[^\w\s]+")
#: Share of the expected focus's words (4+ letters) that ours must contain to count as correct.
FOCUS_OVERLAP = 0.5
#: Kinds whose focus is a fixed theme, compared exactly after normalising case and punctuation.
EXACT_FOCUS_KINDS = frozenset({"jtai"})
#: Values of the gold that mean "none printed" for a date field.
NONE_VALUES = frozenset({"none"})

#: Judgement columns of the reports layout -> judgement area in our output.
JUDGEMENT_COLUMNS: dict[str, str] = {
    "overall": "overall_effectiveness",
    "impact_of_leaders": "impact_of_leaders",
    "help_and_protection": "help_and_protection",
    "children_in_care": "children_in_care",
    "care_leavers": "care_leavers",
    "children_in_care_and_care_leavers": "children_in_care_and_care_leavers",
    "children_looked_after_and_permanence": "children_looked_after_and_permanence",
    "adoption": "adoption",
    "leadership_management_governance": "leadership_management_governance",
    "lscb": "lscb",
    "capacity_for_improvement": "capacity_for_improvement",
}

#: Our field -> the peer column that holds the same value.
PEER_COLUMNS: dict[str, str] = {
    "framework": "inspection_framework",
    "lead_inspector": "inspector_name",
    "visit_start": "inspection_start_date",
    "visit_end": "inspection_end_date",
    "judgement.overall_effectiveness": "overall_effectiveness_grade",
    "judgement.impact_of_leaders": "impact_of_leaders_grade",
    "judgement.help_and_protection": "help_and_protection_grade",
    "judgement.children_in_care": "in_care_grade",
    "judgement.children_in_care_and_care_leavers": "in_care_grade",
    "judgement.children_looked_after_and_permanence": "in_care_grade",
    "judgement.care_leavers": "care_leavers_grade",
}
#: The peer's "in care" grade is whichever of these areas the report has.
PEER_IN_CARE_GROUP = (
    "judgement.children_in_care",
    "judgement.children_in_care_and_care_leavers",
    "judgement.children_looked_after_and_permanence",
)


class FieldScore(BaseModel):
    """Counts for one field, ours and (where the peer has the field) the peer's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    expected: int
    covered: int
    correct: int
    extra: int
    withheld: int = 0
    peer_expected: int | None = None
    peer_covered: int | None = None
    peer_correct: int | None = None
    peer_extra: int | None = None

    @property
    def accuracy(self) -> float | None:
        """``correct / (expected + extra)``; None when nothing is expected or produced."""
        total = self.expected + self.extra
        return self.correct / total if total else None

    @property
    def coverage(self) -> float | None:
        """``covered / expected``."""
        return self.covered / self.expected if self.expected else None

    @property
    def peer_accuracy(self) -> float | None:
        """The peer's accuracy on the same rows."""
        if self.peer_expected is None or self.peer_correct is None:
            return None
        total = self.peer_expected + (self.peer_extra or 0)
        return self.peer_correct / total if total else None

    @property
    def peer_coverage(self) -> float | None:
        """The peer's coverage on the same rows."""
        if not self.peer_expected or self.peer_covered is None:
            return None
        return self.peer_covered / self.peer_expected


class Mismatch(BaseModel):
    """One value that differs from the expected one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    field: str
    expected: str
    got: str
    warned: bool = False


class Evaluation(BaseModel):
    """The whole comparison."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    documents: int
    missing: list[str]
    fields: list[FieldScore]
    mismatches: list[Mismatch]
    peer_mismatches: list[Mismatch]


# --- value normalisation -------------------------------------------------------------


def _text(value: str | None) -> str:
    return _SPACE_RE.sub(" ", (value or "").replace("’", "'").replace("\ufffe", "")).strip()


def _person(value: str | None) -> str:
    """A name line as the gold records it: no honorific, nothing after the first comma, no
    honours after the name ('Ann Example OBE')."""
    return _HONOURS_RE.sub("", _HONORIFIC_RE.sub("", _text(value).split(",")[0])).strip()


def _names(value: str) -> str:
    """A ';'-separated list of names, order-free (two-column team tables interleave)."""
    return ";".join(sorted(_text(name) for name in value.split(";") if name.strip()))


def _outcome(value: str | None) -> str:
    """'widespread and/or systemic failings' -> 'widespread_and_or_systemic_failings'."""
    return re.sub(r"[^a-z]+", "_", _text(value).lower()).strip("_")


def _focus_key(value: str) -> str:
    """A focus compared exactly: lower case, punctuation as space, single spaces."""
    return _SPACE_RE.sub(" ", _PUNCTUATION_RE.sub(" ", _text(value).lower().replace("'", ""))).strip()


def _grade(value: str | None) -> str:
    return _text(value).lower().replace(" to be good", "").replace(" ", "_").removeprefix("to_")


def _peer_date(value: str) -> str:
    match = _PEER_DATE_RE.fullmatch(value.strip())
    if match is None:
        return ""
    day, month, year = (int(part) for part in match.groups())
    year = year + 2000 if year < 100 else year
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return ""


def _framework(detail: str) -> str:
    lowered = detail.lower()
    if "ilacs short" in lowered:
        return "short"
    if "ilacs standard" in lowered:
        return "standard"
    return ""


def _file_date(file: str) -> dt.date | None:
    match = _FILE_DATE_RE.search(file)
    return dt.date.fromisoformat(match.group(1)) if match else None


def _authority_key(name: str, when: dt.date | None, reader: MetadataReader) -> str:
    """An authority name (any printed form) -> its canonical name at that date."""
    if not name.strip():
        return ""
    record = resolve_authority(name, reader, when)
    return f"{record.name} {record.ons_code}" if record is not None else f"? {_text(name)}"


# --- expected, observed and peer values ----------------------------------------------


def expected_values(row: Mapping[str, str], reader: MetadataReader) -> dict[str, str]:
    """Field -> expected value for one CSV row (either layout); empty means none expected."""
    file = row["file"]
    if "framework_detail" in row:
        when = _date_or_none(row.get("end_date")) or _file_date(file)
        values = {
            "kind": row["kind"],
            "framework": _framework(row["framework_detail"]),
            "authority": _authority_key(row["local_authority"], when, reader),
            "visit_start": row["start_date"],
            "visit_end": row["end_date"],
            "published": row["published_date"],
            "lead_inspector": _names(row["lead_inspector"]),
        }
        for column, area in JUDGEMENT_COLUMNS.items():
            values[f"judgement.{area}"] = _grade(row.get(column))
        return values
    when = _date_or_none(row.get("visit_end")) or _file_date(file)
    return {
        "kind": row["kind"],
        "authority": _authority_key(row["authority"], when, reader),
        "letter_date": row["letter_date"],
        "visit_start": row["visit_start"],
        "visit_end": row["visit_end"],
        "visits": row["visits"],
        "published": row["published"],
        "addressee": _person(row["addressee_name"].split(";")[0]),
        "inspectors": _names(row["inspectors"]),
        "lead_inspector": _names(row["lead_inspector"]),
        "monitoring_visit_number": row["monitoring_visit_number"],
        "previous_judgement": _grade(row["previous_judgement"]),
        "previous_judgement_date": row["previous_judgement_date"],
        "focus": _text(row["focus"]),
        **_area_send_values(row),
    }


def _area_send_values(row: Mapping[str, str]) -> dict[str, str]:
    """The area SEND fields, where the CSV has their columns."""
    values: dict[str, str] = {}
    if "area_send_outcome" in row:
        values["area_send_outcome"] = _outcome(row["area_send_outcome"])
    if "previous_inspection" in row:
        raw = _text(row["previous_inspection"])
        date = PartialDate.from_iso(raw) if raw.lower() not in NONE_VALUES else None
        values["previous_inspection"] = date.iso() if date is not None else ("" if raw.lower() in NONE_VALUES else raw)
    return values


def observed_values(letter: Letter | None, fields: Iterable[str]) -> dict[str, str]:
    """Field -> our value, for the fields asked for (a missing document is ``not_a_pdf``)."""
    wanted = list(fields)
    if letter is None:
        return {field: (NOT_A_PDF if field == "kind" else "") for field in wanted}
    judgements = {j.area: j.grade for j in letter.judgements}
    lead = ";".join(i.name for i in letter.inspectors if i.lead)
    getters: dict[str, Callable[[], str]] = {
        "kind": lambda: str(letter.kind),
        "framework": lambda: letter.framework if letter.framework in ("short", "standard") else "",
        "authority": lambda: f"{letter.authority.name} {letter.authority.ons_code}" if letter.authority.name else "",
        "letter_date": lambda: _iso(letter.letter_date),
        "visit_start": lambda: _iso(letter.visit_start),
        "visit_end": lambda: _iso(letter.visit_end),
        "visits": lambda: ";".join(f"{v.start.isoformat()}/{v.end.isoformat()}" for v in letter.visits),
        "published": lambda: _iso(letter.published),
        "addressee": lambda: _person(letter.addressee),
        "inspectors": lambda: _names(";".join(i.name for i in letter.inspectors)),
        "lead_inspector": lambda: _names(lead),
        "monitoring_visit_number": lambda: str(letter.monitoring_visit_number or ""),
        "previous_judgement": lambda: str(letter.previous_judgement or ""),
        "previous_judgement_date": lambda: (
            letter.previous_judgement_date.iso() if letter.previous_judgement_date else ""
        ),
        "focus": lambda: _text(letter.focus),
        "area_send_outcome": lambda: (
            AreaSendOutcome(letter.area_send_outcome).value if letter.area_send_outcome else ""
        ),
        "previous_inspection": lambda: letter.previous_inspection.iso() if letter.previous_inspection else "",
    }
    values: dict[str, str] = {}
    for field in wanted:
        if field.startswith("judgement."):
            values[field] = str(judgements.get(field.removeprefix("judgement."), ""))  # type: ignore[call-overload]
        else:
            values[field] = getters[field]()
    return values


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def peer_values(row: Mapping[str, str], expected: Mapping[str, str]) -> dict[str, str]:
    """Field -> the peer's value, for the fields the peer has."""
    values: dict[str, str] = {}
    for field, column in PEER_COLUMNS.items():
        raw = (row.get(column) or "").strip()
        if raw in PEER_BLANKS:
            values[field] = ""
        elif field in ("visit_start", "visit_end"):
            values[field] = _peer_date(raw)
        elif field == "framework":
            values[field] = raw if raw in ("short", "standard") else ""
        elif field == "lead_inspector":
            values[field] = _text(raw)
        else:
            values[field] = _grade(raw)
    # The "in care" grade belongs to whichever in-care area the report has; never to the others.
    group_has = [field for field in PEER_IN_CARE_GROUP if expected.get(field)]
    for field in PEER_IN_CARE_GROUP:
        if (group_has and field not in group_has) or (not group_has and field != PEER_IN_CARE_GROUP[0]):
            values[field] = ""
    return values


def _date_or_none(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- scoring ----------------------------------------------------------------------------


def _same(field: str, expected: str, got: str, *, exact_focus: bool = False) -> bool:
    """Exact, except the focus: a loose comparison of its words (the gold shortens it), or,
    with ``exact_focus``, exact after normalising case and punctuation."""
    if field != "focus":
        return got == expected
    if exact_focus:
        return _focus_key(got) == _focus_key(expected)
    wanted = set(_WORD_RE.findall(expected.lower()))
    return bool(got) and (not wanted or len(wanted & set(_WORD_RE.findall(got.lower()))) >= FOCUS_OVERLAP * len(wanted))


def _score(field: str, expected: str, got: str, *, exact_focus: bool = False) -> tuple[int, int, int, int]:
    """(expected, covered, correct, extra) for one value."""
    if expected:
        return 1, int(bool(got)), int(_same(field, expected, got, exact_focus=exact_focus)), 0
    return 0, 0, 0, int(bool(got))


def _withheld(field: str, got: str, codes: Iterable[str]) -> bool:
    """Whether an empty value (or a kind left ``other``) comes with a warning about the field."""
    if got and not (field == "kind" and got == "other"):
        return False
    return any(field in WARNING_FIELDS.get(code, ()) for code in codes)


def evaluate(
    expected_rows: list[dict[str, str]],
    letters: Mapping[str, Letter | None],
    reader: MetadataReader,
    reference_rows: Mapping[str, Mapping[str, str]] | None = None,
    warnings: Mapping[str, Iterable[str]] | None = None,
) -> Evaluation:
    """Score ``letters`` (file name -> our letter, None when extraction refused the file);
    ``reader`` resolves authority names as the pipeline does; ``warnings`` maps a file to
    its documents' warning codes (an empty value with a warning about its field is
    counted as withheld)."""
    counts: dict[str, list[int]] = {}
    peer_counts: dict[str, list[int]] = {}
    mismatches: list[Mismatch] = []
    peer_mismatches: list[Mismatch] = []
    missing: list[str] = []
    for row in sorted(expected_rows, key=lambda r: r["file"]):
        file = row["file"]
        expected = expected_values(row, reader)
        if file not in letters:
            missing.append(file)
            continue
        got = observed_values(letters[file], expected)
        codes = list((warnings or {}).get(file, ()))
        exact_focus = row.get("kind", "") in EXACT_FOCUS_KINDS
        for field, want in expected.items():
            score = _score(field, want, got[field], exact_focus=exact_focus)
            bucket = counts.setdefault(field, [0, 0, 0, 0, 0])
            for index, value in enumerate(score):
                bucket[index] += value
            if not (score[2] or (not want and not got[field])):
                warned = bool(want) and _withheld(field, got[field], codes)
                bucket[4] += int(warned)
                mismatches.append(Mismatch(file=file, field=field, expected=want, got=got[field], warned=warned))
        if reference_rows is None:
            continue
        peer_row = reference_rows.get(file)
        peer = peer_values(peer_row or {}, expected)
        for field, peer_value in peer.items():
            if field not in expected:
                continue
            want = expected[field]
            if field == "framework" and not want:
                continue
            peer_score = _score(field, want, peer_value)
            peer_bucket = peer_counts.setdefault(field, [0, 0, 0, 0])
            for index, count in enumerate(peer_score):
                peer_bucket[index] += count
            if want != peer_value:
                peer_mismatches.append(Mismatch(file=file, field=field, expected=want, got=peer_value))
    scores = []
    for field, (n, covered, correct, extra, withheld) in counts.items():
        peer_count = peer_counts.get(field)
        scores.append(
            FieldScore(
                field=field,
                expected=n,
                covered=covered,
                correct=correct,
                extra=extra,
                withheld=withheld,
                peer_expected=peer_count[0] if peer_count else None,
                peer_covered=peer_count[1] if peer_count else None,
                peer_correct=peer_count[2] if peer_count else None,
                peer_extra=peer_count[3] if peer_count else None,
            )
        )
    return Evaluation(
        documents=len(expected_rows) - len(missing),
        missing=missing,
        fields=scores,
        mismatches=mismatches,
        peer_mismatches=peer_mismatches,
    )


# --- inputs -------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file as dicts."""
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def read_reference(path: Path) -> dict[str, dict[str, str]]:
    """The peer CSV keyed by file name."""
    return {row["file"]: row for row in read_csv(path)}


class Outputs(BaseModel):
    """Letters of previously extracted documents and their warning codes, by source file name."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    letters: dict[str, Letter | None]
    warnings: dict[str, list[str]]


def read_outputs(directory: Path) -> Outputs:
    """Letters and warning codes from previously extracted JSON files."""
    letters: dict[str, Letter | None] = {}
    warnings: dict[str, list[str]] = {}
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        name = data.get("source", {}).get("name") if isinstance(data, dict) else None
        if not name or "letter" not in data:
            logger.warning("%s is not a document JSON; skipped", path.name)
            continue
        letters[name] = Letter.model_validate(data["letter"])
        warnings[name] = [str(item.get("code", "")) for item in data.get("warnings") or [] if isinstance(item, dict)]
    return Outputs(letters=letters, warnings=warnings)


def load_outputs(directory: Path) -> dict[str, Letter | None]:
    """Letters from previously extracted JSON files, keyed by the source file name."""
    return read_outputs(directory).letters


def extract_outputs(paths: list[str], rules: RuleSet, *, workers: int = 1) -> Outputs:
    """Run the pipeline on files or directories; files refused as input map to None."""
    letters: dict[str, Letter | None] = {}
    warnings: dict[str, list[str]] = {}
    for outcome in run_many(discover(paths), rules, workers=workers, options=Options(indent=None)):
        name = Path(outcome.input).name
        if not outcome.ok:
            logger.info("%s", outcome.error)
            letters[name] = None
            continue
        document = Document.model_validate_json(outcome.read_json())
        letters[name] = document.letter
        warnings[name] = [warning.code for warning in document.warnings]
    return Outputs(letters=letters, warnings=warnings)


def extract_letters(paths: list[str], rules: RuleSet, *, workers: int = 1) -> dict[str, Letter | None]:
    """Run the pipeline on files or directories; files refused as input map to None."""
    return extract_outputs(paths, rules, workers=workers).letters


def parts_of(rows: list[dict[str, str]]) -> list[str]:
    """The parts the rows belong to (``tune``, ``test``, then any other, such as ``fresh``, by name), in that
    order; empty without a ``part`` column."""
    found = {row.get("part", "") for row in rows} - {""}
    return sorted(found, key=lambda part: (part != "tune", part != "test", part))


def mark_refused(letters: dict[str, Letter | None], expected_rows: list[dict[str, str]]) -> None:
    """In ``--outputs`` mode a refused file has no JSON: mark the expected non-PDFs as refused."""
    for row in expected_rows:
        if row["file"] not in letters and row.get("kind") == NOT_A_PDF:
            letters[row["file"]] = None


# --- rendering ----------------------------------------------------------------------------


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def table_lines(evaluation: Evaluation, *, with_peer: bool) -> list[str]:
    """A Markdown table: field, rows, accuracy and coverage (ours, and the peer's)."""
    header = "| field | expected | accuracy | coverage | extra | withheld |"
    rule = "|---|---:|---:|---:|---:|---:|"
    if with_peer:
        header += " peer accuracy | peer coverage |"
        rule += "---:|---:|"
    lines = [header, rule]
    for score in evaluation.fields:
        if score.expected == 0 and score.extra == 0:
            continue
        line = (
            f"| {score.field} | {score.expected} | {_percent(score.accuracy)} ({score.correct}) "
            f"| {_percent(score.coverage)} | {score.extra} | {score.withheld} |"
        )
        if with_peer:
            line += f" {_percent(score.peer_accuracy)} | {_percent(score.peer_coverage)} |"
        lines.append(line)
    return lines


def mismatch_lines(mismatches: list[Mismatch]) -> list[str]:
    """One tab-separated line per mismatch: file, field, expected, got (and ``warned`` for a
    value withheld with a warning)."""
    return [
        f"{m.file}\t{m.field}\texpected={m.expected or '∅'}\tgot={m.got or '∅'}" + ("\twarned" if m.warned else "")
        for m in mismatches
    ]
