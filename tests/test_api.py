"""The notebook user's public API: one typed top level (issue 15)."""

from __future__ import annotations

import ast
import copy
import inspect
import json
import shutil
import subprocess
import sys
import typing
from pathlib import Path

import pandas as pd
import pytest

import osa_opt

PACKAGE = Path(osa_opt.__file__).parent


def public_callables() -> list[tuple[str, object]]:
    out = []
    for name in osa_opt.__all__:
        obj = getattr(osa_opt, name)
        if inspect.isfunction(obj):
            out.append((name, obj))
    out += [(f"Result.{m}", getattr(osa_opt.Result, m)) for m in ("explain", "prices", "diff")]
    return out


@pytest.mark.parametrize(("name", "func"), public_callables(), ids=lambda v: str(v)[:30])
def test_get_type_hints_resolves_every_public_function(name: str, func: object) -> None:
    hints = typing.get_type_hints(func)
    assert "return" in hints, name


@pytest.mark.parametrize("name", [n for n in osa_opt.__all__ if n[0].isupper()])
def test_get_type_hints_resolves_every_public_class_and_its_methods(name: str) -> None:
    cls = getattr(osa_opt, name)
    typing.get_type_hints(cls)
    for attr, member in vars(cls).items():
        func = member.fget if isinstance(member, property) else member
        if inspect.isfunction(func) and (not attr.startswith("_") or attr == "__init__"):
            typing.get_type_hints(func)
    if hasattr(cls, "__dataclass_fields__"):  # its generated constructor too
        typing.get_type_hints(cls.__init__)


def test_tab_completion_lists_the_lazy_names() -> None:
    listed = [n for n in dir(osa_opt) if not n.startswith("_")]
    assert listed == sorted(n for n in osa_opt.__all__ if n != "__version__")


def test_the_stub_names_what_the_package_loads() -> None:
    tree = ast.parse((PACKAGE / "__init__.pyi").read_text())
    stubbed = {a.asname or a.name for node in tree.body if isinstance(node, ast.ImportFrom)
               for a in node.names}
    loaded = set(osa_opt.__all__) - {"__version__"}
    assert stubbed == loaded
    for name in loaded:  # each name the stub points at is the object loaded at run time
        node = next(n for n in tree.body if isinstance(n, ast.ImportFrom)
                    and name in {a.name for a in n.names})
        module = __import__(node.module, fromlist=[name])
        assert getattr(module, name) is getattr(osa_opt, name)
    assert (PACKAGE / "py.typed").is_file()


def test_the_top_level_has_the_notebook_workflow() -> None:
    for name in ("load_problem", "build_model", "solve", "robustness", "frontier", "compare",
                 "execution", "write_model", "load_run", "compare_runs"):
        assert callable(getattr(osa_opt, name)), name


def test_write_model_writes_readable_names(tmp_path: Path) -> None:
    problem = osa_opt.load_problem()
    model = osa_opt.build_model(problem)
    lp = osa_opt.write_model(model, tmp_path / "m.lp")
    text = lp.read_text()
    assert "budget(FY2026)" in text or "budget[FY2026]" in text
    assert "x(P_01)" in text or "x[P-01]" in text or "x(P-01)" in text
    with pytest.raises(osa_opt.OsaError, match="path .* must end in .lp or .mps"):
        osa_opt.write_model(model, tmp_path / "m.txt")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("mypy", path=str(Path(sys.executable).parent)) is None,
                    reason="mypy is in the test extra: pip install -e '.[test]'")
