"""`rules fit` and `rules suggest` on a tiny invented gold: weights fitted on the tune split only."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ofsted_findings.cli.app import app
from ofsted_findings.evaluation.fit import packaged_rules_dir
from ofsted_findings.ruleset import RuleSet

runner = CliRunner()

TITLE = "Inspection of the invented borough children's services"
#: A cue whose weight (0.05) is too low to decide: every sentence it is in is a gold strength.
SPARKLING = [
    "The sparkling rota let the north team plan each week of the autumn term.",
    "Staff in the east office used the sparkling rota to arrange their home visits.",
    "A sparkling rota was shared with the new managers in the spring months.",
    "Managers said the sparkling rota made planning across the teams much simpler.",
    "Each sparkling rota is pinned to the wall of the west office kitchen.",
]
#: A strength cue of weight 1 that only ever fires in gold neutral sentences.
HUMDRUM = [
    "The humdrum office sits beside the railway station in the town centre.",
    "Visitors reach the humdrum building by bus from the market square each morning.",
    "The humdrum corridor leads to the meeting rooms on the second floor.",
    "A humdrum car park lies behind the building next to the library.",
    "Two humdrum lifts serve the upper floors of the council building.",
]
PLAIN = [
    "The council covers a large rural area with several market towns.",
    "The visit took place over three days in the late summer.",
]
#: A phrase no cue knows, only in gold strength sentences.
GLIMMERING = [
    "Glimmering teamwork marks every visit to the families of the district.",
    "Visitors noted glimmering teamwork across the offices during the week.",
    "Parents describe glimmering teamwork with the school nurses this year.",
]
NEW_CUES = [
    {"id": "str.test_sparkling", "polarity": "strength", "pattern": "sparkling", "weight": 0.05},
    {"id": "str.test_humdrum", "polarity": "strength", "pattern": "humdrum", "weight": 1.0},
]


def _write_document(corpus: Path, gold: Path, name: str, split: str, labelled: list[tuple[str, str]]) -> None:
    """A text file of one sentence per paragraph and its gold file."""
    text = "\n\n".join([TITLE, *(sentence for sentence, _ in labelled)]) + "\n"
    path = corpus / "letters" / f"{name}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    common = {"file": f"letters/{name}.txt", "sha256": sha, "split": split}
    rows = [{**common, "selection": "every sentence after the title"}]
    rows += [
        {**common, "page": 1, "quote": sentence, "n_words": len(sentence.split()), "label": label}
        for sentence, label in labelled
    ]
    folder = gold / "findings"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def _tune_labels() -> list[tuple[str, str]]:
    return [
        *((s, "strength") for s in SPARKLING),
        *((s, "neutral") for s in HUMDRUM),
        *((s, "neutral") for s in PLAIN),
    ]


def _export(folder: Path) -> Path:
    result = runner.invoke(app, ["rules", "export", str(folder)])
    assert result.exit_code == 0, result.output
    cues = folder / "cues.jsonl"
    with cues.open("a", encoding="utf-8") as stream:
        for row in NEW_CUES:
            stream.write(json.dumps(row) + "\n")
    return folder


def _fit(rules: Path, gold: Path, corpus: Path, *extra: str) -> str:
    result = runner.invoke(
        app, ["rules", "fit", "--rules", str(rules), "--gold", str(gold), "--corpus", str(corpus), *extra]
    )
    assert result.exit_code == 0, result.output
    return result.output


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One tune document; the same plus a contradicting test-split document; three fitted folders."""
    root = tmp_path_factory.mktemp("fit")
    corpus, gold, gold_with_test = root / "corpus", root / "gold", root / "gold_with_test"
    _write_document(corpus, gold, "alpha", "tune", _tune_labels())
    _write_document(corpus, gold_with_test, "alpha", "tune", _tune_labels())
    contradicting = [*((s, "neutral") for s in SPARKLING), *((s, "strength") for s in HUMDRUM)]
    _write_document(corpus, gold_with_test, "beta", "test", contradicting)
    folders = {
        "original": _export(root / "original"),
        "first": _export(root / "first"),
        "second": _export(root / "second"),
        "with_test": _export(root / "with_test"),
    }
    output = _fit(folders["first"], gold, corpus)
    assert "weights changed" in output and "cues.jsonl" in output
    _fit(folders["second"], gold, corpus)
    _fit(folders["with_test"], gold_with_test, corpus)
    return {**folders, "corpus": corpus, "gold": gold}


