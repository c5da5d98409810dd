"""Noise classes of figures: numbers that are not measures (cross-references, ages as
descriptors, 'one' as a determiner, numbers inside names, notations) and figures that should
carry a flag but do not. Each registers itself with
:func:`ofsted_findings.diagnostics.noise.register` when this module is imported.

The detectors' patterns are their own (``noise.json`` ``metric_noise``), written apart from
the extraction rules in ``metrics.json``; each is searched in the text around a figure with
the figure itself written '#'.
"""

from __future__ import annotations

import logging
import re
from functools import cache

from ofsted_findings.diagnostics.noise import Context, Family, NoiseClass, patterns, register
from ofsted_findings.models import Finding, Metric

logger = logging.getLogger(__name__)

#: Characters of the document read on each side of a figure.
REACH = 120


@cache
def _compiled(name: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns().metric_noise.get(name, []))


def around(item: Finding | Metric, context: Context) -> str:
    """The text around an item, the item written '#'."""
    text = context.document.text
    return f"{text[max(0, item.start - REACH) : item.start]}#{text[item.end : item.end + REACH]}"


def _matches(name: str, item: Finding | Metric, context: Context) -> bool:
    window = around(item, context)
    return any(pattern.search(window) for pattern in _compiled(name))


def _cross_reference(item: Finding | Metric, context: Context) -> bool:
    """A paragraph or page cross-reference: '(Para 12)', '(paragraphs 17, 18)'."""
    return _matches("cross_reference", item, context)


#: Units an age is read in.
AGE_UNITS = frozenset({"count", "years"})


def _age_descriptor(item: Finding | Metric, context: Context) -> bool:
    """An age naming a group: 'aged under 16', 'care leavers over 21', '16-17-year-olds', '0-19 service'."""
    if not isinstance(item, Metric) or item.value is None or not 0 <= item.value <= 25:
        return False
    return str(item.unit) in AGE_UNITS and _matches("age_descriptor", item, context)


def _one_as_determiner(item: Finding | Metric, context: Context) -> bool:
    """'one' in an anecdote or as a determiner: 'in one case', 'one young person said'."""
    return item.text.strip().lower() == "one" and _matches("one_as_determiner", item, context)


def _number_in_name(item: Finding | Metric, context: Context) -> bool:
    """A number inside a name, a telephone number, an address or a contents line."""
    return _matches("number_in_name", item, context)


def _notation(item: Finding | Metric, context: Context) -> bool:
    """'24/7', '1:1', an ordinal ('a third visit'), an averaging window, a date fragment."""
    return _matches("notation", item, context)


def _unflagged(item: Finding | Metric, context: Context) -> bool:
    """The inspection team's size or an administrative interval without its flag."""
    return isinstance(item, Metric) and not item.flags and _matches("unflagged_team_or_admin", item, context)


METRIC_CLASSES: tuple[NoiseClass, ...] = (
    NoiseClass("cross_reference", Family.METRICS, "a paragraph or page cross-reference", _cross_reference),
    NoiseClass("age_descriptor", Family.METRICS, "an age that names a group", _age_descriptor),
    NoiseClass("one_as_determiner", Family.METRICS, "'one' as a determiner or in an anecdote", _one_as_determiner),
    NoiseClass("number_in_name", Family.METRICS, "a number in a name, phone number or address", _number_in_name),
    NoiseClass("notation", Family.METRICS, "24/7, 1:1, an ordinal, a window, a date fragment", _notation),
    NoiseClass("unflagged_team_or_admin", Family.METRICS, "team size or admin interval with no flag", _unflagged),
)

for _noise_class in METRIC_CLASSES:
    register(_noise_class)
