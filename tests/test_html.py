"""HTML pages: escaping, nesting, determinism, and loading in a real headless browser."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from collections import Counter
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
    assert f'<span class="swatch" style="background:{pages.GRADE_COLOURS[4]}"></span>inadequate' in page
    assert _parse(page).errors == []


def test_grade_colours_keep_their_order_without_hue() -> None:
    """Colour-blind safe: lightness alone orders the grades (a greyscale print keeps it)."""

    def lightness(colour: str) -> float:
        red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    ordered = [lightness(pages.GRADE_COLOURS[position]) for position in (1, 2, 3, 4)]
    assert ordered == sorted(ordered, reverse=True)
    assert min(a - b for a, b in itertools.pairwise(ordered)) > 0.1


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
            # the continuation is no second anchor: only the first part keeps the id
            '<i id="a">hello <i id="b">wo</i></i><i class="x cont">rld</i>',
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


# --- anchors, links and the colour scale --------------------------------------------------


def test_every_item_is_an_anchor_once(focused: Document) -> None:
    page = pages.document_page(focused)
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert {item.id for item in [*focused.findings, *focused.metrics]} <= set(ids)
    assert not re.search(r'class="[^"]*cont[^"]*"[^>]* id="', page)  # continuations carry no id


def test_show_links_the_pages_of_the_pdf(tmp_path: Path, samples_dir: Path, focused: Document) -> None:
    out = tmp_path / "pages" / "show.html"
    source = samples_dir / "focused-visit_invented.pdf"
    result = CliRunner().invoke(app, ["show", str(source), "--html", str(out)])
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    hrefs = set(re.findall(r'href="([^"#]+\.pdf)#page=(\d+)"', page))
    assert {int(number) for _, number in hrefs} == {finding.page for finding in focused.findings} | {
        metric.page for metric in focused.metrics
    }
    assert all((out.parent / href).resolve() == source.resolve() for href, _ in hrefs)
    # no source, no links
    assert "#page=" not in pages.document_page(focused)


def test_share_scale_keeps_its_order_without_colour() -> None:
    """The heat map's colours get darker as the share grows, so the order survives
    colour blindness and greyscale printing."""

    def luminance(colour: str) -> float:
        red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    shades = [luminance(pages._share_colour(step / 20)) for step in range(21)]
    assert shades == sorted(shades, reverse=True) and shades[0] - shades[-1] > 0.6


def test_heatmap_prints_each_share_and_marks_few_findings() -> None:
    rows = [
        compare.ThemeRow(
            authority="Knowsley",
            theme="care_leavers",
            documents=2,
            strengths=6,
            weaknesses=4,
            weakness_share=0.4,
            group_share=0.3,
            difference=0.1,
        ),
        compare.ThemeRow(
            authority="Knowsley",
            theme="workforce_caseloads",
            documents=1,
            strengths=1,
            weaknesses=2,
            weakness_share=0.6667,
            group_share=0.5,
            difference=0.1667,
        ),
    ]
    svg = pages.theme_heatmap(rows)
    numbers = re.findall(r'text-anchor="middle" fill="#[0-9a-f]{6}">([^<]+)</text>', svg)
    assert numbers == ["40", "67*"]
    assert svg.count('class="cell few"') == 1 and "stroke-dasharray" in svg
    width = int(re.search(r'<svg class="chart" width="(\d+)"', svg).group(1))  # type: ignore[union-attr]
    assert width >= 250 + 2 * 36 + 120  # room for the last rotated column label


def test_report_pages_link_to_the_exact_items(tmp_path: Path, focused: Document) -> None:
    db_path = tmp_path / "links.duckdb"
    build_dataset(focused, db_path)
    out = tmp_path / "site" / "report.html"
    result = CliRunner().invoke(
        app,
        [
            "report",
            "--db",
            str(db_path),
            "--html",
            str(out),
            "--subject",
            "children",
            "--pages",
            str(tmp_path / "site" / "docs"),
        ],
    )
    assert result.exit_code == 0, result.stderr
    report = out.read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"#]+)#([^"]+)">', report)
    assert links
    kinds = Counter()
    for href, anchor in links:
        target = out.parent / href
        assert target.is_file(), href
        assert target.name == f"{target.stem[:16]}.html"
        assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), (href, anchor)
        kinds["judgement" if anchor.startswith("j-") else "metric" if anchor.startswith("m-") else "finding"] += 1
    assert kinds["judgement"] == sum(1 for *_, grade in VARIANTS if grade)
    assert kinds["metric"] > 0 and kinds["finding"] > 0
    assert report.count('<a href="') == len(links)  # no link without an anchor
    group_cells = re.findall(r'<a href="[^"]+"><g class="cell[^"]*"><title>group: ', report)
    assert group_cells == []  # a group's cell is no single document


@pytest.mark.browser
def test_report_with_pages_in_browser(browser: str, tmp_path: Path, focused: Document) -> None:
    db_path = tmp_path / "browser-links.duckdb"
    build_dataset(focused, db_path)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        app, ["report", "--db", str(db_path), "--html", str(out), "--pages", str(tmp_path / "docs")]
    )
    assert result.exit_code == 0, result.stderr
    dom, screenshot = _load(browser, out, tmp_path)
    assert dom.count('class="cell') > 0 and screenshot.stat().st_size > 0
    first = next(iter(sorted((tmp_path / "docs").glob("*.html"))))
    document_dom, _ = _load(browser, first, tmp_path / "doc")
    assert 'class="hl ' in document_dom
