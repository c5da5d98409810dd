"""Findings against the gold: sentence-level polarity and themes, and the validity check.

A gold sentence counts as a strength (or weakness) when its label is that polarity or
``mixed``, and as predicted when a finding of that polarity covers most of it, so a mixed
sentence needs both. A lexicon baseline (VADER) runs on the same sentences when its
package is installed (the ``dev`` extra).
"""

from __future__ import annotations

import itertools
import logging
import random
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ofsted_findings.evaluation.common import (
    BOOTSTRAP_DRAWS,
    LABELS,
    VADER_THRESHOLD,
    Extractor,
    Scores,
    SplitChoice,
    covering_label,
    covers,
    gold_documents,
    overlap,
    percentile_95,
    scores,
)
from ofsted_findings.evaluation.gold import Anchor
from ofsted_findings.models import Document, Finding

logger = logging.getLogger(__name__)


class Interval(BaseModel):
    """A 95% bootstrap interval of precision, recall and F1 (documents drawn with replacement)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    draws: int
    precision: tuple[float, float]
    recall: tuple[float, float]
    f1: tuple[float, float]


#: Bootstrap draws and their seed: fixed, so that a report is reproducible.
BOOTSTRAP_SEED = 20261202


class FindingsReport(BaseModel):
    """Sentence-level evaluation of strengths and weaknesses."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    split: SplitChoice
    documents: int
    sentences: int
    unanchored: int
    polarity: dict[str, Scores]
    by_kind: dict[str, dict[str, Scores]]
    confusion: dict[str, dict[str, int]]
    theme_f1: Scores
    theme_exact: float
    baseline: dict[str, Scores] | None = Field(description="VADER on the same sentences (None when not installed).")
    whole_page_extra: int = Field(
        default=0,
        description="Findings on pages the gold annotates whole that cover no gold sentence (counted as false "
        "positives: the table cells, back pages and letterheads a sentence sample never sees).",
    )
    intervals: dict[str, Interval] = Field(
        default_factory=dict, description="95% bootstrap intervals per polarity (documents resampled)."
    )


def predicted_label(findings: Iterable[Finding], start: int, end: int) -> tuple[str, set[str]]:
    """Label the tool gives a gold sentence span, and the themes of the findings covering it."""
    covering = [f for f in findings if covers(start, end, f.start, f.end)]
    themes: set[str] = set()
    for finding in covering:
        themes.update(finding.themes)
    return covering_label([(str(f.polarity), f.start, f.end) for f in covering], start, end), themes


def _has(label: str, polarity: str) -> bool:
    return label == polarity or label == "mixed"


