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
    parts = re.split(r"[-\s]", cleaned)
    if len(parts) == 2 and parts[0] in gram.vocab.number_words and parts[1] in gram.vocab.number_words:
        return gram.vocab.number_words[parts[0]] + gram.vocab.number_words[parts[1]]
    return None
