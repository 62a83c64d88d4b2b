"""Metamorphic relations: two runs the docs say must agree, without an oracle of the answer.

- **Money in another unit** (docs/inputs.md: costs and budgets in ¥ million, at most 1e9;
  docs/policy.md: ``priority.min_package`` is the one policy amount in ¥ million, every other
  rule a share): every cost, budget and ``min_package`` times c ∈ {1e-3, 1e3, 1e5} gives the
  same ranked portfolios and values, and every amount times c, in the ranked solve, why-in /
  why-out, rule prices (their bounds, activities and slacks in ¥ million), the diagnosis of
  a policy that cannot be met (its amounts are rounded to ¥1,000: compared within that), the
  frontier and funding order (``value_per_cost`` times 1/c), execution and robustness.
- **Weights times k** (docs/model.md: value is Σ w_k·score, the weights relative; policy.md
  takes them up to 1e6): the same portfolios, frontier sets and funding line, every value
  times k.
- **Rows in another order and every id renamed**, in the same sorted order (docs/model.md:
  columns in project-id order, ties included): the same answers in every analysis.
- **An excluded copy of a project** under another id (docs/inputs.md: ``excluded`` forces a
  project out): nothing changes but the copy's own row in the why table.
- **Tight budgets** (``metamorph.tight_budgets``: each year's budget the cost of a set of
  projects, less 0, 10^-7 or 3·10^-7 of it), money times c: the ranked solve, explanations,
  frontier and funding order as above, where HiGHS's tolerances of 10^-6 decide.

What may differ: ``basis`` (``proof`` or ``re-solve``: the LP relaxation's optimum among
equal ones may be a portfolio at one scale and not at another; the answer is the same),
timings, and prose with amounts in it.

Rounds come from ``test_independent_bruteforce.problem_of`` (7-12 projects, many rules, one
to three fiscal years). Each seed checks one relation (the seed picks it and c), so the fast
tier's 16 seeds cover each twice (about 1 s a seed); ``OSA_METAMORPH_SEEDS=N`` (default 28)
runs N seeds more in the slow tier, with three rounds through ``osa-opt solve``. In December
2026 280 seeds of the first seven relations and 160 of all eight held, and medium synthetic
rounds (``benchmarks/synthetic.py``, 30-100 projects, money times 10^-3 and the largest power
of ten the limit of 1e9 allows) agreed in solve, explanations and frontier. Two defects were
found and are fixed (the last two tests). With money times 10^6 (costs of ¥10^7-2·10^8
million) on tight budgets HiGHS 1.16's presolve missed the optimum of two frontier levels
(docs/model.md, "Ties and tolerances"); c stops at 10^5 here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from metamorph import (
    analysis_differences,
    close,
    frames,
    portfolio_differences,
    portfolios_of,
    renamed,
    scale_money,
    scale_weights,
    table_differences,
    tight_budgets,
    with_excluded_copy,
)
from test_independent_bruteforce import problem_of

import osa_opt
from osa_opt.analysis.diagnose import Diagnosis
from osa_opt.errors import InputError

SCALES = (1e-3, 1e3, 1e5)
#: How the solver came by an answer; not part of the answer.
BASIS = frozenset({"basis", "relaxed_basis"})


def draw(seed: int) -> osa_opt.Problem | None:
    try:
        return problem_of(seed)
    except InputError:
        return None


def diagnosis_differences(a: list, b: list, c: float) -> list[str]:
    """The diagnoses' rules, and amounts within the ¥1,000 they are rounded to on each side
    (an entry of family ``units``, money that looks typed in the wrong unit, is a warning on
    magnitudes: left out)."""
    # money that looks typed in the wrong unit (a heuristic of magnitudes, docs/outputs.md)
    a, b = ([e for e in d if e.get("family") != "units"] for d in (a, b))
    ta, tb = Diagnosis(a).tables()["Diagnosis"], Diagnosis(b).tables()["Diagnosis"]
    if list(ta.get("rule", [])) != list(tb.get("rule", [])):
        return [f"diagnosis rules {list(ta.get('rule', []))} != {list(tb.get('rule', []))}"]
    out = table_differences("diagnosis", ta.drop(columns=["amount", "bound", "needed"],
                                                  errors="ignore"),
                            tb.drop(columns=["amount", "bound", "needed"], errors="ignore"))
    for col in ("amount", "bound", "needed"):
        for i, (x, y, unit) in enumerate(zip(ta.get(col, []), tb.get(col, []),
                                             ta.get("unit", []), strict=True)):
            factor = c if unit == "¥ million" else 1.0
            if x is None or y is None:
                if (x is None) != (y is None):
                    out.append(f"diagnosis[{i}, {col}]: {x} != {y}")
                continue
            if not close(x, y / factor, abs_=5e-4 + 5e-4 / factor + 1e-6):
                out.append(f"diagnosis[{i}, {col}]: {x} != {y / factor} (c={c:g})")
    return out


# ---------------------------------------------------------------------- money in another unit
def money_solve(problem: osa_opt.Problem, c: float) -> list[str]:
    """Ranked portfolios, why-in/why-out, rule prices and the diagnosis, money times c."""
    a = osa_opt.solve(problem, explain=True)
    b = osa_opt.solve(scale_money(problem, c), explain=True)
    out = portfolio_differences(a, b)
    if a.portfolios and b.portfolios:
        out += table_differences("summary", a.summary(), b.summary(), c)
    out += analysis_differences(a, b, c, skip=BASIS)
    return out + diagnosis_differences(a.diagnosis, b.diagnosis, c)


def money_frontier(problem: osa_opt.Problem, c: float) -> list[str]:
    """The frontier and the funding order, money times c."""
    a, b = osa_opt.frontier(problem), osa_opt.frontier(scale_money(problem, c))
    return portfolio_differences(a, b) + analysis_differences(a, b, c, skip=BASIS)


def money_execution(problem: osa_opt.Problem, c: float) -> list[str]:
    """The reserve list and the simulated execution, money times c."""
    def run(p: osa_opt.Problem) -> dict[str, pd.DataFrame] | str:
        try:
            return osa_opt.execution(p, reserves=4, samples=100).tables()
        except osa_opt.OsaError as error:  # no portfolio 1: nothing to execute
            return type(error).__name__
    a, b = run(problem), run(scale_money(problem, c))
    if isinstance(a, str) or isinstance(b, str):
        return [] if a == b else [f"execution {a if isinstance(a, str) else 'ran'} != "
                                  f"{b if isinstance(b, str) else 'ran'}"]
    return [d for name in a for d in table_differences(name, a[name], b[name], c)]


def money_robustness(problem: osa_opt.Problem, c: float) -> list[str]:
    """Robustness samples (same seed): the same optima, core indices and portfolios."""
    a = osa_opt.robustness(problem, samples=6)
    b = osa_opt.robustness(scale_money(problem, c), samples=6)
    return portfolio_differences(a, b) + analysis_differences(a, b, c, skip=BASIS)


# ---------------------------------------------------------------------- weights, ids, a copy
def weights_times(problem: osa_opt.Problem, k: float) -> list[str]:
    """Every weight times k: the same portfolios, frontier sets and funding line."""
    out = []
    a, b = osa_opt.solve(problem), osa_opt.solve(scale_weights(problem, k))
    for rank, ((va, fa), (vb, fb)) in enumerate(
            zip(portfolios_of(a), portfolios_of(b), strict=False), 1):
        if fa != fb or not close(va * k, vb):
            out.append(f"k={k:g} portfolio {rank}: {va * k:g} {fa} != {vb:g} {fb}")
    if len(a.portfolios) != len(b.portfolios):
        out.append(f"k={k:g}: {len(a.portfolios)} portfolios != {len(b.portfolios)}")
    fa_, fb_ = osa_opt.frontier(problem), osa_opt.frontier(scale_weights(problem, k))
    ta, tb = (fa_.analyses["frontier"].tables()["frontier"],
              fb_.analyses["frontier"].tables()["frontier"])
    if list(ta["project_ids"]) != list(tb["project_ids"]) or \
            list(ta["status"]) != list(tb["status"]):
        out.append(f"k={k:g} frontier {list(ta['project_ids'])} != {list(tb['project_ids'])}")
    oa, ob = (fa_.analyses["funding_order"].tables()["funding_order"],
              fb_.analyses["funding_order"].tables()["funding_order"])
    if list(oa["project_id"]) != list(ob["project_id"]):
        out.append(f"k={k:g} funding order {list(oa['project_id'])} != {list(ob['project_id'])}")
    return out


def _ids_back(cell: object, back: dict[str, str]) -> str:
    return ", ".join(sorted(back[x.strip()] for x in str(cell or "").split(",") if x.strip()))


def _rows_back(cell: object, back: dict[str, str]) -> str:
    """Row names such as ``requires[R007-x07,R004-x04]; country_cap[Land 00 K0]`` with each
    renamed id and country given its old name (metamorph.renamed's ``Land NN`` prefix)."""
    def name(arg: str) -> str:
        return back.get(arg, re.sub(r"^Land \d+ ", "", arg))
    return re.sub(r"\[([^\]]*)\]",
                  lambda m: "[" + ",".join(name(a) for a in m.group(1).split(",")) + "]",
                  str(cell or ""))


def renamed_ids(problem: osa_opt.Problem, seed: int) -> list[str]:
    """Rows shuffled, ids and countries renamed in the same order: the same answers."""
    other, names = renamed(problem, seed)
    back = {new: old for old, new in names.items()}

    def ranked(r: osa_opt.Result, rename: bool) -> list[tuple[float, dict[str, float]]]:
        return [(v, {back[p] if rename else p: f for p, f in fr.items()})
                for v, fr in portfolios_of(r)]
    out = []
    a, b = osa_opt.solve(problem, explain=True), osa_opt.solve(other, explain=True)
    if ranked(a, False) != ranked(b, True):
        out.append(f"solve {ranked(a, False)} != {ranked(b, True)}")
    if "why" in a.analyses:
        ta, tb = a.analyses["why"].tables()["why"], b.analyses["why"].tables()["why"].copy()
        tb["project_id"] = tb["project_id"].map(back)
        tb = tb.set_index("project_id").loc[ta["project_id"]].reset_index()
        ta = ta.copy()
        for col in ("displaced", "replaced_by"):
            ta[col] = [_ids_back(v, {x: x for x in names}) for v in ta[col]]
            tb[col] = [_ids_back(v, back) for v in tb[col]]
        if "blocked_by" in tb:
            tb["blocked_by"] = [_rows_back(v, back) for v in tb["blocked_by"]]
        out += table_differences("why", ta, tb, skip=BASIS | {"country"})
    if "prices" in a.analyses:  # rows keep their order; country rows carry the new name
        pa, pb = (x.analyses["prices"].tables()["prices"].drop(columns=["rule", "policy_key"])
                  for x in (a, b))
        out += table_differences("prices", pa, pb, skip=BASIS)
    fa, fb = osa_opt.frontier(problem), osa_opt.frontier(other)
    if ranked(fa, False) != ranked(fb, True):
        out.append("frontier's portfolio 1 differs")
    ta, tb = (x.analyses["frontier"].tables()["frontier"] for x in (fa, fb))
    tb = tb.assign(project_ids=[";".join(sorted(back[i.strip()] for i in str(v).split(";")
                                                 if i.strip())) for v in tb["project_ids"]],
                   greedy_ids=[";".join(sorted(back[i.strip()] for i in str(v).split(";")
                                                if i.strip())) for v in tb["greedy_ids"]])
    ta = ta.assign(project_ids=[";".join(sorted(i.strip() for i in str(v).split(";")
                                                if i.strip())) for v in ta["project_ids"]],
                   greedy_ids=[";".join(sorted(i.strip() for i in str(v).split(";")
                                               if i.strip())) for v in ta["greedy_ids"]])
    out += table_differences("frontier", ta, tb)
    oa, ob = (x.analyses["funding_order"].tables()["funding_order"] for x in (fa, fb))
    ob = ob.assign(project_id=ob["project_id"].map(back))
    return out + table_differences("funding order", oa, ob, skip=frozenset({"country"}))


def excluded_copy(problem: osa_opt.Problem, seed: int) -> list[str]:
    """A copy of a project under another id, excluded: nothing else changes."""
    other, copy_id = with_excluded_copy(problem, seed)
    a, b = osa_opt.solve(problem, explain=True), osa_opt.solve(other, explain=True)
    out = portfolio_differences(a, b)
    if "why" in a.analyses:
        wb = b.analyses["why"].tables()["why"]
        out += table_differences("why", a.analyses["why"].tables()["why"],
                                 wb[wb["project_id"] != copy_id].reset_index(drop=True),
                                 skip=BASIS)
    if "prices" in a.analyses:
        out += table_differences("prices", a.analyses["prices"].tables()["prices"],
                                 b.analyses["prices"].tables()["prices"], skip=BASIS)
    out += diagnosis_differences(a.diagnosis, b.diagnosis, 1.0)
    fa, fb = osa_opt.frontier(problem), osa_opt.frontier(other)
    return out + portfolio_differences(fa, fb) + analysis_differences(fa, fb, 1.0)


RELATIONS: tuple[tuple[str, Callable[[osa_opt.Problem, int], list[str]]], ...] = (
    ("money, solve and explanations", lambda p, s: money_solve(p, SCALES[s % 3])),
    ("money, frontier and funding order", lambda p, s: money_frontier(p, SCALES[s % 3])),
    ("money, execution", lambda p, s: money_execution(p, SCALES[s % 3])),
    ("renamed ids, shuffled rows", renamed_ids),
    ("money, robustness", lambda p, s: money_robustness(p, SCALES[s % 3])),
    ("weights times k", lambda p, s: weights_times(p, (0.01, 100.0)[s % 2])),
    ("an excluded copy", excluded_copy),
    ("money, tight budgets", lambda p, s: money_solve(tight_budgets(p, s), SCALES[s % 3])
     + money_frontier(tight_budgets(p, s), SCALES[s % 3])),
)


def check(seed: int) -> str:
    """The relation seed picks, on the round of seed: '' when it holds, else what broke."""
    problem = draw(seed)
    if problem is None:
        return ""
    name, relation = RELATIONS[seed % len(RELATIONS)]
    differences = relation(problem, seed)
    return f"seed {seed}, {name}:\n" + "\n".join(differences[:12]) if differences else ""


@pytest.mark.parametrize("seed", range(16))
def test_metamorphic_relations_hold(seed: int) -> None:
    message = check(seed)
    assert not message, message


SLOW_SEEDS = int(os.environ.get("OSA_METAMORPH_SEEDS", "28"))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(1_000, 1_000 + SLOW_SEEDS))
def test_metamorphic_relations_hold_sweep(seed: int) -> None:
    message = check(seed)
    assert not message, message


