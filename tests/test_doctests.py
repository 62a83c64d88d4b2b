"""Every ``>>>`` example in the docstrings of ``osa_opt`` runs and prints what it shows.

One test per module with examples. Each runs with the module's own globals plus a small
namespace, built from the shipped example only when the module's examples name it:

- ``osa_opt``, ``pd`` (pandas), ``pyo`` (``pyomo.environ``), ``Path``;
- ``problem``: ``osa_opt.load_problem()`` (the example under the default policy);
- ``result``, ``solver``: three ranked portfolios of ``problem`` with their explanations
  (why-in/why-out, rule prices), and the Solver that ranked them — what
  ``osa_opt.solve(problem, portfolios=3, explain=True)`` does; made once and shared, so an
  example reads them and leaves them as it found them.

The examples run in a temporary folder holding the repository's ``inputs/`` and ``models/``,
so the paths a reader types after a clone work. ``ELLIPSIS`` and ``NORMALIZE_WHITESPACE``
are on. An example that writes files or needs a browser keeps ``# doctest: +SKIP``.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
from pathlib import Path
from typing import Any

import pytest

import osa_opt

ROOT = Path(__file__).resolve().parents[1]
NOT_IMPORTED = {"osa_opt.__main__"}  # runs the CLI when imported
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def modules_with_examples() -> list[str]:
    names = ["osa_opt", *(m.name for m in pkgutil.walk_packages(osa_opt.__path__, "osa_opt."))]
    found = []
    for name in sorted(set(names) - NOT_IMPORTED):
        module = importlib.import_module(name)
        if any(t.examples for t in doctest.DocTestFinder().find(module, name)):
            found.append(name)
    return found


MODULES = modules_with_examples()
#: Modules whose examples take a second or more (solves with explanations, frontiers,
#: robustness samples): left out of ``pytest -m "not slow"``.
SLOW = {"osa_opt", "osa_opt.workflows", "osa_opt.analysis.why", "osa_opt.analysis.robustness",
        "osa_opt.analysis.prices", "osa_opt.outputs.png", "osa_opt.cli.common",
        "osa_opt.cli.progress"}


@pytest.fixture(scope="session")
def shared() -> dict[str, Any]:
    """The namespace every module's examples get (``result``, ``solver``: made on first use)."""
    import pandas as pd
    import pyomo.environ as pyo

    return {"osa_opt": osa_opt, "pd": pd, "pyo": pyo, "Path": Path,
            "problem": osa_opt.load_problem()}


def solved(shared: dict[str, Any]) -> dict[str, Any]:
    """``result`` and ``solver`` of the shared namespace, made once: examples read them and
    must leave them as they found them."""
    if "result" not in shared:
        from osa_opt.analysis.baseline import solve_baseline
        from osa_opt.workflows import explain_result

        shared["result"], shared["solver"] = solve_baseline(shared["problem"], portfolios=3)
        explain_result(shared["result"], shared["solver"], True)
    return shared


@pytest.fixture
def reader_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder as a reader has it after a clone: ``inputs/`` and ``models/`` (linked)."""
    for name in ("inputs", "models"):
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("name", [pytest.param(m, marks=pytest.mark.slow) if m in SLOW else m
                                  for m in MODULES])
def test_examples_run_as_written(name: str, shared: dict[str, Any], reader_folder: Path) -> None:
    """The module's examples print what they show (a failure lists each example's diff)."""
    module = importlib.import_module(name)
    tests = [t for t in doctest.DocTestFinder().find(module, name) if t.examples]
    words = set(re.findall(r"\w+", " ".join(ex.source for t in tests for ex in t.examples
                                            if not ex.options.get(doctest.SKIP))))
    extra = solved(shared) if words & {"result", "solver"} else shared
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report: list[str] = []
    for test in tests:
        test.globs.update(extra)
        runner.run(test, out=report.append)
    if runner.failures:
        pytest.fail("".join(report), pytrace=False)


def test_examples_are_skipped_only_where_they_write_files() -> None:
    """``+SKIP`` is left only on examples that write a file (run folder, workbook and its
    charts, report, template) or read one a run wrote; every other example runs above."""
    writes = ("write", "save", "add_charts(", "Workbook(\"", "run_sources(", "wrote_line(",
              "load_run(", "compare_runs(")
    skipped = []
    for name in MODULES:
        module = importlib.import_module(name)
        for test in doctest.DocTestFinder().find(module, name):
            skipped += [(name, ex.source.strip()) for ex in test.examples
                        if ex.options.get(doctest.SKIP)]
    assert skipped, "no example is skipped: drop this test"
    assert [s for s in skipped if not any(w in s[1] for w in writes)] == []
