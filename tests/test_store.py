"""The DuckDB dataset: tables, keys, round trip, incremental builds, failures, export."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from ofsted_findings.api import extract
from ofsted_findings.cli.app import app
from ofsted_findings.dataset import build, store
from ofsted_findings.ruleset import RuleSet

SAMPLE_TXT = "monitoring-visit_invented.txt"


def _counts(db_path: Path) -> dict[str, int]:
    with store.connect(db_path, read_only=True) as con:
        return {
            table.name: con.execute(f"SELECT count(*) FROM {table.name}").fetchall()[0][0] for table in store.TABLES
        }


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> Path:
    db_path = tmp_path_factory.mktemp("db") / "samples.duckdb"
    report = build.build([samples_dir], db_path, workers=1)
    assert report.failed == 0
    return db_path


def test_build_stores_every_sample_once(samples_db: Path, samples_dir: Path) -> None:
    counts = _counts(samples_db)
    documents = [extract(path) for path in sorted(samples_dir.glob("*_invented.*")) if path.suffix in (".pdf", ".txt")]
    assert counts["documents"] == len({document.source.sha256 for document in documents}) == 4
    assert counts["findings"] == sum(len(document.findings) for document in documents)
    assert counts["metrics"] == sum(len(document.metrics) for document in documents)
    assert counts["sentences"] == sum(len(document.sentences) for document in documents)
    assert counts["files"] == 4


@pytest.mark.parametrize("table", [table for table in store.TABLES], ids=lambda table: table.name)
def test_keys_are_unique(samples_db: Path, table: store.Table) -> None:
    key = ", ".join(f'"{name}"' for name in table.key)
    with store.connect(samples_db, read_only=True) as con:
        duplicates = con.execute(
            f"SELECT {key}, count(*) FROM {table.name} GROUP BY ALL HAVING count(*) > 1"
        ).fetchall()
    assert duplicates == []


def test_tables_join_on_sha256_and_ids(samples_db: Path) -> None:
    with store.connect(samples_db, read_only=True) as con:
        orphans = con.execute(
            """
            SELECT count(*) FROM findings f
            LEFT JOIN sentences s ON s.sha256 = f.sha256 AND s.id = f.sentence
            LEFT JOIN documents d ON d.sha256 = f.sha256
            WHERE s.id IS NULL OR d.sha256 IS NULL
            """
        ).fetchall()[0][0]
        texts = con.execute(
            'SELECT f.text, substr(d.text, f.start + 1, f."end" - f.start) FROM findings f JOIN documents d USING (sha256)'
        ).fetchall()
        in_metrics = con.execute(
            "SELECT count(*) FROM metrics m JOIN findings f ON f.sha256 = m.sha256 AND f.id = m.finding"
        ).fetchall()[0][0]
        themes = con.execute("SELECT count(*) FROM finding_themes").fetchall()[0][0]
        listed = con.execute("SELECT sum(len(themes)) FROM findings").fetchall()[0][0]
    assert orphans == 0
    assert all(stored == sliced for stored, sliced in texts)
    assert in_metrics > 0
    assert themes == listed


def test_stored_document_round_trips(samples_db: Path, samples_dir: Path) -> None:
    with store.connect(samples_db, read_only=True) as con:
        for path in sorted(samples_dir.glob("*_invented.*")):
            if path.suffix not in (".pdf", ".txt"):
                continue
            expected = extract(path)
            stored = store.load_document(con, store.resolve(con, str(path)))
            assert stored.model_dump_json() == expected.model_dump_json(), path.name


def test_resolve_by_sha_prefix_and_errors(samples_db: Path) -> None:
    with store.connect(samples_db, read_only=True) as con:
        sha = con.execute("SELECT min(sha256) FROM documents").fetchall()[0][0]
        assert store.resolve(con, sha[:12]) == sha
        with pytest.raises(KeyError):
            store.resolve(con, "no-such-document")


def test_second_build_does_no_work(tmp_path: Path, samples_dir: Path) -> None:
    db_path = tmp_path / "again.duckdb"
    first = build.build([samples_dir], db_path, workers=1)
    second = build.build([samples_dir], db_path, workers=1)
    assert (first.extracted, first.stored) == (4, 4)
    assert (second.extracted, second.stored, second.skipped, second.failed) == (
        0,
        0,
        4,
        0,
    )


def test_changed_file_replaces_its_rows(tmp_path: Path, samples_dir: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    letter = folder / "letter.txt"
    shutil.copy(samples_dir / SAMPLE_TXT, letter)
    db_path = tmp_path / "changed.duckdb"
    build.build([folder], db_path, workers=1)
    old_sha = store.hash_file(letter)
    letter.write_text(
        letter.read_text(encoding="utf-8") + "\nLeaders are ambitious and effective.\n",
        encoding="utf-8",
    )
    report = build.build([folder], db_path, workers=1)
    new_sha = store.hash_file(letter)
    assert report.stored == 1
    with store.connect(db_path, read_only=True) as con:
        shas = {
            table.name: con.execute(f"SELECT DISTINCT sha256 FROM {table.name}").fetchall() for table in store.TABLES
        }
    assert all(rows == [(new_sha,)] for name, rows in shas.items() if name != "judgements"), old_sha


def test_new_rule_set_replaces_rows_in_place(tmp_path: Path, samples_dir: Path) -> None:
    """The rule set's content keys the rebuild: new rules re-extract, the same rules in another folder do not."""
    from ofsted_findings.ruleset import RuleSet
    from ofsted_findings.ruleset.schema import CueRule

    db_path = tmp_path / "version.duckdb"
    rules = RuleSet.default()
    build.build([samples_dir / SAMPLE_TXT], db_path, workers=1, rules=rules)
    before = _counts(db_path)
    copy = tmp_path / "same-rules"
    rules.export(copy)
    again = build.build([samples_dir / SAMPLE_TXT], db_path, workers=1, rules=RuleSet.from_dir(copy))
    assert (again.stored, again.skipped) == (0, 1)
    tuned = rules.replace(
        cues=[
            *rules.cues,
            CueRule(id="wk.never_printed", polarity="weakness", pattern="zqx qzx"),
        ]
    )
    report = build.build([samples_dir / SAMPLE_TXT], db_path, workers=1, rules=tuned)
    assert (report.stored, report.replaced) == (1, 1)
    assert _counts(db_path) == before
    with store.connect(db_path, read_only=True) as con:
        (fingerprint,) = con.execute("SELECT pipeline_fingerprint FROM documents").fetchone()
    assert fingerprint == store.pipeline_fingerprint(tuned) != store.pipeline_fingerprint(rules)


