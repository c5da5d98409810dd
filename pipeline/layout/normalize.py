"""Normalisation: lines of pages -> one clean text of blocks, with the page of every character.

Running headers and footers and page numbers are dropped (by position and repetition
across pages), the letterhead and address block of a letter is kept line by line as a
``letterhead`` block, footnote bodies are moved to the end of the text, wrapped lines are
joined into paragraphs (also across page breaks), line-end hyphenation is undone only
where the hyphen is not part of the word, bullets and numbered paragraphs become blocks of
their own, and ligatures, curly quotes and odd spaces are mapped to plain characters.
All tunables live in ``rules/layout.json`` (:class:`~ofsted_findings.ruleset.schema.LayoutRules`).
"""

from __future__ import annotations

import logging
import math
import re
from bisect import bisect_right
from collections import Counter
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from ofsted_findings.ingest.reader import Ingested, Line
from ofsted_findings.ruleset.schema import LayoutRules

logger = logging.getLogger(__name__)


class BlockKind(str, Enum):
    """What a block of text is on the page."""

    LETTERHEAD = "letterhead"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    BULLET = "bullet"
    NUMBERED = "numbered"
    FIELD = "field"
    FOOTNOTE = "footnote"


class Block(BaseModel):
    """A heading, paragraph, list item or footnote in the normalised text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: BlockKind
    start: int = Field(description="Offset of the block's first character.")
    body_start: int = Field(description="Offset after a paragraph number, if any.")
    end: int
    page: int = Field(description="Page of the block's first character.")
    lines: int = Field(description="Number of printed lines joined into the block.")

    @classmethod
    def make(cls, kind: BlockKind, start: int, body_start: int, end: int, page: int, lines: int) -> Block:
        """A block from values the normaliser computed (not validated again; every field set,
        one shared set of field names: a long text has hundreds of thousands of blocks)."""
        return cls.model_construct(
            _fields_set=BLOCK_FIELDS, kind=kind, start=start, body_start=body_start, end=end, page=page, lines=lines
        )


#: The field names of every Block (never changed: blocks are frozen).
BLOCK_FIELDS: set[str] = set(Block.model_fields)


class PageRun(BaseModel):
    """From ``start`` on (until the next run), characters are on ``page``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: int
    page: int


class Normalized(BaseModel):
    """The document's text, its blocks and the page map."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    blocks: list[Block]
    page_runs: list[PageRun]
    running_lines_removed: int
    markers_removed: int

    def page_at(self, offset: int) -> int:
        """Page of the character at ``offset``."""
        starts = [run.start for run in self.page_runs]
        index = bisect_right(starts, offset) - 1
        return self.page_runs[max(index, 0)].page


class PageMap:
    """Fast repeated page look-ups over a :class:`Normalized` text."""

    def __init__(self, runs: list[PageRun]) -> None:
        self._starts = [run.start for run in runs]
        self._pages = [run.page for run in runs]

    def __call__(self, offset: int) -> int:
        return self._pages[max(bisect_right(self._starts, offset) - 1, 0)]


DIGITS_RE = re.compile(r"\d+")
SPACES_RE = re.compile(r"[ ]{2,}")
NUMBERED_RE = re.compile(r"^(\d{1,3}\.(?:\d{1,2}\.?)?)\s+(?=\S)")
FIELD_RE = re.compile(r"^[A-Z][A-Za-z’' ]{2,40}:\s")
TERMINAL_RE = re.compile(r"[.!?:;][\"'’”)]*$")
HYPHEN_END_RE = re.compile(r"(\w+)[-\ufffe\u00ad]$")
# PDFium joins a line that ends in a hyphen to the next one and marks the hyphen U+FFFE.
MID_HYPHEN_RE = re.compile(r"(\w*)\ufffe(?=(.?))")
LEADING_WORD_RE = re.compile(r"^(\w+)")
WORD_RE = re.compile(r"[A-Za-z]+")
NO_SPACE_BEFORE_RE = re.compile(r"^[.,;:)\]%]")
FOOTNOTE_START_RE = re.compile(r"^\d{1,2}(?:\s*\S|$)")
COMPOUND_RE = re.compile(r"[A-Za-z]+-[A-Za-z]+")

#: How two wrapped lines are joined (besides a plain " ").
JOIN_WORD = "join-word"  # drop the line-end hyphen: a word broken by hyphenation
KEEP_HYPHEN = "keep-hyphen"  # keep the hyphen, no space: a real compound
NO_SPACE = "no-space"  # the next line starts with punctuation


class _Builder:
    """Accumulates text with the page of each piece."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.runs: list[PageRun] = []

    def add(self, piece: str, page: int) -> None:
        if not piece:
            return
        if not self.runs or self.runs[-1].page != page:
            self.runs.append(PageRun(start=self.length, page=page))
        self.parts.append(piece)
        self.length += len(piece)

    def text(self) -> str:
        return "".join(self.parts)


