"""evaluate-metadata: scoring rules, the peer's columns, and a small sample of the real corpus."""

from __future__ import annotations

import csv
import json
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
    "area_send_outcome",
    "previous_inspection",
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
        scored = {cells[1].strip(): cells[3].strip() for cells in rows if cells[1].strip() != "field"}
        wanted = {field for field in scored if field in EXACT or field.startswith("judgement.")}
        assert wanted, result.stdout
        for field in wanted:
            assert scored[field].startswith("100.0%"), f"{folder} {field}: {scored[field]}\n{result.stdout}"


# --- the letters layout: area SEND fields, JTAI focus, withheld values, parts ---------------

LETTER_COLUMNS = [
    "file",
    "sha256",
    "kind",
    "authority_as_printed",
    "authority",
    "letter_date",
    "visit_start",
    "visit_end",
    "visits",
    "published",
    "addressee_name",
    "addressee_role",
    "addressee_org",
    "inspectors",
    "lead_inspector",
    "signatories",
    "focus",
    "monitoring_visit_number",
    "previous_judgement",
    "previous_judgement_date",
    "area_send_outcome",
    "previous_inspection",
    "part",
    "notes",
]


def _letter_row(**values: str) -> dict[str, str]:
    row = dict.fromkeys(LETTER_COLUMNS, "")
    row.update(
        file="wigan_area-send_2023-06-01.pdf",
        kind="area_send",
        authority="Wigan",
        visit_start="2023-05-22",
        visit_end="2023-05-26",
        visits="2023-05-22/2023-05-26",
        area_send_outcome="widespread and/or systemic failings",
        previous_inspection="2016-05-16",
        part="tune",
    )
    row.update(values)
    return row


def _area_send_letter(**changes: object) -> Letter:
    values: dict[str, object] = {
        "kind": "area_send",
        "authority": Authority(name_as_printed="Wigan", name="Wigan", dfe_code="359", ons_code="E08000010"),
        "letter_date": None,
        "visit_start": "2023-05-22",
        "visit_end": "2023-05-26",
        "visits": [{"start": "2023-05-22", "end": "2023-05-26"}],
        "published": None,
        "inspectors": [],
        "judgements": [],
        "area_send_outcome": "widespread_and_or_systemic_failings",
        "previous_inspection": {"start": "2016-05-16", "end": "2016-05-16", "precision": "day"},
    }
    values.update(changes)
    return Letter.model_validate(values)


def test_area_send_fields_are_scored() -> None:
    row = _letter_row(
        area_send_outcome="widespread and/or systemic failings", previous_inspection="2016-05-16/2016-05-16"
    )
    result = evaluate([row], {row["file"]: _area_send_letter()}, READER)
    scores = {score.field: score for score in result.fields}
    assert (scores["area_send_outcome"].correct, scores["previous_inspection"].correct) == (1, 1)
    wrong = evaluate(
        [row], {row["file"]: _area_send_letter(area_send_outcome="positive_experiences_and_outcomes")}, READER
    )
    assert [m.field for m in wrong.mismatches] == ["area_send_outcome"]


def test_none_printed_expects_no_previous_inspection() -> None:
    row = _letter_row(previous_inspection="none")
    result = evaluate([row], {row["file"]: _area_send_letter(previous_inspection=None)}, READER)
    assert not [m for m in result.mismatches if m.field == "previous_inspection"]


def test_a_value_withheld_with_a_warning_is_counted_apart() -> None:
    row = _letter_row()
    empty = _area_send_letter(visit_start=None, visit_end=None, visits=[])
    warned = evaluate([row], {row["file"]: empty}, READER, warnings={row["file"]: ["metadata_visit_dates_unreadable"]})
    silent = evaluate([row], {row["file"]: empty}, READER)
    scores = {score.field: score for score in warned.fields}
    assert (scores["visit_start"].withheld, scores["visit_start"].correct) == (1, 0)
    assert all(m.warned for m in warned.mismatches if m.field.startswith("visit"))
    assert not any(m.warned for m in silent.mismatches)


@pytest.mark.parametrize(
    ("got", "correct"),
    [
        pytest.param("The multi-agency response to children’s mental health.", True, id="case-and-punctuation"),
        pytest.param("the multi-agency response to abuse and neglect in Wigan", False, id="another-theme"),
        pytest.param("the multi-agency response to children's mental health in Wigan", False, id="with-the-place"),
    ],
)
def test_jtai_focus_is_compared_exactly(got: str, correct: bool) -> None:
    row = _letter_row(
        file="wigan_jtai_2023-06-01.pdf",
        kind="jtai",
        focus="the multi-agency response to children's mental health",
        area_send_outcome="",
        previous_inspection="",
    )
    letter = _area_send_letter(kind="jtai", focus=got, area_send_outcome=None, previous_inspection=None)
    scores = {score.field: score for score in evaluate([row], {row["file"]: letter}, READER).fields}
    assert scores["focus"].correct == int(correct)


def test_parts_are_scored_apart(tmp_path: Path) -> None:
    rows = [
        _letter_row(part="fresh", file="wigan_area-send_2025-06-01.pdf"),
        _letter_row(),
        _letter_row(file="wigan_area-send_2024-06-01.pdf", part="test"),
    ]
    expected = tmp_path / "letters.csv"
    with expected.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=LETTER_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    outputs = tmp_path / "out"
    outputs.mkdir()
    for row in rows:
        letter = _area_send_letter(visit_start=None) if row["part"] == "test" else _area_send_letter()
        document = {"source": {"name": row["file"]}, "letter": letter.model_dump(mode="json"), "warnings": []}
        (outputs / row["file"].replace(".pdf", ".json")).write_text(json.dumps(document), encoding="utf-8")
    both = runner.invoke(app, ["evaluate-metadata", "--expected", str(expected), "--outputs", str(outputs)])
    assert both.exit_code == 1
    assert 0 <= both.stdout.index("(part tune)") < both.stdout.index("(part test)") < both.stdout.index("(part fresh)")
    tune = runner.invoke(
        app, ["evaluate-metadata", "--expected", str(expected), "--outputs", str(outputs), "--part", "tune"]
    )
    assert "(part test)" not in tune.stdout and tune.exit_code == 0


def test_an_addressee_is_compared_without_honours() -> None:
    row = _letter_row(addressee_name="Ann Example")
    letter = _area_send_letter(addressee="Ms Ann Example OBE, Director of Children's Services")
    assert not [m for m in evaluate([row], {row["file"]: letter}, READER).mismatches if m.field == "addressee"]


@pytest.mark.parametrize(
    ("expected", "leads", "correct"),
    [
        pytest.param("Cy Other;Ann Example", ["Ann Example", "Cy Other"], True, id="two-leads-any-order"),
        pytest.param("Ann Example;Cy Other", ["Ann Example"], False, id="one-of-two-leads"),
        pytest.param("Ann Example", ["Ann Example", "Cy Other"], False, id="a-lead-too-many"),
    ],
)
def test_every_lead_inspector_is_compared(expected: str, leads: list[str], correct: bool) -> None:
    row = _letter_row(lead_inspector=expected)
    inspectors = [Inspector(name=name, lead=True, start=10 * i, end=10 * i + len(name)) for i, name in enumerate(leads)]
    letter = _area_send_letter(inspectors=[*inspectors, Inspector(name="Bo Sample", lead=False, start=90, end=99)])
    scores = {score.field: score for score in evaluate([row], {row["file"]: letter}, READER).fields}
    assert scores["lead_inspector"].correct == int(correct)
