"""HTML pages: one document with its findings and metrics highlighted, and a comparison report.

Pages are self-contained (inline CSS and SVG, no scripts, nothing fetched), every piece of
document text goes through :func:`html.escape`, and the same input gives the same bytes.
Each highlighted item is one element with ``class="hl ..."`` and ``data-item="<id>"``; an
item that crosses another's boundary continues in a second element with the same
``data-item`` and the class ``cont``.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import logging
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from ofsted_findings.dataset import queries as compare
from ofsted_findings.dataset import tracking
from ofsted_findings.dataset.links import ItemLink, ReportLinks
from ofsted_findings.models import Document, Finding, Metric

logger = logging.getLogger(__name__)

#: Colour of each position on the four-point grade scale (1 outstanding ... 4 inadequate):
#: viridis stops, whose lightness falls steadily from outstanding to inadequate, so the order
#: survives every colour-vision deficiency and a greyscale print; grades are labelled too.
GRADE_COLOURS: dict[int | None, str] = {
    1: "#fde725",
    2: "#35b779",
    3: "#31688e",
    4: "#440154",
    None: "#8c959f",
}
#: Okabe and Ito's palette for categorical series (distinct under the common deficiencies).
SERIES_COLOURS = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#f0e442",
    "#000000",
)
#: Strengths and weaknesses: blue and orange (Okabe and Ito), not green and red.
STRENGTH_COLOUR = "#0072b2"
WEAKNESS_COLOUR = "#e69f00"
#: Subjects charted by `report` when none are asked for (what researchers ask about most).
#: A theme cell with fewer findings than this is drawn pale (its share says little).
FEW_FINDINGS = 5

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:1.5rem;
color:#1f2328;line-height:1.5}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d0d7de;padding:.2rem .5rem;text-align:left;
vertical-align:top}th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:.1rem 1rem;margin:.5rem 0}dl.meta dt{font-weight:600}
dl.meta dd{margin:0}.text{white-space:pre-wrap;font-family:Georgia,serif;font-size:1.02rem;border:1px solid #d0d7de;
padding:1rem 1.2rem;border-radius:6px;background:#fff}
.hl{border-radius:3px;cursor:help}.hl:hover{outline:2px solid #0969da}
.strength{background:#d6eaf8;box-shadow:inset 0 -2px #0072b2}.weakness{background:#fdebd0;box-shadow:inset 0 -2px #e69f00}
.swatch{display:inline-block;width:.8em;height:.8em;border:1px solid #1f2328;border-radius:50%;margin-right:.3em;
vertical-align:-.05em}
.metric{background:#ddf4ff;border:1px solid #54aeff;padding:0 1px;font-weight:600}
.hedged{text-decoration:underline dotted}.heading{font-weight:700;font-family:system-ui,sans-serif}
.legend span{margin-right:1rem;padding:0 .3rem}.muted{color:#57606a;font-size:.9rem}
figure{margin:1rem 0;overflow-x:auto}figcaption{color:#57606a;font-size:.9rem}svg text{font-family:system-ui,sans-serif}
a.pdfpage{font:600 .75rem system-ui,sans-serif;color:#0969da;margin:0 .2rem}.text a.pdfpage{border:1px solid #54aeff;
border-radius:3px;padding:0 .2rem;white-space:nowrap}
"""


