"""Cue weights fitted from the tune split of the gold, written back into a rule folder.

The tune documents are extracted once with the folder's rules while a recording classifier
keeps, for every sentence, its clauses and the rules that count in each clause's score:
each cue with the sign the modifiers left it (a negated strength cue counts as weakness)
and each modifier whose implied polarity was added. A clause's score is linear in the
weights (``sum(weight * sign)``), so new weights can be tried on these records without
extracting again: :func:`predict` replays the classifier's decision (threshold,
concessions, merging of clauses) and :func:`tune_scores` scores it as
:func:`~ofsted_findings.evaluation.findings_eval.evaluate_findings` does.

:func:`fit_weights` fits one signed, ordinal logistic model on the anchored gold sentences:
``P(strength) = sigmoid(s - t)`` and ``P(weakness) = sigmoid(-s - t)`` with ``s`` the
sentence's score and ``t`` the current ``min_score``, by projected gradient descent with a
fixed number of steps from the current weights (so the result is deterministic), an L2
penalty that pulls each weight back towards its hand-set value, and weights kept in
``[MIN_WEIGHT, MAX_WEIGHT]``. Gold ``mixed`` sentences and sentences decided by a section
default are left out of the model (they still count in the F1). Rules of weight 0 (context
phrases) and rules that never fired keep their weight. :func:`fit_threshold` then picks ``min_score`` from a grid.
Which cues a `predicate` modifier drops is decided once, when the sentences are recorded
with the folder's weights; new weights are tried on the cues that were kept.
"""

from __future__ import annotations

import json
import logging
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from spacy.tokens import Doc

from ofsted_findings.api import Pipeline
from ofsted_findings.evaluation.common import Scores, covering_label, overlap, scores
from ofsted_findings.evaluation.gold import Anchor, GoldFile, load_gold
from ofsted_findings.findings.classify import FindingClassifier
from ofsted_findings.findings.clauses import Clause, decide
from ofsted_findings.findings.context import ContextScorer
from ofsted_findings.findings.matching import DocMatches, RuleMatch
from ofsted_findings.findings.output import trim
from ofsted_findings.layout.normalize import PageMap
from ofsted_findings.models import Document, Finding, Polarity, Sentence
from ofsted_findings.nlp.components import rules_holder
from ofsted_findings.nlp.sections import SectionInfo
from ofsted_findings.ruleset import RuleSet
from ofsted_findings.ruleset.schema import ContrastRule

logger = logging.getLogger(__name__)

#: Fitted weights are kept in this range (a cue that fired is neither switched off nor made decisive).
MIN_WEIGHT = 0.1
MAX_WEIGHT = 3.0
#: Gradient steps and their size (a fixed schedule: the same gold gives the same weights).
STEPS = 400
STEP_SIZE = 0.5
#: ``min_score`` candidates: 0.05, 0.10, ... 3.00.
THRESHOLDS: tuple[float, ...] = tuple(round(0.05 * i, 2) for i in range(1, 61))
#: The rule files :func:`write_fitted` rewrites.
CUES_FILE = "cues.jsonl"
MODIFIERS_FILE = "modifiers.jsonl"
FINDINGS_FILE = "findings.json"

FeatureKind = Literal["cue", "modifier"]
Feature = tuple[FeatureKind, str]


# --- recording -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClauseRecord:
    """A scored clause: tokens ``[start, end)``, characters ``[char_start, char_end)``, and the
    rules in its score with their signs (+1 strength, -1 weakness)."""

    start: int
    end: int
    char_start: int
    char_end: int
    contrast: ContrastRule | None
    terms: tuple[tuple[Feature, int], ...]
    score: float


@dataclass(frozen=True)
class SentenceRecord:
    """A classified sentence (characters ``[start, end)``): its section's default polarity, if
    that decided it (then weights do not matter), and its clauses."""

    start: int
    end: int
    page: int
    default: Polarity | None
    clauses: tuple[ClauseRecord, ...]


