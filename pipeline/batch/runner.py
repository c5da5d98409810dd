"""Running the pipeline over many inputs: discovery, worker processes, outcomes in input order.

Each worker process builds one :class:`~ofsted_findings.api.Pipeline` from the rule set
it is given and keeps it for every input it is sent (a local of the worker's loop, not a
module global). The parent hands out one input at a time, so a slow document never holds
back the others, and yields the outcomes in input order.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path

from ofsted_findings.errors import ErrorCode, InputError
from ofsted_findings.ingest.reader import DEFAULT_MAX_PAGES, ingest_bytes
from ofsted_findings.ruleset import RuleSet
from pydantic import BaseModel, ConfigDict

logger = logging.getLogger(__name__)

STDIN = "-"
#: Results held back (waiting for an earlier input to finish) per worker, at most.
WINDOW_PER_WORKER = 4
#: Linux prctl option: a signal the process gets when its parent dies.
PR_SET_PDEATHSIG = 1


class Outcome(BaseModel):
    """The result of one input: its JSON, or the error line."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: str
    json_text: str | None = None
    error: str | None = None
    code: ErrorCode | None = None


class Options(BaseModel):
    """What every input is extracted with."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    password: str | None = None
    max_pages: int = DEFAULT_MAX_PAGES
    indent: int | None = 2


def label(item: str) -> str:
    """How an input is named in messages."""
    return "stdin" if item == STDIN else item


def run_one(pipeline: object, item: str, options: Options, stdin_data: bytes | None = None) -> Outcome:
    """Extract one input with ``pipeline`` (an :class:`~ofsted_findings.api.Pipeline`); never raises for bad input."""
    from ofsted_findings.api import Pipeline, to_json

    assert isinstance(pipeline, Pipeline)
    try:
        if item == STDIN:
            ingested = ingest_bytes(
                stdin_data or b"",
                "stdin",
                pipeline.rules,
                password=options.password,
                max_pages=options.max_pages,
            )
            document = pipeline.process(ingested)
        else:
            document = pipeline.extract(Path(item), password=options.password, max_pages=options.max_pages)
        return Outcome(input=item, json_text=to_json(document, indent=options.indent))
    except InputError as exc:
        return Outcome(input=item, error=exc.line(label(item)), code=exc.code)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop a batch
        logger.debug("unexpected failure on %s", label(item), exc_info=True)
        error = InputError(
            ErrorCode.INTERNAL,
            f"unexpected {type(exc).__name__}: {exc}",
            "Please report this with the file",
        )
        return Outcome(input=item, error=error.line(label(item)), code=error.code)


def _die_with_parent() -> None:
    """Ask Linux to end this worker when its parent ends (no orphaned workers)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except OSError:
            logger.debug("prctl is not available")


def _worker_main(connection: Connection, rules_data: bytes, options: Options) -> None:
    """A worker's loop: build the pipeline once, then extract each input it is sent."""
    from ofsted_findings.api import Pipeline

    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    pipeline = Pipeline(RuleSet.from_bytes(rules_data))
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, item, data = task
        connection.send((index, run_one(pipeline, item, options, data)))


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    task: tuple[int, str] | None = None


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
            target=_worker_main,
            args=(child_end, self.rules_data, self.options),
            daemon=True,
            name="ofsted-worker",
        )
        process.start()
        child_end.close()
        return _Worker(process=process, connection=parent_end)

    def idle(self) -> list[_Worker]:
        return [worker for worker in self.workers if worker.task is None]

    def send(self, worker: _Worker, index: int, item: str, data: bytes | None) -> None:
        worker.task = (index, item)
        worker.connection.send((index, item, data))

    def results(self) -> Iterator[tuple[int, Outcome]]:
        """Wait for at least one busy worker to finish (or die) and give what came back."""
        busy = [worker for worker in self.workers if worker.task is not None]
        waitables: list[object] = [worker.connection for worker in busy] + [worker.process.sentinel for worker in busy]
        ready = set(wait(waitables))  # type: ignore[arg-type]
        for position, worker in enumerate(self.workers):
            if worker.task is None:
                continue
            if worker.connection in ready:
                try:
                    index, outcome = worker.connection.recv()
                except (EOFError, OSError):
                    index, outcome = worker.task[0], self._lost(worker)
                    self.workers[position] = self._replace(worker)
                else:
                    worker.task = None
                yield index, outcome
            elif worker.process.sentinel in ready:
                index, outcome = worker.task[0], self._lost(worker)
                self.workers[position] = self._replace(worker)
                yield index, outcome

    def _lost(self, worker: _Worker) -> Outcome:
        assert worker.task is not None
        item = worker.task[1]
        worker.process.join(1)
        error = InputError(
            ErrorCode.INTERNAL,
            f"the worker process ended while reading it (exit status {worker.process.exitcode})",
            "Please report this with the file",
        )
        return Outcome(input=item, error=error.line(label(item)), code=error.code)

    def _replace(self, worker: _Worker) -> _Worker:
        worker.connection.close()
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        return self._start()

    def close(self) -> None:
        for worker in self.workers:
            try:
                worker.connection.send(None)
            except (BrokenPipeError, OSError):
                pass
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
    password: str | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    indent: int | None = 2,
    on_done: Callable[[Outcome], None] | None = None,
) -> Iterator[Outcome]:
    """Outcomes in input order; ``on_done`` is called as each finishes (for progress)."""
    from ofsted_findings.api import Pipeline

    options = Options(password=password, max_pages=max_pages, indent=indent)
    stdin_data = sys.stdin.buffer.read() if STDIN in inputs else None
    if workers <= 1 or len(inputs) <= 1:
        pipeline = Pipeline(rules)
        for item in inputs:
            outcome = run_one(pipeline, item, options, stdin_data if item == STDIN else None)
            if on_done:
                on_done(outcome)
            yield outcome
        return
    pool = _Pool(min(workers, len(inputs)), rules, options)
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
                pool.send(worker, index, item, stdin_data if item == STDIN else None)
            for index, outcome in pool.results():
                if on_done:
                    on_done(outcome)
                ready[index] = outcome
            while next_yield in ready:
                yield ready.pop(next_yield)
                next_yield += 1
    finally:
        pool.close()
