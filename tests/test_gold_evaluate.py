"""Gold anchoring and the evaluation arithmetic; a sampled run on the real gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ofsted_findings.evaluation.common import scores, token_f1
from ofsted_findings.evaluation.findings_eval import evaluate_findings, judgement_validity, predicted_label
from ofsted_findings.evaluation.gold import Anchor, GoldFigure, anchor_figure, load_gold
from ofsted_findings.evaluation.metrics_eval import evaluate_metrics, selection_pages
from ofsted_findings.models import Finding
from ofsted_findings.ruleset import RuleSet

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "corpus" / "gold"


def test_anchor_folds_quotes_case_and_spaces() -> None:
    text = "Intro.\nChildren\u2019s plans are  reviewed\nregularly, and they are clear."
    anchor = Anchor(text, RuleSet.default().layout)
    span = anchor.find_sentence("children's plans are … and they are clear.", 8)
    assert span is not None and text[span[0] : span[1]] == text[7:]


def test_anchor_figure_uses_context() -> None:
    anchor = Anchor("There were 12 cases. Later, 12 children were seen.", RuleSet.default().layout)
    figure = GoldFigure(
        file="x.pdf",
        sha256="0",
        split="test",
        page=1,
        figure="12",
        context="Later, 12 children",
        kind="count",
        value=12,
        unit="count",
    )
    assert anchor_figure(anchor, figure) == (28, 30)


def _finding(start: int, end: int, polarity: str) -> Finding:
    return Finding(
        id="f",
        polarity=polarity,
        text="x" * (end - start),
        page=1,
        start=start,
        end=end,
        sentence="s",
        section=None,
        themes=[],
        cues=[],
    )


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        pytest.param([], "neutral", id="nothing"),
        pytest.param([("strength", 0, 100)], "strength", id="whole"),
        pytest.param([("strength", 0, 40), ("weakness", 42, 100)], "mixed", id="clauses"),
        pytest.param([("weakness", 95, 200)], "neutral", id="neighbour-overlaps-a-little"),
    ],
)
def test_predicted_label(findings: list[tuple[str, int, int]], expected: str) -> None:
    items = [_finding(start, end, polarity) for polarity, start, end in findings]
    assert predicted_label(items, 0, 100)[0] == expected


def test_scores_arithmetic() -> None:
    value = scores(8, 10, 16)
    assert (value.precision, value.recall, value.f1) == (0.5, 0.8, 0.615)
    assert scores(0, 0, 0).f1 == 0.0


def test_token_f1() -> None:
    assert (
        token_f1(
            "care leavers in suitable accommodation",
            "care leavers in suitable accommodation",
        )
        == 1.0
    )
    assert token_f1("care leavers", "children") == 0.0
    assert token_f1(None, None) == 1.0


def test_selection_pages() -> None:
    assert selection_pages("pages 9-10 (statistics) and pages 11-14 (judgements)") == set(range(9, 15))
    assert selection_pages("whole document body") == set()


def test_gold_files_are_well_formed() -> None:
    findings = load_gold(GOLD, "findings")
    metrics = load_gold(GOLD, "metrics")
    assert len(findings) >= 12 and sum(len(g.sentences) for g in findings) >= 600
    assert len(metrics) >= 10 and sum(len(g.figures) for g in metrics) >= 400
    for gold in findings + metrics:
        assert {gold.header.split} <= {"tune", "test"}
    for gold in findings:
        for sentence in gold.sentences:
            assert len(sentence.quote.replace("…", " ").split()) <= 12
            assert (sentence.label == "mixed") == (sentence.strength_quote is not None)
    for path in (GOLD / "findings").glob("*.jsonl"):
        assert all(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    splits = {g.header.split for g in findings}
    assert splits == {"tune", "test"}


@pytest.mark.corpus
def test_sampled_evaluation_on_real_gold(corpus_dir: Path, tmp_path: Path) -> None:
    """Two held-out documents: the tool must stay well above the lexicon baseline."""
    sample = tmp_path / "gold"
    for family, names in {
        "findings": [
            "thurrock_focused-visit_2021-08-09.jsonl",
            "barking-and-dagenham_focused-visit_2021-07-15.jsonl",
        ],
        "metrics": ["devon_focused-visit_2018-10-05.jsonl", "wigan_2022-07-05.jsonl"],
    }.items():
        (sample / family).mkdir(parents=True)
        for name in names:
            (sample / family / name).write_text((GOLD / family / name).read_text(encoding="utf-8"), encoding="utf-8")
    from ofsted_findings.api import Pipeline
    from ofsted_findings.evaluation.common import Extractor

    extractor = Extractor(Pipeline())
    findings = evaluate_findings(sample, corpus_dir, "all", baseline=False, extractor=extractor)
    assert findings.sentences >= 150 and findings.unanchored <= 5
    assert findings.polarity["strength"].f1 >= 0.75
    assert findings.polarity["weakness"].f1 >= 0.6
    metrics = evaluate_metrics(sample, corpus_dir, "all", baseline=False, extractor=extractor)
    assert metrics.detection.recall >= 0.8
    assert metrics.fields["value"].accuracy >= 0.95


def _ilacs(grade: str, sentences: str) -> str:
    return (
        "Inspection of Wexcombe local authority children's services\n\n"
        "Inspection dates: 1 to 12 May 2023\n\nLead inspector: Alex Invented, His Majesty's Inspector\n\n"
        "Judgement Grade\n\n"
        f"The experiences and progress of children who need help and protection\n\n{grade}\n\n"
        "The experiences and progress of children who need help and protection\n\n"
        f"{sentences}\n"
    )


def test_validity_weakness_share_rises_as_grades_fall() -> None:
    from ofsted_findings.api import extract

    good = extract(
        _ilacs(
            "Good",
            "Plans are clear and timely. Visits are regular and purposeful. Some reviews are delayed.",
        )
    )
    inadequate = extract(_ilacs("Inadequate", "Plans are weak. Visits are not timely. Managers are skilled."))
    assert [str(j.grade) for j in good.letter.judgements] == ["good"]
    report = judgement_validity([good, inadequate])
    shares = {row.grade: row.mean_weakness_share for row in report.by_grade if row.sections}
    assert shares["good"] < shares["inadequate"]
    assert report.strictly_rising and report.spearman > 0.9


def test_spearman() -> None:
    from ofsted_findings.evaluation.findings_eval import _spearman

    assert _spearman([1, 2, 3, 4], [0.1, 0.2, 0.3, 0.4]) == pytest.approx(1.0)
    assert _spearman([1, 2, 3, 4], [0.4, 0.3, 0.2, 0.1]) == pytest.approx(-1.0)


@pytest.mark.parametrize(
    ("selection", "whole"),
    [
        ("whole document body", True),
        ("Whole letter body, pages 1-4", True),
        ("pages 12-19 (the whole judgement section)", False),
    ],
)
def test_whole_selection(selection: str, whole: bool) -> None:
    from ofsted_findings.evaluation.metrics_eval import WHOLE_SELECTION_RE

    assert (WHOLE_SELECTION_RE.match(selection) is not None) == whole
