"""Fidelity checker: counts the ingestion and normalisation defects it can detect.

It re-reads each PDF independently of :mod:`ofsted_findings.ingest.reader` where that matters (the size
and rise of every digit glued to a word) and compares with the normalised text:

``running_line``
    a page number ("Page 3 of 12", a lone number) or a line printed on many pages (a
    running header or footer) that is still in the text outside the letterhead.
``glued_marker``
    a superscript footnote marker (a digit printed smaller or raised, glued to the end
    of a word, year, number or percentage) still in the text; also the unambiguous text
    shapes of one ("31 March 20187", "22.2%3").
``broken_word``
    a line-end hyphenation decided the wrong way (a word broken by hyphenation kept with
    its hyphen, or a compound printed with a hyphen elsewhere in the corpus joined into
    one word), and any soft hyphen or U+FFFE left in the text.
``page_break_split``
    a paragraph or list item cut in two at a page break: a block that ends without
    sentence-final punctuation followed, on a later page, by a block that starts in lower
    case.

Hyphenation is judged against the vocabulary of the whole checked set (words printed in
the middle of a line, where no hyphenation decision was made), so run it on a folder.
"""

from __future__ import annotations

import ctypes
import itertools
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from enum import Enum
from functools import partial
from multiprocessing import get_context
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pydantic import BaseModel, ConfigDict, Field

from ofsted_findings.batch.files import discover
from ofsted_findings.errors import InputError
from ofsted_findings.ingest.reader import (
    LINE_BREAK_RE,
    PDF_MEDIA_TYPE,
    Ingested,
    Line,
    ingest_bytes,
)
from ofsted_findings.layout.normalize import BlockKind, Normalized, normalize
from ofsted_findings.ruleset import RuleSet
from ofsted_findings.ruleset.schema import LayoutRules

logger = logging.getLogger(__name__)

#: A glued digit printed at most this fraction of its word's size is a superscript.
MARKER_SIZE_RATIO = 0.85
#: A glued digit whose baseline is raised by at least this fraction of the font size is a superscript.
MARKER_RISE_RATIO = 0.25
#: A line printed on at least this many pages ...
RUNNING_MIN_PAGES = 3
#: ... and on at least this share of the pages is a running line.
RUNNING_MIN_SHARE = 0.3
#: Shorter repeated lines (after digits are masked) are not judged.
RUNNING_MIN_CHARS = 12
#: A lone number this close to the physical page number is taken for a page number.
PAGE_NUMBER_MAX_OFFSET = 3
#: Characters of context kept around each reported defect.
EXCERPT_CHARS = 40
#: Documents handed to a worker process at a time.
CHUNK_SIZE = 4

#: A digit glued to the character before it (where a superscript marker can hide).
GLUED_DIGIT_RE = re.compile(r"(?<=[^\s\d])\d|(?<=\d)\d")
#: Text shapes that can only be a glued marker: a five-digit "year", a digit after "%".
TEXT_MARKER_RES = (
    (
        "year+marker",
        re.compile(
            r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December) (?:19|20)\d\d\d{1,2}\b"
        ),
    ),
    ("percent+marker", re.compile(r"\d%\d")),
    ("thousands+marker", re.compile(r"\b\d{1,3},\d{3}\d{1,2}\b")),
)
PAGE_OF_RE = re.compile(r"\bPage \d+ of \d+\b", re.IGNORECASE)
DIGITS_RE = re.compile(r"\d+")
LINE_END_HYPHEN_RE = re.compile(r"([A-Za-z]+)[-\ufffe\u00ad]$")
LINE_START_WORD_RE = re.compile(r"^([a-z]+)")
PDFIUM_HYPHEN_RE = re.compile(r"([A-Za-z]+)\ufffe([a-z]+)")
MID_WORD_RE = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
SENTENCE_END_RE = re.compile(r"[.!?:;][\"'’”)\]]*$")
#: Lower-case blocks that are not the rest of a sentence: a judgement grade, a web or mail address.
NOT_PROSE_TEMPLATE = r"^(?:(?:{grades})\.?$|www\.|https?://|\S+@\S+)"


def not_prose_pattern(rules: RuleSet) -> re.Pattern[str]:
    """A block that is a grade on its own (from the vocabulary), or a web or mail address."""
    grades = "|".join(grade.pattern for grade in rules.vocabulary.grades)
    return re.compile(NOT_PROSE_TEMPLATE.format(grades=grades), re.IGNORECASE)


