"""Public benchmark instances with known optima, solved as a user would: CSV files and a
policy file on disk, read by ``load_problem`` (and once by ``osa-opt solve``).

``corpus/orlib_mknap1.txt`` is OR-Library's ``mknap1`` (J. E. Beasley, OR-Library,
people.brunel.ac.uk/~mastjjb/jeb/orlib/mknapinfo.html): seven multidimensional knapsack
problems of 6 to 50 items and 5 or 10 constraints, each with its published optimum. An item
becomes a project, a constraint a fiscal year (its weights the project's cost that year, its
capacity that year's budget) and the profit the project's one score (scaled into 0–10; the
policy weighs nothing else). osa-opt's Portfolio 1 must reach each published optimum, and on
the instances small enough to enumerate, its ranked portfolios must be the true 2nd and 3rd
best subsets (found here by enumerating every subset, apart from osa-opt).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import osa_opt

CORPUS = Path(__file__).parent / "corpus" / "orlib_mknap1.txt"
#: The optima OR-Library publishes for mknap1 (also the third number of each instance's
#: first line in the file; written out here so a misread file cannot pass).
PUBLISHED_OPTIMA = (3800, 8706.1, 4015, 6120, 12400, 10618, 16537)
ENUMERABLE = 20  # items: 2^20 subsets enumerated with numpy


@dataclass
class Instance:
    profits: np.ndarray      # (n,)
    weights: np.ndarray      # (m, n)
    capacities: np.ndarray   # (m,)
    optimum: float


def read_mknap(path: Path) -> list[Instance]:
    """OR-Library's format: the number of problems, then per problem ``n m optimum``, the
    n profits, the m×n weights (row by row) and the m capacities."""
    numbers = [float(t) for t in path.read_text().split()]
    count, pos, out = int(numbers[0]), 1, []
    for _ in range(count):
        n, m, optimum = int(numbers[pos]), int(numbers[pos + 1]), numbers[pos + 2]
        pos += 3
        profits = np.array(numbers[pos:pos + n])
        pos += n
        weights = np.array(numbers[pos:pos + m * n]).reshape(m, n)
        pos += m * n
        capacities = np.array(numbers[pos:pos + m])
        pos += m
        out.append(Instance(profits, weights, capacities, optimum))
    assert pos == len(numbers)
    return out


INSTANCES = read_mknap(CORPUS)


def write_round(instance: Instance, folder: Path, count: int = 3) -> Path:
    """projects.csv, countries.csv and policy.toml of the instance; returns the policy."""
    folder.mkdir(parents=True, exist_ok=True)
    years = [f"FY{2026 + i}" for i in range(len(instance.capacities))]
    top = float(instance.profits.max())
    header = ["project_id", "title", "country", "field", "assistance_type",
              *(f"cost_{fy}" for fy in years), "score_profit", "risk", "min_funding", "status"]
    lines = [",".join(header)]
    for j, profit in enumerate(instance.profits):
        costs = [repr(float(w)) for w in instance.weights[:, j]]
        lines.append(",".join([f"I-{j + 1:02d}", f"Item {j + 1}", "Testland", "disaster_relief",
                               "equipment", *costs, repr(10.0 * float(profit) / top), "0", "1",
                               "candidate"]))
    (folder / "projects.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "countries.csv").write_text(
        "country,region,priority_tier,oda_eligible,party_to_conflict,management_agreement,"
        "democracy,rule_of_law,human_rights\n"
        "Testland,Pacific Islands,1,true,false,true,5,5,5\n", encoding="utf-8")
    budget = "\n".join(f"{fy} = {float(c)!r}" for fy, c in zip(years, instance.capacities,
                                                                strict=True))
    policy = folder / "policy.toml"
    policy.write_text(f"""name = "OR-Library mknap1"
