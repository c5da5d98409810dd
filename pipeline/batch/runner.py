"""Running the pipeline over many inputs: worker processes, limits, outcomes in input order.

Each worker process builds one :class:`~ofsted_findings.api.Pipeline` from the rule set it
is given and keeps it for every input it is sent (a local of the worker's loop, not a
module global). The parent hands out one input at a time, so a slow document never holds
back the others, and yields the outcomes in input order.

Limits (see the README's "Limits and failure behaviour"): each worker's memory is capped
(``RLIMIT_AS``), each input has a time limit (enforced in the worker, and by the parent,
which replaces a worker that does not answer in time), and workers die with their parent
(``PR_SET_PDEATHSIG``), so killing a run leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import logging
import multiprocessing
import os
import resource
import signal
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, BinaryIO

from pydantic import BaseModel, ConfigDict

from ofsted_findings.errors import ErrorCode, InputError
from ofsted_findings.ingest.reader import DEFAULT_MAX_BYTES, DEFAULT_MAX_PAGES, Ingested, ingest_bytes, ingest_path
from ofsted_findings.ruleset import RuleSet

if TYPE_CHECKING:
    from ofsted_findings.api import Pipeline

logger = logging.getLogger(__name__)

STDIN = "-"
#: Results held back (waiting for an earlier input to finish) per worker, at most.
WINDOW_PER_WORKER = 4
#: Linux prctl option: a signal the process gets when its parent dies.
PR_SET_PDEATHSIG = 1
#: Default time limit per input, in seconds (``--timeout``).
DEFAULT_TIMEOUT = 600.0
#: Default memory limit per worker process, in MiB (``--max-memory``).
DEFAULT_MAX_MEMORY = 4096
#: Seconds the parent waits beyond the time limit before it replaces a silent worker.
GRACE_SECONDS = 10.0
#: Signals that end a worker that ran out of memory (PDFium aborts on a failed allocation).
MEMORY_SIGNALS = frozenset({signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGTRAP})


class Outcome(BaseModel):
    """The result of one input: its JSON, or the error line."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: str
    json_text: str | None = None
    #: A long input's JSON is not passed between processes: it is in this file, which the
    #: receiver moves into place (:func:`~ofsted_findings.batch.files.write_atomic`) or removes.
    json_file: str | None = None
    error: str | None = None
    code: ErrorCode | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and (self.json_text is not None or self.json_file is not None)

    def read_json(self) -> str:
        """The JSON text (read from the spool file, which is then removed)."""
        if self.json_text is not None:
            return self.json_text
        if self.json_file is None:
            raise ValueError(f"{self.input} has no JSON: {self.error}")
        path = Path(self.json_file)
        try:
            return path.read_text(encoding="utf-8").removesuffix("\n")
        finally:
            path.unlink(missing_ok=True)

    def discard(self) -> None:
        """Remove the spool file, if any."""
        if self.json_file is not None:
            Path(self.json_file).unlink(missing_ok=True)


class Options(BaseModel):
    """What every input is extracted with, and its limits."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    password: str | None = None
    max_pages: int = DEFAULT_MAX_PAGES
    max_bytes: int = DEFAULT_MAX_BYTES
    indent: int | None = 2
    timeout: float = DEFAULT_TIMEOUT
    max_memory: int = DEFAULT_MAX_MEMORY
    #: Where a long input's JSON is written (None: always in the outcome).
    spool_dir: str | None = None


def label(item: str) -> str:
    """How an input is named in messages."""
    return "stdin" if item == STDIN else item


class _Timeout(BaseException):
    """The time limit of one input ran out (a BaseException, so no ``except Exception`` swallows it)."""


def _failure(item: str, code: ErrorCode, cause: str, remedy: str) -> Outcome:
    return Outcome(input=item, error=InputError(code, cause, remedy).line(label(item)), code=code)


def run_one(pipeline: object, item: str, options: Options, stdin_data: bytes | None = None) -> Outcome:
    """Extract one input with ``pipeline`` (an :class:`~ofsted_findings.api.Pipeline`); never raises for bad input.

    A long input's JSON is written to a file in ``options.spool_dir`` (see :class:`Outcome`)."""
    from ofsted_findings.api import Pipeline

    assert isinstance(pipeline, Pipeline)

    def ingest() -> Ingested:
        if item == STDIN:
            return ingest_bytes(
                stdin_data or b"", "stdin", pipeline.rules, password=options.password, max_pages=options.max_pages
            )
        return ingest_path(
            Path(item),
            pipeline.rules,
            password=options.password,
            max_pages=options.max_pages,
            max_bytes=options.max_bytes,
        )

    try:
        # the ingested input is passed on, never bound here, so its lines go once it is normalised
        if options.spool_dir is not None and _input_size(item, stdin_data) > pipeline.chunk_chars:
            return Outcome(input=item, json_file=str(_spool(pipeline, ingest, options, Path(options.spool_dir))))
        buffer = io.StringIO()
        pipeline.write_json(ingest(), buffer, indent=options.indent)
        return Outcome(input=item, json_text=buffer.getvalue())
    except InputError as exc:
        return Outcome(input=item, error=exc.line(label(item)), code=exc.code)
    except _Timeout:
        return _failure(
            item,
            ErrorCode.TIMEOUT,
            f"reading it took more than the limit of {options.timeout:g} seconds",
            "Raise the limit with --timeout if this is really one document",
        )
    except MemoryError:
        return _failure(
            item,
            ErrorCode.OUT_OF_MEMORY,
            f"reading it needed more than the limit of {options.max_memory} MiB",
            "Raise the limit with --max-memory if this is really one document",
        )
    except Exception as exc:
        logger.debug("unexpected failure on %s", label(item), exc_info=True)
        return _failure(
            item, ErrorCode.INTERNAL, f"unexpected {type(exc).__name__}: {exc}", "Please report this with the file"
        )