class _Item:
    """A cleaned line (internal to this module; a plain class because there is one per line)."""

    __slots__ = ("line", "text")

    def __init__(self, line: Line, text: str) -> None:
        self.line = line
        self.text = text


def normalize(doc: Ingested, rules: LayoutRules) -> Normalized:
    """Turn ingested lines into one text of blocks.

    Three passes: clean every line (characters, hyphens marked by PDFium), find the page
    furniture (running lines, the letterhead, footnote zones), then assemble the blocks
    line by line (:class:`_Assembler`)."""
    table = _char_table(rules)
    heights = {page.number: page.height for page in doc.pages}
    pages = [
        _reading_order([_Item(line=line, text=_clean(line.text, table)) for line in page.lines], page.height, rules)
        for page in doc.pages
    ]
    body_size = _body_size(pages)
    vocabulary = _vocabulary(pages)
    for items in pages:
        for item in items:
            if "\ufffe" in item.text:
                item.text = _resolve_hyphens(item.text, vocabulary, rules)
    furniture = _Furniture.find(pages, heights, body_size, rules)
    assembler = _Assembler(rules, vocabulary, body_size, heights, furniture)
    for page_index, items in enumerate(pages):
        assembler.page(page_index, items)
    builder, blocks = assembler.finish()
    text = builder.text().removesuffix("\n")
    if not any(item.line.size for items in pages for item in items):
        blocks = _text_headings(blocks, text, rules)
    logger.debug("normalised: %d blocks, %d running lines removed", len(blocks), assembler.removed)
    return Normalized(
        text=text,
        blocks=blocks,
        page_runs=builder.runs or [PageRun(start=0, page=1)],
        running_lines_removed=assembler.removed,
        markers_removed=assembler.markers,
    )


def _reading_order(items: list[_Item], height: float, rules: LayoutRules) -> list[_Item]:
    """A page's lines with a displaced run put back where it is printed.

    Some letters' text layers give the letterhead, the date and the address block after
    part of the body, although they are printed at the top of the first page; read in that
    order they are glued into a paragraph. A run of lines printed wholly above every line
    before it (lines in the footer zone aside) is moved to the front of the page, in its own
    order; the lines after the run stay where they are."""
    if len(items) < 2 or not height or any(item.line.top is None for item in items):
        return items
    footer = height * rules.running_zone_bottom
    tops = [item.line.top or 0.0 for item in items]
    highest_before = math.inf  # the smallest top (highest line) so far, footer zone aside
    for start in range(len(items)):
        if highest_before < math.inf and tops[start] < highest_before and not items[start].line.continues_line:
            end = start
            while end < len(items) and tops[end] < highest_before:
                end += 1
            return items[start:end] + items[:start] + items[end:]
        if tops[start] < footer:
            highest_before = min(highest_before, tops[start])
    return items


