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

The wider corpus (``corpus/PUBLIC_INSTANCES.md``: provenance and second sources) is solved
the same way: OR-Library's ``mknap2`` (48 problems, 2–30 fiscal years), Pisinger's
low-dimensional f1–f10 and large-scale ``knapPI`` 0-1 knapsacks (100–2,000 projects, one
fiscal year) and three of Jooken et al.'s hard 0-1 knapsacks (400 and 1,200 projects, costs
up to 10^8 ¥ million), and Pisinger's harder ones of 2005 (``corpus/pisinger_hard``:
uncorrelated with coefficients up to 10^5, the spanner, profit-ceiling and circle classes and
a subset sum of 2,000 items), also with every amount of money times 10^-3 to 10^6. The fast
tier runs the small ones; the rest are ``slow``. Two more
of Jooken's are the regression tests of the tolerances (docs/model.md, "Ties and
tolerances"): one whose costs of 5·10^6 ¥ million made osa-opt fund a portfolio over its
budget, and one whose optimum HiGHS misses by a profit of 1.

Tried in December 2026 and not kept (each reached its published optimum unless named):
Pisinger's ``knapPI_{1,2,3}_{500,5000,10000}`` (10,000 projects: read and validated in
1.3 s, proved in 2–19 s) and ``knapPI_3_2000`` (proved in 8–15 s: HiGHS takes 1.3 s on the
integer profits, so the scaling into scores costs it the time); ``mknapcb1`` problems 1–9
through raw HiGHS, which proves them in 4–54 s each (problem 4 not within 60 s: HiGHS's own
limit), and problem 7 (25,591, proven optimal) through osa-opt too, reached in 12–54 s with
others' jobs on the machine: too slow for the suite; Jooken's
``n_400_c_100000000_g_10_f_0.3_eps_0.01_s_200`` and ``n_400_c_1000000_g_6_*`` (not proved
within 10–30 s, by osa-opt or raw HiGHS); a round of 10,000 projects among 5,000 partners
and one of 2,000 among 2,000 (read in seconds, optimum reached). Jooken's instances of
capacity 10^10 are refused as a budget above 10^9 ¥ million (docs/inputs.md); given in
¥ thousand instead they keep the budget since the fix, but profits of ten significant
digits cannot be told apart in scores of 0–10 (5,000,004,921 against the published
5,000,006,425). Pisinger's subset sums ``knapPI_6_200_10000000_1`` and
``knapPI_6_500_1000000_1`` (costs up to 10^7 ¥ million, the budget filled to the last yen)
reach their optimum in 15–25 s: too slow for the suite.
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


# ---------------------------------------------------------------------- the wider corpus
CORPUS_DIR = CORPUS.parent
#: mknap2's 48 optima as a second source lists them (corpus/PUBLIC_INSTANCES.md), in the
#: file's order; the file's own optimum field must say the same.
MKNAP2_OPTIMA = (
    7772, 8722, 141278, 130883, 95677, 119337, 98796, 130623, 1095445, 624319,
    4554, 4536, 4115, 4561, 4514, 5557, 5567, 5605, 5246, 6339, 5643, 6339, 6159, 6954, 7486,
    7289, 8633, 9580, 7698, 9450, 9074, 8947, 8344, 10220, 9939, 9584, 9819, 9492, 9410, 11191,
    3090, 3186, 95168, 2139, 776, 1035, 3418, 3186)


def read_mknap2(path: Path) -> dict[str, Instance]:
    """OR-Library's mknap2: after each ``problem NAME.DAT`` header, ``k m`` (constraints,
    items), the m profits, the k capacities, the k×m weights and the known optimum."""
    import re

    parts = re.split(r"problem\s+(\S+)\.DAT", path.read_text())
    out = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        vals = [float(t) for t in body.split() if not t.startswith("+")]
        k, m = int(vals[0]), int(vals[1])
        assert len(vals) == 2 + m + k + k * m + 1, name
        profits = np.array(vals[2:2 + m])
        capacities = np.array(vals[2 + m:2 + m + k])
        weights = np.array(vals[2 + m + k:2 + m + k + k * m]).reshape(k, m)
        out[name] = Instance(profits, weights, capacities, vals[-1])
    return out


