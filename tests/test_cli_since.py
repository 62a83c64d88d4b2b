"""``osa-opt solve INPUT --since RUN_FOLDER``: an analyst who edits the workbook between runs
is told what changed since the earlier run (input, policy, projects, portfolio 1 and why),
in the terminal, run.json (``analyses.since``) and the workbook (sheet Since last run).

Before, nothing did: a withdrawn project, a raised budget and a new candidate gave a new
run folder whose outputs never named what had moved since the last one."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from osa_opt.cli import cli
from osa_opt.cli.common import run_cli
from osa_opt.data import example_path

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """``run(*args) -> (exit code, stdout, stderr)`` of ``osa-opt ARGS`` as a user sees it."""

    def invoke(*args: str | Path) -> tuple[int, str, str]:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["osa-opt", *map(str, args)])
        monkeypatch.setenv("COLUMNS", "400")  # one line per account line: easy to match
        code = run_cli(cli)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


@pytest.fixture
def monday(tmp_path: Path, run: Run) -> tuple[Path, Path]:
    """The shipped example copied as an analyst's round and solved: (workbook, run folder)."""
    book = tmp_path / "round.xlsx"
    shutil.copyfile(example_path(), book)
    folder = tmp_path / "monday"
    code, _, err = run("solve", book, "-k", "1", "--no-explain", "--quiet", "--out", folder)
    assert code == 0, err
    return book, folder


def _edit_as_an_analyst(book: Path) -> None:
    """Withdraw P-02 (status excluded, with its reason), add a candidate P-99 below the
    table, revise P-05's cost and move Lumaris to tier 2, with openpyxl as an analyst's
    script would."""
    wb = openpyxl.load_workbook(book)
    ws = wb["projects"]
    header = [c.value for c in ws[1]]
    col = {name: k + 1 for k, name in enumerate(header)}
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "P-02")
    ws.cell(row, col["status"], "excluded")
    ws.cell(row, col["status_reason"], "withdrawn by Aurelia")
    source = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "P-05")
    new = [c.value for c in ws[source]]
    new[0], new[col["title"] - 1], new[col["cost_FY2026"] - 1] = "P-99", "Radar spares", 100
    ws.append(new)
    ws.cell(source, col["cost_FY2026"], 1400)  # P-05's cost revised from 1,300
    countries = wb["countries"]
    tier = [c.value for c in countries[1]].index("priority_tier") + 1
    lumaris = next(
        r for r in range(2, countries.max_row + 1) if countries.cell(r, 1).value == "Lumaris"
    )
    countries.cell(lumaris, tier, 2)  # Lumaris moved from tier 1
    wb.save(book)


def test_since_tells_what_changed_and_why_projects_moved(
    monday: tuple[Path, Path], tmp_path: Path, run: Run
) -> None:
    book, folder = monday
    _edit_as_an_analyst(book)
    tuesday = tmp_path / "tuesday"
    code, out, err = run(
        "solve",
        book,
        "--policy",
        folder / "policy.toml",
        "--budget",
        "FY2026=19000",
        "-k",
        "1",
        "--no-explain",
        "--out",
        tuesday,
        "--since",
        folder,
    )
    assert code == 0, err
    lines = [
        line
        for line in out.splitlines()
        if line.startswith(("Since", "Portfolio 1: v", "Projects:"))
    ]
    assert lines[0].startswith(f"Since {folder} (solved ")
    assert "round.xlsx changed (its contents differ)" in lines[0]
    assert "policy budget.FY2026 18,100 → 19,000" in lines[0]
    assert "cost requested FY2026 (¥ million) 27,000 → 27,200" in lines[0]
    assert "partner Lumaris priority_tier 1 → 2" in lines[0]
    assert "left P-02 (now out: status excluded: withdrawn by Aurelia" in lines[1]
    assert "P-99 (new in the input)" in lines[1]
    assert (
        "forced in or out: P-02 (not forced (candidate) → forced out: status excluded "
        "(withdrawn by Aurelia))" in lines[2]
    )

    assert "cost changed (¥ million): P-05 (FY2026 1,300 → FY2026 1,400)" in lines[2]
    # Lumaris's project, its value moved by the partner's tier, which the change names
    assert "value changed (Lumaris's priority_tier 1 → 2): P-17 " in lines[2]
    since = json.loads((tuesday / "run.json").read_text(encoding="utf-8"))["analyses"]["since"]
    assert since["run"] == str(folder)
    changes = {(r["project_id"], r["change"]) for r in since["projects"]}
    assert ("P-02", "left portfolio 1") in changes
    assert ("P-99", "entered portfolio 1") in changes
    assert ("P-99", "new in the input") not in changes  # told once, as it entered
    entered = {r["project_id"] for r in since["projects"] if r["change"] == "entered portfolio 1"}
    before = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    now = json.loads((tuesday / "run.json").read_text(encoding="utf-8"))
    assert entered == set(now["portfolios"][0]["projects"]) - set(
        before["portfolios"][0]["projects"]
    )
    for r in since["projects"]:  # each project that entered says why it was out before
        if r["change"] == "entered portfolio 1" and r["project_id"] != "P-99":
            assert r["was"] == before["unfunded"][r["project_id"]]

    sheets = openpyxl.load_workbook(tuesday / "portfolios.xlsx", read_only=True).sheetnames
    assert "Since last run" in sheets and "Inputs since last run" in sheets


