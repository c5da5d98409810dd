"""Benchmark: bare PDFium text extraction vs our ingest stage vs the whole pipeline.

All three run in one process over the same files, read into memory first so disk speed
does not count: (a) PDFium's plain text of every page, (b) :func:`ofsted_findings.ingest.reader.ingest_bytes`,
(c) ingest plus every later stage to JSON. The whole-pipeline pass is timed stage by stage
(the same steps as :func:`ofsted_findings.api.process`, in the same order); optionally
pdfplumber's ``extract_text`` is timed per page on a sample for comparison.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from pydantic import BaseModel, ConfigDict, Field

from ofsted_findings.api import Pipeline
from ofsted_findings.batch.files import discover
from ofsted_findings.errors import ErrorCode, InputError
from ofsted_findings.ingest.reader import (
    PDF_MEDIA_TYPE,
    Ingested,
    ingest_bytes,
    read_input,
    sniff_media_type,
)
from ofsted_findings.ruleset import RuleSet
from ofsted_findings.serialize import to_json

logger = logging.getLogger(__name__)

#: Stages of the whole-pipeline pass, in order.
STAGES = ("ingest", "normalize", "tokenize", "components", "document", "json")


class EngineTime(BaseModel):
    """Seconds and pages for one way of reading the files."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seconds: float
    pages: int
    files: int

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def ms_per_page(self) -> float:
        return 1000 * self.seconds / self.pages if self.pages else 0.0


class BenchmarkResult(BaseModel):
    """Timings of the three passes, the stage profile and the optional pdfplumber sample."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    files: int
    pages: int
    pdfium: EngineTime = Field(description="(a) bare PDFium text extraction.")
    ingest: EngineTime = Field(description="(b) our ingest stage.")
    pipeline: EngineTime = Field(description="(c) the whole pipeline to JSON.")
    stages: dict[str, float] = Field(description="Seconds per stage of the whole-pipeline pass.")
    components: dict[str, float] = Field(description="Seconds per spaCy component (inside 'components').")
    pdfium_sample: EngineTime | None = Field(default=None, description="PDFium on the pdfplumber sample.")
    pdfplumber_sample: EngineTime | None = Field(default=None, description="pdfplumber extract_text on a sample.")

    @property
    def ingest_ratio(self) -> float:
        return self.ingest.seconds / self.pdfium.seconds

    @property
    def pipeline_ratio(self) -> float:
        return self.pipeline.seconds / self.pdfium.seconds


def load_pdfs(
    paths: list[str], limit: int | None = None, on_skip: Callable[[str], None] | None = None
) -> list[tuple[str, bytes]]:
    """Names and bytes of the PDFs under ``paths`` that PDFium opens (other files are skipped;
    a file named .pdf that cannot be read or opened is passed to ``on_skip`` as one error line)."""
    skip = on_skip or (lambda line: logger.warning("%s", line))
    found: list[tuple[str, bytes]] = []
    for item in discover(paths, on_error=skip):
        if item == "-" or not item.lower().endswith(".pdf"):
            continue
        try:
            data = read_input(Path(item))
        except InputError as exc:
            skip(exc.line(item))
            continue
        if sniff_media_type(data) != PDF_MEDIA_TYPE:
            skip(InputError(ErrorCode.MISLABELLED, "named .pdf but not a PDF", "Left out of the benchmark").line(item))
            continue
        try:
            pdfium.PdfDocument(data).close()
        except pdfium.PdfiumError as exc:
            skip(
                InputError(
                    ErrorCode.BROKEN_PDF, f"PDFium cannot open it ({str(exc).rstrip('.')})", "Left out of the benchmark"
                ).line(item)
            )
            continue
        found.append((Path(item).name, data))
        if limit is not None and len(found) >= limit:
            break
    return found


def time_pdfium(files: list[tuple[str, bytes]]) -> EngineTime:
    """(a) PDFium's plain text of every page, nothing else."""
    pages = 0
    start = time.perf_counter()
    for _, data in files:
        pdf = pdfium.PdfDocument(data)
        try:
            for index in range(len(pdf)):
                page = pdf[index]
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
                pages += 1
        finally:
            pdf.close()
    return EngineTime(seconds=time.perf_counter() - start, pages=pages, files=len(files))


def time_pdfplumber(files: list[tuple[str, bytes]]) -> EngineTime:
    """pdfplumber's ``extract_text`` on every page."""
    import io

    import pdfplumber

    pages = 0
    start = time.perf_counter()
    for _, data in files:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
                pages += 1
    return EngineTime(seconds=time.perf_counter() - start, pages=pages, files=len(files))


def time_ingest(files: list[tuple[str, bytes]], rules: RuleSet) -> tuple[EngineTime, list[Ingested]]:
    """(b) our ingest stage; returns the ingested documents too."""
    ingested: list[Ingested] = []
    start = time.perf_counter()
    for name, data in files:
        try:
            ingested.append(ingest_bytes(data, name, rules))
        except InputError as exc:
            logger.warning("%s", exc.line(name))
    seconds = time.perf_counter() - start
    pages = sum(len(doc.pages) for doc in ingested)
    return EngineTime(seconds=seconds, pages=pages, files=len(ingested)), ingested