def read_pisinger(path: Path, optimum: float) -> Instance:
    """Pisinger's 0-1 knapsack: ``n capacity``, then ``profit weight`` per item (the
    large-scale files end with an optimal 0/1 vector, which must be worth the optimum)."""
    tokens = path.read_text().split()
    n = int(tokens[0])
    pairs = np.array([float(t) for t in tokens[2:2 + 2 * n]]).reshape(n, 2)
    instance = Instance(pairs[:, 0], pairs[:, 1][None, :], np.array([float(tokens[1])]),
                        optimum)
    rest = tokens[2 + 2 * n:]
    assert len(rest) in (0, n), path.name
    if rest:
        x = np.array([int(t) for t in rest])
        assert float(x @ instance.profits) == optimum
        assert float(x @ instance.weights[0]) <= instance.capacities[0]
    return instance


def read_jooken(path: Path, optimum: float) -> Instance:
    """Jooken et al.: ``n``, then ``id profit weight`` per item, then the capacity."""
    tokens = path.read_text().split()
    n = int(tokens[0])
    rows = np.array([float(t) for t in tokens[1:1 + 3 * n]]).reshape(n, 3)
    assert len(tokens) == 2 + 3 * n, path.name
    return Instance(rows[:, 1], rows[:, 2][None, :], np.array([float(tokens[-1])]), optimum)


def read_pisinger_series(path: Path) -> dict[str, Instance]:
    """Pisinger's files of "Where are the hard knapsack problems?" (2005): per instance its
    name, ``n``, ``c`` (the capacity), ``z`` (the optimum), ``time``, then ``i,p,w,x`` per
    item (``x`` an optimal 0/1 vector, which must be worth ``z`` and fit), ended by
    ``-----``."""
    out = {}
    for block in path.read_text().split("-----"):
        lines = block.split()
        if not lines:
            continue
        n, capacity, optimum = (int(lines[k]) for k in (2, 4, 6))
        assert lines[1:8:2] == ["n", "c", "z", "time"], lines[0]
        rows = np.array([[int(t) for t in line.split(",")] for line in lines[9:]])
        assert rows.shape == (n, 4) and list(rows[:, 0]) == list(range(1, n + 1)), lines[0]
        x = rows[:, 3]
        assert int(x @ rows[:, 1]) == optimum and int(x @ rows[:, 2]) <= capacity, lines[0]
        out[lines[0]] = Instance(rows[:, 1].astype(float), rows[:, 2].astype(float)[None, :],
                                 np.array([float(capacity)]), float(optimum))
    return out


def _optima(path: Path) -> dict[str, float]:
    return {name: float(v) for name, v in (line.split() for line in
                                            path.read_text().splitlines() if line.strip())}


MKNAP2 = read_mknap2(CORPUS_DIR / "orlib_mknap2.txt")
PISINGER = {name: read_pisinger(CORPUS_DIR / "pisinger_kp" / name, opt)
            for name, opt in _optima(CORPUS_DIR / "pisinger_kp" / "optima.txt").items()}
#: Jooken's instance of capacity 10^10, not among the optima: the regression test of the
#: budget overrun below.
OVERRUN = read_jooken(CORPUS_DIR / "jooken_kp" / "n_400_c_10000000000_g_2_f_0.3_eps_0_s_100.in",
                      5000006425.0)
#: Jooken's instance whose optimum HiGHS misses by a profit of 1 (2e-7 in value, under the
#: solver's tolerance of 1e-6), by osa-opt and raw HiGHS alike once the profits are scores.
TIE_LIMIT = read_jooken(CORPUS_DIR / "jooken_kp" / "n_400_c_100000000_g_14_f_0.1_eps_1e-05_s_100.in",
                        100005268.0)
JOOKEN = {name: read_jooken(CORPUS_DIR / "jooken_kp" / f"{name}.in", opt)
          for name, opt in _optima(CORPUS_DIR / "jooken_kp" / "optima.txt").items()}
#: Pisinger's large-coefficient (R = 10^5) and hard (spanner, profit ceiling, circle)
#: instances, and a subset sum of 2,000 items (corpus/PUBLIC_INSTANCES.md).
PISINGER_HARD = {name: instance
                 for path in sorted((CORPUS_DIR / "pisinger_hard").glob("knapPI_*.csv"))
                 for name, instance in read_pisinger_series(path).items()}
WIDER: dict[str, Instance] = {
    **{f"mknap2-{k}": v for k, v in MKNAP2.items()},
    **PISINGER,
    **{f"jooken-{k}": v for k, v in JOOKEN.items()},
    **PISINGER_HARD,
}

