"""track: one authority from inspection to re-inspection, with a verdict on every weakness."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from spacy.language import Language
from typer.testing import CliRunner

from dataset_factory import composed, store_documents
from ofsted_findings.api import extract
from ofsted_findings.cli.app import app
from ofsted_findings.dataset import store, tracking
from ofsted_findings.models import Document
from ofsted_findings.ruleset import RuleSet
from ofsted_findings.views import html as pages

WORDS = store.SubjectWords.of(RuleSet.default())

HOUSING = "Pathway plans for care leavers do not record their housing choices."
CASELOADS = "Caseloads in the duty team remain too high for newly qualified workers."
HEALTH = "Health assessments for children in care are often completed late."
ADVICE = "Ensure that legal advice on neglect cases is sought promptly."
MISSING = "Return home interviews after missing episodes are not offered quickly enough."


def _documents(base: Document) -> list[Document]:
    return [
        composed(
            base,
            "Knowsley",
            "ilacs_inspection",
            "2019-03-15",
            [
                (
                    "strength",
                    ("leadership",),
                    "findings",
                    "Senior leaders know their services and their families well.",
                ),
                ("weakness", ("care_leavers",), "what_needs_to_improve", HOUSING),
                ("weakness", ("workforce_caseloads",), "findings", CASELOADS),
                ("weakness", ("health",), "findings", HEALTH),
                # an improvement point is an item whatever its polarity
                ("strength", ("plo_court",), "what_needs_to_improve", ADVICE),
                ("weakness", ("exploitation_missing",), "findings", MISSING),
            ],
            indicators={3: "health_assessments_on_time"},
        ),
        composed(
            base,
            "Knowsley",
            "focused_visit",
            "2021-06-10",
            [
                (
                    "weakness",
                    ("care_leavers",),
                    "findings",
                    "Too few pathway plans record the housing choices of care leavers.",
                ),
                ("weakness", ("workforce_caseloads",), "findings", "Caseloads in the duty team are still too high."),
                (
                    "strength",
                    ("exploitation_missing",),
                    "findings",
                    "Return home interviews are now offered quickly after missing episodes.",
                ),
            ],
            indicators={0: "health_assessments_on_time"},
        ),
        # another authority's letter never counts
        composed(
            base,
            "Wirral",
            "focused_visit",
            "2022-01-10",
            [("strength", ("health",), "findings", "Health assessments for children in care are completed on time.")],
        ),
        composed(
            base,
            "Knowsley",
            "ilacs_inspection",
            "2023-09-29",
            [
                (
                    "strength",
                    ("care_leavers",),
                    "findings",
                    "Pathway plans are thorough and record housing choices with care leavers.",
                ),
                (
                    "strength",
                    ("plo_court",),
                    "findings",
                    "Legal advice on neglect cases is sought promptly and acted on.",
                ),
                ("weakness", ("plo_court",), "findings", "Legal advice on neglect cases is not always recorded."),
                (
                    "weakness",
                    ("leadership",),
                    "what_needs_to_improve",
                    "Leaders should widen the range of local homes for disabled children.",
                ),
            ],
        ),
        # after the second inspection: followed until now
        composed(
            base,
            "Knowsley",
            "jtai",
            "2024-11-20",
            [("strength", ("leadership",), "findings", "The range of local homes for disabled children has widened.")],
        ),
    ]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path, nlp: Language) -> Path:
    base = extract(samples_dir / "focused-visit_invented.txt", nlp=nlp)
    path = tmp_path_factory.mktemp("track") / "track.duckdb"
    store_documents(_documents(base), path)
    return path


def _track(db_path: Path) -> tracking.Track:
    with store.connect(db_path, read_only=True) as con:
        return tracking.track(con, "Knowsley", WORDS)


@pytest.mark.parametrize(
    ("strengths", "weaknesses", "expected"),
    [
        pytest.param(0, 0, "not_mentioned", id="nothing"),
        pytest.param(1, 0, "improved", id="strength"),
        pytest.param(1, 1, "improved", id="tie-at-ratio"),
        pytest.param(0, 2, "still_weak", id="weaknesses"),
        pytest.param(1, 2, "still_weak", id="outweighed"),
    ],
)
def test_verdict_rule(strengths: int, weaknesses: int, expected: str) -> None:
    assert tracking.verdict(strengths, weaknesses) == expected


def test_items_are_weaknesses_and_improvement_points(db_path: Path) -> None:
    result = _track(db_path)
    first = [item for item in result.items if item.inspection_date is not None and item.inspection_date.year == 2019]
    assert {item.text for item in first} == {HOUSING, CASELOADS, HEALTH, ADVICE, MISSING}
    assert [item.theme for item in first] == sorted(item.theme for item in first)  # grouped by theme
    assert [document.kind for document in result.documents] == [
        "ilacs_inspection",
        "focused_visit",
        "ilacs_inspection",
        "jtai",
    ]


def test_verdicts_read_the_newest_later_document(db_path: Path) -> None:
    items = {item.text: item for item in _track(db_path).items}
    housing = items[HOUSING]
    # the visit found it still weak, the next inspection found it put right: the newest counts
    assert (housing.verdict, str(housing.verdict_date), housing.verdict_kind) == (
        "improved",
        "2023-09-29",
        "ilacs_inspection",
    )
    assert [str(e.date) for e in housing.evidence if e.what == "finding"] == ["2023-09-29", "2021-06-10"]
    assert items[CASELOADS].verdict == "still_weak" and items[CASELOADS].later_weaknesses == 1
    assert items[MISSING].verdict == "improved" and str(items[MISSING].verdict_date) == "2021-06-10"
    # Wirral's letter on the same words is another authority's
    assert items[HEALTH].verdict == "not_mentioned" and items[HEALTH].verdict_date is None
    assert items[ADVICE].verdict == "improved" and (items[ADVICE].later_strengths, items[ADVICE].later_weaknesses) == (
        1,
        1,
    )
    assert all(str(item.followed_until) == "2023-09-29" for item in items.values() if item.inspection_date.year == 2019)  # type: ignore[union-attr]
    last = items["Leaders should widen the range of local homes for disabled children."]
    assert last.verdict == "improved" and last.followed_until is None and last.verdict_kind == "jtai"


def test_figures_on_the_same_indicator_are_listed(db_path: Path) -> None:
    health = next(item for item in _track(db_path).items if item.text == HEALTH)
    assert health.indicators == ["health_assessments_on_time"]
    figures = [e for e in health.evidence if e.what == "figure"]
    assert [(str(e.date), e.shared) for e in figures] == [("2021-06-10", ["health_assessments_on_time"])]
    assert health.verdict == "not_mentioned"  # figures are listed, they do not vote


def test_cli_track_outputs(db_path: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    arguments = ["track", "--db", str(db_path), "--authority", "Knowsley Metropolitan Borough Council"]
    as_csv = runner.invoke(app, [*arguments, "--csv"])
    assert as_csv.exit_code == 0, as_csv.stderr
    records = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert set(records[0]) == set(tracking.TrackRow.model_fields)
    assert {record["text"]: record["verdict"] for record in records}[CASELOADS] == "still_weak"
    assert {record["text"]: record["indicator"] for record in records}[HEALTH] == "health_assessments_on_time"
    as_json = runner.invoke(app, [*arguments, "--json"])
    assert tracking.Track.model_validate(json.loads(as_json.stdout)) == _track(db_path)
    page = tmp_path / "track.html"
    table = runner.invoke(app, [*arguments, "--html", str(page)])
    assert table.exit_code == 0 and "Track: Knowsley" in table.stdout and "still_weak" in table.stdout
    html = page.read_text(encoding="utf-8")
    assert html.count('class="verdict"') == len(records) and "Return home interviews" in html
    typo = runner.invoke(app, ["track", "--db", str(db_path), "-a", "Knowsly"])
    assert typo.exit_code == 2 and "'Knowsley'" in typo.stderr


def test_track_page_is_well_formed_and_escaped(db_path: Path) -> None:
    from test_html import _parse

    result = _track(db_path)
    page = pages.track_page(result)
    parsed = _parse(page)
    assert parsed.errors == [] and parsed.stack == []
    assert page == pages.track_page(result)  # deterministic
    assert page.count('<h2 id="i-') == 2 and page.count("<h3>") == 7
    # a strip per theme with later evidence: the advice point met one strength and one weakness in 2023
    assert page.count('class="strip"') >= 4 and '">+1 -1</text>' in page
    hostile = result.model_copy(update={"authority": "<script>x</script>"})
    assert "<script>" not in pages.track_page(hostile)


@pytest.mark.browser
def test_track_page_in_browser(db_path: Path, tmp_path: Path) -> None:
    from test_html import BROWSER_NAMES, _load

    found = next((shutil.which(name) for name in BROWSER_NAMES if shutil.which(name)), None)
    if found is None:
        pytest.skip("no chromium binary found (apt-get install chromium)")
    out = tmp_path / "track.html"
    result = CliRunner().invoke(app, ["track", "--db", str(db_path), "-a", "knowsley", "--html", str(out), "--csv"])
    assert result.exit_code == 0, result.stderr
    dom, screenshot = _load(found, out, tmp_path)
    assert dom.count('class="verdict"') == len(_track(db_path).items)
    assert dom.count('class="doc"') == 4 and screenshot.exists()


def test_summary_counts_each_inspection(db_path: Path) -> None:
    rows = tracking.summary(_track(db_path))
    assert [(str(row.inspection_date), str(row.followed_until), row.later_letters, row.items) for row in rows] == [
        ("2019-03-15", "2023-09-29", 1, 5),
        ("2023-09-29", "None", 1, 2),
    ]
    first = rows[0]
    assert (first.improved, first.still_weak, first.not_mentioned) == (3, 1, 1)


def test_track_pages_link_items_and_evidence_to_their_documents(db_path: Path, tmp_path: Path) -> None:
    import re

    out = tmp_path / "site" / "track.html"
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "track",
            "--db",
            str(db_path),
            "-a",
            "Knowsley",
            "--html",
            str(out),
            "--pages",
            str(out.parent / "docs"),
            "--csv",
        ],
    )
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"#]+)#([^"]+)">p\. \d+</a>', page)
    track = _track(db_path)
    assert len(links) == len(track.items) + sum(len(item.evidence) for item in track.items)
    for href, anchor in links:
        target = out.parent / href
        assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), (href, anchor)
    assert len(list((out.parent / "docs").glob("*.html"))) == len(track.documents)
    alone = runner.invoke(app, ["track", "--db", str(db_path), "-a", "Knowsley", "--pages", str(tmp_path / "x")])
    assert alone.exit_code == 2
