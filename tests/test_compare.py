"""compare: judgement history, theme balance and metric series on an invented dataset."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from pathlib import Path

import pytest
from spacy.language import Language
from typer.testing import CliRunner

from dataset_factory import VARIANTS, build_dataset
from ofsted_findings.api import extract
from ofsted_findings.cli.app import app
from ofsted_findings.dataset import queries as compare
from ofsted_findings.dataset import store
from ofsted_findings.models import Document
from ofsted_findings.ruleset import RuleSet

RULES = RuleSet.default()
WORDS = store.SubjectWords.of(RULES)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path, nlp: Language) -> tuple[Path, list[Document]]:
    base = extract(samples_dir / "focused-visit_invented.txt", nlp=nlp)
    db_path = tmp_path_factory.mktemp("compare") / "invented.duckdb"
    return db_path, build_dataset(base, db_path)


def _history(db_path: Path, **filters: object) -> list[compare.JudgementRow]:
    with store.connect(db_path, read_only=True) as con:
        return compare.judgement_history(con, compare.Filters(**filters), RULES.vocabulary)  # type: ignore[arg-type]


def test_judgement_history_puts_every_era_on_one_scale(
    dataset: tuple[Path, list[Document]],
) -> None:
    rows = _history(dataset[0], authorities=["KNOWSLEY"])
    assert [(row.date, row.grade, row.position) for row in rows] == [
        (dt.date(2012, 5, 18), "adequate", 3),
        (dt.date(2014, 6, 27), "inadequate", 4),
        (dt.date(2019, 3, 15), "requires_improvement", 3),
    ]
    assert [row.era for row in rows] == [
        RULES.vocabulary.eras[kind] for kind in ("lac_inspection", "sif_inspection", "ilacs_inspection")
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        pytest.param({}, 5, id="all"),
        pytest.param({"since": dt.date(2016, 1, 1)}, 3, id="since"),
        pytest.param({"kinds": ["sif_inspection"]}, 2, id="kind"),
        pytest.param({"authorities": ["wirral", "sefton"]}, 2, id="authorities"),
        pytest.param(
            {"authorities": ["x'); DROP TABLE documents; --"]},
            0,
            id="quoted-name-is-just-a-value",
        ),
    ],
)
def test_judgement_filters(dataset: tuple[Path, list[Document]], filters: dict[str, object], expected: int) -> None:
    assert len(_history(dataset[0], **filters)) == expected
    assert len(_history(dataset[0])) == 5  # nothing was dropped


def _expected_counts(documents: list[Document], theme: str) -> Counter[str]:
    return Counter(
        finding.polarity for document in documents for finding in document.findings if theme in finding.themes
    )


def test_theme_balance_counts_and_group(dataset: tuple[Path, list[Document]]) -> None:
    db_path, documents = dataset
    theme = Counter(theme for finding in documents[0].findings for theme in finding.themes).most_common(1)[0][0]
    with store.connect(db_path, read_only=True) as con:
        rows = compare.theme_balance(
            con,
            compare.Filters(authorities=["Knowsley"]),
            themes=[theme],
            compare_with=["Wirral", "Sefton"],
        )
    by_authority = {row.authority: row for row in rows}
    assert set(by_authority) == {"Knowsley", "group: Wirral, Sefton"}
    knowsley = by_authority["Knowsley"]
    expected = _expected_counts([d for d in documents if d.letter.authority.name == "Knowsley"], theme)
    assert (knowsley.strengths, knowsley.weaknesses, knowsley.documents) == (
        expected["strength"],
        expected["weakness"],
        3,
    )
    group = by_authority["group: Wirral, Sefton"]
    expected_group = _expected_counts([d for d in documents if d.letter.authority.name != "Knowsley"], theme)
    assert (group.strengths, group.weaknesses, group.documents) == (
        expected_group["strength"],
        expected_group["weakness"],
        3,
    )
    total = knowsley.strengths + knowsley.weaknesses
    assert knowsley.weakness_share == round(knowsley.weaknesses / total, 4)
    assert knowsley.difference == pytest.approx(knowsley.weakness_share - group.weakness_share, abs=1e-4)


def test_theme_balance_without_filters_lists_every_authority(
    dataset: tuple[Path, list[Document]],
) -> None:
    with store.connect(dataset[0], read_only=True) as con:
        rows = compare.theme_balance(con, compare.Filters())
    assert {row.authority for row in rows} == {
        "Knowsley",
        "Wirral",
        "Sefton",
        "group: all authorities",
    }
    themes = {finding_theme for finding in dataset[1][0].findings for finding_theme in finding.themes}
    assert themes <= {row.theme for row in rows}


def test_metric_series_matches_subject_words(
    dataset: tuple[Path, list[Document]],
) -> None:
    db_path, documents = dataset
    metric = next(m for m in documents[0].metrics if m.subject and m.unit == "percent")
    words = " ".join(WORDS.tokens(metric.subject)[:2])
    with store.connect(db_path, read_only=True) as con:
        rows = compare.metric_series(con, compare.Filters(), words, WORDS)
        only_counts = compare.metric_series(con, compare.Filters(), words, WORDS, unit="count")
        with pytest.raises(ValueError, match="no words"):
            compare.metric_series(con, compare.Filters(), "the of and", WORDS)
    assert len([row for row in rows if row.metric_id == metric.id]) == len(VARIANTS)
    assert all(row.unit == "count" for row in only_counts)
    assert rows == sorted(
        rows,
        key=lambda row: (
            row.authority,
            row.date or dt.date.max,
            row.file_path,
            row.metric_id,
        ),
    )


def test_subjects_overview(dataset: tuple[Path, list[Document]]) -> None:
    with store.connect(dataset[0], read_only=True) as con:
        rows = compare.subjects(con, compare.Filters(), minimum=2, limit=5)
    assert rows and all(row.documents == len(VARIANTS) and row.authorities == 3 for row in rows)


def test_cli_compare_csv_and_table(dataset: tuple[Path, list[Document]]) -> None:
    db_path = str(dataset[0])
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "compare",
            "judgements",
            "--db",
            db_path,
            "--area",
            "overall_effectiveness",
            "--csv",
        ],
    )
    assert result.exit_code == 0, result.stderr
    records = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [record["grade"] for record in records if record["authority"] == "Wirral"] == ["good"]
    assert set(records[0]) == set(compare.JudgementRow.model_fields)
    table = runner.invoke(
        app,
        ["compare", "themes", "--db", db_path, "-a", "sefton", "--since", "2020-01-01"],
    )
    assert table.exit_code == 0 and "Sefton" in table.stdout and "group: all authorities" in table.stdout
    series = runner.invoke(app, ["compare", "metrics", "--db", db_path])
    assert series.exit_code == 0 and "Subjects measured" in series.stdout
    missing = runner.invoke(
        app,
        ["compare", "themes", "--db", str(Path(db_path).with_name("missing.duckdb"))],
    )
    assert missing.exit_code == 2


def test_group_share_leaves_the_compared_authority_out(dataset: tuple[Path, list[Document]]) -> None:
    db_path, documents = dataset
    theme = Counter(theme for finding in documents[0].findings for theme in finding.themes).most_common(1)[0][0]
    with store.connect(db_path, read_only=True) as con:
        everyone = compare.theme_balance(con, compare.Filters(authorities=["Knowsley"]), themes=[theme])
        named = compare.theme_balance(
            con, compare.Filters(authorities=["Knowsley"]), themes=[theme], compare_with=["Knowsley", "Wirral"]
        )
    others = _expected_counts([d for d in documents if d.letter.authority.name != "Knowsley"], theme)
    expected = round(others["weakness"] / (others["weakness"] + others["strength"]), 4)
    assert everyone[0].authority == "Knowsley" and everyone[0].group_share == expected
    wirral = _expected_counts([d for d in documents if d.letter.authority.name == "Wirral"], theme)
    assert named[0].group_share == round(wirral["weakness"] / (wirral["weakness"] + wirral["strength"]), 4)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        pytest.param(["Knowsley Metropolitan Borough Council"], {"Knowsley"}, id="alias"),
        pytest.param(["  wirral  council "], {"Wirral"}, id="alias-any-case-and-spacing"),
        pytest.param(["SEFTON"], {"Sefton"}, id="canonical-any-case"),
    ],
)
def test_cli_compare_resolves_aliases(
    dataset: tuple[Path, list[Document]], names: list[str], expected: set[str]
) -> None:
    arguments = ["compare", "judgements", "--db", str(dataset[0]), "--csv"]
    for name in names:
        arguments += ["--authority", name]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.stderr
    assert {record["authority"] for record in csv.DictReader(io.StringIO(result.stdout))} == expected


def test_cli_compare_suggests_close_names_for_a_typo(dataset: tuple[Path, list[Document]]) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["compare", "themes", "--db", str(dataset[0]), "-a", "Knowsly"])
    assert result.exit_code == 2
    assert result.stdout == "" and "'Knowsley'" in result.stderr and "did you mean" in result.stderr
    group = runner.invoke(app, ["compare", "themes", "--db", str(dataset[0]), "--compare-with", "Sefon"])
    assert group.exit_code == 2 and "--compare-with" in group.stderr and "'Sefton'" in group.stderr
    report = runner.invoke(
        app, ["report", "--db", str(dataset[0]), "--html", str(dataset[0].with_name("r.html")), "-a", "Wiral"]
    )
    assert report.exit_code == 2 and "'Wirral'" in report.stderr


def test_cli_compare_says_when_a_known_authority_has_no_document(dataset: tuple[Path, list[Document]]) -> None:
    result = CliRunner().invoke(app, ["compare", "judgements", "--db", str(dataset[0]), "-a", "Kent", "--csv"])
    assert result.exit_code == 0
    assert "no document about Kent" in result.stderr


def test_names_the_table_does_not_know_are_matched_as_stored() -> None:
    from ofsted_findings.dataset.names import AuthorityNames, UnknownAuthorityError

    names = AuthorityNames(RULES, ["Knowsley", "Isles of Nowhere Council"])
    assert names.resolve("isles of  nowhere council") == "Isles of Nowhere Council"
    assert names.resolve_all(["Knowsley Council", "KNOWSLEY", "Wirral"]) == ["Knowsley", "Wirral"]
    assert names.missing(["Knowsley", "Wirral"]) == ["Wirral"]
    with pytest.raises(UnknownAuthorityError) as caught:
        names.resolve("Isles of Nowere Council")
    assert caught.value.suggestions[0] == "Isles of Nowhere Council"
