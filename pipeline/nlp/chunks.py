"""Long documents in pieces: any length in linear time and bounded memory.

A text longer than :data:`CHUNK_CHARS` is cut at block boundaries (at a section start where
one is near), each piece is run through the spaCy pipeline as a Doc of its own, and the
pieces' sentences, findings and metrics are moved to their places in the whole text (every
offset shifted, every id made again from the shifted offsets, every cross-reference
mapped). Sections and metadata are read from the whole text, which needs no tokens. A
piece that starts inside a section is told which section it continues, so its sentences
keep that section's rules (a "What needs to improve" list cut in two stays weaknesses).
"""

from __future__ import annotations

import itertools
import logging
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from ofsted_findings.findings.output import finding_id
from ofsted_findings.layout.normalize import Block, Normalized, PageRun
from ofsted_findings.metrics.extractor import metric_id
from ofsted_findings.models import Cue, Finding, Metric, Polarity, Section, Sentence
from ofsted_findings.nlp.sections import SectionInfo
from ofsted_findings.nlp.sentences import sentence_id

logger = logging.getLogger(__name__)

#: Texts longer than this many characters are processed in pieces of about this size.
CHUNK_CHARS = 300_000
#: A cut at a section start is preferred when one is in the last part of a piece (this share of it).
SECTION_CUT_SHARE = 0.5


@dataclass(frozen=True)
class Chunk:
    """Characters ``[start, end)`` of the whole text, its blocks, and the section the piece
    begins inside (if any)."""

    start: int
    end: int
    blocks: tuple[Block, ...]
    context: SectionInfo | None


#: Where a block too long for one piece may be cut: after a sentence's end, else at a space.
SENTENCE_END_RE = re.compile(r"[.!?][\"')\]]*\s+")
SPACE_RE = re.compile(r"\s+")


def split_long_blocks(text: str, blocks: Sequence[Block], size: int) -> list[Block]:
    """The blocks, with any block longer than ``size`` cut into parts of at most about
    ``size`` characters (after a sentence's end where there is one, else at a space, else
    anywhere), so that no piece has to hold more than one part. Real documents have no
    such block; a text of one endless line does."""
    result: list[Block] = []
    for block in blocks:
        if block.end - block.start <= size:
            result.append(block)
            continue
        start = block.start
        while block.end - start > size:
            cut = _cut_point(text, start, start + size)
            result.append(
                block.model_copy(update={"start": start, "body_start": max(start, block.body_start), "end": cut})
            )
            start = cut
        result.append(
            block.model_copy(update={"start": start, "body_start": max(start, block.body_start), "end": block.end})
        )
    return result


def _cut_point(text: str, start: int, limit: int) -> int:
    """The last sentence end (else space) in the second half of ``[start, limit)``; else ``limit``."""
    low = start + (limit - start) // 2
    for pattern in (SENTENCE_END_RE, SPACE_RE):
        last = None
        for match in pattern.finditer(text, low, limit):
            last = match.end()
        if last is not None and start < last < limit:
            return last
    return limit


def plan_chunks(norm: Normalized, sections: Sequence[SectionInfo], size: int = CHUNK_CHARS) -> list[Chunk]:
    """Pieces of at most about ``size`` characters, cut at block starts (section starts preferred)."""
    blocks = split_long_blocks(norm.text, norm.blocks, size)
    section_starts = {info.section.start for info in sections}
    starts = [info.section.start for info in sections]
    cuts = [0]
    best_section_cut: int | None = None
    for block in blocks:
        if block.start <= cuts[-1]:
            continue
        length = block.start - cuts[-1]
        if block.start in section_starts and length >= size * SECTION_CUT_SHARE:
            best_section_cut = block.start
        if length >= size:
            cuts.append(
                best_section_cut if best_section_cut is not None and best_section_cut > cuts[-1] else block.start
            )
            best_section_cut = None
    chunks: list[Chunk] = []
    bounds = [*cuts, len(norm.text)]
    block_starts = [block.start for block in blocks]
    for start, end in itertools.pairwise(bounds):
        if end <= start:
            continue
        context = None
        if start not in section_starts and start > 0:
            index = bisect_right(starts, start) - 1
            context = sections[index] if index >= 0 else None
        inside = blocks[bisect_left(block_starts, start) : bisect_left(block_starts, end)]
        chunks.append(Chunk(start=start, end=end, blocks=tuple(inside), context=context))
    return chunks


