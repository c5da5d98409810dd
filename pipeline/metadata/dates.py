"""Dates as Ofsted prints them: '11 December 2018', '18 to 29 November 2024',
'29 April – 22 May 2014', '6 and 7 February 2024', '8 to 10 May and 15 to 17 May 2024',
'on the 3 and 4 of June 2019', and as numbers, day first: '14/03/2016 to 25/03/2016'.

A run printed without its year takes the latest year that puts it on or before a reference
date (the letter's date) where one is given; a year that is no year (a mistyped five-digit
'20198') makes the run unreadable rather than wrong (:attr:`DateSpan.unreadable`)."""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, ConfigDict

from ofsted_findings.ruleset.schema import Vocabulary

DAY = r"\d{1,2}(?:st|nd|rd|th)?"
YEAR = r"(?:19|20)\d\d"
#: A number printed where a year belongs, typos included (checked against YEAR afterwards).
ANY_YEAR = r"\d{4,5}(?!\d)"
#: Every dash a range may be printed with: hyphen, figure dash, en and em dashes, horizontal
#: bar, minus sign and the box-drawing horizontal that some PDFs use.
DASHES = "\\-\u2012\u2013\u2014\u2015\u2212\u2500"
RANGE = rf"(?:to|until|[{DASHES}])"
NUMERIC = r"(?P<{p}d>\d{{1,2}})/(?P<{p}m>\d{{1,2}})/(?P<{p}y>\d{{4,5}})(?!\d)"
NUMERIC_RANGE_RE = re.compile(
    NUMERIC.format(p="a") + rf"(?:\s*{RANGE}\s*" + NUMERIC.format(p="b") + ")?",
    re.IGNORECASE,
)
SEPARATOR_RE = re.compile(r"\s*(?:,\s*and|and|,|&)\s*", re.IGNORECASE)