#: Proved in well under a second each: the fast tier. Every other instance is slow.
FAST = ("f1_l-d_kp_10_269", "f2_l-d_kp_20_878", "f3_l-d_kp_4_20", "f4_l-d_kp_4_11",
        "f5_l-d_kp_15_375", "f6_l-d_kp_10_60", "f7_l-d_kp_7_50", "f8_l-d_kp_23_10000",
        "f9_l-d_kp_5_80", "f10_l-d_kp_20_879", "mknap2-WEING1", "mknap2-WEING7",
        "mknap2-WEISH01", "mknap2-WEISH30", "mknap2-PB4", "knapPI_1_100_1000_1",
        "knapPI_2_100_1000_1", "knapPI_3_100_1000_1", "knapPI_1_50_100000_1",
        "knapPI_1_100_100000_50", "knapPI_11_20_1000_2", "knapPI_11_100_1000_25",
        "knapPI_13_50_1000_1", "knapPI_16_50_1000_1")
#: f5's profits have six decimals; its published optimum, four (481.069368 as 481.0694).
PUBLISHED_DECIMALS = {"f5_l-d_kp_15_375": 4}


def test_the_wider_corpus_is_read_as_published() -> None:
    assert tuple(i.optimum for i in MKNAP2.values()) == MKNAP2_OPTIMA
    assert len(MKNAP2) == 48 and MKNAP2["WEING1"].weights.shape == (2, 28)
    assert MKNAP2["SENTO1"].weights.shape == (30, 60) and MKNAP2["WEING7"].weights.shape == (2, 105)
    assert len(PISINGER) == 21 and PISINGER["knapPI_2_2000_1000_1"].profits.size == 2000
    assert JOOKEN["n_400_c_100000000_g_2_f_0.1_eps_0_s_100"].capacities[0] == 1e8
    assert OVERRUN.capacities[0] == 1e10 and OVERRUN.profits.size == 400
    assert len(PISINGER_HARD) == 24
    assert PISINGER_HARD["knapPI_1_100_100000_100"].optimum == 5293929
    assert PISINGER_HARD["knapPI_1_100_100000_100"].capacities[0] == 4569760
    assert PISINGER_HARD["knapPI_6_2000_100000_1"].profits.size == 2000
    assert set(FAST) <= set(WIDER)


def test_one_profit_unit_against_highs_optimality_gap() -> None:
    """Scaled into 0–10, a profit of 1 is worth 10/max profit in value. HiGHS stops at
    mip_abs_gap (1e-6; osa-opt's mip_rel_gap is 0), so only a difference above it is proven
    (docs/model.md, "Ties"). It is, for every instance of the corpus but two: f5's profits
    carry six decimals (their last is 1e-7 in value; its published optimum has four), and
    Jooken's capacity-10^8 instance has profits near 5·10^7 (1 is 2e-7 in value). Both
    still reach the published optimum today, but no tolerance guarantees it."""
    from osa_opt.solving.direct import HIGHS_ABS_GAP

    below = set()
    for name, instance in WIDER.items():
        unit = 10.0 / float(instance.profits.max())
        if name == "f5_l-d_kp_15_375":
            unit *= 1e-6  # the last decimal of its profits
        if unit <= HIGHS_ABS_GAP:
            below.add(name)
    assert below == {"f5_l-d_kp_15_375", "jooken-n_400_c_100000000_g_2_f_0.1_eps_0_s_100"}
    f5 = WIDER["f5_l-d_kp_15_375"]
    assert 10.0 / float(f5.profits.max()) * 1e-4 > HIGHS_ABS_GAP  # its published decimals


def _reaches_the_optimum(name: str, folder: Path) -> None:
    instance = WIDER[name]
    policy = write_round(instance, folder, count=1)
    problem = osa_opt.load_problem(folder, policy=policy)
    assert len(problem.projects) == len(instance.profits)
    best = osa_opt.solve(problem, portfolios=1, explain=False).portfolios[0]
    assert best.status == "optimal"
    funded = np.array([int(pid[2:]) - 1 for pid in best.project_ids], dtype=int)
    value = float(instance.profits[funded].sum())
    decimals = PUBLISHED_DECIMALS.get(name)
    if decimals is None:
        assert value == pytest.approx(instance.optimum, abs=1e-6), name
    else:
        assert round(value, decimals) == pytest.approx(instance.optimum, abs=1e-9), name
    # every budget holds exactly, in the instance's own numbers
    assert np.all(instance.weights[:, funded].sum(axis=1) <= instance.capacities), name
    scale = 10.0 / float(instance.profits.max())
    assert best.objective == pytest.approx(scale * value, rel=1e-9)