LEFTOVER_HYPHEN_CHARS = ("\ufffe", "\u00ad")


class DefectClass(str, Enum):
    """The defect classes the checker counts."""

    RUNNING_LINE = "running_line"
    GLUED_MARKER = "glued_marker"
    BROKEN_WORD = "broken_word"
    PAGE_BREAK_SPLIT = "page_break_split"
    PARAGRAPH_SPLIT = "paragraph_split"


class Defect(BaseModel):
    """One detected defect, with enough context to find it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: DefectClass
    file: str = Field(description="File name.")
    page: int = Field(description="1-based page where it was seen.")
    detail: str = Field(description="What was found (a short excerpt).")


class HyphenJoin(BaseModel):
    """A line-end hyphen in the PDF and what normalisation made of it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    left: str
    right: str
    kept_hyphen: bool = Field(description="The text has 'left-right' (otherwise 'leftright').")
    page: int


class FileCheck(BaseModel):
    """What the checker found in one file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    pages: int = 0
    defects: list[Defect] = Field(default_factory=list)
    joins: list[HyphenJoin] = Field(default_factory=list)
    vocabulary: list[str] = Field(default_factory=list, description="Words and compounds printed mid-line.")
    error: str | None = None


class FidelityReport(BaseModel):
    """Counts per defect class over a set of files, with every defect listed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    files: int
    pages: int
    failed: list[str] = Field(description="Error lines of files that could not be read.")
    counts: dict[DefectClass, int]
    defects: list[Defect]


def check_file(path: Path, rules: RuleSet) -> FileCheck:
    """Check one file (PDF or text) read with ``rules``; never raises for bad input."""
    layout = rules.layout
    name = path.name
    try:
        data = path.read_bytes()
        ingested = ingest_bytes(data, name, rules)
    except InputError as exc:
        return FileCheck(file=name, error=exc.line(name))
    except OSError as exc:
        return FileCheck(file=name, error=f"{name}: {exc}")
    norm = normalize(ingested, layout)
    defects = (
        running_line_defects(ingested, norm)
        + split_defects(ingested, norm, not_prose_pattern(rules))
        + text_defects(name, norm)
    )
    if ingested.media_type == PDF_MEDIA_TYPE:
        defects += marker_defects(data, ingested, norm)
    return FileCheck(
        file=name,
        pages=len(ingested.pages),
        defects=defects,
        joins=hyphen_joins(ingested, norm, layout),
        vocabulary=sorted(mid_line_vocabulary(ingested)),
    )


def check_paths(
    paths: Iterable[str],
    rules: RuleSet,
    *,
    workers: int = 1,
    on_done: Callable[[FileCheck], None] | None = None,
) -> FidelityReport:
    """Check every ``.pdf``/``.txt`` under ``paths`` and count defects per class."""
    files = [Path(item) for item in discover(list(paths)) if item != "-"]
    checks: list[FileCheck] = []
    if workers <= 1:
        for path in files:
            checks.append(check_file(path, rules))
            if on_done:
                on_done(checks[-1])
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            for check in pool.map(partial(check_file, rules=rules), files, chunksize=CHUNK_SIZE):
                checks.append(check)
                if on_done:
                    on_done(check)
    return summarise(checks)


def summarise(checks: list[FileCheck]) -> FidelityReport:
    """Combine per-file checks; hyphenation is judged against the vocabulary of all of them."""
    vocabulary: set[str] = set()
    for check in checks:
        vocabulary.update(check.vocabulary)
    defects: list[Defect] = []
    for check in checks:
        defects.extend(check.defects)
        defects.extend(hyphen_defects(check, vocabulary))
    defects.sort(key=lambda item: (item.kind.value, item.file, item.page, item.detail))
    counts = Counter(defect.kind for defect in defects)
    return FidelityReport(
        files=len(checks),
        pages=sum(check.pages for check in checks),
        failed=[check.error for check in checks if check.error],
        counts={kind: counts.get(kind, 0) for kind in DefectClass},
        defects=defects,
    )


