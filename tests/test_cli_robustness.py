"""``osa-opt robustness``: --json, the run folder, exit codes, and Ctrl-C in a real process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from osa_opt.cli import cli
from osa_opt.cli.common import run_cli
from osa_opt.parallel import DASK_HINT

RANGES = "robustness.weight_ranges={security=[0.2, 0.8], humanitarian=[0.1, 0.7]}"


def osa(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """Run ``osa-opt ARGS`` through the console entry point's error handling."""
    monkeypatch.setattr(sys, "argv", ["osa-opt", *args])
    return run_cli(cli)


@pytest.fixture
def workbook(tmp_path: Path, tiny_frames: Any, write_xlsx: Callable[..., Path]) -> Path:
    projects, countries, _ = tiny_frames
    return write_xlsx(tmp_path / "in.xlsx", projects, countries)


@pytest.fixture
def policy(tmp_path: Path, tiny_policy: Any) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(tiny_policy.to_toml(), encoding="utf-8")
    return path


def test_json_prints_only_the_result_with_the_documented_keys(
        workbook: Path, policy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    code = osa(monkeypatch, "robustness", str(workbook), "--policy", str(policy), "--set", RANGES,
               "--samples", "30", "--seed", "4", "--out", str(out), "--json")
    stdout, stderr = capfd.readouterr()
    assert code == 0, stderr
    data = json.loads(stdout)  # the whole of stdout is one document
    assert (data["samples"], data["samples_done"], data["seed"], data["partial"]) == (30, 30, 4,
                                                                                      False)
    assert {p["project_id"] for p in data["projects"]} == {f"P-0{i}" for i in range(1, 7)}
    for project in data["projects"]:
        assert {"project_id", "core_index", "class"} <= set(project)
        assert 0.0 <= project["core_index"] <= 1.0
    assert [p["rank"] for p in data["portfolios"]] == list(range(1, len(data["portfolios"]) + 1))
    assert all(0.0 <= p["share_near_optimal"] <= 1.0 for p in data["portfolios"])
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    saved = manifest["analyses"]["robustness"]
    assert saved["projects"] == data["projects"] and saved["partial"] is False
    assert manifest["policy"]["robustness"]["samples"] == 30  # the policy as used
    from openpyxl import load_workbook

    sheets = load_workbook(out / "portfolios.xlsx", read_only=True).sheetnames
    assert {"Robustness", "Robustness portfolios", "Robustness samples"} <= set(sheets)


@pytest.mark.slow
def test_the_borderline_table_says_what_a_core_index_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    # the shipped example has borderline projects (docs/robustness.md)
    code = osa(monkeypatch, "robustness", "--samples", "100", "--out", str(tmp_path / "run"))
    stdout, stderr = capfd.readouterr()
    assert code == 0, stderr
    text = " ".join(stdout.split())
    assert "Borderline (0)" not in text and "Core index" in text
    assert "Core index: the share of the samples whose best portfolio funds the project." in text


def test_terminal_report_names_the_classes(workbook: Path, policy: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capfd: pytest.CaptureFixture[str]) -> None:
    code = osa(monkeypatch, "robustness", str(workbook), "--policy", str(policy), "--set", RANGES,
               "--samples", "20", "--out", str(tmp_path / "run"))
    stdout, stderr = capfd.readouterr()
    assert code == 0, stderr
    assert "Core (" in stdout and "Exterior (" in stdout and "Within 1%" in stdout
    assert "P-01" in stdout  # the mandatory project is core
    assert "Sampling 20 weight and score vectors" in stderr
    # each column header that is not plain English is said in words under its table
    text = " ".join(stdout.split())
    assert ("Within 1% of optimum: the share of the samples in which the portfolio is worth "
            "at least 99% of that sample's best portfolio") in text


def test_report_and_workbook_head_the_portfolios_as_the_terminal(
        workbook: Path, policy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The terminal heads the ranked portfolios Value and Within 1% of optimum (defined
    under it); the report and the workbook said Objective and Share near optimal."""
    import openpyxl

    code = osa(monkeypatch, "robustness", str(workbook), "--policy", str(policy), "--set",
               RANGES, "--samples", "20", "--quiet", "--out", str(tmp_path / "run"))
    assert code == 0
    heads = ["Rank", "Value", "Within 1% of optimum", "Mean share of optimum",
             "Worst share of optimum"]
    html = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert "".join(f'<th class="num">{h}</th>' for h in heads) in html
    assert "Within 1% of optimum: the share of the samples in which the portfolio" in html
    book = openpyxl.load_workbook(tmp_path / "run" / "portfolios.xlsx", read_only=True)
    assert heads in [list(r) for r in book["Robustness portfolios"].values]


@pytest.mark.parametrize("args, message", [
    (["--samples", "0"], "--samples"),
    (["--jobs", "0"], "--jobs"),
    (["--scheduler", "tcp://127.0.0.1:1"], DASK_HINT),
])
def test_bad_options_exit_2_with_a_message(
        workbook: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str],
        args: list[str], message: str) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if Dask were not installed
    code = osa(monkeypatch, "robustness", str(workbook), *args)
    _, stderr = capfd.readouterr()
    assert code == 2
    assert message in stderr and "Traceback" not in stderr
    assert "scheduler=" not in stderr  # the command line's words, not Python's


def test_a_policy_that_cannot_be_met_exits_3(workbook: Path, policy: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capfd: pytest.CaptureFixture[str]) -> None:
    code = osa(monkeypatch, "robustness", str(workbook), "--policy", str(policy),
               "--budget", "FY2026=100", "--samples", "5", "--out", str(tmp_path / "run"))
    _, stderr = capfd.readouterr()
    assert code == 3
    assert "No robustness analysis" in stderr and "Traceback" not in stderr
    assert json.loads((tmp_path / "run" / "run.json").read_text())["status"] == "infeasible"


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_keeps_the_finished_samples_and_exits_130(
        workbook: Path, policy: Path, tmp_path: Path, jobs: str) -> None:
    out = tmp_path / "run"
    samples = 20_000  # far more than can finish before the interrupt
    proc = subprocess.Popen(
        [sys.executable, "-m", "osa_opt", "robustness", str(workbook), "--policy", str(policy),
         "--set", RANGES, "--samples", str(samples), "--jobs", jobs, "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        env={**os.environ, "COLUMNS": "120"})
    assert proc.stderr is not None
    seen = [proc.stderr.readline(), proc.stderr.readline()]
    assert "Sampling" in seen[0], seen
    assert seen[1].startswith(f"samples: 25/{samples}"), seen  # the first chunk is done
    proc.send_signal(signal.SIGINT)
    stdout, rest = proc.communicate(timeout=120)
    stderr = "".join(seen) + rest
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert "Interrupted" in stderr and "marked partial" in stderr
    saved = json.loads((out / "run.json").read_text(encoding="utf-8"))["analyses"]["robustness"]
    assert saved["partial"] is True
    assert 0 < saved["samples_done"] < samples and saved["samples"] == samples
    assert sum(saved["counts"].values()) == 6


def test_a_big_rounds_lists_are_cut_and_say_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capfd: pytest.CaptureFixture[str]) -> None:
    """A synthetic round of 2,000 projects printed its 1312 core ids, 330 lines at 80
    columns, and a borderline table of 20 rows under "Borderline (55)" without saying the
    other 35 were left out. The core list names the first CORE_SHOWN and counts the rest,
    the table says it shows the first BORDERLINE_SHOWN, and counts have a separator; here
    with both limits lowered on the shipped example (27 core, 4 borderline)."""
    import osa_opt.cli.robustness as command

    monkeypatch.setattr(command, "CORE_SHOWN", 5)
    monkeypatch.setattr(command, "BORDERLINE_SHOWN", 2)
    monkeypatch.setenv("COLUMNS", "80")
    code = osa(monkeypatch, "robustness", "--samples", "20", "--out", str(tmp_path / "run"))
    stdout, stderr = capfd.readouterr()
    assert code == 0, stderr
    text = " ".join(stdout.split())
    assert ("Core (27, funded in ≥ 95% of samples, including 1 held in by a rule: P-01 status "
            "mandatory): P-01, P-02, P-04, P-05, P-06 and 22 more "
            "(the Robustness sheet of portfolios.xlsx lists every one)") in text
    assert ("Borderline (4): funded in some samples (the first 2 by core index; "
            "portfolios.xlsx has all)") in text
    table = [line for line in stdout.splitlines() if line.startswith("│ P-")]
    assert len(table) == 2


def test_exterior_counts_forced_out_apart_from_ineligible(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """The shipped example has 4 ineligible projects and P-26 excluded by the round: the
    report's card says '4 ineligible, 1 forced out', while robustness said 'including 5
    ineligible' (a slipped or excluded project is the round's decision, not a rule's)."""
    monkeypatch.setenv("COLUMNS", "200")
    code = osa(monkeypatch, "robustness", "--samples", "4",
               "--out", str(tmp_path / "run"))
    stdout, stderr = capfd.readouterr()
    assert code == 0, stderr
    assert ("Exterior (7, funded in ≤ 5% of samples, including 4 ineligible, 1 forced "
            "out).") in " ".join(stdout.split())


def test_core_says_which_projects_a_rule_holds_in(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """With priority.required_partners = ['Kantoro'] (only P-30 eligible there) the core line
    listed P-30 and mandatory P-01 among the projects the weights keep in, without saying a
    rule holds them in whatever the weights (the exterior line says what rules keep out).
    It says so now, naming each rule; Tavola, also required, has two eligible projects, so
    neither is held in by the rule."""
    monkeypatch.setenv("COLUMNS", "200")
    code = osa(monkeypatch, "robustness", "--budget", "FY2026=9000", "--set",
               "priority.required_partners=['Kantoro', 'Tavola']", "--samples", "6",
               "--out", str(tmp_path / "run"))
    stdout, stderr = capfd.readouterr()
    assert code == 0, stderr
    text = " ".join(stdout.split())
    assert ("funded in ≥ 95% of samples, including 2 held in by a rule: P-01 status mandatory; "
            "P-30 the only eligible project of Kantoro, which priority.required_partners "
            "requires): P-01,") in text
    assert "P-24 the only" not in text and "P-25 the only" not in text


def test_the_rule_that_holds_a_project_in_is_in_every_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """The core line names the rule; the Robustness sheet, run.json and --json had P-30 at
    core index 100% with nothing saying why (Kantoro required, P-30 its only eligible
    project). Each has held_in_by now, and a loaded run gives it back."""
    import openpyxl

    import osa_opt

    out = tmp_path / "run"
    code = osa(monkeypatch, "robustness", "--budget", "FY2026=9000", "--set",
               "priority.required_partners=['Kantoro']", "--samples", "4", "--out", str(out),
               "--json")
    stdout, stderr = capfd.readouterr()
    assert code == 0, stderr
    rule = "the only eligible project of Kantoro, which priority.required_partners requires"
    held = {p["project_id"]: p["held_in_by"] for p in json.loads(stdout)["projects"]
            if p["held_in_by"]}
    assert held == {"P-01": "status mandatory", "P-30": rule}
    saved = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert {p["project_id"]: p["held_in_by"] for p in saved["analyses"]["robustness"]["projects"]
            if p["held_in_by"]} == held
    sheet = openpyxl.load_workbook(out / "portfolios.xlsx")["Robustness"]
    rows = list(sheet.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and "Project" in r)
    columns = rows[head]
    by_id = {r[columns.index("Project")]: " ".join(str(r[columns.index("Held in by")] or "")
                                                   .split())  # the sheet wraps long text
             for r in rows[head + 1:] if r and r[0]}
    assert by_id["P-30"] == rule and by_id["P-01"] == "status mandatory"
    assert not by_id["P-03"]
    loaded = osa_opt.load_run(out).analyses["robustness"]
    assert loaded.projects.at["P-30", "held_in_by"] == rule