class _Furniture:
    """What is not running text: running lines, the letterhead's end and each page's footnote zone."""

    def __init__(
        self,
        running: set[tuple[int, int]],
        letterhead_end: tuple[int, int] | None,
        footnote_starts: list[int | None],
        last_body: dict[int, int],
    ) -> None:
        self.running = running
        self.letterhead_end = letterhead_end
        self.footnote_starts = footnote_starts
        self.last_body = last_body

    @classmethod
    def find(
        cls, pages: list[list[_Item]], heights: dict[int, float], body_size: float | None, rules: LayoutRules
    ) -> _Furniture:
        running = _running_lines(pages, heights, rules)
        running |= _displaced_header_lines(pages, heights, body_size, rules)
        footnote_starts = [
            _footnote_start(items, running, page_index, body_size, heights, rules)
            for page_index, items in enumerate(pages)
        ]
        return cls(
            running=running,
            letterhead_end=_letterhead(pages, running, rules),
            footnote_starts=footnote_starts,
            last_body=_last_body_lines(pages, running, footnote_starts),
        )


class _Assembler:
    """The line-by-line assembly of blocks: one method for each kind of line."""

    def __init__(
        self,
        rules: LayoutRules,
        vocabulary: frozenset[str],
        body_size: float | None,
        heights: dict[int, float],
        furniture: _Furniture,
    ) -> None:
        self.rules = rules
        self.vocabulary = vocabulary
        self.body_size = body_size
        self.heights = heights
        self.furniture = furniture
        self.bullets = tuple(rules.bullet_glyphs)
        self.builder = _Builder()
        self.blocks: list[Block] = []
        self.footnotes: list[_Open] = []
        self.current: _Open | None = None
        self.previous: Line | None = None
        self.removed = 0
        self.markers = 0

    def page(self, page_index: int, items: list[_Item]) -> None:
        """Every line of a page, in order."""
        footnote_from = self.furniture.footnote_starts[page_index]
        letterhead_end = self.furniture.letterhead_end
        self.previous = None
        for line_index, item in enumerate(items):
            line = item.line
            self.markers += len(line.markers)
            if (page_index, line_index) in self.furniture.running:
                self.removed += 1
                continue
            text = item.text.strip()
            if footnote_from is not None and line_index >= footnote_from:
                self.footnote_line(text, line, first=line_index == footnote_from)
            elif letterhead_end is not None and (page_index, line_index) <= letterhead_end:
                self.letterhead_line(text, line)
            elif line.continues_line and self.continued_line(text, line):
                continue
            elif not text:
                self.blank_line(page_index, line_index)
            else:
                self.body_line(text, line)
        if self.current is not None and self.current.kind is BlockKind.LETTERHEAD:
            self._open(None)

    def finish(self) -> tuple[_Builder, list[Block]]:
        """Close the last block and write the footnotes at the end."""
        self._open(None)
        for note in self.footnotes:
            _close(note, self.builder, self.blocks)
        return self.builder, self.blocks

    def _open(self, block: _Open | None) -> None:
        """Close the open block and make ``block`` the open one."""
        _close(self.current, self.builder, self.blocks)
        self.current = block

    def _join(self, block: _Open, text: str, line: Line) -> None:
        block.add_line(text, line.page, joiner=_joiner(block.last_text(), text, self.vocabulary, self.rules))

    def footnote_line(self, text: str, line: Line, *, first: bool) -> None:
        """A line of the footnote zone: a new footnote where a number opens it."""
        if not text:
            return
        if first or FOOTNOTE_START_RE.match(text):
            self.footnotes.append(_Open(BlockKind.FOOTNOTE, line.page))
        self._join(self.footnotes[-1], text, line)

    def letterhead_line(self, text: str, line: Line) -> None:
        """A line of a letter's letterhead and address block (kept line by line)."""
        if self.current is None or self.current.kind is not BlockKind.LETTERHEAD:
            self._open(_Open(BlockKind.LETTERHEAD, line.page))
        assert self.current is not None
        if text:
            self.current.add_line(text, line.page, joiner="\n")
        self.previous = line

    def continued_line(self, text: str, line: Line) -> bool:
        """The rest of a printed line that PDFium split at a footnote marker; False when it is
        to be read as an ordinary line."""
        if text and self.current is not None and self.current.kind in _FLOW_KINDS:
            self._join(self.current, text, line)
            return True
        if not text:
            if line.markers and self.previous is not None:
                self.previous = line  # the rest of the printed line may follow, to the right of the marker
            return True
        return False

    def blank_line(self, page_index: int, line_index: int) -> None:
        """An empty line ends the open block, unless nothing but furniture follows on the page."""
        if line_index < self.furniture.last_body.get(page_index, -1):
            self._open(None)
            self.previous = None

    def body_line(self, text: str, line: Line) -> None:
        """A line of running text: it continues the open block or opens a new one."""
        kind, body = _classify(text, line, self.bullets, self.body_size, self.rules)
        current = self.current
        if kind is BlockKind.FIELD and self._field_inside_sentence(current, line):
            kind = None  # 'Label: value' inside a wrapped sentence ('... The use of SGOs in / Essex is high: ...')
        if kind is BlockKind.HEADING and current is not None and current.kind is BlockKind.HEADING:
            continues = self._continues(current, line)
        else:
            continues = (
                current is not None and kind is None and current.kind in _FLOW_KINDS and self._continues(current, line)
            )
        if continues and current is not None:
            self._join(current, body, line)
        else:
            block = _Open(kind or BlockKind.PARAGRAPH, line.page)
            self._open(block)
            if kind is BlockKind.NUMBERED:
                label = NUMBERED_RE.match(text)
                if label:
                    block.add_label(label.group(0), line.page)
                    body = text[label.end() :]
            block.add_line(body, line.page, joiner=" ")
        self.previous = line

    def _field_inside_sentence(self, current: _Open | None, line: Line) -> bool:
        return (
            current is not None
            and current.kind in (BlockKind.PARAGRAPH, BlockKind.BULLET, BlockKind.NUMBERED)
            and not TERMINAL_RE.search(current.last_text())
            and self._continues(current, line)
        )

    def _continues(self, block: _Open, line: Line) -> bool:
        return _continues(block, line, self.previous, self.body_size, self.heights, self.rules)