# ---------------------------------------------------------------------- defects found
def one_partner_round(costs: list[float], scores: list[float], budget: float,
                      ) -> osa_opt.Problem:
    """Projects P0, P1, ... of one partner, one criterion and one fiscal year."""
    countries = pd.DataFrame({
        "country": ["K0"], "region": ["East"], "priority_tier": [1], "oda_eligible": [True],
        "party_to_conflict": [False], "management_agreement": [True], "democracy": [5.0],
        "rule_of_law": [5.0], "human_rights": [5.0]})
    ids = [f"P{i}" for i in range(len(costs))]
    projects = pd.DataFrame({
        "project_id": ids, "title": ids, "country": "K0", "field": "medical",
        "assistance_type": "supplies", "cost_FY2026": costs, "score_a": scores})
    policy = {"name": "one partner", "budget": {"FY2026": budget},
              "objective": {"weights": {"a": 1.0}},
              "portfolios": {"count": 3, "min_difference": 1}}
    return osa_opt.Problem.from_frames(projects, countries, policy)


def test_why_out_never_takes_an_lp_optimum_that_overspends_rounded_for_a_portfolio() -> None:
    """Two projects of ¥500,000,000m (value 10 each) and one of ¥1m (value 1), a budget ¥50m
    short of the two big ones. Portfolio 1 funds a big one and the small one (11). Dropping
    the small one, the LP relaxation funds one big project whole and the other at
    x = 1 − 10^-7: within HiGHS's integrality tolerance of 10^-6, so it was taken for a
    portfolio, and 'dropping P2 would gain 9' (both big ones, ¥50m over the budget) was
    reported as proven (found by the money-scale relation's sweep). Dropping P2 loses 1."""
    problem = one_partner_round([5e8, 5e8, 1.0], [10.0, 10.0, 1.0], 1e9 - 50)
    result = osa_opt.solve(problem, explain=True)
    assert result.best is not None and result.best.objective == pytest.approx(11.0)
    why = result.explain("P2")
    assert why["value_change"] == pytest.approx(-1.0, abs=1e-6), why["message"]
    assert why["replaced_by"] == []


