"""The Python API: a :class:`Pipeline` (a rule set and its spaCy pipeline) and :func:`extract`.

>>> from ofsted_findings import Pipeline
>>> pipeline = Pipeline()                      # the packaged rules; or Pipeline(RuleSet.from_dir("my-rules"))
>>> document = pipeline.extract("letter.pdf")  # -> ofsted_findings.models.Document

The PDF path (ingestion and normalisation) runs outside spaCy and hands the normalised
text, its blocks and its pages to the same ``nlp`` that ``nlp(text)`` runs on plain text.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ofsted_findings.errors import ErrorCode, InputError
from ofsted_findings.ingest.reader import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PAGES,
    Ingested,
    ingest_bytes,
    ingest_path,
)
from ofsted_findings.layout.normalize import normalize
from ofsted_findings.models import Document, PipelineInfo, Source, Warning
from ofsted_findings.nlp import extensions as ext
from ofsted_findings.nlp.convert import doc_to_document
from ofsted_findings.nlp.doctext import TEXT_KEY
from ofsted_findings.nlp.language import build_nlp, rules_of
from ofsted_findings.nlp.records import set_layout
from ofsted_findings.ruleset import RuleSet
from spacy.language import Language
from spacy.tokens import Doc

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


def _no_timer(stage: str) -> None:
    """Default stage hook: does nothing."""


class Pipeline:
    """A rule set and the spaCy pipeline built from it: build one, extract many documents."""

    def __init__(self, rules: RuleSet | None = None, *, nlp: Language | None = None) -> None:
        """``rules``: the rule set (default: packaged); or ``nlp``: a pipeline to use as it is
        (from :func:`~ofsted_findings.nlp.language.build_nlp` or ``spacy.load``)."""
        if rules is not None and nlp is not None:
            raise ValueError("give rules or nlp, not both (the rules of an nlp are its ofsted_rules component's)")
        self.nlp = nlp if nlp is not None else build_nlp(rules)
        self.info = PipelineInfo(name=PIPELINE_NAME, version=pipeline_version())

    @property
    def rules(self) -> RuleSet:
        """The rule set every stage reads."""
        return rules_of(self.nlp)

    def extract(
        self,
        source: str | bytes | os.PathLike[str],
        *,
        name: str | None = None,
        password: str | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> Document:
        """Extract a document.

        ``source`` is a path (``Path`` or a ``str`` naming an existing file), the bytes of a
        PDF or text file, or the text itself (any other ``str``). ``name`` overrides the
        source name recorded in the output (default: the file name, ``bytes`` or ``text``).
        Raises :class:`ofsted_findings.errors.InputError` for input that cannot be read
        (``max_pages`` and ``max_bytes`` are limits; see the README's "Limits").
        """
        if isinstance(source, bytes) and len(source) > max_bytes:
            raise InputError(
                ErrorCode.TOO_LARGE,
                f"the input has more than {max_bytes:,} bytes",
                "Raise the limit (max_bytes) if this is really one document",
            )
        if isinstance(source, bytes):
            ingested = ingest_bytes(source, name or "bytes", self.rules, password=password, max_pages=max_pages)
        elif isinstance(source, os.PathLike) or (
            isinstance(source, str) and len(source) < MAX_PATH_LENGTH and "\n" not in source and Path(source).is_file()
        ):
            ingested = ingest_path(Path(source), self.rules, password=password, max_pages=max_pages, max_bytes=max_bytes)
            if name:
                ingested = ingested.model_copy(update={"name": name})
        else:
            ingested = ingest_bytes(
                str(source).encode("utf-8"),
                name or "text.txt",
                self.rules,
                password=password,
                max_pages=max_pages,
            )
        return self.process(ingested)

    def doc(self, ingested: Ingested, *, timer: Callable[[str], None] = _no_timer) -> Doc:
        """Normalise an ingested document and run the spaCy pipeline on its text.

        ``timer`` is called with each stage's name as it finishes ("normalize", "tokenize",
        "component:<name>"): the benchmark uses it to time the real pipeline."""
        norm = normalize(ingested, self.rules.layout)
        timer("normalize")
        doc = self.nlp.make_doc(norm.text)
        doc.user_data[TEXT_KEY] = norm.text
        set_layout(doc, norm.blocks, norm.page_runs)
        doc._.set(
            ext.SOURCE,
            Source(
                name=Path(ingested.name).name,
                sha256=ingested.sha256,
                media_type=ingested.media_type,
                pages=len(ingested.pages),
            ).model_dump(mode="json"),
        )
        warnings: list[Warning] = []
        if norm.markers_removed:
            warnings.append(
                Warning(
                    code="footnote_markers_removed",
                    message=f"{norm.markers_removed} superscript footnote marker(s) removed from the text",
                )
            )
        doc._.set(ext.WARNINGS, [warning.model_dump(mode="json") for warning in warnings])
        timer("tokenize")
        if timer is _no_timer:
            return self.nlp(doc)
        for name, component in self.nlp.pipeline:
            doc = component(doc)
            timer(f"component:{name}")
        return doc

    def process(self, ingested: Ingested, *, timer: Callable[[str], None] = _no_timer) -> Document:
        """Every stage after ingestion: the Document of an ingested input."""
        doc = self.doc(ingested, timer=timer)
        document = doc_to_document(doc, self.info, validate=False)
        timer("document")
        return document


def extract(
    source: str | bytes | os.PathLike[str],
    *,
    name: str | None = None,
    password: str | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    rules: RuleSet | None = None,
    nlp: Language | None = None,
) -> Document:
    """Extract one document with a new :class:`Pipeline` (build one yourself to extract many).

    See :meth:`Pipeline.extract` for ``source``, ``name``, ``password`` and ``max_pages``;
    ``rules`` is a :class:`~ofsted_findings.ruleset.RuleSet` (``RuleSet.from_dir(DIR)``)
    and ``nlp`` a pipeline to use as it is.
    """
    return Pipeline(rules, nlp=nlp).extract(source, name=name, password=password, max_pages=max_pages)


def to_json(document: Document, *, indent: int | None = 2) -> str:
    """Deterministic JSON (fields in model order, no timestamps)."""
    return document.model_dump_json(indent=indent)