def format_report(report: FidelityReport, *, examples: int = 5) -> str:
    """Plain-text summary: one count per class, then up to ``examples`` defects of each."""
    lines = [f"files: {report.files}  pages: {report.pages}  unreadable: {len(report.failed)}"]
    for kind in DefectClass:
        lines.append(f"{kind.value}: {report.counts[kind]}")
    for kind in DefectClass:
        shown = [defect for defect in report.defects if defect.kind is kind][:examples]
        for defect in shown:
            lines.append(f"  {kind.value}  {defect.file} p{defect.page}: {defect.detail}")
    for error in report.failed:
        lines.append(f"  unreadable  {error}")
    return "\n".join(lines)


# --- running lines ---------------------------------------------------------------------


def _mask(text: str) -> str:
    return DIGITS_RE.sub("#", " ".join(text.split()).lower())


def running_line_defects(ingested: Ingested, norm: Normalized) -> list[Defect]:
    """Page numbers and lines repeated on many pages that are still in the text."""
    defects: list[Defect] = []
    letterhead_end = max(
        (block.end for block in norm.blocks if block.kind is BlockKind.LETTERHEAD),
        default=0,
    )
    body = norm.text[letterhead_end:]
    pages_of: dict[str, set[int]] = {}
    shown: dict[str, str] = {}
    for page in ingested.pages:
        for line in page.lines:
            key = _mask(line.text)
            if len(key) >= RUNNING_MIN_CHARS:
                pages_of.setdefault(key, set()).add(page.number)
                shown.setdefault(key, " ".join(line.text.split()))
    threshold = max(RUNNING_MIN_PAGES, int(len(ingested.pages) * RUNNING_MIN_SHARE + 0.999))
    masked_lines = Counter(_mask(line) for line in body.split("\n"))
    printed = [" ".join(line.text.split()) for page in ingested.pages for line in page.lines]
    for key, pages in pages_of.items():
        if len(pages) < threshold:
            continue
        # Occurrences inside other printed lines ("Inspection dates: <the footer's dates>") are content.
        inside = sum(1 for line in printed if shown[key] in line and _mask(line) != key)
        if masked_lines.get(key, 0) + max(_inline_count(body, shown[key]) - inside, 0) > 0:
            defects.append(
                Defect(
                    kind=DefectClass.RUNNING_LINE,
                    file=ingested.name,
                    page=min(pages),
                    detail=shown[key][: EXCERPT_CHARS * 2],
                )
            )
    for match in PAGE_OF_RE.finditer(body):
        defects.append(
            Defect(
                kind=DefectClass.RUNNING_LINE,
                file=ingested.name,
                page=norm.page_at(letterhead_end + match.start()),
                detail=match.group(0),
            )
        )
    small_numbers = _small_lone_numbers(ingested)
    for block in norm.blocks:
        number = norm.text[block.start : block.end].strip()
        if block.kind is BlockKind.LETTERHEAD or not number.isdigit():
            continue
        if abs(int(number) - block.page) <= PAGE_NUMBER_MAX_OFFSET:
            defects.append(
                Defect(
                    kind=DefectClass.RUNNING_LINE,
                    file=ingested.name,
                    page=block.page,
                    detail=f"lone number {number}",
                )
            )
        elif (block.page, number) in small_numbers:
            defects.append(
                Defect(
                    kind=DefectClass.GLUED_MARKER,
                    file=ingested.name,
                    page=block.page,
                    detail=f"stray marker {number}",
                )
            )
    return defects


def _small_lone_numbers(ingested: Ingested) -> set[tuple[int, str]]:
    """(page, digits) of one- or two-digit lines printed smaller than the page's body text."""
    found: set[tuple[int, str]] = set()
    for page in ingested.pages:
        sizes = Counter(line.size for line in page.lines if line.size and len(line.text) > RUNNING_MIN_CHARS)
        if not sizes:
            continue
        body_size = sizes.most_common(1)[0][0]
        for line in page.lines:
            digits = line.text.strip()
            if digits.isdigit() and len(digits) <= 2 and line.size and line.size <= body_size * MARKER_SIZE_RATIO:
                found.add((page.number, digits))
    return found


def _inline_count(body: str, line: str) -> int:
    """Occurrences of a repeated line glued inside a paragraph (not as a line of its own)."""
    if len(line) < RUNNING_MIN_CHARS * 2:
        return 0
    count = 0
    start = body.find(line)
    while start != -1:
        before = body[start - 1] if start else "\n"
        after = body[start + len(line)] if start + len(line) < len(body) else "\n"
        if before != "\n" or after != "\n":
            count += 1
        start = body.find(line, start + 1)
    return count