def _sign(polarity: Polarity) -> int:
    return 1 if polarity is Polarity.STRENGTH else -1


class _RecordingScorer(ContextScorer):
    """A scorer that keeps every clause it scores."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scored: list[Clause] = []

    def score(self, clause: Clause, cues: list[RuleMatch], modifiers: list[RuleMatch]) -> None:
        super().score(clause, cues, modifiers)
        self.scored.append(clause)


class RecordingClassifier(FindingClassifier):
    """The findings classifier, keeping a :class:`SentenceRecord` per classified sentence."""

    def __init__(self, rules: RuleSet) -> None:
        super().__init__(rules)
        self.recorder = _RecordingScorer(
            self.cues, self.modifiers, rules.findings.min_score, rules.findings.predicate_window
        )
        self.scorer = self.recorder
        self.records: list[SentenceRecord] = []

    def sentence_findings(
        self,
        doc: Doc,
        sentence: Sentence,
        span: tuple[int, int],
        found: DocMatches,
        info: SectionInfo | None,
        page_of: PageMap,
    ) -> list[Finding]:
        self.recorder.scored = []
        findings = super().sentence_findings(doc, sentence, span, found, info, page_of)
        rule = info.rule if info is not None else None
        decided_by_default = any(cue.kind == "section_default" for finding in findings for cue in finding.cues)
        default = (
            Polarity(rule.default_polarity)
            if decided_by_default and rule is not None and rule.default_polarity is not None
            else None
        )
        clauses: list[ClauseRecord] = []
        for clause in self.recorder.scored:
            terms: list[tuple[Feature, int]] = [(("cue", hit.rule.id), _sign(hit.polarity)) for hit in clause.cues]
            terms.extend(
                (("modifier", modifier.id), _sign(Polarity(modifier.implies)))
                for modifier in clause.implied
                if modifier.implies is not None
            )
            last = doc[clause.end - 1]
            clauses.append(
                ClauseRecord(
                    start=clause.start,
                    end=clause.end,
                    char_start=doc[clause.start].idx,
                    char_end=last.idx + len(last.text),
                    contrast=clause.contrast,
                    terms=tuple(terms),
                    score=clause.score,
                )
            )
        self.records.append(
            SentenceRecord(
                start=sentence.start,
                end=sentence.end,
                page=page_of(sentence.start),
                default=default,
                clauses=tuple(clauses),
            )
        )
        return findings


@dataclass(frozen=True)
class GoldItem:
    """An anchored gold sentence: its label and characters."""

    label: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Recorded:
    """A tune document: its text, the tool's findings, its records and its anchored gold."""

    name: str
    document: Document
    records: tuple[SentenceRecord, ...]
    gold: tuple[GoldItem, ...]
    whole_pages: frozenset[int]


def tune_gold(gold_dir: Path) -> list[GoldFile]:
    """The findings gold files of the tune split (the test split is never read further)."""
    return [gold for gold in load_gold(gold_dir, "findings") if gold.header.split == "tune"]


def record_documents(rules: RuleSet, gold_dir: Path, corpus_dir: Path) -> list[Recorded]:
    """Extract each tune document once with ``rules``, keeping the classifier's records."""
    pipeline = Pipeline(rules)
    pipeline.chunk_chars = sys.maxsize  # one Doc per document: records keep whole-text offsets
    recorder = RecordingClassifier(rules)
    compiled = rules_holder(pipeline.nlp).compiled
    compiled.__dict__["classifier"] = recorder  # the component asks its compiled rules for the classifier
    result: list[Recorded] = []
    for gold in tune_gold(gold_dir):
        path = corpus_dir / gold.header.file
        if not path.is_file():
            logger.warning("gold document %s not found under %s", gold.header.file, corpus_dir)
            continue
        recorder.records = []
        document = pipeline.extract(path)
        if document.source.sha256 != gold.header.sha256:
            logger.warning("%s: sha256 differs from the gold annotation; skipped", gold.header.file)
            continue
        anchor = Anchor(document.text, rules.layout)
        items: list[GoldItem] = []
        cursor = 0
        for sentence in gold.sentences:
            span = anchor.find_sentence(sentence.quote, sentence.n_words, cursor)
            if span is None:
                continue
            cursor = span[1]
            items.append(GoldItem(sentence.label, span[0], span[1], document.text[span[0] : span[1]]))
        result.append(
            Recorded(
                name=gold.header.file,
                document=document,
                records=tuple(recorder.records),
                gold=tuple(items),
                whole_pages=frozenset(gold.header.pages or []),
            )
        )
    return result


