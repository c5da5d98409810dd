"""Render the invented sample letters in this folder to PDF.

Usage::

    python corpus/samples/build_pdfs.py

Each ``<stem>.txt`` listed in :data:`DOCUMENTS` is rendered to ``<stem>.pdf`` next to it.
The output is deterministic: the creation date, producer and document ID are fixed, so
running the script again produces byte-identical files.

The ``.txt`` files are plain text with no mark-up:

* blocks are separated by blank lines;
* a block of lines that all start with ``"• "`` is a bulleted list (one item per line);
* any other block of several lines (letterhead, address, signature) keeps its line breaks;
* a one-line block is a paragraph, unless it is listed as a heading or title below.

Layout knowledge (which lines are headings, where a footnote goes, the running footer)
lives in :data:`DOCUMENTS` at the top of this script rather than in the texts, so that
the texts read naturally. The layout mimics real letters so that the tool's layout logic
is exercised: letterhead in a right-hand column on page 1, bold headings, bullets with a
hanging indent, a superscript footnote marker with its note at the page foot, and a
running footer with page numbers on every page but the first.

Only fpdf2 is needed. Text uses the core Helvetica font with the Windows-1252 encoding,
which covers the bullet, curly quotes, the en dash and the pound sign.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).resolve().parent

#: Fixed creation date written into every PDF, so that rebuilds are byte-identical.
CREATION_DATE = datetime(2024, 1, 1, 0, 0, 0, tzinfo=UTC)
#: Fixed producer string (fpdf2 would otherwise write its own version number).
PRODUCER = "ofsted-findings corpus/samples/build_pdfs.py (fpdf2)"
#: Marks every PDF as invented, in the document information dictionary.
INVENTED_MARK = "INVENTED SAMPLE – not a real Ofsted publication"

#: Lines rendered as headings (bold, 12pt) wherever they occur as a one-line block.
HEADINGS: frozenset[str] = frozenset(
    {
        "Areas covered by the visit",
        "Headline findings",
        "Overview",
        "What needs to improve in this area of social work practice",
        "Findings and evaluation of progress",
        "Main findings",
    }
)


@dataclass(frozen=True)
class Footnote:
    """A footnote: ``mark`` is set as a superscript right after the first ``anchor``."""

    anchor: str
    mark: str
    text: str


@dataclass(frozen=True)
class Document:
    """One sample letter and the layout facts that are not in its text."""

    stem: str
    title: str
    footer: str
    footnotes: tuple[Footnote, ...] = field(default_factory=tuple)


DOCUMENTS: tuple[Document, ...] = (
    Document(
        stem="monitoring-visit_invented",
        title="Monitoring visit to Wexcombe children's services",
        footer="Wexcombe Borough Council: monitoring visit",
        footnotes=(
            Footnote(
                anchor="This is an increase from 355 at 31 March 2023",
                mark="1",
                text="Source: local authority performance data.",
            ),
        ),
    ),
    Document(
        stem="focused-visit_invented",
        title="Focused visit to Wexcombe children's services",
        footer="Wexcombe Borough Council: focused visit",
    ),
)

# Layout, in millimetres and points.
MARGIN = 20.0
BOTTOM_MARGIN = 28.0  # leaves room for a footnote and the footer
BODY_PT = 11
HEADING_PT = 12
SMALL_PT = 9
FOOTNOTE_PT = 8
LINE_H = 5.6  # body line height
PARA_GAP = 3.0  # space after a paragraph
BULLET_INDENT = 2.0  # bullet glyph, from the left margin
HANG_INDENT = 8.0  # text of a bullet item, from the left margin
LETTERHEAD_X = 140.0
FONT = "helvetica"
BULLET = "• "


class LetterPDF(FPDF):
    """An A4 letter with a running footer and page-foot footnotes."""

    def __init__(self, doc: Document) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.doc = doc
        self.core_fonts_encoding = "windows-1252"
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=BOTTOM_MARGIN)
        self.set_creation_date(CREATION_DATE)
        self.set_producer(PRODUCER)
        self.set_creator(PRODUCER)
        self.set_title(f"{doc.title} ({INVENTED_MARK})")
        self.set_subject(INVENTED_MARK)
        self.set_author("Invented for the ofsted-findings test corpus")
        self.set_keywords("invented sample; test data; not an Ofsted publication")
        self.set_lang("en-GB")
        self.alias_nb_pages()
        #: Footnotes to print at the foot of each page, filled in as markers are set.
        self.pending_notes: dict[int, list[Footnote]] = {}

    def footer(self) -> None:
        """Print this page's footnotes, then the running footer (not on page 1)."""
        notes = self.pending_notes.get(self.page_no(), [])
        if notes:
            y = self.h - BOTTOM_MARGIN + 2.0
            self.set_draw_color(0)
            self.set_line_width(0.2)
            self.line(self.l_margin, y, self.l_margin + 40.0, y)
            self.set_y(y + 1.0)
            for note in notes:
                self.set_font(FONT, size=FOOTNOTE_PT)
                self.set_x(self.l_margin)
                self.cell(text=f"{note.mark} {note.text}", new_x="LMARGIN", new_y="NEXT")
        if self.page_no() == 1:
            return
        self.set_y(-14.0)
        self.set_font(FONT, size=SMALL_PT)
        self.set_text_color(90)
        self.cell(w=0, h=5, text=self.doc.footer, align="L")
        self.set_x(self.l_margin)
        self.cell(w=0, h=5, text=f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0)


