"""Normalisation of a generated two-page letter, one rule per row, and a corpus sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from ofsted_findings.ingest.reader import ingest_bytes, ingest_path
from ofsted_findings.layout.normalize import BlockKind, Normalized, PageMap, normalize
from ofsted_findings.ruleset import RuleSet
from pdf_factory import letter_pdf

RULES = RuleSet.default()

LAYOUT = RULES.layout


@pytest.fixture(scope="module")
def norm() -> Normalized:
    return normalize(ingest_bytes(letter_pdf(), "letter.pdf", RULES), LAYOUT)


def _block_with(norm: Normalized, needle: str):
    return next(block for block in norm.blocks if needle in norm.text[block.start : block.end])


@pytest.mark.parametrize(
    ("present", "absent"),
    [
        pytest.param("31 March 2018 the council", "20187", id="marker-after-year"),
        pytest.param("22.2% of visits", "22.2%3", id="marker-after-percentage"),
        pytest.param("multi-agency working", "multiagency", id="hyphen-of-compound-kept"),
        pytest.param("the assessment of risk", "assess-ment", id="broken-word-joined"),
        pytest.param("improving the quality of plans", None, id="paragraph-across-page-break"),
        pytest.param("Managers know their services well.", "\u2022", id="bullet-glyph-removed"),
        pytest.param("Requires improvement", "protection Requires", id="grade-not-glued-to-label"),
    ],
)
def test_text_rules(norm: Normalized, present: str, absent: str | None) -> None:
    assert present in norm.text
    if absent is not None:
        assert absent not in norm.text


@pytest.mark.parametrize(
    "furniture",
    [
        pytest.param("Testshire focused visit letter", id="running-footer"),
        pytest.param("Page 1 of 2", id="page-number"),
        pytest.param("\ufffe", id="pdfium-hyphen"),
    ],
)
def test_running_lines_removed(norm: Normalized, furniture: str) -> None:
    assert furniture not in norm.text


def test_letterhead_is_one_block_ending_with_salutation(norm: Normalized) -> None:
    first = norm.blocks[0]
    assert first.kind is BlockKind.LETTERHEAD
    assert norm.text[first.start : first.end].splitlines()[-1] == "Dear Ms Doe"


@pytest.mark.parametrize(
    ("needle", "kind"),
    [
        pytest.param("Focused visit to Testshire", BlockKind.HEADING, id="heading"),
        pytest.param("Managers know", BlockKind.BULLET, id="bullet"),
        pytest.param("Source: local authority data.", BlockKind.FOOTNOTE, id="footnote"),
        pytest.param("improving the quality", BlockKind.PARAGRAPH, id="paragraph"),
    ],
)
def test_block_kinds(norm: Normalized, needle: str, kind: BlockKind) -> None:
    assert _block_with(norm, needle).kind is kind


def test_paragraph_across_page_break_keeps_pages(norm: Normalized) -> None:
    block = _block_with(norm, "improving the quality")
    page_of = PageMap(norm.page_runs)
    assert page_of(block.start) == 1
    assert page_of(norm.text.index("quality of plans")) == 2


def test_footnotes_after_the_body(norm: Normalized) -> None:
    assert norm.blocks[-1].kind is BlockKind.FOOTNOTE
    assert norm.text.index("Source: local authority data.") > norm.text.index("Yours sincerely")


def test_judgement_grade_is_the_block_after_its_label(norm: Normalized) -> None:
    label = _block_with(norm, "children who need help and protection")
    following = norm.blocks[norm.blocks.index(label) + 1]
    assert norm.text[label.start : label.end] == "The experiences and progress of children who need help and protection"
    assert norm.text[following.start : following.end] == "Requires improvement"


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name",
    [
        pytest.param("reports/barking-and-dagenham_2019-04-01.pdf", id="ilacs-2019"),
        pytest.param("letters/bracknell-forest_jtai_2019-03-08.pdf", id="jtai-2019"),
        pytest.param("reports/leeds_2015-03-27.pdf", id="sif-2015"),
    ],
)
def test_corpus_sample_has_no_page_numbers_or_glued_years(corpus_dir: Path, name: str) -> None:
    norm = normalize(ingest_path(corpus_dir / name, RULES), LAYOUT)
    lone_numbers = [
        norm.text[block.start : block.end]
        for block in norm.blocks
        if block.kind is not BlockKind.LETTERHEAD and norm.text[block.start : block.end].strip().isdigit()
    ]
    assert lone_numbers == []
    assert "\ufffe" not in norm.text
    for block in norm.blocks:
        assert norm.text[block.start : block.end] == norm.text[block.start : block.end].strip()


def test_lines_printed_at_the_top_but_extracted_last_are_read_first() -> None:
    """A letter's Ofsted address printed at the top but extracted after the body is put back
    in front as letterhead: it never ends or starts a sentence of the body."""
    from pdf_factory import Page, build_pdf

    page_one = (
        Page()
        .line("Dear Sam Example", 150)
        .line("Findings", 190, bold=True)
        .line("Children live in placements that", 220)
        .line("meet their needs and are settled.", 235)
        .line("Piccadilly Gate", 40, size=9)
        .line("Store Street", 51, size=9)
    )
    page_two = Page().line("Plans are reviewed regularly and children are safe.", 100)
    norm = normalize(ingest_bytes(build_pdf([page_one, page_two]), "letter.pdf", RULES), LAYOUT)
    assert norm.text.startswith("Piccadilly Gate\nStore Street\nDear Sam Example")
    letterhead = next(b for b in norm.blocks if b.kind is BlockKind.LETTERHEAD)
    assert "Store Street" in norm.text[letterhead.start : letterhead.end]
    paragraphs = [norm.text[b.start : b.end] for b in norm.blocks if b.kind is BlockKind.PARAGRAPH]
    assert paragraphs[0] == "Children live in placements that meet their needs and are settled."


def test_a_line_in_the_footer_zone_does_not_move_the_body() -> None:
    """A page number extracted first (bottom of the page) is not a reason to reorder."""
    from pdf_factory import Page, build_pdf

    page = (
        Page()
        .line("2", 800, size=9)
        .line("Children live in placements that", 220)
        .line("meet their needs and are settled.", 235)
    )
    norm = normalize(
        ingest_bytes(build_pdf([page, Page().line("More text follows here.", 100)]), "letter.pdf", RULES), LAYOUT
    )
    assert "Children live in placements that meet their needs and are settled." in norm.text


def test_label_colon_inside_a_wrapped_sentence_does_not_start_a_block() -> None:
    from ofsted_findings.ingest.reader import ingest_bytes as ingest

    text = (
        "Findings\n\nThe use of special guardianship in\nEssex is high: in 2013, 12% of children left care this way.\n"
    )
    norm = normalize(ingest(text.encode(), "letter.txt", RULES), LAYOUT)
    assert "The use of special guardianship in Essex is high: in 2013" in norm.text
    fields = [b for b in norm.blocks if b.kind is BlockKind.FIELD]
    assert fields == []
