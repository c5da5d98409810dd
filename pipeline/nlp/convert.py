"""A processed Doc as the output :class:`~ofsted_findings.models.Document` (the JSON contract)."""

from __future__ import annotations

import logging
from typing import Any

from spacy.tokens import Doc

from ofsted_findings.models import (
    Document,
    Finding,
    Letter,
    Metric,
    PipelineInfo,
    Section,
    Sentence,
    Source,
    Warning,
)
from ofsted_findings.nlp import extensions as ext
from ofsted_findings.nlp.doctext import doc_text
from ofsted_findings.nlp.records import MadeModels

logger = logging.getLogger(__name__)


def _records(doc: Doc, group: str) -> list[dict[str, Any]]:
    records = doc._.get(ext.RECORDS[group])
    if records is None:
        raise ValueError(f"the Doc has no {group!r} records: run the whole ofsted pipeline on it")
    return list(records)


def doc_to_document(
    doc: Doc, pipeline: PipelineInfo, *, validate: bool = True, made: MadeModels | None = None
) -> Document:
    """The Document a processed Doc holds.

    With ``validate`` (the default) every record is checked against the models, which is
    what a Doc read back from disk needs. The extraction path passes ``validate=False``:
    its records were made from validated models a moment before, and ``made`` (the
    pipeline's :class:`~ofsted_findings.nlp.records.MadeModels`) still holds those models.
    """
    text = doc_text(doc)
    source = doc._.get(ext.SOURCE) or {
        "name": "text",
        "sha256": "",
        "media_type": "text/plain",
        "pages": _pages(doc),
    }
    fields: dict[str, Any] = {
        "source": source,
        "text": text,
        "letter": doc._.get(ext.LETTER),
        "sections": _records(doc, ext.SECTIONS),
        "sentences": _records(doc, ext.SENTENCES),
        "findings": _records(doc, ext.FINDINGS),
        "metrics": _records(doc, ext.METRICS),
        "warnings": doc._.get(ext.WARNINGS) or [],
        "pipeline": pipeline.model_dump(mode="json"),
    }
    if fields["letter"] is None:
        raise ValueError("the Doc has no metadata: run the ofsted_metadata component first")
    if validate:
        return Document.model_validate(fields)
    sections, sentences, findings, metrics = _made(doc, made)
    return Document.model_construct(
        source=Source.model_construct(**fields["source"]),
        text=text,
        letter=Letter.model_validate(fields["letter"]),
        sections=sections,
        sentences=sentences,
        findings=findings,
        metrics=metrics,
        warnings=[Warning.model_construct(**record) for record in fields["warnings"]],
        pipeline=pipeline,
    )


def doc_items(doc: Doc, made: MadeModels | None = None) -> tuple[list[Sentence], list[Finding], list[Metric]]:
    """The sentences, findings and metrics of a processed Doc (records made by the pipeline a
    moment before, so they are not validated again; ``made`` as for :func:`doc_to_document`)."""
    _, sentences, findings, metrics = _made(doc, made)
    return sentences, findings, metrics


def _made(doc: Doc, made: MadeModels | None) -> tuple[list[Section], list[Sentence], list[Finding], list[Metric]]:
    """The items of each span group: the models kept in ``made`` where they are the Doc's,
    else the records made into models (the records are the pipeline's own: sections and
    sentences, flat, are constructed, findings and metrics, nested, validated)."""

    def kept(group: str) -> list[Any] | None:
        return made.of(doc, group) if made is not None else None

    sections = kept(ext.SECTIONS)
    sentences = kept(ext.SENTENCES)
    findings = kept(ext.FINDINGS)
    metrics = kept(ext.METRICS)
    return (
        sections if sections is not None else [Section.model_construct(**r) for r in _records(doc, ext.SECTIONS)],
        sentences if sentences is not None else [Sentence.model_construct(**r) for r in _records(doc, ext.SENTENCES)],
        findings if findings is not None else [Finding.model_validate(r) for r in _records(doc, ext.FINDINGS)],
        metrics if metrics is not None else [Metric.model_validate(r) for r in _records(doc, ext.METRICS)],
    )


def _pages(doc: Doc) -> int:
    pages = doc._.get(ext.PAGES) or [[0, 1]]
    return max(int(page) for _, page in pages)
