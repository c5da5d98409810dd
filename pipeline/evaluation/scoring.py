"""Evaluation against the gold annotations in ``corpus/gold``.

Findings are scored per sentence: a gold sentence counts as a strength (or weakness) when
its label is that polarity or ``mixed``, and as predicted when a finding of that polarity
covers most of it, so a mixed sentence needs both. Metrics are scored per gold figure:
detected when a metric overlaps its span; fields are compared on detected figures.
Lexicon (VADER) and general quantity-extraction (quantulum3) baselines run on the same
items when their packages are installed (the ``dev`` extra).
"""

from __future__ import annotations

import itertools
import logging
import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ofsted_findings.api import Pipeline
from ofsted_findings.evaluation.gold import (
    Anchor,
    GoldFigure,
    GoldFile,
    anchor_figure,
    load_gold,
)
from ofsted_findings.models import Document, Finding, Metric, PartialDate

logger = logging.getLogger(__name__)

LABELS: tuple[str, ...] = ("strength", "weakness", "mixed", "neutral")
SplitChoice = Literal["tune", "test", "all"]
#: VADER compound score beyond which a sentence counts as positive / negative.
VADER_THRESHOLD = 0.05
TOKEN_RE = re.compile(r"[a-z0-9]+")


class Extractor:
    """Extracts each gold document once (a document can be in both gold families)."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.layout = pipeline.rules.layout
        self._documents: dict[Path, Document] = {}

    def document(self, path: Path) -> Document:
        """The extracted document of ``path``."""
        if path not in self._documents:
            self._documents[path] = self.pipeline.extract(path)
        return self._documents[path]


class Scores(BaseModel):
    """Precision, recall and F1 for one class."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    precision: float
    recall: float
    f1: float
    gold: int = Field(description="Gold positives.")
    predicted: int = Field(description="Predicted positives.")


def scores(true_positive: int, gold: int, predicted: int) -> Scores:
    """Scores from counts (0 when undefined)."""
    precision = true_positive / predicted if predicted else 0.0
    recall = true_positive / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(
        precision=round(precision, 3),
        recall=round(recall, 3),
        f1=round(f1, 3),
        gold=gold,
        predicted=predicted,
    )


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


class FieldAccuracy(BaseModel):
    """Accuracy of one field on detected figures."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    correct: float
    total: int
    accuracy: float


class MetricsReport(BaseModel):
    """Figure-level evaluation of metrics."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    split: SplitChoice
    documents: int
    figures: int
    unanchored: int
    detection: Scores
    fields: dict[str, FieldAccuracy]
    baseline_detection: Scores | None = None
    baseline_value: FieldAccuracy | None = None


