"""Golden files: the JSON contract must not change by accident.

Whole-document snapshots for the invented samples and the generated fixtures live in
``tests/snapshots/``. For a handful of real documents from ``../shared/corpus`` only a
digest of the JSON plus the ids, offsets and labels of every item are kept (no letter
text in the repository); those tests skip without the corpus.

After an intended change, regenerate them with ``OFSTED_UPDATE_SNAPSHOTS=1 python -m pytest
tests/test_snapshots.py`` and name the difference in the CHANGELOG.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from ofsted_findings.api import Pipeline
from ofsted_findings.models import Document
from ofsted_findings.serialize import to_json
from pdf_factory import letter_pdf, simple_pdf

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("OFSTED_UPDATE_SNAPSHOTS") == "1"

SAMPLES = sorted(path.name for path in (ROOT / "corpus" / "samples").iterdir() if path.suffix in (".pdf", ".txt"))
FIXTURES: dict[str, Callable[[], bytes]] = {
    "fixture_letter.pdf": letter_pdf,
    "fixture_two_pages.pdf": lambda: simple_pdf("Plans are good but not always timely.", pages=2),
}
#: Real documents whose outputs are pinned by digest: one of each kind and era.
SHARED = (
    "reports/knowsley_2014-06-30.pdf",
    "reports/lambeth_2015-05-12.pdf",
    "reports/east-riding-of-yorkshire_2020-03-13.pdf",
    "reports/croydon_2024-12-03.pdf",
    "reports/blackpool_2026-07-28.pdf",
    "letters/bedford_focused-visit_2019-01-04.pdf",
    "letters/derby_jtai_2019-05-08.pdf",
    "letters/gloucestershire_area-send_2024-03-01.pdf",
)


def _check(path: Path, text: str) -> None:
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{path.name} did not exist and was written; check it and commit it")
    assert text == path.read_text(encoding="utf-8"), f"{path.name} changed (OFSTED_UPDATE_SNAPSHOTS=1 to accept)"


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_snapshot(pipeline: Pipeline, samples_dir: Path, name: str) -> None:
    _check(SNAPSHOTS / f"{name}.json", to_json(pipeline.extract(samples_dir / name)) + "\n")


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fixture_snapshot(pipeline: Pipeline, name: str) -> None:
    """The fixture PDFs are written at test time, so their bytes (and sha256) depend on the
    PDF writer's version; the snapshot holds everything extracted from them but that hash."""
    document = pipeline.extract(FIXTURES[name](), name=name)
    document = document.model_copy(update={"source": document.source.model_copy(update={"sha256": "0" * 64})})
    _check(SNAPSHOTS / f"{name}.json", to_json(document) + "\n")


def _outline(document: Document, text: str) -> str:
    """The digest of a document's JSON and the id, offsets and label of every item (no text)."""
    outline = {
        "digest": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "source": document.source.sha256,
        "kind": document.letter.kind,
        "sections": [[s.id, s.start, s.end, s.category] for s in document.sections],
        "sentences": [[s.id, s.start, s.end] for s in document.sentences],
        "findings": [[f.id, f.start, f.end, f.polarity] for f in document.findings],
        "metrics": [[m.id, m.start, m.end, m.kind, m.value] for m in document.metrics],
        "judgements": [[j.area, j.start, j.end, j.grade] for j in document.letter.judgements],
    }
    lines = []
    for key, value in outline.items():
        if isinstance(value, list):
            items = ",\n".join("  " + json.dumps(item, ensure_ascii=False) for item in value)
            lines.append(f'"{key}": [\n{items}\n]')
        else:
            lines.append(f'"{key}": {json.dumps(value)}')
    return "{\n" + ",\n".join(lines) + "\n}\n"


@pytest.mark.corpus
@pytest.mark.parametrize("name", SHARED)
def test_shared_document_outline(pipeline: Pipeline, corpus_dir: Path, name: str) -> None:
    document = pipeline.extract(corpus_dir / name)
    _check(SNAPSHOTS / "shared" / f"{Path(name).stem}.outline.json", _outline(document, to_json(document)))