class _Mark(BaseModel):
    """A span of the text to wrap in an element."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: int
    end: int
    rank: int  # outer elements first when two start together
    tag: str
    attrs: tuple[tuple[str, str], ...]


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _attrs(pairs: Iterable[tuple[str, str]]) -> str:
    return "".join(f' {name}="{_e(value)}"' for name, value in pairs)


def _page(title: str, body: Sequence[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


# --- one document ----------------------------------------------------------------------


def finding_tooltip(finding: Finding) -> str:
    """What the hover shows for a finding: polarity, themes and every rule that fired."""
    parts = [f"{finding.polarity} (page {finding.page})"]
    if finding.themes:
        parts.append("themes: " + ", ".join(finding.themes))
    if finding.cues:
        parts.append(
            "rules: " + "; ".join(f"{cue.rule} [{cue.kind}: {cue.effect}] '{cue.text}'" for cue in finding.cues)
        )
    if finding.modifiers:
        parts.append("modifiers: " + ", ".join(finding.modifiers))
    flags = [name for name, on in (("negated", finding.negated), ("hedged", finding.hedged)) if on]
    if flags:
        parts.append(", ".join(flags))
    return "\n".join(parts)


def _number(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}".rstrip("0")


def metric_tooltip(metric: Metric) -> str:
    """What the hover shows for a metric: value, unit, baseline, comparator, date, subject."""
    value = _number(metric.value) if metric.value is not None else f"{_number(metric.low)}-{_number(metric.high)}"
    parts = [f"{metric.kind}: {value} {metric.unit} ({metric.approx}, page {metric.page})"]
    if metric.baseline is not None:
        baseline = metric.baseline
        parts.append(
            f"baseline: {_number(baseline.value)}"
            + (f" ({baseline.date.iso()})" if baseline.date else "")
            + (f", {metric.change}" if metric.change else "")
        )
    if metric.comparator is not None:
        parts.append(f"comparator: {_number(metric.comparator.value)} {metric.comparator.label}")
    if metric.date:
        parts.append(f"date: {metric.date.iso()}" + (f" ('{metric.date_text}')" if metric.date_text else ""))
    if metric.subject:
        parts.append(f"subject: {metric.subject}")
    return "\n".join(parts)


def _marks(document: Document) -> list[_Mark]:
    marks: list[_Mark] = []
    for section in document.sections:
        if section.title and document.text.startswith(section.title, section.start):
            marks.append(
                _Mark(
                    start=section.start,
                    end=section.start + len(section.title),
                    rank=0,
                    tag="span",
                    attrs=(("class", "heading"),),
                )
            )
    for finding in document.findings:
        classes = f"hl {finding.polarity}" + (" hedged" if finding.hedged else "")
        marks.append(
            _Mark(
                start=finding.start,
                end=finding.end,
                rank=1,
                tag="span",
                attrs=(
                    ("class", classes),
                    ("data-item", finding.id),
                    ("title", finding_tooltip(finding)),
                    ("id", finding.id),
                ),
            )
        )
    for metric in document.metrics:
        marks.append(
            _Mark(
                start=metric.start,
                end=metric.end,
                rank=2,
                tag="span",
                attrs=(
                    ("class", "hl metric"),
                    ("data-item", metric.id),
                    ("title", metric_tooltip(metric)),
                    ("id", metric.id),
                ),
            )
        )
    return [mark for mark in marks if mark.end > mark.start]


def highlight(text: str, marks: list[_Mark], inserts: Mapping[int, str] | None = None) -> str:
    """The escaped text with each mark wrapped in its element, nesting kept valid.

    A mark that ends while a mark opened after it is still open closes that one, and the
    inner one reopens as a continuation (same attributes, class ``cont`` added).
    ``inserts`` are HTML fragments put at offsets, after the marks that end there and
    before the marks that start there (the page links of the document page).
    """
    inserts = inserts or {}
    starts: dict[int, list[_Mark]] = defaultdict(list)
    for mark in marks:
        starts[mark.start].append(mark)
    boundaries = sorted({0, len(text), *(mark.start for mark in marks), *(mark.end for mark in marks), *inserts})
    out: list[str] = []
    stack: list[_Mark] = []
    for index, position in enumerate(boundaries):
        if any(mark.end == position for mark in stack):
            keep = [mark for mark in stack if mark.end > position]
            first_closed = min(i for i, mark in enumerate(stack) if mark.end == position)
            out.extend(f"</{mark.tag}>" for mark in reversed(stack[first_closed:]))
            reopen = [mark for mark in stack[first_closed:] if mark.end > position]
            stack = keep[: len(keep) - len(reopen)]
            for mark in reopen:
                out.append(f"<{mark.tag}{_attrs(_continued(mark.attrs))}>")
                stack.append(mark)
        if position in inserts:
            out.append(inserts[position])
        for mark in sorted(starts.get(position, []), key=lambda item: (-item.end, item.rank)):
            out.append(f"<{mark.tag}{_attrs(mark.attrs)}>")
            stack.append(mark)
        if index + 1 < len(boundaries):
            out.append(html.escape(text[position : boundaries[index + 1]], quote=False))
    out.extend(f"</{mark.tag}>" for mark in reversed(stack))
    return "".join(out)


def _continued(attrs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """A continuation's attributes: class ``cont`` added, no ``id`` (the anchor is the first part)."""
    return tuple((name, f"{value} cont" if name == "class" else value) for name, value in attrs if name != "id")


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _theme_summary(findings: Sequence[Finding]) -> list[tuple[str, int, int]]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for finding in findings:
        for theme in [str(theme) for theme in finding.themes] or [compare.NO_THEME]:
            counts[theme][str(finding.polarity)] += 1
    return sorted(
        ((theme, counter["strength"], counter["weakness"]) for theme, counter in counts.items()),
        key=lambda row: (-(row[1] + row[2]), row[0]),
    )


def _bar(strengths: int, weaknesses: int, most: int, width: int = 240) -> str:
    scale = width / most if most else 0
    green = round(strengths * scale, 1)
    red = round(weaknesses * scale, 1)
    return (
        f'<svg width="{width}" height="14" role="img" aria-label="{strengths} strengths, {weaknesses} weaknesses">'
        f'<rect x="0" y="2" width="{green}" height="10" fill="{STRENGTH_COLOUR}"/>'
        f'<rect x="{green}" y="2" width="{red}" height="10" fill="{WEAKNESS_COLOUR}"/></svg>'
    )


