"""The spaCy components of the pipeline, registered as factories (and as entry points).

``build_nlp`` (in :mod:`ofsted_findings.nlp.language`) puts them on ``spacy.blank("en")``
in this order:

=================== ==================================================================
``ofsted_rules``     holds the :class:`~ofsted_findings.ruleset.RuleSet`; saved and loaded with the pipeline
``ofsted_layout``    the text's blocks and pages (given by the PDF path, else read line by line)
``ofsted_sections``  ``doc.spans["ofsted_sections"]``: headings and the sections they open
``ofsted_sentences`` ``token.is_sent_start`` and ``doc.spans["ofsted_sentences"]``
``ofsted_findings``  ``doc.spans["ofsted_findings"]``: strengths and weaknesses
``ofsted_metrics``   ``doc.spans["ofsted_metrics"]``: figures
``ofsted_metadata``  ``doc._.of_letter``: kind, authority, dates, inspectors, judgements
=================== ==================================================================

Each component does its work on the Doc and stores plain records (see
:mod:`ofsted_findings.nlp.extensions`); the rules are read from the ``ofsted_rules``
component, so replacing them there (``set_rules``, ``from_disk``) changes every stage.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, SpanGroup

from ofsted_findings.nlp import extensions as ext
from ofsted_findings.nlp.compiled import CompiledRules
from ofsted_findings.nlp.records import (
    MadeModels,
    blocks_of,
    page_map_of,
    section_infos,
    sentences_of,
    set_layout,
)
from ofsted_findings.ruleset import RuleSet

if TYPE_CHECKING:
    from ofsted_findings.models import Finding, Metric, Section, Sentence

logger = logging.getLogger(__name__)

RULES_PIPE = "ofsted_rules"
METADATA_PIPE = "ofsted_metadata"
#: The component names, in pipeline order.
PIPE_NAMES = (
    "ofsted_rules",
    "ofsted_layout",
    "ofsted_sections",
    "ofsted_sentences",
    "ofsted_findings",
    "ofsted_metrics",
    "ofsted_metadata",
)


class RulesHolder:
    """``ofsted_rules``: the rule set every other component reads, and its compiled forms."""

    def __init__(self, nlp: Language, name: str, rules: RuleSet | None = None) -> None:
        """``rules``: the rule set (default: the packaged rules)."""
        ext.register_extensions()
        self.nlp = nlp
        self.name = name
        self._rules = rules
        self._compiled: CompiledRules | None = None
        #: The models behind the records the stages stored on the last Doc.
        self.made = MadeModels()

    @property
    def rules(self) -> RuleSet:
        """The rule set in use (the packaged rules are read on first use when none was set)."""
        if self._rules is None:
            self._rules = RuleSet.default()
        return self._rules

    @property
    def compiled(self) -> CompiledRules:
        """The rules compiled for this pipeline's vocabulary (built once per rule set)."""
        rules = self.rules
        if self._compiled is None or self._compiled.rules is not rules:
            self._compiled = CompiledRules(self.nlp, rules)
        return self._compiled

    def set_rules(self, rules: RuleSet) -> None:
        """Use another rule set from the next Doc on."""
        self._rules = rules
        self._compiled = None

    def __call__(self, doc: Doc) -> Doc:
        return doc

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """The rule files, as one blob."""
        return self.rules.to_bytes()

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> RulesHolder:
        """Load rules saved by :meth:`to_bytes`."""
        self.set_rules(RuleSet.from_bytes(data))
        _linear_affixes(self.nlp)
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write the rule folder (the same files ``rules export`` writes)."""
        self.rules.export(path)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> RulesHolder:
        """Read a rule folder written by :meth:`to_disk` (or exported and edited)."""
        self.set_rules(RuleSet.from_dir(path))
        _linear_affixes(self.nlp)  # the tokenizer was loaded (with plain affix searches) before this
        return self


def _linear_affixes(nlp: Language) -> None:
    from ofsted_findings.nlp.language import linear_affixes

    linear_affixes(nlp)


class _Stage:
    """A component that reads its rules from the ``ofsted_rules`` component."""

    def __init__(self, nlp: Language, name: str) -> None:
        ext.register_extensions()
        if RULES_PIPE not in nlp.pipe_names:
            raise ValueError(f"add the {RULES_PIPE!r} component before {name!r}")
        self.name = name
        self._holder = rules_holder(nlp)

    @property
    def compiled(self) -> CompiledRules:
        return self._holder.compiled

    @property
    def made(self) -> MadeModels:
        return self._holder.made


class LayoutReader(_Stage):
    """``ofsted_layout``: blocks and pages; a Doc from the PDF path already has them."""

    def __call__(self, doc: Doc) -> Doc:
        if doc._.get(ext.BLOCKS) is None:
            from ofsted_findings.layout.plain import plain_layout

            blocks, runs = plain_layout(doc.text, self.compiled.rules.layout)
            set_layout(doc, blocks, runs)
        return doc


class Sectioner(_Stage):
    """``ofsted_sections``: a span per section, labelled with its category."""

    def __call__(self, doc: Doc) -> Doc:
        from ofsted_findings.nlp.doctext import doc_text
        from ofsted_findings.nlp.sections import build_sections

        classifier = self.compiled.sections
        context_id = doc._.get(ext.CONTEXT_RULE)
        context = classifier.by_id.get(context_id) if context_id else None
        infos = build_sections(doc_text(doc), blocks_of(doc), page_map_of(doc), classifier, context)
        sections = [info.section for info in infos]
        _store(doc, ext.SECTIONS, sections, [section.category for section in sections], self.made)
        doc._.set(ext.SECTION_RULES, [info.rule.id if info.rule else None for info in infos])
        return doc


class Segmenter(_Stage):
    """``ofsted_sentences``: sentence starts on every token, and a span per running-text sentence."""

    def __call__(self, doc: Doc) -> Doc:
        from ofsted_findings.nlp.doctext import doc_text
        from ofsted_findings.nlp.sentences import extract_sentences

        blocks = blocks_of(doc)
        compiled = self.compiled
        compiled.sentence_setter(doc, [block.start for block in blocks])
        sentences = extract_sentences(
            doc,
            blocks,
            section_infos(doc, compiled.sections),
            page_map_of(doc),
            compiled.rules.segment,
            set(compiled.running_text.excluded(doc_text(doc), blocks)),
        )
        text = doc_text(doc)
        running = compiled.running_text
        sentences = [
            s
            for s in sentences
            if not (running.is_table_sentence(text[s.start : s.end]) or running.is_reference(text[s.start : s.end]))
        ]
        _store(doc, ext.SENTENCES, sentences, [sentence.block for sentence in sentences], self.made)
        return doc


class FindingTagger(_Stage):
    """``ofsted_findings``: a span per strength or weakness, labelled with its polarity."""

    def __call__(self, doc: Doc) -> Doc:
        compiled = self.compiled
        matches = compiled.matchers.match(doc)
        findings = compiled.classifier.classify(
            doc,
            matches,
            sentences_of(doc, self.made),
            section_infos(doc, compiled.sections),
            page_map_of(doc),
        )
        _store(doc, ext.FINDINGS, findings, [str(finding.polarity) for finding in findings], self.made)
        return doc


class MetricTagger(_Stage):
    """``ofsted_metrics``: a span per figure, labelled with its kind."""

    def __call__(self, doc: Doc) -> Doc:
        from ofsted_findings.metrics.extractor import extract_metrics, footnote_bodies
        from ofsted_findings.nlp.doctext import doc_text
        from ofsted_findings.nlp.records import finding_spans

        text, page_of = doc_text(doc), page_map_of(doc)
        metrics = extract_metrics(
            text,
            sentences_of(doc, self.made),
            finding_spans(doc),
            page_of,
            self.compiled.grammar,
            footnote_bodies(text, blocks_of(doc), page_of),
        )
        _store(doc, ext.METRICS, metrics, [str(metric.kind) for metric in metrics], self.made)
        return doc


class LetterReader(_Stage):
    """``ofsted_metadata``: the document's metadata (``doc._.of_letter``)."""

    def __call__(self, doc: Doc) -> Doc:
        from ofsted_findings.metadata.letter import read_letter
        from ofsted_findings.nlp.doctext import doc_text

        source = doc._.get(ext.SOURCE) or {}
        reading = read_letter(
            doc_text(doc),
            blocks_of(doc),
            page_map_of(doc),
            str(source.get("name") or "text"),
            self.compiled.metadata,
        )
        doc._.set(ext.LETTER, reading.letter.model_dump(mode="json"))
        if reading.warnings:
            earlier = list(doc._.get(ext.WARNINGS) or [])
            doc._.set(ext.WARNINGS, [*earlier, *(warning.model_dump(mode="json") for warning in reading.warnings)])
        return doc