def test_interrupted_build_keeps_whole_documents_and_resumes(
    tmp_path: Path, samples_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path = tmp_path / "interrupted.duckdb"
    real_insert = store._insert
    stored: list[str] = []

    def insert_then_stop(con: object, table: store.Table, rows: object) -> None:
        real_insert(con, table, rows)  # type: ignore[arg-type]
        if table.name == "documents":
            stored.append(table.name)
        if table.name == "metrics" and len(stored) == 2:
            raise KeyboardInterrupt  # as if Ctrl-C arrived in the middle of the second document

    monkeypatch.setattr(store, "_insert", insert_then_stop)
    with pytest.raises(KeyboardInterrupt):
        build.build([samples_dir], db_path, workers=1)
    counts = _counts(db_path)
    assert counts["documents"] == 1
    with store.connect(db_path, read_only=True) as con:
        for table in store.DOCUMENT_TABLES:
            strays = con.execute(
                f"SELECT count(*) FROM {table.name} WHERE sha256 NOT IN (SELECT sha256 FROM documents)"
            ).fetchall()[0][0]
            assert strays == 0, table.name
    monkeypatch.setattr(store, "_insert", real_insert)
    resumed = build.build([samples_dir], db_path, workers=1)
    assert (resumed.extracted, resumed.skipped) == (3, 1)
    assert _counts(db_path)["documents"] == 4


def test_failed_input_is_reported_and_the_rest_stored(tmp_path: Path, samples_dir: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(samples_dir / SAMPLE_TXT, folder / "good.txt")
    (folder / "bad.pdf").write_bytes(b"<html><body>not a report</body></html>")
    db_path = tmp_path / "mixed.duckdb"
    runner = CliRunner()
    result = runner.invoke(app, ["build", str(folder), "--db", str(db_path), "--workers", "1"])
    assert result.exit_code == 1
    error_lines = [line for line in result.stderr.splitlines() if "bad.pdf: error" in line]
    assert len(error_lines) == 1 and "mislabelled" in error_lines[0]
    assert _counts(db_path)["documents"] == 1
    again = build.build([folder], db_path, workers=1)
    assert (again.extracted, again.failed, again.skipped) == (0, 1, 1)
    assert again.errors == [error_lines[0]]


@pytest.mark.parametrize("fmt", list(store.ExportFormat), ids=lambda fmt: fmt.value)
def test_export_writes_every_table(samples_db: Path, tmp_path: Path, fmt: store.ExportFormat) -> None:
    counts = _counts(samples_db)
    with store.connect(samples_db, read_only=True) as con:
        paths = store.export_tables(con, fmt, tmp_path / fmt.value)
    assert [path.name for path in paths] == [f"{table.name}.{fmt.value}" for table in store.TABLES]
    for path, table in zip(paths, store.TABLES, strict=True):
        data = pq.read_table(path) if fmt is store.ExportFormat.PARQUET else pa_csv.read_csv(path)
        assert data.num_rows == counts[table.name], table.name
        assert data.column_names == [column.name for column in table.columns]


def test_export_is_deterministic(samples_db: Path, tmp_path: Path) -> None:
    with store.connect(samples_db, read_only=True) as con:
        first = store.export_tables(con, store.ExportFormat.CSV, tmp_path / "a")
        second = store.export_tables(con, store.ExportFormat.CSV, tmp_path / "b")
    assert [path.read_bytes() for path in first] == [path.read_bytes() for path in second]


def test_cli_build_with_export(tmp_path: Path, samples_dir: Path) -> None:
    db_path = tmp_path / "cli.duckdb"
    result = CliRunner().invoke(
        app,
        [
            "build",
            str(samples_dir / SAMPLE_TXT),
            "--db",
            str(db_path),
            "--export",
            "parquet",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "findings.parquet").is_file()
    assert "1 extracted and stored" in result.stderr


@pytest.mark.parametrize(
    ("subject", "tokens"),
    [
        pytest.param(
            "care leavers in suitable accommodation",
            ["accommodation", "care", "leaver", "suitable"],
            id="plural",
        ),
        pytest.param("children's homes", ["children", "home"], id="possessive"),
        pytest.param("Children’s caseloads", ["caseload", "children"], id="curly-apostrophe"),
        pytest.param("the number of agency staff", ["agency", "number", "staff"], id="stopwords"),
        pytest.param("cases open for 12 months", ["case", "month", "open"], id="digits-dropped"),
        pytest.param(None, [], id="none"),
    ],
)
def test_subject_tokens(subject: str | None, tokens: list[str]) -> None:
    assert store.SubjectWords.of(RuleSet.default()).tokens(subject) == tokens


@pytest.mark.corpus
def test_corpus_build_then_nothing_to_do(corpus_dir: Path, tmp_path: Path) -> None:
    files = sorted((corpus_dir / "letters").glob("*.pdf"))[:3] + sorted((corpus_dir / "reports").glob("*.pdf"))[:3]
    db_path = tmp_path / "corpus.duckdb"
    first = build.build(files, db_path, workers=2)
    assert first.extracted == len(files) and first.stored + first.failed == len(files)
    second = build.build(files, db_path, workers=2)
    assert second.extracted == 0
    assert second.skipped == first.stored
    with store.connect(db_path, read_only=True) as con:
        kinds = con.execute(
            "SELECT count(DISTINCT kind), count(*) FROM judgements JOIN documents USING (sha256)"
        ).fetchall()
    assert kinds[0][1] > 0


@pytest.mark.parametrize(
    ("table", "column", "sql_type"),
    [
        pytest.param("documents", "visit_end", "DATE", id="date"),
        pytest.param("documents", "date", "DATE", id="evidence-date"),
        pytest.param("documents", "kind", "ENUM", id="kind-enum"),
        pytest.param("documents", "previous_judgement_date_start", "DATE", id="partial-date-start"),
        pytest.param("documents", "previous_judgement_date_precision", "ENUM", id="partial-date-precision"),
        pytest.param("sections", "category", "ENUM", id="category-enum"),
        pytest.param("findings", "polarity", "ENUM", id="polarity-enum"),
        pytest.param("findings", "themes", "ENUM[]", id="themes-enum-list"),
        pytest.param("metrics", "date_end", "DATE", id="metric-date"),
        pytest.param("metrics", "baseline_date_start", "DATE", id="baseline-date"),
        pytest.param("metrics", "unit", "ENUM", id="unit-enum"),
    ],
)
def test_columns_are_typed_like_the_models(samples_db: Path, table: str, column: str, sql_type: str) -> None:
    with store.connect(samples_db, read_only=True) as con:
        (found,) = con.execute(
            "SELECT data_type FROM duckdb_columns() WHERE table_name = ? AND column_name = ?", [table, column]
        ).fetchone()
    kind = "ENUM" if str(found).startswith("ENUM") else str(found)
    if str(found).startswith("ENUM") and str(found).endswith("[]"):
        kind = "ENUM[]"
    assert kind == sql_type, found


def test_every_model_field_has_a_column() -> None:
    """A field added to a model becomes a column without code changing (names follow the field paths)."""
    from ofsted_findings.dataset.tables import METRICS, model_columns
    from ofsted_findings.models import Metric

    names = {column.name for column in METRICS.columns}
    assert {column.name for column in model_columns(Metric)} <= names
    assert {"baseline_value", "baseline_date_start", "baseline_date_precision", "comparator_label", "date_end"} <= names


def test_readme_lists_the_tables_as_they_are() -> None:
    from ofsted_findings.dataset.tables import schema_markdown

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert schema_markdown() in readme, "update the README's schema table from dataset.tables.schema_markdown()"


def test_every_table_and_column_has_its_description_in_the_database(samples_db: Path) -> None:
    from ofsted_findings.dataset.tables import VIEW_DESCRIPTIONS

    with store.connect(samples_db, read_only=True) as con:
        tables = dict(con.execute("SELECT table_name, comment FROM duckdb_tables()").fetchall())
        columns = {
            (table, column): comment
            for table, column, comment in con.execute(
                "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE NOT internal"
            ).fetchall()
        }
        views = dict(con.execute("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall())
    for table in store.TABLES:
        assert tables[table.name] == table.description
        for column in table.columns:
            assert columns[(table.name, column.name)] == column.description, (table.name, column.name)
            assert column.description.strip()
    assert {name: views[name] for name in VIEW_DESCRIPTIONS} == VIEW_DESCRIPTIONS


def test_parquet_export_carries_the_data_dictionary(samples_db: Path, tmp_path: Path) -> None:
    with store.connect(samples_db, read_only=True) as con:
        paths = store.export_tables(con, store.ExportFormat.PARQUET, tmp_path / "parquet")
    by_name = {table.name: table for table in store.TABLES}
    for path in paths:
        table = by_name[path.stem]
        schema = pq.read_schema(path)
        assert schema.metadata[b"description"].decode() == table.description
        for column in table.columns:
            assert schema.field(column.name).metadata[b"description"].decode() == column.description
    findings = pq.read_table(tmp_path / "parquet" / "findings.parquet")
    with store.connect(samples_db, read_only=True) as con:
        assert findings.num_rows == con.execute("SELECT count(*) FROM findings").fetchall()[0][0]