def _page_starts(document: Document) -> dict[int, int]:
    """Page -> the first offset of running text on it (sections, sentences, findings, figures)."""
    first: dict[int, int] = {}
    items: list[tuple[int, int]] = [
        (item.page, item.start) for item in document.sections if item.category != "letterhead"
    ]
    items += [(item.page, item.start) for item in document.sentences]
    items += [(item.page, item.start) for item in document.findings]
    items += [(item.page, item.start) for item in document.metrics]
    for page, start in items:
        first[page] = min(start, first.get(page, start))
    return dict(sorted(first.items()))


def pdf_page_href(source_href: str, page: int) -> str:
    """The link to one page of the source: ``file.pdf#page=N`` (PDF viewers open that page)."""
    return f"{source_href}#page={page}"


def document_page(
    document: Document,
    grade_positions: Mapping[str, int | None] | None = None,
    source_href: str | None = None,
) -> str:
    """One document as a page: metadata and judgements, a summary by theme, the highlighted text.

    ``grade_positions`` places each grade on the four-point scale for its colour (default:
    the packaged vocabulary's). ``source_href`` is the link to the source file (relative to
    the page); when given, page numbers link to ``source#page=N`` and the text shows where
    each page begins. Every finding and figure is an anchor (``#<id>``), every judgement row
    ``#j-<area>``."""
    if grade_positions is None:
        from ofsted_findings.ruleset import RuleSet

        grade_positions = {grade.grade.value: grade.position for grade in RuleSet.default().vocabulary.grades}
    letter = document.letter
    authority = letter.authority.name or letter.authority.name_as_printed or "authority not recognised"
    title = f"{letter.kind.replace('_', ' ')}: {authority}"
    meta: list[tuple[str, str | None]] = [
        (
            "source",
            f"{document.source.name} ({document.source.media_type}, {document.source.pages} pages)",
        ),
        ("sha256", document.source.sha256),
        ("authority as printed", letter.authority.name_as_printed),
        ("framework", letter.framework),
        ("letter date", _iso(letter.letter_date)),
        (
            "on site",
            ", ".join(f"{visit.start} to {visit.end}" for visit in letter.visits) or None,
        ),
        ("published", _iso(letter.published)),
        ("addressee", letter.addressee),
        (
            "inspectors",
            ", ".join(f"{i.name}{' (lead)' if i.lead else ''}" for i in letter.inspectors) or None,
        ),
        ("focus", letter.focus),
        (
            "monitoring visit",
            str(letter.monitoring_visit_number) if letter.monitoring_visit_number else None,
        ),
        (
            "previous judgement",
            f"{letter.previous_judgement} ({letter.previous_judgement_date.iso() if letter.previous_judgement_date else 'date not stated'})"
            if letter.previous_judgement
            else None,
        ),
        ("pipeline", f"{document.pipeline.name} {document.pipeline.version}"),
    ]
    body = [f"<header>\n<h1>{_e(title)}</h1>", '<dl class="meta">']
    body += [f"<dt>{_e(name)}</dt><dd>{_e(value)}</dd>" for name, value in meta if value]
    body.append("</dl>")
    pages = _page_starts(document)
    pdf = source_href is not None and document.source.media_type == "application/pdf"
    if source_href is not None:
        links = " ".join(
            f'<a class="pdfpage" href="{_e(pdf_page_href(source_href, page))}">{page}</a>' for page in pages
        )
        body.append(
            f'<p>Source: <a href="{_e(source_href)}">{_e(document.source.name)}</a>'
            + (f"; open at page {links}" if pdf and links else "")
            + "</p>"
        )
    body.append("</header>")
    body.append("<h2>Judgements</h2>")
    if letter.judgements:
        body.append("<table><tr><th>area</th><th>label as printed</th><th>grade</th><th>page</th></tr>")
        for judgement in letter.judgements:
            colour = GRADE_COLOURS[grade_positions.get(str(judgement.grade))]
            page = (
                f'<a href="{_e(pdf_page_href(source_href, judgement.page))}">{judgement.page}</a>'
                if pdf and source_href is not None
                else str(judgement.page)
            )
            body.append(
                f'<tr id="j-{_e(judgement.area)}"><td>{_e(judgement.area)}</td><td>{_e(judgement.label_as_printed)}</td>'
                f'<td><span class="swatch" style="background:{colour}"></span>{_e(judgement.grade)}</td>'
                f'<td class="num">{page}</td></tr>'
            )
        body.append("</table>")
    else:
        body.append('<p class="muted">No graded judgements in this document.</p>')
    strengths = sum(1 for finding in document.findings if finding.polarity == "strength")
    weaknesses = len(document.findings) - strengths
    body.append("<h2>Summary by theme</h2>")
    body.append(
        f"<p>{strengths} strengths, {weaknesses} weaknesses, {len(document.metrics)} figures. "
        "A finding with several themes counts under each.</p>"
    )
    summary = _theme_summary(document.findings)
    most = max((s + w for _, s, w in summary), default=0)
    body.append("<table><tr><th>theme</th><th>strengths</th><th>weaknesses</th><th>weakness share</th><th></th></tr>")
    for theme, theme_strengths, theme_weaknesses in summary:
        share = theme_weaknesses / (theme_strengths + theme_weaknesses)
        body.append(
            f'<tr><td>{_e(theme)}</td><td class="num">{theme_strengths}</td><td class="num">{theme_weaknesses}</td>'
            f'<td class="num">{share:.0%}</td><td>{_bar(theme_strengths, theme_weaknesses, most)}</td></tr>'
        )
    body.append("</table>")
    if document.warnings:
        body.append("<h2>Warnings</h2><ul>")
        body += [f"<li>{_e(warning.code)}: {_e(warning.message)}</li>" for warning in document.warnings]
        body.append("</ul>")
    body.append("<h2>Text</h2>")
    body.append(
        '<p class="legend"><span class="strength">strength</span><span class="weakness">weakness</span>'
        '<span class="metric">figure</span><span class="strength hedged">hedged</span>'
        '<span class="muted">Hover over a highlight to see the rules that fired.</span></p>'
    )
    inserts = (
        {
            start: f'<a class="pdfpage" href="{_e(pdf_page_href(source_href, page))}">p. {page}</a>'
            for page, start in pages.items()
        }
        if pdf and source_href is not None
        else {}
    )
    body.append(f'<div class="text">{highlight(document.text, _marks(document), inserts)}</div>')
    return _page(f"{title} - {document.source.name}", body)