def _store(
    doc: Doc,
    group: str,
    items: Sequence[Section | Sentence | Finding | Metric],
    labels: Sequence[str],
    made: MadeModels,
) -> None:
    """A span group over the items (label and id from the item) and their records on the Doc
    (whose models ``made`` keeps)."""
    spans = [_span(doc, item.start, item.end, label, item.id) for item, label in zip(items, labels, strict=True)]
    doc.spans[group] = SpanGroup(doc, name=group, spans=spans)
    records = [item.model_dump(mode="json") for item in items]
    doc._.set(ext.RECORDS[group], records)
    made.keep(group, records, items)


def _span(doc: Doc, start: int, end: int, label: str, identifier: str) -> Span:
    """A span over the tokens covering characters ``[start, end)``."""
    span = doc.char_span(start, end, label=label, alignment_mode="expand")
    if span is None:  # only for an empty range at the very end
        span = doc[len(doc) : len(doc)]
        span = Span(doc, span.start, span.end, label=label)
    # the hash of the id, not the id: a string would be added to the vocabulary's StringStore,
    # which never shrinks, so a long run would grow by every item of every document
    span.id = get_string_id(identifier)
    return span


def _factory(cls: type[_Stage]) -> Callable[[Language, str], Any]:
    def make(nlp: Language, name: str) -> Any:
        return cls(nlp, name)

    make.__doc__ = f"spaCy factory for :class:`{cls.__name__}`."
    return make


