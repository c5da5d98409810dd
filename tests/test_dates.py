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


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        pytest.param("14/03/2016 to 25/03/2016", [(D(2016, 3, 14), D(2016, 3, 25))], id="numbers-to"),
        pytest.param("7/11/2015 - 20/11/2015", [(D(2015, 11, 7), D(2015, 11, 20))], id="numbers-hyphen"),
        pytest.param("2/10/2017", [(D(2017, 10, 2), D(2017, 10, 2))], id="numbers-one-day"),
        pytest.param("the 3 and 4 of June 2019", [(D(2019, 6, 3), D(2019, 6, 4))], id="the-and-of"),
        pytest.param("the 3rd to the 5th of June 2019", [(D(2019, 6, 3), D(2019, 6, 5))], id="the-ordinals-of"),
    ],
)
def test_parse_span_other_printings(text: str, parts: list[tuple[dt.date, dt.date]]) -> None:
    span = DATES.parse_span(text)
    assert span is not None and not span.unreadable and span.parts == parts


@pytest.mark.parametrize("dash", ["\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "\u2500", "-"])
def test_every_range_dash(dash: str) -> None:
    for text in (f"3 {dash} 5 May 2019", f"3{dash}5 May 2019", f"3/5/2019 {dash} 5/5/2019"):
        span = DATES.parse_span(text)
        assert span is not None and span.parts == [(D(2019, 5, 3), D(2019, 5, 5))], text


@pytest.mark.parametrize(
    ("text", "reference", "parts"),
    [
        pytest.param("3 and 4 June", D(2019, 7, 1), [(D(2019, 6, 3), D(2019, 6, 4))], id="same-year"),
        pytest.param("9 to 11 December", D(2020, 1, 20), [(D(2019, 12, 9), D(2019, 12, 11))], id="year-before"),
    ],
)
def test_a_run_without_its_year_takes_the_reference_year(
    text: str, reference: dt.date, parts: list[tuple[dt.date, dt.date]]
) -> None:
    span = DATES.parse_span(text, reference=reference)
    assert span is not None and span.parts == parts
    assert DATES.parse_span(text) is None


@pytest.mark.parametrize(
    "text", ["10 to 12 June 20198", "10/06/20198 to 12/06/2019", "25/03/2016 to 14/03/2016", "31/02/2016"]
)
def test_an_impossible_date_is_unreadable_not_wrong(text: str) -> None:
    span = DATES.parse_span(text)
    assert span is not None and span.unreadable and span.parts == []
