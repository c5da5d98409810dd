"""The :class:`RuleSet`: every rule file, loaded once, validated, and passed to every stage.

A rule set is read from a folder (``RuleSet.from_dir``) or from the rules shipped in the
package (``RuleSet.default``). Loading checks each file completely before anything runs:
JSON syntax, unknown or mistyped keys, regular expressions (compiled), and rule ids that
must be unique across all files. Every problem is reported as ``file:line: message``.
The set's :attr:`RuleSet.fingerprint` is a hash of its content (not of the files' bytes):
two folders with the same rules have the same fingerprint.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

from ofsted_findings.ruleset.jsonpos import line_for, value_lines
from ofsted_findings.ruleset.schema import (
    AuthorityTable,
    ContrastRule,
    CueRule,
    FindingRules,
    IndicatorRules,
    JudgementRule,
    LayoutRules,
    MetadataRules,
    MetricVocabulary,
    ModifierRule,
    SectionRule,
    SegmentRules,
    ThemeRule,
    Vocabulary,
)

logger = logging.getLogger(__name__)

#: Files beside the rules that are documentation, not rules.
DOCUMENTATION_SUFFIXES = (".md",)


@dataclass(frozen=True)
class RuleFile:
    """One rule file: its name, the :class:`RuleSet` field it fills, its format and model."""

    name: str
    field: str
    format: Literal["json", "jsonl"]
    model: type[BaseModel]
    description: str


RULE_FILES: tuple[RuleFile, ...] = (
    RuleFile(
        "vocabulary.json", "vocabulary", "json", Vocabulary, "words several stages use: months, grades, eras, closings"
    ),
    RuleFile(
        "layout.json",
        "layout",
        "json",
        LayoutRules,
        "normalisation: page furniture, line joining, characters",
    ),
    RuleFile("segment.json", "segment", "json", SegmentRules, "sentence boundaries"),
    RuleFile(
        "sections.jsonl",
        "sections",
        "jsonl",
        SectionRule,
        "heading patterns and section categories",
    ),
    RuleFile("findings.json", "findings", "json", FindingRules, "the findings stage's decision threshold"),
    RuleFile("cues.jsonl", "cues", "jsonl", CueRule, "polarity cues"),
    RuleFile(
        "modifiers.jsonl",
        "modifiers",
        "jsonl",
        ModifierRule,
        "negation, partial, hedge and pseudo modifiers",
    ),
    RuleFile(
        "contrasts.jsonl",
        "contrasts",
        "jsonl",
        ContrastRule,
        "clause-splitting contrast markers",
    ),
    RuleFile("themes.jsonl", "themes", "jsonl", ThemeRule, "theme phrases"),
    RuleFile(
        "metrics.json",
        "metrics",
        "json",
        MetricVocabulary,
        "figures: numbers, units, qualifiers, baselines",
    ),
    RuleFile("indicators.json", "indicators", "json", IndicatorRules, "canonical measures figures are compared on"),
    RuleFile(
        "metadata.json",
        "metadata",
        "json",
        MetadataRules,
        "document kinds, grades, dates, inspectors",
    ),
    RuleFile("judgements.jsonl", "judgements", "jsonl", JudgementRule, "judgement labels"),
    RuleFile(
        "authorities.json",
        "authorities",
        "json",
        AuthorityTable,
        "local authorities: names, codes, mergers",
    ),
)
RULE_FILE_NAMES = frozenset(rule_file.name for rule_file in RULE_FILES)


class RuleSetError(ValueError):
    """Rule files that cannot be used; ``problems`` holds one ``file:line: message`` each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _describe(error: Mapping[str, Any]) -> str:
    location = ".".join(str(part) for part in error.get("loc", ()))
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{location}: {message}" if location else message