def split_blocks(text: str) -> list[list[str]]:
    """Split a sample text into blocks (lists of lines) separated by blank lines."""
    blocks: list[list[str]] = []
    for raw in text.strip().split("\n\n"):
        lines = [line.rstrip() for line in raw.strip("\n").split("\n")]
        if lines and any(lines):
            blocks.append(lines)
    return blocks


def write_paragraph(pdf: LetterPDF, text: str, footnotes: tuple[Footnote, ...]) -> None:
    """Write flowing text from the current position, setting any footnote markers."""
    rest = text
    for note in footnotes:
        at = rest.find(note.anchor)
        if at < 0:
            continue
        end = at + len(note.anchor)
        pdf.write(LINE_H, rest[:end])
        pdf.char_vpos = "SUP"
        pdf.write(LINE_H, note.mark)
        pdf.char_vpos = "LINE"
        pdf.pending_notes.setdefault(pdf.page_no(), []).append(note)
        rest = rest[end:]
    pdf.write(LINE_H, rest)
    pdf.ln(LINE_H)


def render(doc: Document, text: str) -> LetterPDF:
    """Lay out one letter and return the finished (not yet saved) PDF."""
    pdf = LetterPDF(doc)
    pdf.add_page()
    blocks = split_blocks(text)
    for note in doc.footnotes:
        if text.count(note.anchor) != 1:
            raise ValueError(f"{doc.stem}: footnote anchor not found once: {note.anchor!r}")
    if sum(block == [doc.title] for block in blocks) != 1:
        raise ValueError(f"{doc.stem}: title line not found once: {doc.title!r}")

    # Letterhead: the first block, in a right-hand column at the top of page 1.
    letterhead, body = blocks[0], blocks[1:]
    if letterhead[0] != "Ofsted":
        raise ValueError(f"{doc.stem}: the first block must be the Ofsted letterhead")
    pdf.set_xy(LETTERHEAD_X, MARGIN)
    pdf.set_font(FONT, style="B", size=16)
    pdf.cell(h=8.0, text=letterhead[0], new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, size=SMALL_PT)
    for line in letterhead[1:]:
        pdf.cell(h=4.2, text=line, new_x="LEFT", new_y="NEXT")
    pdf.set_xy(MARGIN, pdf.get_y() + 8.0)

    last = len(body) - 1
    for index, lines in enumerate(body):
        pdf.set_x(pdf.l_margin)
        if all(line.startswith(BULLET) for line in lines):
            pdf.set_font(FONT, size=BODY_PT)
            for line in lines:
                pdf.set_left_margin(MARGIN + HANG_INDENT)
                pdf.set_x(MARGIN + BULLET_INDENT)
                pdf.cell(w=HANG_INDENT - BULLET_INDENT, h=LINE_H, text=BULLET.strip())
                write_paragraph(pdf, line[len(BULLET) :], doc.footnotes)
                pdf.set_left_margin(MARGIN)
                pdf.ln(1.5)
            pdf.ln(PARA_GAP - 1.5)
        elif len(lines) > 1:
            pdf.set_font(FONT, size=BODY_PT)
            for line in lines:
                pdf.cell(h=LINE_H, text=line, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(PARA_GAP)
        elif lines[0] == doc.title:
            pdf.set_font(FONT, style="B", size=HEADING_PT)
            pdf.multi_cell(w=0, h=6.5, text=lines[0], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(PARA_GAP)
        elif lines[0] in HEADINGS:
            if pdf.will_page_break(4 * LINE_H):
                pdf.add_page()  # keep a heading with the text that follows it
            pdf.ln(1.5)
            pdf.set_font(FONT, style="B", size=HEADING_PT)
            pdf.multi_cell(w=0, h=6.5, text=lines[0], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif index == last:
            # The "invented" notice after the signature block.
            pdf.ln(6.0)
            pdf.set_font(FONT, style="I", size=SMALL_PT)
            pdf.multi_cell(w=0, h=4.5, text=lines[0], new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font(FONT, size=BODY_PT)
            write_paragraph(pdf, lines[0], doc.footnotes)
            pdf.ln(PARA_GAP)
    return pdf


def build(doc: Document, folder: Path = HERE) -> Path:
    """Render ``<stem>.txt`` in ``folder`` to ``<stem>.pdf`` and return the PDF's path."""
    source = folder / f"{doc.stem}.txt"
    target = folder / f"{doc.stem}.pdf"
    pdf = render(doc, source.read_text(encoding="utf-8"))
    pdf.output(str(target))
    return target


def main() -> None:
    """Build every sample PDF and print where each went."""
    for doc in DOCUMENTS:
        path = build(doc)
        print(f"{path.relative_to(HERE.parent.parent)}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