def test_mypy_sees_the_public_types(tmp_path: Path) -> None:
    user = tmp_path / "notebook.py"
    user.write_text(
        "import osa_opt\n"
        "problem = osa_opt.load_problem()\n"
        "result = osa_opt.solve(problem, portfolios=2)\n"
        "value: float = result.portfolios[0].objective\n"
        "why: dict = result.explain('P-01')\n"
        "table = result.prices()\n"
        "cmp = osa_opt.compare([problem, problem])\n"
        "reveal_type(osa_opt.solve)\n"
        "budget: float = problem.policy.budget['FY2026']\n"
        "names = [e.function for e in problem.extensions] + [problem.origin or '']\n"
        "bad: str = result.portfolios[0].objective\n")
    mypy = Path(sys.executable).parent / "mypy"
    done = subprocess.run([str(mypy), "--no-incremental", "--follow-imports=silent",
                           "--ignore-missing-imports", str(user)],
                          capture_output=True, text=True, timeout=600)
    out = done.stdout
    assert "def (problem: osa_opt.inputs.problem.Problem" in out, out
    # the one planted mistake is found, nothing else
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert len(errors) == 1 and "notebook.py:11" in errors[0], out


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("mypy", path=str(Path(sys.executable).parent)) is None,
                    reason="mypy is in the test extra: pip install -e '.[test]'")
