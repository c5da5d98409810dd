"""Dates of figures: 'at 31 March 2019', 'in 2018-19', 'between October 2013 and October 2014'.

Dates are ISO text here ('2019-03-31', '2018-04/2019-03'); the output turns them into
:class:`~ofsted_findings.models.PartialDate` ranges.
"""

from __future__ import annotations

import logging
import re

from ofsted_findings.metrics.grammar import DATE_LEAD_RE, DATE_OPENING_RE, Grammar

logger = logging.getLogger(__name__)


def date_after(body: str, position: int, gram: Grammar, limit: int | None = None) -> tuple[str | None, str | None]:
    """The date printed just after a figure ('in March 2019', 'at 31 March 2019', 'in 2018-19',
    'between October 2013 and October 2014')."""
    window = body[position : limit if limit is not None else position + 80]
    lead = DATE_LEAD_RE.match(window)
    if lead is None:
        return None, None
    return date_at(window, lead.end(), gram)


def date_at(text: str, position: int, gram: Grammar) -> tuple[str | None, str | None]:
    """Parse a date, a financial year or a 'X and Y' interval starting at ``position``."""
    match = gram.date.match(text, position)
    if match is None:
        return None, None
    first = iso_date(match, gram)
    joined = re.match(r"\s*(?:and|to|-|–)\s*", text[match.end() :])
    if joined and text[max(0, position - 8) : position].lower().strip().endswith(("between", "from")):
        second = gram.date.match(text, match.end() + joined.end())
        if second is not None and first is not None:
            end = iso_date(second, gram)
            if end is not None:
                return f"{first}/{end}", text[
                    position - len("between ")
                    if text[:position].lower().endswith("between ")
                    else position : second.end()
                ].strip()
    return first, match.group(0)


def date_before(body: str, position: int, gram: Grammar) -> tuple[str | None, str | None]:
    """A date that opens the sentence ('At 31 March 2015, 354 children ...')."""
    opening = DATE_OPENING_RE.match(body[:position])
    if opening is None:
        return None, None
    return date_at(body, opening.end(), gram)


def iso_date(match: re.Match[str], gram: Grammar) -> str | None:
    if match.group("month"):
        month = gram.month_index.get(match.group("month").lower())
        if month is None:
            return None
        year = match.group("year")
        if match.group("day"):
            return f"{year}-{month:02d}-{int(match.group('day')):02d}"
        return f"{year}-{month:02d}"
    if match.group("fy"):
        first = int(match.group("fy"))
        second_text = match.group("fy2")
        second = int(second_text) if len(second_text) == 4 else (first // 100) * 100 + int(second_text)
        if second == first + 1:
            return f"{first}-04/{second}-03"
        return f"{first}/{second}"
    if match.group("yearonly"):
        return match.group("yearonly")
    return None
