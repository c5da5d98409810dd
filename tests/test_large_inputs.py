"""Very long inputs finish in time proportional to their size and in bounded memory.

Each input is extracted to JSON in a fresh process that reports its time and its peak
resident memory; the input is also extracted at half its size, and twice the input may take
at most three times as long. The 2,000-page PDF runs in CI (``slow``); the 50 MB text takes
several minutes and runs only when asked for: ``python -m pytest -m huge``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fpdf import FPDF

from pdf_factory import FIXED_DATE

#: Peak resident memory allowed for one input, in MiB.
MEMORY_LIMIT_MB = 1024
MAX_RATIO = 3.0

MEASURE = """
import json, os, sys, time
from pathlib import Path
from ofsted_findings.api import Pipeline
from ofsted_findings.ingest.reader import ingest_path

pipeline = Pipeline()
start = time.perf_counter()
with open(os.devnull, "w", encoding="utf-8") as out:
    pipeline.write_json(ingest_path(Path(sys.argv[1]), pipeline.rules, max_bytes=1 << 30, max_pages=10_000), out)
seconds = time.perf_counter() - start
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"seconds": seconds, "peak_mb": peak / 1024}))
"""

PARAGRAPH = (
    "Managers do not always oversee plans effectively, and {a}% of the {b} plans seen lacked a clear "
    "timescale. Leaders have improved the quality of practice for care leavers since March 2019."
)


def _measure(path: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, timeout=3600, check=True
    )
    measured: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return measured


def _dense_pdf(path: Path, pages: int) -> None:
    """``pages`` A4 pages, each a heading and 44 lines of prose with figures."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_auto_page_break(False)
    for number in range(pages):
        pdf.add_page()
        pdf.set_font("helvetica", style="B", size=14)
        pdf.text(72, 60, f"Section {number + 1}")
        pdf.set_font("helvetica", size=10)
        words = PARAGRAPH.format(a=number % 90 + 5, b=number + 12).split()
        for row in range(44):
            line = " ".join(words[(row * 9) % len(words) :][:12])
            pdf.text(72, 84 + row * 16, line)
    pdf.output(str(path))


def _text(path: Path, megabytes: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        written = number = 0
        while written < megabytes * 1_000_000:
            chunk = (
                (f"Section {number}\n\n" if number % 40 == 0 else "")
                + PARAGRAPH.format(a=number % 90 + 5, b=number)
                + "\n\n"
            )
            out.write(chunk)
            written += len(chunk)
            number += 1


def _check(small: dict[str, float], large: dict[str, float]) -> None:
    assert large["peak_mb"] < MEMORY_LIMIT_MB, large
    assert large["seconds"] / small["seconds"] < MAX_RATIO, (small, large)


@pytest.mark.slow
def test_a_2000_page_pdf_finishes_in_proportion_and_under_a_gigabyte(tmp_path: Path) -> None:
    half, whole = tmp_path / "half.pdf", tmp_path / "whole.pdf"
    _dense_pdf(half, 1000)
    _dense_pdf(whole, 2000)
    _check(_measure(half), _measure(whole))


@pytest.mark.huge
def test_a_50_mb_text_finishes_in_proportion_and_under_a_gigabyte(tmp_path: Path) -> None:
    half, whole = tmp_path / "half.txt", tmp_path / "whole.txt"
    _text(half, 25)
    _text(whole, 50)
    _check(_measure(half), _measure(whole))