def _rows(path: Path) -> dict[str, dict[str, object]]:
    return {row["id"]: row for row in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def test_undecided_cue_is_raised_and_neutral_cue_lowered(fitted: dict[str, Path]) -> None:
    rows = _rows(fitted["first"] / "cues.jsonl")
    assert float(rows["str.test_sparkling"]["weight"]) > 0.5  # type: ignore[arg-type]
    assert float(rows["str.test_humdrum"]["weight"]) < 1.0  # type: ignore[arg-type]
    rules = RuleSet.from_dir(fitted["first"])
    weights = {cue.id: cue.weight for cue in rules.cues}
    assert weights["str.test_sparkling"] >= rules.findings.min_score > weights["str.test_humdrum"]


def test_fitted_files_are_valid_and_keep_other_fields(fitted: dict[str, Path]) -> None:
    RuleSet.from_dir(fitted["first"])
    before = (fitted["original"] / "cues.jsonl").read_text(encoding="utf-8").splitlines()
    after = (fitted["first"] / "cues.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(before) == len(after)
    for old_line, new_line in zip(before, after, strict=True):
        old, new = json.loads(old_line), json.loads(new_line)
        assert list(old) == list(new)  # same fields in the same order
        assert {k: v for k, v in old.items() if k != "weight"} == {k: v for k, v in new.items() if k != "weight"}
        if old.get("weight") == new.get("weight"):
            assert old_line == new_line  # rows not fitted are left byte for byte
    untouched = [cue for cue in RuleSet.from_dir(fitted["original"]).cues if cue.id.startswith("str.")][:5]
    refitted = {cue.id: cue for cue in RuleSet.from_dir(fitted["first"]).cues}
    assert all(refitted[cue.id] == cue for cue in untouched)  # never fired in the tiny corpus
    findings = json.loads((fitted["first"] / "findings.json").read_text(encoding="utf-8"))
    assert set(findings) == set(json.loads((fitted["original"] / "findings.json").read_text(encoding="utf-8")))
    changed = [name for name, data in _files(fitted["original"]).items() if _files(fitted["first"])[name] != data]
    assert set(changed) <= {"cues.jsonl", "modifiers.jsonl", "findings.json"}


def test_fitting_is_deterministic(fitted: dict[str, Path]) -> None:
    assert _files(fitted["first"]) == _files(fitted["second"])


def test_test_split_is_ignored(fitted: dict[str, Path]) -> None:
    assert _files(fitted["first"]) == _files(fitted["with_test"])


def test_dry_run_writes_nothing(fitted: dict[str, Path], tmp_path: Path) -> None:
    folder = _export(tmp_path / "rules")
    before = _files(folder)
    output = _fit(folder, fitted["gold"], fitted["corpus"], "--dry-run")
    assert "nothing written" in output and "mean F1" in output
    assert _files(folder) == before


def test_packaged_rules_folder_is_refused(fitted: dict[str, Path]) -> None:
    packaged = packaged_rules_dir()
    before = _files(packaged)
    result = runner.invoke(
        app,
        ["rules", "fit", "--rules", str(packaged), "--gold", str(fitted["gold"]), "--corpus", str(fitted["corpus"])],
    )
    assert result.exit_code == 2
    assert "packaged" in result.output
    assert _files(packaged) == before


def test_suggest_lists_the_missed_phrase_first(tmp_path: Path) -> None:
    corpus, gold = tmp_path / "corpus", tmp_path / "gold"
    labelled = [*((s, "strength") for s in GLIMMERING), *((s, "neutral") for s in HUMDRUM + PLAIN)]
    _write_document(corpus, gold, "gamma", "tune", labelled)
    folder = _export(tmp_path / "rules")
    before = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    result = runner.invoke(
        app, ["rules", "suggest", "--rules", str(folder), "--gold", str(gold), "--corpus", str(corpus)]
    )
    assert result.exit_code == 0, result.output
    header, first, *_ = result.output.splitlines()
    assert header.startswith("ngram\tpolarity")
    ngram, polarity, support, *_ = first.split("\t")
    assert (ngram, polarity, support) == ("glimmering teamwork", "strength", "3")
    assert {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()} == before


def test_the_replayed_decision_is_the_classifiers() -> None:
    """``rules fit`` scores weights by replaying recorded sentences; with the packaged weights
    the replay gives exactly the findings the classifier made (mixed sentences included)."""
    import sys

    from ofsted_findings.api import Pipeline
    from ofsted_findings.evaluation.fit import RecordingClassifier, Weights, predict
    from ofsted_findings.nlp.components import rules_holder
    from ofsted_findings.ruleset import RuleSet

    rules = RuleSet.default()
    pipeline = Pipeline(rules)
    pipeline.chunk_chars = sys.maxsize
    recorder = RecordingClassifier(rules)
    rules_holder(pipeline.nlp).compiled.__dict__["classifier"] = recorder
    text = (
        "Findings\n\nSocial workers know children well. Plans are good, but reviews are too slow.\n\n"
        "Although leaders are ambitious, progress has been too slow. Managers provide effective oversight, "
        "and supervision is regular.\n\nWhat needs to improve\n\n• The quality of plans for children in care.\n"
    )
    document = pipeline.extract(text)
    replayed = [
        (p.polarity, p.start, p.end)
        for record in recorder.records
        for p in predict(record, document.text, Weights.of(rules))
    ]
    made = [(str(f.polarity), f.start, f.end) for f in document.findings]
    assert sorted(replayed) == sorted(made) and len(made) >= 5