def evaluate_findings(
    gold_dir: Path,
    corpus_dir: Path,
    split: SplitChoice = "test",
    *,
    baseline: bool = True,
    extractor: Extractor,
) -> FindingsReport:
    """Score the findings stage on the gold sentences."""
    docs = gold_documents(gold_dir, corpus_dir, "findings", split, extractor)
    pairs: list[tuple[str, str, str, set[str], set[str], str]] = []  # gold, pred, kind, gold themes, pred themes, text
    per_document: list[list[tuple[str, str]]] = []
    unanchored = extra = 0
    for item in docs:
        first = len(pairs)
        spans: list[tuple[int, int]] = []
        anchor = Anchor(item.document.text, extractor.layout)
        findings = sorted(item.document.findings, key=lambda f: f.start)
        cursor = 0
        for sentence in item.gold.sentences:
            span = anchor.find_sentence(sentence.quote, sentence.n_words, cursor)
            if span is None:
                unanchored += 1
                continue
            cursor = span[1]
            spans.append(span)
            nearby = [f for f in findings if f.start < span[1] and f.end > span[0]]
            label, themes = predicted_label(nearby, span[0], span[1])
            text = item.document.text[span[0] : span[1]]
            pairs.append(
                (
                    sentence.label,
                    label,
                    str(item.document.letter.kind),
                    set(sentence.themes),
                    themes,
                    text,
                )
            )
        whole_pages = set(item.gold.header.pages or [])
        for finding in findings:
            if finding.page in whole_pages and not any(overlap(a, b, finding.start, finding.end) for a, b in spans):
                extra += 1
                text = item.document.text[finding.start : finding.end]
                pairs.append(("neutral", str(finding.polarity), str(item.document.letter.kind), set(), set(), text))
        per_document.append([(g, pr) for g, pr, *_ in pairs[first:]])
    polarity = {p: _polarity_scores([(g, pr) for g, pr, *_ in pairs], p) for p in ("strength", "weakness")}
    by_kind: dict[str, dict[str, Scores]] = {}
    for kind in sorted({k for _, _, k, *_ in pairs}):
        subset = [(g, pr) for g, pr, k, *_ in pairs if k == kind]
        by_kind[kind] = {p: _polarity_scores(subset, p) for p in ("strength", "weakness")}
    confusion = {g: {p: 0 for p in LABELS} for g in LABELS}
    for gold_label, pred_label, *_ in pairs:
        confusion[gold_label][pred_label] += 1
    theme_tp = theme_gold = theme_pred = exact = compared = 0
    for gold_label, pred_label, _, gold_themes, pred_themes, _ in pairs:
        if gold_label == "neutral" or pred_label == "neutral":
            continue
        compared += 1
        theme_tp += len(gold_themes & pred_themes)
        theme_gold += len(gold_themes)
        theme_pred += len(pred_themes)
        exact += gold_themes == pred_themes
    vader = _vader([(g, text) for g, _, _, _, _, text in pairs]) if baseline else None
    return FindingsReport(
        split=split,
        documents=len(docs),
        sentences=len(pairs),
        unanchored=unanchored,
        polarity=polarity,
        by_kind=by_kind,
        confusion=confusion,
        theme_f1=scores(theme_tp, theme_gold, theme_pred),
        theme_exact=round(exact / compared, 3) if compared else 0.0,
        baseline=vader,
        whole_page_extra=extra,
        intervals={p: bootstrap(per_document, p) for p in ("strength", "weakness")},
    )


def bootstrap(per_document: list[list[tuple[str, str]]], polarity: str, draws: int = BOOTSTRAP_DRAWS) -> Interval:
    """Percentile interval of the scores over ``draws`` resamples of the documents."""
    rng = random.Random(BOOTSTRAP_SEED)
    values: dict[str, list[float]] = {"precision": [], "recall": [], "f1": []}
    for _ in range(draws if per_document else 0):
        sample = [pair for _ in per_document for pair in per_document[rng.randrange(len(per_document))]]
        result = _polarity_scores(sample, polarity)
        values["precision"].append(result.precision)
        values["recall"].append(result.recall)
        values["f1"].append(result.f1)

    return Interval(
        draws=draws,
        precision=percentile_95(values["precision"]),
        recall=percentile_95(values["recall"]),
        f1=percentile_95(values["f1"]),
    )


def _polarity_scores(pairs: list[tuple[str, str]], polarity: str) -> Scores:
    tp = sum(1 for g, p in pairs if _has(g, polarity) and _has(p, polarity))
    return scores(
        tp,
        sum(1 for g, _ in pairs if _has(g, polarity)),
        sum(1 for _, p in pairs if _has(p, polarity)),
    )


def _vader(items: list[tuple[str, str]]) -> dict[str, Scores] | None:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        logger.warning("vaderSentiment is not installed (pip install -e '.[dev]'); no baseline")
        return None
    analyzer = SentimentIntensityAnalyzer()
    pairs: list[tuple[str, str]] = []
    for gold_label, text in items:
        compound = analyzer.polarity_scores(text)["compound"]
        label = (
            "strength" if compound >= VADER_THRESHOLD else ("weakness" if compound <= -VADER_THRESHOLD else "neutral")
        )
        pairs.append((gold_label, label))
    return {p: _polarity_scores(pairs, p) for p in ("strength", "weakness")}


