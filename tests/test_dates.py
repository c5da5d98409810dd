"""Dates as printed: single days, ranges, split visits, runs of days."""

from __future__ import annotations

import datetime as dt

import pytest

from ofsted_findings.metadata.dates import DateReader
from ofsted_findings.ruleset import RuleSet

DATES = DateReader(RuleSet.default().vocabulary)

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("11 December 2018", D(2018, 12, 11), id="plain"),
        pytest.param("1st March 2021", D(2021, 3, 1), id="ordinal"),
        pytest.param("01 Sept 2014", D(2014, 9, 1), id="abbreviated"),
        pytest.param("31 February 2020", None, id="impossible"),
    ],
)
def test_parse_date(text: str, expected: dt.date | None) -> None:
    assert DATES.parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        pytest.param("11 December 2018.", [(D(2018, 12, 11), D(2018, 12, 11))], id="one-day"),
        pytest.param(
            "18 to 29 November 2024",
            [(D(2024, 11, 18), D(2024, 11, 29))],
            id="to-range",
        ),
        pytest.param(
            "29 April – 22 May 2014",
            [(D(2014, 4, 29), D(2014, 5, 22))],
            id="dash-across-months",
        ),
        pytest.param(
            "3 June 2019 to 19 June 2019",
            [(D(2019, 6, 3), D(2019, 6, 19))],
            id="full-dates",
        ),
        pytest.param(
            "6 and 7 February 2024",
            [(D(2024, 2, 6), D(2024, 2, 7))],
            id="two-days-merge",
        ),
        pytest.param(
            "8 to 10 May and 15 to 17 May 2024",
            [(D(2024, 5, 8), D(2024, 5, 10)), (D(2024, 5, 15), D(2024, 5, 17))],
            id="split-same-year",
        ),
        pytest.param(
            "30 September to 11 October 2024 and 13 to 16 January 2025",
            [(D(2024, 9, 30), D(2024, 10, 11)), (D(2025, 1, 13), D(2025, 1, 16))],
            id="split-across-years",
        ),
        pytest.param(
            "19 November-11 December 2013 and 28 – 30 January 2014",
            [(D(2013, 11, 19), D(2013, 12, 11)), (D(2014, 1, 28), D(2014, 1, 30))],
            id="split-dash",
        ),
        pytest.param(
            "1 May 2019 and 2020 figures",
            [(D(2019, 5, 1), D(2019, 5, 1))],
            id="and-not-a-date",
        ),
    ],
)
def test_parse_span(text: str, parts: list[tuple[dt.date, dt.date]]) -> None:
    span = DATES.parse_span(text)
    assert span is not None and span.parts == parts


def test_parse_span_needs_a_month() -> None:
    assert DATES.parse_span("18 and 22 cases") is None
