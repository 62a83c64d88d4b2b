"""Whole-process benchmark: ``osa-opt solve`` against a minimal raw-HiGHS program (issue 14).

What a user waits for is the whole process — start-up, reading, validating, building,
solving, writing the run folder — not only HiGHS. For each round this writes the inputs as
a CSV folder (``projects.csv``, ``countries.csv``) plus the policy as TOML, then runs, as
fresh processes and alternately, ``--runs`` times each:

- **raw**: ``benchmarks/raw_highs.py`` (the csv module, tomllib and highspy's matrix API;
  the same MIP, no validation, no outputs; prints JSON);
- **osa-opt**: ``osa-opt solve FOLDER --policy POLICY --quiet --no-explain -k 1 --out TMP``;
- on the example only, **default**: ``osa-opt solve`` with no arguments (the shipped
  workbook, 5 portfolios, explanations, the full run folder), in an empty folder.

The column "osa-opt read / solve / rest" splits osa-opt's wall time with the ``timings`` of
its run.json: reading and validating the input, the solve (build, load, HiGHS), and the rest
(interpreter start-up, imports, writing the run folder). Wall time is measured around each
child; CPU time (user + system) and peak memory are the
child's own (``os.wait4``: ``ru_utime + ru_stime``, ``ru_maxrss``), each child started by a
small launcher process so that its peak is not floored by this script's (see run_child). On a shared machine the
CPU ratio is the steadier one; the targets are judged on wall time. The table shows medians beside the targets of issue 14, and both optima:
raw and osa-opt must agree, which shows the raw program builds the same model. A second
table reuses ``bench_solve.measure`` (osa-opt's build + solve in-process against HiGHS alone
on the model osa-opt exported), because HiGHS's own time varies with the formulation.

Run from the repository root::

    python benchmarks/bench_process.py                          # example and 10,000×3, 5 runs
    python benchmarks/bench_process.py --sizes example,10000x3,100000x5 --markdown
    python benchmarks/bench_process.py --sizes 1000x3 --runs 3 --no-solver-only
"""

from __future__ import annotations

import argparse
import compileall
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

RAW = Path(__file__).resolve().parent / "raw_highs.py"
EXAMPLE = "example"
DEFAULT_SIZES = "example,10000x3"
BIG = 100_000             # from this size on, one run of each is enough
TIME_LIMIT = 600.0        # seconds per solve, both programs
DEFAULT_SOLVE_TARGET_S = 2.0
#: The floor of a small round: a process that only imports what ``osa-opt solve`` of a CSV
#: folder loads (pandas, Pyomo's core and its HiGHS interface, xlsxwriter; pandera only
#: for an input that fails its checks) and does nothing else.
FLOOR_IMPORTS = ("import pandas, pyomo.core, highspy, xlsxwriter\n"
                 "import pyomo.contrib.solver.solvers.highs")
#: (time ratio, memory ratio) targets by round; None: no target
TARGETS: dict[str, tuple[float | None, float | None]] = {
    EXAMPLE: (2.5, None), "10000x3": (1.5, 1.5), "100000x5": (1.3, 1.5)}


@dataclass
class Run:
    wall_s: float
    cpu_s: float
    peak_mb: float
    stdout: str


#: Runs each child and reports its wall time, CPU time and peak memory (see run_child).
LAUNCHER = r"""
import json, os, subprocess, sys, time
for line in sys.stdin:
    job = json.loads(line)
    with open(job["out"], "w") as out, open(job["err"], "w") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(job["cmd"], cwd=job["cwd"], stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                      "maxrss_kb": usage.ru_maxrss,
                      "code": os.waitstatus_to_exitcode(status)}), flush=True)
"""
_launcher: subprocess.Popen[str] | None = None