def test_since_an_unchanged_round_says_nothing_moved(
    monday: tuple[Path, Path], tmp_path: Path, run: Run
) -> None:
    book, folder = monday
    code, out, err = run(
        "solve",
        book,
        "--policy",
        folder / "policy.toml",
        "-k",
        "1",
        "--no-explain",
        "--out",
        tmp_path / "again",
        "--since",
        folder,
    )
    assert code == 0, err
    assert "the same input files and policy." in out
    assert "Portfolio 1: value 171.239 → 171.239; the same projects." in out


def test_since_a_folder_that_is_no_run_stops_before_the_solve(
    monday: tuple[Path, Path], tmp_path: Path, run: Run
) -> None:
    book, _ = monday
    code, out, err = run("solve", book, "--out", tmp_path / "never", "--since", tmp_path)
    assert code == 2
    assert f"--since {tmp_path}: no run.json there" in err
    assert not (tmp_path / "never").exists()


def test_run_refusing_an_edited_input_points_to_since(monday: tuple[Path, Path], run: Run) -> None:
    book, folder = monday
    _edit_as_an_analyst(book)
    code, _, err = run("solve", "--run", folder, "--quiet")
    assert code == 2
    assert f"add --since {folder} to be told what changed since" in err


def test_load_run_gives_the_account_back(
    monday: tuple[Path, Path], tmp_path: Path, run: Run
) -> None:
    import osa_opt
    from osa_opt.analysis.since import SinceRun

    book, folder = monday
    _edit_as_an_analyst(book)
    tuesday = tmp_path / "tuesday"
    code, out, err = run(
        "solve",
        book,
        "--policy",
        folder / "policy.toml",
        "-k",
        "1",
        "--no-explain",
        "--out",
        tuesday,
        "--since",
        folder,
    )
    assert code == 0, err
    since = osa_opt.load_run(tuesday).analyses["since"]
    assert isinstance(since, SinceRun)
    assert since.lines()[1] in " ".join(out.split())  # as printed, lines joined


def test_since_an_edited_run_json_stops_before_the_solve(
    monday: tuple[Path, Path], tmp_path: Path, run: Run
) -> None:
    book, folder = monday
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    manifest["snapshot"]["cost"]["FY2026"]["P-01"] = "900"  # edited by hand, as text
    (folder / "run.json").write_text(json.dumps(manifest), encoding="utf-8")
    code, out, err = run("solve", book, "--out", tmp_path / "never", "--since", folder)
    assert code == 2, err
    assert "its run.json cannot be compared with: 'snapshot' holds a value that is no number" in err
    assert "Traceback" not in err and not (tmp_path / "never").exists()