def _input_size(item: str, stdin_data: bytes | None) -> int:
    """Bytes of an input (0 when it cannot be looked at: reading it will say why)."""
    if item == STDIN:
        return len(stdin_data or b"")
    try:
        return Path(item).stat().st_size
    except (OSError, ValueError):
        return 0


def _spool(pipeline: Pipeline, ingest: Callable[[], Ingested], options: Options, folder: Path) -> Path:
    """Write a long input's JSON to a new file in ``folder`` (removed again if writing fails)."""
    handle, name = tempfile.mkstemp(dir=folder, prefix=".ofsted-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            pipeline.write_json(ingest(), stream, indent=options.indent)
            stream.write("\n")  # as every output file ends
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def read_stdin(stream: BinaryIO | None, max_bytes: int) -> bytes | InputError:
    """Standard input, at most ``max_bytes`` of it (an error when there is more, or it is closed)."""
    if stream is None:
        return InputError(ErrorCode.NOT_FOUND, "standard input is closed", "Pipe a document into it")
    try:
        data = stream.read(max_bytes + 1)
    except (OSError, ValueError) as exc:
        return InputError(ErrorCode.NOT_FOUND, f"standard input cannot be read ({exc})", "Pipe a document into it")
    if len(data) > max_bytes:
        return InputError(
            ErrorCode.TOO_LARGE,
            f"standard input has more than {max_bytes:,} bytes",
            "Raise the limit with --max-bytes if this is really one document",
        )
    return data


def _die_with_parent() -> None:
    """Ask Linux to end this worker when its parent ends (no orphaned workers)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except OSError:
            logger.debug("prctl is not available")


def _limit_memory(megabytes: int) -> None:
    """Cap this process's address space; an allocation beyond it fails (MemoryError in Python)."""
    limit = megabytes * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`_Timeout` in this process after ``seconds``."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _worker_main(connection: Connection, rules_data: bytes, options: Options) -> None:
    """A worker's loop: build the pipeline once, then extract each input it is sent."""
    from ofsted_findings.api import Pipeline

    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    _limit_memory(options.max_memory)
    pipeline = Pipeline(RuleSet.from_bytes(rules_data))
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, item, data = task
        try:
            with _deadline(options.timeout):
                outcome = run_one(pipeline, item, options, data)
        except _Timeout:  # expired between run_one's own handlers and the end of the block
            outcome = _failure(item, ErrorCode.TIMEOUT, "reading it took too long", "Raise the limit with --timeout")
        connection.send((index, outcome))


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    task: tuple[int, str] | None = None
    started: float = field(default=0.0)


class _Pool:
    """Worker processes, each given one input at a time."""

    def __init__(self, size: int, rules: RuleSet, options: Options) -> None:
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["ofsted_findings.api"])
        self.rules_data = rules.to_bytes()
        self.options = options
        self.workers = [self._start() for _ in range(size)]

    def _start(self) -> _Worker:
        parent_end, child_end = self.context.Pipe()
        process = self.context.Process(
            target=_worker_main, args=(child_end, self.rules_data, self.options), daemon=True, name="ofsted-worker"
        )
        process.start()
        child_end.close()
        return _Worker(process=process, connection=parent_end)

    def idle(self) -> list[_Worker]:
        return [worker for worker in self.workers if worker.task is None]

    def send(self, worker: _Worker, index: int, item: str, data: bytes | None) -> None:
        worker.task = (index, item)
        worker.started = time.monotonic()
        worker.connection.send((index, item, data))

    def results(self) -> Iterator[tuple[int, Outcome]]:
        """Wait for at least one busy worker to finish, die or run out of time, and give what came back."""
        busy = [worker for worker in self.workers if worker.task is not None]
        patience = self.options.timeout + GRACE_SECONDS
        deadline = min(worker.started for worker in busy) + patience
        waitables: list[object] = [worker.connection for worker in busy] + [worker.process.sentinel for worker in busy]
        ready = set(wait(waitables, timeout=max(0.0, deadline - time.monotonic())))  # type: ignore[arg-type]
        now = time.monotonic()
        for position, worker in enumerate(self.workers):
            if worker.task is None:
                continue
            index, item = worker.task
            if worker.connection in ready:
                try:
                    received, outcome = worker.connection.recv()
                except (EOFError, OSError):
                    self.workers[position] = self._replace(worker)
                    yield index, self._lost(item, worker)
                else:
                    worker.task = None
                    yield received, outcome
            elif worker.process.sentinel in ready:
                self.workers[position] = self._replace(worker)
                yield index, self._lost(item, worker)
            elif now - worker.started > patience:
                self.workers[position] = self._replace(worker)
                yield (
                    index,
                    _failure(
                        item,
                        ErrorCode.TIMEOUT,
                        f"reading it took more than the limit of {self.options.timeout:g} seconds",
                        "Raise the limit with --timeout if this is really one document",
                    ),
                )

    def _lost(self, item: str, worker: _Worker) -> Outcome:
        code = worker.process.exitcode
        if code is not None and code < 0 and -code in MEMORY_SIGNALS:
            return _failure(
                item,
                ErrorCode.OUT_OF_MEMORY,
                f"the worker reading it stopped (signal {-code}), most likely at its memory limit of "
                f"{self.options.max_memory} MiB",
                "Raise the limit with --max-memory if this is really one document",
            )
        return _failure(
            item,
            ErrorCode.INTERNAL,
            f"the worker process ended while reading it (exit status {code})",
            "Please report this with the file",
        )

    def _replace(self, worker: _Worker) -> _Worker:
        worker.connection.close()
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        return self._start()

    def close(self) -> None:
        for worker in self.workers:
            with contextlib.suppress(BrokenPipeError, OSError):
                worker.connection.send(None)
        for worker in self.workers:
            worker.process.join(2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(2)
            worker.connection.close()


def run_many(
    inputs: list[str],
    rules: RuleSet,
    *,
    workers: int,
    options: Options | None = None,
    isolate: bool = True,
    on_done: Callable[[Outcome], None] | None = None,
) -> Iterator[Outcome]:
    """Outcomes in input order; ``on_done`` is called as each finishes (for progress).

    With ``isolate`` (the default) every input is read in a worker process, under the time
    and memory limits of ``options``; without it, and with one worker, inputs are read in
    this process, with no limits. A long input's JSON comes in a temporary file
    (:attr:`Outcome.json_file`, in a temporary folder removed when the run ends)."""
    options = options or Options()
    with tempfile.TemporaryDirectory(prefix="ofsted-findings-") as spool_dir:
        yield from _run_many(
            inputs,
            rules,
            workers,
            options.model_copy(update={"spool_dir": spool_dir}),
            isolate=isolate,
            on_done=on_done,
        )


def _run_many(
    inputs: list[str],
    rules: RuleSet,
    workers: int,
    options: Options,
    *,
    isolate: bool,
    on_done: Callable[[Outcome], None] | None,
) -> Iterator[Outcome]:
    from ofsted_findings.api import Pipeline

    stdin: bytes | InputError | None = (
        read_stdin(sys.stdin.buffer if sys.stdin is not None else None, options.max_bytes) if STDIN in inputs else None
    )
    if isinstance(stdin, InputError):
        failed = Outcome(input=STDIN, error=stdin.line("stdin"), code=stdin.code)
        inputs = [item for item in inputs if item != STDIN]
        if on_done:
            on_done(failed)
        yield failed
    if not inputs:
        return
    data = stdin if isinstance(stdin, bytes) else None
    if not isolate and workers <= 1:
        pipeline = Pipeline(rules)
        for item in inputs:
            outcome = run_one(pipeline, item, options, data if item == STDIN else None)
            if on_done:
                on_done(outcome)
            yield outcome
        return
    pool = _Pool(max(1, min(workers, len(inputs))), rules, options)
    try:
        todo = deque(enumerate(inputs))
        ready: dict[int, Outcome] = {}
        next_yield = 0
        window = len(pool.workers) * WINDOW_PER_WORKER
        while next_yield < len(inputs):
            for worker in pool.idle():
                if not todo or todo[0][0] >= next_yield + window:
                    break
                index, item = todo.popleft()
                pool.send(worker, index, item, data if item == STDIN else None)
            for index, outcome in pool.results():
                if on_done:
                    on_done(outcome)
                ready[index] = outcome
            while next_yield in ready:
                yield ready.pop(next_yield)
                next_yield += 1
    finally:
        pool.close()
