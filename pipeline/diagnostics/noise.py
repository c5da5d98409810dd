"""Counting text that is not a finding and numbers that are not figures.

Each noise class has a detector written independently of the extraction rules: its own
patterns over the item's text, its sentence and its section (the detectors in
``noise.json`` beside this module), not the cue or shape files. A detector looks at what
the pipeline emitted, so a count above zero is an item that should not be there. The same
report draws a seeded random sample of items for a person to check by hand, and reads the
checked sample back to give the error rate with a 95% interval.
"""

from __future__ import annotations

import csv
import json
import logging
import random
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ofsted_findings.models import Document, Finding, Metric

logger = logging.getLogger(__name__)


class Family(str, Enum):
    """What a noise class is about."""

    FINDINGS = "findings"
    METRICS = "metrics"


class Hit(BaseModel):
    """One item a detector flagged."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    noise_class: str
    file: str
    id: str
    page: int
    text: str


class NoiseReport(BaseModel):
    """Counts per class over a set of documents, with every hit listed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    documents: int
    findings: int
    metrics: int
    counts: dict[str, int] = Field(description="Hits per noise class (every class listed, zero included).")
    hits: list[Hit]


@dataclass(frozen=True)
class Context:
    """What a detector sees of an item: its document and the text around it."""

    document: Document
    sentence: str
    section_title: str
    section_category: str


class _Index:
    """Looks up the sentence and section an item is in (sorted starts, binary search)."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.sentence_starts = [sentence.start for sentence in document.sentences]
        self.section_starts = [section.start for section in document.sections]

    def context(self, item: Finding | Metric) -> Context:
        document = self.document
        index = bisect_right(self.sentence_starts, item.start) - 1
        sentence = document.sentences[index] if index >= 0 else None
        if sentence is None or item.start >= sentence.end:
            sentence_text = item.text
        else:
            sentence_text = document.text[sentence.start : sentence.end]
        index = bisect_right(self.section_starts, item.start) - 1
        section = document.sections[index] if index >= 0 else None
        return Context(
            document=document,
            sentence=sentence_text,
            section_title=section.title if section else "",
            section_category=str(section.category) if section else "",
        )


Detector = Callable[[Finding | Metric, Context], bool]


@dataclass(frozen=True)
class NoiseClass:
    """A kind of item that should not have been emitted, and how to recognise it."""

    name: str
    family: Family
    description: str
    detect: Detector


class _Patterns(BaseModel):
    """The detectors' own word lists (``noise.json``), kept apart from the extraction rules."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    grades: list[str]
    judgement_labels: list[str]
    boilerplate: list[str]
    letterhead: list[str]
    contents_titles: list[str]
    table_words: list[str]
    heading_max_words: int
    metric_noise: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per metrics noise class, patterns searched in the text around a figure (the figure written '#').",
    )


@cache
def patterns() -> _Patterns:
    text = resources.files("ofsted_findings.diagnostics").joinpath("noise.json").read_text(encoding="utf-8")
    return _Patterns.model_validate_json(text)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


