"""Ingestion: bytes of a PDF or text file -> lines with their page and layout features.

PDF text comes from pypdfium2 (PDFium's text page), which is the fastest engine we
measured (see the README's benchmark). Character geometry is read only where it decides
something: one probe per line (position, font size, weight) and a size check on the
trailing digits of words, which is how superscript footnote markers ("2018" + a raised
"7") are told apart from real digits. Everything downstream works on :class:`Line`
objects and never touches the PDF again.
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import math
import re
import stat
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pydantic import BaseModel, ConfigDict, Field

from ofsted_findings.errors import ErrorCode, InputError
from ofsted_findings.ruleset import RuleSet

logger = logging.getLogger(__name__)

PDF_MEDIA_TYPE = "application/pdf"
TEXT_MEDIA_TYPE = "text/plain"

#: Default ceiling on pages; a larger document is refused unless the caller raises it.
DEFAULT_MAX_PAGES = 2000
#: Default ceiling on an input's size in bytes (``--max-bytes``).
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
#: Fewer extracted characters per page than this (on average) means no text layer.
MIN_CHARS_PER_PAGE = 20
#: A trailing digit whose font is at most this fraction of the word's font is a marker.
SUPERSCRIPT_SIZE_RATIO = 0.85
#: Bytes inspected to recognise a file's real type.
SNIFF_BYTES = 1024
#: Font weight from which a line counts as bold.
BOLD_WEIGHT = 600
#: A glued digit whose baseline is raised by at least this fraction of its word's size is a marker.
SUPERSCRIPT_RISE_RATIO = 0.25
#: A line whose top is this close to the previous line's (in its font sizes) is the same printed line.
SAME_LINE_TOLERANCE_RATIO = 0.75
#: A horizontal gap wider than this many font sizes before a grade separates two table columns.
COLUMN_GAP_RATIO = 1.5

LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
# A run of digits at the end of a word that follows a non-space character: the only
# places where a superscript footnote marker can hide ("area3", "20187", "56,2002", "22.2%3").
TRAILING_DIGITS_RE = re.compile(r"(?<=\S)(\d{1,2})(?=[\s,.;:)\]’”\"']|$)")
# Digits opening a line: a marker when PDFium starts a new line at the raised digit.
LEADING_DIGITS_RE = re.compile(r"^\s*(\d{1,2})\s+(?=\S)")
LONE_DIGITS_RE = re.compile(r"^\s*\d{1,2}\s*$")
# A grade printed in its own column at the end of a judgement-table line.
#: A grade printed in its own column at the end of a judgement-table line: " <cell>" (from the vocabulary).
GRADE_TAIL_TEMPLATE = r"(?<=\S) ((?:{cells})\*?)$"
HTML_START_RE = re.compile(rb"^\s*(<!doctype html|<html|<\?xml|<head|<body)", re.IGNORECASE)
FONT_NAME_BUFFER = 128


class Line(BaseModel):
    """One printed line of a page, in reading order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str = Field(description="The line's characters, superscript markers removed.")
    page: int = Field(description="1-based physical page.")
    top: float | None = Field(description="Distance of the line's top from the page top, in points.")
    x0: float | None = Field(description="Left edge, in points from the page's left side.")
    size: float | None = Field(description="Font size (points) in the body of the line.")
    bold: bool = Field(description="The line's font is bold.")
    markers: tuple[str, ...] = Field(default=(), description="Superscript footnote markers removed from the line.")
    continues_line: bool = Field(
        default=False,
        description="The rest of the previous printed line, split off by PDFium at a superscript marker.",
    )


#: Every field of a Line is always given: one shared set for all of them (saves memory on long texts).
LINE_FIELDS: set[str] = set(Line.model_fields)  # never changed: frozen models keep their fields set


class PageInfo(BaseModel):
    """A physical page and its lines."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: int
    width: float = Field(description="Page width in points (0 for text input).")
    height: float = Field(description="Page height in points (0 for text input).")
    lines: list[Line]


class Ingested(BaseModel):
    """Output of ingestion: the source's identity and its pages of lines."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    sha256: str
    media_type: str
    pages: list[PageInfo]

    def characters(self) -> int:
        """How many characters its lines hold (about the length of the normalised text)."""
        return sum(len(line.text) for page in self.pages for line in page.lines)


