"""compare outcomes: the latest overall grade per authority on a day, counted from publication."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from spacy.language import Language
from typer.testing import CliRunner

from dataset_factory import renamed, store_documents, variant
from ofsted_findings.api import extract
from ofsted_findings.cli.app import app
from ofsted_findings.dataset import outcomes, store
from ofsted_findings.ruleset import RuleSet

RULES = RuleSet.default()

#: (authority, kind, last day on site, grade, file name or None, published or None)
INSPECTIONS = (
    ("Knowsley", "sif_inspection", "2014-06-27", "inadequate", None, None),
    ("Knowsley", "ilacs_inspection", "2019-03-15", "requires_improvement", None, None),
    ("Knowsley", "ilacs_inspection", "2026-03-20", None, None, None),
    # on site in 2019, published (file name) in 2020: counts from 2020
    ("Wirral", "sif_inspection", "2016-01-22", "good", None, None),
    ("Wirral", "ilacs_inspection", "2019-12-13", "inadequate", "wirral_2020-02-07.pdf", None),
    # a name without a date: counts from the published date
    ("Sefton", "lac_inspection", "2012-05-18", "adequate", None, None),
    ("Sefton", "sif_inspection", "2016-06-01", "requires_improvement", "sefton report.pdf", "2016-07-29"),
    ("Sefton", "ilacs_inspection", "2023-09-29", "outstanding", None, None),
    # letters never count
    ("Sefton", "focused_visit", "2024-05-01", None, None, None),
    ("Halton", "ilacs_inspection", "2022-02-11", "good", None, None),
)


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path, nlp: Language) -> Path:
    base = extract(samples_dir / "focused-visit_invented.txt", nlp=nlp)
    documents = []
    for authority, kind, day, grade, name, published in INSPECTIONS:
        document = variant(base, authority, kind, day, grade)
        if name is not None:
            document = renamed(document, name, published)
        documents.append(document)
    path = tmp_path_factory.mktemp("outcomes") / "outcomes.duckdb"
    store_documents(documents, path)
    return path


def _at(db_path: Path, day: str) -> outcomes.Outcomes:
    with store.connect(db_path, read_only=True) as con:
        return outcomes.outcomes(con, dt.date.fromisoformat(day), RULES.vocabulary)


@pytest.mark.parametrize(
    ("name", "published", "visit_end", "expected"),
    [
        pytest.param("kent_2024-01-05.pdf", dt.date(2023, 1, 1), dt.date(2022, 1, 1), "2024-01-05", id="file-name"),
        pytest.param("kent.pdf", dt.date(2023, 1, 1), dt.date(2022, 1, 1), "2023-01-01", id="published"),
        pytest.param("kent.pdf", None, dt.date(2022, 1, 1), "2022-01-01", id="last-day-on-site"),
        pytest.param("kent_2024-13-45.pdf", None, dt.date(2022, 1, 1), "2022-01-01", id="not-a-date"),
    ],
)
def test_counts_from(name: str, published: dt.date | None, visit_end: dt.date | None, expected: str) -> None:
    assert outcomes.counts_from(name, published, visit_end, None) == dt.date.fromisoformat(expected)


def test_latest_grade_per_authority_on_a_day(db_path: Path) -> None:
    result = _at(db_path, "2020-01-31")
    by_authority = {row.authority: row for row in result.authorities}
    assert {name: row.grade for name, row in by_authority.items()} == {
        "Knowsley": "requires_improvement",
        "Wirral": "good",  # the 2019 visit was published in February 2020
        "Sefton": "requires_improvement",
    }
    assert by_authority["Knowsley"].change == "improved"
    assert by_authority["Sefton"].change == "same"  # adequate -> requires improvement is not a decline
    assert by_authority["Wirral"].change is None
    summary = {(row.measure, row.label): (row.authorities, row.share) for row in result.summary}
    assert summary[("good_or_outstanding", "good or outstanding")] == (1, round(1 / 3, 4))
    assert summary[("change", "improved")] == (1, 0.5)
    assert summary[("covered", "authorities with an inspection")] == (3, None)


def test_publication_date_moves_an_outcome(db_path: Path) -> None:
    before = {row.authority: row for row in _at(db_path, "2016-07-28").authorities}
    after = {row.authority: row for row in _at(db_path, "2016-07-29").authorities}
    assert before["Sefton"].grade == "adequate" and after["Sefton"].grade == "requires_improvement"


def test_ungraded_reports_are_counted_apart(db_path: Path) -> None:
    result = _at(db_path, "2026-12-31")
    by_authority = {row.authority: row for row in result.authorities}
    knowsley = by_authority["Knowsley"]
    assert knowsley.grade == outcomes.UNGRADED and knowsley.last_graded == "requires_improvement"
    assert knowsley.change == "improved"
    summary = {(row.measure, row.label): (row.authorities, row.share) for row in result.summary}
    assert summary[("ungraded", outcomes.UNGRADED)] == (1, None)
    # shares are over the graded authorities only: Wirral inadequate, Sefton outstanding, Halton good
    assert summary[("good_or_outstanding", "good or outstanding")] == (2, round(2 / 3, 4))
    assert sum(n for (measure, _), (n, _) in summary.items() if measure == "grade") == 3
    assert summary[("change", "declined")] == (1, round(1 / 3, 4))


def test_cli_compare_outcomes(db_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["compare", "outcomes", "--db", str(db_path), "--as-at", "2022-03-31", "--csv"])
    assert result.exit_code == 0, result.stderr
    records = list(csv.DictReader(io.StringIO(result.stdout)))
    assert set(records[0]) == set(outcomes.OutcomeRow.model_fields)
    covered = next(record for record in records if record["measure"] == "covered")
    assert covered["authorities"] == "4"
    table = runner.invoke(
        app, ["compare", "outcomes", "--db", str(db_path), "--as-at", "2022-03-31", "--per-authority"]
    )
    assert table.exit_code == 0 and "Halton" in table.stdout and "Outcomes at 2022-03-31" in table.stdout