class _Open:
    """A block being assembled: its pieces keep their pages."""

    def __init__(self, kind: BlockKind, page: int) -> None:
        self.kind = kind
        self.page = page
        self.pieces: list[tuple[str, int]] = []
        self.label_length = 0
        self.lines = 0

    def add_label(self, label: str, page: int) -> None:
        self.pieces.append((label, page))
        self.label_length = len(label)

    def add_line(self, text: str, page: int, joiner: str) -> None:
        self.lines += 1
        if self.pieces and self.pieces[-1][0] and not (self.label_length and len(self.pieces) == 1):
            last, last_page = self.pieces[-1]
            if joiner == JOIN_WORD:
                self.pieces[-1] = (last[:-1], last_page)
            elif joiner == KEEP_HYPHEN:
                self.pieces[-1] = (last[:-1] + "-", last_page)
            elif joiner != NO_SPACE:
                self.pieces.append((joiner, page if joiner == "\n" else last_page))
        self.pieces.append((text, page))

    def last_text(self) -> str:
        return self.pieces[-1][0] if self.pieces else ""


#: Blocks that a wrapped line (or the rest of a printed line) can continue.
_FLOW_KINDS = (
    BlockKind.PARAGRAPH,
    BlockKind.BULLET,
    BlockKind.NUMBERED,
    BlockKind.HEADING,
)


def _last_body_lines(
    pages: list[list[_Item]],
    running: set[tuple[int, int]],
    footnote_starts: list[int | None],
) -> dict[int, int]:
    """Per page, the index of the last line of running text (a blank line after it ends nothing)."""
    last: dict[int, int] = {}
    for page_index, items in enumerate(pages):
        limit = footnote_starts[page_index]
        for line_index, item in enumerate(items):
            if limit is not None and line_index >= limit:
                break
            if item.text.strip() and (page_index, line_index) not in running:
                last[page_index] = line_index
    return last


