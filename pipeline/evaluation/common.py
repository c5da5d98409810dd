"""What the evaluations share: extracting each gold document once, scores, token overlap.

Findings are scored in :mod:`ofsted_findings.evaluation.findings_eval`, metrics in
:mod:`ofsted_findings.evaluation.metrics_eval`.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ofsted_findings.api import Pipeline
from ofsted_findings.evaluation.gold import GoldFile, load_gold
from ofsted_findings.models import Document

logger = logging.getLogger(__name__)

LABELS: tuple[str, ...] = ("strength", "weakness", "mixed", "neutral")
SplitChoice = Literal["tune", "test", "all"]
#: VADER compound score beyond which a sentence counts as positive / negative.
VADER_THRESHOLD = 0.05
TOKEN_RE = re.compile(r"[a-z0-9]+")
#: Resamples of the documents behind every 95% interval the evaluations report.
BOOTSTRAP_DRAWS = 1000


def percentile_95(values: list[float]) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of bootstrap values (0, 0 when there are none)."""
    ordered = sorted(values)
    if not ordered:
        return (0.0, 0.0)
    return (ordered[int(0.025 * (len(ordered) - 1))], ordered[round(0.975 * (len(ordered) - 1))])


class Extractor:
    """Extracts each gold document once (a document can be in both gold families)."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.layout = pipeline.rules.layout
        self.gold_documents: dict[Path, Document] = {}

    def document(self, path: Path) -> Document:
        """The extracted document of ``path``."""
        if path not in self.gold_documents:
            self.gold_documents[path] = self.pipeline.extract(path)
        return self.gold_documents[path]


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


class Extracted(BaseModel):
    """A gold document with the tool's output for it."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    gold: GoldFile
    document: Document


def gold_documents(
    gold_dir: Path,
    corpus_dir: Path,
    family: Literal["findings", "metrics"],
    split: SplitChoice,
    extractor: Extractor,
) -> list[Extracted]:
    result: list[Extracted] = []
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
        result.append(Extracted(gold=gold, document=document))
    return result


def overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def covers(start: int, end: int, other_start: int, other_end: int) -> bool:
    """Whether a finding ``[other_start, other_end)`` covers the span ``[start, end)``: they
    share more than half of the shorter of the two."""
    shared = overlap(start, end, other_start, other_end)
    return bool(shared) and shared * 2 > min(end - start, other_end - other_start)


def covering_label(findings: Iterable[tuple[str, int, int]], start: int, end: int) -> str:
    """The label predicted for a gold span from ``(polarity, start, end)`` findings: the
    polarity of those that cover it, ``mixed`` when both do, ``neutral`` when none does."""
    polarities = {polarity for polarity, a, b in findings if covers(start, end, a, b)}
    if len(polarities) == 2:
        return "mixed"
    return polarities.pop() if polarities else "neutral"


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
