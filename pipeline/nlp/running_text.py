"""Blocks that look like paragraphs but are not running text.

Three kinds, all from the rules: judgement-table cells and row labels (a block made of
judgement labels from ``judgements.jsonl`` and grades from ``vocabulary.json``, with at
most ``table_cell_max_words`` other words), and the blocks that ``segment.json``'s
``not_running_text`` patterns recognise (Ofsted's back page, its licence and contact
details; a pattern with scope ``rest_of_page`` takes every later block on its page too).
No sentence is made of such a block, so no finding or metric comes from one.
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
        self.label = re.compile(rf"\s*(?:{labels})", re.IGNORECASE)
        self.grade = re.compile(rf"\b(?:{grades})\b", re.IGNORECASE)
        self.cell = re.compile(rf"\s*(?:{cells})\s*[.:]?\s*", re.IGNORECASE)
        self.max_words = segment.table_cell_max_words

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
        rest = self.grade.sub(" ", body[label.end() :])
        return len(WORD_RE.findall(rest)) <= self.max_words