def run_child(cmd: list[str], cwd: Path) -> Run:
    """Run one process to its end: wall time, CPU time and its own peak resident memory.

    The child is started by a small launcher process, not by this one: Linux counts in a
    child's ``ru_maxrss`` the peak resident memory of the process it was started from (at
    ``exec``), so a child of this script (pandas loaded, the rounds built: 100 MB and more)
    would never report less than that. The launcher is a bare interpreter (~10 MB).
    """
    global _launcher
    if _launcher is None:
        _launcher = subprocess.Popen([sys.executable, "-c", LAUNCHER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
    assert _launcher.stdin is not None and _launcher.stdout is not None
    with tempfile.TemporaryDirectory() as tmp:
        out, err = Path(tmp) / "out", Path(tmp) / "err"
        job = {"cmd": cmd, "cwd": str(cwd), "out": str(out), "err": str(err)}
        _launcher.stdin.write(json.dumps(job) + "\n")
        _launcher.stdin.flush()
        done = json.loads(_launcher.stdout.readline())
        stdout = out.read_text(encoding="utf-8", errors="replace")
        stderr = err.read_text(encoding="utf-8", errors="replace")
    if done["code"] != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {done['code']}:\n{stderr[-3000:]}")
    return Run(done["wall"], done["cpu"], done["maxrss_kb"] / 1024, stdout)


def osa_opt_command() -> list[str]:
    """The console script next to this interpreter (what a user runs), else ``-m osa_opt``."""
    script = Path(sys.executable).with_name("osa-opt")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "osa_opt"]


# ---------------------------------------------------------------------- the rounds as CSV
def write_round(name: str, seed: int, folder: Path) -> Path:
    """``projects.csv``, ``countries.csv`` and ``policy.toml`` of a round; returns the policy."""
    import pandas as pd

    folder.mkdir(parents=True)
    if name == EXAMPLE:
        import osa_opt
        from osa_opt.data import example_path

        book = pd.ExcelFile(example_path())
        frames = {s: pd.read_excel(book, s) for s in ("projects", "countries")}
        policy = osa_opt.load_problem().policy
    else:
        from benchmarks.synthetic import make_policy, make_raw_frames

        n, years = size_of(name)
        projects, countries, budget = make_raw_frames(n, years, seed)
        frames = {"projects": projects.drop(columns="_row"),
                  "countries": countries.drop(columns="_row")}
        policy = make_policy(countries, budget, TIME_LIMIT)
    for sheet, frame in frames.items():
        frame.to_csv(folder / f"{sheet}.csv", index=False)
    path = folder / "policy.toml"
    path.write_text(policy.to_toml(), encoding="utf-8")
    return path


def size_of(name: str) -> tuple[int, int]:
    """``"10000x3"`` -> (10000, 3); the example is (0, 0)."""
    if name == EXAMPLE:
        return 0, 0
    n, _, years = name.replace("_", "").replace(",", "").partition("x")
    return int(n), int(years or 1)


# ---------------------------------------------------------------------- one round
def measure(name: str, runs: int, seed: int, work: Path) -> dict[str, Any]:
    folder = work / name / "input"
    policy = write_round(name, seed, folder)
    raw_cmd = [sys.executable, str(RAW), str(folder), str(policy)]
    raw: list[Run] = []
    ours: list[Run] = []
    default: list[Run] = []
    floor: list[Run] = []  # the example only: the imports alone (FLOOR_IMPORTS)
    timings: list[dict[str, float]] = []  # run.json "timings" of each osa-opt run
    objective = None
    for i in range(runs):
        print(f"  {name}: run {i + 1}/{runs}", file=sys.stderr, flush=True)
        raw.append(run_child(raw_cmd, work))
        out = work / name / f"run{i}"
        ours.append(run_child([*osa_opt_command(), "solve", str(folder), "--policy",
                               str(policy), "--quiet", "--no-explain", "-k", "1",
                               "--out", str(out)], work))
        manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
        objective = manifest["portfolios"][0]["objective"]
        timings.append(manifest.get("timings", {}))
        shutil.rmtree(out)
        if name == EXAMPLE:  # the plain command, as in the README, in an empty folder
            here = work / name / f"default{i}"
            here.mkdir()
            default.append(run_child([*osa_opt_command(), "solve"], here))
            floor.append(run_child([sys.executable, "-c", FLOOR_IMPORTS], work))
            shutil.rmtree(here)
    answer = json.loads(raw[-1].stdout)

    def timing(key: str) -> float:
        return statistics.median(t.get(key, 0.0) for t in timings)
    row: dict[str, Any] = {
        "round": name, "runs": runs,
        "raw_s": statistics.median(r.wall_s for r in raw),
        "ours_s": statistics.median(r.wall_s for r in ours),
        "raw_cpu": statistics.median(r.cpu_s for r in raw),
        "ours_cpu": statistics.median(r.cpu_s for r in ours),
        "raw_mb": statistics.median(r.peak_mb for r in raw),
        "ours_mb": statistics.median(r.peak_mb for r in ours),
        "raw_all_s": [round(r.wall_s, 2) for r in raw],
        "ours_all_s": [round(r.wall_s, 2) for r in ours],
        "raw_objective": answer["objective"], "ours_objective": objective,
        "raw_rows": answer["rows"], "raw_columns": answer["columns"],
        "raw_highs_s": answer["highs_s"], "raw_nodes": answer["nodes"],
        # where osa-opt's time went (its run.json): reading and validating, then the solve
        # (build, load into HiGHS, HiGHS); the rest is start-up, imports and writing
        "ours_read_s": timing("read_seconds"), "ours_solve_s": timing("total_seconds"),
    }
    if default:
        row["default_s"] = statistics.median(r.wall_s for r in default)
        row["default_all_s"] = [round(r.wall_s, 2) for r in default]
        row["default_mb"] = statistics.median(r.peak_mb for r in default)
    if floor:
        row["floor_s"] = statistics.median(r.wall_s for r in floor)
        row["floor_cpu"] = statistics.median(r.cpu_s for r in floor)
        row["floor_mb"] = statistics.median(r.peak_mb for r in floor)
    return derive(row)


def derive(row: dict[str, Any]) -> dict[str, Any]:
    row["time_ratio"] = row["ours_s"] / row["raw_s"]
    row["ours_rest_s"] = row["ours_s"] - row["ours_read_s"] - row["ours_solve_s"]
    row["memory_ratio"] = row["ours_mb"] / row["raw_mb"]
    a, b = row["ours_objective"], row["raw_objective"]
    row["same_optimum"] = (a is not None and b is not None
                           and abs(a - b) <= 1e-6 * max(1.0, abs(b)))
    time_target, memory_target = TARGETS.get(row["round"], (None, None))
    verdicts = []
    if time_target:
        verdicts.append(f"time ≤{time_target}× "
                        f"{'ok' if row['time_ratio'] <= time_target else 'MISSED'}")
    if memory_target:
        verdicts.append(f"memory ≤{memory_target}× "
                        f"{'ok' if row['memory_ratio'] <= memory_target else 'MISSED'}")
    if "default_s" in row:
        verdicts.append(f"default solve <{DEFAULT_SOLVE_TARGET_S:g} s "
                        f"{'ok' if row['default_s'] < DEFAULT_SOLVE_TARGET_S else 'MISSED'}")
    row["targets"] = ", ".join(verdicts) or "—"
    return row


def solver_only(name: str, seed: int) -> dict[str, Any]:
    """bench_solve's in-process build + solve against raw HiGHS on our exported model."""
    from benchmarks import bench_solve

    n, years = size_of(name)
    row = bench_solve.measure(n, years, seed, TIME_LIMIT, ranked=False)
    return {"round": name, "ours_s": row["ours_s"], "raw_s": row["raw_s"],
            "ratio": row["ratio"], "ratio_cpu": row["ratio_cpu"], "rows": row["rows"],
            "columns": row["columns"], "nodes": f"{row['nodes']}/{row['raw_nodes']}",
            "optimum": row["optimum"], "objective": row["objective"]}


# ---------------------------------------------------------------------- tables
def label(name: str) -> str:
    if name == EXAMPLE:
        return "example (CSV)"
    n, years = size_of(name)
    return f"{n:,}×{years}"


def table(header: list[str], lines: list[list[str]], markdown: bool) -> str:
    if markdown:
        out = ["| " + " | ".join(header) + " |",
               "|" + "|".join(":---" if i == 0 or h in ("targets", "same optimum") else "---:"
                              for i, h in enumerate(header)) + "|"]
        return "\n".join(out + ["| " + " | ".join(line) + " |" for line in lines])
    widths = [max(len(x[i]) for x in [header, *lines]) for i in range(len(header))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(x, widths, strict=True))
                     for x in [header, *lines])


