"""The benchmark's timed pipeline must build exactly what `extract` builds."""

from __future__ import annotations

from pathlib import Path

from ofsted_findings.api import Pipeline
from ofsted_findings.diagnostics.benchmark import (
    STAGES,
    _Clock,
    format_benchmark,
    run_benchmark,
    timed_document,
)
from ofsted_findings.ingest.reader import ingest_path
from ofsted_findings.ruleset import RuleSet
from ofsted_findings.serialize import to_json

RULES = RuleSet.default()


def test_timed_document_matches_process_and_times_every_stage(samples_dir: Path, pipeline: Pipeline) -> None:
    for path in sorted(samples_dir.glob("*.pdf")):
        ingested = ingest_path(path, RULES)
        clock = _Clock()
        assert timed_document(ingested, pipeline, clock) == to_json(pipeline.process(ingested))
        timed = {stage for stage, seconds in clock.stages.items() if seconds > 0}
        assert set(STAGES) - {"ingest"} <= timed
        assert set(clock.components) == set(pipeline.nlp.pipe_names)


def test_benchmark_reports_ratios(samples_dir: Path) -> None:
    result = run_benchmark([str(samples_dir)], limit=1)
    text = format_benchmark(result)
    assert result.files == 1 and result.pipeline.pages == result.pdfium.pages
    assert "ratio (b)/(a)" in text and "tokenize" in text