UTF16_MEDIA_TYPE = "text/plain; charset=utf-16"
#: Byte-order marks of UTF-32 and UTF-16 text (UTF-32 first: its little-endian mark starts like UTF-16's).
WIDE_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe", b"\xfe\xff")
#: Zero-width characters that do not make a text printable.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def sniff_media_type(data: bytes, name: str = "") -> str | None:
    """Recognise PDF, HTML, UTF-16/32 and UTF-8 text by their bytes; None for anything else.

    A PDF starts with ``%PDF-`` (a file named ``.pdf`` may have up to a kilobyte of junk
    before it, as PDF readers allow); a text that only mentions ``%PDF-`` is text."""
    head = data[:SNIFF_BYTES]
    if data.lstrip()[:5] == b"%PDF-" or (_expected_type(name) == PDF_MEDIA_TYPE and b"%PDF-" in head):
        return PDF_MEDIA_TYPE
    if HTML_START_RE.match(head):
        return "text/html"
    if head.startswith(WIDE_BOMS) or _looks_utf16(head):
        return UTF16_MEDIA_TYPE
    if b"\x00" in data:
        return None
    return TEXT_MEDIA_TYPE


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a byte-order mark: most odd (or even) bytes are NUL, the others ASCII."""
    if len(head) < 8:
        return False
    even, odd = head[0::2], head[1::2]
    for zeros, chars in ((odd, even), (even, odd)):
        if zeros.count(0) >= 0.8 * len(zeros) and sum(
            32 <= byte < 127 or byte in (9, 10, 13) for byte in chars
        ) >= 0.8 * len(chars):
            return True
    return False


def _expected_type(name: str) -> str | None:
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf":
        return PDF_MEDIA_TYPE
    if suffix in {".txt", ".text"}:
        return TEXT_MEDIA_TYPE
    return None


def grade_tail_pattern(rules: RuleSet) -> re.Pattern[str]:
    """A grade (or another grade-column cell) at the end of a printed line."""
    cells = [grade.cell for grade in rules.vocabulary.grades] + list(rules.vocabulary.other_grade_cells)
    return re.compile(GRADE_TAIL_TEMPLATE.format(cells="|".join(cells)))


def ingest_bytes(
    data: bytes,
    name: str,
    rules: RuleSet,
    *,
    password: str | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> Ingested:
    """Read a PDF or text document from its bytes. ``name`` is used for messages and typing."""
    if not data:
        raise InputError(
            ErrorCode.EMPTY_FILE,
            "the file is empty (0 bytes)",
            "Check that the download or copy completed",
        )
    actual = sniff_media_type(data, name)
    expected = _expected_type(name)
    if actual == UTF16_MEDIA_TYPE:
        raise InputError(
            ErrorCode.NOT_UTF8,
            "the text is UTF-16 or UTF-32, not UTF-8",
            "Convert it to UTF-8, e.g. `iconv -f utf-16 -t utf-8 in.txt > out.txt`",
        )
    if expected == PDF_MEDIA_TYPE and actual != PDF_MEDIA_TYPE:
        what = "an HTML page" if actual == "text/html" else ("text" if actual == TEXT_MEDIA_TYPE else "binary data")
        raise InputError(
            ErrorCode.MISLABELLED,
            f"named .pdf but the bytes are {what}, not a PDF",
            "Download the real PDF (a saved web page is not the report)",
        )
    if expected == TEXT_MEDIA_TYPE and actual == PDF_MEDIA_TYPE:
        raise InputError(
            ErrorCode.MISLABELLED,
            "named .txt but the bytes are a PDF",
            "Rename the file to .pdf",
        )
    if actual == PDF_MEDIA_TYPE:
        pages = _pdf_pages(data, name, grade_tail_pattern(rules), password=password, max_pages=max_pages)
        return Ingested(
            name=name,
            sha256=hashlib.sha256(data).hexdigest(),
            media_type=PDF_MEDIA_TYPE,
            pages=pages,
        )
    if actual == TEXT_MEDIA_TYPE:
        return Ingested(
            name=name,
            sha256=hashlib.sha256(data).hexdigest(),
            media_type=TEXT_MEDIA_TYPE,
            pages=_text_pages(data, max_pages),
        )
    what = "an HTML page" if actual == "text/html" else "binary data"
    raise InputError(
        ErrorCode.UNSUPPORTED_TYPE,
        f"the bytes are {what}, neither a PDF nor UTF-8 text",
        "Give a PDF or a .txt file",
    )


def read_input(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a regular file, at most ``max_bytes`` of them (named pipes, devices and
    sockets are refused before they are opened, so nothing blocks or grows without end)."""
    try:
        status = path.stat()
    except FileNotFoundError as exc:
        raise InputError(ErrorCode.NOT_FOUND, "no such file", "Check the path") from exc
    except PermissionError as exc:
        raise InputError(ErrorCode.PERMISSION_DENIED, "permission denied", "Check the file's permissions") from exc
    except OSError as exc:  # a symlink loop, a name too long, ...
        raise InputError(ErrorCode.NOT_FOUND, f"cannot be reached ({exc.strerror or exc})", "Check the path") from exc
    if stat.S_ISDIR(status.st_mode):
        raise InputError(ErrorCode.NOT_A_FILE, "is a directory", "Give a file, or pass the directory to `extract`")
    if not stat.S_ISREG(status.st_mode):
        raise InputError(
            ErrorCode.NOT_A_FILE,
            f"is a {_file_kind(status.st_mode)}, not a regular file",
            "Copy the document to a file and give that",
        )
    if status.st_size > max_bytes:
        raise _too_large(status.st_size, max_bytes)
    try:
        with path.open("rb") as stream:
            data = stream.read(max_bytes + 1)
    except PermissionError as exc:
        raise InputError(ErrorCode.PERMISSION_DENIED, "permission denied", "Check the file's permissions") from exc
    except OSError as exc:
        raise InputError(ErrorCode.NOT_FOUND, f"cannot be read ({exc.strerror or exc})", "Check the file") from exc
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes)
    return data


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def _too_large(size: int, limit: int) -> InputError:
    return InputError(
        ErrorCode.TOO_LARGE,
        f"the input has more than {limit:,} bytes ({size:,} read)",
        "Raise the limit with --max-bytes if this is really one document",
    )