def process_table(rows: list[dict[str, Any]], markdown: bool) -> str:
    header = ["round", "runs", "raw s", "osa-opt s", "time ratio", "cpu ratio", "raw MB",
              "osa-opt MB",
              "memory ratio", "raw rows/cols", "raw HiGHS s (nodes)", "optimum raw / osa-opt",
              "same optimum", "osa-opt read / solve / rest s",
              "default solve s", "targets"]
    lines = [[label(r["round"]), str(r["runs"]), f"{r['raw_s']:.2f}", f"{r['ours_s']:.2f}",
              f"{r['time_ratio']:.2f}", f"{r['ours_cpu'] / r['raw_cpu']:.2f}",
              f"{r['raw_mb']:,.0f}", f"{r['ours_mb']:,.0f}",
              f"{r['memory_ratio']:.2f}", f"{r['raw_rows']:,}/{r['raw_columns']:,}",
              f"{r['raw_highs_s']:.2f} ({r['raw_nodes']})",
              f"{r['raw_objective']:.6g} / {r['ours_objective']:.6g}",
              "yes" if r["same_optimum"] else "NO",
              f"{r['ours_read_s']:.2f} / {r['ours_solve_s']:.2f} / {r['ours_rest_s']:.2f}",
              f"{r['default_s']:.2f}" if "default_s" in r else "—", r["targets"]]
             for r in rows]
    return table(header, lines, markdown)