class RuleSet(BaseModel):
    """Every rule the pipeline uses, validated. Build one with :meth:`from_dir` or :meth:`default`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    vocabulary: Vocabulary
    layout: LayoutRules
    segment: SegmentRules
    sections: tuple[SectionRule, ...]
    findings: FindingRules
    cues: tuple[CueRule, ...]
    modifiers: tuple[ModifierRule, ...]
    contrasts: tuple[ContrastRule, ...]
    themes: tuple[ThemeRule, ...]
    metrics: MetricVocabulary
    indicators: IndicatorRules
    metadata: MetadataRules
    judgements: tuple[JudgementRule, ...]
    authorities: AuthorityTable

    _texts: dict[str, str] = PrivateAttr(default_factory=dict)
    _origin: str = PrivateAttr(default="")
    _fingerprint: str | None = PrivateAttr(default=None)

    # --- construction --------------------------------------------------------------------

    @classmethod
    def default(cls) -> RuleSet:
        """The rules shipped in the package."""
        folder = resources.files("ofsted_findings").joinpath("rules")
        texts = {
            rule_file.name: folder.joinpath(rule_file.name).read_text(encoding="utf-8") for rule_file in RULE_FILES
        }
        return cls.from_texts(texts, origin="(packaged rules)")

    @classmethod
    def from_dir(cls, path: str | Path) -> RuleSet:
        """The rules in a folder (made by ``ofsted-findings rules export``, then edited)."""
        folder = Path(path)
        if not folder.is_dir():
            raise RuleSetError([f"{folder}: not a folder of rule files"])
        problems: list[str] = []
        texts: dict[str, str] = {}
        for rule_file in RULE_FILES:
            file = folder / rule_file.name
            try:
                texts[rule_file.name] = file.read_text(encoding="utf-8")
            except FileNotFoundError:
                problems.append(f"{file}: missing (start from `ofsted-findings rules export DIR`)")
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(f"{file}: cannot be read ({exc})")
        for extra in sorted(folder.iterdir()):
            if (
                extra.is_file()
                and extra.name not in RULE_FILE_NAMES
                and not extra.name.endswith(DOCUMENTATION_SUFFIXES)
            ):
                problems.append(f"{extra}: not a rule file (the rule files are: {', '.join(sorted(RULE_FILE_NAMES))})")
        if problems:
            raise RuleSetError(problems)
        return cls.from_texts(texts, origin=str(folder))

    @classmethod
    def from_texts(cls, texts: Mapping[str, str], *, origin: str = "") -> RuleSet:
        """Parse and validate rule files given as ``{file name: text}``."""
        prefix = f"{origin.rstrip('/')}/" if origin and not origin.startswith("(") else ""
        problems: list[str] = []
        values: dict[str, Any] = {}
        ids: dict[str, str] = {}
        fill: dict[str, str] = {}  # the vocabulary's placeholders, once vocabulary.json (the first file) is read
        for rule_file in RULE_FILES:
            text = texts.get(rule_file.name)
            label = f"{prefix}{rule_file.name}"
            if text is None:
                problems.append(f"{label}: missing")
                continue
            if rule_file.format == "jsonl":
                values[rule_file.field] = _parse_jsonl(text, label, rule_file.model, problems, ids, fill)
            else:
                values[rule_file.field] = _parse_json(text, label, rule_file.model, problems, ids, fill)
            if isinstance(values[rule_file.field], Vocabulary):
                fill = values[rule_file.field].placeholders()
        if problems:
            raise RuleSetError(problems)
        rules = cls.model_validate(values)
        rules._texts = {name: texts[name] for name in sorted(RULE_FILE_NAMES)}
        rules._origin = origin
        return rules

    # --- identity and export ---------------------------------------------------------------

    @property
    def origin(self) -> str:
        """Where the rules were read from (a folder, or '(packaged rules)')."""
        return self._origin

    @property
    def fingerprint(self) -> str:
        """sha256 of the rules' content (parsed and re-serialised, so layout does not count)."""
        if self._fingerprint is None:
            self._fingerprint = hashlib.sha256(self.model_dump_json(by_alias=True).encode("utf-8")).hexdigest()
        return self._fingerprint

    @property
    def texts(self) -> dict[str, str]:
        """The rule files as read, ``{file name: text}``."""
        return dict(self._texts)

    def counts(self) -> dict[str, int]:
        """Rules per file: lines of a JSONL file, entries of a JSON file's lists and tables."""
        result: dict[str, int] = {}
        for rule_file in RULE_FILES:
            value = getattr(self, rule_file.field)
            if isinstance(value, tuple):
                result[rule_file.name] = len(value)
            else:
                result[rule_file.name] = sum(
                    len(item) if isinstance(item, (list, dict, tuple)) else 1 for item in value.model_dump().values()
                )
        return result

    def export(self, folder: str | Path) -> list[Path]:
        """Write the rule files as read (and the rules README) into ``folder``."""
        from ofsted_findings.ruleset.docs import rules_readme

        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        for name, text in self._texts.items():
            path = target / name
            path.write_text(text, encoding="utf-8")
            written.append(path)
        readme = target / "README.md"
        readme.write_text(rules_readme(), encoding="utf-8")
        written.append(readme)
        return written

    def replace(self, **families: Any) -> RuleSet:
        """A new rule set with whole files replaced, e.g. ``rules.replace(cues=[*rules.cues, new_cue])``.

        Each family is written back as its file's text and the set is loaded again, so the
        result is validated (ids, regexes) like a folder would be."""
        texts = dict(self._texts)
        by_field = {rule_file.field: rule_file for rule_file in RULE_FILES}
        for field_name, value in families.items():
            rule_file = by_field.get(field_name)
            if rule_file is None:
                raise ValueError(f"no rule file holds {field_name!r}")
            if rule_file.format == "jsonl":
                texts[rule_file.name] = "".join(json.dumps(_plain(item), ensure_ascii=False) + "\n" for item in value)
            else:
                texts[rule_file.name] = json.dumps(_plain(value), ensure_ascii=False, indent=2) + "\n"
        return RuleSet.from_texts(texts, origin=self._origin)

    def to_bytes(self) -> bytes:
        """The rule files as one JSON document (for spaCy's ``to_bytes``)."""
        return json.dumps({"origin": self._origin, "files": self._texts}, sort_keys=True).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> RuleSet:
        """Inverse of :meth:`to_bytes`."""
        payload = json.loads(data.decode("utf-8"))
        return cls.from_texts(payload["files"], origin=payload.get("origin", ""))

    def ids(self) -> Iterable[str]:
        """Every rule id in the set."""
        for family in (
            self.sections,
            self.cues,
            self.modifiers,
            self.contrasts,
            self.themes,
            self.judgements,
        ):
            for rule in family:
                yield rule.id
        for kind in self.metadata.kinds:
            yield kind.id


