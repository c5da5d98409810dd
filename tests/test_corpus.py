"""Invariants of the JSON contract on a sample of the real corpus (skipped without ../shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ofsted_findings.api import extract
from ofsted_findings.evaluation.gold import Anchor, anchor_figure, load_gold
from ofsted_findings.models import Document
from ofsted_findings.ruleset import RuleSet
from ofsted_findings.serialize import to_json

ROOT = Path(__file__).resolve().parents[1]

#: One or two documents of every kind and era.
SAMPLE = [
    "reports/barking-and-dagenham_2014-07-07.pdf",
    "reports/kent_2013-08-23.pdf",
    "reports/east-riding-of-yorkshire_2020-03-13.pdf",
    "reports/knowsley_2025-01-20.pdf",
    "reports/blackpool_2026-07-28.pdf",
    "letters/bedford_focused-visit_2019-01-04.pdf",
    "letters/bedford_jtai_2023-03-31.pdf",
    "letters/gloucestershire_area-send_2024-03-01.pdf",
    "letters/haringey_joint-area-review_2009-07-03.pdf",
]
#: Focused-visit letters whose "What needs to improve" items and percentages are checked.
FOCUSED = [
    "letters/thurrock_focused-visit_2021-08-09.pdf",
    "letters/devon_focused-visit_2018-10-05.pdf",
    "letters/bournemouth-christchurch-poole_focused-visit_2020-11-27.pdf",
]


@pytest.fixture(scope="module")
def documents(corpus_dir: Path) -> dict[str, Document]:
    return {name: extract(corpus_dir / name) for name in SAMPLE + FOCUSED}


@pytest.mark.corpus
@pytest.mark.parametrize("name", SAMPLE + FOCUSED)
def test_offsets_and_order(documents: dict[str, Document], name: str) -> None:
    document = documents[name]
    text = document.text
    for item in [*document.findings, *document.metrics]:
        assert text[item.start : item.end] == item.text
        assert item.text == item.text.strip(), item.text
        assert 1 <= item.page <= document.source.pages
    for section in document.sections:
        assert text[section.start : section.end].startswith(section.title)
    for judgement in document.letter.judgements:
        assert text[judgement.start : judgement.end].strip()
    for items in (
        document.sections,
        document.sentences,
        document.findings,
        document.metrics,
    ):
        starts = [item.start for item in items]
        assert starts == sorted(starts)
        assert len({item.id for item in items}) == len(items)
    sentence_ids = {s.id for s in document.sentences}
    assert all(f.sentence in sentence_ids for f in document.findings)


@pytest.mark.corpus
def test_same_input_gives_identical_json(corpus_dir: Path, documents: dict[str, Document]) -> None:
    name = SAMPLE[0]
    assert to_json(extract(corpus_dir / name)) == to_json(documents[name])


@pytest.mark.corpus
@pytest.mark.parametrize("name", FOCUSED)
def test_focused_visits_what_needs_to_improve_and_percentages(documents: dict[str, Document], name: str) -> None:
    document = documents[name]
    sections = {s.id: s for s in document.sections}
    wnti = [s for s in document.sentences if sections[s.section or ""].category == "what_needs_to_improve"]
    assert wnti, "no 'What needs to improve' items found"
    weaknesses = {(f.start, f.end) for f in document.findings if f.polarity == "weakness"}
    assert all((s.start, s.end) in weaknesses for s in wnti)
    # every percentage in the gold for this letter comes out with its value
    (gold,) = [g for g in load_gold(ROOT / "corpus" / "gold", "metrics") if g.header.file == name]
    anchor = Anchor(document.text, RuleSet.default().layout)
    for figure in gold.figures:
        if figure.kind != "percentage":
            continue
        span = anchor_figure(anchor, figure)
        assert span is not None
        found = [m for m in document.metrics if m.start < span[1] and m.end > span[0]]
        assert found and found[0].kind == "percentage", figure.context
        assert (found[0].value, found[0].low, found[0].high) == (
            figure.value,
            figure.low,
            figure.high,
        ), figure.context


@pytest.mark.parametrize(
    ("name", "items", "percentages"),
    [
        pytest.param(
            "monitoring-visit_invented.pdf",
            4,
            [19.0, 91.0, 89.0],
            id="monitoring-visit",
        ),
        pytest.param("focused-visit_invented.pdf", 4, [96.0, 94.0], id="focused-visit"),
    ],
)
def test_sample_letters(samples_dir: Path, name: str, items: int, percentages: list[float]) -> None:
    """The shipped samples: 'What needs to improve' items are weaknesses, percentages have their values."""
    document = extract(samples_dir / name)
    sections = {s.id: s for s in document.sections}
    wnti = [s for s in document.sentences if sections[s.section or ""].category == "what_needs_to_improve"]
    assert len(wnti) == items
    weaknesses = {(f.start, f.end) for f in document.findings if f.polarity == "weakness"}
    assert all((s.start, s.end) in weaknesses for s in wnti)
    assert [m.value for m in document.metrics if m.kind == "percentage"] == percentages