# --- footnote markers ------------------------------------------------------------------


def marker_defects(data: bytes, ingested: Ingested, norm: Normalized) -> list[Defect]:
    """Superscript digits (by size or rise) glued to a word that ingestion did not remove."""
    defects: list[Defect] = []
    pdf = pdfium.PdfDocument(data)
    try:
        for page_info in ingested.pages:
            page = pdf[page_info.number - 1]
            try:
                defects.extend(_page_marker_defects(page, page_info.number, page_info.lines, ingested.name))
            finally:
                page.close()
    finally:
        pdf.close()
    return defects


def _page_marker_defects(page: pdfium.PdfPage, number: int, lines: list[Line], name: str) -> list[Defect]:
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        if len(text) != textpage.count_chars():
            return []
        raw = textpage.raw
        defects: list[Defect] = []
        cursor = 0
        for line_index, match in enumerate(LINE_BREAK_RE.finditer(text + "\n")):
            start, cursor = cursor, match.end()
            segment = text[start : match.start()]
            if line_index >= len(lines):
                break
            found = _superscript_runs(raw, segment, start)
            removed = len(lines[line_index].markers)
            if len(found) > removed:
                for run_start, run_end in found[removed:]:
                    excerpt = segment[max(run_start - EXCERPT_CHARS, 0) : run_end + 5]
                    defects.append(
                        Defect(
                            kind=DefectClass.GLUED_MARKER,
                            file=name,
                            page=number,
                            detail=f"size/rise: …{excerpt.strip()}",
                        )
                    )
        return defects
    finally:
        textpage.close()


def _superscript_runs(raw: object, segment: str, offset: int) -> list[tuple[int, int]]:
    """Runs of glued digits in a line printed smaller than, or raised above, their word."""
    runs: list[tuple[int, int]] = []
    for match in GLUED_DIGIT_RE.finditer(segment):
        index = match.start()
        word_start = segment.rfind(" ", 0, index) + 1
        if word_start == index:
            continue
        reference = float(pdfium_c.FPDFText_GetFontSize(raw, offset + word_start))
        size = float(pdfium_c.FPDFText_GetFontSize(raw, offset + index))
        if reference <= 0:
            continue
        small = size <= reference * MARKER_SIZE_RATIO
        raised = _rise(raw, offset + word_start, offset + index) >= reference * MARKER_RISE_RATIO
        if small or raised:
            if runs and runs[-1][1] == index:
                runs[-1] = (runs[-1][0], index + 1)
            else:
                runs.append((index, index + 1))
    return runs


def _rise(raw: object, reference: int, index: int) -> float:
    """How far the baseline of character ``index`` is above that of ``reference``."""
    x = ctypes.c_double()
    y_ref = ctypes.c_double()
    y = ctypes.c_double()
    if not pdfium_c.FPDFText_GetCharOrigin(raw, reference, ctypes.byref(x), ctypes.byref(y_ref)):
        return 0.0
    if not pdfium_c.FPDFText_GetCharOrigin(raw, index, ctypes.byref(x), ctypes.byref(y)):
        return 0.0
    return y.value - y_ref.value


# --- text-only checks ------------------------------------------------------------------


def text_defects(name: str, norm: Normalized) -> list[Defect]:
    """Defects visible in the text alone: marker shapes and leftover hyphen characters."""
    defects: list[Defect] = []
    for label, pattern in TEXT_MARKER_RES:
        for match in pattern.finditer(norm.text):
            defects.append(
                Defect(
                    kind=DefectClass.GLUED_MARKER,
                    file=name,
                    page=norm.page_at(match.start()),
                    detail=f"{label}: {match.group(0)}",
                )
            )
    for char in LEFTOVER_HYPHEN_CHARS:
        start = norm.text.find(char)
        while start != -1:
            excerpt = norm.text[max(start - 15, 0) : start + 15].replace(char, "<?>")
            defects.append(
                Defect(
                    kind=DefectClass.BROKEN_WORD,
                    file=name,
                    page=norm.page_at(start),
                    detail=f"U+{ord(char):04X}: {excerpt}",
                )
            )
            start = norm.text.find(char, start + 1)
    return defects


