"""Numbers as printed: '1,271', 'nine', 'twenty-two', 'a hundred'."""

from __future__ import annotations

import logging
import re

from ofsted_findings.metrics.grammar import SPACE_RUN_RE, Grammar

logger = logging.getLogger(__name__)


def key(text: str) -> str:
    """Lower case with single spaces: how vocabulary entries are looked up."""
    return SPACE_RUN_RE.sub(" ", text.lower())


def parse_number(text: str, gram: Grammar) -> float | None:
    """'1,271' -> 1271, 'nine' -> 9, 'twenty-two' -> 22, 'a hundred' -> 100."""
    cleaned = text.strip().lower().lstrip("£").strip()
    if not cleaned:
        return None
    if cleaned[0].isdigit():
        try:
            return float(cleaned.replace(",", ""))
        except ValueError:
            return None
    cleaned = re.sub(r"\s+", " ", cleaned)
    if cleaned in gram.vocab.number_words:
        return gram.vocab.number_words[cleaned]
    return _compound(re.split(r"[-\s]+", cleaned), gram)


def _compound(parts: list[str], gram: Grammar) -> float | None:
    """'three hundred' -> 300, 'one hundred and twenty' -> 120, 'twenty-two' -> 22."""
    words = gram.vocab.number_words
    total = 0.0
    current = 0.0
    for part in parts:
        if part == "and":
            continue
        if part == "a":
            current = max(current, 1.0)
            continue
        value = words.get(part)
        if value is None:
            return None
        if value in (100.0, 1000.0):
            current = max(current, 1.0) * value
            if value == 1000.0:
                total, current = total + current, 0.0
        else:
            current += value
    return total + current
