"""The whole pipeline: input -> :class:`models.Document`, and its JSON."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import spacy
from spacy.language import Language

from ofsted_findings.models import Document, PipelineInfo, Source, Warning
from ofsted_findings.nlp.doctext import TEXT_KEY
from ofsted_findings.findings.classify import classify
from ofsted_findings.findings.classify import register_extensions as register_finding_extensions
from ofsted_findings.ingest.reader import DEFAULT_MAX_PAGES, Ingested, ingest_bytes, ingest_path
from ofsted_findings.metadata.letter import extract_letter
from ofsted_findings.metrics.extractor import extract_metrics
from ofsted_findings.layout.normalize import PageMap, normalize
from ofsted_findings.nlp.sections import build_sections
from ofsted_findings.nlp.sentences import BLOCK_STARTS_EXTENSION, extract_sentences
from ofsted_findings.nlp.sentences import register_extensions as register_segment_extensions

logger = logging.getLogger(__name__)

PIPELINE_NAME = "ofsted-findings"
#: Longest string treated as a file path by :func:`extract` (longer strings are text).
MAX_PATH_LENGTH = 4096


def pipeline_version() -> str:
    """Installed version of the package."""
    try:
        return version(PIPELINE_NAME)
    except PackageNotFoundError:
        return "0+unknown"


def build_nlp() -> Language:
    """``spacy.blank("en")`` with our sentence and rule components; nothing is downloaded."""
    register_segment_extensions()
    register_finding_extensions()
    nlp = spacy.blank("en")
    nlp.add_pipe("ofsted_sentences")
    nlp.add_pipe("ofsted_findings")
    return nlp


@cache
def default_nlp() -> Language:
    """One shared pipeline per process (building it compiles every rule)."""
    return build_nlp()


def extract(
    source: str | bytes | os.PathLike[str],
    *,
    name: str | None = None,
    password: str | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    nlp: Language | None = None,
) -> Document:
    """Extract a document.

    ``source`` is a path (``Path`` or a ``str`` naming an existing file), the bytes of a
    PDF or text file, or the text itself (any other ``str``). ``name`` overrides the
    source name recorded in the output (default: the file name, ``bytes`` or ``text``).
    Raises :class:`ofsted_findings.errors.InputError` for input that cannot be read.
    """
    if isinstance(source, bytes):
        ingested = ingest_bytes(source, name or "bytes", password=password, max_pages=max_pages)
    elif isinstance(source, os.PathLike) or (
        isinstance(source, str) and len(source) < MAX_PATH_LENGTH and "\n" not in source and Path(source).is_file()
    ):
        path = Path(source)
        ingested = ingest_path(path, password=password, max_pages=max_pages)
        if name:
            ingested = ingested.model_copy(update={"name": name})
    else:
        ingested = ingest_bytes(str(source).encode("utf-8"), name or "text.txt", password=password, max_pages=max_pages)
    return process(ingested, nlp=nlp)


def _no_timer(stage: str) -> None:
    """Default stage hook: does nothing."""


def process(ingested: Ingested, nlp: Language | None = None, *, timer: Callable[[str], None] = _no_timer) -> Document:
    """Run every stage after ingestion.

    ``timer`` is called with each stage's name as it finishes ("normalize", "sections",
    "tokenize", "component:<name>", "sentences", "findings", "metrics", "metadata"): the
    benchmark uses it to time the real pipeline rather than a copy of it."""
    nlp = nlp or default_nlp()
    norm = normalize(ingested)
    timer("normalize")
    page_of = PageMap(norm.page_runs)
    sections = build_sections(norm)
    timer("sections")
    doc = nlp.make_doc(norm.text)
    doc.user_data[TEXT_KEY] = norm.text
    doc._.set(BLOCK_STARTS_EXTENSION, [block.start for block in norm.blocks])
    timer("tokenize")
    for name, component in nlp.pipeline:
        doc = component(doc)
        timer(f"component:{name}")
    sentences = extract_sentences(doc, norm, sections)
    timer("sentences")
    matcher = nlp.get_pipe("ofsted_findings") if "ofsted_findings" in nlp.pipe_names else None
    findings = classify(doc, sentences, sections, page_of, rules=getattr(matcher, "rules", None))
    timer("findings")
    metrics = extract_metrics(norm.text, sentences, findings, page_of)
    timer("metrics")
    letter = extract_letter(norm, ingested.name)
    timer("metadata")
    warnings: list[Warning] = []
    if norm.markers_removed:
        warnings.append(
            Warning(
                code="footnote_markers_removed",
                message=f"{norm.markers_removed} superscript footnote marker(s) removed from the text",
            )
        )
    return Document(
        source=Source(
            name=Path(ingested.name).name,
            sha256=ingested.sha256,
            media_type=ingested.media_type,
            pages=len(ingested.pages),
        ),
        text=norm.text,
        letter=letter,
        sections=[info.section for info in sections],
        sentences=sentences,
        findings=findings,
        metrics=metrics,
        warnings=warnings,
        pipeline=PipelineInfo(name=PIPELINE_NAME, version=pipeline_version()),
    )


def to_json(document: Document, *, indent: int | None = 2) -> str:
    """Deterministic JSON (fields in model order, no timestamps)."""
    return document.model_dump_json(indent=indent)
