"""Scenarios: the same candidates under several policies or budgets, side by side.

Each scenario is a Problem (the same projects and countries under its own policy); each is
solved to its proven optimum, and the comparison lists per scenario its value, cost per
fiscal year, countries, number of projects, and the projects in or out against the first
scenario (the baseline). Scenarios are independent, so they can be solved on local
processes or a Dask cluster, like robustness samples.

>>> from osa_opt.analysis.compare import budget_scenario, compare, Scenario
>>> base = Scenario("default", problem)
>>> cmp = compare([base, budget_scenario(problem, {"FY2026": 15000})])
>>> cmp.summary()[["value", "projects", "added", "dropped"]].round(3)
                                  value  projects added                 dropped
scenario
default               171.239        29
default FY2026=15000  158.890        26  P-33  P-24, P-27, P-30, P-32
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from osa_opt.analysis.base import Analysis
from osa_opt.analysis.rule_rows import value_at
from osa_opt.errors import OsaError
from osa_opt.inputs.problem import Problem  # at run time: get_type_hints(Scenario)
from osa_opt.model import build_model
from osa_opt.parallel import make_executor, stop_on_interrupt
from osa_opt.result import Portfolio, Status
from osa_opt.solving.solver import Solver, stdout_to_stderr
from osa_opt.text import number


@dataclass(frozen=True)
class Scenario:
    """A named Problem: the candidates under one policy (and budget)."""

    name: str
    problem: Problem


def policy_scenario_name(problem: Problem) -> str:
    """A scenario's name from its policy, as ``osa-opt compare`` names a ``--policy FILE``
    (:func:`policy_file_scenario_name`: the file's stem, ``default`` for the shipped
    ``models/default.toml``); a policy read from no file is named by its ``name`` when it
    names a round, else ``default``. A policy that names no round ("Default OSA round")
    titles the run from its input (``problem.title``), so a scenario called after it named a
    round it was not.

    >>> policy_scenario_name(problem)
    'default'
    >>> policy_scenario_name(problem.with_policy("models/humanitarian_focus.toml"))
    'humanitarian_focus'
    """
    from osa_opt.inputs.problem import UNNAMED

    policy = problem.policy
    if policy.source:
        return policy_file_scenario_name(Path(policy.source))
    return policy.name if policy.name.strip() not in UNNAMED else "default"


def policy_file_scenario_name(path: Path) -> str:
    """A policy file's scenario name: its stem, or, for the ``policy.toml`` of a run
    folder (``--policy outputs/run-a/policy.toml``), the run folder's name, which tells
    two runs apart where "policy" and "policy #2" would not."""
    if path.name == "policy.toml" and (path.parent / "run.json").is_file():
        return path.resolve().parent.name
    return path.stem


def budget_scenario(problem: Problem, budgets: Mapping[str, float],
                    name: str | None = None) -> Scenario:
    """The same policy with other budgets, e.g. ``{"FY2026": 15000}`` (¥ million), named
    by its policy (:func:`policy_scenario_name`) and that budget, as ``osa-opt compare
    --budget-scenario`` names it.

    >>> budget_scenario(problem, {"FY2026": 15000}).name
    'default FY2026=15000'
    """
    overrides = {f"budget.{fy}": float(amount) for fy, amount in budgets.items()}
    return Scenario(name or f"{policy_scenario_name(problem)} {budget_label(budgets)}",
                    problem.with_policy(overrides=overrides))


def budget_label(budgets: Mapping[str, float]) -> str:
    """A budget scenario's label as ``--budget-scenario`` takes it back: every digit (two
    budgets never share a name), no exponent, no thousands separator (a comma separates the
    years).

    >>> budget_label({"FY2026": 15000, "FY2027": 1105182.5})
    'FY2026=15000,FY2027=1105182.5'
    """
    return ",".join(f"{fy}={number(amount, None, grouped=False)}"
                    for fy, amount in budgets.items())


def solve_scenario(shared: Any, problem: Problem) -> dict[str, Any]:
    """Build and solve one scenario to its optimum (runs on a worker)."""
    with stdout_to_stderr():
        out = Solver(problem).solve_once()
    return {"status": out.status.value, "objective": out.objective, "gap": out.gap,
            "fractions": dict(out.fractions), "seconds": out.seconds}


@dataclass(eq=False)
class ScenarioOutcome:
    """One solved scenario; ``portfolio`` is None when it has no solution."""

    name: str
    problem: Problem
    status: Status
    portfolio: Portfolio | None
    seconds: float = 0.0
    added: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    value_under_baseline: float | None = None

    @property
    def funded(self) -> set[str]:
        return set(self.portfolio.fractions) if self.portfolio else set()


def policy_file_names(scenarios: Sequence[str]) -> list[str]:
    """Each scenario's policy file in the run folder, ``policy-<scenario>.toml``.

    >>> policy_file_names(["Default", "Cut 20%", "cut-20%"])
    ['policy-default.toml', 'policy-cut-20.toml', 'policy-cut-20-2.toml']
    """
    names: list[str] = []
    for scenario in scenarios:
        stem = re.sub(r"[^a-z0-9]+", "-", scenario.lower()).strip("-")[:48] or "scenario"
        name, k = f"policy-{stem}.toml", 1
        while name in names:
            k += 1
            name = f"policy-{stem}-{k}.toml"
        names.append(name)
    return names


@dataclass(eq=False, repr=False)
class Comparison(Analysis):
    """Scenarios solved side by side; the first is the baseline of every in/out list."""

    scenarios: list[ScenarioOutcome]
    seconds: float = 0.0
    executor: str = ""
    partial: bool = False
    name: str = "comparison"

    @property
    def baseline(self) -> ScenarioOutcome:
        return self.scenarios[0]

    def policy_files(self) -> dict[str, bytes]:
        """Extra files of the run folder: every scenario's policy as it was solved,
        ``policy-<scenario>.toml`` (the folder's ``policy.toml`` is the baseline's), so each
        scenario can be solved again on its own."""
        names = policy_file_names([s.name for s in self.scenarios])
        return {name: s.problem.policy.to_toml().encode("utf-8")
                for name, s in zip(names, self.scenarios, strict=True)}

    @property
    def fiscal_years(self) -> list[str]:
        years: list[str] = []
        for s in self.scenarios:
            years += [fy for fy in s.problem.fiscal_years if fy not in years]
        return years

    def summary(self) -> pd.DataFrame:
        """One row per scenario, indexed by its name (``scenario``, as ``project_matrix``'s
        columns are; the workbook's sheet has it as its first column): status, value,
        budget and cost per year, projects, in/out."""
        rows = []
        for s in self.scenarios:
            p = s.portfolio
            row: dict[str, Any] = {
                "scenario": s.name, "policy": s.problem.policy.name, "status": s.status.value,
                "value": p.objective if p else None,
                "value_under_baseline": s.value_under_baseline,
            }
            for fy in self.fiscal_years:
                row[f"budget_{fy}"] = s.problem.policy.budget.get(fy)
            for fy in self.fiscal_years:
                row[f"cost_{fy}"] = float(p.cost_by_year[fy]) if p and fy in p.cost_by_year else None
            row.update({
                "total_cost": p.total_cost if p else None,
                "projects": p.n_projects if p else 0,
                "countries": p.n_countries if p else 0,
                "country_list": ", ".join(p.countries) if p else "",
                "added": ", ".join(s.added), "dropped": ", ".join(s.dropped),
                "solve_seconds": round(s.seconds, 4),
            })
            rows.append(row)
        return pd.DataFrame(rows, columns=list(rows[0]) if rows else ["scenario"]).set_index(
            "scenario")

    def project_matrix(self) -> pd.DataFrame:
        """Per project (rows) and scenario (columns): the funded fraction, 0 when out."""
        base = self.baseline.problem.input_projects
        table = base[["title", "country", "field"]].copy()
        for s in self.scenarios:
            fractions = s.portfolio.fractions if s.portfolio else {}
            table[s.name] = [float(fractions.get(pid, 0.0)) for pid in base.index]
        table.index.name = "project_id"
        return table

    def tables(self) -> dict[str, pd.DataFrame]:
        """Workbook sheets: the scenario summary and the project-by-scenario matrix."""
        return {"comparison": self.summary(),
                "comparison_projects": self.project_matrix().reset_index()}

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe (run.json ``analyses.comparison`` and ``compare --json``)."""
        scenarios = []
        for s in self.scenarios:
            p = s.portfolio
            scenarios.append({
                "name": s.name, "policy": s.problem.policy.name,
                "policy_source": s.problem.policy.source, "status": s.status.value,
                "value": None if p is None else round(p.objective, 9),
                "value_under_baseline": (None if s.value_under_baseline is None
                                         else round(s.value_under_baseline, 9)),
                "budget": {fy: float(b) for fy, b in s.problem.policy.budget.items()},
                "cost_by_year": ({} if p is None else
                                 {fy: round(float(c), 6) for fy, c in p.cost_by_year.items()}),
                "total_cost": None if p is None else round(p.total_cost, 6),
                "n_projects": 0 if p is None else p.n_projects,
                "countries": [] if p is None else p.countries,
                "projects": [] if p is None else p.project_ids,
                "fractions": {} if p is None else {k: round(v, 9) for k, v in p.partial.items()},
                "added": list(s.added), "dropped": list(s.dropped),
                "solve_seconds": round(s.seconds, 4),
            })
        return {"baseline": self.baseline.name, "partial": self.partial,
                "executor": self.executor, "seconds": round(self.seconds, 4),
                "scenarios": scenarios}

    def headline(self) -> str:
        return f"of {len(self.scenarios)} scenarios, baseline {self.baseline.name!r}"


def compare(
    scenarios: Sequence[Scenario],
    jobs: int = 1,
    scheduler: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> Comparison:
    """Solve every scenario and compare each with the first.

    Parameters
    ----------
    scenarios : two or more named Problems (:class:`Scenario`); names must differ.
    jobs : local worker processes; scheduler : a Dask scheduler address or Client.
    progress : called as ``progress(solved, total)`` after each scenario.

    Returns
    -------
    Comparison
        ``added`` / ``dropped`` of a scenario are the projects funded in it and not in the
        baseline, and the reverse (input order). A scenario whose rules cannot be met is
        listed with its status and no portfolio. Ctrl-C keeps the scenarios solved so far
        (``partial``).

    Examples
    --------
    >>> problem_b = problem.with_policy(overrides={"budget.FY2026": 20000})
    >>> cmp = compare([Scenario("A", problem), Scenario("B", problem_b)])
    >>> cmp.scenarios[1].added, cmp.scenarios[1].dropped
    (['P-17', 'P-33'], ['P-24', 'P-32'])
    """
    names = [s.name for s in scenarios]
    if len(scenarios) < 2:
        raise OsaError("a comparison needs two or more scenarios")
    if len(set(names)) != len(names):
        raise OsaError(f"scenario names must differ: {names}")
    t0 = time.perf_counter()
    solved: dict[int, dict[str, Any]] = {}
    with stop_on_interrupt() as stopped, make_executor(jobs, scheduler) as executor:
        described = executor.describe()
        problems = [s.problem for s in scenarios]
        for index, out in executor.map(solve_scenario, None, problems, stop=stopped):
            solved[index] = out
            if progress is not None:
                progress(len(solved), len(scenarios))
    found = [_outcome(s, solved.get(i)) for i, s in enumerate(scenarios)]
    outcomes = [o for o in found if o is not None]
    if not outcomes or outcomes[0].name != scenarios[0].name:
        raise KeyboardInterrupt  # the baseline itself was not solved: nothing to compare
    _against_baseline(outcomes)
    return Comparison(outcomes, time.perf_counter() - t0, described,
                      partial=len(outcomes) < len(scenarios))


def _outcome(scenario: Scenario, out: dict[str, Any] | None) -> ScenarioOutcome | None:
    if out is None:
        return None
    status = Status(out["status"])
    portfolio = None
    if status.has_solution:
        portfolio = Portfolio(rank=1, objective=float(out["objective"] or 0.0),
                              fractions=out["fractions"], problem=scenario.problem,
                              status=status, gap=out["gap"])
    return ScenarioOutcome(scenario.name, scenario.problem, status, portfolio, out["seconds"])


def _against_baseline(outcomes: list[ScenarioOutcome]) -> None:
    """Fill in/out lists and the value of each portfolio under the baseline's weights."""
    base = outcomes[0]
    order = list(base.problem.input_projects.index)
    base_value = base.problem.value
    model, extra = _objective_extra(base.problem)  # the model kept alive while read
    countries = base.problem.input_projects["country"]
    for s in outcomes:
        s.added = [p for p in order if p in s.funded and p not in base.funded]
        s.dropped = [p for p in order if p in base.funded and p not in s.funded]
        if s.portfolio is not None:
            fractions = s.portfolio.fractions
            s.value_under_baseline = float(sum(base_value[p] * f for p, f in fractions.items()))
            if extra is not None:  # the baseline's own value includes them: so does this
                s.value_under_baseline += value_at(extra, fractions, countries)
    del model


def _objective_extra(problem: Problem) -> tuple[Any, Any]:
    """The terms the problem's extensions add to its objective (None when they add none),
    on a model built for it: the baseline's measure includes them; returned with that model,
    which the caller keeps while it reads them (a variable of a model the garbage collector
    has freed has no component, and value_at failed on it)."""
    if not problem.extensions:
        return None, None
    model = build_model(problem)
    return model, model.osa_objective_extra
