"""Messages raised from the Python API name its parameters, not the CLI's options
(issue 15, item 8); the CLI's side is in tests/test_cli_solve.py."""

from __future__ import annotations

from pathlib import Path

import pytest

import osa_opt
from osa_opt.errors import OsaError


def test_write_into_a_used_folder_names_path_not_out(tmp_path: Path) -> None:
    result = osa_opt.solve(osa_opt.load_problem(), explain=False)
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "keep.txt").write_text("earlier run")
    with pytest.raises(OsaError) as caught:
        result.write(taken)
    message = str(caught.value)
    assert "never overwrites" in message and "path=" in message
    assert "--" not in message
    assert [p.name for p in taken.iterdir()] == ["keep.txt"]
    afile = tmp_path / "a.txt"
    afile.write_text("x")
    with pytest.raises(OsaError, match=r"a\.txt is a file") as caught:
        result.write(afile / "run")
    assert "with path=" in str(caught.value) and "--out" not in str(caught.value)


def test_load_run_of_a_changed_input_names_load_problem_not_policy_option(
        tmp_path: Path) -> None:
    book = tmp_path / "round.xlsx"
    book.write_bytes((Path(__file__).parents[1] / "inputs" / "example.xlsx").read_bytes())
    folder = osa_opt.solve(osa_opt.load_problem(book), explain=False).write(tmp_path / "run")
    import openpyxl

    wb = openpyxl.load_workbook(book)  # a cost changed: the file reads differently
    wb["projects"]["F2"] = 950
    wb.save(book)
    with pytest.raises(OsaError) as caught:
        osa_opt.load_run(folder)
    message = str(caught.value)
    assert "changed since the run" in message
    assert f'load_problem(INPUT, policy="{folder / "policy.toml"}")' in message
    assert "--policy" not in message


def test_write_run_names_out_when_the_command_line_writes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """The folder is filled while the solve runs: write_run's own check refuses it, in the
    caller's words (--out on the command line, path= from Python)."""
    import sys

    import osa_opt.outputs.safe as safe
    from osa_opt.cli import cli
    from osa_opt.cli.common import run_cli

    out = tmp_path / "run"
    before = safe.check_target

    def check_then_fill(path: Path, option: str = "path=") -> None:
        before(path, option)  # the command's check before the solve passes ...
        path.mkdir()
        (path / "other.txt").write_text("another run wrote here meanwhile")

    monkeypatch.setattr(safe, "check_target", check_then_fill)
    monkeypatch.setenv("COLUMNS", "400")
    monkeypatch.setattr(sys, "argv", ["osa-opt", "solve", "--out", str(out), "--quiet",
                                      "--no-explain"])
    assert run_cli(cli) == 2
    err = " ".join(capfd.readouterr().err.split())
    assert "never overwrites" in err and "--out" in err and "path=" not in err
    result = osa_opt.solve(osa_opt.load_problem(), portfolios=1, explain=False)
    with pytest.raises(OsaError, match="never overwrites") as caught:
        result.write(out)
    assert "path=" in str(caught.value) and "--out" not in str(caught.value)


def test_write_template_over_a_file_names_overwrite_not_force(tmp_path: Path) -> None:
    from osa_opt.inputs.template import TemplateError, write_template

    target = tmp_path / "round.xlsx"
    write_template(target)
    with pytest.raises(TemplateError) as caught:
        write_template(target)
    message = str(caught.value)
    assert "already exists" in message and "overwrite=True" in message
    assert "--" not in message
    assert write_template(target, overwrite=True) == target


def test_the_delimiter_warning_names_the_python_parameter(tmp_path: Path) -> None:
    from osa_opt.inputs.readers import read_input

    (tmp_path / "projects.csv").write_text("project_id;country;cost_FY2026\nP-01;A;1.100\n")
    (tmp_path / "countries.csv").write_text("country;priority_tier\nA;1\n")
    raw = read_input(tmp_path)
    said = [w.message() for w in raw.warnings if "separated by ';'" in w.message()]
    assert said and "decimal_separator='.'" in said[0], [w.message() for w in raw.warnings]


# ---------------------------------------------------------------------- a notebook's slips
@pytest.fixture(scope="module")
def solved() -> osa_opt.Result:
    return osa_opt.solve(osa_opt.load_problem(), portfolios=1)


def test_diff_with_a_run_folder_says_how_to_compare_with_one(solved: osa_opt.Result,
                                                            tmp_path: Path) -> None:
    """Result.diff takes a Result; a folder (or anything else) was an AttributeError from
    deep inside ('PosixPath' object has no attribute 'best')."""
    for other in (tmp_path / "last-week", "outputs/last-week", solved.problem):
        with pytest.raises(OsaError) as caught:
            solved.diff(other)  # type: ignore[arg-type]
        message = str(caught.value)
        assert "Result.diff" in message and "compare_runs" in message and "load_run" in message


def test_allocation_by_an_unknown_column_names_the_ones_it_takes(
        solved: osa_opt.Result) -> None:
    """A bare KeyError from pandas' groupby before."""
    with pytest.raises(OsaError) as caught:
        solved.best.allocation("tier")
    message = str(caught.value)
    for by in ("country", "priority_tier", "field", "region"):
        assert repr(by) in message
    assert "'tier'" in message
    assert list(solved.best.allocation("priority_tier").index) == [1, 2, 3]