def ingest_path(
    path: Path,
    rules: RuleSet,
    *,
    password: str | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Ingested:
    """Read a document from a file path."""
    return ingest_bytes(read_input(path, max_bytes), path.name, rules, password=password, max_pages=max_pages)


# --- text files -------------------------------------------------------------------------


def _text_pages(data: bytes, max_pages: int = DEFAULT_MAX_PAGES) -> list[PageInfo]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            ErrorCode.NOT_UTF8,
            f"the text is not valid UTF-8 (byte {exc.start})",
            "Convert it to UTF-8, e.g. `iconv -f cp1252 -t utf-8`",
        ) from exc
    count = text.count("\f") + 1  # form feeds are page breaks, and count against --max-pages
    if count > max_pages:
        raise InputError(
            ErrorCode.TOO_MANY_PAGES,
            f"the text has {count} pages (form feeds), more than the limit of {max_pages}",
            "Raise the limit with --max-pages if this is really one document",
        )
    if not text.translate({ord(char): None for char in INVISIBLE}).strip():
        raise InputError(ErrorCode.EMPTY_FILE, "the text file has no printable text", "Check the file's contents")
    pages: list[PageInfo] = []
    for number, page_text in enumerate(text.split("\f"), start=1):
        lines = [_plain_line(line.rstrip(), number) for line in LINE_BREAK_RE.split(page_text)]
        pages.append(PageInfo.model_construct(number=number, width=0.0, height=0.0, lines=lines))
    if not any(line.text.strip() for page in pages for line in page.lines):
        raise InputError(
            ErrorCode.EMPTY_FILE,
            "the text file has no printable text",
            "Check the file's contents",
        )
    return pages


# --- PDFs --------------------------------------------------------------------------------


def _open_pdf(data: bytes, password: str | None) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            if password is None:
                raise InputError(
                    ErrorCode.ENCRYPTED,
                    "the PDF is encrypted",
                    "Pass its password with --password",
                ) from exc
            raise InputError(
                ErrorCode.BAD_PASSWORD,
                "the password does not open this PDF",
                "Check the password",
            ) from exc
        # PDFium names no cause for a document without a usable page tree ("Success")
        detail = "" if "PDFium: Success" in message else f" ({message.rstrip('.')})"
        raise InputError(
            ErrorCode.BROKEN_PDF,
            f"the PDF cannot be parsed{detail or ' (no usable page tree)'}",
            "Download it again; the file may be truncated or damaged",
        ) from exc


