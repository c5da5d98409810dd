"""Metrics against the gold: detection per gold figure and the fields of detected figures.

A gold figure is detected when a metric overlaps its span. A general quantity-extraction
baseline (quantulum3) runs on the same figures when its package is installed (the ``dev``
extra).
"""

from __future__ import annotations

import logging
import random
import re
import warnings
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ofsted_findings.evaluation.common import (
    BOOTSTRAP_DRAWS,
    Extractor,
    Scores,
    SplitChoice,
    gold_documents,
    overlap,
    percentile_95,
    scores,
    token_f1,
)
from ofsted_findings.evaluation.gold import Anchor, GoldFigure, anchor_figure
from ofsted_findings.models import Document, Metric, MetricFlag, PartialDate

logger = logging.getLogger(__name__)

BOOTSTRAP_SEED = 20241202


class FieldAccuracy(BaseModel):
    """Accuracy of one field on detected figures."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    correct: float
    total: int
    accuracy: float


class Interval(BaseModel):
    """A 95% bootstrap interval over documents."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    low: float
    high: float


class _Tally(BaseModel):
    """One document's counts: what the bootstrap resamples."""

    model_config = ConfigDict(extra="forbid")

    tp: int = 0
    gold: int = 0
    predicted: int = 0
    fields: dict[str, list[float]] = Field(default_factory=dict)


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
    intervals: dict[str, Interval] = Field(
        default_factory=dict,
        description="95% bootstrap intervals over documents (detection_f1 and each field), "
        f"{BOOTSTRAP_DRAWS} draws with seed {BOOTSTRAP_SEED}.",
    )
    indicator_precision: FieldAccuracy | None = Field(
        default=None,
        description="Of detected figures whose gold indicator is labelled and to which the tool gives an "
        "indicator, the share given the gold one.",
    )


def evaluate_metrics(
    gold_dir: Path,
    corpus_dir: Path,
    split: SplitChoice = "test",
    *,
    baseline: bool = True,
    extractor: Extractor,
) -> MetricsReport:
    """Score the metrics stage on the gold figures."""
    docs = gold_documents(gold_dir, corpus_dir, "metrics", split, extractor)
    unanchored = 0
    tp = gold_total = predicted_total = 0
    fields: dict[str, list[float]] = defaultdict(list)
    base_tp = base_predicted = 0
    base_value: list[float] = []
    tallies: list[_Tally] = []
    for item in docs:
        tally = _Tally()
        tallies.append(tally)
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
        tally.gold, tally.predicted = len(spans), len(predictions)
        for figure, (start, end) in spans:
            match = _best(predictions, start, end)
            if match is None:
                continue
            tp += 1
            tally.tp += 1
            own: dict[str, list[float]] = defaultdict(list)
            _compare_fields(figure, match, own)
            for name, values in own.items():
                fields[name].extend(values)
                tally.fields.setdefault(name, []).extend(values)
        if baseline:
            found = _quantulum(item.document, None if whole else (first, last))
            if found is not None:
                base_predicted += len(found)
                for figure, (start, end) in spans:
                    hit = next((q for q in found if overlap(start, end, q[0], q[1])), None)
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
    precision_values = fields.pop("indicator_precision", [])
    accuracy.pop("indicator_precision", None)
    return MetricsReport(
        intervals=bootstrap(tallies),
        indicator_precision=_accuracy(precision_values) if precision_values else None,
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
        shared = overlap(start, end, metric.start, metric.end)
        if shared > best_overlap:
            best, best_overlap = metric, shared
    return best


def _same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= max(1e-6, 0.002 * abs(a))


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
    fields["flags"].append(1.0 if _flag_of(figure) == sorted(MetricFlag(flag).value for flag in metric.flags) else 0.0)
    if "indicator" in figure.model_fields_set:
        if figure.indicator is not None:
            fields["indicator"].append(1.0 if metric.indicator == figure.indicator else 0.0)
        if metric.indicator is not None:
            fields["indicator_precision"].append(1.0 if metric.indicator == figure.indicator else 0.0)


def _flag_of(figure: GoldFigure) -> list[str]:
    """The gold figure's flags as the tool writes them (sorted)."""
    flags: list[str] = [figure.flag] if figure.flag else []
    if figure.footnote:
        flags.append("footnote")
    return sorted(flags)


def _accuracy(values: list[float]) -> FieldAccuracy:
    return FieldAccuracy(
        correct=round(sum(values), 2),
        total=len(values),
        accuracy=round(sum(values) / len(values), 3) if values else 0.0,
    )


def _quantiles(values: list[float]) -> Interval:
    low, high = percentile_95(values)
    return Interval(low=round(low, 3), high=round(high, 3))


def bootstrap(tallies: list[_Tally], draws: int = BOOTSTRAP_DRAWS, seed: int = BOOTSTRAP_SEED) -> dict[str, Interval]:
    """95% intervals of detection F1 and of each field's accuracy, resampling documents with
    replacement (``draws`` times, a fixed seed, so the report is reproducible)."""
    if not tallies:
        return {}
    rng = random.Random(seed)
    names = sorted({name for tally in tallies for name in tally.fields if name != "indicator_precision"})
    samples: dict[str, list[float]] = {"detection_f1": [], **{name: [] for name in names}}
    for _ in range(draws):
        chosen = [tallies[rng.randrange(len(tallies))] for _ in tallies]
        samples["detection_f1"].append(
            scores(sum(t.tp for t in chosen), sum(t.gold for t in chosen), sum(t.predicted for t in chosen)).f1
        )
        for name in names:
            values = [value for tally in chosen for value in tally.fields.get(name, [])]
            if values:
                samples[name].append(sum(values) / len(values))
    return {name: _quantiles(values) for name, values in samples.items() if values}


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
