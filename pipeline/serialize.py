"""The JSON of a Document, whole or streamed.

:func:`to_json` is the one serialisation of a :class:`~ofsted_findings.models.Document`.
:class:`DocumentWriter` writes the same bytes without holding the document's sentences,
findings and metrics in memory: each item is serialised as it arrives into a temporary
file of its list, and the lists are spliced into the rest of the document at the end. A
long text processed in pieces (:mod:`ofsted_findings.nlp.chunks`) is written this way, so
its memory is that of one piece.
"""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import tempfile
from collections.abc import Iterable
from types import TracebackType
from typing import IO, Final

from pydantic import BaseModel

from ofsted_findings.models import Document, Finding, Metric, Sentence

logger = logging.getLogger(__name__)

#: The lists a :class:`DocumentWriter` streams, in the order of the document's fields.
STREAMED: Final = ("sentences", "findings", "metrics")
_COPY_BUFFER = 1 << 20
_TEXT_SLICE = 1 << 20


def to_json(document: Document, *, indent: int | None = 2) -> str:
    """Deterministic JSON (fields in model order, no timestamps)."""
    return document.model_dump_json(indent=indent)


class _ListSpool:
    """The items of one top-level list, serialised as pydantic would inside the document."""

    def __init__(self, indent: int | None) -> None:
        self.indent = indent
        self.count = 0
        self.file: IO[str] = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 - closed by the writer

    def add(self, item: BaseModel) -> None:
        body = item.model_dump_json(indent=self.indent)
        if self.indent is None:
            self.file.write("," + body if self.count else body)
        else:
            pad = " " * (2 * self.indent)  # a list item of a top-level field sits two levels deep
            # strings are escaped, so every newline is the serialiser's own
            self.file.write(("," if self.count else "") + "\n" + pad + body.replace("\n", "\n" + pad))
        self.count += 1

    def copy_to(self, stream: IO[str]) -> None:
        stream.write("[")
        self.file.seek(0)
        shutil.copyfileobj(self.file, stream, _COPY_BUFFER)
        if self.count and self.indent is not None:
            stream.write("\n" + " " * self.indent)
        stream.write("]")

    def close(self) -> None:
        self.file.close()


class DocumentWriter:
    """Stream a document's JSON: ``add`` its items in order, then ``finish`` with the rest.

    The bytes written are exactly ``to_json(document, indent=indent)`` of the document whose
    sentences, findings and metrics are the items added (a test holds the two equal)."""

    def __init__(self, stream: IO[str], *, indent: int | None = 2) -> None:
        self.stream = stream
        self.indent = indent
        self._spools = {name: _ListSpool(indent) for name in STREAMED}

    def __enter__(self) -> DocumentWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        for spool in self._spools.values():
            spool.close()

    def add(self, sentences: Iterable[Sentence], findings: Iterable[Finding], metrics: Iterable[Metric]) -> None:
        """The next items of each list (each list's items arrive sorted)."""
        for name, items in zip(STREAMED, (sentences, findings, metrics), strict=True):
            spool = self._spools[name]
            for item in items:
                spool.add(item)

    def finish(self, head: Document) -> None:
        """Write the document: ``head`` holds every field but the streamed lists (theirs are ignored).

        The text is written in slices too, escaped as pydantic escapes strings (Python's
        ``json.dumps(..., ensure_ascii=False)`` escapes the same characters the same way, which
        a test checks for every code point), so no second copy of a long text is made."""
        token = secrets.token_hex(8)
        fields = (*STREAMED, "text")
        markers = {name: f"\u0001{name}-{token}\u0001" for name in fields}
        skeleton = head.model_copy(update=markers).model_dump_json(indent=self.indent, warnings=False)
        position = 0
        separator = ":" if self.indent is None else ": "
        found = []
        for name in fields:
            # the marker is a JSON string of its own; inside any other string a quote is escaped
            value = f'"\\u0001{name}-{token}\\u0001"'
            at = skeleton.find(f'"{name}"{separator}{value}')
            if at < 0:
                raise RuntimeError(f"the {name} field was not found in the document's JSON")
            at += len(name) + 2 + len(separator)
            found.append((at, at + len(value), name))
        for start, end, name in sorted(found):
            self.stream.write(skeleton[position:start])
            if name == "text":
                self._write_string(head.text)
            else:
                self._spools[name].copy_to(self.stream)
            position = end
        self.stream.write(skeleton[position:])
        logger.debug("streamed %s", {name: spool.count for name, spool in self._spools.items()})

    def _write_string(self, text: str) -> None:
        self.stream.write('"')
        for start in range(0, len(text), _TEXT_SLICE):
            self.stream.write(json.dumps(text[start : start + _TEXT_SLICE], ensure_ascii=False)[1:-1])
        self.stream.write('"')
