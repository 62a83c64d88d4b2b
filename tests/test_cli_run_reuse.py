"""``--run RUN_FOLDER``: the analyses of a finished run take its input and policy, with
further overrides; a changed input stops them (exit 2) instead of answering for other data."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from osa_opt.cli import cli
from osa_opt.cli.common import run_cli
from osa_opt.inputs.policy import Policy

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """``run(*args) -> (exit code, stdout, stderr)`` of ``osa-opt ARGS`` as a user sees it."""
    def invoke(*args: str | Path) -> tuple[int, str, str]:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["osa-opt", *map(str, args)])
        code = run_cli(cli)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


@pytest.fixture
def solved(tmp_path: Path, tiny_frames: tuple[pd.DataFrame, pd.DataFrame, Policy],
           write_xlsx: Callable[..., Path], run: Run) -> tuple[Path, Path, Path]:
    """A tiny workbook and policy, solved with a budget override: (book, policy, run folder)."""
    projects, countries, policy = tiny_frames
    book = write_xlsx(tmp_path / "round.xlsx", projects, countries)
    toml = tmp_path / "tiny.toml"
    toml.write_text(policy.to_toml(), encoding="utf-8")
    folder = tmp_path / "run"
    code, _, err = run("solve", book, "--policy", toml, "--budget", "FY2026=1500",
                       "--set", "portfolios.count=2", "--quiet", "--out", folder)
    assert code == 0, err
    return book, toml, folder


def test_the_run_records_its_input_path_and_hashes(solved: tuple[Path, Path, Path]) -> None:
    book, _, folder = solved
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert manifest["input_path"] == str(book.resolve())
    assert len(manifest["inputs"]["round.xlsx"]) == 64


def test_explain_with_run_answers_the_runs_question(solved: tuple[Path, Path, Path],
                                                    run: Run) -> None:
    book, toml, folder = solved
    code, by_run, err = run("explain", "P-04", "--run", folder, "--json")
    assert code == 0, err
    code, retyped, _ = run("explain", "P-04", book, "--policy", toml,
                           "--budget", "FY2026=1500", "--json")
    assert code == 0
    assert json.loads(by_run) == json.loads(retyped)
    # without the run's budget the question is a different one
    code, plain, _ = run("explain", "P-04", book, "--policy", toml, "--json")
    assert json.loads(plain) != json.loads(by_run)


def test_further_overrides_apply_on_top_of_the_run(solved: tuple[Path, Path, Path],
                                                   run: Run) -> None:
    book, toml, folder = solved
    code, by_run, err = run("explain", "P-04", "--run", folder, "--budget", "FY2026=2400",
                            "--json")
    assert code == 0, err
    code, retyped, _ = run("explain", "P-04", book, "--policy", toml, "--budget",
                           "FY2026=2400", "--json")
    assert json.loads(by_run) == json.loads(retyped)


@pytest.mark.slow  # three full CLI runs (frontier, robustness, compare)
def test_frontier_robustness_and_compare_take_the_run(solved: tuple[Path, Path, Path],
                                                      run: Run, tmp_path: Path) -> None:
    _, toml, folder = solved
    code, out, err = run("frontier", "--run", folder, "--steps", "2", "--json",
                         "--out", tmp_path / "fr")
    assert code == 0, err
    points = json.loads(out)["points"]
    assert {p["budget_share"]: p["budget"]["FY2026"] for p in points}[1.0] == 1500
    code, out, err = run("robustness", "--run", folder, "--samples", "4", "--json",
                         "--out", tmp_path / "rb")
    assert code == 0, err
    manifest = json.loads((tmp_path / "rb" / "run.json").read_text(encoding="utf-8"))
    assert manifest["policy"]["budget"]["FY2026"] == 1500
    code, out, err = run("compare", "--run", folder, "--policy", toml, "--json",
                         "--out", tmp_path / "cmp")
    assert code == 0, err
    scenarios = json.loads(out)["scenarios"]
    assert [s["name"] for s in scenarios] == ["run", "tiny"]
    budgets = json.loads((tmp_path / "cmp" / "run.json").read_text(encoding="utf-8"))
    assert budgets["policy"]["budget"]["FY2026"] == 1500  # the baseline is the run


def test_a_changed_input_stops_with_a_message(solved: tuple[Path, Path, Path], run: Run,
                                              tiny_frames: tuple[pd.DataFrame, ...],
                                              write_xlsx: Callable[..., Path]) -> None:
    book, _, folder = solved
    projects, countries, _ = tiny_frames
    projects = projects.copy()
    projects.loc[2, "cost_FY2026"] = 450.0
    write_xlsx(book, projects, countries)
    code, out, err = run("explain", "P-04", "--run", folder)
    assert code == 2 and out == ""
    said = " ".join(err.split())
    assert f"its input {book.resolve()} changed since the run" in said
    assert "give the input and --policy " in said and "load_problem" not in said
    assert "Traceback" not in err


@pytest.mark.parametrize("extra", [["INPUT"], ["--policy", "POLICY"]])
def test_input_or_policy_with_run_is_a_usage_error(solved: tuple[Path, Path, Path], run: Run,
                                                   extra: list[str]) -> None:
    book, toml, folder = solved
    args = [{"INPUT": book, "POLICY": toml}.get(a, a) for a in extra]
    code, _, err = run("explain", "P-04", *args, "--run", folder)
    assert code == 2
    assert "takes the run's input and policy" in " ".join(err.split())


def test_a_folder_that_is_no_run_is_refused(tmp_path: Path, run: Run) -> None:
    code, _, err = run("explain", "P-04", "--run", tmp_path)
    assert code == 2 and "no run.json there" in " ".join(err.split())


def test_the_shipped_example_runs_again_by_run(tmp_path: Path, run: Run) -> None:
    folder = tmp_path / "example"
    code, _, err = run("solve", "--budget", "FY2026=17000", "--no-explain", "--quiet",
                       "--out", folder)
    assert code == 0, err
    assert json.loads((folder / "run.json").read_text(encoding="utf-8"))["input_path"] is None
    code, out, err = run("validate", "--run", folder, "--json")
    assert code == 0, err
    assert json.loads(out)["budget"]["FY2026"] == 17000



def test_a_run_of_a_hand_built_model_is_refused_by_run(tmp_path: Path, run: Run) -> None:
    """A run solved in Python on a model with a row added by hand: --run rebuilt the model
    from the run's input and policy without the row and answered, silently."""
    import pyomo.environ as pyo

    import osa_opt

    problem = osa_opt.load_problem()
    model = osa_opt.build_model(problem)
    model.p17_out = pyo.Constraint(expr=model.x["P-17"] <= 0)
    folder = osa_opt.solve(problem, model=model, portfolios=1).write(tmp_path / "hand")
    for args in (("explain", "P-17"), ("robustness", "--samples", "3")):
        code, _, err = run(*args, "--run", folder)
        said = " ".join(err.split())
        assert code == 2 and "added or changed by hand in Python (p17_out)" in said, err
        assert "--extend FILE.py:FUNCTION" in said

# The whole module runs full CLI commands or whole input files: in the full suite, not in
# the fast loop (pytest -m "not slow").
pytestmark = pytest.mark.slow