def _close(block: _Open | None, builder: _Builder, blocks: list[Block]) -> None:
    """Write an open block into the text (followed by a newline)."""
    if block is None or not any(piece for piece, _ in block.pieces):
        return
    start = builder.length
    for piece, page in block.pieces:
        builder.add(piece, page)
    blocks.append(
        Block.make(
            kind=block.kind,
            start=start,
            body_start=start + block.label_length,
            end=builder.length,
            page=block.page,
            lines=block.lines,
        )
    )
    builder.add("\n", block.pieces[-1][1])


def _char_table(rules: LayoutRules) -> dict[int, str]:
    table = {ord(key): value for key, value in rules.characters.items()}
    table.update({ord(key): value for key, value in rules.ligatures.items()})
    return table


def _clean(text: str, table: dict[int, str]) -> str:
    soft_end = text.rstrip().endswith("\u00ad")
    cleaned = text.replace("\u00ad", "").translate(table)
    if soft_end:
        cleaned = cleaned.rstrip() + "\u00ad"
    if "  " in cleaned:
        cleaned = SPACES_RE.sub(" ", cleaned)
    return cleaned.rstrip()


def _running_key(text: str) -> str:
    return DIGITS_RE.sub("#", text.strip().lower())


def _running_lines(pages: list[list[_Item]], heights: dict[int, float], rules: LayoutRules) -> set[tuple[int, int]]:
    """Lines that are page furniture: page numbers and text repeated at page tops/bottoms."""
    number_res = [re.compile(pattern) for pattern in rules.page_number_patterns]
    candidates: dict[tuple[int, int], str] = {}
    for page_index, items in enumerate(pages):
        for line_index in _zone_lines(items, heights, rules):
            key = _running_key(items[line_index].text)
            if key:
                candidates[(page_index, line_index)] = key
    pages_with_key: dict[str, set[int]] = {}
    for (page_index, _), key in candidates.items():
        pages_with_key.setdefault(key, set()).add(page_index)
    threshold = max(
        rules.running_line_min_pages,
        int(len(pages) * rules.running_line_min_share + 0.999),
    )
    running: set[tuple[int, int]] = set()
    for position, key in candidates.items():
        if any(pattern.match(key) for pattern in number_res) or (
            len(pages) >= rules.running_line_min_pages and len(pages_with_key[key]) >= threshold
        ):
            running.add(position)
    running.update(_page_number_lines(pages, heights, rules))
    return running


def _page_number_lines(pages: list[list[_Item]], heights: dict[int, float], rules: LayoutRules) -> set[tuple[int, int]]:
    """Lone numbers close to the page's own number, printed in the outer bands of the page.

    Some reports print the page number just above the usual footer zone; its value (close to
    the physical page number) tells it apart from a figure in a table.
    """
    found: set[tuple[int, int]] = set()
    for page_index, items in enumerate(pages):
        for line_index, item in enumerate(items):
            text = item.text.strip()
            line = item.line
            if not text.isdigit() or len(text) > 4 or line.top is None:
                continue
            height = heights.get(line.page) or 0.0
            outer = (
                line.top <= height * rules.page_number_zone_top or line.top >= height * rules.page_number_zone_bottom
            )
            if height and outer and abs(int(text) - line.page) <= rules.page_number_max_offset:
                found.add((page_index, line_index))
    return found


def _zone_lines(items: list[_Item], heights: dict[int, float], rules: LayoutRules) -> list[int]:
    """Indices of the lines that sit where running headers and footers do."""
    filled = [index for index, item in enumerate(items) if item.text.strip()]
    if not filled:
        return []
    page = items[filled[0]].line.page
    height = heights.get(page) or 0.0
    if height and all(items[index].line.top is not None for index in filled):
        top_limit = height * rules.running_zone_top
        bottom_limit = height * rules.running_zone_bottom
        return [
            index
            for index in filled
            if (items[index].line.top or 0.0) <= top_limit or (items[index].line.top or 0.0) >= bottom_limit
        ]
    return sorted(set(filled[:2] + filled[-2:]))