def test_run_uses_a_file_changed_only_in_what_osa_opt_does_not_read(
    monday: tuple[Path, Path], run: Run
) -> None:
    """A note added on a sheet of one's own and in a column of one's own: before, `explain
    --run` stopped ('changed since the run ... the run's answers would not hold')."""
    book, folder = monday
    wb = openpyxl.load_workbook(book)
    wb.create_sheet("notes").append(["2026-12-01", "called the Aurelia desk"])
    ws = wb["projects"]
    ws.cell(1, ws.max_column + 1, "notes")
    ws.cell(3, ws.max_column, "checked with the desk")
    wb.save(book)
    code, out, err = run("explain", "P-17", "--run", folder)
    assert code == 0, err
    assert "round.xlsx changed since the run" in err
    assert "but not in anything osa-opt reads" in err
    assert out.startswith("P-17 — ")

    wb = openpyxl.load_workbook(book)  # now a cost osa-opt reads
    ws = wb["projects"]
    cost = [c.value for c in ws[1]].index("cost_FY2026") + 1
    ws.cell(3, cost, 1250)
    wb.save(book)
    code, out, err = run("explain", "P-17", "--run", folder)
    assert code == 2
    assert (
        "changed since the run (sha256 differs from run.json's inputs; its tables read "
        "differently)" in err
    )


def _edit_scores(book: Path) -> None:
    """P-01's score_security 7.6 → 9.6, P-04's score_humanitarian 2.1 → 1 and Sundara's
    democracy 6.4 → 8."""
    wb = openpyxl.load_workbook(book)
    ws = wb["projects"]
    col = {c.value: k + 1 for k, c in enumerate(ws[1])}
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(rows["P-01"], col["score_security"], 9.6)
    ws.cell(rows["P-04"], col["score_humanitarian"], 1)
    countries = wb["countries"]
    ccol = {c.value: k + 1 for k, c in enumerate(countries[1])}
    crows = {countries.cell(r, 1).value: r for r in range(2, countries.max_row + 1)}
    countries.cell(crows["Sundara"], ccol["democracy"], 8)
    wb.save(book)


def test_a_changed_value_names_the_cell_that_moved_it(
    monday: tuple[Path, Path], tmp_path: Path, run: Run
) -> None:
    """A score edited between runs was told "value changed (a score, risk, tier or
    assessment): P-01 (8.117 → 9.181)": which of the four, and which score, the analyst
    had to find. The change now names the column and its two values, a partner's
    assessment too; the second table's title, which the workbook printed "Since last run:
    Inputs since last run" and the report headed "Since inputs", reads "Inputs since last
    run" in both."""
    book, folder = monday
    _edit_scores(book)
    tuesday = tmp_path / "tuesday"
    code, out, err = run("solve", book, "--policy", folder / "policy.toml", "-k", "1",
                         "--no-explain", "--out", tuesday, "--since", folder)
    assert code == 0, err
    text = " ".join(out.split())
    assert "value changed (score_security 7.6 → 9.6): P-01 (8.117 → " in text
    assert "value changed (score_humanitarian 2.1 → 1): P-04 (" in text
    assert "value changed (Sundara's democracy 6.4 → 8): P-13 (8.084 → 8.229), P-14 " in text  # Sundara's
    assert "a score, risk, tier or assessment" not in text

    book_out = openpyxl.load_workbook(tuesday / "portfolios.xlsx", read_only=True)
    assert book_out["Inputs since last run"]["A1"].value == "Inputs since last run"
    assert book_out["Since last run"]["A1"].value == "Since last run"
    changes = [str(row[1]).replace("\n", " ")  # wrapped at spaces by the writer
               for row in book_out["Since last run"].iter_rows(values_only=True)]
    assert any(str(c).startswith("value changed (score_security 7.6 → 9.6)") for c in changes)
    import html
    import re

    page = (tuesday / "report.html").read_text(encoding="utf-8")
    headings = [html.unescape(h) for h in re.findall(r"<h[23][^>]*>([^<]*)</h[23]>", page)]
    assert "Inputs since last run" in headings and "Since inputs" not in headings