def _plain(value: Any) -> Any:
    """A rule (or a list of them) as JSON data, defaults left out."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _remember_id(item: Any, where: str, ids: dict[str, str], problems: list[str]) -> None:
    """Rule ids are unique across every file."""
    identifier = item.get("id") if isinstance(item, dict) else None
    if not isinstance(identifier, str):
        return
    if identifier in ids:
        problems.append(f"{where}: rule id {identifier!r} is already used at {ids[identifier]}")
    else:
        ids[identifier] = where


def _fill(value: Any, fill: dict[str, str]) -> Any:
    """``{name}`` placeholders of the vocabulary replaced in every string of a parsed rule."""
    if not fill:
        return value
    if isinstance(value, str):
        if "{" in value:
            for name, replacement in fill.items():
                value = value.replace("{" + name + "}", replacement)
        return value
    if isinstance(value, list):
        return [_fill(item, fill) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, fill) for key, item in value.items()}
    return value


def _parse_jsonl(
    text: str, label: str, model: type[BaseModel], problems: list[str], ids: dict[str, str], fill: dict[str, str]
) -> list[BaseModel]:
    items: list[BaseModel] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        where = f"{label}:{number}"
        if stripped.startswith("//"):
            problems.append(f"{where}: comments are not JSON; document rules in README.md beside the files")
            continue
        try:
            raw = json.loads(stripped)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not JSON ({exc.msg}, column {exc.colno})")
            continue
        _remember_id(raw, where, ids, problems)
        try:
            items.append(model.model_validate(_fill(raw, fill)))
        except ValidationError as exc:
            problems.extend(f"{where}: {_describe(error)}" for error in exc.errors())
    return items


def _parse_json(
    text: str, label: str, model: type[BaseModel], problems: list[str], ids: dict[str, str], fill: dict[str, str]
) -> BaseModel | None:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(f"{label}:{exc.lineno}: not JSON ({exc.msg}, column {exc.colno})")
        return None
    lines = value_lines(text)
    if isinstance(raw, dict):
        for key, value in raw.items():
            if isinstance(value, list):
                for index, item in enumerate(value):
                    _remember_id(item, f"{label}:{line_for(lines, (key, index))}", ids, problems)
    try:
        return model.model_validate(_fill(raw, fill))
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(f"{label}:{line_for(lines, tuple(error.get('loc', ())))}: {_describe(error)}")
    return None