# --- metrics ---------------------------------------------------------------------------------


# --- validity against judgements -------------------------------------------------------------

#: Judged area -> the section category that discusses it (ILACS reports).
AREA_SECTIONS: dict[str, str] = {
    "help_and_protection": "help_and_protection",
    "children_in_care": "children_in_care",
    "children_in_care_and_care_leavers": "children_in_care",
    "care_leavers": "care_leavers",
    "impact_of_leaders": "leadership",
}
#: Grades from best to worst (ILACS scale).
GRADE_ORDER: tuple[str, ...] = (
    "outstanding",
    "good",
    "requires_improvement",
    "inadequate",
)


class GradeShare(BaseModel):
    """Weakness share of the findings in sections whose area got one grade."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    grade: str
    sections: int
    mean_weakness_share: float
    findings: int


class ValidityReport(BaseModel):
    """Do findings agree with the inspectors' own grades?"""

    model_config = ConfigDict(frozen=True, extra="forbid")

    documents: int
    by_grade: list[GradeShare]
    spearman: float = Field(description="Rank correlation of grade (outstanding=1 .. inadequate=4) and weakness share.")
    strictly_rising: bool


def judgement_validity(documents: Iterable[Document]) -> ValidityReport:
    """Weakness share per judged-area section of ILACS reports, by the area's grade."""
    pairs: list[tuple[int, float, int]] = []
    used = 0
    for document in documents:
        if document.letter.kind != "ilacs_inspection":
            continue
        used += 1
        by_category: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for section in document.sections:
            by_category[section.category].append((section.start, section.end))
        for judgement in document.letter.judgements:
            category = AREA_SECTIONS.get(str(judgement.area))
            if category is None or str(judgement.grade) not in GRADE_ORDER:
                continue
            spans = by_category.get(category, [])
            inside = [f for f in document.findings if any(start <= f.start < end for start, end in spans)]
            if not inside:
                continue
            weak = sum(1 for f in inside if f.polarity == "weakness")
            pairs.append(
                (
                    GRADE_ORDER.index(str(judgement.grade)) + 1,
                    weak / len(inside),
                    len(inside),
                )
            )
    by_grade: list[GradeShare] = []
    for rank, grade in enumerate(GRADE_ORDER, start=1):
        shares = [share for r, share, _ in pairs if r == rank]
        by_grade.append(
            GradeShare(
                grade=grade,
                sections=len(shares),
                mean_weakness_share=round(sum(shares) / len(shares), 3) if shares else 0.0,
                findings=sum(n for r, _, n in pairs if r == rank),
            )
        )
    means = [g.mean_weakness_share for g in by_grade if g.sections]
    return ValidityReport(
        documents=used,
        by_grade=by_grade,
        spearman=round(_spearman([r for r, _, _ in pairs], [s for _, s, _ in pairs]), 3),
        strictly_rising=all(a < b for a, b in itertools.pairwise(means)),
    )


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    position = 0
    while position < len(order):
        tied = position
        while tied + 1 < len(order) and values[order[tied + 1]] == values[order[position]]:
            tied += 1
        average = (position + tied) / 2 + 1
        for k in range(position, tied + 1):
            ranks[order[k]] = average
        position = tied + 1
    return ranks


def _spearman(xs: list[int], ys: list[float]) -> float:
    """Spearman's rank correlation (Pearson on average ranks)."""
    if len(xs) < 2:
        return 0.0
    rx, ry = _ranks([float(x) for x in xs]), _ranks(ys)
    mean_x, mean_y = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mean_x) * (b - mean_y) for a, b in zip(rx, ry, strict=True))
    var_x = sum((a - mean_x) ** 2 for a in rx)
    var_y = sum((b - mean_y) ** 2 for b in ry)
    return cov / (var_x * var_y) ** 0.5 if var_x and var_y else 0.0
