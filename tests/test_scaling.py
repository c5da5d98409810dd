"""Time grows in proportion to the input: twice the input may not take three times as long.

Each case is an input that once took time growing with the square (or worse) of its size.
A case is grown until extracting it takes at least half a second, then timed at that size
and at twice it (median of three runs each, in this process): a linear stage gives a ratio
near 2, a quadratic one near 4.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import pytest

from ofsted_findings.api import Pipeline
from pdf_factory import Page, build_pdf

pytestmark = pytest.mark.slow

#: Twice the input may take at most this many times as long.
MAX_RATIO = 3.0
#: The smaller size must take at least this long, so that timer noise does not decide.
MIN_SECONDS = 0.5


def _seconds(run: Callable[[], object]) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _ratio(make: Callable[[int], str | bytes], pipeline: Pipeline, start: int) -> tuple[int, float, float]:
    """Grow ``n`` from ``start`` until one extraction takes MIN_SECONDS; time n and 2n."""
    n = start
    while True:  # grow on single runs; time the chosen sizes three times each
        small_input = make(n)
        begin = time.perf_counter()
        pipeline.extract(small_input)
        if time.perf_counter() - begin >= MIN_SECONDS:
            break
        n *= 2
    small = _seconds(lambda: pipeline.extract(small_input))
    large_input = make(2 * n)
    large = _seconds(lambda: pipeline.extract(large_input))
    return n, small, large


def _table_pdf(pages: int) -> bytes:
    """``pages`` pages of a data table: a label and two figures per line, 45 lines a page."""
    built = []
    for number in range(pages):
        page = Page()
        for row in range(45):
            page.line(f"Children in care {400 + row}", 60 + row * 16)
            page.line(f"{10 + row % 80}%", 60 + row * 16, x=400)
            page.line(str(number * 45 + row), 60 + row * 16, x=480)
        built.append(page)
    return build_pdf(built)


CASES: dict[str, tuple[Callable[[int], str | bytes], int]] = {
    # baseline linking once searched the whole prefix of the sentence for every figure
    "from-5-to-repeated": (lambda n: "Rates rose " + "from 5 to " * n + "9.", 400),
    "range-pairs-repeated": (lambda n: "Visits took " + "10 to 20 " * n + "days.", 400),
    # one long 'sentence' of table lines: look-ups around each figure once scanned all of it
    "table-lines": (lambda n: "\n".join(f"Children in care {400 + i % 97} {i % 100}%" for i in range(n)), 500),
    # short lines that look like headings: the section-end scan visited every block per section
    "heading-like-lines": (lambda n: "\n\n".join(f"Children in care {i}" for i in range(n)), 500),
    # spaCy's suffix search is quadratic on a run of punctuation
    "percent-run": (lambda n: "Rates were " + "%" * n + " high.", 8000),
    "nested-parentheses": (lambda n: "Leaders " + "(" * n + "act" + ")" * n + " well.", 8000),
    # a long text: processed in pieces beyond Pipeline.chunk_chars
    "long-text": (
        lambda n: "\n\n".join(
            f"Heading {i}\n\nLeaders have improved the quality of practice, and 45% of plans rose from 12 to {i}."
            for i in range(n)
        ),
        2000,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_twice_the_text_takes_at_most_three_times_as_long(case: str, pipeline: Pipeline) -> None:
    make, start = CASES[case]
    n, small, large = _ratio(make, pipeline, start)
    assert large / small < MAX_RATIO, f"{case}: n={n} took {small:.2f}s, 2n took {large:.2f}s"


def test_twice_the_table_pages_take_at_most_three_times_as_long(pipeline: Pipeline) -> None:
    # a 40-page PDF of a data table once took minutes
    n, small, large = _ratio(_table_pdf, pipeline, 10)
    assert large / small < MAX_RATIO, f"{n} pages took {small:.2f}s, {2 * n} pages took {large:.2f}s"
