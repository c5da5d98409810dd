"""Loading rule and data files shipped inside the package (via importlib.resources)."""

from __future__ import annotations

import json
import logging
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

logger = logging.getLogger(__name__)

ModelT = TypeVar("ModelT", bound=BaseModel)


class RuleFileError(ValueError):
    """A rule or data file is malformed; the message names the file and line."""


@cache
def read_text(folder: str, name: str) -> str:
    """Text of ``pipeline/<folder>/<name>``."""
    return resources.files("ofsted_findings").joinpath(folder, name).read_text(encoding="utf-8")


def load_json(folder: str, name: str) -> Any:
    """Parse a JSON file shipped in the package."""
    try:
        return json.loads(read_text(folder, name))
    except json.JSONDecodeError as exc:
        raise RuleFileError(f"pipeline/{folder}/{name}: {exc}") from exc


def load_jsonl(folder: str, name: str, model: type[ModelT]) -> list[ModelT]:
    """Parse and validate a JSON-lines rule file; blank lines and ``//`` comments are skipped."""
    return parse_jsonl(read_text(folder, name), f"pipeline/{folder}/{name}", model)


def parse_jsonl(text: str, label: str, model: type[ModelT]) -> list[ModelT]:
    """Validate JSON lines against ``model``; errors name the file and line number."""
    items: list[ModelT] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("//"):
            continue
        try:
            items.append(model.model_validate_json(stripped))
        except ValidationError as exc:
            raise RuleFileError(f"{label}:{number}: {exc}") from exc
    return items
