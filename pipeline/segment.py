"""Sentence segmentation: ``spacy.blank("en")`` plus our own boundary rules.

The ``ofsted_sentences`` component sets ``Token.is_sent_start`` for every token: a
sentence starts at every block (heading, paragraph, bullet, numbered paragraph), so no
sentence spans a heading or list item, and inside a block after sentence-final
punctuation that is not an abbreviation, when the next word does not start in lower case.
Blocks joined across page breaks stay one block, so a sentence continued on the next page
stays one sentence. The block offsets come from normalisation through the
``Doc._.of_block_starts`` extension.
"""

from __future__ import annotations

import logging
from functools import cache

import numpy
import spacy
from spacy.attrs import SENT_START
from pydantic import BaseModel, ConfigDict
from spacy.language import Language
from spacy.tokens import Doc

from models import Sentence
from pipeline.normalize import BlockKind, Normalized, PageMap
from pipeline.resources import load_json
from pipeline.sections import SectionInfo

logger = logging.getLogger(__name__)

BLOCK_STARTS_EXTENSION = "of_block_starts"


class SegmentRules(BaseModel):
    """Tunables of sentence segmentation (``pipeline/rules/segment.json``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sentence_final: list[str]
    closing_punctuation: list[str]
    abbreviations: list[str]
    sentence_block_kinds: list[BlockKind]


@cache
def segment_rules() -> SegmentRules:
    """The packaged segmentation rules."""
    return SegmentRules.model_validate(load_json("rules", "segment.json"))


def register_extensions() -> None:
    """Register the Doc extensions this package uses (idempotent)."""
    if not Doc.has_extension(BLOCK_STARTS_EXTENSION):
        Doc.set_extension(BLOCK_STARTS_EXTENSION, default=None)


class SentenceSetter:
    """Sets sentence starts from block offsets and punctuation rules."""

    def __init__(self, rules: SegmentRules) -> None:
        """``rules``: which punctuation ends a sentence and which words are abbreviations."""
        self.final = frozenset(rules.sentence_final)
        self.closing = frozenset(rules.closing_punctuation)
        self.abbreviations = frozenset(rules.abbreviations)

    def __call__(self, doc: Doc) -> Doc:
        starts = self.boundaries(doc)
        values = numpy.full((len(doc), 1), -1, dtype="int32")
        for index in starts:
            if index < len(doc):
                values[index, 0] = 1
        doc.from_array([SENT_START], values.astype("uint64"))  # type: ignore[arg-type]
        return doc

    def boundaries(self, doc: Doc) -> set[int]:
        """Token indices that start a sentence."""
        block_starts: frozenset[int] = frozenset(doc._.get(BLOCK_STARTS_EXTENSION) or ())
        starts = {0}
        pending = False
        for token in doc:
            if token.idx in block_starts:
                starts.add(token.i)
                pending = False
                continue
            if token.is_space:
                continue
            text = token.text
            if pending and text in self.closing:
                continue
            if pending and not text[:1].islower() and text not in self.final:
                starts.add(token.i)
            pending = self._ends_sentence(doc, token)
        return starts

    def _ends_sentence(self, doc: Doc, token: spacy.tokens.Token) -> bool:
        text = token.text
        if text in self.final:
            if text == "." and token.i > 0:
                previous = doc[token.i - 1]
                if not previous.whitespace_ and previous.lower_.rstrip(".") in self.abbreviations:
                    return False
            return True
        if text.endswith(".") and len(text) > 1:
            return text.lower().rstrip(".") not in self.abbreviations
        return False


@Language.factory("ofsted_sentences", assigns=["token.is_sent_start"], default_config={})
def make_sentence_setter(nlp: Language, name: str) -> SentenceSetter:
    """spaCy factory for :class:`SentenceSetter` with the packaged rules."""
    register_extensions()
    return SentenceSetter(segment_rules())


def sentence_id(start: int, end: int) -> str:
    """Content-derived id from position."""
    return f"s-{start:06d}-{end:06d}"


def extract_sentences(doc: Doc, norm: Normalized, sections: list[SectionInfo]) -> list[Sentence]:
    """Sentences of running text (not headings, letterhead or footnotes), with section ids."""
    kinds = frozenset(segment_rules().sentence_block_kinds)
    page_of = PageMap(norm.page_runs)
    block_index = 0
    blocks = norm.blocks
    section_starts = [info.section.start for info in sections]
    result: list[Sentence] = []
    section_cursor = -1
    for span in doc.sents:
        first = next((token for token in span if not token.is_space), None)
        if first is None:
            continue
        start = first.idx
        last = next(token for token in reversed(span) if not token.is_space)
        end = last.idx + len(last.text)
        while block_index + 1 < len(blocks) and blocks[block_index].end <= start:
            block_index += 1
        block = blocks[block_index]
        if block.kind not in kinds or not (block.start <= start < block.end):
            continue
        start = max(start, block.body_start) if start < block.body_start else start
        if start >= end:
            continue
        while section_cursor + 1 < len(section_starts) and section_starts[section_cursor + 1] <= start:
            section_cursor += 1
        section = sections[section_cursor].section.id if section_cursor >= 0 else None
        result.append(Sentence(id=sentence_id(start, end), section=section, page=page_of(start), start=start, end=end))
    return result