def chunk_layout(norm: Normalized, chunk: Chunk) -> tuple[str, list[Block], list[PageRun]]:
    """The piece's text, blocks and page runs, with offsets relative to the piece."""
    text = norm.text[chunk.start : chunk.end]
    base = chunk.start
    blocks = [
        block.model_copy(
            update={"start": block.start - base, "body_start": block.body_start - base, "end": block.end - base}
        )
        for block in chunk.blocks
    ]
    runs = norm.page_runs
    first = max(0, bisect_right([run.start for run in runs], base) - 1)
    shifted = [PageRun(start=max(0, run.start - base), page=run.page) for run in runs[first:] if run.start < chunk.end]
    return text, blocks, shifted or [PageRun(start=0, page=1)]


class Merger:
    """Moves the items of each piece to their places in the whole text."""

    def __init__(self, sections: Sequence[Section]) -> None:
        self.sections = list(sections)
        self._section_starts = [section.start for section in sections]

    def _section_at(self, offset: int) -> Section | None:
        index = bisect_right(self._section_starts, offset) - 1
        return self.sections[index] if index >= 0 else None

    def move(
        self, base: int, sentences: Sequence[Sentence], findings: Sequence[Finding], metrics: Sequence[Metric]
    ) -> tuple[list[Sentence], list[Finding], list[Metric]]:
        """One piece's items (offsets relative to ``base``), moved to the whole text."""
        moved_sentences: list[Sentence] = []
        moved_findings: list[Finding] = []
        moved_metrics: list[Metric] = []
        sentence_ids: dict[str, str] = {}
        for sentence in sentences:
            start, end = sentence.start + base, sentence.end + base
            section = self._section_at(start)
            moved = sentence.model_copy(
                update={
                    "id": sentence_id(start, end),
                    "start": start,
                    "end": end,
                    "section": section.id if section else None,
                }
            )
            sentence_ids[sentence.id] = moved.id
            moved_sentences.append(moved)
        finding_ids: dict[str, str] = {}
        for finding in findings:
            start, end = finding.start + base, finding.end + base
            section = self._section_at(start)
            moved_finding = finding.model_copy(
                update={
                    "id": finding_id(start, end, Polarity(finding.polarity).value),
                    "start": start,
                    "end": end,
                    "sentence": sentence_ids.get(finding.sentence, finding.sentence),
                    "section": section.id if section else None,
                    "cues": [self._cue(cue, base, section) for cue in finding.cues],
                }
            )
            finding_ids[finding.id] = moved_finding.id
            moved_findings.append(moved_finding)
        for metric in metrics:
            start, end = metric.start + base, metric.end + base
            baseline = metric.baseline
            if baseline is not None and baseline.start is not None and baseline.end is not None:
                baseline = baseline.model_copy(update={"start": baseline.start + base, "end": baseline.end + base})
            moved_metrics.append(
                metric.model_copy(
                    update={
                        "id": metric_id(start, end, metric.text),
                        "start": start,
                        "end": end,
                        "sentence": sentence_ids.get(metric.sentence, metric.sentence) if metric.sentence else None,
                        "finding": finding_ids.get(metric.finding, metric.finding) if metric.finding else None,
                        "baseline": baseline,
                    }
                )
            )
        return moved_sentences, moved_findings, moved_metrics

    @staticmethod
    def _cue(cue: Cue, base: int, section: Section | None) -> Cue:
        if cue.kind == "section_default" and section is not None:
            # the section's own heading, which a piece that starts inside it does not hold
            return cue.model_copy(
                update={"text": section.title, "start": section.start, "end": section.start + len(section.title)}
            )
        return cue.model_copy(update={"start": cue.start + base, "end": cue.end + base})