# --- replaying the decision ------------------------------------------------------------------


@dataclass(frozen=True)
class Predicted:
    """A finding the rules would make with some weights."""

    polarity: str
    start: int
    end: int
    page: int


class Weights(BaseModel):
    """What :func:`fit_weights` changes: cue weights, modifiers' implied weights, ``min_score``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cues: dict[str, float]
    modifiers: dict[str, float]
    min_score: float

    @classmethod
    def of(cls, rules: RuleSet) -> Weights:
        """The weights of a rule set."""
        return cls(
            cues={rule.id: rule.weight for rule in rules.cues},
            modifiers={rule.id: rule.implied_weight for rule in rules.modifiers if rule.implies is not None},
            min_score=rules.findings.min_score,
        )

    def value(self, feature: Feature) -> float:
        kind, rule = feature
        return self.cues[rule] if kind == "cue" else self.modifiers[rule]


def _clause_score(clause: ClauseRecord, weights: Weights) -> float:
    return sum(weights.value(feature) * sign for feature, sign in clause.terms)


def _polarity(score: float, min_score: float) -> Polarity | None:
    if score >= min_score:
        return Polarity.STRENGTH
    if score <= -min_score:
        return Polarity.WEAKNESS
    return None


def predict(record: SentenceRecord, text: str, weights: Weights) -> list[Predicted]:
    """The findings of a recorded sentence under ``weights`` (as the classifier would make them)."""
    if record.default is not None:
        return [Predicted(record.default.value, record.start, record.end, record.page)]
    if not record.clauses:
        return []
    clauses = [
        Clause(
            start=c.start,
            end=c.end,
            polarity=_polarity(_clause_score(c, weights), weights.min_score),
            contrast=c.contrast,
        )
        for c in record.clauses
    ]
    decision = decide(clauses)
    if decision is None:
        return []
    if isinstance(decision, Polarity):
        return [Predicted(decision.value, record.start, record.end, record.page)]
    starts = {c.start: c.char_start for c in record.clauses}
    ends = {c.end: c.char_end for c in record.clauses}
    result: list[Predicted] = []
    for clause in decision:
        if clause.polarity is None:
            continue
        start, end = trim(text, max(starts[clause.start], record.start), min(ends[clause.end], record.end))
        result.append(Predicted(clause.polarity.value, start, end, record.page))
    return result


def label_of(findings: Iterable[Predicted], start: int, end: int) -> str:
    """The label predicted for a gold span (as :func:`~ofsted_findings.evaluation.common.covering_label`)."""
    return covering_label([(f.polarity, f.start, f.end) for f in findings], start, end)


def _has(label: str, polarity: str) -> bool:
    return label == polarity or label == "mixed"


class TuneScores(BaseModel):
    """Sentence-level scores on the tune split."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    strength: Scores
    weakness: Scores

    @property
    def mean_f1(self) -> float:
        return (self.strength.f1 + self.weakness.f1) / 2


