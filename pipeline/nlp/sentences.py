"""Sentence segmentation: ``spacy.blank("en")`` plus our own boundary rules.

:class:`SentenceSetter` sets ``Token.is_sent_start`` for every token: a sentence starts at
every block (heading, paragraph, bullet, numbered paragraph), so no sentence spans a
heading or list item, and inside a block after sentence-final punctuation that is not an
abbreviation, when the next word does not start in lower case. Blocks joined across page
breaks stay one block, so a sentence continued on the next page stays one sentence.
"""

from __future__ import annotations

import itertools
import logging
import re
from bisect import bisect_left
from collections.abc import Sequence
from typing import Literal

import numpy
from spacy.attrs import IDX, SENT_START
from spacy.tokens import Doc

from ofsted_findings.layout.normalize import Block, BlockKind, PageMap
from ofsted_findings.models import Sentence
from ofsted_findings.nlp.doctext import doc_text
from ofsted_findings.nlp.sections import SectionInfo
from ofsted_findings.ruleset.schema import SegmentRules, Vocabulary

logger = logging.getLogger(__name__)

SentenceBlock = Literal["paragraph", "bullet", "numbered", "field"]
#: Block kinds that hold sentences, as the output names them.
SENTENCE_BLOCKS: dict[BlockKind, SentenceBlock] = {
    BlockKind.PARAGRAPH: "paragraph",
    BlockKind.BULLET: "bullet",
    BlockKind.NUMBERED: "numbered",
    BlockKind.FIELD: "field",
}


class SentenceSetter:
    """Sets sentence starts from block offsets and punctuation rules."""

    def __init__(self, rules: SegmentRules, vocabulary: Vocabulary) -> None:
        """``rules``: which punctuation ends a sentence and which words are abbreviations
        (with the month abbreviations of ``vocabulary``)."""
        self.final = frozenset(rules.sentence_final)
        self.abbreviations = frozenset(rules.abbreviations) | frozenset(vocabulary.abbreviations())
        final = "".join(re.escape(mark) for mark in rules.sentence_final)
        closing = "".join(re.escape(mark) for mark in rules.closing_punctuation)
        # Sentence-final punctuation, any closing quotes or brackets, white space, then the next character.
        self.end_re = re.compile(rf"(?P<final>[{final}])[{closing}]*\s+(?=\S)")

    def __call__(self, doc: Doc, block_starts: Sequence[int]) -> Doc:
        """Set ``is_sent_start`` on every token (a sentence starts at every block start)."""
        if not len(doc):
            return doc
        offsets = _token_offsets(doc)
        values = numpy.full((len(doc), 1), -1, dtype="int64")
        for offset in sorted(self.boundaries(doc, block_starts)):
            index = bisect_left(offsets, offset)
            if index < len(doc) and offsets[index] == offset:
                values[index, 0] = 1
        values[0, 0] = 1
        doc.from_array([SENT_START], values.astype("uint64"))  # type: ignore[arg-type]
        return doc

    def boundaries(self, doc: Doc, block_starts: Sequence[int]) -> set[int]:
        """Character offsets where a sentence starts: every block start, and the first character
        after sentence-final punctuation (with any closing quotes or brackets) and white space,
        unless it is lower case or the full stop ends an abbreviation."""
        text = doc_text(doc)
        starts = {0, *block_starts}
        for match in self.end_re.finditer(text):
            following = text[match.end()]
            if following.islower() or following in self.final:
                continue
            if match.group("final") == "." and self._abbreviation_before(text, match.start()):
                continue
            starts.add(match.end())
        return starts

    def _abbreviation_before(self, text: str, position: int) -> bool:
        """Whether the word ending at ``position`` (a full stop) is an abbreviation."""
        word = WORD_BEFORE_RE.search(text, max(0, position - 24), position)
        return word is not None and word.group(0).lower().rstrip(".") in self.abbreviations


WORD_BEFORE_RE = re.compile(r"[\w.'’-]*$")


def _token_offsets(doc: Doc) -> list[int]:
    """Character offset of every token (without building Token objects)."""
    return [int(offset) for offset in doc.to_array(IDX)]


def sentence_id(start: int, end: int) -> str:
    """Content-derived id from position."""
    return f"s-{start:06d}-{end:06d}"


def extract_sentences(
    doc: Doc,
    blocks: Sequence[Block],
    sections: list[SectionInfo],
    page_of: PageMap,
    rules: SegmentRules,
    not_running: set[int] | frozenset[int] = frozenset(),
) -> list[Sentence]:
    """Sentences of running text (not headings, letterhead or footnotes, nor the blocks whose
    indices are in ``not_running``), with section ids."""
    kinds = frozenset(BlockKind(kind) for kind in rules.sentence_block_kinds)
    text = doc_text(doc)
    offsets = _token_offsets(doc)
    flags = doc.to_array(SENT_START).tolist() if len(doc) else []
    token_starts = [i for i, flag in enumerate(flags) if flag == 1]
    bounds = [offsets[i] for i in token_starts] + [len(text)]
    block_index = 0
    section_starts = [info.section.start for info in sections]
    result: list[Sentence] = []
    section_cursor = -1
    for raw_start, raw_end in itertools.pairwise(bounds):
        chunk = text[raw_start:raw_end]
        stripped = chunk.strip()
        if not stripped:
            continue
        start = raw_start + (len(chunk) - len(chunk.lstrip()))
        end = start + len(stripped)
        while block_index + 1 < len(blocks) and blocks[block_index].end <= start:
            block_index += 1
        block = blocks[block_index]
        if block.kind not in kinds or block_index in not_running or not (block.start <= start < block.end):
            continue
        start = max(start, block.body_start)
        if start >= end:
            continue
        while section_cursor + 1 < len(section_starts) and section_starts[section_cursor + 1] <= start:
            section_cursor += 1
        section = sections[section_cursor].section.id if section_cursor >= 0 else None
        result.append(
            Sentence(
                id=sentence_id(start, end),
                section=section,
                block=SENTENCE_BLOCKS[block.kind],
                page=page_of(start),
                start=start,
                end=end,
            )
        )
    return result