def test_a_re_solve_at_the_tight_tolerance_that_fails_in_presolve_runs_without_it() -> None:
    """A round of money-scale seed 39 with a budget a hair (3·10^-7) short of a set of
    projects, in ¥ million times 10^6 (costs of ¥10^7-10^8 million). Dropping X04, HiGHS's
    answer breaks the budget once rounded, and the re-solve at the tight integrality
    tolerance ended in a solve error in HiGHS 1.16's presolve: the why answer fell back to
    an LP bound labelled as stopped by the time limit, 'feasible' unknown. It is now run
    again without presolve, and the answer is the one of the round in ¥ million."""
    problem = tight_budgets(problem_of(39), 39)
    answers = [osa_opt.solve(scale_money(problem, c), explain=True).explain("X04")
               for c in (1.0, 1e6)]
    for key in ("feasible", "basis", "displaced", "replaced_by"):
        assert answers[1][key] == answers[0][key], key
    assert answers[1]["value_change"] == pytest.approx(answers[0]["value_change"], abs=1e-6)
    assert answers[0]["basis"] == "re-solve" and answers[0]["feasible"] is True


# ---------------------------------------------------------------------- through the CLI
def write_round(problem: osa_opt.Problem, folder: Path) -> Path:
    folder.mkdir(parents=True)
    projects, countries = frames(problem)
    projects.to_csv(folder / "projects.csv", index=False)
    countries.to_csv(folder / "countries.csv", index=False)
    policy = folder.parent / f"{folder.name}.toml"
    policy.write_text(problem.policy.to_toml(), encoding="utf-8")
    return policy