# --- comparison report -----------------------------------------------------------------


def _year_fraction(day: dt.date) -> float:
    start = dt.date(day.year, 1, 1)
    return day.year + (day - start).days / 365.25


def _axis_years(
    first: int,
    last: int,
    x_of: Callable[[float], float],
    top: float,
    bottom: float,
    label_y: float,
) -> list[str]:
    out = []
    for year in range(first, last + 1):
        x = x_of(year)
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="#eaeef2"/>')
        out.append(f'<text x="{x:.1f}" y="{label_y}" font-size="11" text-anchor="middle" fill="#57606a">{year}</text>')
    return out


def judgement_timeline(rows: Sequence[compare.JudgementRow], links: ReportLinks | None = None) -> str:
    """One row per authority, one dot per graded inspection, coloured by scale position
    (with ``links``, each dot links to the judgement on its document's page)."""
    dated = [row for row in rows if row.date is not None]
    if not dated:
        return '<p class="muted">No graded judgements for this selection.</p>'
    authorities = sorted({row.authority for row in dated})
    first = min(row.date.year for row in dated if row.date)
    last = max(row.date.year for row in dated if row.date) + 1
    left, right, top, step = 250, 20, 30, 16
    width = 1000
    height = top + step * len(authorities) + 10

    def x_of(year: float) -> float:
        return left + (year - first) / max(last - first, 1) * (width - left - right)

    parts = [f'<svg class="chart" width="{width}" height="{height}" role="img" aria-label="judgement timeline">']
    parts += _axis_years(first, last, x_of, top, height - 5, top - 4)
    for index, authority in enumerate(authorities):
        y = top + step * index + step / 2
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{_e(authority)}</text>')
        for row in (row for row in dated if row.authority == authority):
            assert row.date is not None
            x = x_of(_year_fraction(row.date))
            colour = GRADE_COLOURS[row.position]
            label = f"{row.authority} {row.date.isoformat()}: {row.grade} ({row.era}; {row.area})"
            dot = (
                f'<circle class="grade" cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}" stroke="#1f2328" '
                f'stroke-width="0.75"><title>{_e(label)}</title></circle>'
            )
            target = ItemLink(file_path=row.file_path, anchor=f"j-{row.area}")
            parts.append(_linked(dot, links.href(target) if links is not None else None))
    parts.append("</svg>")
    legend = " ".join(
        f'<span><svg width="10" height="10"><circle cx="5" cy="5" r="5" fill="{GRADE_COLOURS[position]}"/></svg> {_e(name)}</span>'
        for position, name in (
            (1, "outstanding"),
            (2, "good"),
            (3, "requires improvement / adequate"),
            (4, "inadequate"),
        )
    )
    return f"<figure>{''.join(parts)}<figcaption>{legend}</figcaption></figure>"


