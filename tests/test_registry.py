"""The constraint-family registry (osa_opt.model.registry): one place for what each family is.

Its rule check of a plain portfolio must agree with the model's own rows (evaluated at the
portfolio) and with the brute-force oracle's pandas recomputation, on random instances with
every rule switched on; and the analyses must read their units, labels and policy keys from it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyomo.environ as pyo
import pytest
from bruteforce import RULES, BruteForce, random_instance, violations
from test_model_bruteforce import problem_of

import osa_opt
from osa_opt.analysis.frontier import BUDGET_FAMILIES, meets_rules
from osa_opt.analysis.greedy import greedy_ranking
from osa_opt.analysis.rule_rows import rule_rows
from osa_opt.model import build_model
from osa_opt.model.data import ModelData
from osa_opt.model.registry import FAMILIES, REGISTRY, broken_rules, component


def random_portfolio(rng: np.random.Generator, problem, oracle: BruteForce) -> dict[str, float]:
    """Mostly the oracle's optimum, now and then with one project flipped, else any subset
    (ineligible projects included), at fractions between just below the minimum and 1."""
    ids = list(problem.projects.index)
    best = oracle.best()
    if best and rng.random() < 0.6:
        chosen = dict(best[0].fractions)
        if oracle.ids and rng.random() < 0.3:  # no eligible id: nothing to flip
            p = str(rng.choice(oracle.ids))
            chosen.pop(p, None) if p in chosen else chosen.update({p: 1.0})
        return chosen
    chosen = {}
    for p in ids:
        if rng.random() < 0.4:
            low = float(problem.projects.at[p, "min_funding"])
            chosen[p] = 1.0 if low >= 1 or rng.random() < 0.6 else float(rng.uniform(low * 0.9, 1))
    return chosen


@pytest.mark.slow  # random rounds against the brute-force oracle
def test_the_check_agrees_with_the_model_rows_and_the_oracle() -> None:
    rng = np.random.default_rng(20261206)
    met = broke = 0
    for _ in range(160):  # 160: the draws of 589d590 (other years, signed) meet fewer
        rules = [r for r in RULES if rng.random() < 0.5]
        frames = random_instance(rng, int(rng.integers(3, 10)), int(rng.integers(2, 5)),
                                 rules=rules)
        problem = problem_of(frames)
        oracle = BruteForce.from_problem(problem)
        fractions = random_portfolio(rng, problem, oracle)
        mine = broken_rules(ModelData.from_problem(problem), fractions)
        theirs = violations(problem.projects, problem.countries, problem.policy, fractions)
        assert (mine == []) == (theirs == []), (fractions, mine, theirs)
        assert (mine == []) == meets_rules(build_model(problem), fractions), (fractions, mine)
        met, broke = met + (mine == []), broke + (mine != [])
    assert met >= 20 and broke >= 20  # both answers were put to the test


def test_a_broken_row_is_named_as_in_the_model() -> None:
    problem = osa_opt.load_problem()
    model = build_model(problem)
    data = model.osa
    names = {str(row.name) for row in model.component_data_objects(pyo.Constraint)}
    everything = {p: 1.0 for p in data.projects}
    broken = broken_rules(data, everything)
    assert broken and set(broken) <= names
    assert {b.split("[")[0] for b in broken} >= {"budget", "exclusive"}


def test_every_component_of_a_built_model_is_in_the_registry() -> None:
    model = build_model(osa_opt.load_problem())
    built = {c.local_name for c in model.component_objects(pyo.Constraint)}
    known = {name for f in REGISTRY for name in f.component_names}
    assert built - {"partial_min", "partial_max"} <= known
    assert set(FAMILIES) == {f.name for f in REGISTRY}


#: The stricter illustrative round: the shipped default sets no share, cap or partner rule.
STRICT = Path(__file__).resolve().parents[1] / "models" / "strict_round.toml"


def test_units_labels_and_keys_come_from_the_registry() -> None:
    problem = osa_opt.load_problem(policy=STRICT)
    result = osa_opt.solve(problem, portfolios=1, explain=True)
    prices = result.analyses["prices"].table
    data = ModelData.from_problem(problem)
    rows = [r for r in rule_rows(build_model(problem)) if r.name in prices.index]
    assert len(rows) >= 10
    # priced together, as one rule; every-partner-funded counts projects per partner there
    # (required 1, the fewest any partner has), so its numbers share one unit
    assert prices.loc["mandatory", "unit"] == component("mandatory").unit
    assert prices.loc["tier_partner", "unit"] == "projects"
    for rule in rows:
        spec = component(rule.component)
        row = prices.loc[rule.name]
        assert (row["unit"], row["sense"]) == (spec.unit, spec.sense)
        assert row["label"] == spec.label(rule.index, data)
        assert row["policy_key"] == spec.policy_key(rule.index, data)
    assert component("tier_partner").unit == "projects"  # one word, in prices and diagnosis
    assert BUDGET_FAMILIES == ("budget", "tier_share", "country_cap", "field_share",
                               "region_share")


def test_the_greedy_breaks_only_what_it_ignores() -> None:
    """The greedy keeps budgets, requirements, exclusive groups and mandatory projects."""
    problem = osa_opt.load_problem(policy=STRICT, overrides={"priority.max_country_share": 0.1})
    data = ModelData.from_problem(problem)
    greedy = greedy_ranking(problem)
    broken = greedy.broken_rules(data)
    assert broken, "the example's greedy breaks a cap rule of 10% (docs/frontier.md)"
    kept = ("budget", "requires", "exclusive", "mandatory")
    assert not [b for b in broken if b.split("[")[0] in kept]
    assert greedy.broken_rules(data) == broken_rules(data, greedy.fractions)


@pytest.mark.parametrize("family", [f.name for f in REGISTRY])
def test_each_family_entry_is_complete(family: str) -> None:
    entry = FAMILIES[family]
    assert entry.components and callable(entry.add) and callable(entry.check)
    for c in entry.components:
        assert c.sense in ("max", "min", "fixed", "link")
        assert c.unit in ("¥ million", "countries", "projects")
