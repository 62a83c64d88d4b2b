"""Runs back into Python (issue 15, item 10): ``load_run`` gives the analyses as the objects a
solve gives, with equal tables; the run's extensions come back or are refused by name, in
Python and on the command line's ``--run``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pyomo.environ as pyo
import pytest

import osa_opt
from osa_opt import workflows
from osa_opt.errors import OsaError
from osa_opt.run_folder import run_sources

HERE = Path(__file__).parent
EXT = HERE / "extensions" / "sea_cap.py"
#: Columns that are wall-clock times: run.json rounds them to 0.1 ms.
TIMES = {"seconds", "solve_seconds"}


@pytest.fixture(scope="module")
def solved() -> osa_opt.Result:
    """One result holding every analysis a run folder can hold."""
    problem = osa_opt.load_problem()
    result = osa_opt.solve(problem, portfolios=2, explain=True)
    result.analyses.update(workflows.frontier(problem, shares=[0.6, 0.8, 1.0, 1.2]).analyses)
    result.analyses.update(workflows.robustness(problem, samples=8, seed=4).analyses)
    result.analyses["execution"] = osa_opt.execution(problem, baseline=result, samples=50)
    smaller = problem.with_policy(overrides={"budget.FY2026": 15000})
    result.analyses.update(osa_opt.compare([problem, smaller]).analyses)
    return result


@pytest.fixture(scope="module")
def loaded(solved: osa_opt.Result, tmp_path_factory: pytest.TempPathFactory) -> osa_opt.Result:
    return osa_opt.load_run(solved.write(tmp_path_factory.mktemp("runs") / "run"))


def test_every_analysis_comes_back_as_the_same_kind_of_object(
        solved: osa_opt.Result, loaded: osa_opt.Result) -> None:
    assert set(loaded.analyses) == set(solved.analyses) == {
        "why", "prices", "frontier", "funding_order", "robustness", "execution", "comparison"}
    for name, fresh in solved.analyses.items():
        back = loaded.analyses[name]
        assert type(back) is type(fresh), name
        assert repr(back) == repr(fresh), name
        html = back._repr_html_()
        assert "<table" in html and type(fresh).__name__ not in ("", html[:0]), name


@pytest.mark.parametrize("name", ["why", "prices", "frontier", "funding_order", "robustness",
                                  "execution", "comparison"])
def test_round_trip_gives_equal_tables(solved: osa_opt.Result, loaded: osa_opt.Result,
                                       name: str) -> None:
    fresh, back = solved.analyses[name].tables(), loaded.analyses[name].tables()
    assert set(back) == set(fresh)
    for sheet, table in fresh.items():
        keep = [c for c in table.columns if c not in TIMES]
        assert len(table) > 0, sheet
        pd.testing.assert_frame_equal(back[sheet][keep], table[keep], check_exact=False,
                                      rtol=1e-6, obj=f"{name}.{sheet}")


@pytest.mark.parametrize("name", ["why", "prices", "frontier", "funding_order", "robustness",
                                  "execution", "comparison"])
def test_a_loaded_analysis_writes_the_same_run_json_entry(
        solved: osa_opt.Result, loaded: osa_opt.Result, name: str) -> None:
    """Every key run.json stores comes back (a key added to to_dict() and not to the loader
    fails here), but for a rate of rounded times and where each policy was read from (the
    loaded scenarios read theirs from the run folder)."""
    from osa_opt.outputs.manifest import json_safe

    def comparable(entry: dict[str, Any]) -> dict[str, Any]:
        entry = json.loads(json.dumps(json_safe(entry)))
        entry.pop("samples_per_second", None)
        for scenario in entry.get("scenarios", []):
            scenario.pop("policy_source")
        return entry

    assert comparable(loaded.analyses[name].to_dict()) == \
        comparable(solved.analyses[name].to_dict())


def test_loaded_analyses_answer_like_fresh_ones(solved: osa_opt.Result,
                                               loaded: osa_opt.Result) -> None:
    assert loaded.explain("P-17") == solved.explain("P-17")  # from the loaded why, no solve
    pd.testing.assert_frame_equal(loaded.prices(), solved.prices(), check_exact=False)
    rob, fresh = loaded.analyses["robustness"], solved.analyses["robustness"]
    assert rob.counts == fresh.counts
    pd.testing.assert_frame_equal(rob.funded, fresh.funded)
    assert loaded.analyses["funding_order"].restarts == solved.analyses["funding_order"].restarts
    assert loaded.analyses["frontier"].policy_level == solved.analyses["frontier"].policy_level
    comparison = loaded.analyses["comparison"]
    assert [s.problem.policy.budget for s in comparison.scenarios] == \
        [s.problem.policy.budget for s in solved.analyses["comparison"].scenarios]
    ex = loaded.analyses["execution"]
    assert ex.p_item == solved.analyses["execution"].p_item
    assert ex.recommended_reserves == solved.analyses["execution"].recommended_reserves


def test_rule_prices_written_before_each_gain_had_its_own_basis_still_load(
        solved: osa_opt.Result, tmp_path: Path) -> None:
    """A run.json from before ``relaxed_basis``: one ``basis`` per rule, the weaker of its
    two gains ("lp bound" when either was). It loads, and stands for the 10% looser gain
    too (never calling a bound exact); a rule with no looser gain has no basis for it."""
    folder = solved.write(tmp_path / "run")
    path = folder / "run.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    rules = manifest["analyses"]["prices"]["rules"]
    for rule in rules:
        relaxed = rule.pop("relaxed_basis")
        if "lp bound" in (rule["basis"], relaxed):
            rule["basis"] = "lp bound"
    rules[0]["basis"] = "lp bound"  # as an older run with a bound in its first rule
    path.write_text(json.dumps(manifest), encoding="utf-8")
    table = osa_opt.load_run(folder).analyses["prices"].table
    for rule, row in table.iterrows():
        looser = row["gain_if_relaxed"]
        assert row["relaxed_basis"] == (row["basis"] if looser == looser else None), rule
    assert table.at[rules[0]["rule"], "basis"] == "lp bound"


def test_an_infeasible_run_brings_back_its_diagnosis(tmp_path: Path) -> None:
    from osa_opt.analysis.diagnose import Diagnosis

    result = osa_opt.solve(osa_opt.load_problem(overrides={"priority.min_countries": 14}))
    back = osa_opt.load_run(result.write(tmp_path / "run"))
    assert isinstance(back.diagnosis, Diagnosis) and back.diagnosis
    assert back.diagnosis == list(result.diagnosis)
    assert repr(back.diagnosis) == repr(result.diagnosis)


# ---------------------------------------------------------------------- extensions
def notebook_function(source: str) -> Any:
    """A function as a notebook cell defines it: in ``__main__``, from no file."""
    space: dict[str, Any] = {"__name__": "__main__", "pyo": pyo}
    exec(compile(source, "<notebook cell>", "exec"), space)  # noqa: S102
    return next(v for k, v in space.items() if callable(v) and not k.startswith("_")
                and k != "pyo")


vessel = notebook_function(
    "def vessel(model, problem):\n"
    "    model.fund_the_vessel = pyo.Constraint(expr=model.x['P-17'] == 1)\n")


def test_a_notebook_extension_is_refused_by_name_until_given_back(tmp_path: Path) -> None:
    problem = osa_opt.load_problem()
    folder = osa_opt.solve(problem, extend=vessel, portfolios=1, explain=False).write(
        tmp_path / "run")
    back = osa_opt.load_run(folder)
    assert "P-17" in back.best.fractions and back.extensions[0]["function"] == "vessel"
    for again in (lambda: osa_opt.solve(back.problem, portfolios=1),
                  lambda: back.explain("P-01"),
                  lambda: osa_opt.robustness(back.problem, samples=2)):
        with pytest.raises(OsaError, match=r"extension vessel\(\), defined in a notebook"):
            again()
    restored = back.problem.with_extensions(vessel)
    assert [e.function for e in restored.extensions] == ["vessel"]
    resolved = osa_opt.solve(restored, portfolios=1, explain=False)
    assert resolved.best.objective == pytest.approx(back.best.objective)


def test_a_changed_or_missing_extension_file_stops_load_run(tmp_path: Path) -> None:
    rules = tmp_path / "rules.py"
    shutil.copy(EXT, rules)
    folder = osa_opt.solve(osa_opt.load_problem(), extend=f"{rules}:at_most_three_sea",
                           portfolios=1, explain=False).write(tmp_path / "run")
    back = osa_opt.load_run(folder)
    assert back.problem.extensions[0].sha256 == back.extensions[0]["sha256"]
    rules.write_text(rules.read_text() + "\n# edited\n")
    with pytest.raises(OsaError, match="rules.py changed since the run"):
        osa_opt.load_run(folder)
    rules.unlink()
    with pytest.raises(OsaError, match="rules.py, which is gone") as caught:
        osa_opt.load_run(folder)
    assert "--run" not in str(caught.value)


@pytest.mark.slow
def test_cli_run_reapplies_the_extension_or_stops(tmp_path: Path) -> None:
    rules = tmp_path / "rules.py"
    shutil.copy(EXT, rules)
    cli = [sys.executable, "-m", "osa_opt"]
    out = tmp_path / "run"
    done = subprocess.run([*cli, "solve", "--extend", f"{rules}:at_most_three_sea", "--out",
                           str(out), "--quiet", "--no-explain"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    again = subprocess.run([*cli, "compare", "--run", str(out), "--budget-scenario", "FY2026=20000",
                            "--json"], capture_output=True, text=True, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    payload = json.loads(again.stdout)
    problem = osa_opt.load_problem()
    for scenario in payload["scenarios"]:  # the cap holds in every scenario
        assert int((problem.region.reindex(scenario["projects"]) == "Southeast Asia").sum()) <= 3
    run_json = json.loads((Path(payload["run_folder"]) / "run.json").read_text())
    assert [e["function"] for e in run_json["extensions"]] == ["at_most_three_sea"]
    given_again = subprocess.run([*cli, "solve", "--run", str(out), "--extend",
                                  f"{rules}:at_most_three_sea", "--out", str(tmp_path / "again"),
                                  "--quiet", "--no-explain"], capture_output=True, text=True)
    assert given_again.returncode == 0 and "Implicitly replacing" not in given_again.stderr
    again_json = json.loads((tmp_path / "again" / "run.json").read_text())
    assert [e["components"] for e in again_json["extensions"]] == [["sea_cap"]]
    rules.write_text(rules.read_text() + "\n# edited\n")
    stopped = subprocess.run([*cli, "explain", "P-01", "--run", str(out)], capture_output=True,
                             text=True)
    assert stopped.returncode == 2
    assert "rules.py changed since the run" in " ".join(stopped.stderr.split())


@pytest.mark.slow
def test_cli_run_names_a_notebook_extension(tmp_path: Path) -> None:
    folder = osa_opt.solve(osa_opt.load_problem(), extend=vessel, portfolios=1,
                           explain=False).write(tmp_path / "run")
    cli = [sys.executable, "-m", "osa_opt"]
    stopped = subprocess.run([*cli, "frontier", "--run", str(folder)], capture_output=True,
                             text=True, cwd=tmp_path)
    assert stopped.returncode == 2
    err = " ".join(stopped.stderr.split())
    assert "vessel(), defined in a notebook" in err and "--extend FILE.py:vessel" in err
    (tmp_path / "mine.py").write_text(
        "import pyomo.environ as pyo\n\n\ndef vessel(model, problem):\n"
        "    model.fund_the_vessel = pyo.Constraint(expr=model.x['P-17'] == 1)\n")
    given = subprocess.run([*cli, "explain", "P-17", "--run", str(folder), "--extend",
                            "mine.py:vessel", "--json"], capture_output=True, text=True,
                           cwd=tmp_path)
    assert given.returncode == 0, given.stderr
    assert json.loads(given.stdout)["funded"] is True


def test_an_extension_given_again_runs_once_and_a_redefined_cell_replaces_it() -> None:
    problem = osa_opt.load_problem()
    ref = f"{EXT}:at_most_three_sea"
    twice = problem.with_extensions(ref).with_extensions([ref, ref])
    assert [e.function for e in twice.extensions] == ["at_most_three_sea"]
    old = notebook_function("def cap(model, problem):\n"
                            "    model.cap = pyo.Constraint(expr=model.x['P-17'] == 0)\n")
    new = notebook_function("def cap(model, problem):\n"
                            "    model.cap = pyo.Constraint(expr=model.x['P-17'] == 1)\n")
    redefined = problem.with_extensions(old).with_extensions(new)
    assert len(redefined.extensions) == 1
    assert "P-17" in osa_opt.solve(redefined, portfolios=1, explain=False).best.fractions
    both = problem.with_extensions([lambda m, p: None, lambda m, p: None])
    assert len(both.extensions) == 2  # two lambdas are two rules


def test_a_run_of_edited_tables_is_refused_until_the_edited_problem_is_given(
        tmp_path: Path) -> None:
    """The folder keeps no copy of a table edited in Python: reading the input file back
    would answer for other data (Lumaris's democracy 5.5, not 1.0), so load_run and --run
    refuse, and ``load_run(folder, problem=...)`` takes the edited Problem back."""
    problem = osa_opt.load_problem()
    countries = problem.countries.copy()
    countries.loc["Lumaris", "democracy"] = 1.0
    edited = problem.with_countries(countries)
    solved = osa_opt.solve(edited.with_policy(overrides={"budget.FY2026": 15000}),
                           portfolios=2, explain=False)
    folder = solved.write(tmp_path / "run")
    with pytest.raises(OsaError, match=r"tables edited in Python \(countries \(DataFrame\)\)"
                                       r".*load_run\(folder, problem=edited\)"):
        osa_opt.load_run(folder)
    with pytest.raises(OsaError, match=r"--policy .*policy.toml"):
        run_sources(folder)  # what --run RUN_FOLDER reads
    with pytest.raises(OsaError, match=r"not the one the run solved.*countries \(DataFrame\)"):
        osa_opt.load_run(folder, problem=problem)  # the unedited tables
    back = osa_opt.load_run(folder, problem=edited)  # the run's policy.toml applies
    assert float(back.problem.budget["FY2026"]) == 15000
    inputs = json.loads((folder / "run.json").read_text(encoding="utf-8"))["inputs"]
    assert "default.toml" not in inputs  # the run used no file: its policy was edited
    assert dict(back.problem.sources) == inputs  # written again, it records the same
    assert back.problem.countries.loc["Lumaris", "democracy"] == 1.0
    pd.testing.assert_frame_equal(back.best.projects, solved.best.projects)
    assert osa_opt.solve(back.problem, portfolios=1).best.objective == pytest.approx(
        solved.best.objective)


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", ""])
def test_a_broken_run_json_with_the_problem_given_is_a_clear_error(
        solved: osa_opt.Result, tmp_path: Path, text: str) -> None:
    # load_run(folder, problem=...) read run.json without run_sources' guard: a cut or
    # hand-edited file gave a bare JSONDecodeError / AttributeError traceback
    folder = solved.write(tmp_path / "run")
    (folder / "run.json").write_text(text, encoding="utf-8")
    with pytest.raises(OsaError, match=r"load_run: .*run: run.json cannot be read"):
        osa_opt.load_run(folder, problem=solved.problem)


def test_a_run_of_a_hand_built_model_comes_back_refusing_what_would_drop_its_rows(
        tmp_path: Path) -> None:
    """A run solved on a hand-built model (solve(problem, model=m)) recorded nothing of its
    own rows: load_run gave a result the analyses took as plain, so explain re-solved
    without the cap ("Dropping it would lose -35.1% of portfolio value") and robustness ran
    without it, silently. run.json now records them and load_run gives them back."""
    import pyomo.environ as pyo

    problem = osa_opt.load_problem()
    model = osa_opt.build_model(problem)
    sea = [p for p in model.P if problem.region[p] == "Southeast Asia"]
    model.sea_cap = pyo.Constraint(expr=sum(model.x[p] for p in sea) <= 3)
    result = osa_opt.solve(problem, model=model, portfolios=1)
    folder = result.write(tmp_path / "run")
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert manifest["custom_components"] == ["sea_cap"]
    back = osa_opt.load_run(folder)
    assert back.custom_components == ["sea_cap"]
    assert back.best.objective == pytest.approx(result.best.objective)
    for call in (lambda: back.explain("P-17"),
                 lambda: osa_opt.robustness(back.problem, samples=3, baseline=back),
                 lambda: osa_opt.compare([back, problem])):
        with pytest.raises(OsaError, match=r"model= \(sea_cap\).*extend="):
            call()
    plain = osa_opt.solve(problem, portfolios=1).write(tmp_path / "plain")
    assert json.loads((plain / "run.json").read_text(encoding="utf-8"))[
        "custom_components"] == []


def test_run_json_holds_the_snapshot_written_as_text_equal_to_its_dicts(tmp_path: Path) -> None:
    """run.json's snapshot is written in pieces (outputs.manifest.input_snapshot_text, for
    the peak memory of big rounds): it reads back equal to input_snapshot's dicts, a blank
    score null, and the rest of run.json as before."""
    from osa_opt.outputs.manifest import input_snapshot, json_safe

    problem = osa_opt.load_problem()
    projects = problem.input_projects.copy()
    projects.loc[projects.index[0], "risk"] = float("nan")  # blank: read as no risk
    problem = problem.with_projects(projects)
    result = osa_opt.solve(problem, portfolios=1, explain=False)
    folder = result.write(tmp_path / "run")
    text = (folder / "run.json").read_text(encoding="utf-8")
    manifest = json.loads(text)
    assert manifest["snapshot"] == json_safe(input_snapshot(problem))
    assert "osa-opt snapshot" not in text
    assert list(manifest)[list(manifest).index("input_path") + 1] == "snapshot"
    assert manifest["portfolios"][0]["projects"] == result.portfolios[0].to_dict()["projects"]
