"""Which canonical measure a figure is a value of (``rules/indicators.json``).

Each indicator's ``match`` rules are searched in the figure's subject, then (when no
indicator fits the subject alone) in the subject followed by the clause of its sentence
that holds the figure; of the indicators whose rules all hold and
whose units include the figure's unit, the one with the highest priority wins (the first
in the file on a tie). A figure that no indicator fits has none.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from ofsted_findings.models import Unit
from ofsted_findings.ruleset.schema import Indicator, IndicatorRules

logger = logging.getLogger(__name__)

#: Where a clause of a sentence ends for the purpose of finding what a figure measures:
#: semicolons, colons, a full stop, 'compared with', a contrast, or 'and' before another number.
CLAUSE_BREAK_RE = re.compile(
    r";|:|\.\s|,\s+(?:and|but|while|whilst|whereas|with|of\s+whom|of\s+which)\b|\bcompared\s+(?:with|to)\b|\b(?:while|whilst|whereas)\b"
    r"|\band\s+(?=(?:£\s?)?\d)",
    re.IGNORECASE,
)
#: Most characters of the clause read on each side of a figure.
CLAUSE_REACH = 240


@dataclass(frozen=True)
class _Compiled:
    """One indicator's rules, compiled."""

    id: str
    units: frozenset[Unit]
    any: re.Pattern[str]
    all: tuple[re.Pattern[str], ...]
    none: re.Pattern[str] | None
    priority: int
    order: int

    def fits(self, text: str, context: str | None = None) -> bool:
        """``any`` and ``all`` found in ``text``, and ``none`` not found in ``context`` (``text``
        when no context is given; the caller's context holds the text)."""
        return (
            self.any.search(text) is not None
            and all(pattern.search(text) for pattern in self.all)
            and (self.none is None or self.none.search(text if context is None else context) is None)
        )


def _either(patterns: list[str]) -> re.Pattern[str]:
    """One pattern that finds any of ``patterns`` (one search instead of one per pattern)."""
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.IGNORECASE)


def _compile(indicator: Indicator, order: int) -> _Compiled:
    rules = indicator.match
    return _Compiled(
        id=indicator.id,
        units=frozenset(rules.units),
        any=_either(rules.any),
        all=tuple(re.compile(pattern, re.IGNORECASE) for pattern in rules.all),
        none=_either(rules.none) if rules.none else None,
        priority=rules.priority,
        order=order,
    )


def figure_clause(body: str, start: int, end: int) -> str:
    """The clause of ``body`` (a sentence) that holds the figure at ``[start, end)``."""
    left = body[max(0, start - CLAUSE_REACH) : start]
    right = body[end : end + CLAUSE_REACH]
    breaks = list(CLAUSE_BREAK_RE.finditer(left))
    if breaks:
        left = left[breaks[-1].end() :]
    following = CLAUSE_BREAK_RE.search(right)
    if following:
        right = right[: following.start()]
    return f"{left}{body[start:end]}{right}"


class IndicatorMatcher:
    """The indicator rules of ``indicators.json``, compiled once."""

    def __init__(self, rules: IndicatorRules) -> None:
        self.indicators = [_compile(indicator, order) for order, indicator in enumerate(rules.indicators)]
        # Highest priority first, then file order: the first that fits wins.
        self.indicators.sort(key=lambda item: (-item.priority, item.order))

    def match(self, unit: Unit, subject: str | None, clause: str) -> str | None:
        """The id of the indicator a figure of ``unit`` with ``subject`` in ``clause`` is a value of, or None."""
        # The subject alone first (what the figure measures), then the subject with its clause;
        # what rules a measure out ('none') is looked for in the clause as well either way
        # ('The local authority operates four children's homes': a count of homes, not of children).
        whole = f"{subject or ''} | {clause}"
        for text in ([subject] if subject else []) + [whole]:
            for indicator in self.indicators:
                if unit in indicator.units and indicator.fits(text, whole):
                    return indicator.id
        return None