def _pdf_pages(
    data: bytes, name: str, grade_tail: re.Pattern[str], *, password: str | None, max_pages: int
) -> list[PageInfo]:
    try:
        pdf = _open_pdf(data, None)  # a password is tried only on a PDF that needs one
    except InputError as exc:
        if exc.code is not ErrorCode.ENCRYPTED or password is None:
            raise
        pdf = _open_pdf(data, password)
    try:
        count = len(pdf)
        if count == 0:
            raise InputError(ErrorCode.BROKEN_PDF, "the PDF has no pages", "Download it again")
        if count > max_pages:
            raise InputError(
                ErrorCode.TOO_MANY_PAGES,
                f"the PDF has {count} pages, more than the limit of {max_pages}",
                "Raise the limit with --max-pages if this is really one report",
            )
        pages: list[PageInfo] = []
        total_chars = 0
        for index in range(count):
            try:
                page = pdf[index]
            except (pdfium.PdfiumError, ValueError, KeyError) as exc:
                raise InputError(
                    ErrorCode.BROKEN_PDF,
                    f"page {index + 1} cannot be read ({str(exc).rstrip('.') or type(exc).__name__})",
                    "Download it again; the file may be damaged",
                ) from exc
            try:
                width, height = page.get_size()
                lines, chars = _page_lines(page, index + 1, height, grade_tail)
            except pdfium.PdfiumError as exc:
                raise InputError(
                    ErrorCode.BROKEN_PDF,
                    f"page {index + 1} cannot be read ({str(exc).rstrip('.')})",
                    "Download it again; the file may be damaged",
                ) from exc
            finally:
                page.close()
            total_chars += chars
            pages.append(PageInfo(number=index + 1, width=width, height=height, lines=lines))
        if total_chars < MIN_CHARS_PER_PAGE * count:
            raise InputError(
                ErrorCode.NO_TEXT_LAYER,
                f"the PDF has no text layer ({total_chars} characters on {count} pages; probably scanned)",
                "Run OCR first, e.g. `ocrmypdf in.pdf out.pdf`, then extract from the OCRed file",
            )
        logger.debug("%s: %d pages, %d characters", name, count, total_chars)
        return pages
    finally:
        pdf.close()


class _PageProbe:
    """Reads a few character properties from a PDFium text page, on demand."""

    def __init__(self, textpage: pdfium.PdfTextPage, height: float) -> None:
        self._raw = textpage.raw
        self._textpage = textpage
        self._height = height
        self._name = ctypes.create_string_buffer(FONT_NAME_BUFFER)
        self._x = ctypes.c_double()
        self._y = ctypes.c_double()
        self._matrix = pdfium_c.FS_MATRIX()

    def size(self, index: int) -> float:
        """Font size as printed: the font's size scaled by the character's text matrix.

        Some PDFs set the size to 1 and scale the text with the matrix instead.
        """
        size = float(pdfium_c.FPDFText_GetFontSize(self._raw, index))
        if pdfium_c.FPDFText_GetMatrix(self._raw, index, ctypes.byref(self._matrix)):
            size *= math.hypot(self._matrix.c, self._matrix.d)
        return size

    def bold(self, index: int) -> bool:
        if pdfium_c.FPDFText_GetFontWeight(self._raw, index) >= BOLD_WEIGHT:
            return True
        pdfium_c.FPDFText_GetFontInfo(self._raw, index, self._name, FONT_NAME_BUFFER, None)
        return b"bold" in self._name.value.lower()

    def position(self, index: int) -> tuple[float, float]:
        """(top, left) of a character's box, from the page's top-left corner."""
        left, _bottom, _right, top = self._textpage.get_charbox(index)
        return self._height - top, left

    def right(self, index: int) -> float:
        """Right edge of a character's box."""
        return float(self._textpage.get_charbox(index)[2])

    def baseline(self, index: int) -> float:
        """Height of a character's origin above the page bottom."""
        if not pdfium_c.FPDFText_GetCharOrigin(self._raw, index, ctypes.byref(self._x), ctypes.byref(self._y)):
            return 0.0
        return self._y.value

    def is_superscript(self, index: int, reference: int, reference_size: float) -> bool:
        """Whether character ``index`` is printed smaller than, or raised above, ``reference``."""
        size = self.size(index)
        if size <= reference_size * SUPERSCRIPT_SIZE_RATIO:
            return True
        rise = self.baseline(index) - self.baseline(reference)
        return size <= reference_size and rise >= reference_size * SUPERSCRIPT_RISE_RATIO


def _page_lines(
    page: pdfium.PdfPage, number: int, height: float, grade_tail: re.Pattern[str]
) -> tuple[list[Line], int]:
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        probe: _PageProbe | None = _PageProbe(textpage, height)
        if len(text) != textpage.count_chars():
            # Offsets would not line up with PDFium's character indices: keep the text,
            # drop the geometry for this page.
            logger.debug("page %d: text length differs from character count; no geometry", number)
            probe = None
        lines: list[Line] = []
        cursor = 0
        for match in LINE_BREAK_RE.finditer(text + "\n"):
            raw = text[cursor : match.start()]
            line_start = cursor
            cursor = match.end()
            if cursor > len(text) + 1:
                break
            lines.extend(_make_lines(raw, line_start, number, probe, lines[-1] if lines else None, grade_tail))
        return lines, len(text)
    finally:
        textpage.close()


