"""Gold annotations (``corpus/gold``): loading them and anchoring their quotes in the tool's text.

Gold items carry short quotes, not offsets into a fixed text, so they survive changes to
normalisation: :class:`Anchor` finds each quote in the current ``Document.text`` after
folding case-insensitive whitespace, quotes, dashes and ligatures.
"""

from __future__ import annotations

import json
import logging
import re
from bisect import bisect_left
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ofsted_findings.ruleset.schema import LayoutRules

logger = logging.getLogger(__name__)

ELLIPSIS = "…"
Split = Literal["tune", "test"]
Label = Literal["strength", "weakness", "mixed", "neutral"]


class GoldHeader(BaseModel):
    """First line of a gold file: which document and which part of it was annotated."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    sha256: str
    split: Split
    selection: str
    pages: list[int] | None = Field(
        default=None,
        description="Pages annotated whole (every sentence on them is in the file), so that a finding on them "
        "that overlaps no gold sentence is a false positive. None: only the listed sentences are scored.",
    )


class GoldSentence(BaseModel):
    """A hand-labelled sentence."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    sha256: str
    split: Split
    page: int
    quote: str
    n_words: int
    label: Label
    strength_quote: str | None = None
    weakness_quote: str | None = None
    themes: list[str] = Field(default_factory=list)
    section: str = ""
    note: str = ""
    start: int | None = None
    end: int | None = None


class GoldBaseline(BaseModel):
    """A gold baseline."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    figure: str | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    date: str | None = None
    date_text: str | None = None


class GoldComparator(BaseModel):
    """A gold comparator."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    figure: str | None = None
    value: float | None = None
    label: str | None = None


class GoldFigure(BaseModel):
    """A hand-annotated figure."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    sha256: str
    split: Split
    page: int
    figure: str
    context: str
    kind: str
    value: float | None
    low: float | None = None
    high: float | None = None
    unit: str
    approx: str = "exact"
    change: str | None = None
    date: str | None = None
    date_text: str | None = None
    subject: str | None = None
    baseline: GoldBaseline | None = None
    comparator: GoldComparator | None = None
    note: str = ""
    footnote: bool = Field(default=False, description="The figure is printed in a footnote body.")
    flag: Literal["inspection_team", "administrative"] | None = Field(
        default=None,
        description="A figure that does not measure the service: the inspection team's size or an "
        "administrative interval.",
    )
    indicator: str | None = Field(
        default=None, description="Id of the canonical measure (indicators rule file) the figure is one of, or null."
    )
    start: int | None = None
    end: int | None = None


class GoldFile(BaseModel):
    """One gold file: its header and items."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    header: GoldHeader
    sentences: list[GoldSentence] = Field(default_factory=list)
    figures: list[GoldFigure] = Field(default_factory=list)


