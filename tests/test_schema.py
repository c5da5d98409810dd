"""The JSON Schema checked into the repo is current, and models stand alone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ofsted_findings.cli.extraction import schema_text

ROOT = Path(__file__).resolve().parents[1]


def test_checked_in_schema_is_current() -> None:
    checked_in = (ROOT / "models" / "document.schema.json").read_text(encoding="utf-8")
    assert json.loads(checked_in) == json.loads(schema_text()), (
        "run: ofsted-findings schema > models/document.schema.json"
    )


def test_models_do_not_import_spacy() -> None:
    code = "import sys, ofsted_findings.models; assert 'spacy' not in sys.modules, 'models imported spaCy'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_schema_names_the_contract_fields() -> None:
    schema = json.loads(schema_text())
    assert set(schema["required"]) >= {
        "source",
        "text",
        "letter",
        "sections",
        "sentences",
        "findings",
        "metrics",
        "warnings",
        "pipeline",
    }
    finding = schema["$defs"]["Finding"]["properties"]
    assert {
        "id",
        "polarity",
        "text",
        "page",
        "start",
        "end",
        "sentence",
        "section",
        "themes",
        "cues",
    } <= set(finding)
    metric = schema["$defs"]["Metric"]["properties"]
    assert {
        "kind",
        "value",
        "low",
        "high",
        "unit",
        "approx",
        "baseline",
        "change",
        "comparator",
        "date",
        "date_text",
        "subject",
        "finding",
    } <= set(metric)
