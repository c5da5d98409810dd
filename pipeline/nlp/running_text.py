"""Blocks that look like paragraphs but are not running text.

Four kinds, all from the rules (the first also for single sentences of a prose block:
a row label glued to the end of a paragraph, a list of earlier grades): judgement-table cells and row labels (a block made of
judgement labels from ``judgements.jsonl`` and grades from ``vocabulary.json``, with at
most ``table_cell_max_words`` other words), and the blocks that ``segment.json``'s
``not_running_text`` patterns recognise (Ofsted's back page, its licence and contact
details; a pattern with scope ``rest_of_page`` takes every later block on its page too).
and the lines of a contents page (``contents_line``). No sentence is made of such a block, so no finding or metric comes from one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from ofsted_findings.layout.normalize import Block
from ofsted_findings.ruleset import RuleSet

logger = logging.getLogger(__name__)

WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")


class RunningTextFilter:
    """Finds the blocks of a text that are not running text."""

    def __init__(self, rules: RuleSet) -> None:
        segment = rules.segment
        self.patterns = [
            (rule.id, re.compile(rule.pattern, re.IGNORECASE | re.MULTILINE), rule.scope)
            for rule in segment.not_running_text
        ]
        labels = "|".join(
            f"(?:{pattern})" for pattern in [rule.pattern for rule in rules.judgements] + segment.table_labels
        )
        grades = "|".join(f"(?:{grade.pattern})" for grade in rules.vocabulary.grades)
        cells = "|".join(f"(?:{grade.cell})" for grade in rules.vocabulary.grades)
        cells += "".join(f"|(?:{cell})" for cell in rules.vocabulary.other_grade_cells)
        cells += "".join(f"|(?:{cell})" for cell in segment.table_cells)
        self.label = re.compile(rf"[\W_]*(?:{labels})", re.IGNORECASE)
        self.any_label = re.compile(rf"(?:{labels})", re.IGNORECASE)
        self.grade = re.compile(rf"\b(?:{grades})\b", re.IGNORECASE)
        self.cell = re.compile(rf"\s*(?:{cells})\s*[.:]?\s*", re.IGNORECASE)
        self.max_words = segment.table_cell_max_words
        self.contents_line = re.compile(segment.contents_line) if segment.contents_line else None
        self.contents_number = re.compile(segment.contents_number or r"(?P<page>\d{1,3})\s*$")
        self.contents_min_lines = segment.contents_min_lines
        self.contents_max_page = segment.contents_max_page
        self.references = [re.compile(pattern, re.IGNORECASE) for pattern in segment.reference_sentences]

    def excluded(self, text: str, blocks: Sequence[Block]) -> dict[int, str]:
        """Index of every block that is not running text -> the id of the rule that says so."""
        result: dict[int, str] = {}
        page_rest: tuple[int, str] | None = None  # (page, rule id) of a back page begun
        for index, block in enumerate(blocks):
            if page_rest is not None and block.page == page_rest[0]:
                result[index] = page_rest[1]
                continue
            page_rest = None
            body = text[block.body_start : block.end]
            for rule_id, pattern, scope in self.patterns:
                if pattern.search(body):
                    result[index] = rule_id
                    if scope == "rest_of_page":
                        page_rest = (block.page, rule_id)
                    break
            else:
                if self.is_table_cell(body):
                    result[index] = "table_cell"
        result.update(self.contents(text, blocks))
        return result

    def contents(self, text: str, blocks: Sequence[Block]) -> dict[int, str]:
        """Blocks of contents pages: on each of the first pages, the blocks that end in a page
        number, when there are enough of them and their numbers never decrease."""
        if self.contents_line is None:
            return {}
        by_page: dict[int, list[tuple[int, int]]] = {}
        for index, block in enumerate(blocks):
            if block.page > self.contents_max_page:
                break
            body = text[block.body_start : block.end]
            if self.contents_line.match(body) is not None:
                numbers = [int(match.group("page")) for match in self.contents_number.finditer(body)]
                by_page.setdefault(block.page, []).extend((index, number) for number in numbers)
        result: dict[int, str] = {}
        for entries in by_page.values():
            numbers = [number for _, number in entries]
            if len(entries) >= self.contents_min_lines and numbers == sorted(numbers):
                result.update({index: "contents" for index, _ in entries})
        return result

    def is_table_cell(self, body: str) -> bool:
        """A grade cell alone ('Requires improvement to be good'), or a judgement label at the
        block's start followed by at most a grade and ``max_words`` other words, with no
        sentence-final punctuation."""
        if len(body) > 300:
            return False
        if self.cell.fullmatch(body):
            return True
        label = self.label.match(body)
        if label is None or body.rstrip().endswith((".", "!", "?")):
            return False  # a sentence that begins with an area's name ('Children in care are safe.')
        rest = self.grade.sub(" ", self.any_label.sub(" ", body[label.end() :]))
        return len(WORD_RE.findall(rest)) <= self.max_words

    def is_table_sentence(self, text: str) -> bool:
        """A sentence that is a table cell or row label although its block is prose (a row
        label glued to the end of a paragraph, a list of earlier grades after a colon)."""
        return self.is_table_cell(text.strip())

    def is_reference(self, text: str) -> bool:
        """A sentence that is only a cross-reference ('(Outcome 3, national framework)')."""
        stripped = text.strip()
        return stripped.startswith("(") and any(pattern.fullmatch(stripped) for pattern in self.references)