class _Clock:
    """Adds the time of each step to a named stage."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self.components: dict[str, float] = {}
        self._last = time.perf_counter()

    def restart(self) -> None:
        """Start timing afresh (between documents)."""
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages[stage] += now - self._last
        self._last = now

    def tick(self, stage: str) -> None:
        """Stage hook for :func:`ofsted_findings.api.process`."""
        if stage.startswith("component:"):
            self.component(stage.removeprefix("component:"))
        else:
            self.lap(stage)

    def component(self, name: str) -> None:
        now = time.perf_counter()
        self.components[name] = self.components.get(name, 0.0) + now - self._last
        self.stages["components"] += now - self._last
        self._last = now


def timed_document(ingested: Ingested, pipeline: Pipeline, clock: _Clock) -> str:
    """The JSON of one document from :meth:`ofsted_findings.api.Pipeline.process`, timed stage by stage."""
    text = to_json(pipeline.process(ingested, timer=clock.tick))
    clock.lap("json")
    return text


def time_pipeline(files: list[tuple[str, bytes]], pipeline: Pipeline) -> tuple[EngineTime, _Clock]:
    """(c) the whole pipeline from bytes to JSON, with a per-stage clock."""
    clock = _Clock()
    pages = 0
    done = 0
    start = time.perf_counter()
    for name, data in files:
        clock.restart()
        try:
            ingested = ingest_bytes(data, name, pipeline.rules)
        except InputError:
            continue
        clock.lap("ingest")
        timed_document(ingested, pipeline, clock)
        pages += len(ingested.pages)
        done += 1
    return EngineTime(seconds=time.perf_counter() - start, pages=pages, files=done), clock


def run_benchmark(
    paths: list[str],
    *,
    limit: int | None = None,
    pdfplumber_files: int = 0,
    on_step: Callable[[str], None] | None = None,
    on_skip: Callable[[str], None] | None = None,
    rules: RuleSet | None = None,
) -> BenchmarkResult:
    """Time (a), (b) and (c) on the same files in this process; optionally pdfplumber on a sample."""
    step = on_step or (lambda _message: None)
    files = load_pdfs(paths, limit, on_skip=on_skip)
    if not files:
        raise ValueError("no PDF files found in the given paths")
    pipeline = Pipeline(rules)  # built before timing: compiling the rules is a one-off cost
    step(f"(a) PDFium text on {len(files)} files")
    bare = time_pdfium(files)
    step("(b) ingest")
    ingest, _ = time_ingest(files, pipeline.rules)
    step("(c) whole pipeline")
    whole, clock = time_pipeline(files, pipeline)
    plumber: EngineTime | None = None
    pdfium_sample: EngineTime | None = None
    if pdfplumber_files:
        sample = files[:: max(len(files) // pdfplumber_files, 1)][:pdfplumber_files]
        step(f"pdfplumber and PDFium on a sample of {len(sample)} files")
        pdfium_sample = time_pdfium(sample)
        plumber = time_pdfplumber(sample)
    return BenchmarkResult(
        files=len(files),
        pages=bare.pages,
        pdfium=bare,
        ingest=ingest,
        pipeline=whole,
        stages=clock.stages,
        components=clock.components,
        pdfium_sample=pdfium_sample,
        pdfplumber_sample=plumber,
    )


def format_benchmark(result: BenchmarkResult) -> str:
    """Plain-text table of the timings, ratios and stage profile."""
    lines = [f"files: {result.files}  pages: {result.pages}  (single process)"]
    for label, engine in (
        ("(a) pypdfium2 text", result.pdfium),
        ("(b) ingest", result.ingest),
        ("(c) pipeline to JSON", result.pipeline),
    ):
        lines.append(
            f"{label:<22} {engine.seconds:8.2f} s  {engine.pages_per_second:8.1f} pages/s  {engine.ms_per_page:6.2f} ms/page"
        )
    lines.append(f"ratio (b)/(a): {result.ingest_ratio:.2f}   ratio (c)/(a): {result.pipeline_ratio:.2f}")
    total = sum(result.stages.values()) or 1.0
    lines.append("stage profile of (c):")
    for stage in STAGES:
        seconds = result.stages[stage]
        lines.append(f"  {stage:<11} {seconds:8.2f} s  {100 * seconds / total:5.1f}%")
        if stage == "components":
            for name, component_seconds in result.components.items():
                lines.append(f"    {name:<20} {component_seconds:8.2f} s  {100 * component_seconds / total:5.1f}%")
    if result.pdfplumber_sample and result.pdfium_sample:
        lines.append(
            f"sample of {result.pdfplumber_sample.files} files, {result.pdfplumber_sample.pages} pages: "
            f"pdfplumber extract_text {result.pdfplumber_sample.ms_per_page:.2f} ms/page, "
            f"pypdfium2 {result.pdfium_sample.ms_per_page:.2f} ms/page "
            f"({result.pdfplumber_sample.seconds / result.pdfium_sample.seconds:.0f}x)"
        )
    return "\n".join(lines)
