"""``rules/README.md``, generated from the rule models' field descriptions (one place for them)."""

from __future__ import annotations

import enum
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ofsted_findings.ruleset.loading import RULE_FILES
from ofsted_findings.ruleset.schema import _compiles

INTRODUCTION = """\
# Rule files

Every rule the pipeline uses is in these files; the code only applies them. This page is
generated from the rule models (`ofsted-findings rules readme`); edit the field
descriptions in `ruleset/schema.py`, not this page.

To change a rule without touching the installed package, copy the folder, edit it, check
it and run with it:

```bash
ofsted-findings rules export my-rules/
# edit my-rules/cues.jsonl, e.g. add a line:
#   {"id": "wk.lacks_purpose", "polarity": "weakness", "pattern": "lacks purpose", "weight": 1.0}
ofsted-findings rules check my-rules/          # counts per file, or file:line errors
ofsted-findings extract letter.pdf --rules my-rules/
```

`.jsonl` files hold one JSON object per line (no comments, so any JSON Lines reader can
read them); `.json` files hold one JSON object. Unknown keys are errors, regular
expressions are compiled when the rules are loaded, and rule ids are unique across all
files. Every finding lists the ids of the rules that fired, so each label can be traced
to the lines that made it.
"""


def _type_name(annotation: Any) -> str:
    """A readable, stable name for a field's type."""
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is typing.Annotated:
        return (
            "regex"
            if any(getattr(meta, "func", None) is _compiles for meta in arguments[1:])
            else _type_name(arguments[0])
        )
    if origin is typing.Literal:
        return " \\| ".join(f"`{value}`" for value in arguments)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(argument) for argument in arguments)
    if origin in (list, tuple):
        inner = [argument for argument in arguments if argument is not Ellipsis]
        return f"list of {_type_name(inner[0])}" if inner else "list"
    if origin is dict:
        return f"object of {_type_name(arguments[1])}"
    if annotation is type(None):
        return "null"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return f"{annotation.__name__} (" + ", ".join(f"`{member.value}`" for member in annotation) + ")"
    if isinstance(annotation, type):
        return {
            "str": "string",
            "int": "integer",
            "float": "number",
            "bool": "boolean",
        }.get(annotation.__name__, annotation.__name__)
    return str(annotation)


def _rows(model: type[BaseModel]) -> list[str]:
    rows = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        default = "" if info.is_required() else f" (default `{_default(info)}`)"
        kind = _type_name(info.annotation)
        if any(getattr(meta, "func", None) is _compiles for meta in info.metadata):
            kind = kind.replace("string", "regex")
        rows.append(f"| `{key}` | {kind} | {info.description or ''}{default} |")
    return rows


def _default(info: FieldInfo) -> str:
    value = info.get_default(call_default_factory=True)
    return "[]" if value in ([], ()) else str(value).lower() if isinstance(value, bool) else str(value)


def _nested(model: type[BaseModel]) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    for info in model.model_fields.values():
        for argument in typing.get_args(info.annotation) or (info.annotation,):
            for inner in typing.get_args(argument) or (argument,):
                if isinstance(inner, type) and issubclass(inner, BaseModel) and inner not in found:
                    found.append(inner)
    return found


def rules_readme() -> str:
    """The README of the rule folder."""
    parts = [INTRODUCTION]
    parts.append("| file | what it holds |\n| --- | --- |")
    parts.extend(f"| `{rule_file.name}` | {rule_file.description} |" for rule_file in RULE_FILES)
    for rule_file in RULE_FILES:
        model = rule_file.model
        unit = "one object per line" if rule_file.format == "jsonl" else "one object"
        parts.append(f"\n## `{rule_file.name}` ({unit})\n\n{(model.__doc__ or '').strip()}\n")
        parts.append("| key | type | meaning |\n| --- | --- | --- |")
        parts.extend(_rows(model))
        for inner in _nested(model):
            parts.append(f"\n`{inner.__name__}`: {(inner.__doc__ or '').strip()}\n")
            parts.append("| key | type | meaning |\n| --- | --- | --- |")
            parts.extend(_rows(inner))
    return "\n".join(parts) + "\n"