#: The heat map's scale: viridis from light (no weaknesses) to dark (all weaknesses), which
#: keeps its order under every kind of colour blindness and in grey; (share, colour) stops.
SHARE_SCALE: tuple[tuple[float, tuple[int, int, int]], ...] = (
    (0.0, (0xFD, 0xE7, 0x25)),
    (0.25, (0x5E, 0xC9, 0x62)),
    (0.5, (0x21, 0x91, 0x8C)),
    (0.75, (0x3B, 0x52, 0x8B)),
    (1.0, (0x44, 0x01, 0x54)),
)
#: From this share on, a cell's number is printed in white (the colour is dark enough).
DARK_FROM = 0.45


def _share_colour(share: float) -> str:
    """The colour of a weakness share on :data:`SHARE_SCALE` (light 0%, dark 100%)."""
    share = min(max(share, 0.0), 1.0)
    for (low, a), (high, b) in itertools.pairwise(SHARE_SCALE):
        if share <= high:
            t = (share - low) / (high - low)
            return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))
    return "#" + "".join(f"{x:02x}" for x in SHARE_SCALE[-1][1])


def _linked(element: str, href: str | None) -> str:
    """An SVG element wrapped in a link when there is somewhere to go."""
    return f'<a href="{_e(href)}">{element}</a>' if href else element


def theme_heatmap(rows: Sequence[compare.ThemeRow], links: ReportLinks | None = None) -> str:
    """Authorities by themes, each cell coloured by weakness share and labelled with it in
    per cent (the group last); cells with fewer than FEW_FINDINGS findings are dashed and
    starred. With ``links``, an authority's cell links to its newest finding in that theme."""
    if not rows:
        return '<p class="muted">No findings for this selection.</p>'
    themes = sorted({row.theme for row in rows})
    group = sorted({row.authority for row in rows if row.authority.startswith("group: ")})
    authorities = sorted({row.authority for row in rows} - set(group)) + group
    cells = {(row.authority, row.theme): row for row in rows}
    left, top, cell_w, cell_h, right = 250, 160, 36, 20, 150
    width = left + cell_w * len(themes) + right
    height = top + cell_h * len(authorities) + 50
    parts = [f'<svg class="chart" width="{width}" height="{height}" role="img" aria-label="theme balance">']
    for column, theme in enumerate(themes):
        x = left + column * cell_w + cell_w / 2
        parts.append(
            f'<text x="{x:.1f}" y="{top - 6}" font-size="11" transform="rotate(-55 {x:.1f} {top - 6})">{_e(theme)}</text>'
        )
    for index, authority in enumerate(authorities):
        y = top + index * cell_h
        weight = ' font-weight="700"' if authority in group else ""
        parts.append(
            f'<text x="{left - 8}" y="{y + 14}" font-size="11" text-anchor="end"{weight}>{_e(authority)}</text>'
        )
        for column, theme in enumerate(themes):
            row = cells.get((authority, theme))
            if row is None or row.weakness_share is None:
                continue
            total = row.strengths + row.weaknesses
            few = total < FEW_FINDINGS
            label = (
                f"{authority} / {theme}: {row.strengths} strengths, {row.weaknesses} weaknesses, "
                f"weakness share {row.weakness_share:.0%}"
                + (f" (group {row.group_share:.0%})" if row.group_share is not None else "")
                + (f"; fewer than {FEW_FINDINGS} findings" if few else "")
            )
            x = left + column * cell_w
            outline = ' stroke="#1f2328" stroke-width="1.5" stroke-dasharray="3 2"' if few else ""
            ink = "#ffffff" if row.weakness_share >= DARK_FROM else "#1f2328"
            number = f"{row.weakness_share * 100:.0f}" + ("*" if few else "")
            cell = (
                f'<g class="cell{" few" if few else ""}"><title>{_e(label)}</title>'
                f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" '
                f'fill="{_share_colour(row.weakness_share)}"{outline}/>'
                f'<text x="{x + (cell_w - 2) / 2:.1f}" y="{y + 13}" font-size="10" text-anchor="middle" '
                f'fill="{ink}">{_e(number)}</text></g>'
            )
            parts.append(_linked(cell, links.theme(authority, theme) if links is not None else None))
    legend_y = top + cell_h * len(authorities) + 16
    for step in range(5):
        share = step / 4
        x = left + step * 50
        parts.append(f'<rect x="{x}" y="{legend_y}" width="48" height="12" fill="{_share_colour(share)}"/>')
        parts.append(f'<text x="{x + 24}" y="{legend_y + 26}" font-size="10" text-anchor="middle">{share:.0%}</text>')
    parts.append("</svg>")
    caption = (
        "Number and colour: weakness share in per cent (weaknesses / findings), light 0% to dark 100%; "
        f"dashed cells marked * have fewer than {FEW_FINDINGS} findings. Hover for counts"
        + ("; click an authority's cell for its newest finding in that theme." if links is not None else ".")
    )
    return f"<figure>{''.join(parts)}<figcaption>{_e(caption)}</figcaption></figure>"