def solver_table(rows: list[dict[str, Any]], markdown: bool) -> str:
    header = ["round", "osa-opt build + solve s", "raw HiGHS on our exported model s",
              "ratio wall", "ratio cpu", "our rows/cols", "nodes ours/raw", "optimum"]
    lines = [[label(r["round"]), f"{r['ours_s']:.2f}", f"{r['raw_s']:.2f}", f"{r['ratio']:.2f}",
              f"{r['ratio_cpu']:.2f}", f"{r['rows']:,}/{r['columns']:,}", r["nodes"],
              r["optimum"]] for r in rows]
    return table(header, lines, markdown)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES,
                        help="comma-separated rounds: 'example' and/or PROJECTSxYEARS, e.g. "
                             f"example,10000x3,100000x5 (default {DEFAULT_SIZES})")
    parser.add_argument("--runs", type=int, default=5,
                        help=f"runs of each program per round, alternated (default 5; one "
                             f"from {BIG:,} projects up)")
    parser.add_argument("--seed", type=int, default=0, help="synthetic rounds' seed")
    parser.add_argument("--no-solver-only", action="store_true",
                        help="skip the in-process comparison on our exported model")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--json", dest="json_path", help="also write every number here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    names = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    for name in names:
        if name != EXAMPLE and min(size_of(name)) < 1:
            raise SystemExit(f"--sizes: {name!r} is neither 'example' nor PROJECTSxYEARS")
    rows, solver_rows = [], []
    # A package installed from a wheel has its bytecode compiled at install time; an
    # editable checkout under PYTHONDONTWRITEBYTECODE (as here) would otherwise compile
    # osa_opt's ~90 modules again in every run (~0.15 s).
    compileall.compile_dir(ROOT / "osa_opt", quiet=1)
    with tempfile.TemporaryDirectory(prefix="bench_process-") as tmp:
        for name in names:
            runs = 1 if size_of(name)[0] >= BIG else max(1, args.runs)
            print(f"… {label(name)}", file=sys.stderr, flush=True)
            rows.append(measure(name, runs, args.seed, Path(tmp)))
            if not args.no_solver_only:
                solver_rows.append(solver_only(name, args.seed))
    print("Whole process (median wall time and peak memory of each process):")
    print(process_table(rows, args.markdown))
    if solver_rows:
        print("\nSolver only (bench_solve.py: in-process build + solve against HiGHS alone "
              "on the model osa-opt exported):")
        print(solver_table(solver_rows, args.markdown))
    print(f"\ntargets (issue 14): example ≤2.5× time; 10,000×3 ≤1.5× time; 100,000×5 ≤1.3× "
          f"time; both ≤1.5× memory; default `osa-opt solve` < {DEFAULT_SOLVE_TARGET_S:g} s")
    for r in rows:
        print(f"{label(r['round'])}: raw s {r['raw_all_s']}, osa-opt s {r['ours_all_s']}"
              + (f", default s {r['default_all_s']}" if "default_all_s" in r else ""))
        print(f"  CPU s (medians): raw {r['raw_cpu']:.2f}, osa-opt {r['ours_cpu']:.2f}")
        if "floor_s" in r:
            print(f"  the floor, a process that only imports what the solve loads: "
                  f"{r['floor_s']:.2f} s wall, {r['floor_cpu']:.2f} s CPU, "
                  f"{r['floor_mb']:.0f} MB; osa-opt / floor {r['ours_s'] / r['floor_s']:.2f}× "
                  f"wall, {r['ours_cpu'] / r['floor_cpu']:.2f}× CPU")
    if args.json_path:
        Path(args.json_path).write_text(json.dumps({"process": rows, "solver": solver_rows},
                                                   indent=2))
    return 0 if all(r["same_optimum"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