[budget]
{budget}
[objective]
weights = {{ profit = 1.0 }}
tier_multiplier = {{ 1 = 1.0 }}
risk_aversion = 0.0
considerations = {{}}
consideration_strength = 0.0
[portfolios]
count = {count}
min_difference = 1
""", encoding="utf-8")
    return policy


def profit_of(instance: Instance, funded: list[str]) -> float:
    return float(sum(instance.profits[int(pid[2:]) - 1] for pid in funded))


def best_subsets(instance: Instance, count: int) -> list[float]:
    """The ``count`` best total profits over all feasible subsets, by enumeration."""
    n = len(instance.profits)
    masks = np.arange(2 ** n, dtype=np.int64)
    chosen = ((masks[:, None] >> np.arange(n)) & 1).astype(float)   # (2^n, n)
    feasible = np.all(chosen @ instance.weights.T <= instance.capacities + 1e-9, axis=1)
    profits = np.sort(chosen[feasible] @ instance.profits)[::-1]
    return [float(v) for v in profits[:count]]


def test_the_corpus_is_read_as_published() -> None:
    assert [i.optimum for i in INSTANCES] == list(PUBLISHED_OPTIMA)
    assert [(len(i.profits), len(i.capacities)) for i in INSTANCES] == [
        (6, 10), (10, 10), (15, 10), (20, 10), (28, 10), (39, 5), (50, 5)]


@pytest.mark.parametrize("k", range(len(INSTANCES)), ids=lambda k: f"mknap1-{k + 1}")
def test_portfolio_1_reaches_the_published_optimum(k: int, tmp_path: Path) -> None:
    instance = INSTANCES[k]
    policy = write_round(instance, tmp_path)
    problem = osa_opt.load_problem(tmp_path, policy=policy)
    assert len(problem.projects) == len(instance.profits)
    result = osa_opt.solve(problem, portfolios=3, explain=False)
    best = result.portfolios[0]
    assert best.status == "optimal"
    assert profit_of(instance, best.project_ids) == pytest.approx(instance.optimum,
                                                                         abs=1e-6)
    # the objective is the scaled profit: value and profit agree
    scale = 10.0 / float(instance.profits.max())
    assert best.objective == pytest.approx(scale * instance.optimum, rel=1e-9)
    if len(instance.profits) <= ENUMERABLE:
        ranked = [profit_of(instance, p.project_ids) for p in result.portfolios]
        assert ranked == pytest.approx(best_subsets(instance, 3), abs=1e-6)


def test_the_cli_solves_an_instance_to_its_optimum(tmp_path: Path) -> None:
    """mknap1-2: profits with decimals (600.1, 310.5, ...) and ten fiscal years."""
    instance = INSTANCES[1]
    policy = write_round(instance, tmp_path / "input", count=1)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "osa_opt", "solve", str(tmp_path / "input"),
                           "--policy", str(policy), "--out", str(out), "--quiet"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    funded = manifest["portfolios"][0]["projects"]
    assert profit_of(instance, funded) == pytest.approx(8706.1, abs=1e-6)


def test_a_round_of_one_partner_reads_in_the_singular(tmp_path: Path) -> None:
    """Every mknap1 round has one partner: '6 projects (6 eligible) in 1 country', not
    '1 countries', in the terminal, the report's Funded card and the workbook's Read me."""
    import re
    from html import unescape

    from openpyxl import load_workbook

    policy = write_round(INSTANCES[0], tmp_path / "input", count=1)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "osa_opt", "solve", str(tmp_path / "input"),
                           "--policy", str(policy), "--out", str(out), "--no-explain"],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "100"})
    assert done.returncode == 0, done.stderr
    assert "6 projects (6 eligible) in 1 country; budget" in " ".join(done.stdout.split())
    page = unescape(re.sub(r"<[^>]+>", " ", (out / "report.html").read_text(encoding="utf-8")))
    assert re.search(r"in 1 country\b", page) and "1 countries" not in page
    cells = [str(c.value) for row in load_workbook(out / "portfolios.xlsx")["Read me"].iter_rows()
             for c in row if c.value is not None]
    assert any("in 1 country." in c for c in cells) and not any("1 countries" in c for c in cells)