@pytest.mark.parametrize("name", FAST)
def test_a_small_public_instance_reaches_its_optimum(name: str, tmp_path: Path) -> None:
    _reaches_the_optimum(name, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in WIDER if n not in FAST])
def test_a_public_instance_reaches_its_optimum(name: str, tmp_path: Path) -> None:
    _reaches_the_optimum(name, tmp_path)


#: Pisinger's instances with every amount of money times a factor: costs up to 10^9
#: ¥ million (the cap on a budget, docs/inputs.md), and given in ¥ thousand as ¥ million
#: (three decimals). Each reached its optimum at every factor of 10^-3 to 10^6 tried
#: (corpus/PUBLIC_INSTANCES.md).
SCALED = (("knapPI_1_50_100000_1", 1e4), ("knapPI_1_100_100000_1", 1e4),
          ("knapPI_11_20_1000_2", 1e6), ("knapPI_13_50_1000_1", 1e6),
          ("knapPI_16_50_1000_1", 1e6), ("knapPI_11_100_1000_25", 1e4),
          ("knapPI_1_50_100000_50", 1e-3), ("knapPI_11_100_1000_100", 999.9))


@pytest.mark.parametrize("name, factor", SCALED, ids=[f"{n}-x{f:g}" for n, f in SCALED])
def test_a_public_instance_in_other_money_reaches_its_optimum(name: str, factor: float,
                                                               tmp_path: Path) -> None:
    source = WIDER[name]
    instance = Instance(source.profits, source.weights * factor, source.capacities * factor,
                        source.optimum)
    assert instance.capacities[0] <= 1e9
    policy = write_round(instance, tmp_path, count=1)
    best = osa_opt.solve(osa_opt.load_problem(tmp_path, policy=policy), portfolios=1,
                         explain=False).portfolios[0]
    assert best.status == "optimal"
    funded = np.array([int(pid[2:]) - 1 for pid in best.project_ids], dtype=int)
    assert float(source.profits[funded].sum()) == source.optimum
    assert source.weights[0, funded].sum() <= source.capacities[0]  # whole numbers: exact


@pytest.mark.slow
def test_the_cli_solves_2000_projects_to_the_optimum(tmp_path: Path) -> None:
    """knapPI_1_2000 through ``osa-opt solve``: 2,000 projects of one partner, the budget
    requested 100 times over; run.json's portfolio is the published optimum. Without the
    explanations, which at 2,000 projects take longer than the solve."""
    instance = PISINGER["knapPI_1_2000_1000_1"]
    policy = write_round(instance, tmp_path / "input", count=1)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "osa_opt", "solve", str(tmp_path / "input"),
                           "--policy", str(policy), "--out", str(out), "--quiet",
                           "--no-explain"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert profit_of(instance, manifest["portfolios"][0]["projects"]) == 110625


def test_no_portfolio_overspends_through_highs_integrality_tolerance(tmp_path: Path) -> None:
    """Jooken's knapsack of capacity 10^10, its weights (5·10^9 each) given in ¥ thousand, as
    a user would to stay under the budget cap of 10^9 ¥ million: a budget of ¥10^7 million.
    HiGHS counted two items at x = 0.99999983 as whole, and osa-opt funded both: ¥1.68
    million over the budget, reported as optimal and worth twice the published optimum.
    A solution that rounded breaks a row is now solved again with a tight integrality
    tolerance (osa_opt.solving.highs_access.reported_solution_rounded_breaks_a_row)."""
    instance = Instance(OVERRUN.profits, OVERRUN.weights / 1000.0, OVERRUN.capacities / 1000.0,
                        OVERRUN.optimum)
    policy = write_round(instance, tmp_path, count=1)
    best = osa_opt.solve(osa_opt.load_problem(tmp_path, policy=policy), portfolios=1,
                         explain=False).portfolios[0]
    funded = np.array([int(pid[2:]) - 1 for pid in best.project_ids], dtype=int)
    assert OVERRUN.weights[0, funded].sum() <= OVERRUN.capacities[0]  # whole numbers: exact
    assert float(best.total_cost) <= instance.capacities[0]
    assert OVERRUN.profits[funded].sum() <= OVERRUN.optimum


