"""evaluate-metadata: scoring rules, the peer's columns, and a small sample of the real corpus."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ofsted_findings.cli.app import app
from ofsted_findings.evaluation.metadata import evaluate, expected_values, peer_values
from ofsted_findings.metadata.letter import MetadataReader
from ofsted_findings.models import Authority, Inspector, Judgement, Letter
from ofsted_findings.ruleset import RuleSet

READER = MetadataReader(RuleSet.default())

runner = CliRunner()

REPORT_ROW = {
    "file": "wigan_2019-05-01.pdf",
    "is_pdf": "True",
    "kind": "ilacs_inspection",
    "framework_detail": "ILACS standard",
    "local_authority": "Wigan Council",
    "start_date": "2019-03-04",
    "end_date": "2019-03-15",
    "published_date": "",
    "lead_inspector": "Ann Example",
    "overall": "good",
    "impact_of_leaders": "good",
    "help_and_protection": "requires_improvement",
    "children_in_care": "",
    "care_leavers": "",
    "children_in_care_and_care_leavers": "outstanding",
    "children_looked_after_and_permanence": "",
    "adoption": "",
    "leadership_management_governance": "",
    "lscb": "",
    "capacity_for_improvement": "",
    "notes": "",
}


def _judgement(area: str, grade: str, start: int) -> Judgement:
    return Judgement(
        area=area,
        label_as_printed=area,
        grade=grade,
        page=1,
        start=start,
        end=start + 4,
    )


def _letter(**changes: object) -> Letter:
    values: dict[str, object] = {
        "kind": "ilacs_inspection",
        "framework": "standard",
        "authority": Authority(name_as_printed="Wigan", name="Wigan", dfe_code="359", ons_code="E08000010"),
        "letter_date": None,
        "visit_start": "2019-03-04",
        "visit_end": "2019-03-15",
        "published": None,
        "inspectors": [Inspector(name="Ann Example", lead=True, start=0, end=11)],
        "judgements": [
            _judgement("impact_of_leaders", "good", 10),
            _judgement("help_and_protection", "requires_improvement", 20),
            _judgement("children_in_care_and_care_leavers", "outstanding", 30),
            _judgement("overall_effectiveness", "good", 40),
        ],
    }
    values.update(changes)
    return Letter.model_validate(values)


def test_a_perfect_letter_scores_everything() -> None:
    result = evaluate([REPORT_ROW], {REPORT_ROW["file"]: _letter()}, READER)
    assert result.mismatches == []
    scores = {score.field: score for score in result.fields}
    assert scores["judgement.overall_effectiveness"].accuracy == 1.0
    assert scores["authority"].correct == 1
    assert scores["judgement.lscb"].expected == 0 and scores["judgement.lscb"].accuracy is None


@pytest.mark.parametrize(
    ("changes", "field", "got"),
    [
        pytest.param({"visit_end": "2019-03-14"}, "visit_end", "2019-03-14", id="wrong-date"),
        pytest.param({"inspectors": []}, "lead_inspector", "", id="missing-lead"),
        pytest.param({"framework": "short"}, "framework", "short", id="wrong-framework"),
        pytest.param(
            {"judgements": []},
            "judgement.overall_effectiveness",
            "",
            id="missing-judgement",
        ),
    ],
)
def test_mismatches_are_listed(changes: dict[str, object], field: str, got: str) -> None:
    result = evaluate([REPORT_ROW], {REPORT_ROW["file"]: _letter(**changes)}, READER)
    assert any(m.field == field and m.got == got for m in result.mismatches)


def test_an_unexpected_grade_counts_as_extra() -> None:
    letter = _letter(judgements=[*_letter().judgements, _judgement("lscb", "good", 50)])
    scores = {score.field: score for score in evaluate([REPORT_ROW], {REPORT_ROW["file"]: letter}, READER).fields}
    assert (scores["judgement.lscb"].extra, scores["judgement.lscb"].accuracy) == (
        1,
        0.0,
    )


@pytest.mark.parametrize(
    ("column", "raw", "field", "value"),
    [
        pytest.param(
            "inspection_start_date",
            "04/03/2019",
            "visit_start",
            "2019-03-04",
            id="peer-date",
        ),
        pytest.param(
            "overall_effectiveness_grade",
            "requires improvement",
            "judgement.overall_effectiveness",
            "requires_improvement",
            id="peer-grade",
        ),
        pytest.param(
            "overall_effectiveness_grade",
            "data_unreadable",
            "judgement.overall_effectiveness",
            "",
            id="peer-unreadable",
        ),
        pytest.param(
            "care_leavers_grade",
            "inspection_pre_dates_judgement",
            "judgement.care_leavers",
            "",
            id="peer-not-applicable",
        ),
        pytest.param(
            "in_care_grade",
            "good",
            "judgement.children_in_care_and_care_leavers",
            "good",
            id="peer-in-care-combined",
        ),
        pytest.param(
            "in_care_grade",
            "good",
            "judgement.children_in_care",
            "",
            id="peer-in-care-not-separate",
        ),
    ],
)
def test_peer_values(column: str, raw: str, field: str, value: str) -> None:
    assert peer_values({column: raw}, expected_values(REPORT_ROW, READER))[field] == value


def _sample(source: Path, files: list[str], target: Path) -> Path:
    with source.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        rows = [row for row in reader if row["file"] in files]
        fields = reader.fieldnames or []
    with target.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return target


#: Reports across every era and shape: LAC 2013, SIF (both overall forms, split visit, LSCB
#: heading far from the summary, typo in a row number, LSCB-only review), ILACS 2018-2022
#: and 2023+ (short and standard, title mentioning a JTAI, label typo), post-2026.
REPORTS = [
    "kent_2013-08-23.pdf",
    "barking-and-dagenham_2014-07-07.pdf",
    "sheffield_2014-02-21.pdf",
    "bedford_2017-04-07.pdf",
    "wirral_2016-09-20.pdf",
    "surrey_2015-08-03.pdf",
    "cheshire-west-and-chester_2019-05-08.pdf",
    "bournemouth-christchurch-poole_2022-02-11.pdf",
    "devon_2025-05-13.pdf",
    "bedford_2025-08-27.pdf",
    "brighton-and-hove_2024-05-16.pdf",
    "north-northamptonshire_2026-07-07.pdf",
]
LETTERS = [
    "bedford_focused-visit_2019-01-04.pdf",
    "leicester_focused-visit_2019-02-14.pdf",
    "derby_jtai_2019-05-08.pdf",
    "kirklees_jtai_2022-08-18.pdf",
    "gateshead_area-send_2023-07-24.pdf",
    "haringey_joint-area-review_2009-07-03.pdf",
]
#: Fields that must be exact on the sample.
EXACT = {
    "kind",
    "framework",
    "authority",
    "visit_start",
    "visit_end",
    "published",
    "lead_inspector",
    "letter_date",
}


@pytest.mark.corpus
def test_corpus_sample_is_exact(corpus_dir: Path, tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    cases = [
        (
            _sample(corpus_dir / "expected_metadata.csv", REPORTS, tmp_path / "reports.csv"),
            "reports",
            REPORTS,
        ),
        (
            _sample(
                root / "corpus" / "gold" / "letters_metadata.csv",
                LETTERS,
                tmp_path / "letters.csv",
            ),
            "letters",
            LETTERS,
        ),
    ]
    for expected, folder, files in cases:
        paths = [str(corpus_dir / folder / name) for name in files]
        result = runner.invoke(
            app,
            [
                "evaluate-metadata",
                "--expected",
                str(expected),
                "--workers",
                "1",
                "--show-errors",
                *paths,
            ],
        )
        rows = [line.split("|") for line in result.stdout.splitlines() if line.startswith("| ") and "---" not in line]
        scored = {cells[1].strip(): cells[3].strip() for cells in rows[1:]}
        wanted = {field for field in scored if field in EXACT or field.startswith("judgement.")}
        assert wanted, result.stdout
        for field in wanted:
            assert scored[field].startswith("100.0%"), f"{folder} {field}: {scored[field]}\n{result.stdout}"
