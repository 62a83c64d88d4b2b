"""docs/walkthrough.ipynb: stored clean, runs top to bottom, and compares what it claims.

The notebook is executed with nbclient in a ``python3`` kernel (ipykernel's, running this
interpreter). The projects the custom rule brings in and pushes out are recomputed here by
another route (fixing ``x["P-17"]`` on a fresh persistent solver rather than adding a
constraint) and must be the ones the comparison cell prints.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

import osa_opt
from osa_opt.solving.solver import Solver

pytestmark = pytest.mark.slow  # a Jupyter kernel runs the whole notebook
NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "walkthrough.ipynb"
PROMISED = "P-17"


def ensure_python3_kernel() -> None:
    """A ``python3`` kernelspec: ipykernel's own, installed into this environment if absent."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        from ipykernel.kernelspec import install

        install(prefix=sys.prefix)


def cell_with(nb: Any, text: str) -> Any:
    found = [c for c in nb.cells if c.cell_type == "code" and text in c.source]
    assert len(found) == 1, f"expected one code cell containing {text!r}"
    return found[0]


def stream_text(cell: Any) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def rich(cell: Any, mime: str) -> str:
    return "".join(o["data"].get(mime, "") for o in cell.outputs
                   if o.output_type in ("execute_result", "display_data"))


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    ensure_python3_kernel()
    nb = nbformat.read(NOTEBOOK, as_version=4)
    workdir = tmp_path_factory.mktemp("walkthrough")
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(workdir)}})
    client.execute()
    return nb


def test_notebook_is_stored_without_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)


def test_every_cell_runs(executed: Any) -> None:
    errors = [(c.source.splitlines()[0], o.get("ename"), o.get("evalue"))
              for c in executed.cells if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    assert errors == []


def test_comparison_shows_what_the_custom_rule_changes(executed: Any) -> None:
    solver = Solver(osa_opt.load_problem())
    base = solver.solve_once()
    with solver.fixed({PROMISED: 1}):
        promised = solver.solve_once()
    added = sorted(set(promised.fractions) - set(base.fractions))
    dropped = sorted(set(base.fractions) - set(promised.fractions))
    assert PROMISED in added and dropped      # the rule bites: something had to go

    cell = cell_with(executed, "funded only with the promise")
    text = stream_text(cell)
    assert f"funded only with the promise: {', '.join(added)}\n" in text
    assert f"dropped for the promise: {', '.join(dropped)}\n" in text
    lost = base.objective - promised.objective
    assert f"value given up: {lost:.3f} " in text
    table = rich(cell, "text/html")
    assert "vessel promised" in table and "stricter policy" in table


def test_results_display_as_html(executed: Any) -> None:
    solved = cell_with(executed, "result = osa_opt.solve(problem, portfolios=3)")
    html = rich(solved, "text/html")
    assert 'class="osa-nb"' in html and "proven optimal" in html
    ranked = html.split("Not in portfolio 1")[0]
    assert ranked.count("<tr") == 1 + 3                # header + three ranked portfolios
    out = html.split("Not in portfolio 1")[1]          # then the projects left out, why
    left_out = osa_opt.solve(osa_opt.load_problem(), portfolios=1, explain=False).unfunded
    assert out.count("<tr") == 1 + len(left_out) and "not selected: the budget buys" in out
    shown = rich(cell_with(executed, "result.unfunded["), "text/html")
    longest = max(left_out["reason"], key=len)
    assert len(longest) > 50 and longest.replace("'", "&#x27;") in shown  # not cut at 50
    projects = rich(cell_with(executed, "result.portfolios[0].projects"), "text/html")
    assert "P-01" in projects and "<table" in projects
    stricter = rich(cell_with(executed, "stricter = problem.with_policy"), "text/html")
    assert "<b>Portfolio 1</b>" in stricter and "in 12 countries" in stricter


def test_written_run_holds_the_report(executed: Any) -> None:
    listing = rich(cell_with(executed, "custom.write("), "text/plain")
    for name in ("run.json", "portfolios.xlsx", "report.html"):
        assert f"'{name}'" in listing


def test_the_extension_reaches_robustness_and_the_written_run(executed: Any) -> None:
    core = rich(cell_with(executed, "osa_opt.robustness(problem"), "text/plain")
    row = next(line for line in core.splitlines() if line.startswith(PROMISED))
    assert row.split()[1:] == ["1.0", "core"]       # every sample keeps the promise
    recorded = rich(cell_with(executed, '["extensions"]'), "text/plain")
    assert "'function': 'promise_the_vessel'" in recorded
    assert "'components': ['fund_the_vessel']" in recorded


def test_the_run_read_back_refuses_the_notebook_extension_until_given_back(
        executed: Any) -> None:
    cell = cell_with(executed, "osa_opt.load_run(folder)")
    assert not [o for o in cell.outputs if o.output_type == "error"]
    text = stream_text(cell)
    assert "refused:" in text and "promise_the_vessel(), defined in a notebook" in text
    written, solved = (float(v) for v in
                       text.split("value ")[1].split(" solved again")[0].split(" as written, "))
    assert written == solved
    changes = rich(cell, "text/plain")
    assert PROMISED in changes and "added" in changes