class _Extracted(BaseModel):
    """A gold document with the tool's output for it."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    gold: GoldFile
    document: Document


def _documents(
    gold_dir: Path,
    corpus_dir: Path,
    family: Literal["findings", "metrics"],
    split: SplitChoice,
    extractor: Extractor,
) -> list[_Extracted]:
    result: list[_Extracted] = []
    for gold in load_gold(gold_dir, family):
        if split != "all" and gold.header.split != split:
            continue
        path = corpus_dir / gold.header.file
        if not path.is_file():
            logger.warning("gold document %s not found under %s", gold.header.file, corpus_dir)
            continue
        document = extractor.document(path)
        if document.source.sha256 != gold.header.sha256:
            logger.warning("%s: sha256 differs from the gold annotation; skipped", gold.header.file)
            continue
        result.append(_Extracted(gold=gold, document=document))
    return result


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def predicted_label(findings: Iterable[Finding], start: int, end: int) -> tuple[str, set[str]]:
    """Label the tool gives a gold sentence span, and the themes of the findings covering it."""
    polarities: set[str] = set()
    themes: set[str] = set()
    for finding in findings:
        shared = _overlap(start, end, finding.start, finding.end)
        if shared and shared * 2 > min(end - start, finding.end - finding.start):
            polarities.add(str(finding.polarity))
            themes.update(finding.themes)
    if len(polarities) == 2:
        return "mixed", themes
    if polarities:
        return polarities.pop(), themes
    return "neutral", themes


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
    docs = _documents(gold_dir, corpus_dir, "findings", split, extractor)
    pairs: list[tuple[str, str, str, set[str], set[str], str]] = []  # gold, pred, kind, gold themes, pred themes, text
    unanchored = 0
    for item in docs:
        anchor = Anchor(item.document.text, extractor.layout)
        findings = sorted(item.document.findings, key=lambda f: f.start)
        cursor = 0
        for sentence in item.gold.sentences:
            span = anchor.find_sentence(sentence.quote, sentence.n_words, cursor)
            if span is None:
                unanchored += 1
                continue
            cursor = span[1]
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


def evaluate_metrics(
    gold_dir: Path,
    corpus_dir: Path,
    split: SplitChoice = "test",
    *,
    baseline: bool = True,
    extractor: Extractor,
) -> MetricsReport:
    """Score the metrics stage on the gold figures."""
    docs = _documents(gold_dir, corpus_dir, "metrics", split, extractor)
    unanchored = 0
    tp = gold_total = predicted_total = 0
    fields: dict[str, list[float]] = defaultdict(list)
    base_tp = base_predicted = 0
    base_value: list[float] = []
    for item in docs:
        anchor = Anchor(item.document.text, extractor.layout)
        spans: list[tuple[GoldFigure, tuple[int, int]]] = []
        for figure in item.gold.figures:
            span = anchor_figure(anchor, figure)
            if span is None:
                unanchored += 1
                continue
            spans.append((figure, span))
        whole = WHOLE_SELECTION_RE.match(item.gold.header.selection) is not None
        # A partial selection is scored on the pages it names, between its first and last figure.
        first = min((span[0] for _, span in spans), default=0)
        last = max((span[1] for _, span in spans), default=0)
        pages = selection_pages(item.gold.header.selection)
        predictions = [
            m
            for m in item.document.metrics
            if whole or (first <= m.start and m.end <= last and (not pages or m.page in pages))
        ]
        gold_total += len(spans)
        predicted_total += len(predictions)
        for figure, (start, end) in spans:
            match = _best(predictions, start, end)
            if match is None:
                continue
            tp += 1
            _compare_fields(figure, match, fields)
        if baseline:
            found = _quantulum(item.document, None if whole else (first, last))
            if found is not None:
                base_predicted += len(found)
                for figure, (start, end) in spans:
                    hit = next((q for q in found if _overlap(start, end, q[0], q[1])), None)
                    if hit is not None:
                        base_tp += 1
                        base_value.append(1.0 if _same_number(figure.value, hit[2]) else 0.0)
    accuracy = {
        name: FieldAccuracy(
            correct=round(sum(values), 2),
            total=len(values),
            accuracy=round(sum(values) / len(values), 3) if values else 0.0,
        )
        for name, values in sorted(fields.items())
    }
    return MetricsReport(
        split=split,
        documents=len(docs),
        figures=gold_total,
        unanchored=unanchored,
        detection=scores(tp, gold_total, predicted_total),
        fields=accuracy,
        baseline_detection=scores(base_tp, gold_total, base_predicted) if baseline and base_predicted else None,
        baseline_value=(
            FieldAccuracy(
                correct=sum(base_value),
                total=len(base_value),
                accuracy=round(sum(base_value) / len(base_value), 3),
            )
            if base_value
            else None
        ),
    )


WHOLE_SELECTION_RE = re.compile(r"^\s*(?:the\s+)?whole\s+(?:document|letter|report|body)", re.IGNORECASE)
PAGE_RANGE_RE = re.compile(
    r"\bpages?\s+(\d+)(?:\s*[-–]\s*(\d+))?(?:\s*(?:,|and)\s*(\d+)(?:\s*[-–]\s*(\d+))?)*",
    re.IGNORECASE,
)
NUMBER_RANGE_RE = re.compile(r"(\d+)(?:\s*[-–]\s*(\d+))?")


def selection_pages(selection: str) -> set[int]:
    """Pages named in a gold header's selection ('pages 9-10 ... and pages 11-14'); empty if none."""
    pages: set[int] = set()
    for match in PAGE_RANGE_RE.finditer(selection):
        for number in NUMBER_RANGE_RE.finditer(match.group(0)):
            low = int(number.group(1))
            high = int(number.group(2) or low)
            if 0 < low <= high < low + 200:
                pages.update(range(low, high + 1))
    return pages