def test_since_a_run_json_without_the_value_s_parts_says_what_may_have_moved(
    monday: tuple[Path, Path], tmp_path: Path, run: Run
) -> None:
    """A run.json written before its snapshot kept the scores and assessments still
    compares: a changed value is said to come from "a score, risk, tier or assessment"."""
    book, folder = monday
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    del manifest["snapshot"]["scores"], manifest["snapshot"]["assessments"]
    (folder / "run.json").write_text(json.dumps(manifest), encoding="utf-8")
    _edit_scores(book)
    code, out, err = run("solve", book, "--policy", folder / "policy.toml", "-k", "1",
                         "--no-explain", "--out", tmp_path / "tuesday", "--since", folder)
    assert code == 0, err
    assert "value changed (a score, risk, tier or assessment): P-01 (8.117 → " in " ".join(
        out.split())


@pytest.mark.slow
def test_the_printed_workbook_titles_the_inputs_table_once(
    monday: tuple[Path, Path], tmp_path: Path, run: Run
) -> None:
    """LibreOffice's PDF of the workbook printed "Since last run: Inputs since last run"."""
    import subprocess

    from conftest import require_program

    book, folder = monday
    _edit_scores(book)
    tuesday = tmp_path / "tuesday"
    code, _, err = run("solve", book, "--policy", folder / "policy.toml", "-k", "1",
                       "--no-explain", "--out", tuesday, "--since", folder)
    assert code == 0, err
    soffice = require_program(("soffice", "libreoffice"),
                              "apt-get install -y libreoffice-calc-nogui")
    pdftotext = require_program("pdftotext", "apt-get install -y poppler-utils")
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--headless", "--norestore", "--convert-to", "pdf", "--outdir",
                    str(tmp_path), str(tuesday / "portfolios.xlsx")],
                   capture_output=True, timeout=240, check=True)
    text = subprocess.run([pdftotext, "-layout", str(tmp_path / "portfolios.pdf"), "-"],
                          capture_output=True, text=True, timeout=60, check=True).stdout
    lines = [line.strip() for line in text.splitlines()]
    assert "Inputs since last run" in lines
    assert not any("Since last run: Inputs" in line for line in lines)
    words = " ".join(text.split())
    assert "P-01 value changed (score_security 7.6" in words  # its cell wraps before "→ 9.6)"


def test_projects_that_moved_for_one_reason_are_said_together(
    monday: tuple[Path, Path], tmp_path: Path, run: Run
) -> None:
    """Serendel moved to tier 3 and a tier-1 share set: three projects leave portfolio 1 for
    one reason, which the terminal said three times ("left P-24 (now out: not selected: the
    budget buys more value elsewhere); P-27 (now out: not selected: ...); P-30 (...)"), and
    the value changes said "its partner's priority_tier", naming no partner."""
    book, folder = monday
    wb = openpyxl.load_workbook(book)
    countries = wb["countries"]
    tier = [c.value for c in countries[1]].index("priority_tier") + 1
    row = next(r for r in range(2, countries.max_row + 1)
               if countries.cell(r, 1).value == "Serendel")
    countries.cell(row, tier, 3)
    wb.save(book)
    code, out, err = run("solve", book, "-k", "1", "--no-explain", "--out", tmp_path / "tue",
                         "--since", folder, "--set", "priority.min_tier_share.1=0.5")
    assert code == 0, err
    lines = [line for line in out.splitlines() if line.startswith(("Portfolio 1: v", "Projects:"))]
    budget = "not selected: the budget buys more value elsewhere"
    assert f"left P-24, P-27 and P-30 (now out: {budget}); P-32 (now out: exclusive group" \
        in lines[0]
    assert lines[0].count(budget) == 2  # once for those that entered, once for those that left
    assert ("value changed (Serendel's priority_tier 1 → 3): P-05 (8.580 → 6.600), P-06 "
            "(6.648 → 5.114), P-07 (6.039 → 4.645) and P-08 (7.054 → 5.426)") in lines[1]