def test_explain_with_a_number_for_an_id_suggests_the_id(solved: osa_opt.Result) -> None:
    """An int was an AttributeError ('int' object has no attribute 'strip')."""
    with pytest.raises(OsaError, match=r"unknown project id '17'.*did you mean 'P-17'"):
        solved.explain(17)  # type: ignore[arg-type]


def test_with_policy_takes_a_policy_file_as_load_problem_does() -> None:
    """A path was refused as "key 'policy': wrong type str, expected a table of sections"."""
    problem = osa_opt.load_problem()
    toml = Path(__file__).parents[1] / "models" / "strict_round.toml"
    strict = problem.with_policy(str(toml))
    assert strict.policy == osa_opt.load_problem(policy=toml).policy
    assert problem.with_policy(toml,
                               overrides={"budget.FY2026": 17000}).budget["FY2026"] == 17000
    with pytest.raises(OsaError, match="nope.toml"):
        problem.with_policy("nope.toml")


def test_a_frontier_of_no_levels_says_what_to_give() -> None:
    """osa_opt.frontier(problem, shares=[]) was a bare ValueError ("budget shares must be
    positive numbers, got []"): now the API's own error, saying what shares take."""
    with pytest.raises(OsaError) as caught:
        osa_opt.frontier(osa_opt.load_problem(), shares=[])
    message = str(caught.value)
    assert "got []" in message and "shares=[0.5, 0.75, 1.0]" in message
    assert "shares=None" in message and "[frontier]" in message


def test_prices_and_explain_of_a_result_without_a_portfolio_say_why_not() -> None:
    """A result whose policy cannot be met has nothing to price or explain: a bare
    ValueError before; now the API's error, with the result's exit code (3, infeasible)."""
    problem = osa_opt.load_problem(overrides={"priority.min_countries": 30})
    result = osa_opt.solve(problem, portfolios=1)
    assert result.best is None and result.diagnosis
    for ask in (result.prices, lambda: result.explain("P-01")):
        with pytest.raises(OsaError) as caught:
            ask()
        message = str(caught.value)
        assert "no portfolio 1" in message and "result.diagnosis" in message, message
        assert "solve again" in message and caught.value.exit_code == 3


@pytest.mark.parametrize("shares", [[1.5, "a"], 0.5, "0.5", [None]])
def test_a_frontier_of_shares_that_are_no_list_of_numbers_says_what_to_give(
        shares: object) -> None:
    """shares=[1.5, "a"] was numpy's/float's ValueError, shares=0.5 a TypeError ("'float'
    object is not iterable"), shares="0.5" a ValueError about '.': now the same refusal
    as shares=[], before any solve."""
    with pytest.raises(OsaError) as caught:
        osa_opt.frontier(osa_opt.load_problem(), shares=shares)  # type: ignore[arg-type]
    message = str(caught.value)
    assert f"got {shares!r}" in message and "shares=[0.5, 0.75, 1.0]" in message


@pytest.mark.parametrize("overrides", [["budget.FY2026=15000"], "budget.FY2026=15000",
                                       [("budget.FY2026", 15000)]])
def test_overrides_that_are_no_dict_say_to_give_one(overrides: object) -> None:
    """load_problem(overrides=[...]) or with_policy(overrides="key=value") (the command
    line's --set, typed in a notebook) was an AttributeError ("'list' object has no
    attribute 'items'") from deep inside the policy."""
    for call in (lambda: osa_opt.load_problem(overrides=overrides),  # type: ignore[arg-type]
                 lambda: osa_opt.load_problem().with_policy(
                     overrides=overrides)):  # type: ignore[arg-type]
        with pytest.raises(OsaError) as caught:
            call()
        message = str(caught.value)
        assert "overrides must be a dict of dotted keys" in message, message
        assert 'overrides={"budget.FY2026": 20000}' in message


@pytest.mark.parametrize(("call", "key"), [
    (lambda p: osa_opt.solve(p, time_limit="x"), "solver.time_limit"),
    (lambda p: osa_opt.solve(p, time_limit=-1), "solver.time_limit"),
    (lambda p: osa_opt.robustness(p, samples="x"), "robustness.samples"),
    (lambda p: osa_opt.robustness(p, samples=3, seed="a"), "robustness.seed"),
    (lambda p: osa_opt.execution(p, samples="x"), "execution.samples"),
    (lambda p: osa_opt.execution(p, target=95), "execution.target"),
    (lambda p: osa_opt.execution(p, time_limit=0), "solver.time_limit"),
])
def test_arguments_standing_for_policy_keys_are_checked_as_the_keys(
        call: object, key: str) -> None:
    """time_limit="x", samples="x", seed="a" were bare ValueErrors from float()/int() deep
    inside (time_limit=-1 one from Pyomo's config), and execution(target=95) — a percent
    for a share — ran and reported "no number of reserves reaches 9500%": each argument
    stands for a policy key and is now checked as that key is, naming it."""
    problem = osa_opt.load_problem()
    with pytest.raises(OsaError) as caught:
        call(problem)  # type: ignore[operator]
    assert f"key '{key}'" in str(caught.value), str(caught.value)


def test_reserves_that_are_no_whole_number_are_refused() -> None:
    """execution(reserves="3") was a TypeError ("'<' not supported between instances of
    'str' and 'int'")."""
    problem = osa_opt.load_problem()
    for reserves in ("3", 2.5, -1):
        with pytest.raises(OsaError, match="reserves must be a whole number, 0 or more"):
            osa_opt.execution(problem, reserves=reserves)  # type: ignore[arg-type]
