"""Sections: headings matched by the rules in ``rules/sections.jsonl`` and given a category.

A heading opens a section that runs to the next heading. The letter's letterhead and
address block, the text before the first heading (``introduction``) and the footnotes
collected at the end are sections of their own with an empty title.
"""

from __future__ import annotations

import hashlib
import logging
import re
from bisect import bisect_right
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from ofsted_findings.layout.normalize import Block, BlockKind, PageMap
from ofsted_findings.models import Section
from ofsted_findings.ruleset.schema import SectionRule

logger = logging.getLogger(__name__)

OTHER = "other"
INTRODUCTION = "introduction"
LETTERHEAD = "letterhead"
FOOTNOTES = "footnotes"


class SectionInfo(BaseModel):
    """A section with the rule that classified it (internal to the pipeline)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    section: Section
    rule: SectionRule | None


class SectionClassifier:
    """The heading rules, compiled once: the first rule whose pattern matches a heading wins."""

    def __init__(self, rules: Sequence[SectionRule]) -> None:
        self.rules = tuple(rules)
        self._compiled = tuple((re.compile(rule.pattern, re.IGNORECASE), rule) for rule in self.rules)
        self.by_id = {rule.id: rule for rule in self.rules}

    def classify(self, title: str) -> SectionRule | None:
        """The first rule matching a heading, or None."""
        for pattern, rule in self._compiled:
            if pattern.search(title):
                return rule
        return None

    def field_heading(self, line: str) -> SectionRule | None:
        """The rule of a heading printed as a 'Label: text' line ('Case study: ...'), or None."""
        rule = self.classify(line)
        return rule if rule is not None and rule.field_heading else None


def section_id(start: int, title: str) -> str:
    """Content-derived id: position plus a short hash of the title."""
    digest = hashlib.sha1(title.encode("utf-8")).hexdigest()[:6]
    return f"sec-{start:06d}-{digest}"


def build_sections(
    text: str,
    blocks: Sequence[Block],
    page_of: PageMap,
    classifier: SectionClassifier,
    context: SectionRule | None = None,
) -> list[SectionInfo]:
    """Flat list of sections (sorted by start), with ``parent`` ids where headings nest.

    ``context``: the rule of the section a piece of a long text begins inside (its text
    before the first heading belongs to that section, not to an introduction)."""
    # (start, title, rule, category)
    openings: list[tuple[int, str, SectionRule | None, str]] = []
    for block in blocks:
        if block.kind is BlockKind.LETTERHEAD:
            openings.append((block.start, "", None, LETTERHEAD))
        elif block.kind is BlockKind.HEADING:
            title = text[block.start : block.end]
            rule = classifier.classify(title)
            openings.append((block.start, title, rule, rule.category.value if rule else OTHER))
        elif block.kind is BlockKind.FIELD and (rule := classifier.field_heading(text[block.start : block.end])):
            openings.append((block.start, text[block.start : block.end], rule, rule.category.value))
        elif block.kind is BlockKind.FOOTNOTE:
            if not openings or openings[-1][3] != FOOTNOTES:
                openings.append((block.start, "", None, FOOTNOTES))
        elif not openings and context is not None:
            openings.append((block.start, "", context, context.category.value))
        elif not openings or openings[-1][3] == LETTERHEAD:
            openings.append((block.start, "", None, INTRODUCTION))

    ends = _section_ends(blocks, len(text), [opening[0] for opening in openings])
    sections: list[SectionInfo] = []
    parent: str | None = None
    for (start, title, rule, category), end in zip(openings, ends, strict=True):
        identifier = section_id(start, title or category)
        level = rule.level if rule else 2
        own_parent = None
        if category in (LETTERHEAD, INTRODUCTION, FOOTNOTES):
            parent = None
        elif level == 1:
            parent = identifier
        else:
            own_parent = parent
        sections.append(
            SectionInfo(
                section=Section(
                    id=identifier,
                    title=title,
                    category=category,
                    parent=own_parent,
                    page=page_of(start),
                    start=start,
                    end=end,
                ),
                rule=rule,
            )
        )
    return sections


def _section_ends(blocks: Sequence[Block], text_length: int, starts: list[int]) -> list[int]:
    """Each section ends where the last block before the next section ends.

    Blocks are written in text order, so their ends rise: one bisection per section finds
    that block (linear in the number of sections, whatever the number of blocks)."""
    block_ends = [block.end for block in blocks]
    ends: list[int] = []
    for index, start in enumerate(starts):
        limit = starts[index + 1] if index + 1 < len(starts) else text_length + 1
        last = bisect_right(block_ends, limit) - 1
        ends.append(block_ends[last] if last >= 0 and block_ends[last] > start else start)
    return ends