def test_two_run_folders_given_to_compare_are_told_to_use_since(
    tmp_path: Path, run: Run, monday: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """'osa-opt compare monday tuesday', two run folders: click's 'Got unexpected extra
    argument (tuesday)' alone, nothing of how two runs are compared. The usage error now
    names them as run folders, with the --since command (the later run's input filled in)."""
    book, folder = monday
    later = tmp_path / "tuesday"
    code, _, err = run("solve", book, "-k", "1", "--no-explain", "--quiet", "--out", later)
    assert code == 0, err
    monkeypatch.chdir(tmp_path)
    code, _, err = run("compare", "monday", "tuesday")
    assert code == 2
    assert err.endswith(
        "Error: Got unexpected extra argument (tuesday)\n"
        "monday and tuesday are run folders of osa-opt (each holds run.json), and a command "
        "takes one input. To see what changed between two runs, solve the later one's input "
        f"with --since the earlier run: osa-opt solve {book} --since monday; to ask more of "
        "one run, --run tuesday.\n")
    code, _, err = run("solve", "round.xlsx", "monday")
    assert code == 2
    assert "monday is a run folder of osa-opt (it holds run.json)" in err
    assert "osa-opt solve round.xlsx --since monday" in err
    # an extra argument that is no run folder: click's message alone, as before
    code, _, err = run("solve", "round.xlsx", "extra")
    assert code == 2 and err.endswith("Error: Got unexpected extra argument (extra)\n")


def test_a_slip_undone_is_told_where_its_cost_stood_once(tmp_path: Path, run: Run) -> None:
    """P-30 slipped (its ¥500m in cost_FY2027), solved; then brought back into FY2026 and
    solved --since. The account repeated P-30's whole reason with its fix, already done
    ('(to fund it in FY2026, move its cost to cost_FY2026; ...)'), three times: as it
    entered, as forced out before, and as ineligible before. Now where its cost stood,
    once as it entered and once as forced; the eligibility line, a repeat, is gone."""
    book = tmp_path / "round.xlsx"
    wb = openpyxl.load_workbook(example_path())
    ws = wb["projects"]
    ws.insert_cols(7)
    ws.cell(1, 7, "cost_FY2027")
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "P-30")
    ws.cell(row, 7, ws.cell(row, 6).value)
    ws.cell(row, 6).value = None
    wb.save(book)
    folder = tmp_path / "slipped"
    code, _, err = run("solve", book, "-k", "1", "--no-explain", "--quiet", "--out", folder)
    assert code == 0, err
    ws.cell(row, 6, 500)
    ws.cell(row, 7).value = None
    wb.save(book)
    code, out, err = run("solve", book, "-k", "1", "--no-explain", "--since", folder,
                         "--out", tmp_path / "back")
    assert code == 0, err
    said = " ".join(out.split())
    assert ("P-30 (was out: cost in another year: ¥500m in cost_FY2027, none in "
            "cost_FY2026)") in said
    assert ("forced in or out: P-30 (forced out: cost in another year (¥500m in "
            "cost_FY2027, none in cost_FY2026) → not forced (candidate))") in said
    assert "move its cost" not in said and "eligibility: P-30" not in said


def test_since_dot_names_the_folder(monday: tuple[Path, Path], tmp_path: Path, run: Run,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """From inside the earlier run's folder, ``osa-opt solve --since .`` printed "Since .
    (solved …)", naming no run; it names the folder now, by the name "." resolves to, in
    the terminal and in run.json alike. A folder given by a path keeps that path."""
    book, folder = monday
    monkeypatch.chdir(folder)
    code, out, err = run("solve", book, "--policy", "policy.toml", "-k", "1",
                         "--no-explain", "--out", tmp_path / "again", "--since", ".")
    assert code == 0, err
    assert "Since monday (solved " in out and "Since . " not in out
    manifest = json.loads((tmp_path / "again" / "run.json").read_text(encoding="utf-8"))
    assert manifest["analyses"]["since"]["run"] == "monday"
    code, out, err = run("solve", book, "--policy", "policy.toml", "-k", "1",
                         "--no-explain", "--out", tmp_path / "third", "--since", "../monday")
    assert code == 0, err
    assert "Since ../monday (solved " in out