def _plain_line(text: str, page: int) -> Line:
    return Line.model_construct(
        _fields_set=LINE_FIELDS,
        text=text,
        page=page,
        top=None,
        x0=None,
        size=None,
        bold=False,
        markers=(),
        continues_line=False,
    )


def _make_lines(
    raw: str, start: int, page: int, probe: _PageProbe | None, previous: Line | None, grade_tail: re.Pattern[str]
) -> list[Line]:
    """One printed line as :class:`Line` objects (two when a grade sits in its own column)."""
    stripped = raw.rstrip()
    if probe is None or not stripped.strip():
        return [_plain_line(stripped, page)]
    first = start + (len(raw) - len(raw.lstrip()))
    middle = start + len(stripped) // 2
    if stripped[len(stripped) // 2].isspace():
        middle = first
    top, x0 = probe.position(first)
    size = probe.size(middle)
    text, markers = _strip_markers(stripped, start, probe)
    continues = False
    same_line = (
        previous is not None
        and previous.top is not None
        and previous.x0 is not None
        and abs(top - previous.top) <= (previous.size or 0.0) * SAME_LINE_TOLERANCE_RATIO
        and x0 > previous.x0
    )
    if same_line and previous is not None:
        leading = LEADING_DIGITS_RE.match(text)
        if LONE_DIGITS_RE.match(text) and size <= (previous.size or 0.0) * SUPERSCRIPT_SIZE_RATIO:
            # A marker that PDFium put on a line of its own, beside the line it belongs to.
            markers = (text.strip(), *markers)
            text = ""
            continues = True
        elif leading and probe.is_superscript(
            start + leading.start(1),
            start + leading.end(),
            probe.size(start + leading.end()),
        ):
            markers = (leading.group(1), *markers)
            text = text[leading.end() :]
            continues = True
    bold = probe.bold(middle)
    grade = grade_tail.search(text) if not markers else None
    if grade is not None:
        grade_start = start + grade.start(1)
        gap = probe.position(grade_start)[1] - probe.right(grade_start - 2)
        if gap > COLUMN_GAP_RATIO * probe.size(grade_start):
            return [
                Line.model_construct(
                    _fields_set=LINE_FIELDS,
                    text=text[: grade.start()],
                    page=page,
                    top=round(top, 2),
                    x0=round(x0, 2),
                    size=round(size, 2),
                    bold=bold,
                    markers=(),
                    continues_line=False,
                ),
                Line.model_construct(
                    _fields_set=LINE_FIELDS,
                    text=grade.group(1),
                    page=page,
                    top=round(top, 2),
                    x0=round(probe.position(grade_start)[1], 2),
                    size=round(probe.size(grade_start), 2),
                    bold=probe.bold(grade_start),
                    markers=(),
                    continues_line=False,
                ),
            ]
    return [
        Line.model_construct(
            _fields_set=LINE_FIELDS,
            text=text,
            page=page,
            top=round(top, 2),
            x0=round(x0, 2),
            size=round(size, 2),
            bold=bold,
            markers=markers,
            continues_line=continues,
        )
    ]


def _strip_markers(text: str, start: int, probe: _PageProbe) -> tuple[str, tuple[str, ...]]:
    """Remove superscript digits glued to the end of a word, judged by font size and rise."""
    cuts: list[tuple[int, int]] = []
    for match in TRAILING_DIGITS_RE.finditer(text):
        word_start = text.rfind(" ", 0, match.start()) + 1
        reference = probe.size(start + word_start)
        if reference <= 0:
            continue
        cut_from = match.end()
        for position in range(match.end() - 1, match.start() - 1, -1):
            if probe.is_superscript(start + position, start + word_start, reference):
                cut_from = position
            else:
                break
        if cut_from < match.end() and cut_from > word_start:
            cuts.append((cut_from, match.end()))
    if not cuts:
        return text, ()
    pieces: list[str] = []
    markers: list[str] = []
    cursor = 0
    for cut_start, cut_end in cuts:
        pieces.append(text[cursor:cut_start])
        markers.append(text[cut_start:cut_end])
        cursor = cut_end
    pieces.append(text[cursor:])
    return "".join(pieces), tuple(markers)