@cache
def _phrase_re(phrases: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted(
        (r"\s+".join(map(re.escape, phrase.lower().split())) for phrase in phrases), key=len, reverse=True
    )
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


def _judgement_cell(item: Finding | Metric, context: Context) -> bool:
    """Grades and judgement areas' labels, with at most two other words, all of them words
    a table row carries ('outcomes for', 'is'), and no sentence-final punctuation (a
    sentence that states a grade, 'Adoption performance is good.', is prose)."""
    found = patterns()
    text = re.sub(r"^[\W_]+", "", item.text.lower().replace("\u2019", "'"))
    if text.rstrip().endswith((".", "!", "?")):
        return False
    rest = _words(_phrase_re(tuple(found.grades + found.judgement_labels)).sub(" ", text))
    return len(rest) <= 2 and len(_words(text)) > len(rest) and all(word in found.table_words for word in rest)


def _boilerplate(item: Finding | Metric, context: Context) -> bool:
    """Ofsted's standard back page: the reuse licence, complaints and contact details."""
    text = item.text.lower().replace("\u2019", "'")
    return any(marker in text for marker in patterns().boilerplate)


POSTCODE_RE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
PHONE_RE = re.compile(r"\b0\d{3}\s?\d{3}\s?\d{4}\b|\b0\d{2,4}\s\d{3,4}\s\d{3,4}\b")


def _letterhead(item: Finding | Metric, context: Context) -> bool:
    """Letterhead lines: a telephone number, a web or e-mail address, a postcode (a sentence
    of the back page that gives an address is counted as boilerplate, not here)."""
    text = item.text
    lowered = text.lower()
    if _boilerplate(item, context):
        return False
    return bool(
        PHONE_RE.search(text) or POSTCODE_RE.search(text) or any(marker in lowered for marker in patterns().letterhead)
    )


DOT_LEADER_RE = re.compile(r"(?:\.\s*){4,}\d+\s*$")
PAGE_NUMBER_END_RE = re.compile(r"[A-Za-z,;:]\s+\d{1,3}\s*$")
#: Contents pages of older reports are on their first pages.
CONTENTS_PAGES = 3


def _contents(item: Finding | Metric, context: Context) -> bool:
    """A line of a contents page: in a section called Contents, dot leaders to a page number,
    or (on the first pages) a short unpunctuated line ending in a page number."""
    title = context.section_title.strip().lower()
    if title in patterns().contents_titles or DOT_LEADER_RE.search(item.text):
        return True
    return bool(
        item.page <= CONTENTS_PAGES
        and len(_words(item.text)) < 15
        and PAGE_NUMBER_END_RE.search(item.text)
        and not _KEY_STAGE_RE.search(item.text)
    )


_KEY_STAGE_RE = re.compile(r"\b(?:key stage|stage|level|year|part|phase|tier)\s+\d{1,3}\s*$", re.IGNORECASE)


def _heading(item: Finding | Metric, context: Context) -> bool:
    """A heading read as a finding: a whole sentence of a few words with no sentence
    punctuation ('Governance'); a short clause of a longer sentence is not one."""
    if not isinstance(item, Finding) or context.sentence.strip() != item.text.strip():
        return False
    text = item.text.strip()
    return not text.endswith((".", "!", "?", ":", ";")) and 0 < len(_words(text)) <= patterns().heading_max_words


def _bracketed(item: Finding | Metric, context: Context) -> bool:
    """A finding that is wholly in brackets: a cross-reference such as '(page 10, paragraph 14)'
    or '(Outcome 3, national framework)', not a statement."""
    if not isinstance(item, Finding):
        return False
    text = item.text.strip().rstrip(".").strip()
    return text.startswith("(") and text.endswith(")") and "(" not in text[1:-1] and ")" not in text[1:-1]


CLASSES: list[NoiseClass] = [
    NoiseClass("judgement_cell", Family.FINDINGS, "a judgement-table cell or row label", _judgement_cell),
    NoiseClass("boilerplate", Family.FINDINGS, "Ofsted's back page: licence, complaints, contacts", _boilerplate),
    NoiseClass("letterhead", Family.FINDINGS, "letterhead: telephone, web address, postcode", _letterhead),
    NoiseClass("contents", Family.FINDINGS, "a line of a contents page", _contents),
    NoiseClass("heading", Family.FINDINGS, "a heading or list sub-heading", _heading),
    NoiseClass("bracketed", Family.FINDINGS, "a cross-reference wholly in brackets", _bracketed),
]


def register(noise_class: NoiseClass) -> None:
    """Add a class (the metrics classes register themselves in :mod:`ofsted_findings.diagnostics.metric_noise`)."""
    if any(existing.name == noise_class.name for existing in CLASSES):
        raise ValueError(f"noise class {noise_class.name!r} is already registered")
    CLASSES.append(noise_class)


def _items(document: Document, family: Family) -> list[Finding] | list[Metric]:
    return document.findings if family is Family.FINDINGS else document.metrics


def scan(documents: Iterable[tuple[str, Document]], families: set[Family] | None = None) -> NoiseReport:
    """Run every detector of the chosen families over every item."""
    chosen = [c for c in CLASSES if families is None or c.family in families]
    counts = {c.name: 0 for c in chosen}
    hits: list[Hit] = []
    total = {Family.FINDINGS: 0, Family.METRICS: 0}
    count = 0
    for name, document in documents:
        count += 1
        for family in (Family.FINDINGS, Family.METRICS):
            items = _items(document, family)
            total[family] += len(items)
            classes = [c for c in chosen if c.family is family]
            if not classes:
                continue
            index = _Index(document)
            for item in items:
                context = index.context(item)
                for noise_class in classes:
                    if noise_class.detect(item, context):
                        counts[noise_class.name] += 1
                        hits.append(
                            Hit(noise_class=noise_class.name, file=name, id=item.id, page=item.page, text=item.text)
                        )
    return NoiseReport(
        documents=count, findings=total[Family.FINDINGS], metrics=total[Family.METRICS], counts=counts, hits=hits
    )


# --- the hand-checked sample ----------------------------------------------------------

SAMPLE_FIELDS = ("family", "file", "id", "page", "polarity_or_kind", "text", "sentence", "verdict", "note")


def draw_sample(
    documents: Iterable[tuple[str, Document]], family: Family, size: int, seed: int
) -> list[dict[str, str]]:
    """A seeded random sample of ``size`` items of one family, as rows to check by hand
    (``verdict`` is left empty for the checker: ``ok`` or ``error``)."""
    pool: list[dict[str, str]] = []
    for name, document in sorted(documents, key=lambda pair: pair[0]):
        index = _Index(document)
        for item in _items(document, family):
            context = index.context(item)
            label = item.polarity if isinstance(item, Finding) else item.kind
            pool.append(
                {
                    "family": family.value,
                    "file": name,
                    "id": item.id,
                    "page": str(item.page),
                    "polarity_or_kind": str(label),
                    "text": item.text,
                    "sentence": context.sentence,
                    "verdict": "",
                    "note": "",
                }
            )
    rng = random.Random(seed)
    return sorted(rng.sample(pool, min(size, len(pool))), key=lambda row: (row["file"], row["id"]))


def write_sample(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=SAMPLE_FIELDS)
        writer.writeheader()
        writer.writerows(rows)


class CheckedSample(BaseModel):
    """The error rate of a hand-checked sample."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    family: str
    checked: int
    errors: int
    rate: float
    low: float = Field(description="Lower end of the 95% interval (Wilson score).")
    high: float = Field(description="Upper end of the 95% interval (Wilson score).")


def read_checked(path: Path) -> list[CheckedSample]:
    """Error rates per family of a sample whose ``verdict`` column has been filled in."""
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    results = []
    for family in sorted({row["family"] for row in rows}):
        verdicts = [row["verdict"].strip().lower() for row in rows if row["family"] == family]
        unknown = sorted({verdict for verdict in verdicts if verdict not in ("ok", "error")})
        if unknown:
            raise ValueError(f"{path}: verdicts must be 'ok' or 'error', not {unknown}")
        errors = verdicts.count("error")
        low, high = wilson(errors, len(verdicts))
        rate = errors / len(verdicts) if verdicts else 0.0
        results.append(
            CheckedSample(family=family, checked=len(verdicts), errors=errors, rate=rate, low=low, high=high)
        )
    return results


def wilson(successes: int, total: int, z: float = 1.959964) -> tuple[float, float]:
    """The Wilson score interval of a proportion."""
    if total == 0:
        return 0.0, 0.0
    share = successes / total
    centre = (share + z * z / (2 * total)) / (1 + z * z / total)
    half = z * ((share * (1 - share) / total + z * z / (4 * total * total)) ** 0.5) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def format_report(report: NoiseReport, examples: int = 5) -> str:
    lines = [f"documents: {report.documents}  findings: {report.findings}  metrics: {report.metrics}"]
    descriptions = {c.name: c for c in CLASSES}
    for name, count in report.counts.items():
        family = descriptions[name].family.value if name in descriptions else ""
        lines.append(f"{name:<22} {count:>6}  ({family}: {descriptions[name].description})")
    for name in report.counts:
        shown = [hit for hit in report.hits if hit.noise_class == name][:examples]
        for hit in shown:
            lines.append(f"  {name}  {hit.file} p.{hit.page}  {json.dumps(hit.text[:120], ensure_ascii=False)}")
    return "\n".join(lines)


def documents_from_json(paths: Iterable[Path]) -> Iterator[tuple[str, Document]]:
    """Documents from JSON files (``extract --out``), named by their source."""
    for path in paths:
        document = Document.model_validate_json(path.read_bytes())
        yield document.source.name, document