@pytest.mark.slow
@pytest.mark.parametrize("seed", [3, 13, 36])
def test_the_cli_gives_the_same_run_with_money_in_thousands(tmp_path: Path, seed: int) -> None:
    """``osa-opt solve`` on CSV files, as given and with every amount times 1,000: the same
    portfolios, values and (times 1,000) costs in run.json."""
    problem = problem_of(seed)
    runs = []
    for c in (1.0, 1e3):
        policy = write_round(scale_money(problem, c), tmp_path / f"in{c:g}")
        out = tmp_path / f"out{c:g}"
        done = subprocess.run([sys.executable, "-m", "osa_opt", "solve", str(tmp_path / f"in{c:g}"),
                               "--policy", str(policy), "--out", str(out), "--quiet"],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode in (0, 3), done.stderr
        runs.append(json.loads((out / "run.json").read_text(encoding="utf-8")))
    a, b = runs
    assert a["status"] == b["status"]
    assert [p["projects"] for p in a["portfolios"]] == [p["projects"] for p in b["portfolios"]]
    for pa, pb in zip(a["portfolios"], b["portfolios"], strict=True):
        assert pb["objective"] == pytest.approx(pa["objective"], rel=1e-9)
        assert pb["total_cost"] == pytest.approx(pa["total_cost"] * 1e3, rel=1e-9)
    assert np.isfinite(len(a["portfolios"]))
