"""Packaging and command-line basics: one import namespace, light imports, quiet pipes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus" / "samples" / "focused-visit_invented.txt"


def _run(args: list[str], cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    kwargs.setdefault("env", {**os.environ, "PYTHONPATH": ""})
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, check=False, **kwargs)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working directory with a models/ package and a pipeline.py that raise on import."""
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "models").mkdir()
    (folder / "models" / "__init__.py").write_text("raise ImportError('the user project models package')\n")
    (folder / "pipeline.py").write_text("raise ImportError('the user project pipeline module')\n")
    return folder


def test_spacy_blank_works_beside_user_modules(hostile_dir: Path) -> None:
    result = _run([sys.executable, "-c", "import spacy; nlp = spacy.blank('en'); print(len(nlp('a b')))"], hostile_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2"


def test_python_api_works_beside_user_modules(hostile_dir: Path) -> None:
    code = (
        "from ofsted_findings import extract\n"
        "from ofsted_findings.models import Document\n"
        f"document = extract({str(SAMPLE)!r})\n"
        "assert isinstance(document, Document) and document.findings\n"
        "print(document.letter.kind)\n"
    )
    result = _run([sys.executable, "-c", code], hostile_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "focused_visit"


def test_cli_works_beside_user_modules(hostile_dir: Path) -> None:
    result = _run([sys.executable, "-m", "ofsted_findings", "extract", str(SAMPLE), "--format", "jsonl"], hostile_dir)
    assert result.returncode == 0, result.stderr
    assert '"kind":"focused_visit"' in result.stdout


@pytest.mark.parametrize("args", [["--help"], ["schema"], ["--version"], ["extract", "--help"], ["rules", "--help"]])
def test_light_commands_do_not_import_spacy(args: list[str], tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from ofsted_findings.cli.app import app\n"
        f"result = CliRunner().invoke(app, {args!r})\n"
        "assert result.exit_code == 0, result.output\n"
        "assert 'spacy' not in sys.modules, 'spaCy was imported'\n"
    )
    result = _run([sys.executable, "-c", code], tmp_path)
    assert result.returncode == 0, result.stderr


def test_version(tmp_path: Path) -> None:
    from importlib.metadata import version

    result = _run([sys.executable, "-m", "ofsted_findings", "--version"], tmp_path)
    assert result.stdout.strip() == f"ofsted-findings {version('ofsted-findings')}"


def test_shell_completion_is_offered(tmp_path: Path) -> None:
    # what bash's completion function asks the installed command for (no shell detection involved)
    script = shutil.which("ofsted-findings")
    assert script is not None
    env = {"_OFSTED_FINDINGS_COMPLETE": "complete_bash", "COMP_WORDS": "ofsted-findings ext", "COMP_CWORD": "1"}
    result = _run([script], tmp_path, env={**os.environ, "PYTHONPATH": "", **env})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["extract"]
    source = _run([script], tmp_path, env={**os.environ, "PYTHONPATH": "", "_OFSTED_FINDINGS_COMPLETE": "source_bash"})
    assert "complete" in source.stdout and "_ofsted_findings_completion" in source.stdout


def test_closed_stdout_ends_quietly(tmp_path: Path) -> None:
    inputs = [str(SAMPLE)] * 2 + [str(ROOT / "corpus" / "samples" / "monitoring-visit_invented.txt")] * 2
    process = subprocess.Popen(
        [sys.executable, "-m", "ofsted_findings", "extract", *inputs, "--workers", "1", "--format", "json"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(64)
    process.stdout.close()
    stderr = process.stderr.read().decode()
    code = process.wait(timeout=300)
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
    assert code == 141


def test_every_subpackage_is_packaged() -> None:
    """Each folder of code under pipeline/ is in the wheel's package list (mapped to ofsted_findings)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {"ofsted_findings", "ofsted_findings.models"}
    for init in (ROOT / "pipeline").rglob("__init__.py"):
        relative = init.parent.relative_to(ROOT / "pipeline")
        found.add(".".join(("ofsted_findings", *relative.parts)) if relative.parts else "ofsted_findings")
    assert listed == found
    assert config["tool"]["setuptools"]["package-dir"] == {
        "ofsted_findings": "pipeline",
        "ofsted_findings.models": "models",
    }


def test_every_factory_has_an_entry_point() -> None:
    from ofsted_findings.nlp.components import PIPE_NAMES

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert set(config["project"]["entry-points"]["spacy_factories"]) == set(PIPE_NAMES)


def test_lowest_constraints_match_the_lower_bounds() -> None:
    """ci/lowest-constraints.txt pins every direct dependency (and test tool) to its declared lower bound."""
    import re

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = [*config["project"]["dependencies"], *config["project"]["optional-dependencies"]["test"]]
    bounds = {}
    for requirement in declared:
        match = re.match(r"^([A-Za-z0-9_.-]+)>=([^,;]+)", requirement)
        assert match, f"{requirement} has no lower bound"
        bounds[match.group(1).lower()] = match.group(2)
    pinned = {}
    for line in (ROOT / "ci" / "lowest-constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pinned[name.lower()] = version
    assert pinned == bounds


def test_ci_runs_the_readme_test_command() -> None:
    """The README's test command is the one .ci/run runs first."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^pip install -e \"\.\[test\]\" && .+$", readme, flags=re.MULTILINE)
    assert len(commands) == 1
    assert commands[0] in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_every_imported_package_is_declared() -> None:
    """Third-party packages imported by the code are dependencies (or optional ones for evaluation baselines)."""
    import re

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {
        re.split(r"[<>=\[]", requirement)[0].lower().replace("-", "_")
        for requirement in [*config["project"]["dependencies"], *config["project"]["optional-dependencies"]["dev"]]
    }
    names = {"pypdfium2": "pypdfium2", "vaderSentiment": "vadersentiment", "quantulum3": "quantulum3"}
    stdlib = set(sys.stdlib_module_names) | {"ofsted_findings"}
    imported: set[str] = set()
    for path in [*(ROOT / "pipeline").rglob("*.py"), *(ROOT / "models").rglob("*.py")]:
        for match in re.finditer(
            r"^\s*(?:from|import) ([A-Za-z_][A-Za-z0-9_]*)", path.read_text(encoding="utf-8"), re.M
        ):
            if match.group(1) not in stdlib:
                imported.add(names.get(match.group(1), match.group(1)).lower())
    assert imported <= declared | {"ofsted_findings"}, imported - declared