def test_mypy_finds_no_error_in_the_package(tmp_path: Path) -> None:
    # the gate that keeps `mypy osa_opt` clean (55 errors before it, in inputs/, outputs/,
    # solving/ and report/): run from the repository root, so pyproject's [tool.mypy] applies
    mypy = Path(sys.executable).parent / "mypy"
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([str(mypy), "--cache-dir", str(tmp_path / "cache"), "osa_opt"],
                          cwd=root, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "Success: no issues found" in done.stdout, (
        done.stdout + done.stderr)


def test_an_analysis_given_a_result_or_a_path_says_what_it_takes() -> None:
    # a notebook slip: robustness(result) failed with "'Result' object has no attribute
    # 'policy'" deep inside; now each analysis names what it takes and how to get it
    result = osa_opt.solve(osa_opt.load_problem(), portfolios=1)
    with pytest.raises(osa_opt.OsaError) as err:
        osa_opt.robustness(result, samples=5)
    assert str(err.value) == ("robustness() takes a Problem, not a Result: pass "
                              "result.problem, or robustness(result.problem, "
                              "baseline=result) to reuse its portfolio 1")
    with pytest.raises(osa_opt.OsaError, match=r"^frontier\(\) takes a Problem, not a Result"):
        osa_opt.frontier(result)
    with pytest.raises(osa_opt.OsaError, match=r"^execution\(\) takes a Problem, not a Result"):
        osa_opt.execution(result)
    with pytest.raises(osa_opt.OsaError, match=r"^solve\(\) takes a Problem, not a str: "
                                               r"read one with osa_opt.load_problem\(path\)"):
        osa_opt.solve("inputs/example.xlsx")


def test_solve_checks_portfolios_and_min_difference_as_the_policy_keys() -> None:
    """solve(portfolios=0) gave '<Result optimal: 0 portfolios>'; the overrides are now
    checked with the bounds of portfolios.count and portfolios.min_difference."""
    problem = osa_opt.load_problem()
    with pytest.raises(osa_opt.OsaError, match=r"'portfolios.count': must be >= 1 \(value 0\)"):
        osa_opt.solve(problem, portfolios=0)
    with pytest.raises(osa_opt.OsaError, match=r"'portfolios.min_difference': must be >= 1"):
        osa_opt.solve(problem, portfolios=3, min_difference=0)
    assert len(osa_opt.solve(problem, portfolios=2, min_difference=3).portfolios) == 2


def test_an_infeasible_result_has_an_empty_summary_and_says_why_no_prices() -> None:
    def too_many(model, problem):  # type: ignore[no-untyped-def]
        import pyomo.environ as pyo
        model.too_many = pyo.Constraint(expr=sum(model.x[p] for p in model.P) >= 33)

    result = osa_opt.solve(osa_opt.load_problem(), extend=too_many, portfolios=1)
    assert result.best is None and result.diagnosis
    feasible = osa_opt.solve(osa_opt.load_problem(), portfolios=1).summary()
    none = result.summary()  # no rows, but the columns, dtypes and index of a solved one
    assert none.empty and list(none.columns) == list(feasible.columns)
    assert (none.dtypes == feasible.dtypes).all() and none.index.name == "rank"
    with pytest.raises(osa_opt.OsaError, match=r"no portfolio 1 .*see result.diagnosis") as no:
        result.prices()
    assert no.value.exit_code == 3  # the result's own: the policy cannot be met
    with pytest.raises(osa_opt.OsaError, match=r"no portfolio 1; see result.diagnosis"):
        result.explain("P-01")


def test_tables_handed_out_are_a_notebooks_own_and_leave_the_result_as_solved(
        tmp_path: Path) -> None:
    """result.best.projects, result.unfunded, result.prices() and result.explain(p) handed
    out the Result's own cached objects: a column added for a look in a notebook
    (``df["ratio"] = ...``) or a value changed stayed in the Result, so ``result.write``
    wrote P-01 worth 999 to portfolios.csv, a negative extension_value to run.json and an
    unfunded reason the solve never gave."""
    result = osa_opt.solve(osa_opt.load_problem(), portfolios=1, explain=True)
    before = {"projects": result.best.projects.copy(), "unfunded": result.unfunded.copy(),
              "prices": result.prices().copy()}
    why = copy.deepcopy(result.explain("P-17"))

    projects = result.best.projects
    projects["ratio"] = projects["value"] / projects["total_cost"]
    projects.loc["P-01", "value"] = 999.0
    unfunded, prices = result.unfunded, result.prices()
    unfunded.loc["P-17", "reason"] = "my note"
    prices.loc["budget[FY2026]", "gain_if_off"] = -1.0
    result.explain("P-17")["reasons"].append("my note")

    pd.testing.assert_frame_equal(result.best.projects, before["projects"])
    pd.testing.assert_frame_equal(result.unfunded, before["unfunded"])
    pd.testing.assert_frame_equal(result.prices(), before["prices"])
    assert result.explain("P-17") == why
    assert result.best.extension_value == 0.0
    folder = result.write(tmp_path / "run")
    csv = pd.read_csv(folder / "portfolios.csv").set_index("project_id")
    assert "ratio" not in csv.columns
    assert csv.loc["P-01", "value"] == pytest.approx(before["projects"].loc["P-01", "value"])
    assert "my note" not in (folder / "run.json").read_text(encoding="utf-8")


def test_a_portfolios_cost_by_year_is_a_copy_indexed_by_fiscal_year(tmp_path: Path) -> None:
    """portfolio.cost_by_year was the portfolio's cached Series itself: a value set in it
    for a look (``c = best.cost_by_year; c["FY2026"] = 1``) stayed, and run.json, the
    workbook and the terminal then reported ¥1m spent. It and budget_left, like
    problem.budget, had an unnamed index (a reset_index() gave a column 'index')."""
    result = osa_opt.solve(osa_opt.load_problem(), portfolios=1)
    best = result.best
    spent = best.cost_by_year
    spent["FY2026"] = 1.0
    best.budget_left["FY2026"] = 1.0
    assert best.cost_by_year["FY2026"] == 17800.0 and best.budget_left["FY2026"] == 300.0
    for series in (best.cost_by_year, best.budget_left, result.problem.budget):
        assert series.index.name == "fiscal_year"
        assert list(series.reset_index().columns)[0] == "fiscal_year"
    manifest = json.loads((result.write(tmp_path / "run") / "run.json").read_text("utf-8"))
    assert manifest["portfolios"][0]["cost_by_year"] == {"FY2026": 17800.0}


def test_a_portfolios_fractions_are_read_only_so_what_is_written_is_what_was_solved(
        tmp_path: Path) -> None:
    """``portfolio.fractions`` was the Portfolio's own dict: a fraction changed, a project
    added or removed in a notebook went into run.json's ``fractions`` and ``partial`` while
    the tables computed before kept the solved ones. Every change raises now (replacing the
    dict too); a copy, ``dict(portfolio.fractions)``, is one's own to change."""
    import json
    import pickle

    result = osa_opt.solve(osa_opt.load_problem(), portfolios=1, explain=False)
    best = result.best
    solved = dict(best.fractions)
    funded, out = next(iter(solved)), next(p for p in result.problem.projects.index
                                           if p not in solved)
    changes = [lambda f: f.__setitem__(funded, 0.5), lambda f: f.__setitem__(out, 1.0),
               lambda f: f.__delitem__(funded), lambda f: f.pop(funded),
               lambda f: f.update({funded: 0.5}), lambda f: f.setdefault(out, 1.0),
               lambda f: f.popitem(), lambda f: f.clear()]
    for change in changes:
        with pytest.raises(TypeError, match="fractions cannot be changed"):
            change(best.fractions)
    with pytest.raises(TypeError, match="fractions cannot be changed"):
        best.fractions |= {funded: 0.5}
    with pytest.raises(AttributeError, match="fractions cannot be changed"):
        best.fractions = {funded: 0.5}
    mine = dict(best.fractions)
    mine[funded], mine[out] = 0.5, 1.0  # one's own copy
    assert best.fractions == solved and type(mine) is dict
    # still a dict to every reader: equal to the plain one, JSON, pickled (worker processes)
    assert json.loads(json.dumps(best.fractions)) == solved
    assert pickle.loads(pickle.dumps(best)).fractions == solved

    folder = result.write(tmp_path / "run")
    entry = json.loads((folder / "run.json").read_text(encoding="utf-8"))["portfolios"][0]
    assert entry["projects"] == best.project_ids and set(entry["projects"]) == set(solved)
    assert entry["fractions"] == {p: f for p, f in solved.items() if f < 1 - 1e-6}
    csv = pd.read_csv(folder / "portfolios.csv")
    written = dict(zip(csv.loc[csv["rank"] == 1, "project_id"],
                       csv.loc[csv["rank"] == 1, "fraction"], strict=True))
    assert written == pytest.approx(solved)


def test_a_column_left_out_of_an_edited_table_is_warned_about() -> None:
    """problem.with_projects(df) of a table narrowed for a look and edited
    (problem.projects[["title", "cost_FY2026", ...]]) gave every project the defaults of the
    columns left out: P-01 stopped being mandatory, every risk became 0 and the optimum moved
    from 171.239 to 214.302, with problem.warnings empty. Now each such column is warned
    about, with a project it changed and how to keep it; a table that keeps its columns (or
    drops only _row, or a column whose default every row already has) gets none."""
    problem = osa_opt.load_problem()
    narrowed = problem.with_projects(problem.projects.drop(columns=["status", "risk"]))
    said = {w.column: w.message() for w in narrowed.warnings}
    assert set(said) == {"status", "risk"}
    assert said["status"] == (
        "projects, column 'status': the edited table has no column status (problem.projects "
        "has it), so every project takes its default: 2 projects changed, e.g. P-01 from "
        "'mandatory' to 'candidate'. Fix: if the defaults are not meant, keep the column: "
        "df['status'] = problem.projects['status']")
    assert problem.with_projects(problem.projects.copy()).warnings == []
    assert problem.with_projects(problem.projects.drop(columns=["_row"])).warnings == []
    assert problem.with_projects(problem.projects.drop(columns=["units_max"])).warnings == []
    countries = problem.with_countries(problem.countries.drop(columns=["p_sign"]))
    assert [w.column for w in countries.warnings] == ["p_sign"]


def test_a_missing_analysis_says_what_the_result_holds_and_where_it_comes_from() -> None:
    """result.analyses["compare"] raised a bare KeyError: 'compare' (the key is
    "comparison"), and ["robustness"] of a plain solve no more; now the KeyError names
    what the result holds, the key meant and the call that gives it."""
    result = osa_opt.solve(osa_opt.load_problem(), portfolios=1, explain=True)
    with pytest.raises(KeyError) as caught:
        result.analyses["compare"]
    assert caught.value.args[0] == (
        "no analysis 'compare' in this result (it holds 'why', 'prices'); did you mean "
        "'comparison'? It comes from osa_opt.compare([problem_a, problem_b])")
    with pytest.raises(KeyError, match=r"it holds 'why', 'prices'\): it comes from "
                                       r"osa_opt\.robustness\(problem\)"):
        result.analyses["robustness"]
    assert result.analyses.get("comparison") is None and "why" in result.analyses


def test_a_misspelt_criterion_added_by_an_override_is_named() -> None:
    """with_policy(overrides={"objective.weights.securty": 0.5}) (or --set) adds a key
    beside the policy's security; the message said only to add score_securty to every
    project. It now asks whether objective.weights.security was meant."""
    problem = osa_opt.load_problem()
    with pytest.raises(osa_opt.InputError) as caught:
        problem.with_policy(overrides={"objective.weights.securty": 0.5})
    assert caught.value.issues[0].hint.startswith(
        "did you mean objective.weights.security? The policy has both "
        "objective.weights.securty and objective.weights.security: if "
        "objective.weights.securty is mistyped (an override adds a key beside the policy's "
        "own), leave it out; otherwise add score_securty (0-10) for every project")
    with pytest.raises(osa_opt.InputError) as caught:  # nothing like it: no guess
        problem.with_policy(overrides={"objective.weights.speed": 0.5})
    assert caught.value.issues[0].hint.startswith("add score_speed (0-10)")


def test_with_policy_names_a_mistyped_override_year_as_load_problem_does() -> None:
    """load_problem(overrides={"budget.FY2062": 5}) asks "did you mean FY2026?" at the
    override; problem.with_policy(overrides=...) of the same key said only that the
    projects sheet has no column cost_FY2062, to add it or remove FY2062 from the policy."""
    problem = osa_opt.load_problem()
    with pytest.raises(osa_opt.InputError) as by_load:
        osa_opt.load_problem(overrides={"budget.FY2062": 5})
    with pytest.raises(osa_opt.InputError) as by_edit:
        problem.with_policy(overrides={"budget.FY2062": 5})
    assert [i.message() for i in by_edit.value.issues] == \
        [i.message() for i in by_load.value.issues]
    assert by_edit.value.issues[0].hint.startswith("did you mean FY2026?")


def test_one_amount_for_the_budget_is_told_how_to_name_its_year() -> None:
    """with_policy(overrides={"budget": 17000}) (or budget = 17000 in a policy file) was
    told "wrong type int, expected a table, e.g. { a = 1 }": TOML, and not which table.
    Now it is told to name the fiscal year, in each of the three places one can."""
    problem = osa_opt.load_problem()
    with pytest.raises(osa_opt.OsaError) as info:
        problem.with_policy(overrides={"budget": 17000})
    said = str(info.value)
    assert "key 'budget': one amount for the budget, expected a table of fiscal year" in said
    assert "overrides={'budget.FY2026': 17000} in Python" in said
    assert "--budget FY2026=17000 on the command line" in said
    assert problem.with_policy(overrides={"budget.FY2026": 17000}).budget["FY2026"] == 17000


def test_a_solve_leaves_the_problem_without_a_copy_of_its_tables() -> None:
    """solve() checked its argument with ``hasattr(problem, "projects")``, which reads the
    property: the Problem made and kept a copy of its projects table for the notebook user
    to edit (~25 MB held through HiGHS's solve at 100,000 projects × 5 years). Nothing of
    a solve reads the handed-out tables; a stub with the attributes still passes the check."""
    problem = osa_opt.load_problem()
    result = osa_opt.solve(problem, portfolios=1)
    assert result.best is not None
    assert "_handed" not in problem.__dict__  # no table handed out, none copied
    assert problem.edits_in_place() == {}
    from osa_opt.workflows import _a_problem

    class Stub:
        policy = None

        def __init__(self) -> None:
            self.projects = None

    _a_problem(Stub(), "solve")  # an object with both attributes is taken, as before
