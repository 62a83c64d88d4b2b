"""How long validation takes on big rounds: DataFrames built in Python, a CSV folder, and a
round with many bad cells (every problem collected, the first ones of each rule listed).

Usage::

    python benchmarks/bench_validate.py                 # 1,000, 10,000 and 100,000 projects
    python benchmarks/bench_validate.py 100000 --years 5

Prints one row per size and path: seconds (best of ``--repeat`` runs) and the number of
problems found. The synthetic rounds come from :mod:`benchmarks.synthetic`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

if __package__ in (None, ""):  # run as a script: make ``osa_opt`` importable from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.synthetic import make_policy, make_raw_frames  # noqa: E402
from osa_opt import load_problem  # noqa: E402
from osa_opt.errors import InputError  # noqa: E402
from osa_opt.inputs.problem import Problem  # noqa: E402
from osa_opt.inputs.readers import read_tables  # noqa: E402

BAD_SHARE = 0.05  # share of projects given a bad score and a bad risk in the "bad cells" round


def _bad(projects: pd.DataFrame, seed: int) -> pd.DataFrame:
    """A copy with BAD_SHARE of the scores out of range and as many risks unreadable."""
    rng = np.random.default_rng(seed)
    out = projects.copy()
    n = len(out)
    rows = rng.choice(n, size=max(1, int(BAD_SHARE * n)), replace=False)
    score = next(c for c in out.columns if c.startswith("score_"))
    out[score] = out[score].astype(float)
    out.loc[out.index[rows], score] = 99.0
    out["risk"] = out["risk"].astype(object)
    out.loc[out.index[rows], "risk"] = "high"
    return out


def _timed(run: object, repeat: int) -> tuple[float, int]:
    best, issues = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            run()  # type: ignore[operator]
            issues = 0
        except InputError as exc:
            issues = sum(getattr(i, "more", 0) or 1 for i in exc.issues)
        best = min(best, time.perf_counter() - start)
    return best, issues


def measure(n_projects: int, n_years: int, repeat: int) -> list[tuple[str, float, int]]:
    projects, countries, budget = make_raw_frames(n_projects, n_years, seed=0)
    policy = make_policy(countries, budget)
    in_python = (projects.drop(columns="_row"), countries.drop(columns="_row"))
    bad = (_bad(in_python[0], seed=1), in_python[1])
    rows = []
    rows.append(("DataFrames", *_timed(lambda: Problem.from_frames(*in_python, policy), repeat)))
    rows.append(("DataFrames, 5% bad rows",
                 *_timed(lambda: Problem.from_frames(*bad, policy), repeat)))
    with tempfile.TemporaryDirectory() as folder:
        in_python[0].to_csv(Path(folder) / "projects.csv", index=False)
        in_python[1].to_csv(Path(folder) / "countries.csv", index=False)
        rows.append(("CSV folder (read + validate)",
                     *_timed(lambda: load_problem(folder, policy=policy), repeat)))
        text_projects, text_countries, _ = read_tables(folder)  # every cell as text
    rows.append(("CSV cells, validation only",
                 *_timed(lambda: Problem.from_frames(text_projects, text_countries, policy),
                         repeat)))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000, 10_000, 100_000])
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"{'projects':>9}  {'input':<30} {'seconds':>8}  {'problems':>8}")
    for n in args.sizes:
        for label, seconds, issues in measure(n, args.years, args.repeat):
            print(f"{n:>9,}  {label:<30} {seconds:>8.2f}  {issues:>8,}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
