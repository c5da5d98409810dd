"""Blocks of a text that is already clean: one block per line, without changing the text.

``nlp(text)`` cannot rewrite its text (a Doc's text is fixed), so it reads the text as
:attr:`~ofsted_findings.models.Document.text` is written: every line is a block (a
heading, paragraph, bullet, numbered paragraph or 'Label: value' field), the lines up to a
letter's salutation are its letterhead, and form feeds are page breaks. Raw text with
hard-wrapped lines should go through :func:`ofsted_findings.extract`, which joins them.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right

from ofsted_findings.layout.normalize import (
    FIELD_RE,
    NUMBERED_RE,
    TERMINAL_RE,
    Block,
    BlockKind,
    PageRun,
)
from ofsted_findings.ruleset.schema import LayoutRules

logger = logging.getLogger(__name__)

LINE_RE = re.compile(r"[^\n\f]*")


def plain_layout(text: str, rules: LayoutRules) -> tuple[list[Block], list[PageRun]]:
    """Blocks and page runs of ``text`` read line by line."""
    bullets = tuple(rules.bullet_glyphs)
    salutation = re.compile(rules.salutation_pattern)
    closing = re.compile(rules.closing_pattern)
    lines = _lines(text)
    letterhead_end = _letterhead_end(lines, text, salutation, rules.letterhead_max_lines)
    runs = [PageRun(start=0, page=1)]
    page = 1
    for offset, char in enumerate(text):
        if char == "\f":
            page += 1
            runs.append(PageRun(start=offset + 1, page=page))
    page_starts = [run.start for run in runs]
    blocks: list[Block] = []
    if letterhead_end is not None:
        first, last = lines[0][0], lines[letterhead_end][1]
        blocks.append(
            Block(
                kind=BlockKind.LETTERHEAD,
                start=first,
                body_start=first,
                end=last,
                page=1,
                lines=letterhead_end + 1,
            )
        )
    for index, (start, end) in enumerate(lines):
        if letterhead_end is not None and index <= letterhead_end:
            continue
        body = text[start:end]
        kind, body_start = _kind(body, start, bullets, rules)
        page_of_line = bisect_right(page_starts, start)
        blocks.append(
            Block(
                kind=kind,
                start=start,
                body_start=body_start,
                end=end,
                page=page_of_line,
                lines=1,
            )
        )
    return _headings(blocks, text, rules, closing), runs


def _lines(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line with text, leading and trailing spaces left out."""
    found: list[tuple[int, int]] = []
    for match in LINE_RE.finditer(text):
        line = match.group(0)
        stripped = line.strip()
        if not stripped:
            continue
        start = match.start() + (len(line) - len(line.lstrip()))
        found.append((start, start + len(stripped)))
    return found


def _letterhead_end(lines: list[tuple[int, int]], text: str, salutation: re.Pattern[str], limit: int) -> int | None:
    """Index of the salutation line that ends a letterhead, if one of the first ``limit`` lines is one."""
    for index, (start, end) in enumerate(lines[:limit]):
        if salutation.match(text[start:end]):
            return index
    return None


def _kind(body: str, start: int, bullets: tuple[str, ...], rules: LayoutRules) -> tuple[BlockKind, int]:
    if body.startswith(bullets):
        rest = body[1:]
        return BlockKind.BULLET, start + 1 + (len(rest) - len(rest.lstrip()))
    numbered = NUMBERED_RE.match(body)
    if numbered:
        return BlockKind.NUMBERED, start + numbered.end()
    if FIELD_RE.match(body) and len(body) < rules.heading_max_chars:
        return BlockKind.FIELD, start
    return BlockKind.PARAGRAPH, start


def _headings(blocks: list[Block], text: str, rules: LayoutRules, closing: re.Pattern[str]) -> list[Block]:
    """A short line without final punctuation, starting in upper case, is a heading."""
    result: list[Block] = []
    for index, block in enumerate(blocks):
        body = text[block.start : block.end]
        is_heading = (
            block.kind is BlockKind.PARAGRAPH
            and index + 1 < len(blocks)
            and len(body) <= rules.text_heading_max_chars
            and body[:1].isupper()
            and not TERMINAL_RE.search(body)
            and not body.endswith(",")
            and not closing.match(body)
        )
        result.append(block.model_copy(update={"kind": BlockKind.HEADING}) if is_heading else block)
    return result
