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
from collections.abc import Callable, Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO

from spacy.language import Language
from spacy.tokens import Doc

from ofsted_findings.errors import ErrorCode, InputError
from ofsted_findings.ingest.reader import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PAGES,
    Ingested,
    ingest_bytes,
    ingest_path,
)
from ofsted_findings.layout.normalize import Block, Normalized, PageMap, PageRun, normalize
from ofsted_findings.metadata.letter import read_letter
from ofsted_findings.models import Document, Finding, Metric, PipelineInfo, Sentence, Source, Warning
from ofsted_findings.nlp import extensions as ext
from ofsted_findings.nlp.chunks import CHUNK_CHARS, Merger, chunk_layout, plan_chunks
from ofsted_findings.nlp.compiled import CompiledRules
from ofsted_findings.nlp.components import METADATA_PIPE, rules_holder
from ofsted_findings.nlp.convert import doc_items, doc_to_document
from ofsted_findings.nlp.doctext import TEXT_KEY
from ofsted_findings.nlp.language import build_nlp, make_doc, rules_of
from ofsted_findings.nlp.records import MadeModels, set_layout
from ofsted_findings.nlp.sections import build_sections
from ofsted_findings.ruleset import RuleSet
from ofsted_findings.serialize import DocumentWriter, to_json

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
        #: Texts longer than this are processed in pieces (see :mod:`ofsted_findings.nlp.chunks`).
        self.chunk_chars = CHUNK_CHARS

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
        """Extract a document: :meth:`process` of :meth:`ingest`.

        ``source`` is a path (``Path`` or a ``str`` naming an existing file), the bytes of a
        PDF or text file, or the text itself (any other ``str``). ``name`` overrides the
        source name recorded in the output (default: the file name, ``bytes`` or ``text``).
        Raises :class:`ofsted_findings.errors.InputError` for input that cannot be read
        (``max_pages`` and ``max_bytes`` are limits; see the README's "Limits").
        """
        return self.process(self.ingest(source, name=name, password=password, max_pages=max_pages, max_bytes=max_bytes))

    def ingest(
        self,
        source: str | bytes | os.PathLike[str],
        *,
        name: str | None = None,
        password: str | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> Ingested:
        """Read a source (as :meth:`extract` takes it) into pages of lines."""
        if isinstance(source, bytes) and len(source) > max_bytes:
            raise InputError(
                ErrorCode.TOO_LARGE,
                f"the input has more than {max_bytes:,} bytes",
                "Raise the limit (max_bytes) if this is really one document",
            )
        if isinstance(source, bytes):
            return ingest_bytes(source, name or "bytes", self.rules, password=password, max_pages=max_pages)
        if isinstance(source, os.PathLike) or (isinstance(source, str) and _names_a_file(source)):
            ingested = ingest_path(
                Path(source), self.rules, password=password, max_pages=max_pages, max_bytes=max_bytes
            )
            return ingested.model_copy(update={"name": name}) if name else ingested
        try:
            data = str(source).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InputError(
                ErrorCode.NOT_UTF8,
                f"the text holds an unpaired surrogate code point at character {exc.start}",
                "Repair the text's encoding (a lone U+D800-U+DFFF cannot be written as UTF-8)",
            ) from exc
        if len(data) > max_bytes:
            raise InputError(
                ErrorCode.TOO_LARGE,
                f"the text has more than {max_bytes:,} bytes",
                "Raise the limit (max_bytes) if this is really one document",
            )
        return ingest_bytes(data, name or "text.txt", self.rules, password=password, max_pages=max_pages)

    def doc(self, ingested: Ingested, *, timer: Callable[[str], None] = _no_timer) -> Doc:
        """Normalise an ingested document and run the spaCy pipeline on its text (as one Doc,
        whatever its length: :meth:`process` cuts long texts into pieces instead).

        ``timer`` is called with each stage's name as it finishes ("normalize", "tokenize",
        "component:<name>"): the benchmark uses it to time the real pipeline."""
        norm = normalize(ingested, self.rules.layout)
        timer("normalize")
        return self._run(self._make_doc(_source(ingested), norm), timer)

    def _make_doc(self, source: Source, norm: Normalized) -> Doc:
        doc = self._layout_doc(norm.text, norm.blocks, norm.page_runs)
        doc._.set(ext.SOURCE, source.model_dump(mode="json"))
        doc._.set(ext.WARNINGS, [warning.model_dump(mode="json") for warning in _warnings(norm)])
        return doc

    def _layout_doc(self, text: str, blocks: list[Block], runs: list[PageRun]) -> Doc:
        if len(text) >= self.nlp.max_length:
            self.nlp.max_length = len(text) + 1  # no parser or tagger here: spaCy's guard does not apply
        doc = make_doc(self.nlp, text)
        doc.user_data[TEXT_KEY] = text
        set_layout(doc, blocks, runs)
        return doc

    def _run(self, doc: Doc, timer: Callable[[str], None]) -> Doc:
        timer("tokenize")
        if timer is _no_timer:
            return self.nlp(doc)
        for name, component in self.nlp.pipeline:
            doc = component(doc)
            timer(f"component:{name}")
        return doc

    def process(self, ingested: Ingested, *, timer: Callable[[str], None] = _no_timer) -> Document:
        """Every stage after ingestion: the Document of an ingested input.

        A text longer than :attr:`chunk_chars` characters is processed in pieces
        (:mod:`ofsted_findings.nlp.chunks`), so any length takes time in proportion to it;
        :meth:`write_json` also keeps memory to one piece at a time."""
        norm = normalize(ingested, self.rules.layout)
        timer("normalize")
        if len(norm.text) > self.chunk_chars:
            sentences: list[Sentence] = []
            findings: list[Finding] = []
            metrics: list[Metric] = []
            for piece_sentences, piece_findings, piece_metrics in self._pieces(norm):
                sentences += piece_sentences
                findings += piece_findings
                metrics += piece_metrics
            update = {"sentences": sentences, "findings": findings, "metrics": metrics}
            return self._head(_source(ingested), norm).model_copy(update=update)
        doc = self._run(self._make_doc(_source(ingested), norm), timer)
        document = doc_to_document(doc, self.info, validate=False, made=self._made())
        timer("document")
        return document

    def write_json(self, ingested: Ingested, stream: IO[str], *, indent: int | None = 2) -> None:
        """Write the JSON of an ingested input to ``stream``: ``to_json(process(ingested))``,
        but a long text's sentences, findings and metrics go to temporary files piece by piece
        instead of being held in memory (:class:`~ofsted_findings.serialize.DocumentWriter`).
        The lines of ``ingested`` are not used after normalisation: a caller that keeps no
        reference of its own to it lets them go before the pieces are processed."""
        norm = normalize(ingested, self.rules.layout)
        source = _source(ingested)
        del ingested
        if len(norm.text) <= self.chunk_chars:
            doc = self._run(self._make_doc(source, norm), _no_timer)
            stream.write(to_json(doc_to_document(doc, self.info, validate=False, made=self._made()), indent=indent))
            return
        with DocumentWriter(stream, indent=indent) as writer:
            for items in self._pieces(norm):
                writer.add(*items)
            writer.finish(self._head(source, norm))

    def _head(self, source: Source, norm: Normalized) -> Document:
        """A long text's document without its sentences, findings and metrics (read from the
        whole text: sections and metadata need no tokens)."""
        compiled = self._compiled()
        page_of = PageMap(norm.page_runs)
        sections = [info.section for info in build_sections(norm.text, norm.blocks, page_of, compiled.sections)]
        reading = read_letter(norm.text, norm.blocks, page_of, source.name, compiled.metadata)
        return Document.model_construct(
            source=source,
            text=norm.text,
            letter=reading.letter,
            sections=sections,
            sentences=[],
            findings=[],
            metrics=[],
            warnings=[*_warnings(norm), *reading.warnings],
            pipeline=self.info,
        )

    def _compiled(self) -> CompiledRules:
        return rules_holder(self.nlp).compiled

    def _made(self) -> MadeModels:
        return rules_holder(self.nlp).made

    def _pieces(self, norm: Normalized) -> Iterator[tuple[list[Sentence], list[Finding], list[Metric]]]:
        """The items of a long text, piece by piece, moved to their places in the whole text."""
        page_of = PageMap(norm.page_runs)
        infos = build_sections(norm.text, norm.blocks, page_of, self._compiled().sections)
        merger = Merger([info.section for info in infos])
        for chunk in plan_chunks(norm, infos, self.chunk_chars):
            text, blocks, runs = chunk_layout(norm, chunk)
            doc = self._layout_doc(text, blocks, runs)
            if chunk.context is not None and chunk.context.rule is not None:
                doc._.set(ext.CONTEXT_RULE, chunk.context.rule.id)
            with self.nlp.select_pipes(disable=[name for name in (METADATA_PIPE,) if name in self.nlp.pipe_names]):
                doc = self.nlp(doc)
            logger.debug("piece %d-%d of %d characters", chunk.start, chunk.end, len(norm.text))
            yield merger.move(chunk.start, *doc_items(doc, self._made()))


def _names_a_file(source: str) -> bool:
    """Whether a string is the path of an existing file (a text that is no valid path is not)."""
    if len(source) >= MAX_PATH_LENGTH or "\n" in source:
        return False
    try:
        return Path(source).is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL, ...
        return False


def _source(ingested: Ingested) -> Source:
    return Source(
        name=Path(ingested.name).name, sha256=ingested.sha256, media_type=ingested.media_type, pages=len(ingested.pages)
    )


def _warnings(norm: Normalized) -> list[Warning]:
    warnings: list[Warning] = []
    if norm.markers_removed:
        warnings.append(
            Warning(
                code="footnote_markers_removed",
                message=f"{norm.markers_removed} superscript footnote marker(s) removed from the text",
            )
        )
    return warnings


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
