"""The fidelity checker: it finds each defect class it claims to, and none on clean input."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ofsted_findings.cli.app import app
from ofsted_findings.diagnostics.fidelity import (
    DefectClass,
    FileCheck,
    HyphenJoin,
    check_file,
    check_paths,
    hyphen_defects,
    not_prose_pattern,
    running_line_defects,
    split_defects,
    summarise,
    text_defects,
)
from ofsted_findings.ingest.reader import ingest_bytes
from ofsted_findings.layout.normalize import (
    Block,
    BlockKind,
    Normalized,
    PageRun,
    normalize,
)
from ofsted_findings.ruleset import RuleSet
from pdf_factory import Page, build_pdf, letter_pdf

RULES = RuleSet.default()

LAYOUT = RULES.layout


def test_clean_letter_has_no_defects(tmp_path: Path) -> None:
    path = tmp_path / "letter.pdf"
    path.write_bytes(letter_pdf())
    report = summarise([check_file(path, RULES)])
    assert report.counts == dict.fromkeys(DefectClass, 0)
    assert report.pages == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Children seen by 31 March 20187 were safe.", 1, id="year-plus-marker"),
        pytest.param("Of these, 22.2%3 waited.", 1, id="percent-plus-marker"),
        pytest.param("There were 56,2002 contacts.", 1, id="thousands-plus-marker"),
        pytest.param("By 31 March 2018, 45% were seen.", 0, id="clean"),
    ],
)
def test_text_shapes_of_glued_markers(text: str, expected: int) -> None:
    norm = normalize(ingest_bytes(text.encode(), "a.txt", RULES), LAYOUT)
    found = [d for d in text_defects("a.txt", norm) if d.kind is DefectClass.GLUED_MARKER]
    assert len(found) == expected


def _norm(pieces: list[tuple[BlockKind, str, int]]) -> Normalized:
    text = ""
    blocks: list[Block] = []
    runs: list[PageRun] = []
    for kind, body, page in pieces:
        if not runs or runs[-1].page != page:
            runs.append(PageRun(start=len(text), page=page))
        blocks.append(
            Block(
                kind=kind,
                start=len(text),
                body_start=len(text),
                end=len(text) + len(body),
                page=page,
                lines=1,
            )
        )
        text += body + "\n"
    return Normalized(
        text=text.removesuffix("\n"),
        blocks=blocks,
        page_runs=runs,
        running_lines_removed=0,
        markers_removed=0,
    )


@pytest.mark.parametrize(
    ("pieces", "expected"),
    [
        pytest.param(
            [
                (BlockKind.PARAGRAPH, "Plans are improving for", 1),
                (BlockKind.PARAGRAPH, "children in care.", 2),
            ],
            [DefectClass.PAGE_BREAK_SPLIT],
            id="split-at-page-break",
        ),
        pytest.param(
            [
                (BlockKind.PARAGRAPH, "Plans are improving for", 1),
                (BlockKind.PARAGRAPH, "children in care.", 1),
            ],
            [DefectClass.PARAGRAPH_SPLIT],
            id="split-within-page",
        ),
        pytest.param(
            [
                (BlockKind.HEADING, "Experiences of care leavers", 1),
                (BlockKind.PARAGRAPH, "requires improvement", 1),
            ],
            [],
            id="heading-then-grade",
        ),
        pytest.param(
            [
                (BlockKind.PARAGRAPH, "Plans are improving.", 1),
                (BlockKind.PARAGRAPH, "children in care.", 2),
            ],
            [],
            id="ended",
        ),
        pytest.param(
            [
                (BlockKind.PARAGRAPH, "Plans are improving for", 1),
                (BlockKind.PARAGRAPH, "Children in care.", 2),
            ],
            [],
            id="capital",
        ),
    ],
)
def test_sentence_splits(pieces: list[tuple[BlockKind, str, int]], expected: list[DefectClass]) -> None:
    doc = ingest_bytes(b"x", "a.txt", RULES)
    assert [d.kind for d in split_defects(doc, _norm(pieces), not_prose_pattern(RULES))] == expected


def test_leftover_page_number_is_a_running_line() -> None:
    doc = ingest_bytes(b"x", "a.txt", RULES)
    norm = _norm(
        [
            (BlockKind.PARAGRAPH, "Text on page two.", 2),
            (BlockKind.PARAGRAPH, "Page 2 of 9", 2),
        ]
    )
    assert [d.kind for d in running_line_defects(doc, norm)] == [DefectClass.RUNNING_LINE]


@pytest.mark.parametrize(
    ("join", "vocabulary", "expected"),
    [
        pytest.param(
            HyphenJoin(left="assess", right="ment", kept_hyphen=True, page=1),
            {"assessment"},
            1,
            id="kept-wrongly",
        ),
        pytest.param(
            HyphenJoin(left="multi", right="agency", kept_hyphen=False, page=1),
            {"multi-agency"},
            1,
            id="joined-wrongly",
        ),
        pytest.param(
            HyphenJoin(left="multi", right="agency", kept_hyphen=True, page=1),
            {"multi-agency"},
            0,
            id="kept-rightly",
        ),
    ],
)
def test_hyphenation_judged_by_vocabulary(join: HyphenJoin, vocabulary: set[str], expected: int) -> None:
    check = FileCheck(file="a.pdf", pages=1, joins=[join])
    assert len(hyphen_defects(check, vocabulary)) == expected


def test_glued_marker_found_by_font_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ofsted_findings.ingest.reader as ingest

    # Disable marker removal in ingestion: the checker must then see the small digit.
    monkeypatch.setattr(ingest, "SUPERSCRIPT_SIZE_RATIO", 0.0)
    monkeypatch.setattr(ingest, "SUPERSCRIPT_RISE_RATIO", 100.0)
    path = tmp_path / "glued.pdf"
    path.write_bytes(
        build_pdf(
            [
                Page().line(
                    "Visits were late in the area",
                    100,
                    marker="3",
                    after_marker=" last year.",
                )
            ]
        )
    )
    report = summarise([check_file(path, RULES)])
    assert report.counts[DefectClass.GLUED_MARKER] == 1


def test_cli_fidelity_counts(tmp_path: Path) -> None:
    (tmp_path / "letter.pdf").write_bytes(letter_pdf())
    result = CliRunner().invoke(app, ["fidelity", str(tmp_path), "--workers", "1"])
    assert result.exit_code == 0, result.stderr
    assert "glued_marker: 0" in result.stdout
    assert "files: 1  pages: 2" in result.stdout


@pytest.mark.corpus
def test_corpus_sample_is_clean(corpus_dir: Path) -> None:
    names = [
        "letters/bracknell-forest_jtai_2019-03-08.pdf",
        "reports/oldham_2015-08-03.pdf",
        "reports/peterborough_2015-09-18.pdf",
    ]
    report = check_paths([str(corpus_dir / name) for name in names], RULES)
    assert report.counts == dict.fromkeys(DefectClass, 0), report.defects
