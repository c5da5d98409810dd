"""The JSON Schema checked into the repo is current, and models stand alone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ofsted_findings.cli.extraction import schema_text

ROOT = Path(__file__).resolve().parents[1]


def _plain_refs(node: object) -> object:
    """Older pydantic wraps a described reference as {"allOf": [{"$ref": ...}]}; newer ones
    write the "$ref" beside the description. Both say the same."""
    if isinstance(node, dict):
        node = {key: _plain_refs(value) for key, value in node.items()}
        wrapped = node.get("allOf")
        if (
            isinstance(wrapped, list)
            and len(wrapped) == 1
            and isinstance(wrapped[0], dict)
            and set(wrapped[0]) == {"$ref"}
        ):
            node = {**{key: value for key, value in node.items() if key != "allOf"}, "$ref": wrapped[0]["$ref"]}
        return node
    if isinstance(node, list):
        return [_plain_refs(value) for value in node]
    return node


def test_checked_in_schema_is_current() -> None:
    checked_in = (ROOT / "models" / "document.schema.json").read_text(encoding="utf-8")
    assert _plain_refs(json.loads(checked_in)) == _plain_refs(json.loads(schema_text())), (
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


def test_schema_is_typed() -> None:
    """Schema 2.0.0: $schema and $id, full dates as format: date, partial dates as ranges, closed sets as enums."""
    schema = json.loads(schema_text())
    assert (
        schema["$schema"].startswith("https://json-schema.org/")
        and schema["$id"] == "urn:ofsted-findings:schema:document:2"
    )
    defs = schema["$defs"]
    letter = defs["Letter"]["properties"]
    for field in ("letter_date", "visit_start", "visit_end", "published"):
        assert {"type": "string", "format": "date"} in letter[field]["anyOf"], field
    assert defs["Visit"]["properties"]["start"]["format"] == "date"
    partial = defs["PartialDate"]["properties"]
    assert partial["start"]["format"] == partial["end"]["format"] == "date"
    assert set(defs["DatePrecision"]["enum"]) == {"day", "month", "year"}
    assert defs["Metric"]["properties"]["date"]["anyOf"][0] == {"$ref": "#/$defs/PartialDate"}
    assert "enum" in defs["SectionCategory"] and "what_needs_to_improve" in defs["SectionCategory"]["enum"]
    assert defs["Finding"]["properties"]["themes"]["items"] == {"$ref": "#/$defs/Theme"}
    assert set(defs["CueKind"]["enum"]) == {"cue", "modifier", "section_default", "contrast"}
    assert {"strength", "weakness", "negate", "partial", "hedge", "purpose", "complement", "topic", "predicate"} == set(
        defs["CueEffect"]["enum"]
    )


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        pytest.param("2019-03-31", "2019-03-31", "2019-03-31", "day", id="day"),
        pytest.param("2019-02", "2019-02-01", "2019-02-28", "month", id="month"),
        pytest.param("2020-02", "2020-02-01", "2020-02-29", "month", id="leap-month"),
        pytest.param("2019", "2019-01-01", "2019-12-31", "year", id="year"),
        pytest.param("2016-04/2017-03", "2016-04-01", "2017-03-31", "month", id="financial-year"),
        pytest.param("2019/2020", "2019-01-01", "2020-12-31", "year", id="years"),
        pytest.param("2013-06/2014-06-24", "2013-06-01", "2014-06-24", "month", id="mixed-ends-coarser"),
        pytest.param("2011-04/2012-03/2013-04/2014-03", "2011-04-01", "2014-03-31", "month", id="joined-periods"),
    ],
)
def test_partial_dates(text: str, start: str, end: str, precision: str) -> None:
    from ofsted_findings.models import PartialDate

    date = PartialDate.from_iso(text)
    assert date is not None
    assert (date.start.isoformat(), date.end.isoformat(), date.precision) == (start, end, precision)


@pytest.mark.parametrize("text", ["", "2016-02-30", "2019/2018", "March 2019", "2019-13"])
def test_not_a_date(text: str) -> None:
    from ofsted_findings.models import PartialDate

    assert PartialDate.from_iso(text) is None