@pytest.mark.slow
def test_portfolio_1_is_optimal_within_the_documented_tolerance(tmp_path: Path) -> None:
    """Profits near 5·10^7 as scores of 0–10: a profit of 1 is 2e-7 in value, under HiGHS's
    mip_abs_gap of 1e-6 (and its feasibility tolerances, so a gap of 0 does not help), and
    osa-opt's Portfolio 1 is 100,005,267 where the published optimum is 100,005,268 (raw
    HiGHS on the same scaled scores too; on the integer profits it finds the optimum). The
    documented promise (docs/model.md, "Ties"): within 1e-6 in value of the optimum."""
    from osa_opt.solving.direct import HIGHS_ABS_GAP

    instance = TIE_LIMIT
    policy = write_round(instance, tmp_path, count=1)
    best = osa_opt.solve(osa_opt.load_problem(tmp_path, policy=policy), portfolios=1,
                         explain=False).portfolios[0]
    assert best.status == "optimal"
    funded = np.array([int(pid[2:]) - 1 for pid in best.project_ids], dtype=int)
    assert instance.weights[0, funded].sum() <= instance.capacities[0]
    value = float(instance.profits[funded].sum())
    per_unit = 10.0 / float(instance.profits.max())  # value of a profit of 1
    assert per_unit < HIGHS_ABS_GAP
    assert instance.optimum - HIGHS_ABS_GAP / per_unit <= value <= instance.optimum


# ---------------------------------------------------------------------- multiple choice
def best_one_per_class(instance: Instance, classes: list[list[int]]) -> float:
    """The multiple-choice knapsack's optimum by dynamic programming over the (whole-number)
    capacity: exactly one item of each class, one constraint."""
    cap = int(instance.capacities[0])
    weights = instance.weights[0].astype(int)
    best = np.full(cap + 1, -np.inf)
    best[0] = 0.0
    for items in classes:
        new = np.full(cap + 1, -np.inf)
        for j in items:
            w = int(weights[j])
            if w <= cap:
                new[w:] = np.maximum(new[w:], best[:cap + 1 - w] + instance.profits[j])
        best = new
    return float(best.max())


@pytest.mark.parametrize("name, size", [
    ("knapPI_1_100_1000_1", 5),
    pytest.param("knapPI_3_1000_1000_1", 2, marks=pytest.mark.slow),
])
def test_one_project_per_partner_is_a_multiple_choice_knapsack(name: str, size: int,
                                                               tmp_path: Path) -> None:
    """No public multiple-choice knapsack with published optima was found, so Pisinger's
    items are cut into classes of ``size`` (in file order) with a capacity of the sum of
    each class's median weight, and the optimum is found here by dynamic programming. A
    class is a partner of a tier that ``priority.fund_every_tier`` names (at least one of
    its projects) and an ``exclusive_group`` (at most one): exactly one project each, for
    20 partners and for 500."""
    source = PISINGER[name]
    n = source.profits.size
    classes = [list(range(i, min(i + size, n))) for i in range(0, n, size)]
    weights = source.weights[0]
    capacity = float(sum(np.median(weights[c]) for c in classes))
    instance = Instance(source.profits, source.weights, np.array([np.floor(capacity)]), 0.0)
    instance.optimum = best_one_per_class(instance, classes)
    policy = write_round(instance, tmp_path, count=1)
    projects = (tmp_path / "projects.csv").read_text(encoding="utf-8").splitlines()
    rows = [projects[0] + ",exclusive_group"]
    rows += [line.replace(",Testland,", f",Partner {j // size + 1},") + f",class {j // size + 1}"
             for j, line in enumerate(projects[1:])]
    (tmp_path / "projects.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "countries.csv").write_text(
        "country,region,priority_tier,oda_eligible,party_to_conflict,management_agreement,"
        "democracy,rule_of_law,human_rights\n"
        + "".join(f"Partner {c + 1},Pacific Islands,1,true,false,true,5,5,5\n"
                  for c in range(len(classes))), encoding="utf-8")
    policy.write_text(policy.read_text(encoding="utf-8").replace(
        "[portfolios]", "[priority]\nfund_every_tier = [1]\n[portfolios]"), encoding="utf-8")
    problem = osa_opt.load_problem(tmp_path, policy=policy)
    assert len(problem.countries) == len(classes)
    best = osa_opt.solve(problem, portfolios=1, explain=False).portfolios[0]
    assert best.status == "optimal"
    funded = [int(pid[2:]) - 1 for pid in best.project_ids]
    assert sorted(j // size for j in funded) == list(range(len(classes)))  # one each
    assert float(instance.profits[funded].sum()) == instance.optimum