# --- page breaks -------------------------------------------------------------------------

_FLOW_KINDS = (
    BlockKind.PARAGRAPH,
    BlockKind.BULLET,
    BlockKind.NUMBERED,
    BlockKind.HEADING,
)


def split_defects(ingested: Ingested, norm: Normalized, not_prose: re.Pattern[str]) -> list[Defect]:
    """Sentences cut in two: a block with no final punctuation followed by a paragraph that
    starts in lower case, at a page break (page_break_split) or within a page (paragraph_split)."""
    defects: list[Defect] = []
    flow = [block for block in norm.blocks if block.kind in _FLOW_KINDS]
    for block, following in itertools.pairwise(flow):
        if following.kind is not BlockKind.PARAGRAPH:
            continue
        end_page = norm.page_at(max(block.end - 1, block.start))
        across = following.page > end_page
        if not across and block.kind is BlockKind.HEADING:
            continue
        tail = norm.text[block.start : block.end].rstrip()
        head = norm.text[following.start : following.end]
        if not_prose.match(head):
            continue  # a grade beside its label, or a web address in a signature table
        if tail and head[:1].islower() and not SENTENCE_END_RE.search(tail):
            defects.append(
                Defect(
                    kind=DefectClass.PAGE_BREAK_SPLIT if across else DefectClass.PARAGRAPH_SPLIT,
                    file=ingested.name,
                    page=end_page,
                    detail=f"…{tail[-EXCERPT_CHARS:]} | {head[:EXCERPT_CHARS]}…",
                )
            )
    return defects


# --- hyphenation ---------------------------------------------------------------------------


def mid_line_vocabulary(ingested: Ingested) -> set[str]:
    """Lower-case words and hyphenated compounds printed inside a line (not at its end)."""
    words: set[str] = set()
    for page in ingested.pages:
        for line in page.lines:
            found = MID_WORD_RE.findall(line.text.lower().replace("\ufffe", " "))
            if found and LINE_END_HYPHEN_RE.search(line.text.rstrip()):
                found = found[:-1]
            words.update(found)
    return words


def hyphen_joins(ingested: Ingested, norm: Normalized, layout: LayoutRules) -> list[HyphenJoin]:
    """Every line-end hyphen followed by a lower-case word, and the form it has in the text."""
    table = str.maketrans(layout.ligatures)
    joins: list[HyphenJoin] = []
    lowered_text = norm.text.lower()
    for page in ingested.pages:
        lines = [line for line in page.lines if line.text.strip()]
        pairs: list[tuple[str, str]] = []
        for line, following in itertools.pairwise(lines):
            end = LINE_END_HYPHEN_RE.search(line.text.rstrip().translate(table))
            start = LINE_START_WORD_RE.match(following.text.strip().translate(table))
            if end and start:
                pairs.append((end.group(1).lower(), start.group(1)))
        for line in lines:
            # PDFium joins a hyphen-ended line to the next and marks that hyphen U+FFFE.
            pairs.extend((left.lower(), right) for left, right in PDFIUM_HYPHEN_RE.findall(line.text.translate(table)))
        for left, right in pairs:
            kept = f"{left}-{right}" in lowered_text
            if not kept and f"{left}{right}" not in lowered_text:
                continue  # neither form is in the text (the word was split otherwise): nothing to judge
            joins.append(HyphenJoin(left=left, right=right, kept_hyphen=kept, page=page.number))
    return joins


def hyphen_defects(check: FileCheck, vocabulary: set[str]) -> list[Defect]:
    """Joins decided against the corpus vocabulary."""
    defects: list[Defect] = []
    for join in check.joins:
        joined = join.left + join.right
        compound = f"{join.left}-{join.right}"
        if join.kept_hyphen and joined in vocabulary and compound not in vocabulary:
            detail = f"kept hyphen: {compound} (printed elsewhere as {joined})"
        elif not join.kept_hyphen and compound in vocabulary and joined not in vocabulary:
            detail = f"joined: {joined} (printed elsewhere as {compound})"
        else:
            continue
        defects.append(
            Defect(
                kind=DefectClass.BROKEN_WORD,
                file=check.file,
                page=join.page,
                detail=detail,
            )
        )
    return defects
