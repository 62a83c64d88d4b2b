"""``write_model`` / ``osa-opt solve --write-model``: the file written is the model, solved
by a HiGHS that reads only the file, against enumeration (docs/api.md, docs/outputs.md
"Exporting the model", docs/model.md).

Each random round of ``tests/test_independent_bruteforce`` is built, written as LP and as
MPS, and each file read by a fresh ``highspy.Highs`` (no Pyomo, no osa-opt in between) and
solved: its optimum is the enumeration's best value, or it has none when no portfolio meets
the rules. A round whose project ids differ only where Pyomo writes ``_`` (``P-01`` and
``P_01``) cannot get readable names for both: ``write_model`` says so as an OsaError naming
them (it raised Pyomo's RuntimeError, a traceback from ``osa-opt solve``).

``OSA_WRITE_MODEL_SEEDS=N`` runs N seeds in the slow sweep (60 by default, about 0.3 s each;
200 seeds agreed when it was written).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import highspy
import pytest
from test_families import make_problem
from test_independent_bruteforce import Oracle, problem_of

import osa_opt
from osa_opt.cli import cli
from osa_opt.cli.common import run_cli
from osa_opt.errors import InputError


def solve_file(path: Path) -> float | None:
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("mip_rel_gap", 0.0)
    assert highs.readModel(str(path)) == highspy.HighsStatus.kOk, path
    highs.run()
    status = highs.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        return None
    assert status == highspy.HighsModelStatus.kOptimal, (path, highs.modelStatusToString(status))
    return float(highs.getInfo().objective_function_value)  # in the file's sense: maximize


def check(seed: int, folder: Path) -> str:
    try:
        problem = problem_of(seed)
    except InputError:
        return "refused"
    oracle = Oracle(problem)
    best = oracle.best(oracle.away_from([], 1))
    truth = best[0][0] if best else None
    model = osa_opt.build_model(problem)
    for suffix in (".lp", ".mps"):
        path = osa_opt.write_model(model, folder / f"round{seed}{suffix}")
        got = solve_file(path)
        if truth is None:
            assert got is None, (seed, suffix, got)
        else:
            assert got is not None and abs(got - truth) <= 1e-6 * max(1, abs(truth)), \
                (seed, suffix, got, truth)
    return "infeasible" if truth is None else "optimal"


FAST = list(range(10))
SLOW = list(range(10, 10 + int(os.environ.get("OSA_WRITE_MODEL_SEEDS", "60"))))


@pytest.mark.parametrize("seed", FAST)
def test_the_written_model_solves_to_the_enumerated_optimum(seed: int, tmp_path: Path) -> None:
    check(seed, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SLOW)
def test_the_written_model_solves_to_the_enumerated_optimum_many(seed: int,
                                                                  tmp_path: Path) -> None:
    check(seed, tmp_path)


def test_ids_that_share_a_name_in_the_file_are_named_not_a_traceback(tmp_path: Path) -> None:
    problem = make_problem([{"project_id": "P-01", "cost": 3.0, "score": 5.0},
                            {"project_id": "P_01", "cost": 4.0, "score": 6.0}],
                           budget={"FY1": 7.0})
    with pytest.raises(osa_opt.OsaError, match=r"P-01.*P_01|P_01.*P-01") as raised:
        osa_opt.write_model(osa_opt.build_model(problem), tmp_path / "m.lp")
    assert str(raised.value).startswith("write_model: ")  # Python's words


def test_the_command_says_so_too_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capfd: pytest.CaptureFixture[str]) -> None:
    """``osa-opt solve --write-model`` printed Pyomo's RuntimeError as "a bug in osa-opt"."""
    problem = make_problem([{"project_id": "P-01", "cost": 3.0, "score": 5.0},
                            {"project_id": "P_01", "cost": 4.0, "score": 6.0}],
                           budget={"FY1": 7.0})
    columns = ["project_id", "title", "country", "field", "assistance_type", "cost_FY1",
               "score_a"]
    problem.projects.reset_index()[columns].to_csv(tmp_path / "projects.csv", index=False)
    problem.countries.reset_index().drop(columns=["_row"], errors="ignore").to_csv(
        tmp_path / "countries.csv", index=False)
    (tmp_path / "policy.toml").write_text(problem.policy.to_toml(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["osa-opt", "solve", str(tmp_path), "--policy",
                                      "policy.toml", "--write-model", "m.lp", "-q"])
    assert run_cli(cli) == 2
    err = " ".join(capfd.readouterr().err.split())  # the message is wrapped to the terminal
    assert "would both be written as x(P_01)" in err and "bug in osa-opt" not in err, err
    assert "P-01" in err and "P_01" in err  # both ids named
    # the command's words (osa_opt.write_model's OsaError carries them), not Python's
    assert "Error: Could not write the model to m.lp:" in err and "write_model:" not in err, err
