"""compare metrics --indicator and the report's indicator charts, on an invented dataset."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from spacy.language import Language
from typer.testing import CliRunner

from dataset_factory import build_dataset
from ofsted_findings.api import extract
from ofsted_findings.cli.app import app
from ofsted_findings.dataset import queries as compare
from ofsted_findings.dataset import store
from ofsted_findings.models import Document
from ofsted_findings.ruleset import RuleSet

RULES = RuleSet.default()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path, nlp: Language) -> tuple[Path, list[Document]]:
    base = extract(samples_dir / "focused-visit_invented.txt", nlp=nlp)
    db_path = tmp_path_factory.mktemp("indicators") / "invented.duckdb"
    return db_path, build_dataset(base, db_path)


def _indicator_of_sample(documents: list[Document]) -> str:
    found = [m.indicator for document in documents for m in document.metrics if m.indicator and not m.flags]
    assert found, "the invented sample has figures with an indicator"
    return max(sorted(set(found)), key=found.count)


def test_indicator_series_has_only_that_measure(dataset: tuple[Path, list[Document]]) -> None:
    db_path, documents = dataset
    indicator = _indicator_of_sample(documents)
    expected = sum(1 for d in documents for m in d.metrics if m.indicator == indicator and not m.flags)
    with store.connect(db_path, read_only=True) as con:
        rows = compare.indicator_series(con, compare.Filters(), indicator)
        charts = compare.indicator_charts(con, compare.Filters(), [indicator], RULES)
    assert len(rows) == expected
    assert rows == sorted(rows, key=lambda r: (r.unit, r.authority, r.date or dt.date.max, r.file_path, r.metric_id))
    # One chart per unit, each with rows of that unit only.
    assert sum(len(part) for part in charts.values()) == expected
    for title, part in charts.items():
        assert {row.unit for row in part} == {title.rsplit("(", 1)[1].rstrip(")")}


def test_compare_metrics_indicator_cli(dataset: tuple[Path, list[Document]]) -> None:
    db_path, documents = dataset
    indicator = _indicator_of_sample(documents)
    runner = CliRunner()
    result = runner.invoke(app, ["compare", "metrics", "--db", str(db_path), "--indicator", indicator, "--csv"])
    assert result.exit_code == 0, result.output
    assert "metric_id" in result.stdout.splitlines()[0]
    wrong = runner.invoke(app, ["compare", "metrics", "--db", str(db_path), "--indicator", "no_such_measure"])
    assert wrong.exit_code != 0
