"""HTML pages: escaping, nesting, determinism, and loading in a real headless browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from spacy.language import Language
from typer.testing import CliRunner

from dataset_factory import VARIANTS, build_dataset, variant
from ofsted_findings.api import extract
from ofsted_findings.cli.app import app
from ofsted_findings.dataset import queries as compare
from ofsted_findings.dataset import store
from ofsted_findings.models import Document
from ofsted_findings.ruleset import RuleSet
from ofsted_findings.views import html as pages

BROWSER_NAMES = ("chromium", "chromium-browser")
BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
)
CONSOLE_ERRORS = re.compile(r"ERROR:CONSOLE|Uncaught|Failed to load resource")
BROWSER_TIMEOUT = 120


class _Items(HTMLParser):
    """Collects data-item ids and checks that every element is closed in order."""

    VOID: ClassVar[frozenset[str]] = frozenset(
        {
            "meta",
            "br",
            "img",
            "input",
            "link",
            "hr",
            "rect",
            "circle",
            "line",
            "polyline",
            "path",
        }
    )

    def __init__(self) -> None:
        super().__init__()
        self.items: list[str] = []
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("data-item"):
            self.items.append(str(values["data-item"]))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("data-item"):
            self.items.append(str(values["data-item"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()


def _parse(page: str) -> _Items:
    parser = _Items()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def focused(samples_dir: Path, nlp: Language) -> Document:
    return extract(samples_dir / "focused-visit_invented.pdf", nlp=nlp)


def test_every_finding_and_metric_is_highlighted_once(focused: Document) -> None:
    page = pages.document_page(focused)
    parsed = _parse(page)
    assert parsed.errors == [] and parsed.stack == []
    assert set(parsed.items) == {item.id for item in [*focused.findings, *focused.metrics]}
    assert len(set(parsed.items)) == len(focused.findings) + len(focused.metrics)


def test_hover_shows_the_rules_that_fired(focused: Document) -> None:
    page = pages.document_page(focused)
    finding = next(f for f in focused.findings if f.modifiers)
    match = re.search(rf'data-item="{re.escape(finding.id)}" title="([^"]*)"', page)
    assert match is not None
    for cue in finding.cues:
        assert cue.rule in match.group(1)


def test_judgements_are_coloured_by_their_place_on_the_scale(samples_dir: Path, nlp: Language) -> None:
    document = extract(samples_dir / "focused-visit_invented.pdf", nlp=nlp)
    graded = document.model_copy(
        update={"letter": variant(document, "Knowsley", "ilacs_inspection", "2019-03-15", "inadequate").letter}
    )
    page = pages.document_page(graded)
    assert f'<span style="color:{pages.GRADE_COLOURS[4]};font-weight:600">inadequate</span>' in page
    assert _parse(page).errors == []


def test_page_is_deterministic(focused: Document) -> None:
    assert pages.document_page(focused) == pages.document_page(focused.model_copy())


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            'Findings\n\nLeaders said "<script>alert(1)</script>" & plans are timely and effective.',
            id="script",
        ),
        pytest.param(
            "Findings\n\nPlans for 45% of children are <b>not</b> timely & leaders know this.",
            id="markup",
        ),
    ],
)
def test_document_text_is_escaped(text: str, nlp: Language) -> None:
    document = extract(text, nlp=nlp)
    page = pages.document_page(document)
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page or "&lt;b&gt;" in page
    assert _parse(page).errors == []


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        pytest.param([(0, 5, 1, "a")], '<i id="a">hello</i> world', id="one"),
        pytest.param(
            [(0, 11, 1, "a"), (6, 11, 2, "b")],
            '<i id="a">hello <i id="b">world</i></i>',
            id="nested",
        ),
        pytest.param(
            [(0, 8, 1, "a"), (6, 11, 2, "b")],
            '<i id="a">hello <i id="b">wo</i></i><i id="b" class="x cont">rld</i>',
            id="crossing",
        ),
    ],
)
def test_highlight_keeps_nesting_valid(spans: list[tuple[int, int, int, str]], expected: str) -> None:
    marks = [
        pages._Mark(
            start=start,
            end=end,
            rank=rank,
            tag="i",
            attrs=(("id", name),) + ((("class", "x"),) if rank == 2 else ()),
        )
        for start, end, rank, name in spans
    ]
    got = pages.highlight("hello world", marks)
    assert got.replace(' class="x"', "") == expected


def test_report_page_charts(tmp_path: Path, focused: Document) -> None:
    build_dataset(focused, tmp_path / "report.duckdb")
    with store.connect(tmp_path / "report.duckdb", read_only=True) as con:
        data = compare.report_data(con, compare.ReportOptions(subjects=["children"]), RuleSet.default())
        page = pages.report_page(data)
        again = pages.report_page(
            compare.report_data(con, compare.ReportOptions(subjects=["children"]), RuleSet.default())
        )
    assert page == again
    graded = sum(1 for *_, grade in VARIANTS if grade)
    assert page.count('class="grade"') == graded
    assert page.count('class="cell"') > 0 and page.count('class="point"') > 0
    assert "<script" not in page and "http" not in page.replace("http://www.w3.org", "")
    assert _parse(page).errors == []


# --- in a real browser -----------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> str:
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no chromium binary found (apt-get install chromium)")


def _run_browser(browser: str, page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        browser,
        *BROWSER_FLAGS,
        f"--user-data-dir={profile}",
        *extra,
        page.resolve().as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=BROWSER_TIMEOUT, check=False)


def _load(browser: str, page: Path, tmp_path: Path) -> tuple[str, Path]:
    """The page's DOM after loading, and a screenshot; fails on any console error."""
    dump = _run_browser(browser, page, tmp_path / "profile-dom", "--dump-dom")
    assert dump.returncode == 0, dump.stderr[-2000:]
    errors = [line for line in dump.stderr.splitlines() if CONSOLE_ERRORS.search(line)]
    assert errors == []
    screenshot = tmp_path / f"{page.stem}.png"
    shot = _run_browser(
        browser,
        page,
        tmp_path / "profile-shot",
        f"--screenshot={screenshot}",
        "--window-size=1280,2000",
    )
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return dump.stdout, screenshot


def test_browser_catches_console_errors(browser: str, tmp_path: Path) -> None:
    """The harness itself: a page with a script error must be caught."""
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>",
        encoding="utf-8",
    )
    result = _run_browser(browser, page, tmp_path / "profile", "--dump-dom")
    assert any(CONSOLE_ERRORS.search(line) for line in result.stderr.splitlines())


def test_show_page_in_browser(browser: str, tmp_path: Path, samples_dir: Path, focused: Document) -> None:
    out = tmp_path / "show.html"
    result = CliRunner().invoke(
        app,
        ["show", str(samples_dir / "focused-visit_invented.pdf"), "--html", str(out)],
    )
    assert result.exit_code == 0, result.stderr
    dom, _ = _load(browser, out, tmp_path)
    items = set(re.findall(r'data-item="([^"]+)"', dom))
    assert len(items) == len(focused.findings) + len(focused.metrics)
    assert dom.count('class="hl metric') == len(focused.metrics)


def test_report_page_in_browser(browser: str, tmp_path: Path, focused: Document) -> None:
    db_path = tmp_path / "browser.duckdb"
    build_dataset(focused, db_path)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        app,
        ["report", "--db", str(db_path), "--html", str(out), "--subject", "children"],
    )
    assert result.exit_code == 0, result.stderr
    dom, _ = _load(browser, out, tmp_path)
    assert dom.count('class="grade"') == sum(1 for *_, grade in VARIANTS if grade)
    assert "<svg" in dom
