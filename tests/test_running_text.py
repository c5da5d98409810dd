"""Blocks printed like paragraphs that are not running text give no sentence, finding or metric."""

from __future__ import annotations

import pytest

from ofsted_findings.api import Pipeline
from ofsted_findings.ingest.reader import ingest_bytes
from ofsted_findings.layout.normalize import normalize
from ofsted_findings.nlp.running_text import RunningTextFilter
from ofsted_findings.ruleset import RuleSet

RULES = RuleSet.default()
FILTER = RunningTextFilter(RULES)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


@pytest.mark.parametrize(
    "block",
    [
        "Requires improvement to be good",
        "Good",
        "Inadequate.",
        "The experiences and progress of children who need help and protection Requires improvement to be good",
        "Children who need help and protection",
        "2. Care leavers Good",
        "Overall effectiveness Outstanding",
        "Require improvement",
    ],
)
def test_judgement_table_cells_and_row_labels_are_not_running_text(block: str) -> None:
    assert FILTER.is_table_cell(block)


@pytest.mark.parametrize(
    "block",
    [
        "Children in care are safe and well supported.",
        "Care leavers have good access to health services and most are in work",
        "Good practice is shared across teams, and managers check the quality of plans.",
        "Requires improvement to be good practice, which leaders know.",
    ],
)
def test_sentences_that_begin_with_a_label_or_grade_are_running_text(block: str) -> None:
    assert not FILTER.is_table_cell(block)


def _excluded(text: str) -> dict[str, str]:
    norm = normalize(ingest_bytes(text.encode(), "letter.txt", RULES), RULES.layout)
    excluded = FILTER.excluded(norm.text, norm.blocks)
    return {
        norm.text[block.start : block.end]: excluded[index]
        for index, block in enumerate(norm.blocks)
        if index in excluded
    }


def test_the_back_page_is_excluded_to_the_end_of_its_page() -> None:
    text = (
        "Findings\n\nManagers know their services well.\n\f"
        "The Office for Standards in Education, Children's Services and Skills (Ofsted) regulates and inspects "
        "to achieve excellence in the care of young people.\n\n"
        "Complaints about this report are handled through a published procedure.\n\n"
        "Leaders should improve the timeliness of assessments."
    )
    excluded = _excluded(text)
    assert set(excluded.values()) == {"nrt.back_page"}
    assert "Complaints about this report are handled through a published procedure." in excluded
    assert "Managers know their services well." not in excluded


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        (
            "Any complaints about the inspection or the report should be made following the procedures.",
            "nrt.complaints",
        ),
        ("You may reuse this information free of charge under the terms of the licence.", "nrt.reuse_licence"),
        ("© Crown copyright 2031", "nrt.crown_copyright"),
        ("Email: enquiries@ofsted.gov.uk for more details about this.", "nrt.contacts"),
    ],
)
def test_boilerplate_blocks_are_excluded_by_their_rule(line: str, rule: str) -> None:
    excluded = _excluded(f"Findings\n\nManagers know their services well.\n\n{line}\n")
    assert list(excluded.values()) == [rule]


def test_no_finding_comes_from_a_grade_cell_or_the_back_page(pipeline: Pipeline) -> None:
    text = (
        "Judgement\n\nRequires improvement to be good\n\nInadequate\n\n"
        "Findings\n\nPlanning for children is weak and too many plans are late.\n\n\f"
        "The Office for Standards in Education, Children's Services and Skills (Ofsted) regulates and inspects.\n\n"
        "Any complaints about the inspection or the report should be made following the procedures.\n"
    )
    document = pipeline.extract(text, name="letter.txt")
    assert [finding.text for finding in document.findings] == [
        "Planning for children is weak and too many plans are late."
    ]
    assert all(
        "Requires improvement" not in document.text[sentence.start : sentence.end] for sentence in document.sentences
    )


def test_a_rule_folder_can_add_a_not_running_text_pattern(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    RULES.export(tmp_path)
    segment = json.loads((tmp_path / "segment.json").read_text(encoding="utf-8"))
    segment["not_running_text"].append({"id": "nrt.test_signature", "pattern": "^Signed on behalf of"})
    (tmp_path / "segment.json").write_text(json.dumps(segment), encoding="utf-8")
    custom = RunningTextFilter(RuleSet.from_dir(tmp_path))
    norm = normalize(
        ingest_bytes(b"Findings\n\nSigned on behalf of the team, who found weak plans.\n", "a.txt", RULES), RULES.layout
    )
    assert list(custom.excluded(norm.text, norm.blocks).values()) == ["nrt.test_signature"]


def test_a_row_label_glued_to_the_end_of_a_paragraph_is_not_a_sentence() -> None:
    assert FILTER.is_table_sentence("Leadership, management and governance")
    assert FILTER.is_table_sentence("- overall effectiveness: inadequate")
    assert FILTER.is_table_sentence("\uf0be Overall effectiveness: inadequate \uf0be Care leavers: good")
    assert not FILTER.is_table_sentence("Leadership, management and governance are strong.")


def _pdf(pages: list[list[str]]) -> bytes:
    from pdf_factory import Page, build_pdf

    built = []
    for lines in pages:
        page = Page()
        for number, line in enumerate(lines):
            page = page.line(line, 100 + 30 * number)
        built.append(page)
    return build_pdf(built)


def test_list_of_earlier_grades_gives_no_finding(pipeline: Pipeline) -> None:
    pdf = _pdf(
        [
            [
                "The last inspection judged the authority as follows:",
                "- overall effectiveness: inadequate",
                "- care leavers: requires improvement",
                "Plans are weak and too many are late.",
            ],
            ["Managers know their services well."],
        ]
    )
    document = pipeline.extract(pdf, name="letter.pdf")
    assert all("effectiveness" not in finding.text for finding in document.findings)
    assert any("Plans are weak" in finding.text for finding in document.findings)


def _contents_page(numbers: list[int]) -> bytes:
    from pdf_factory import Page, build_pdf

    entries = [
        "Summary of findings and what",
        "What needs to improve? Actions",
        "Strengths of the service",
        "Information",
    ]
    contents = Page()
    for place, (entry, number) in enumerate(zip(entries, numbers, strict=True)):
        contents = contents.line(f"{entry} {number}", 100 + 30 * place)
    body = Page().line("Findings", 100, bold=True).line("Managers know their services well.", 130)
    return build_pdf([contents, body])


def _excluded_pdf(pdf: bytes) -> list[str]:
    norm = normalize(ingest_bytes(pdf, "report.pdf", RULES), RULES.layout)
    excluded = FILTER.excluded(norm.text, norm.blocks)
    return sorted(excluded.values())


def test_a_contents_page_is_not_running_text() -> None:
    excluded = _excluded_pdf(_contents_page([3, 4, 7, 10]))
    assert len(excluded) >= 3 and set(excluded) == {"contents"}


def test_rows_of_figures_are_not_a_contents_page() -> None:
    """Page numbers rise; a table of figures does not."""
    assert _excluded_pdf(_contents_page([412, 45, 7, 100])) == []
