"""The noise command: detectors of its own for text that is not a finding, and the hand-checked sample."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ofsted_findings.api import Pipeline
from ofsted_findings.cli.app import app
from ofsted_findings.diagnostics import noise
from ofsted_findings.models import Finding
from ofsted_findings.ruleset import RuleSet

runner = CliRunner()

#: Invented text with a judgement table, Ofsted's back page and a line of contact details.
NOISY = (
    "Judgement Grade\n\n"
    "Overall effectiveness\n\nRequires improvement to be good\n\n"
    "Children who need help and protection\n\nInadequate\n\n"
    "Findings\n\nPlanning for children is weak and too many plans are late.\n\n"
    "Managers know their services well and supervision is regular.\n\n\f"
    "The Office for Standards in Education, Children's Services and Skills (Ofsted) regulates and inspects "
    "to achieve excellence in the care of young people.\n\n"
    "You may reuse this information free of charge under the Open Government Licence, which is weak.\n\n"
    "Any complaints about the inspection or the report should be made following the procedures, which are poor.\n"
)


def _finding(text: str, page: int = 5) -> Finding:
    return Finding.model_construct(id="f", polarity="weakness", text=text, page=page, start=0, end=len(text))


def _context(title: str = "Findings", sentence: str = "") -> noise.Context:
    return noise.Context(document=None, sentence=sentence, section_title=title, section_category="")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Requires improvement to be good", True),
        ("The experiences and progress of children in care Good", True),
        ("Care leavers", True),
        ("Children in care are well supported by social workers who visit them often.", False),
    ],
)
def test_judgement_cell_detector(text: str, expected: bool) -> None:
    assert noise._judgement_cell(_finding(text), _context()) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You may reuse this information free of charge under the terms of the Open Government Licence.", True),
        ("Any complaints about the inspection or the report should be made following the procedures.", True),
        ("Leaders have reduced the number of complaints from families.", False),
    ],
)
def test_boilerplate_detector(text: str, expected: bool) -> None:
    assert noise._boilerplate(_finding(text), _context()) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("T 0300 123 4567 www.example.gov.uk Although the local authority has made progress, plans are weak.", True),
        ("M1 2WD", True),
        ("Too many children wait too long for a plan.", False),
        ("Any complaints about the inspection or the report should be made at www.example.gov.uk.", False),
    ],
)
def test_letterhead_detector(text: str, expected: bool) -> None:
    assert noise._letterhead(_finding(text), _context()) is expected


@pytest.mark.parametrize(
    ("text", "page", "title", "expected"),
    [
        ("Summary of findings 4", 2, "Introduction", True),
        ("Services for children in care ........ 12", 9, "Findings", True),
        ("Anything at all", 8, "Contents", True),
        ("Too few pupils achieve well at key stage 4", 2, "Findings", False),
        ("Plans are weak in 4", 9, "Findings", False),
    ],
)
def test_contents_detector(text: str, page: int, title: str, expected: bool) -> None:
    assert noise._contents(_finding(text, page), _context(title)) is expected


def _without_running_text_filter(tmp_path: Path) -> RuleSet:
    RuleSet.default().export(tmp_path)
    segment = json.loads((tmp_path / "segment.json").read_text(encoding="utf-8"))
    segment["not_running_text"] = []
    segment["table_labels"] = []
    segment["table_cell_max_words"] = -1
    (tmp_path / "segment.json").write_text(json.dumps(segment), encoding="utf-8")
    judgements = [json.loads(line) for line in (tmp_path / "judgements.jsonl").read_text(encoding="utf-8").splitlines()]
    lines = [json.dumps({**rule, "pattern": "(?!x)x"}) for rule in judgements if rule]
    (tmp_path / "judgements.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return RuleSet.from_dir(tmp_path)


def test_the_detectors_see_what_the_running_text_filter_removes(tmp_path: Path) -> None:
    """The same text scanned twice: with the default rules every count is zero; with the
    running-text rules removed the detectors find the table cells and the back page."""
    clean = noise.scan([("noisy.txt", Pipeline().extract(NOISY, name="noisy.txt"))])
    assert clean.findings >= 1 and not any(clean.counts.values()), clean.hits
    unfiltered = Pipeline(rules=_without_running_text_filter(tmp_path)).extract(NOISY, name="noisy.txt")
    report = noise.scan([("noisy.txt", unfiltered)])
    assert report.counts["boilerplate"] >= 1, report.counts


def test_wilson_interval() -> None:
    low, high = noise.wilson(5, 100)
    assert round(low, 3) == 0.022 and round(high, 3) == 0.112
    assert noise.wilson(0, 0) == (0.0, 0.0)


def test_cli_counts_samples_and_reads_the_checked_sample(tmp_path: Path) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text(NOISY, encoding="utf-8")
    sample = tmp_path / "sample.csv"
    result = runner.invoke(app, ["noise", str(letter), "-w", "1", "--sample", "2", "--sample-out", str(sample)])
    assert result.exit_code == 0, result.output
    assert "judgement_cell" in result.stdout and "boilerplate" in result.stdout
    with sample.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 2 and all(NOISY.find(row["text"]) >= 0 for row in rows if row["family"] == "findings")
    rows[0]["verdict"] = "ok"
    rows[1]["verdict"] = "error"
    with sample.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=noise.SAMPLE_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    checked = runner.invoke(app, ["noise", "--checked", str(sample)])
    assert checked.exit_code == 0, checked.output
    assert "findings: 1 errors in 2 checked, 50.0%" in checked.stdout


def test_cli_exits_1_when_an_input_fails(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7 not really")
    result = runner.invoke(app, ["noise", str(broken), str(tmp_path), "-w", "1"])
    assert result.exit_code == 1
    assert "broken.pdf" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Governance", True), ("Missing children", True), ("Plans are weak.", False), ("Plans are weak and late", False)],
)
def test_heading_detector(text: str, expected: bool) -> None:
    assert noise._heading(_finding(text), _context(sentence=text)) is expected
    assert not noise._heading(_finding(text), _context(sentence=f"Plans are weak, {text}"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(Outcome 3, national framework)", True),
        ("(page 13, paragraphs 31 and 106).", True),
        ("Plans are weak (see paragraph 12).", False),
        ("Plans (for most children) are weak.", False),
    ],
)
def test_bracketed_detector(text: str, expected: bool) -> None:
    assert noise._bracketed(_finding(text), _context(sentence=text)) is expected


def test_a_cross_reference_printed_as_a_sentence_is_no_finding(tmp_path: Path) -> None:
    text = (
        "What needs to improve\n\n• The quality of plans for children in care. (Outcome 3, national framework)\n\n"
        "Findings\n\nOversight of the front door is weak. (paragraphs 17, 36 and 99)\n"
    )
    findings = [f.text for f in Pipeline().extract(text, name="report.txt").findings]
    assert findings == ["The quality of plans for children in care.", "Oversight of the front door is weak."]
    RuleSet.default().export(tmp_path)
    segment = json.loads((tmp_path / "segment.json").read_text(encoding="utf-8"))
    segment["reference_sentences"] = []
    (tmp_path / "segment.json").write_text(json.dumps(segment), encoding="utf-8")
    loose = Pipeline(rules=RuleSet.from_dir(tmp_path)).extract(text, name="report.txt")
    assert noise.scan([("report.txt", loose)]).counts["bracketed"] == 1  # the listed item; the other has no cue
