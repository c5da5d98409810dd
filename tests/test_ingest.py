"""Ingestion: lines with geometry, superscript markers by size, table grades split from labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from ofsted_findings.ingest.reader import (
    PDF_MEDIA_TYPE,
    TEXT_MEDIA_TYPE,
    Ingested,
    ingest_bytes,
    ingest_path,
    sniff_media_type,
)
from ofsted_findings.ruleset import RuleSet
from pdf_factory import Page, build_pdf, letter_pdf

RULES = RuleSet.default()


@pytest.fixture(scope="module")
def letter() -> Ingested:
    return ingest_bytes(letter_pdf(), "letter.pdf", RULES)


def _lines(doc: Ingested) -> list[str]:
    return [line.text for page in doc.pages for line in page.lines]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"%PDF-1.7\n...", PDF_MEDIA_TYPE, id="pdf"),
        pytest.param(b"<!doctype html><html>", "text/html", id="html"),
        pytest.param(b"Plain words\n", TEXT_MEDIA_TYPE, id="text"),
        pytest.param(b"\x00\x01\x02", None, id="binary"),
    ],
)
def test_sniff_media_type(data: bytes, expected: str | None) -> None:
    assert sniff_media_type(data) == expected


def test_pdf_lines_have_page_and_geometry(letter: Ingested) -> None:
    assert [page.number for page in letter.pages] == [1, 2]
    first = letter.pages[0].lines[0]
    assert first.text == "Ofsted"
    assert first.top is not None and first.top < 100
    assert first.size == pytest.approx(12.0, abs=0.5)
    heading = next(line for line in letter.pages[0].lines if line.text.startswith("Focused visit"))
    assert heading.bold


@pytest.mark.parametrize(
    ("line_start", "kept", "marker"),
    [
        pytest.param("On 31 March 2018", "On 31 March 2018", "7", id="after-a-year"),
        pytest.param("Overall, 22.2%", "Overall, 22.2%", "3", id="after-a-percentage"),
    ],
)
def test_superscript_marker_removed_by_size(letter: Ingested, line_start: str, kept: str, marker: str) -> None:
    line = next(line for line in letter.pages[0].lines if line.text.startswith(line_start))
    assert line.text == kept
    assert line.markers == (marker,)


def test_real_digits_are_kept() -> None:
    pdf = build_pdf([Page().line("In 2019 there were 45 children and 12% waited.", 100)])
    doc = ingest_bytes(pdf, "digits.pdf", RULES)
    assert _lines(doc)[0] == "In 2019 there were 45 children and 12% waited."


def test_marker_on_its_own_line_is_dropped() -> None:
    page = Page().line("Children are seen promptly.", 100, marker="4").line("Next paragraph starts here.", 140)
    doc = ingest_bytes(build_pdf([page]), "own-line.pdf", RULES)
    texts = [line.text.strip() for line in doc.pages[0].lines if line.text.strip()]
    assert "4" not in texts
    assert sum(len(line.markers) for line in doc.pages[0].lines) == 1


def test_grade_column_split_from_its_label(letter: Ingested) -> None:
    texts = _lines(letter)
    index = texts.index("help and protection")
    assert texts[index + 1] == "Requires improvement"


def test_text_pages_split_at_form_feeds(tmp_path: Path) -> None:
    path = tmp_path / "two.txt"
    path.write_text("First page line\n\fSecond page line\n", encoding="utf-8")
    doc = ingest_path(path, RULES)
    assert doc.media_type == TEXT_MEDIA_TYPE
    assert [page.number for page in doc.pages] == [1, 2]
    assert doc.pages[1].lines[0].text == "Second page line"


@pytest.mark.corpus
def test_corpus_sample_ingests_with_geometry(corpus_dir: Path) -> None:
    for name in (
        "reports/barking-and-dagenham_2019-04-01.pdf",
        "letters/bracknell-forest_jtai_2019-03-08.pdf",
    ):
        doc = ingest_path(corpus_dir / name, RULES)
        lines = [line for page in doc.pages for line in page.lines if line.text.strip()]
        assert lines and sum(line.size is not None for line in lines) / len(lines) > 0.9