def _displaced_header_lines(
    pages: list[list[_Item]],
    heights: dict[int, float],
    body_size: float | None,
    rules: LayoutRules,
) -> set[tuple[int, int]]:
    """Small print at the top of the first page that the text layer gives after the body (a
    letter's Ofsted address block): page furniture that would otherwise split a sentence."""
    if body_size is None:
        return set()
    displaced: set[tuple[int, int]] = set()
    for page_index, items in enumerate(pages[:1]):
        height = heights.get(page_index + 1) or 0.0
        if not height:
            continue
        limit = height * rules.running_zone_top
        seen_body = False
        for line_index, item in enumerate(items):
            top, size = item.line.top, item.line.size
            if top is None or size is None or not item.text.strip():
                continue
            if top > limit:
                seen_body = True
            elif seen_body and size < body_size:
                displaced.add((page_index, line_index))
    return displaced


def _body_size(pages: list[list[_Item]]) -> float | None:
    sizes: Counter[float] = Counter()
    for items in pages:
        for item in items:
            if item.line.size:
                sizes[item.line.size] += len(item.text)
    return sizes.most_common(1)[0][0] if sizes else None


def _resolve_hyphens(text: str, vocabulary: frozenset[str], rules: LayoutRules) -> str:
    """Decide each hyphen PDFium marked as a line-end hyphen (U+FFFE): part of the word or not."""

    def replace(match: re.Match[str]) -> str:
        left = match.group(1)
        following = text[match.end() :]
        if not following:
            return match.group(0)  # still at the end of the line: decided when lines are joined
        return left + ("" if _joiner(left + "-", following, vocabulary, rules) == JOIN_WORD else "-")

    return MID_HYPHEN_RE.sub(replace, text)


def _vocabulary(pages: list[list[_Item]]) -> frozenset[str]:
    words: set[str] = set()
    for items in pages:
        for item in items:
            lowered = item.text.lower()
            words.update(WORD_RE.findall(lowered))
            if "-" in lowered:
                words.update(COMPOUND_RE.findall(lowered))
    return frozenset(words)


def _letterhead(pages: list[list[_Item]], running: set[tuple[int, int]], rules: LayoutRules) -> tuple[int, int] | None:
    """Position of the salutation line that ends a letter's letterhead, if the first page has one."""
    salutation = re.compile(rules.salutation_pattern)
    seen = 0
    for line_index, item in enumerate(pages[0] if pages else []):
        if (0, line_index) in running or not item.text.strip():
            continue
        seen += 1
        if seen > rules.letterhead_max_lines:
            return None
        if salutation.match(item.text.strip()):
            return (0, line_index)
    return None


def _footnote_start(
    items: list[_Item],
    running: set[tuple[int, int]],
    page_index: int,
    body_size: float | None,
    heights: dict[int, float],
    rules: LayoutRules,
) -> int | None:
    """Index of the first line of the footnote bodies at the foot of a page, if any."""
    if body_size is None:
        return None
    limit = body_size * rules.footnote_size_ratio
    start: int | None = None
    for line_index in range(len(items) - 1, -1, -1):
        item = items[line_index]
        if (page_index, line_index) in running or not item.text.strip():
            continue
        size = item.line.size
        height = heights.get(item.line.page) or 0.0
        if size is None or size > limit or (item.line.top or 0.0) < height * 0.5:
            break
        start = line_index
    if start is None:
        return None
    first = items[start].text.strip()
    if FOOTNOTE_START_RE.match(first):
        return start
    return None