def metric_chart(title: str, rows: Sequence[compare.MetricRow], links: ReportLinks | None = None) -> str:
    """Values over time, one colour per authority, points of one authority joined (with
    ``links``, each point links to the figure on its document's page)."""
    points = [row for row in rows if row.date is not None and row.value is not None]
    if not points:
        return f'<p class="muted">No dated figures for {_e(title)}.</p>'
    unit = Counter(row.unit for row in points).most_common(1)[0][0]
    points = [row for row in points if row.unit == unit]
    left, right, top, bottom, width, height = 60, 220, 20, 40, 1000, 320
    first = min(_year_fraction(row.date) for row in points if row.date)
    last = max(_year_fraction(row.date) for row in points if row.date)
    first, last = int(first), int(last) + 1
    high = max(row.value for row in points if row.value is not None)
    high = 100.0 if unit == "percent" and high <= 100 else _nice_ceiling(high)

    def x_of(year: float) -> float:
        return left + (year - first) / max(last - first, 1) * (width - left - right)

    def y_of(value: float) -> float:
        return top + (1 - value / high) * (height - top - bottom)

    parts = [f'<svg class="chart" width="{width}" height="{height}" role="img" aria-label="{_e(title)}">']
    parts += _axis_years(first, last, x_of, top, height - bottom, height - bottom + 16)
    for tick in range(5):
        value = high * tick / 4
        y = y_of(value)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#eaeef2"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{_e(_number(value))}</text>'
        )
    authorities = sorted({row.authority for row in points})
    by_authority = len(authorities) <= len(SERIES_COLOURS)  # else one colour: too many to tell apart
    for index, authority in enumerate(authorities):
        colour = SERIES_COLOURS[index] if by_authority else SERIES_COLOURS[0]
        series = sorted(
            (row for row in points if row.authority == authority),
            key=lambda row: (row.date, row.metric_id),
        )
        coordinates = [
            (x_of(_year_fraction(row.date)), y_of(row.value)) for row in series if row.date and row.value is not None
        ]
        if by_authority and len(coordinates) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.2" stroke-opacity="0.6"/>'
            )
        for row, (x, y) in zip(series, coordinates, strict=True):
            label = f"{row.authority} {row.date}: {row.text} ({row.subject})"
            point = f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"><title>{_e(label)}</title></circle>'
            target = ItemLink(file_path=row.file_path, anchor=row.metric_id)
            parts.append(_linked(point, links.href(target) if links is not None else None))
        if by_authority:
            y = top + 14 * index + 10
            parts.append(f'<circle cx="{width - right + 14}" cy="{y - 4}" r="4" fill="{colour}"/>')
            parts.append(f'<text x="{width - right + 24}" y="{y}" font-size="11">{_e(authority)}</text>')
    parts.append("</svg>")
    caption = (
        f"{title}: {len(points)} figures ({unit}) from {len(authorities)} authorities"
        + ("; each authority's figures joined in date order" if by_authority else "")
        + ". Hover for the text as printed."
    )
    return f"<figure>{''.join(parts)}<figcaption>{_e(caption)}</figcaption></figure>"


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 or 10 times a power of ten that is at least ``value``."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def report_page(data: compare.ReportData, links: ReportLinks | None = None) -> str:
    """The comparison views of a dataset: judgement timeline, theme balance, metric series.

    With ``links`` (``report --pages DIR``), dots, cells and points link to the ``show``
    pages of their documents, at the judgement, finding or figure."""
    coverage = data.coverage
    body = ["<h1>Ofsted findings: comparison report</h1>"]
    body.append(
        f"<p>{coverage.documents} documents about {coverage.authorities} authorities, dated {_e(coverage.first)} "
        f"to {_e(coverage.last)}. " + _e(_describe(data.options.filters)) + "</p>"
    )
    body.append(f"<h2>Judgement timeline: {_e(data.options.area)}</h2>")
    body.append(
        '<p class="muted">Grades by their position on the four-point scale every framework used: the third grade '
        "was 'adequate' until 2013 and 'requires improvement to be good' since.</p>"
    )
    body.append(judgement_timeline(data.judgements, links))
    body.append("<h2>Theme balance per authority</h2>")
    body.append(theme_heatmap(data.themes, links))
    body.append("<h2>Metric series</h2>")
    for subject, rows in data.series.items():
        body.append(f"<h3>{_e(subject)}</h3>")
        body.append(metric_chart(subject, rows, links))
    return _page("Ofsted findings: comparison report", body)