def labelled_pairs(documents: Sequence[Recorded], weights: Weights) -> list[tuple[str, str]]:
    """(gold, predicted) labels of every anchored gold sentence, and a neutral gold label for
    each finding on a page annotated whole that covers no gold sentence."""
    pairs: list[tuple[str, str]] = []
    for item in documents:
        text = item.document.text
        findings = sorted(
            (finding for record in item.records for finding in predict(record, text, weights)),
            key=lambda f: (f.start, f.end),
        )
        for gold in item.gold:
            nearby = [f for f in findings if f.start < gold.end and f.end > gold.start]
            pairs.append((gold.label, label_of(nearby, gold.start, gold.end)))
        for finding in findings:
            if finding.page in item.whole_pages and not any(
                overlap(g.start, g.end, finding.start, finding.end) for g in item.gold
            ):
                pairs.append(("neutral", finding.polarity))
    return pairs


def tune_scores(documents: Sequence[Recorded], weights: Weights) -> TuneScores:
    """Strength and weakness scores of ``weights`` on the recorded tune documents."""
    pairs = labelled_pairs(documents, weights)

    def one(polarity: str) -> Scores:
        return scores(
            sum(1 for g, p in pairs if _has(g, polarity) and _has(p, polarity)),
            sum(1 for g, _ in pairs if _has(g, polarity)),
            sum(1 for _, p in pairs if _has(p, polarity)),
        )

    return TuneScores(strength=one("strength"), weakness=one("weakness"))


# --- fitting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """A gold sentence for the model: its label and its signed rule counts."""

    label: str
    counts: tuple[tuple[Feature, int], ...]


def samples(documents: Sequence[Recorded]) -> list[Sample]:
    """One sample per anchored gold sentence labelled strength, weakness or neutral whose
    covering sentences are weighed (not decided by a section default) and hold a rule."""
    result: list[Sample] = []
    for item in documents:
        for gold in item.gold:
            if gold.label == "mixed":
                continue
            covering = [
                record
                for record in item.records
                if (shared := overlap(gold.start, gold.end, record.start, record.end))
                and shared * 2 > min(gold.end - gold.start, record.end - record.start)
            ]
            if not covering or any(record.default is not None for record in covering):
                continue
            counts: dict[Feature, int] = {}
            for record in covering:
                for clause in record.clauses:
                    for feature, sign in clause.terms:
                        counts[feature] = counts.get(feature, 0) + sign
            kept = tuple(sorted((feature, count) for feature, count in counts.items() if count))
            if kept:
                result.append(Sample(gold.label, kept))
    return result


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def fit_weights(items: Sequence[Sample], start: Weights, l2: float = 1.0) -> Weights:
    """Weights fitted to ``items`` (``min_score`` unchanged): see the module docstring."""
    fitted = sorted({feature for sample in items for feature, _ in sample.counts if start.value(feature) > 0})
    index = {feature: i for i, feature in enumerate(fitted)}
    prior = [start.value(feature) for feature in fitted]
    weights = list(prior)
    rows = [
        (sample.label, [(index[feature], count) for feature, count in sample.counts if feature in index])
        for sample in items
    ]
    rows = [(label, row) for label, row in rows if row]
    curvature = [l2] * len(fitted)
    for _, row in rows:
        for i, count in row:
            curvature[i] += 0.5 * count * count
    threshold = start.min_score
    for _ in range(STEPS if fitted else 0):
        gradient = [l2 * (w - p) for w, p in zip(weights, prior, strict=True)]
        for label, row in rows:
            score = sum(weights[i] * count for i, count in row)
            above = _sigmoid(score - threshold)  # P(strength)
            below = _sigmoid(-score - threshold)  # P(weakness)
            if label == "strength":
                slope = -(1 - above) - below
            elif label == "weakness":
                slope = above + (1 - below)
            else:
                slope = above - below
            for i, count in row:
                gradient[i] += slope * count
        weights = [
            min(MAX_WEIGHT, max(MIN_WEIGHT, w - STEP_SIZE * g / h))
            for w, g, h in zip(weights, gradient, curvature, strict=True)
        ]
    cues = dict(start.cues)
    modifiers = dict(start.modifiers)
    for feature, weight in zip(fitted, weights, strict=True):
        kind, rule = feature
        (cues if kind == "cue" else modifiers)[rule] = round(weight, 2)
    return Weights(cues=cues, modifiers=modifiers, min_score=start.min_score)