def _classify(
    text: str,
    line: Line,
    bullets: tuple[str, ...],
    body_size: float | None,
    rules: LayoutRules,
) -> tuple[BlockKind | None, str]:
    """Whether a line opens a block of a particular kind, and its text without the glyph."""
    if text.startswith(bullets):
        return BlockKind.BULLET, text[1:].lstrip()
    if NUMBERED_RE.match(text):
        return BlockKind.NUMBERED, text
    if FIELD_RE.match(text) and len(text) < rules.heading_max_chars:
        return BlockKind.FIELD, text
    if _looks_like_heading(text, line, body_size, rules):
        return BlockKind.HEADING, text
    return None, text


def _looks_like_heading(text: str, line: Line, body_size: float | None, rules: LayoutRules) -> bool:
    if len(text) > rules.heading_max_chars or text.endswith((".", ",", ";")):
        return False
    if line.size is None or body_size is None:
        return False
    return line.bold or line.size >= body_size * rules.heading_size_ratio


def _continues(
    block: _Open,
    line: Line,
    previous: Line | None,
    body_size: float | None,
    heights: dict[int, float],
    rules: LayoutRules,
) -> bool:
    """Whether ``line`` continues the open block (wrapped line or page break)."""
    if previous is None:
        if block.kind is BlockKind.HEADING:
            return False
        return not TERMINAL_RE.search(block.last_text())
    if line.page != previous.page:
        return block.kind is not BlockKind.HEADING and not TERMINAL_RE.search(block.last_text())
    if line.top is None or previous.top is None:
        return True
    gap = line.top - previous.top
    size = previous.size or body_size or 12.0
    if previous.markers and abs(gap) <= size * 0.5 and (line.x0 or 0.0) > (previous.x0 or 0.0):
        return True  # PDFium ended the printed line at a footnote marker; the rest follows on the right
    # PDFium gives a line that ends in a hyphen together with the next one (marked U+FFFE):
    # such a line spans two printed lines, so the gap to the next is twice as large.
    printed_lines = 1 + previous.text.count("\ufffe")
    if gap <= 0 or gap > size * rules.paragraph_gap_ratio * printed_lines:
        return False
    return not (block.kind is BlockKind.HEADING and (line.bold != previous.bold or line.size != previous.size))


def _joiner(previous: str, following: str, vocabulary: frozenset[str], rules: LayoutRules) -> str:
    """How to join two wrapped lines: " ", "" (undo hyphenation) or "-" (keep the hyphen)."""
    hyphen = HYPHEN_END_RE.search(previous)
    if hyphen:
        left = hyphen.group(1)
        right_match = LEADING_WORD_RE.match(following)
        if previous.endswith("\u00ad"):
            return JOIN_WORD
        if right_match is None or left.isdigit() or not following[:1].islower():
            return KEEP_HYPHEN
        right = right_match.group(1)
        if left.lower() in rules.keep_hyphen_prefixes:
            return KEEP_HYPHEN
        if f"{left}-{right}".lower() in vocabulary:
            return KEEP_HYPHEN
        if (left + right).lower() in vocabulary or right.lower() in rules.join_hyphen_suffixes:
            return JOIN_WORD
        return KEEP_HYPHEN
    if NO_SPACE_BEFORE_RE.match(following):
        return NO_SPACE
    return " "


def _text_headings(blocks: list[Block], text: str, rules: LayoutRules) -> list[Block]:
    """In plain text (no fonts), a short one-line paragraph between blank lines is a heading."""
    closing = re.compile(rules.closing_pattern)
    result: list[Block] = []
    for index, block in enumerate(blocks):
        body = text[block.start : block.end]
        is_heading = (
            block.kind is BlockKind.PARAGRAPH
            and index + 1 < len(blocks)
            and blocks[index + 1].kind is not BlockKind.FOOTNOTE
            and block.lines == 1
            and len(body) <= rules.text_heading_max_chars
            and body[:1].isupper()
            and not TERMINAL_RE.search(body)
            and not body.endswith(",")
            and not closing.match(body)
        )
        result.append(block.model_copy(update={"kind": BlockKind.HEADING}) if is_heading else block)
    return result