def _describe(filters: compare.Filters) -> str:
    parts = []
    if filters.authorities:
        parts.append("Authorities: " + ", ".join(filters.authorities) + ".")
    if filters.kinds:
        parts.append("Kinds: " + ", ".join(filters.kinds) + ".")
    if filters.since:
        parts.append(f"Since {filters.since.isoformat()}.")
    return " ".join(parts) or "All documents."


# --- track of one authority ------------------------------------------------------------

#: Colour and label of each verdict of `track` (Okabe-Ito colours, told apart under colour blindness; the label is always printed too).
VERDICT_STYLES: dict[str, tuple[str, str]] = {
    "improved": ("#0072b2", "improved"),
    "still_weak": ("#d55e00", "still weak"),
    "not_mentioned": ("#6e7781", "not mentioned"),
}
#: Marker of each kind of document on the track timeline (shape, so that colour is not needed).
TRACK_KIND_MARKS: dict[str, str] = {
    "lac_inspection": "square",
    "sif_inspection": "square",
    "ilacs_inspection": "square",
    "focused_visit": "circle",
    "jtai": "diamond",
    "monitoring_visit": "circle",
}


def _verdict_badge(verdict: str) -> str:
    colour, label = VERDICT_STYLES.get(verdict, ("#6e7781", verdict))
    return (
        f'<span class="verdict" data-verdict="{_e(verdict)}" style="border:1px solid {colour};color:{colour};'
        f'padding:0 .3rem;border-radius:3px;font-weight:600;white-space:nowrap">{_e(label)}</span>'
    )


def _track_marker(kind: str, x: float, y: float, label: str) -> str:
    shape = TRACK_KIND_MARKS.get(kind, "circle")
    title = f"<title>{_e(label)}</title>"
    if shape == "square":
        return f'<rect class="doc" x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" fill="#1f2328">{title}</rect>'
    if shape == "diamond":
        points = f"{x:.1f},{y - 7:.1f} {x + 7:.1f},{y:.1f} {x:.1f},{y + 7:.1f} {x - 7:.1f},{y:.1f}"
        return f'<polygon class="doc" points="{points}" fill="#8250df">{title}</polygon>'
    return f'<circle class="doc" cx="{x:.1f}" cy="{y:.1f}" r="6" fill="#ffffff" stroke="#1f2328" stroke-width="2">{title}</circle>'


def track_timeline(result: tracking.Track) -> str:
    """The authority's documents on one date axis: squares inspections, circles visits, diamonds JTAIs."""
    dated = [document for document in result.documents if document.date is not None]
    if not dated:
        return '<p class="muted">No dated documents.</p>'
    first = min(d.date.year for d in dated if d.date)
    last = max(d.date.year for d in dated if d.date) + 1
    left, right, width, height, y = 20, 20, 1000, 70, 30

    def x_of(year: float) -> float:
        return left + (year - first) / max(last - first, 1) * (width - left - right)

    parts = [f'<svg class="chart" width="{width}" height="{height}" role="img" aria-label="documents over time">']
    parts += _axis_years(first, last, x_of, 10, height - 18, height - 4)
    parts.append(f'<line x1="{left}" y1="{y}" x2="{width - right}" y2="{y}" stroke="#8c959f"/>')
    for document in dated:
        assert document.date is not None
        label = f"{document.date.isoformat()} {document.kind.replace('_', ' ')}: {document.source_name}"
        parts.append(_track_marker(document.kind, x_of(_year_fraction(document.date)), y, label))
    parts.append("</svg>")
    legend = "square: full inspection; circle: focused or monitoring visit; diamond: joint targeted area inspection"
    return f"<figure>{''.join(parts)}<figcaption>{_e(legend)}</figcaption></figure>"