class DateSpan(BaseModel):
    """A run of dates as printed, with its offsets relative to the parsed string."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    parts: list[tuple[dt.date, dt.date]]
    start: int
    end: int
    unreadable: bool = False


class DateReader:
    """Dates as printed, with the month names of the vocabulary."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.months = vocabulary.month_numbers()
        month = r"(?:" + "|".join(sorted(self.months, key=len, reverse=True)) + r")\b\.?"
        self.date_re = re.compile(rf"(?P<day>{DAY})\s+(?P<month>{month})\s*,?\s+(?P<year>{YEAR})\b", re.IGNORECASE)
        self.segment_re = re.compile(
            rf"(?:the\s+)?(?P<a>{DAY})(?:\s+(?:of\s+)?(?P<am>{month}))?(?:\s+(?P<ay>{ANY_YEAR}))?"
            rf"(?:\s*{RANGE}\s*(?:the\s+)?(?P<b>{DAY})(?:\s+(?:of\s+)?(?P<bm>{month}))?(?:\s+(?P<by>{ANY_YEAR}))?)?",
            re.IGNORECASE,
        )

    def parse_date(self, text: str) -> dt.date | None:
        """'7 July 2014' -> date(2014, 7, 7)."""
        match = self.date_re.search(text)
        return self._date(match.group("day"), match.group("month"), match.group("year")) if match else None

    def _date(self, day: str, month: str, year: str) -> dt.date | None:
        try:
            return dt.date(int(year), self.months[month.lower().rstrip(".")], int(re.sub(r"\D", "", day)))
        except (KeyError, ValueError):
            return None

    def parse_span(self, text: str, position: int = 0, reference: dt.date | None = None) -> DateSpan | None:
        """Parse the run of dates starting at ``position`` (only spaces may precede it);
        ``reference`` supplies the year of a run printed without one."""
        cursor = position
        while cursor < len(text) and text[cursor] in " \t\n":
            cursor += 1
        numeric = NUMERIC_RANGE_RE.match(text, cursor)
        if numeric is not None:
            return self._numeric(numeric, cursor)
        raw: list[tuple[str, str | None, str | None, str | None, str | None, str | None]] = []
        begin = cursor
        end = cursor
        while True:
            match = self.segment_re.match(text, cursor)
            if match is None or not (match.group("am") or match.group("bm") or self._more_follows(text, match.end())):
                break
            raw.append(
                (
                    match.group("a"),
                    match.group("am"),
                    match.group("ay"),
                    match.group("b"),
                    match.group("bm"),
                    match.group("by"),
                )
            )
            end = match.end()
            separator = SEPARATOR_RE.match(text, end)
            if separator is None:
                break
            if (match.group("ay") or match.group("by")) and not self._dated_run_follows(text, separator):
                break
            cursor = separator.end()
        if not raw:
            return None
        years = [year for item in raw for year in (item[2], item[5]) if year]
        if any(not re.fullmatch(YEAR, year) for year in years):
            return DateSpan(parts=[], start=begin, end=end, unreadable=True)
        if not years and reference is not None:
            raw[-1] = (*raw[-1][:5], str(reference.year))
            parts = self._resolve(raw)
            if parts and parts[-1][1] > reference:
                raw[-1] = (*raw[-1][:5], str(reference.year - 1))
                parts = self._resolve(raw)
        else:
            parts = self._resolve(raw)
        if not parts:
            return None
        return DateSpan(parts=parts, start=begin, end=end)

    def _numeric(self, match: re.Match[str], begin: int) -> DateSpan:
        """'14/03/2016 to 25/03/2016' (day first, as printed in England)."""
        dates: list[dt.date] = []
        for side in ("a", "b"):
            if match.group(f"{side}d") is None:
                continue
            year = match.group(f"{side}y")
            try:
                if not re.fullmatch(YEAR, year):
                    raise ValueError(year)
                dates.append(dt.date(int(year), int(match.group(f"{side}m")), int(match.group(f"{side}d"))))
            except ValueError:
                return DateSpan(parts=[], start=begin, end=match.end(), unreadable=True)
        if dates[-1] < dates[0]:
            return DateSpan(parts=[], start=begin, end=match.end(), unreadable=True)
        return DateSpan(parts=[(dates[0], dates[-1])], start=begin, end=match.end())

    def _dated_run_follows(self, text: str, separator: re.Match[str]) -> bool:
        """After a full date, only 'and' followed by another dated run continues a split visit
        ('30 September to 11 October 2024 and 13 to 16 January 2025')."""
        if "and" not in separator.group(0).lower():
            return False
        follower = self.parse_span(text, separator.end())
        return follower is not None

    def _more_follows(self, text: str, position: int) -> bool:
        """A bare day ('6' in '6 and 7 February') is only a date if more of the run follows."""
        return (
            SEPARATOR_RE.match(text, position) is not None
            and self.segment_re.match(
                text,
                SEPARATOR_RE.match(text, position).end(),  # type: ignore[union-attr]
            )
            is not None
        )

    def _resolve(
        self,
        raw: list[tuple[str, str | None, str | None, str | None, str | None, str | None]],
    ) -> list[tuple[dt.date, dt.date]]:
        """Fill missing months and years from the right, then build (start, end) pairs."""
        month: str | None = None
        year: str | None = None
        filled: list[tuple[str, str, str, str, str, str]] = []
        for a, am, ay, b, bm, by in reversed(raw):
            year = by or ay or year
            month = bm or am or month
            if year is None or month is None:
                return []
            end_day, end_month, end_year = (b, bm or month, by or year) if b else (a, am or month, ay or year)
            start_month = am or (bm if b else month) or month
            start_year = ay or year
            filled.append((a, start_month, start_year, end_day, end_month, end_year))
            month = start_month
            year = start_year
        parts: list[tuple[dt.date, dt.date]] = []
        for a, am, ay, b, bm, by in reversed(filled):
            first = self._date(a, am, ay)
            last = self._date(b, bm, by)
            if first is None or last is None:
                return []
            if first > last and first.month == 12 and last.month == 1:
                first = first.replace(year=first.year - 1)
            parts.append((first, last))
        merged: list[tuple[dt.date, dt.date]] = []
        for first, last in parts:
            if merged and (first - merged[-1][1]).days <= 1:
                merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
            else:
                merged.append((first, last))
        return merged
