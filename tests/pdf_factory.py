"""Small PDFs built on the fly for ingestion and normalisation tests (fpdf2, core fonts).

Every piece of text is placed at an exact baseline, so a test controls what the page
looks like: running footers, superscript markers, wrapped lines, a judgement table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from fpdf import FPDF

LEFT = 72.0
BODY_SIZE = 12.0
LEADING = 15.0
MARKER_SIZE = 7.0
MARKER_RISE = 4.0


@dataclass
class Piece:
    """Text at a position; ``marker`` is printed after it, smaller and raised."""

    text: str
    y: float
    x: float = LEFT
    size: float = BODY_SIZE
    bold: bool = False
    marker: str = ""
    after_marker: str = ""


@dataclass
class Page:
    pieces: list[Piece] = field(default_factory=list)

    def line(self, text: str, y: float, **kwargs: object) -> Page:
        self.pieces.append(Piece(text, y, **kwargs))  # type: ignore[arg-type]
        return self


FIXED_DATE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def build_pdf(pages: list[Page], *, footer: str | None = None, page_numbers: bool = False) -> bytes:
    """A4 PDF of the given pages, with an optional running footer and "Page N of M"."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_creation_date(FIXED_DATE)  # the same bytes every time, so sha256 and snapshots are stable
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_auto_page_break(False)
    for number, page in enumerate(pages, start=1):
        pdf.add_page()
        for piece in page.pieces:
            pdf.set_font("helvetica", style="B" if piece.bold else "", size=piece.size)
            pdf.text(piece.x, piece.y, piece.text)
            if piece.marker:
                x = piece.x + pdf.get_string_width(piece.text)
                pdf.set_font("helvetica", size=MARKER_SIZE)
                pdf.text(x, piece.y - MARKER_RISE, piece.marker)
                if piece.after_marker:
                    x += pdf.get_string_width(piece.marker)
                    pdf.set_font("helvetica", size=piece.size)
                    pdf.text(x, piece.y, piece.after_marker)
        pdf.set_font("helvetica", size=9)
        if footer:
            pdf.text(LEFT, 800, footer)
        if page_numbers:
            pdf.text(480, 800, f"Page {number} of {len(pages)}")
    return bytes(pdf.output())


def letter_pdf() -> bytes:
    """A two-page invented letter exercising every normalisation rule."""
    first = Page()
    y = 80.0
    for text in (
        "Ofsted",
        "Piccadilly Gate",
        "Store Street",
        "Manchester M1 2WD",
        "12 March 2024",
        "Ms Jane Doe",
    ):
        first.line(text, y)
        y += LEADING
    first.line("Dear Ms Doe", y + LEADING)
    y += 3 * LEADING
    first.line("Focused visit to Testshire children's services", y, size=14, bold=True)
    y += 2 * LEADING
    first.line(
        "On 31 March 2018",
        y,
        marker="7",
        after_marker=" the council looked after 412 children.",
    )
    y += LEADING
    first.line("Overall, 22.2%", y, marker="3", after_marker=" of visits were late.")
    y += 2 * LEADING
    first.line("\u2022 Managers know their services well.", y)
    y += 2 * LEADING
    first.line("There is a clear focus on multi-", y)
    y += LEADING
    first.line("agency working across the partnership and the assess-", y)
    y += LEADING
    first.line("ment of risk is thorough. Each assessment is timely.", y)
    y += 2 * LEADING
    first.line("The local authority has made steady progress in improving the", 760)
    first.line("7 Source: local authority data.", 785, size=8)
    second = Page()
    second.line("quality of plans for children.", 80)
    second.line("Judgement", 120, bold=True)
    second.line("Grade", 120, x=400, bold=True)
    second.line("The experiences and progress of children who need", 140, size=11)
    second.line("help and protection", 155, size=11)
    second.line("Requires improvement", 155, size=11, x=400)
    second.line("Yours sincerely", 200)
    return build_pdf([first, second], footer="Testshire focused visit letter", page_numbers=True)


def image_only_pdf() -> bytes:
    """A PDF whose only page has a drawing and no text (what a scan looks like to us)."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_page()
    pdf.set_fill_color(120, 120, 120)
    pdf.rect(72, 72, 300, 400, style="F")
    return bytes(pdf.output())


def simple_pdf(text: str = "Inspection of Testshire children's services.", pages: int = 1) -> bytes:
    """A plain PDF with one line per page."""
    return build_pdf([Page().line(f"{text} Page text {n}.", 100) for n in range(1, pages + 1)])


def encrypted_pdf(password: str) -> bytes:
    """``simple_pdf`` encrypted with ``password`` (pypdf)."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(simple_pdf())).pages:
        writer.add_page(page)
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