def theme_strip(
    start: dt.date | None, until: dt.date | None, items: Sequence[tracking.TrackedItem], width: int = 640
) -> str:
    """One theme from an inspection to the next: the inspection on the left, then every later
    document with findings on the theme's items, labelled with their strengths (+) and
    weaknesses (-) on those items (words and shapes, not colour alone)."""
    later: dict[str, tuple[dt.date, str, set[str], set[str]]] = {}
    for item in items:
        for evidence in item.evidence:
            if evidence.date is None or evidence.what != "finding":
                continue
            date, kind, strengths, weaknesses = later.setdefault(
                evidence.sha256, (evidence.date, evidence.kind, set(), set())
            )
            (strengths if evidence.polarity == "strength" else weaknesses).add(evidence.id)
    if start is None or not later:
        return ""
    last = max([until or start, *(date for date, *_ in later.values())])
    span = max((last - start).days, 1)
    left, right, y = 60, 60, 34

    def x_of(day: dt.date) -> float:
        return left + (day - start).days / span * (width - left - right)

    parts = [f'<svg class="strip" width="{width}" height="52" role="img" aria-label="later evidence on this theme">']
    parts.append(f'<line x1="{left}" y1="{y}" x2="{x_of(last):.1f}" y2="{y}" stroke="#8c959f"/>')
    parts.append(
        f'<rect x="{left - 5}" y="{y - 5}" width="10" height="10" fill="#1f2328"><title>inspection {start}</title></rect>'
    )
    parts.append(f'<text x="{left}" y="{y + 16}" font-size="10" text-anchor="middle">{start.year}</text>')
    for _, (date, kind, strengths, weaknesses) in sorted(later.items(), key=lambda entry: (entry[1][0], entry[0])):
        x = x_of(date)
        label = f"+{len(strengths)} -{len(weaknesses)}"
        title = (
            f"{date} {kind.replace('_', ' ')}: {len(strengths)} strengths, {len(weaknesses)} weaknesses on these items"
        )
        parts.append(
            f'<g class="later"><title>{_e(title)}</title><circle cx="{x:.1f}" cy="{y}" r="5" fill="#ffffff" '
            f'stroke="#1f2328" stroke-width="2"/><text x="{x:.1f}" y="{y - 9}" font-size="10" '
            f'text-anchor="middle">{_e(label)}</text><text x="{x:.1f}" y="{y + 16}" font-size="10" '
            f'text-anchor="middle">{date.year}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _at(label: str, pages: Mapping[str, str] | None, sha256: str, anchor: str) -> str:
    """``label`` linked to ``anchor`` on the show page of ``sha256``, when there is one."""
    if pages is None or sha256 not in pages:
        return _e(label)
    return f'<a href="{_e(pages[sha256])}#{_e(anchor)}">{_e(label)}</a>'


def track_page(result: tracking.Track, pages: Mapping[str, str] | None = None) -> str:
    """One authority from inspection to re-inspection: per inspection and theme, each item,
    its verdict and the later findings it was read from (newest first).

    ``pages`` maps a document's sha256 to its show page (``track --pages DIR``): every
    item's and every finding's page number then links to that finding there."""
    title = f"Track: {result.authority}"
    counts: Counter[str] = Counter(item.verdict for item in result.items)
    body = [f"<header>\n<h1>{_e(title)}</h1>"]
    body.append(
        "<p>"
        + ", ".join(f"{counts.get(verdict, 0)} {_e(label)}" for verdict, (_, label) in VERDICT_STYLES.items())
        + f" of {len(result.items)} weaknesses and improvement points. A verdict reads the newest later "
        "document with findings on the item's theme that share its distinctive words.</p>\n</header>"
    )
    body.append(track_timeline(result))
    documents = {document.sha256: document for document in result.documents}
    by_inspection: dict[str, list[tracking.TrackedItem]] = defaultdict(list)
    for item in result.items:
        by_inspection[item.inspection].append(item)
    for sha, items in by_inspection.items():
        inspection = documents[sha]
        until = items[0].followed_until
        body.append(
            f'<h2 id="i-{_e(sha[:12])}">{_e(inspection.kind.replace("_", " "))} {_e(_iso(inspection.date) or "undated")}'
            f" &rarr; {_e(_iso(until) or 'no later inspection yet')}</h2>"
        )
        body.append(f'<p class="muted">{_e(inspection.source_name)}</p>')
        by_theme: dict[str, list[tracking.TrackedItem]] = defaultdict(list)
        for item in items:
            by_theme[item.theme].append(item)
        for theme, theme_items in sorted(by_theme.items()):
            theme_counts: Counter[str] = Counter(item.verdict for item in theme_items)
            summary = ", ".join(f"{theme_counts[v]} {VERDICT_STYLES[v][1]}" for v in VERDICT_STYLES if theme_counts[v])
            body.append(f'<h3>{_e(theme)} <span class="muted">({_e(summary)})</span></h3>')
            body.append(theme_strip(inspection.date, until, theme_items))
            body.append('<table class="track"><tr><th>item (page)</th><th>verdict</th><th>later evidence</th></tr>')
            for item in theme_items:
                evidence = "".join(
                    f"<li>{_e(_iso(e.date) or '')} {_e(e.kind.replace('_', ' '))}, "
                    f"{_at(f'p. {e.page}', pages, e.sha256, e.id)}: "
                    f'<span class="{_e(e.polarity or "metric")}">{_e(e.text)}</span></li>'
                    for e in item.evidence
                )
                body.append(
                    f'<tr data-item="{_e(item.id)}"><td>{_e(item.text)} '
                    f'<span class="muted">({_at(f"p. {item.page}", pages, item.inspection, item.id)})</span></td>'
                    f"<td>{_verdict_badge(item.verdict)}</td>"
                    f"<td>{f'<ul>{evidence}</ul>' if evidence else ''}</td></tr>"
                )
            body.append("</table>")
    if not result.items:
        body.append('<p class="muted">No inspection of this authority has weaknesses to follow.</p>')
    return _page(title, body)
