"""Line numbers of the values in a JSON text, so that a rule error can name its line.

The standard ``json`` module gives no positions; this small scanner walks the same
grammar and records, for every value, the line on which it starts, keyed by its path
(object keys and list indices, as pydantic reports an error's location).
"""

from __future__ import annotations

import json
import re

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")
_DECODER = json.JSONDecoder()

Path = tuple[str | int, ...]


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: dict[Path, int] = {}
        self._line_starts = [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]

    def line_of(self, offset: int) -> int:
        low, high = 0, len(self._line_starts)
        while low + 1 < high:
            middle = (low + high) // 2
            if self._line_starts[middle] <= offset:
                low = middle
            else:
                high = middle
        return low + 1

    def skip(self, offset: int) -> int:
        match = _WHITESPACE.match(self.text, offset)
        return match.end() if match else offset

    def value(self, offset: int, path: Path) -> int:
        offset = self.skip(offset)
        self.lines[path] = self.line_of(offset)
        char = self.text[offset : offset + 1]
        if char == "{":
            return self._object(offset + 1, path)
        if char == "[":
            return self._array(offset + 1, path)
        if char == '"':
            _, end = _DECODER.raw_decode(self.text, offset)
            return end
        match = _SCALAR.match(self.text, offset)
        if match is None:
            raise ValueError(f"unexpected character at line {self.line_of(offset)}")
        return match.end()

    def _object(self, offset: int, path: Path) -> int:
        offset = self.skip(offset)
        if self.text[offset : offset + 1] == "}":
            return offset + 1
        while True:
            offset = self.skip(offset)
            key, offset = _DECODER.raw_decode(self.text, offset)
            offset = self.skip(offset) + 1  # the colon
            offset = self.skip(self.value(offset, (*path, str(key))))
            if self.text[offset : offset + 1] == "}":
                return offset + 1
            offset += 1  # the comma

    def _array(self, offset: int, path: Path) -> int:
        offset = self.skip(offset)
        if self.text[offset : offset + 1] == "]":
            return offset + 1
        index = 0
        while True:
            offset = self.skip(self.value(offset, (*path, index)))
            if self.text[offset : offset + 1] == "]":
                return offset + 1
            offset += 1
            index += 1


def value_lines(text: str) -> dict[Path, int]:
    """``{path: line}`` for every value of a valid JSON text (the root's path is ``()``)."""
    scanner = _Scanner(text)
    scanner.value(0, ())
    return scanner.lines


def line_for(lines: dict[Path, int], location: tuple[str | int, ...]) -> int:
    """The line of the deepest known value on ``location`` (pydantic's error location)."""
    path = tuple(location)
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)
