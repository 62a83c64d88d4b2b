"""``osa-opt frontier``: exit codes, the run folder, the JSON, and messages for bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from osa_opt.analysis.frontier import frontier
from osa_opt.cli import cli
from osa_opt.cli.common import run_cli
from osa_opt.inputs.policy import Policy
from osa_opt.inputs.problem import Problem

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def tiny_files(tmp_path: Path, tiny_frames: tuple[pd.DataFrame, pd.DataFrame, Policy],
               write_xlsx: Callable[..., Path]) -> tuple[Path, Path]:
    """The tiny input as a workbook and its policy as a TOML file."""
    projects, countries, policy = tiny_frames
    book = write_xlsx(tmp_path / "tiny.xlsx", projects, countries)
    toml = tmp_path / "tiny.toml"
    toml.write_text(policy.to_toml(), encoding="utf-8")
    return book, toml


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """``run(*args) -> (exit code, stdout, stderr)`` of ``osa-opt ARGS`` through the console
    entry point's error handling (as a user sees it)."""
    def invoke(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["osa-opt", *args])
        code = run_cli(cli)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


Run = Callable[..., tuple[int, str, str]]


@pytest.mark.slow
def test_writes_the_run_folder_with_sheets_and_chart(tmp_path: Path, run: Run,
                                                     tiny_files: tuple[Path, Path]) -> None:
    book, toml = tiny_files
    out = tmp_path / "run"
    code, stdout, stderr = run("frontier", str(book), "--policy", str(toml), "--start", "0.5",
                               "--stop", "1.5", "--steps", "5", "--out", str(out))
    assert code == 0, stderr
    assert "Efficient frontier" in stdout and "Funding order" in stdout
    png = (out / "frontier.png").read_bytes()
    assert png.startswith(PNG_MAGIC) and len(png) > 10_000
    sheets = load_workbook(out / "portfolios.xlsx", read_only=True).sheetnames
    assert {"Frontier", "Funding order", "Funding levels"} <= set(sheets)
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert set(manifest["analyses"]) >= {"frontier", "funding_order"}
    assert [p["budget_share"] for p in manifest["analyses"]["frontier"]["points"]] == \
        [0.5, 0.75, 1.0, 1.25, 1.5]
    assert manifest["status"] == "optimal"  # portfolio 1 at the policy budget
    assert not list(out.glob(".*partial*"))