def fit_threshold(documents: Sequence[Recorded], weights: Weights) -> tuple[Weights, TuneScores]:
    """``weights`` with the ``min_score`` of :data:`THRESHOLDS` that maximises the mean of strength
    and weakness F1 on the tune documents (ties: the one nearest the current value)."""
    best: tuple[float, float, float] | None = None
    chosen = weights
    chosen_scores = tune_scores(documents, weights)
    for threshold in THRESHOLDS:
        candidate = weights.model_copy(update={"min_score": threshold})
        result = tune_scores(documents, candidate)
        key = (result.mean_f1, -abs(threshold - weights.min_score), -threshold)
        if best is None or key > best:
            best, chosen, chosen_scores = key, candidate, result
    return chosen, chosen_scores


class FitReport(BaseModel):
    """What ``rules fit`` did."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    documents: int
    samples: int = Field(description="Gold sentences the weights were fitted on.")
    before: TuneScores
    after: TuneScores
    min_score: tuple[float, float] = Field(description="min_score before and after.")
    changed: dict[str, tuple[float, float]] = Field(description="Rule id -> weight before and after.")
    weights: Weights


def fit(rules: RuleSet, gold_dir: Path, corpus_dir: Path, *, l2: float = 1.0) -> FitReport:
    """Fit the weights of ``rules`` on the tune split (extracting each document once)."""
    documents = record_documents(rules, gold_dir, corpus_dir)
    start = Weights.of(rules)
    before = tune_scores(documents, start)
    items = samples(documents)
    weighted = fit_weights(items, start, l2)
    final, after = fit_threshold(documents, weighted)
    changed = {
        rule: (start.cues[rule], final.cues[rule]) for rule in start.cues if start.cues[rule] != final.cues[rule]
    }
    changed.update(
        (rule, (start.modifiers[rule], final.modifiers[rule]))
        for rule in start.modifiers
        if start.modifiers[rule] != final.modifiers[rule]
    )
    return FitReport(
        documents=len(documents),
        samples=len(items),
        before=before,
        after=after,
        min_score=(start.min_score, final.min_score),
        changed=changed,
        weights=final,
    )


# --- writing ---------------------------------------------------------------------------------


def packaged_rules_dir() -> Path:
    """The folder of the rules shipped in the package."""
    return Path(str(resources.files("ofsted_findings").joinpath("rules"))).resolve()


def _rewrite_jsonl(text: str, values: Mapping[str, float], key: str) -> str:
    """``text`` with ``key`` set on the rows whose id is in ``values`` (other rows and fields as they were)."""
    lines: list[str] = []
    for line in text.splitlines(keepends=True):
        body = line.strip()
        if not body:
            lines.append(line)
            continue
        row = json.loads(body)
        rule = row.get("id")
        if isinstance(rule, str) and rule in values:
            row[key] = values[rule]
            lines.append(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            lines.append(line)
    return "".join(lines)


def write_fitted(folder: Path, before: Weights, after: Weights) -> list[Path]:
    """Write the weights of ``after`` that differ from ``before`` into the rule files of ``folder``
    (and ``min_score``); the files written."""
    written: list[Path] = []
    for name, old, new, key in (
        (CUES_FILE, before.cues, after.cues, "weight"),
        (MODIFIERS_FILE, before.modifiers, after.modifiers, "implied_weight"),
    ):
        path = folder / name
        changed = {rule: value for rule, value in new.items() if old.get(rule) != value}
        path.write_text(_rewrite_jsonl(path.read_text(encoding="utf-8"), changed, key), encoding="utf-8")
        written.append(path)
    findings = folder / FINDINGS_FILE
    data = json.loads(findings.read_text(encoding="utf-8"))
    data["min_score"] = after.min_score
    findings.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written.append(findings)
    return written
