"""The rule set: validated on load, errors as file:line, editable folders, a content fingerprint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ofsted_findings.cli.app import app
from ofsted_findings.ruleset import RULE_FILES, RuleSet, RuleSetError
from ofsted_findings.ruleset.docs import rules_readme

ROOT = Path(__file__).resolve().parents[1]
RULES_DIR = ROOT / "pipeline" / "rules"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """An exported copy of the packaged rules."""
    RuleSet.default().export(tmp_path / "rules")
    return tmp_path / "rules"


def _edit(folder: Path, name: str, line: int, text: str) -> None:
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    lines[line - 1] = text
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _problems(folder: Path) -> list[str]:
    with pytest.raises(RuleSetError) as caught:
        RuleSet.from_dir(folder)
    return caught.value.problems


def test_packaged_jsonl_files_are_plain_json_lines() -> None:
    """Any JSON Lines reader can read them: one JSON object per line, no comments."""
    for rule_file in RULE_FILES:
        if rule_file.format == "jsonl":
            for line in (RULES_DIR / rule_file.name).read_text(encoding="utf-8").splitlines():
                assert isinstance(json.loads(line), dict), rule_file.name


def test_export_then_load_gives_the_same_rules(folder: Path) -> None:
    assert RuleSet.from_dir(folder).fingerprint == RuleSet.default().fingerprint
    assert (folder / "README.md").read_text(encoding="utf-8") == rules_readme()


def test_fingerprint_follows_content_not_layout(folder: Path) -> None:
    text = (folder / "segment.json").read_text(encoding="utf-8")
    (folder / "segment.json").write_text(json.dumps(json.loads(text)), encoding="utf-8")  # same content, one line
    assert RuleSet.from_dir(folder).fingerprint == RuleSet.default().fingerprint
    _edit(folder, "cues.jsonl", 1, '{"id": "wk.new_phrase", "polarity": "weakness", "pattern": "zig zag"}')
    assert RuleSet.from_dir(folder).fingerprint != RuleSet.default().fingerprint


@pytest.mark.parametrize(
    ("name", "line", "text", "expected"),
    [
        pytest.param(
            "cues.jsonl",
            3,
            '{"id": "x.a", "polarity": "weakness", "patern": "a b"}',
            "cues.jsonl:3: patern",
            id="unknown-key",
        ),
        pytest.param(
            "cues.jsonl",
            4,
            '{"id": "x.b", "polarity": "sideways", "pattern": "a b"}',
            "cues.jsonl:4: polarity",
            id="bad-value",
        ),
        pytest.param(
            "cues.jsonl",
            5,
            '{"id": "x.c", "polarity": "weakness", "pattern": "a (b", "regex": true}',
            "cues.jsonl:5: pattern",
            id="bad-cue-regex",
        ),
        pytest.param(
            "sections.jsonl",
            2,
            '{"id": "s.x", "pattern": "^what (", "category": "findings"}',
            "sections.jsonl:2: pattern",
            id="bad-regex",
        ),
        pytest.param(
            "themes.jsonl",
            1,
            '{"id": "theme.x", "theme": "not_a_theme", "pattern": "x"}',
            "themes.jsonl:1: theme",
            id="unknown-theme",
        ),
        pytest.param("cues.jsonl", 2, "{not json", "cues.jsonl:2: not JSON", id="not-json"),
        pytest.param("modifiers.jsonl", 1, "// a comment", "modifiers.jsonl:1: comments are not JSON", id="comment"),
    ],
)
def test_problems_name_file_and_line(folder: Path, name: str, line: int, text: str, expected: str) -> None:
    _edit(folder, name, line, text)
    assert any(expected in problem for problem in _problems(folder)), _problems(folder)


def test_ids_are_unique_across_files(folder: Path) -> None:
    first_cue = json.loads((folder / "cues.jsonl").read_text(encoding="utf-8").splitlines()[0])["id"]
    _edit(folder, "themes.jsonl", 2, json.dumps({"id": first_cue, "theme": "care_leavers", "pattern": "x y"}))
    (problem,) = [p for p in _problems(folder) if "already used" in p]
    assert "themes.jsonl:2" in problem and "cues.jsonl:1" in problem


def test_json_file_problems_name_their_line(folder: Path) -> None:
    text = (folder / "metadata.json").read_text(encoding="utf-8")
    data = json.loads(text)
    data["visit_patterns"][2] = "inspection ("
    (folder / "metadata.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    lines = (folder / "metadata.json").read_text(encoding="utf-8").splitlines()
    expected_line = next(number for number, line in enumerate(lines, start=1) if '"inspection ("' in line)
    assert any(p.startswith(f"{folder / 'metadata.json'}:{expected_line}:") for p in _problems(folder)), _problems(
        folder
    )


def test_bad_metric_shape_is_reported(folder: Path) -> None:
    data = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    data["shapes"][0]["pattern"] = "(?P<num>{digits}"
    (folder / "metrics.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    assert any("shape.hyphen_duration" in p for p in _problems(folder))


def test_missing_and_stray_files(folder: Path) -> None:
    (folder / "cues.jsonl").rename(folder / "cue.jsonl")
    problems = _problems(folder)
    assert any("cues.jsonl: missing" in p for p in problems)
    assert any("cue.jsonl: not a rule file" in p for p in problems)


def test_vocabulary_placeholders_are_filled(folder: Path) -> None:
    rules = RuleSet.from_dir(folder)
    assert "{month_name}" not in rules.metadata.month_year_pattern and "september" in rules.metadata.month_year_pattern
    assert "{month_name}" in (folder / "metadata.json").read_text(encoding="utf-8")  # exported as written
    data = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
    data["closings"].append("With best regards")
    (folder / "vocabulary.json").write_text(json.dumps(data), encoding="utf-8")
    assert "With\\ best\\ regards" in RuleSet.from_dir(folder).layout.closing_pattern


def test_replace_validates_like_a_folder() -> None:
    from ofsted_findings.ruleset.schema import CueRule

    rules = RuleSet.default()
    with pytest.raises(RuleSetError, match="already used"):
        rules.replace(cues=[*rules.cues, rules.cues[0]])
    bigger = rules.replace(cues=[*rules.cues, CueRule(id="wk.zz", polarity="weakness", pattern="zz top")])
    assert len(bigger.cues) == len(rules.cues) + 1


def test_rules_commands(folder: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    export = runner.invoke(app, ["rules", "export", str(tmp_path / "fresh")])
    assert export.exit_code == 0, export.output
    check = runner.invoke(app, ["rules", "check", str(tmp_path / "fresh")])
    assert check.exit_code == 0 and "cues.jsonl\t" in check.stdout
    _edit(folder, "cues.jsonl", 2, '{"id": "x", "polarity": "weakness"}')
    bad = runner.invoke(app, ["rules", "check", str(folder)])
    assert bad.exit_code == 1 and f"{folder / 'cues.jsonl'}:2: pattern" in bad.stdout
    refused = runner.invoke(app, ["rules", "export", str(tmp_path / "fresh")])
    assert refused.exit_code == 2


def test_extract_with_a_rule_folder(folder: Path, samples_dir: Path) -> None:
    _edit(
        folder,
        "cues.jsonl",
        1,
        '{"id": "wk.zigzag", "polarity": "weakness", "pattern": "zigzag planning", "weight": 2}',
    )
    text = samples_dir / "focused-visit_invented.txt"
    letter = text.read_text(encoding="utf-8") + "\n\nThere is zigzag planning.\n"
    source = folder.parent / "letter.txt"
    source.write_text(letter, encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(source), "--rules", str(folder), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert any(cue["rule"] == "wk.zigzag" for finding in document["findings"] for cue in finding["cues"])


def test_bad_rule_folder_is_a_usage_error(folder: Path, samples_dir: Path) -> None:
    _edit(folder, "cues.jsonl", 1, "{broken")
    result = CliRunner().invoke(
        app, ["extract", str(samples_dir / "focused-visit_invented.txt"), "--rules", str(folder)]
    )
    assert result.exit_code == 2 and "cues.jsonl:1" in result.stderr


def test_rules_readme_is_current() -> None:
    assert (RULES_DIR / "README.md").read_text(encoding="utf-8") == rules_readme(), (
        "run: ofsted-findings rules readme > pipeline/rules/README.md"
    )
