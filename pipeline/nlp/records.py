"""Reading and writing the records the components keep on a Doc (see :mod:`.extensions`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from spacy.tokens import Doc

from ofsted_findings.layout.normalize import Block, BlockKind, PageMap, PageRun
from ofsted_findings.models import Section, Sentence
from ofsted_findings.nlp import extensions as ext
from ofsted_findings.nlp.sections import SectionClassifier, SectionInfo

logger = logging.getLogger(__name__)


def set_layout(doc: Doc, blocks: Sequence[Block], runs: Sequence[PageRun]) -> None:
    """Store blocks and page runs on the Doc (as lists, which serialise)."""
    doc._.set(
        ext.BLOCKS,
        [
            [
                block.kind.value,
                block.start,
                block.body_start,
                block.end,
                block.page,
                block.lines,
            ]
            for block in blocks
        ],
    )
    doc._.set(ext.PAGES, [[run.start, run.page] for run in runs])


def blocks_of(doc: Doc) -> list[Block]:
    """The Doc's blocks."""
    raw = doc._.get(ext.BLOCKS)
    if raw is None:
        raise ValueError("the Doc has no blocks: run the ofsted_layout component first")
    return [
        Block.model_construct(
            kind=BlockKind(kind),
            start=start,
            body_start=body,
            end=end,
            page=page,
            lines=lines,
        )
        for kind, start, body, end, page, lines in raw
    ]


def page_map_of(doc: Doc) -> PageMap:
    """Page look-ups for the Doc's characters."""
    raw = doc._.get(ext.PAGES) or [[0, 1]]
    return PageMap([PageRun.model_construct(start=start, page=page) for start, page in raw])


def section_infos(doc: Doc, classifier: SectionClassifier) -> list[SectionInfo]:
    """The sections the ``ofsted_sections`` component found, with their heading rules."""
    records = _records(doc, ext.SECTIONS, "ofsted_sections")
    rule_ids = doc._.get(ext.SECTION_RULES) or [None] * len(records)
    return [
        SectionInfo.model_construct(
            section=Section.model_construct(**record),
            rule=classifier.by_id.get(rule_id) if rule_id else None,
        )
        for record, rule_id in zip(records, rule_ids, strict=True)
    ]


class MadeModels:
    """The models a component stored as records on the Doc it processed last, so that later
    stages and the Document need not rebuild them from the records.

    The models are handed out only while the Doc still holds the very record list they were
    stored with (an identity check): a Doc read from disk, made in another process or given
    other records falls back to the records. One entry per span group, for one Doc at a time.
    """

    def __init__(self) -> None:
        self._made: dict[str, tuple[list[dict[str, Any]], list[Any]]] = {}

    def keep(self, group: str, records: list[dict[str, Any]], models: Sequence[Any]) -> None:
        """Remember the models behind ``records``, the list just set on the Doc for ``group``."""
        self._made[group] = (records, list(models))

    def of(self, doc: Doc, group: str) -> list[Any] | None:
        """The models behind the Doc's records of ``group``, if they are the ones kept."""
        made = self._made.get(group)
        if made is None or doc._.get(ext.RECORDS[group]) is not made[0]:
            return None
        return list(made[1])


def sentences_of(doc: Doc, made: MadeModels | None = None) -> list[Sentence]:
    """The running-text sentences the ``ofsted_sentences`` component found."""
    kept = made.of(doc, ext.SENTENCES) if made is not None else None
    if kept is not None:
        return kept
    return [Sentence.model_construct(**record) for record in _records(doc, ext.SENTENCES, "ofsted_sentences")]


def finding_spans(doc: Doc) -> list[tuple[int, int, str]]:
    """``(start, end, id)`` of every finding, sorted (what the metrics stage links figures to)."""
    return sorted(
        (record["start"], record["end"], record["id"]) for record in _records(doc, ext.FINDINGS, "ofsted_findings")
    )


def _records(doc: Doc, group: str, component: str) -> list[dict[str, Any]]:
    records = doc._.get(ext.RECORDS[group])
    if records is None:
        raise ValueError(f"the Doc has no {group!r} records: run the {component} component first")
    return list(records)
