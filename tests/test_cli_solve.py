"""``osa-opt solve``: exit codes, messages, the run folder, --json, --quiet, --write-model.

Most runs go through the real top level (:func:`osa_opt.cli.common.run_cli`) in-process,
with file descriptors captured (``capfd``), so a banner printed by HiGHS on fd 1 would be
seen. The --json contract is also checked in a subprocess, exactly as a script would run it.
"""

from __future__ import annotations

import importlib
import io
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from osa_opt.cli import cli, progress, render
from osa_opt.cli.common import run_cli
from osa_opt.outputs import workbook as workbook_module
from osa_opt.outputs.manifest import RUN_FILES as RUN_FILE_NAMES

RUN_FILES = set(RUN_FILE_NAMES)  # every file a run folder holds, report.html included


def osa(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """Run ``osa-opt ARGS`` through the console entry point's error handling."""
    monkeypatch.setattr(sys, "argv", ["osa-opt", *args])
    return run_cli(cli)


def run_folders(root: Path) -> list[Path]:
    outputs = root / "outputs"
    return sorted(outputs.iterdir()) if outputs.exists() else []


def table_row(text: str, cells: list[str]) -> bool:
    """Whether a rich table in ``text`` has a row made of exactly these cells."""
    pattern = r"│\s*" + r"\s*│\s*".join(re.escape(c) for c in cells) + r"\s*│"
    return re.search(pattern, text) is not None


def reason_counts() -> dict[str, int]:
    """Projects of the shipped example per eligibility rule they fail, from the inputs."""
    import osa_opt

    reasons = osa_opt.load_problem().eligibility["reasons"]
    return dict(Counter(r.split(":")[0] for rs in reasons for r in rs))


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in an empty folder outside the repository (the example must still be found)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ---------------------------------------------------------------------- --json
@pytest.mark.slow
def test_json_stdout_is_exactly_one_document_in_a_subprocess(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "osa_opt", "solve", "--json", "--verbose", "--portfolios", "2"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads(proc.stdout)  # the whole of stdout, nothing before or after
    assert manifest["status"] == "optimal"
    assert [p["rank"] for p in manifest["portfolios"]] == [1, 2]
    assert "HiGHS" in proc.stderr  # --verbose: the solver log went to stderr, not stdout
    folder = Path(manifest["folder"])
    assert folder.parent == tmp_path.resolve() / "outputs"
    assert folder.name.startswith("shipped-example-fy2026-illustrative-")  # its title
    assert {p.name for p in folder.iterdir()} == RUN_FILES
    assert json.loads((folder / "run.json").read_text(encoding="utf-8")) == manifest


def test_json_and_quiet_print_nothing_else(in_tmp: Path, monkeypatch: pytest.MonkeyPatch,
                                           capfd: pytest.CaptureFixture[str]) -> None:
    assert osa(monkeypatch, "solve", "--json", "-k", "1", "--no-explain", "--out", "run") == 0
    out, err = capfd.readouterr()
    assert json.loads(out)["portfolios"][0]["rank"] == 1
    assert err == ""
    assert osa(monkeypatch, "solve", "--quiet", "-k", "1", "--no-explain", "--out", "run2") == 0
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
    assert {p.name for p in (in_tmp / "run2").iterdir()} == RUN_FILES


# ---------------------------------------------------------------------- normal output
def test_summary_table_status_and_files(in_tmp: Path, monkeypatch: pytest.MonkeyPatch,
                                        capfd: pytest.CaptureFixture[str]) -> None:
    assert osa(monkeypatch, "solve", "--portfolios", "3", "--min-difference", "2") == 0
    out, _ = capfd.readouterr()
    [folder] = run_folders(in_tmp)
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert manifest["policy"]["portfolios"] == {"count": 3, "min_difference": 2}
    assert "Ranked portfolios" in out and "Share of" in out and "Left" in out and "FY2026" in out
    assert "Portfolio 1 is proven optimal; 3 ranked portfolios." in out
    assert f"Wrote outputs/{folder.name}/" in out
    for entry in manifest["portfolios"]:
        assert f"{entry['objective']:,.3f}" in out
    second = manifest["portfolios"][1]
    assert f"+{second['added'][0]}" in out and f"−{second['dropped'][0]}" in out
    # budget use of portfolio 1 per fiscal year: budget, used, left, % used
    best = manifest["portfolios"][0]
    for fy, budget in manifest["policy"]["budget"].items():
        used, left = best["cost_by_year"][fy], best["budget_left"][fy]
        assert left == pytest.approx(budget - used)
        cells = [fy, f"{budget:,.0f}", f"{used:,.0f}", f"{left:,.0f}", f"{used / budget:.1%}"]
        assert table_row(out, cells), f"no budget-use row {cells} in:\n{out}"
    # reasons for exclusion: projects per eligibility rule, those the input forces out
    # apart ("forced out: status excluded"), then eligible ones left out
    counts = reason_counts()
    decided = {f"forced out: {code}": counts.pop(code)
               for code in ("status excluded", "cost in another year") if code in counts}
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    top = render.TOP_REASONS + 1 if len(ranked) == render.TOP_REASONS + 1 else render.TOP_REASONS
    rest = sum(n for _, n in ranked[top:])
    for code, count in [*ranked[:top], *([("other reasons", rest)] if rest else []),
                        *decided.items()]:
        assert table_row(out, [code, str(count)]), f"no row for {code!r} in:\n{out}"
    assert decided == {"forced out: status excluded": 1}
    eligible_left_out = manifest["problem"]["eligible"] - best["n_projects"]
    assert table_row(out, ["eligible, not selected", str(eligible_left_out)])


def test_same_input_twice_gives_identical_portfolios(in_tmp: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for out in ("first", "second"):
        assert osa(monkeypatch, "solve", "-q", "-k", "3", "--no-explain", "--out", out) == 0

    def portfolios(out: str) -> list[dict[str, Any]]:
        manifest = json.loads((in_tmp / out / "run.json").read_text(encoding="utf-8"))
        return [{k: v for k, v in p.items() if k != "solve_seconds"}
                for p in manifest["portfolios"]]

    assert portfolios("first") == portfolios("second")
    assert (in_tmp / "first" / "portfolios.csv").read_bytes() == (
        in_tmp / "second" / "portfolios.csv").read_bytes()


# ---------------------------------------------------------------------- progress, --verbose
def test_progress_bar_counts_portfolios_on_stderr_unless_quiet_or_json(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    from rich.console import Console

    drawn = io.StringIO()  # stderr as a terminal, so the live bar is drawn
    monkeypatch.setattr(progress, "stderr_console",
                        lambda: Console(file=drawn, force_terminal=True, width=100))
    assert osa(monkeypatch, "solve", "-k", "3", "--no-explain", "--out", "bar") == 0
    bar = drawn.getvalue()
    assert "3/3" in bar and "writing the run folder" in bar
    assert "Ranked portfolios" in capfd.readouterr().out
    for flag in ("--quiet", "--json"):
        drawn.seek(0)
        drawn.truncate()
        assert osa(monkeypatch, "solve", flag, "-k", "2", "--no-explain", "--out", flag) == 0
        assert drawn.getvalue() == "", flag
    out, err = capfd.readouterr()
    assert err == "" and json.loads(out)["status"] == "optimal"  # --quiet printed nothing


def test_progress_bar_advances_and_relabels() -> None:
    from rich.console import Console

    drawn = io.StringIO()
    console = Console(file=drawn, force_terminal=True, width=100)
    with progress.progress_bar(3, "portfolio 1/3", console=console) as advance:
        advance("portfolio 2/3")
        advance("portfolio 3/3")
        advance("explaining portfolio 1")
    assert "explaining portfolio 1" in drawn.getvalue() and "3/3" in drawn.getvalue()
    silent = io.StringIO()
    with progress.progress_bar(3, "hidden", enabled=False,
                             console=Console(file=silent, force_terminal=True)) as advance:
        advance("still hidden", steps=2)
    assert silent.getvalue() == ""


def test_the_writing_phase_spins_and_its_clock_runs_on_a_full_bar() -> None:
    """Writing a big round's run folder takes seconds after the last portfolio filled the
    bar: a finished bar (no spinner, elapsed time frozen) looked stalled."""
    import re
    import time

    from rich.console import Console

    drawn = io.StringIO()
    console = Console(file=drawn, force_terminal=True, width=100)
    spinner = re.compile(r"[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] writing")
    with progress.progress_bar(2, "portfolio 1/2", console=console) as bar:
        bar("portfolio 2/2")
        bar("writing the run folder …")  # the bar is full
        time.sleep(0.3)
        finished = drawn.getvalue()
        bar.phase("writing the run folder …")
        time.sleep(0.4)  # rich redraws 10 times a second
    def plain(text: str) -> str:
        return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)

    assert "writing the run folder" in finished and not spinner.search(plain(finished))
    assert spinner.search(plain(drawn.getvalue()[len(finished):]))


@pytest.fixture(scope="module")
def example_result() -> Any:
    import osa_opt

    return osa_opt.solve(osa_opt.load_problem(), portfolios=2, explain=False)


@pytest.mark.parametrize("width", [80, 60])
def test_a_formula_term_and_a_partner_with_its_amount_stay_on_one_line(
        example_result: Any, width: int) -> None:
    """rich broke the value note inside its formula ("(0.4 ×" / "security", "tier 1" /
    "×1.3") and the partner line between a name and its amount ("Coralia" / "¥1,800m"):
    it breaks at a no-break space too. Now the lines are made by words the CLI controls."""
    from rich.console import Console

    from osa_opt.text import yen

    console = Console(file=io.StringIO(), width=width, record=True)
    render.print_solve_summary(console, example_result)
    lines = console.export_text().splitlines()
    assert all(len(line) <= width for line in lines)
    together = [f"{pk['country']} {yen(pk['total_cost'])}"
                for pk in example_result.best.packages]
    together += ["FY2026 ¥18,100m", "(0.4 × security", "+ 0.3 × humanitarian",
                 "+ 0.3 × partnership score)", "tier 1 ×1.3", "tier 2 ×1.1", "tier 3 ×1)", "(1 ± up to 0.3", "× (1 − 1 × risk)",
                 "value ÷ portfolio 1's"]
    for words in together:
        assert any(words in line for line in lines), (words, lines)
    assert not [line for line in lines if line.rstrip().endswith(("×", "+", "±", "−", "÷"))]
    assert "\u00a0" not in console.export_text()  # printed as plain spaces


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_ranked_table_says_which_columns_it_left_out(example_result: Any,
                                                         width: int) -> None:
    """At 80 columns the ranked table dropped "Left FY2026" without a word (frontier says
    "Left out at this width: …"): now it names it, and where the numbers are instead."""
    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, record=True)
    render.print_solve_summary(console, example_result)
    text = console.export_text()
    flat = " ".join(text.split())
    note = ("Left out at this width: Left FY2026 (¥m) (the budget use table below has "
            "portfolio 1's; the workbook's Summary sheet has every column).")
    if width == 120:  # every column fits: no note
        assert "Left out" not in flat and re.search(r"┃ +Left ┃", text)
    else:
        assert note in flat
        assert flat.index("Ranked portfolios") < flat.index(note) < flat.index("Budget use")


def test_the_writing_phase_shows_no_stale_count() -> None:
    """While writing, the bar said "38/38" (the projects explained) and then "-:--:--" for
    the time left: a count and a time of a phase that is over. Now a pulsing bar, the
    spinner and the clock only, from the first frame."""
    import re
    import time

    from rich.console import Console

    drawn = io.StringIO()
    console = Console(file=drawn, force_terminal=True, width=100)
    with progress.progress_bar(5, "portfolio 1/5", console=console) as bar:
        bar("explaining portfolio 1 …", steps=5)
        bar.update(38, 38)
        time.sleep(0.3)
        before = len(drawn.getvalue())
        bar.phase("writing the run folder …")
        time.sleep(0.3)
    frames = [frame for frame in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "",
                                        drawn.getvalue()[before:]).split("\r")
              if "writing the run folder" in frame]
    assert frames and "38/38" in drawn.getvalue()[:before]
    for frame in frames:
        assert re.fullmatch(r"\S writing the run folder … ━+\s+0:00:00\s*", frame), frame


def test_progress_bar_takes_done_and_total_and_writes_plain_lines_to_a_log() -> None:
    from rich.console import Console

    drawn = io.StringIO()
    with progress.progress_bar(4, "samples", console=Console(file=drawn, force_terminal=True,
                                                           width=100)) as bar:
        bar.update(2, 4)
        bar.update(4, 4)
    assert "samples" in drawn.getvalue() and "4/4" in drawn.getvalue()
    log = io.StringIO()  # not a terminal: the first step, then every few seconds, the last
    with progress.progress_bar(50, "samples", console=Console(file=log, width=100),
                             plain_lines=True) as bar:
        for done in range(1, 51):
            bar.update(done, 50)
    assert log.getvalue().splitlines() == ["samples: 1/50", "samples: 50/50"]
    quiet_log = io.StringIO()  # without plain_lines a log gets nothing
    with progress.progress_bar(3, "portfolio 1/3", console=Console(file=quiet_log)) as bar:
        bar("portfolio 2/3")
    assert quiet_log.getvalue() == ""


def test_verbose_sends_the_solver_log_and_each_portfolio_to_stderr(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    assert osa(monkeypatch, "solve", "--verbose", "-k", "2", "--no-explain", "--out", "v") == 0
    out, err = capfd.readouterr()
    manifest = json.loads((in_tmp / "v" / "run.json").read_text(encoding="utf-8"))
    assert "HiGHS" in err and "HiGHS" not in out
    for entry in manifest["portfolios"]:
        assert f"portfolio {entry['rank']}/2: value {entry['objective']:,.3f}" in err
    assert "Ranked portfolios" in out and "Budget use of portfolio 1" in out


# ---------------------------------------------------------------------- exit codes 3 and 4
def test_infeasible_policy_exits_3_and_records_the_run(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    code = osa(monkeypatch, "solve", "--json", "--set", "priority.min_countries=99",
               "--out", "infeasible")
    out, err = capfd.readouterr()
    assert code == 3
    manifest = json.loads(out)
    assert manifest["status"] == "infeasible" and manifest["portfolios"] == []
    assert manifest["policy"]["priority"]["min_countries"] == 99
    assert "The policy cannot be met" in err and "Traceback" not in err
    assert "infeasible/run.json" in err
    on_disk = json.loads((in_tmp / "infeasible" / "run.json").read_text(encoding="utf-8"))
    assert on_disk == manifest


def test_mandatory_project_over_a_tiny_budget_exits_3(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    code = osa(monkeypatch, "solve", "--budget", "FY2026=100", "--out", "tiny")
    _, err = capfd.readouterr()
    assert code == 3
    assert "The policy cannot be met" in err
    manifest = json.loads((in_tmp / "tiny" / "run.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "infeasible"
    assert manifest["policy"]["budget"]["FY2026"] == 100


def test_no_solution_in_time_exits_4(in_tmp: Path, monkeypatch: pytest.MonkeyPatch,
                                     capfd: pytest.CaptureFixture[str]) -> None:
    code = osa(monkeypatch, "solve", "--time-limit", "1e-9", "--out", "slow")
    _, err = capfd.readouterr()
    assert code == 4
    assert "No portfolio found within the time limit" in err
    manifest = json.loads((in_tmp / "slow" / "run.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "no_solution"
    assert manifest["policy"]["solver"]["time_limit"] == 1e-9


# ---------------------------------------------------------------------- exit code 2
@pytest.mark.parametrize("args, message", [
    (["--budget", "FY2026=lots"], "--budget FY2026=20000"),
    (["--budget", "20000"], "FY=AMOUNT"),
    (["--portfolios", "0"], "--portfolios"),
    (["--set", "priority.min_countrys=3"], "min_countries"),
    (["--write-model", "model.txt"], "name the file .lp or .mps"),
    (["no_such_file.xlsx"], "no_such_file.xlsx"),
])
def test_bad_usage_exits_2_without_a_traceback(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str],
        args: list[str], message: str) -> None:
    assert osa(monkeypatch, "solve", *args) == 2
    out, err = capfd.readouterr()
    assert message in err
    assert "Traceback" not in err + out
    assert run_folders(in_tmp) == []


def test_existing_out_folder_is_refused_before_solving(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    taken = in_tmp / "taken"
    taken.mkdir()
    (taken / "keep.txt").write_text("earlier run")
    solve_module = importlib.import_module("osa_opt.workflows")
    monkeypatch.setattr(solve_module, "solve", lambda *a, **k: pytest.fail("solved"))
    assert osa(monkeypatch, "solve", "--out", "taken") == 2
    _, err = capfd.readouterr()
    assert "already exists" in err and "never overwrites" in err
    assert "Give a new folder with --out" in err and "path=" not in err
    assert [p.name for p in taken.iterdir()] == ["keep.txt"]


# ---------------------------------------------------------------------- --write-model
def test_write_model_exports_lp_and_mps_with_readable_names(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert osa(monkeypatch, "solve", "-q", "-k", "1", "--no-explain",
               "--write-model", "model/osa.lp", "--out", "a") == 0
    lp = (in_tmp / "model" / "osa.lp").read_text()
    assert "budget(FY2026)" in lp
    assert "x(P_01)" in lp  # variables named after the project ids
    assert osa(monkeypatch, "solve", "-q", "-k", "1", "--no-explain",
               "--write-model", "osa.MPS", "--out", "b") == 0
    mps = (in_tmp / "osa.MPS").read_text()
    assert "ROWS" in mps and "budget(FY2026)" in mps


def test_a_model_file_that_cannot_be_written_exits_2_in_the_commands_words(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """``--write-model`` goes through ``osa_opt.write_model``, whose OsaError carries the
    command's wording; nothing is solved or written after it."""
    (in_tmp / "a_file").write_text("not a folder")
    assert osa(monkeypatch, "solve", "-q", "--no-explain",
               "--write-model", "a_file/osa.lp", "--out", "run") == 2
    out, err = capfd.readouterr()
    err = " ".join(err.split())
    assert "Error: Could not write the model to a_file/osa.lp:" in err, err
    assert "write_model:" not in err and "Traceback" not in err + out
    assert not (in_tmp / "run").exists()


# ---------------------------------------------------------------------- atomicity
def test_a_failing_writer_leaves_no_run_folder(in_tmp: Path, monkeypatch: pytest.MonkeyPatch,
                                               capfd: pytest.CaptureFixture[str]) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("xlsx writer exploded")

    monkeypatch.setattr(workbook_module, "write_workbook", broken)
    assert osa(monkeypatch, "solve", "-k", "1", "--no-explain") != 0
    _, err = capfd.readouterr()
    assert "xlsx writer exploded" in err
    assert list(in_tmp.iterdir()) == []  # no outputs/, no run folder, no staging folder

    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(workbook_module, "write_workbook", disk_full)
    assert osa(monkeypatch, "solve", "-k", "1", "--no-explain", "--out", "run") == 2
    _, err = capfd.readouterr()
    assert "No space left on device" in err and "Traceback" not in err
    assert list(in_tmp.iterdir()) == []


# The whole module runs full CLI commands or whole input files: in the full suite, not in
# the fast loop (pytest -m "not slow").
pytestmark = pytest.mark.slow


def test_a_round_that_funds_every_project_says_so_without_a_table_of_zeros(
        tiny_frames: Any) -> None:
    """Every project of a small round fits the budget: the terminal showed a table "Why
    projects are not in portfolio 1" with the one row "eligible, not selected | 0". A reason
    no project has is no row; with none left, one line says every project is funded."""
    from rich.console import Console

    from osa_opt.inputs.problem import Problem
    from osa_opt.workflows import solve

    projects, countries, policy = tiny_frames
    policy = policy.override({"budget.FY2026": 100_000, "budget.FY2027": 100_000,
                              "balance.min_region_share": {}, "portfolios.count": 1})
    projects = projects.assign(status="candidate", exclusive_group="", requires="")
    result = solve(Problem.from_frames(projects, countries, policy), explain=False)
    assert result.best is not None and result.best.n_projects == len(projects)
    assert render.exclusion_counts(result) == []
    out = io.StringIO()
    render.print_solve_summary(Console(file=out, width=100), result)
    text = " ".join(out.getvalue().split())
    assert "Why projects are not in portfolio 1" not in text and "not selected" not in text
    assert "Every project is in portfolio 1." in text


def test_the_time_left_never_passes_the_explanations_deadline() -> None:
    """On a hard round each forced re-solve takes seconds, so the pace alone promised
    hours; solver.explain_time_limit ends the exact answers sooner, and the time left
    shown is at most what remains of it."""
    import re
    import time

    from rich.console import Console

    drawn = io.StringIO()
    console = Console(file=drawn, force_terminal=True, width=100)
    with progress.progress_bar(100, "explaining", console=console) as bar:
        bar.update(1, 100)
        time.sleep(0.6)
        bar.update(2, 100)  # 0.6 s a step: about a minute for the 98 left
        time.sleep(0.3)
        paced = len(drawn.getvalue())
        bar.deadline(5.0)
        time.sleep(0.4)
    def times(text: str) -> list[int]:
        plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
        return [int(h) * 3600 + int(m) * 60 + int(s) for frame in plain.split("\r")
                if "2/100" in frame for h, m, s in re.findall(r"(\d+):(\d\d):(\d\d)\s*$", frame)]
    assert max(times(drawn.getvalue()[:paced])) >= 30  # the pace alone
    capped = times(drawn.getvalue()[paced:])
    assert capped and max(capped) <= 5


def test_solve_shows_the_rules_being_priced_after_the_projects(
        in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    drawn = io.StringIO()
    monkeypatch.setattr(progress, "stderr_console",
                        lambda: Console(file=drawn, force_terminal=True, width=100))
    assert osa(monkeypatch, "solve", "-k", "1", "--out", "priced") == 0
    bar = drawn.getvalue()
    assert "explaining portfolio 1: project" in bar
    assert bar.index("explaining portfolio 1: pricing the rules") > bar.index(
        "explaining portfolio 1: project") and "writing the run folder" in bar


def test_the_note_on_a_single_portfolio_reads_in_the_singular(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """At ¥1,000m only the mandatory P-01 fits: the note read "Only 1 of the 3 portfolios
    asked for exist: no other portfolio ... differs from each of these"."""
    code = osa(monkeypatch, "solve", "--budget", "FY2026=1000", "--no-explain", "-k", "3",
               "--out", str(tmp_path / "run"))
    assert code == 0
    said = " ".join(capsys.readouterr().out.split())
    assert ("Only 1 of the 3 portfolios asked for exists: no other portfolio meets the "
            "policy and differs from it in at least 2 projects.") in said


def test_a_part_just_under_whole_never_reads_as_whole() -> None:
    """A project funded at 99.96% read "100.0%" in the partner table and "100%→100.0%" in
    the changes (the two texts differed only by the trimmed ".0"), which say no change and
    a whole project. The fewest decimals that tell the two numbers apart are chosen on the
    numbers, not on their trimmed texts."""
    from osa_opt.text import percents_apart

    assert percents_apart(1.0, 0.9996) == ("100%", "99.96%")
    assert percents_apart(0.5, 0.50004) == ("50%", "50.004%")
    assert percents_apart(1.0, 0.999996) == ("100%", "99.9996%")
    assert percents_apart(0.9, 0.8) == ("90%", "80%")


def test_one_project_failing_two_rules_is_counted_in_the_singular(tiny_frames: Any) -> None:
    """The line under the reasons table read "1 projects in all: ..." when the only project
    left out fails two rules (and "in all" read as the round's size: "9 projects in all"
    under the example's table, of a round of 38; now "not in portfolio 1")."""
    from osa_opt.inputs.problem import Problem
    from osa_opt.workflows import solve

    projects, countries, policy = tiny_frames
    policy = policy.override({"budget.FY2026": 100_000, "budget.FY2027": 100_000,
                              "balance.min_region_share": {}, "portfolios.count": 1,
                              "eligibility.max_risk": 0.01})
    projects = projects.assign(exclusive_group="", risk=[0, 0, 0, 0, 0, 0.05])  # P-06 excluded
    result = solve(Problem.from_frames(projects, countries, policy), explain=False)
    assert len(result.unfunded) == 1
    assert render.exclusion_note(result) == (
        "1 project not in portfolio 1: 1 ineligible; a project that fails several rules counts under "
        "each.")


def test_projects_forced_out_are_counted_apart_from_the_ineligible_ones() -> None:
    """The example with P-05's cost moved to cost_FY2025 (a slip backwards: out of this
    round) and P-26 excluded: "Why projects are not in portfolio 1" counted "cost in
    another year" and "status excluded" among the rules' reasons, where the report's card
    and validate say "4 ineligible, 2 forced out"; now the rows say forced out and the line
    under the table counts them apart, in the one wording (eligibility.out_words)."""
    from rich.console import Console

    import osa_opt
    from osa_opt.report.sections import _eligible_card

    raw = osa_opt.load_problem().raw_projects()
    cost = raw.loc[raw["project_id"] == "P-05", "cost_FY2026"]
    raw["cost_FY2025"] = 0.0
    raw.loc[cost.index, "cost_FY2025"] = cost
    raw.loc[cost.index, "cost_FY2026"] = 0.0
    problem = osa_opt.load_problem().with_projects(raw)
    result = osa_opt.solve(problem, portfolios=1, explain=False)
    rows = render.exclusion_counts(result)
    assert rows[-4:] == [("forced out: cost in another year", 1),
                         ("forced out: status excluded", 1),
                         ("requires a project that cannot be funded", 1),
                         ("eligible, not selected", 4)]
    assert [r for r, _ in rows[:-4]] == [
        "country is a party to a conflict", "linked to an international dispute",
        "misuse risk above the limit", "no management agreement"]
    assert render.exclusion_note(result) == (
        "11 projects not in portfolio 1: 4 ineligible, 2 forced out, 5 eligible.")
    assert _eligible_card(problem.eligibility)[1].startswith("4 ineligible, 2 forced out")
    out = io.StringIO()
    render.print_solve_summary(Console(file=out, width=100), result)
    said = " ".join(out.getvalue().split())
    assert "│ forced out: status excluded │ 1 │" in said
    assert "11 projects not in portfolio 1: 4 ineligible, 2 forced out, 5 eligible." in said


def test_a_run_is_titled_from_its_input_when_the_policy_names_no_round(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    """Every run was titled "Default OSA round" (terminal, report, workbook) whatever the
    file and year, unless --set name=…. Under the default policy an officer's round.xlsx
    is now "round FY2026", the shipped example "Shipped example FY2026 (illustrative)" and
    a real round "Real OSA round FY2025"; a name the policy gives still titles the run."""
    import html

    import openpyxl

    from osa_opt.data import example_path

    book = openpyxl.load_workbook(example_path())
    book["projects"]["F2"] = 950  # P-01's cost: an edited copy is a round of one's own
    book.save(tmp_path / "round.xlsx")

    def titles(name: str, *args: str) -> tuple[str, str, str, str]:
        capsys.readouterr()
        folder = tmp_path / name
        assert osa(monkeypatch, "solve", *args, "-k", "1", "--no-explain", "--out",
                   str(folder)) == 0
        first = capsys.readouterr().out.splitlines()[0]
        page = (folder / "report.html").read_text(encoding="utf-8")
        workbook = openpyxl.load_workbook(folder / "portfolios.xlsx")
        return (first.split(":")[0], html.unescape(re.search(r"<title>(.*?)</title>",
                                                             page)[1]),
                workbook["Read me"]["A1"].value, workbook["Summary"]["A1"].value)

    assert titles("own", str(tmp_path / "round.xlsx")) == (
        "round FY2026", "osa-opt report: round FY2026", "osa-opt run: round FY2026",
        "osa-opt run: round FY2026")
    assert titles("example")[1] == "osa-opt report: Shipped example FY2026 (illustrative)"
    # run.json held no title: a script listing runs saw only the policy's 'Default OSA round'
    said = {name: json.loads((tmp_path / name / "run.json").read_text("utf-8"))["title"]
            for name in ("own", "example")}
    assert said == {"own": "round FY2026", "example": "Shipped example FY2026 (illustrative)"}
    assert titles("real", "inputs/real_rounds/FY2025", "--set", "budget={FY2025=8100}")[0] \
        == "Real OSA round FY2025"
    named = titles("named", str(tmp_path / "round.xlsx"), "--set",
                   "name=FY2026 after the supplementary")
    assert set(named) == {"FY2026 after the supplementary",
                          "osa-opt report: FY2026 after the supplementary",
                          "osa-opt run: FY2026 after the supplementary"}


def test_a_run_folder_is_named_after_the_run_title(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        in_tmp: Path) -> None:
    """Two rounds solved under models/default.toml were titled 'round_a FY2026' and
    'round_b FY2026' but written to outputs/default-osa-round-<time>/ both, told apart only
    by the time. A folder is now named after the run's title, as every output says it; a
    policy that names the round still names it. An older folder (default-osa-round-…) is
    read as before: --since and --run read a folder by its path, never by its name."""
    import openpyxl

    from osa_opt.data import example_path

    book = openpyxl.load_workbook(example_path())
    book["projects"]["F2"] = 950  # P-01's cost: an edited copy is a round of one's own
    for name in ("round_a", "round_b"):
        book.save(in_tmp / f"{name}.xlsx")

    def solved(*args: str) -> Path:
        before = set(run_folders(in_tmp))
        assert osa(monkeypatch, "solve", *args, "-k", "1", "--no-explain", "--quiet") == 0
        (folder,) = set(run_folders(in_tmp)) - before
        return folder

    a, b = solved("round_a.xlsx"), solved("round_b.xlsx", "--policy", str(
        Path(__file__).resolve().parents[1] / "models" / "default.toml"))
    assert re.fullmatch(r"round-a-fy2026-\d{8}-\d{6}", a.name), a.name
    assert re.fullmatch(r"round-b-fy2026-\d{8}-\d{6}", b.name), b.name
    assert json.loads((a / "run.json").read_text("utf-8"))["title"] == "round_a FY2026"
    assert solved().name.startswith("shipped-example-fy2026-illustrative-")
    named = solved("round_a.xlsx", "--set", "name=FY2026 after the supplementary")
    assert named.name.startswith("fy2026-after-the-supplementary-")
    # a folder of an earlier version, named after the policy, is read by its path
    old = a.rename(a.parent / "default-osa-round-20260105-093000")
    capsys.readouterr()
    assert osa(monkeypatch, "solve", "round_a.xlsx", "-k", "1", "--no-explain", "--since",
               str(old), "--out", "again") == 0
    assert "Since " + str(old) in capsys.readouterr().out.replace("\n", " ")
    assert osa(monkeypatch, "explain", "P-02", "--run", str(old)) == 0