@pytest.mark.slow
def test_the_table_shows_values_with_three_decimals_within_80_columns(
        tmp_path: Path, run: Run, tiny_files: tuple[Path, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Values read as everywhere else (solve, report, workbook): three decimals."""
    monkeypatch.setenv("COLUMNS", "80")
    book, toml = tiny_files
    out = tmp_path / "run"
    code, stdout, stderr = run("frontier", str(book), "--policy", str(toml), "--steps", "3",
                               "--out", str(out))
    assert code == 0, stderr
    assert max(len(line) for line in stdout.splitlines()) <= 80
    rows = [line for line in stdout.splitlines() if line.startswith("│")]
    points = json.loads((out / "run.json").read_text(encoding="utf-8")
                        )["analyses"]["frontier"]["points"]
    for point in points:
        if point["status"] == "optimal":
            assert any(f" {point['value']:,.3f} " in row for row in rows), point
            assert any(f" {point['greedy_value']:,.3f}" in row for row in rows), point


@pytest.mark.slow
def test_json_has_the_documented_keys_and_the_library_values(
        tmp_path: Path, tiny_files: tuple[Path, Path], run: Run,
        tiny_frames: tuple[pd.DataFrame, pd.DataFrame, Policy]) -> None:
    book, toml = tiny_files
    code, stdout, stderr = run("frontier", str(book), "--policy", str(toml), "--steps", "4",
                               "--json", "--out", str(tmp_path / "run"))
    assert code == 0, stderr
    payload = json.loads(stdout)  # stdout holds the JSON alone
    assert {"points", "funding_order", "levels"} <= set(payload)
    assert len(payload["points"]) == 5  # four steps and the policy budget
    assert [p["budget_share"] for p in payload["points"]][2] == 1.0
    for point in payload["points"]:
        assert {"budget_share", "budget", "value", "greedy_value", "projects",
                "status"} <= set(point)
        assert set(point["budget"]) == {"FY2026", "FY2027"}
    for entry in payload["funding_order"]:
        assert {"project_id", "position", "level"} <= set(entry)
    assert [e["position"] for e in payload["funding_order"]] == \
        list(range(1, len(payload["funding_order"]) + 1))
    # the same numbers as the library (25% .. 150% in 4 steps, and 100%)
    problem = Problem.from_frames(*tiny_frames)
    fr = frontier(problem, [0.25, 0.25 + 1.25 / 3, 0.25 + 2.5 / 3, 1.5])
    for point, (_, row) in zip(payload["points"], fr.points.iterrows(), strict=True):
        assert point["status"] == row["status"]
        assert point["projects"] == list(row["project_ids"])
        if row["status"] == "optimal":
            assert point["value"] == pytest.approx(row["value"], abs=1e-6)
        assert point["greedy_value"] == pytest.approx(row["greedy_value"])


@pytest.mark.slow
def test_an_infeasible_level_does_not_fail_the_run(tmp_path: Path, run: Run,
                                                   tiny_files: tuple[Path, Path]) -> None:
    book, toml = tiny_files  # mandatory P-01 (750 in FY2026) does not fit 25% of 2000
    code, stdout, stderr = run("frontier", str(book), "--policy", str(toml), "--start", "0.25",
                               "--stop", "1.0", "--steps", "4", "--json",
                               "--out", str(tmp_path / "run"))
    assert code == 0, stderr
    payload = json.loads(stdout)
    statuses = [p["status"] for p in payload["points"]]
    assert statuses[0] == "infeasible" and statuses[-1] == "optimal"
    assert payload["points"][0]["value"] is None and payload["points"][0]["projects"] == []
    assert payload["levels"][0]["status"] == "infeasible"
    assert min(e["level"] for e in payload["funding_order"]) > 0.25


@pytest.mark.slow
def test_no_feasible_level_exits_3_with_a_message(tmp_path: Path, run: Run,
                                                  tiny_files: tuple[Path, Path]) -> None:
    book, toml = tiny_files
    out = tmp_path / "run"
    # mandatory P-01 costs 750 in FY2026: no level of 10%, 20% or 100% of 740 fits it
    code, _, stderr = run("frontier", str(book), "--policy", str(toml), "--start", "0.1",
                          "--stop", "0.2", "--steps", "2", "--budget", "FY2026=740",
                          "--out", str(out))
    assert code == 3
    assert "No level of the sweep can be met" in " ".join(stderr.split())
    assert (out / "run.json").is_file() and (out / "frontier.png").is_file()
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert [p["budget_share"] for p in manifest["analyses"]["frontier"]["points"]] == [
        0.1, 0.2, 1.0]  # the policy budget is always a level
    assert manifest["status"] == "infeasible"


@pytest.mark.slow
def test_an_infeasible_policy_budget_is_diagnosed(tmp_path: Path, run: Run,
                                                  tiny_files: tuple[Path, Path]) -> None:
    book, toml = tiny_files
    out = tmp_path / "run"
    code, _, stderr = run("frontier", str(book), "--policy", str(toml), "--budget",
                          "FY2026=700", "--start", "0.5", "--stop", "1", "--steps", "2",
                          "--out", str(out))
    assert code == 3  # mandatory P-01 costs 750 in FY2026
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "infeasible"
    assert manifest["diagnosis"]  # why, as osa-opt solve says it
    said = " ".join(stderr.split())
    assert "At the policy budget: " + " ".join(manifest["message"].split()) in said


@pytest.mark.parametrize(("args", "message"), [
    (["--start", "2", "--stop", "1"], "frontier.start"),
    (["--steps", "0"], "--steps"),
    (["--start", "-1"], "--start"),
    (["--set", "frontier.stepz=3"], "frontier.stepz"),
])
def test_bad_options_exit_2_without_traceback(tmp_path: Path, tiny_files: tuple[Path, Path],
                                              run: Run, args: list[str], message: str) -> None:
    book, toml = tiny_files
    code, stdout, stderr = run("frontier", str(book), "--policy", str(toml), *args,
                               "--out", str(tmp_path / "run"))
    assert code == 2
    assert message in stderr
    assert "Traceback" not in stderr and stdout == ""
    assert not (tmp_path / "run").exists()


def test_missing_input_exits_2(tmp_path: Path, run: Run) -> None:
    code, _, stderr = run("frontier", str(tmp_path / "nope.xlsx"), "--out",
                          str(tmp_path / "run"))
    assert code == 2
    assert "nope.xlsx" in stderr and "not found" in stderr and "Traceback" not in stderr


@pytest.mark.slow
def test_the_console_entry_point_returns_3_when_nothing_can_be_met(
        tmp_path: Path, tiny_files: tuple[Path, Path]) -> None:
    book, toml = tiny_files
    proc = subprocess.run(
        [sys.executable, "-m", "osa_opt", "frontier", str(book), "--policy", str(toml),
         "--start", "0.1", "--stop", "0.2", "--steps", "2", "--budget", "FY2026=740",
         "--quiet", "--json", "--out", str(tmp_path / "run")],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stderr
    payload = json.loads(proc.stdout)  # --json still prints the (infeasible) points
    assert [p["status"] for p in payload["points"]] == ["infeasible"] * 3


@pytest.mark.slow
def test_the_shipped_example_at_the_policy_budget_matches_solve(tmp_path: Path,
                                                                run: Run) -> None:
    code, stdout, stderr = run("frontier", "--start", "1", "--stop", "1", "--steps", "1",
                               "--json", "--out", str(tmp_path / "run"))
    assert code == 0, stderr
    payload = json.loads(stdout)
    manifest = json.loads((tmp_path / "run" / "run.json").read_text(encoding="utf-8"))
    assert payload["points"][0]["value"] == pytest.approx(
        manifest["portfolios"][0]["objective"], abs=1e-6)
    assert payload["points"][0]["projects"] == manifest["portfolios"][0]["projects"]
    assert payload["levels"][0]["nesting_cost"] == 0.0  # one level: nothing to nest


@pytest.mark.slow
def test_a_forced_restart_of_the_funding_order_is_reported(tmp_path: Path, run: Run,
                                                           tiny_files: tuple[Path, Path]) -> None:
    # Rescue boats (P-03) meet the Pacific share at low budgets; the tier-1 share needs the
    # patrol boats (P-02), their exclusive rival, at high ones (see test_funding_order.py).
    book, toml = tiny_files
    out = tmp_path / "run"
    code, stdout, stderr = run("frontier", str(book), "--policy", str(toml),
                               "--set", "priority.max_country_share=0.45",
                               "--set", "priority.min_tier_share={1 = 0.2}", "--out", str(out))
    assert code == 0, stderr
    assert "No single funding order fits every level" in " ".join(stdout.split())
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    levels = manifest["analyses"]["funding_order"]["levels"]
    restarts = [lv for lv in levels if lv["restart"]]
    assert len(restarts) == 1 and restarts[0]["dropped"] == ["P-03"]
    assert any("P-03" in note and "restarts" in note for note in manifest["notes"])


@pytest.mark.slow
def test_the_table_note_stars_only_when_a_row_is_starred_and_explains_every_column(
        tmp_path: Path, run: Run) -> None:
    # On the shipped example the greedy ranking meets every rule: no row has a star, so the
    # note must not explain one; it names what "Nested value" and "Nesting cost" mean.
    code, stdout, stderr = run("frontier", "--start", "0.75", "--stop", "1", "--steps", "2",
                               "--out", str(tmp_path / "run"))
    assert code == 0, stderr
    rows = [line for line in stdout.splitlines() if line.startswith("│")]
    assert rows and not any("*" in row for row in rows)
    text = " ".join(stdout.split())
    assert "* the greedy ranking" not in text
    assert "nesting cost: what keeping that order costs against the exact value" in text
    assert "Nested value: the value at that level" in text


def test_the_star_note_is_there_when_a_greedy_row_breaks_a_rule() -> None:
    from types import SimpleNamespace

    from osa_opt.cli.frontier import _table_note
    from osa_opt.inputs.readers import load_problem

    problem = load_problem()
    broken = SimpleNamespace(points=pd.DataFrame({"greedy_meets_rules": [True, False]}))
    kept = SimpleNamespace(points=pd.DataFrame({"greedy_meets_rules": [True, True]}))
    assert _table_note(broken, problem).startswith("* the greedy ranking breaks a policy rule")
    assert "*" not in _table_note(kept, problem)


def test_the_run_folder_is_written_under_the_writing_phase(
        tmp_path: Path, run: Run, tiny_files: tuple[Path, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The bar says "writing the run folder …" while the folder is written: it said so,
    then closed, and the writing went on with no bar at all."""
    import contextlib

    import osa_opt.cli.frontier as frontier_cli
    import osa_opt.run_folder as run_folder
    from osa_opt.cli.progress import WRITING

    events: list[str] = []
    real_bar, real_write = frontier_cli.progress_bar, run_folder.write_run

    @contextlib.contextmanager
    def bar(*args, **kwargs):
        with real_bar(*args, **kwargs) as advance:
            real_phase = advance.phase
            advance.phase = lambda label: (events.append(label), real_phase(label))
            yield advance
        events.append("bar closed")

    def write_run(*args, **kwargs):
        events.append("write")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(frontier_cli, "progress_bar", bar)
    monkeypatch.setattr(run_folder, "write_run", write_run)
    book, toml = tiny_files
    code, _, err = run("frontier", str(book), "--policy", str(toml), "--steps", "2",
                       "--out", str(tmp_path / "f"))
    assert code == 0, err
    assert events == [WRITING, "write", "bar closed"]


def test_the_sweep_line_names_the_budget_as_solve_does(tmp_path: Path, run: Run) -> None:
    """solve's first line says "budget FY2026 ¥18,100.5m"; frontier's said "budget sweep
    around FY2026 ¥18,100m" for the same budget (Python's half to even, whole millions)."""
    code, stdout, stderr = run("frontier", "--budget", "FY2026=18100.5", "--steps", "3",
                               "--start", "0.5", "--stop", "1.0", "--out", str(tmp_path / "f"))
    assert code == 0, stderr
    assert "budget sweep around FY2026 ¥18,100.5m." in " ".join(stdout.split())


def test_the_table_shows_the_budget_as_the_report_and_workbook_do(tmp_path: Path,
                                                                  run: Run) -> None:
    """A budget level's ¥ million read as in report.html and the workbook: 37.5% of the
    shipped example's ¥18,100m is 6,787.5; the table rounded it to whole millions, 6,788."""
    from osa_opt.text import money

    code, stdout, stderr = run("frontier", "--start", "0.375", "--stop", "0.375", "--steps", "1",
                               "--out", str(tmp_path / "f"))
    assert code == 0, stderr
    rows = [line for line in stdout.splitlines() if line.startswith("│")]
    assert money(6787.5) == "6,787.5"
    assert any(" 6,787.5 " in row for row in rows), rows
    assert not any("6,788" in row for row in rows), rows


def test_a_column_of_budget_amounts_keeps_one_number_of_decimals(tmp_path: Path,
                                                                 run: Run) -> None:
    """The shipped example's sweep from 25% by 12.5% read "4,525" above "6,787.5" and
    "25%" above "37.5%" in the terminal, "4,525" above "6,787.5" in the report and the
    workbook; a column with a decimal anywhere now has it on every row."""
    import warnings

    import output_consistency_analyses as oca

    out = tmp_path / "f"
    code, stdout, stderr = run("frontier", "--start", "0.25", "--stop", "0.5", "--steps", "3",
                               "--out", str(out))
    assert code == 0, stderr
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in stdout.splitlines()
            if line.startswith("│")][:3]
    assert [row[1:3] for row in rows] == [["25.0%", "4,525.0"], ["37.5%", "6,787.5"],
                                          ["50.0%", "9,050.0"]]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert ">4,525.0<" in page and ">9,050.0<" in page and ">4,525<" not in page
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sheet = load_workbook(out / "portfolios.xlsx")["Frontier"]
    cells = [row["Total budget (¥m)"] for row in oca.sheet_rows(sheet, "Level")]
    assert [c.value for c in cells] == [4525, 6787.5, 9050, 18100]  # and the policy's
    assert {c.number_format.split("_")[0] for c in cells} == {"#,##0.0"}


def test_counts_of_a_big_round_have_a_thousands_separator(
        tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """Frontier's Projects column and its closing lines, and execution's first line, wrote
    1341 where every other count of the round read 1,341 (a 2,000-project round)."""
    from benchmarks.synthetic import make_policy, make_raw_frames

    projects, countries, budget = make_raw_frames(1800, 1, seed=0)
    folder = tmp_path / "round"
    folder.mkdir()
    projects.drop(columns="_row").to_csv(folder / "projects.csv", index=False)
    countries.drop(columns="_row").to_csv(folder / "countries.csv", index=False)
    policy = tmp_path / "policy.toml"
    policy.write_text(make_policy(countries, budget).to_toml(), encoding="utf-8")
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run("frontier", str(folder), "--policy", str(policy),
                         "--set", "frontier.start=0.9", "--set", "frontier.steps=2",
                         "--set", "frontier.stop=1", "--out", str(tmp_path / "f"))
    assert code == 0, err
    funded = json.loads((tmp_path / "f" / "run.json").read_text())["portfolios"][0]
    n = len(funded["projects"])
    assert n >= 1000
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert any(re.search(rf"│\s+{n:,} │", line) for line in rows), out
    text = " ".join(out.split())
    assert f"({n:,} projects)" in text and f"up to place {n:,} " in text
    code, out, err = run("execution", str(folder), "--policy", str(policy), "-n", "20",
                         "-r", "1", "--out", str(tmp_path / "e"))
    assert code == 0, err
    assert f"portfolio 1 funds {n:,} projects of " in " ".join(out.split())


def test_the_gain_and_the_nesting_cost_add_up_as_shown(
        tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped example's frontier showed exact 171.239, greedy 155.726 and a gain of
    +15.514 (the exact difference 15.5139, rounded) at 100%, and 147.541 − 141.627 as
    +5.913; the funding levels 108.756 − 107.997 as a nesting cost of 0.760. Each is now the
    difference of the values shown, in the terminal, the report and the workbook; run.json
    keeps the exact difference."""
    import html

    from osa_opt.text import fixed

    monkeypatch.setenv("COLUMNS", "200")
    out = tmp_path / "run"
    code, stdout, stderr = run("frontier", "--out", str(out))
    assert code == 0, stderr

    def adds_up(big: str, small: str, diff: str) -> bool:
        num = [float(t.replace(",", "").replace("+", "")) for t in (big, small, diff)]
        return round(num[0] - num[1] - num[2], 6) == 0

    rows = re.findall(r"^│\s+\d+ │\s+[\d.]+% │[^│]+│\s+([\d,.]+) │\s+([\d,.]+) │\s+([+\-][\d,.]+)"
                      r" │\s+\d+ │\s+([\d,.]+) │\s+([\d,.]+) │", stdout, flags=re.M)
    assert len(rows) == 11
    assert ("171.239", "155.726", "+15.513") in [r[:3] for r in rows]
    assert all(adds_up(*r[:3]) and adds_up(r[0], r[3], r[4]) for r in rows), rows

    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))["analyses"]
    at_100 = next(p for p in manifest["frontier"]["points"] if p["budget_share"] == 1.0)
    assert fixed(at_100["gain"]) == "15.514"  # the exact difference, kept

    book = load_workbook(out / "portfolios.xlsx")
    for sheet, big, small, diff in (("Frontier", "Value", "Greedy value", "Gain"),
                                    ("Funding levels", "Independent value", "Nested value",
                                     "Nesting cost")):
        cells = list(book[sheet].values)
        head = [str(h) for h in cells[2]]  # under the title and the units
        at = [head.index(c) for c in (big, small, diff)]
        assert len(cells[3:]) == 11
        for row in cells[3:]:
            assert adds_up(*(fixed(row[i]) for i in at)), (sheet, row)

    page = html.unescape((out / "report.html").read_text(encoding="utf-8"))
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "171.239 155.726 +15.513" in text or "171.239 155.726 15.513" in text, text[:0]
    assert "15.514" not in text and "0.760" not in text