def load_gold(folder: Path, family: Literal["findings", "metrics"]) -> list[GoldFile]:
    """All gold files of a family, sorted by name."""
    files: list[GoldFile] = []
    for path in sorted((folder / family).glob("*.jsonl")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        header = GoldHeader.model_validate_json(lines[0])
        if family == "findings":
            items = [GoldSentence.model_validate_json(line) for line in lines[1:]]
            files.append(GoldFile(path=path.name, header=header, sentences=items))
        else:
            figures = [GoldFigure.model_validate_json(line) for line in lines[1:]]
            files.append(GoldFile(path=path.name, header=header, figures=figures))
    return files


class Anchor:
    """Finds gold quotes in a document's text despite whitespace, quote and case differences."""

    def __init__(self, text: str, layout: LayoutRules) -> None:
        """``layout``: the character and ligature mappings that normalisation applied to ``text``."""
        self.text = text
        table = {ord(k): v for k, v in layout.characters.items()}
        table.update({ord(k): v for k, v in layout.ligatures.items()})
        table[0xFFFE] = "-"
        self._table = table
        folded: list[str] = []
        positions: list[int] = []
        previous_space = True
        for index, char in enumerate(text):
            mapped = char.translate(table).lower()
            for piece in mapped:
                if piece.isspace():
                    if previous_space:
                        continue
                    piece = " "
                    previous_space = True
                else:
                    previous_space = False
                folded.append(piece)
                positions.append(index)
        self.folded = "".join(folded)
        self.positions = positions

    def fold(self, quote: str) -> str:
        """The quote folded like the text."""
        return re.sub(r"\s+", " ", quote.translate(self._table).lower()).strip()

    def find(self, quote: str, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
        """Offsets in ``text`` of a plain quote, searching ``text[start:end]``."""
        folded = self.fold(quote)
        if not folded:
            return None
        lo = self._folded_index(start)
        hi = self._folded_index(end) if end is not None else len(self.folded)
        found = self.folded.find(folded, lo, hi)
        if found < 0:
            return None
        return self.positions[found], self.positions[found + len(folded) - 1] + 1

    def find_all(self, quote: str) -> list[tuple[int, int]]:
        """Every occurrence of a plain quote."""
        folded = self.fold(quote)
        results: list[tuple[int, int]] = []
        if not folded:
            return results
        found = self.folded.find(folded)
        while found >= 0:
            results.append((self.positions[found], self.positions[found + len(folded) - 1] + 1))
            found = self.folded.find(folded, found + 1)
        return results

    def find_sentence(self, quote: str, n_words: int, after: int = 0) -> tuple[int, int] | None:
        """Offsets of a sentence quoted as 'first words … last words'."""
        if ELLIPSIS not in quote:
            return self.find(quote, after) or self.find(quote)
        head, tail = (part.strip() for part in quote.split(ELLIPSIS, 1))
        for start_from in (after, 0):
            first = self.find(head, start_from)
            while first is not None:
                limit = first[0] + max(400, n_words * 14)
                last = self.find(tail, first[1], limit)
                if last is not None:
                    return first[0], last[1]
                first = self.find(head, first[1])
        return None

    def _folded_index(self, offset: int) -> int:
        return bisect_left(self.positions, offset)


def write_anchored(
    folder: Path,
    family: Literal["findings", "metrics"],
    texts: dict[str, str],
    layout: LayoutRules,
) -> tuple[int, int]:
    """Fill ``start``/``end`` in the gold files from their quotes; returns (anchored, missed)."""
    anchored = missed = 0
    for gold in load_gold(folder, family):
        text = texts.get(gold.header.sha256)
        if text is None:
            continue
        anchor = Anchor(text, layout)
        lines = [json.dumps(gold.header.model_dump(), ensure_ascii=False)]
        cursor = 0
        if family == "findings":
            for sentence in gold.sentences:
                span = anchor.find_sentence(sentence.quote, sentence.n_words, cursor)
                if span:
                    anchored += 1
                    cursor = span[1]
                else:
                    missed += 1
                updated = sentence.model_copy(
                    update={
                        "start": span[0] if span else None,
                        "end": span[1] if span else None,
                    }
                )
                lines.append(json.dumps(updated.model_dump(), ensure_ascii=False))
        else:
            for figure in gold.figures:
                span = anchor_figure(anchor, figure)
                anchored += span is not None
                missed += span is None
                anchored_figure = figure.model_copy(
                    update={
                        "start": span[0] if span else None,
                        "end": span[1] if span else None,
                    }
                )
                # An indicator the file does not state stays unstated (not labelled is not 'no indicator').
                unstated = set() if "indicator" in figure.model_fields_set else {"indicator"}
                lines.append(json.dumps(anchored_figure.model_dump(exclude=unstated), ensure_ascii=False))
        (folder / family / gold.path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return anchored, missed


def anchor_figure(anchor: Anchor, figure: GoldFigure) -> tuple[int, int] | None:
    """Offsets of a gold figure: its context first, then the figure inside it."""
    context = anchor.find(figure.context)
    if context is None:
        return None
    return anchor.find(figure.figure, context[0], context[1])