def rules_holder(nlp: Language) -> RulesHolder:
    """The ``ofsted_rules`` component of a pipeline."""
    pipe = nlp.get_pipe(RULES_PIPE)
    if not isinstance(pipe, RulesHolder):
        raise TypeError(f"the {RULES_PIPE!r} component of this pipeline is not ofsted-findings' rule holder")
    return pipe


@Language.factory(RULES_PIPE, assigns=[], requires=[])
def make_rules(nlp: Language, name: str) -> RulesHolder:
    """spaCy factory for :class:`RulesHolder` (the packaged rules until others are set)."""
    return RulesHolder(nlp, name)


make_layout = Language.factory("ofsted_layout", assigns=["doc._.of_blocks", "doc._.of_pages"])(_factory(LayoutReader))
make_sections = Language.factory("ofsted_sections", requires=["doc._.of_blocks"], assigns=["doc.spans"])(
    _factory(Sectioner)
)
make_sentences = Language.factory(
    "ofsted_sentences",
    requires=["doc._.of_blocks", "doc.spans"],
    assigns=["token.is_sent_start", "doc.spans"],
)(_factory(Segmenter))
make_findings = Language.factory(
    "ofsted_findings",
    requires=["token.is_sent_start", "doc.spans"],
    assigns=["doc.spans"],
)(_factory(FindingTagger))
make_metrics = Language.factory("ofsted_metrics", requires=["doc.spans"], assigns=["doc.spans"])(_factory(MetricTagger))
make_metadata = Language.factory(METADATA_PIPE, requires=["doc._.of_blocks"], assigns=["doc._.of_letter"])(
    _factory(LetterReader)
)
