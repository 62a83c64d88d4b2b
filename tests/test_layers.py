"""The package's imports run one way: import-linter checks ``[tool.importlinter]`` of pyproject.

Two contracts: ``layers`` — each module of ``osa_opt`` imports only from its own layer or
the layers below it, with ``Result``'s lazy convenience methods as the one listed
exception — and ``acyclic`` — no import cycle between the modules of any package. A broken contract
fails with import-linter's report, which names each offending import with its line
(``osa_opt.model.data -> osa_opt.cli.common (l.3)``).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"


def lint(config: Path, cwd: Path) -> tuple[int, str]:
    """``lint-imports`` on ``config`` with ``cwd`` first on the path: exit code and report."""
    if importlib.util.find_spec("importlinter") is None:
        pytest.fail("import-linter is missing: install the test extra again "
                    "(pip install -e '.[test]')", pytrace=False)
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
         f"sys.exit(lint_imports(config_filename={str(config)!r}, no_cache=True, "
         "no_logo=True))"],
        capture_output=True, text=True, cwd=cwd, timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)})
    return proc.returncode, proc.stdout + proc.stderr


def contracts() -> dict[str, dict]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    return {c["id"]: c for c in config["contracts"]}


def test_imports_keep_the_layers_and_make_no_cycle() -> None:
    code, report = lint(PYPROJECT, ROOT)
    assert code == 0, report
    assert "Contracts: 2 kept, 0 broken." in report, report


def test_every_allowed_import_still_exists() -> None:
    """An ignore_imports entry whose import is gone (a TODO done) is deleted, so the list
    stays the exact set of exceptions."""
    _, report = lint(PYPROJECT, ROOT)
    stale = re.findall(r"No matches for ignored import (.+?)\.?$", report, re.M)
    assert stale == [], f"delete from [tool.importlinter] in pyproject.toml: {stale}"


def test_the_layers_are_the_documented_ones() -> None:
    """Bottom to top as docs/architecture.md says; the only ignored imports are Result's
    lazy convenience methods reaching upward."""
    layers = contracts()["layers"]
    names = [name.strip() for layer in reversed(layers["layers"])
             for name in layer.replace("|", ":").split(":")]
    assert names[:5] == ["errors", "text", "html", "parallel", "data"]
    order = ["inputs", "model", "solving", "result", "analysis", "outputs", "run_folder",
             "workflows", "cli", "__main__"]
    assert [n for n in names if n in order] == order
    assert "outputs | report" in layers["layers"]  # siblings that must not import each other
    assert layers["exhaustive"] is True  # a new top-level module must be given a layer
    for line in PYPROJECT.read_text(encoding="utf-8").splitlines():
        entry = re.match(r'\s*"(osa_opt[\w.*]*) -> (osa_opt[\w.*]*)",', line)
        if entry:
            assert entry.group(1) == "osa_opt.result", line


@pytest.mark.slow
def test_an_upward_import_is_reported_with_its_chain(tmp_path: Path) -> None:
    """A copy of the package with one upward import (model -> cli) breaks the contract."""
    shutil.copytree(ROOT / "osa_opt", tmp_path / "osa_opt",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PYPROJECT, tmp_path / "pyproject.toml")
    data = tmp_path / "osa_opt" / "model" / "data.py"
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("from __future__ import annotations\n",
                                 "from __future__ import annotations\n\n"
                                 "from osa_opt.cli import common  # noqa\n", 1),
                    encoding="utf-8")
    code, report = lint(tmp_path / "pyproject.toml", tmp_path)
    assert code == 1, report
    assert "osa_opt.model is not allowed to import osa_opt.cli" in report, report
    assert "osa_opt.model.data -> osa_opt.cli.common" in report, report
    assert "No cycles are allowed in osa_opt." in report, report  # cli -> model -> cli