def _best(predictions: list[Metric], start: int, end: int) -> Metric | None:
    best: Metric | None = None
    best_overlap = 0
    for metric in predictions:
        shared = _overlap(start, end, metric.start, metric.end)
        if shared > best_overlap:
            best, best_overlap = metric, shared
    return best


def _same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= max(1e-6, 0.002 * abs(a))


def tokens(text: str | None) -> list[str]:
    """Lower-case word tokens for subject overlap."""
    return TOKEN_RE.findall((text or "").lower().replace("’", "'"))


def token_f1(gold: str | None, predicted: str | None) -> float:
    """Token-overlap F1 of two short phrases."""
    gold_tokens, predicted_tokens = Counter(tokens(gold)), Counter(tokens(predicted))
    if not gold_tokens and not predicted_tokens:
        return 1.0
    shared = sum((gold_tokens & predicted_tokens).values())
    if not shared:
        return 0.0
    precision = shared / sum(predicted_tokens.values())
    recall = shared / sum(gold_tokens.values())
    return 2 * precision * recall / (precision + recall)


def _compare_fields(figure: GoldFigure, metric: Metric, fields: dict[str, list[float]]) -> None:
    value_ok = (
        _same_number(figure.value, metric.value)
        and _same_number(figure.low, metric.low)
        and _same_number(figure.high, metric.high)
    )
    fields["value"].append(1.0 if value_ok else 0.0)
    fields["kind"].append(1.0 if figure.kind == metric.kind else 0.0)
    fields["unit"].append(1.0 if figure.unit == metric.unit else 0.0)
    fields["approx"].append(1.0 if figure.approx == metric.approx else 0.0)
    gold_base = figure.baseline.value if figure.baseline else None
    gold_base_low = figure.baseline.low if figure.baseline else None
    ours = metric.baseline
    base_ok = (figure.baseline is None and ours is None) or (
        figure.baseline is not None
        and ours is not None
        and _same_number(gold_base, ours.value)
        and _same_number(gold_base_low, ours.low)
    )
    fields["baseline"].append(1.0 if base_ok else 0.0)
    fields["change"].append(1.0 if (figure.change or None) == (metric.change or None) else 0.0)
    comparator_ok = (figure.comparator is None and metric.comparator is None) or (
        figure.comparator is not None
        and metric.comparator is not None
        and _same_number(figure.comparator.value, metric.comparator.value)
    )
    fields["comparator"].append(1.0 if comparator_ok else 0.0)
    fields["date"].append(1.0 if PartialDate.from_iso(figure.date) == metric.date else 0.0)
    fields["subject"].append(token_f1(figure.subject, metric.subject))


def _quantulum(document: Document, window: tuple[int, int] | None) -> list[tuple[int, int, float | None]] | None:
    """quantulum3's quantities in the document's sentences: (start, end, value)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from quantulum3 import parser
    except ImportError:
        logger.warning("quantulum3 is not installed (pip install -e '.[dev]'); no baseline")
        return None
    found: list[tuple[int, int, float | None]] = []
    for sentence in document.sentences:
        if window is not None and not (window[0] <= sentence.start and sentence.end <= window[1]):
            continue
        text = document.text[sentence.start : sentence.end]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                quantities = parser.parse(text)
            except Exception:
                logger.debug("quantulum3 failed on a sentence", exc_info=True)
                continue
        for quantity in quantities:
            start, end = quantity.span
            value = float(quantity.value) if quantity.value is not None else None
            found.append((sentence.start + start, sentence.start + end, value))
    return found


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
