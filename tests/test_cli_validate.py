"""``osa-opt validate``: exit codes, every problem with its row, a summary, clean JSON."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from test_validation import Frames, put

from osa_opt.cli import cli
from osa_opt.cli.common import run_cli


@pytest.fixture
def files(tmp_path: Path, tiny_frames: Frames, write_xlsx: Callable,
          write_csv: Callable) -> dict[str, Path]:
    """A valid workbook, a workbook with three problems, the same as CSV, and the policy."""
    projects, countries, policy = tiny_frames
    bad_projects = put(put(projects, 4, "risk", "high"), 6, "country", "Atlantis")
    bad_countries = put(countries, 3, "oda_eligible", "maybe")
    toml = tmp_path / "tiny.toml"
    toml.write_text(policy.to_toml(), encoding="utf-8")
    return {
        "good": write_xlsx(tmp_path / "good.xlsx", projects, countries),
        "bad": write_xlsx(tmp_path / "bad.xlsx", bad_projects, bad_countries),
        "bad_csv": write_csv(tmp_path / "bad_csv", bad_projects, bad_countries),
        "policy": toml,
    }


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable:
    """Run ``osa-opt validate ARGS`` in-process through the real top level (run_cli)."""

    def invoke(*args: str | Path) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["osa-opt", "validate", *map(str, args)])
        code = run_cli(cli)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def test_valid_input_prints_a_summary(run: Callable, files: dict[str, Path]) -> None:
    code, out, err = run(files["good"], "--policy", files["policy"])
    assert code == 0, err
    assert "Valid" in out and "Tiny test round" in out
    assert re.search(r"projects\s+6", out) and re.search(r"eligible projects\s+5", out)
    assert "status excluded" in out
    assert re.search(r"FY2026\W+2,000\W+3,450", out)


def test_json_summary_is_the_only_stdout(run: Callable, files: dict[str, Path]) -> None:
    code, out, _ = run(files["good"], "--policy", files["policy"], "--json",
                       "--budget", "FY2026=2500", "--set", "eligibility.min_democracy=6")
    assert code == 0
    summary = json.loads(out)
    assert summary["valid"] is True
    assert summary["budget"] == {"FY2026": 2500.0, "FY2027": 1000.0}
    assert summary["requested"] == {"FY2026": 3450.0, "FY2027": 650.0}
    assert summary["eligible"] == 4  # Caldera (democracy 5) now fails: P-05 out
    assert summary["ineligible_by_reason"] == {"democracy below threshold": 2,
                                               "status excluded": 1}


def test_problems_are_listed_with_rows_and_exit_2(run: Callable,
                                                   files: dict[str, Path]) -> None:
    code, out, err = run(files["bad"], "--policy", files["policy"])
    assert code == 2
    assert out == ""
    assert "3 problems in the input" in err
    assert re.search(r"projects\W+4\W+risk\W+high", err)
    assert re.search(r"projects\W+6\W+country\W+Atlantis", err)
    assert re.search(r"countries\W+3\W+oda_eligible\W+maybe", err)
    assert "Traceback" not in err


def test_json_problems(run: Callable, files: dict[str, Path]) -> None:
    code, out, err = run(files["bad_csv"], "--policy", files["policy"], "--json")
    assert code == 2
    payload = json.loads(out)
    assert payload["valid"] is False
    assert [(i["sheet"], i["row"], i["column"]) for i in payload["issues"]] == [
        ("projects", 4, "risk"), ("projects", 6, "country"), ("countries", 3, "oda_eligible")]
    assert "3 problems" in err


def test_missing_input_file(run: Callable, files: dict[str, Path], tmp_path: Path) -> None:
    code, _, err = run(tmp_path / "nowhere.xlsx", "--policy", files["policy"])
    assert code == 2 and "nowhere.xlsx" in err and "not found" in err
    assert "Traceback" not in err


def test_bad_budget_option_is_a_usage_error(run: Callable, files: dict[str, Path]) -> None:
    code, _, err = run(files["good"], "--policy", files["policy"], "--budget", "FY2026")
    assert code == 2 and "FY=AMOUNT" in err


def test_unknown_set_key_is_named(run: Callable, files: dict[str, Path]) -> None:
    code, _, err = run(files["good"], "--policy", files["policy"], "--set",
                       "priority.min_country=3")
    assert code == 2 and "priority.min_country" in err and "min_countries" in err


def test_policy_and_input_problems_together(run: Callable, files: dict[str, Path],
                                            tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "x"\ncolour = 1\n[budget]\nFY2026 = 1\n', encoding="utf-8")
    code, _, err = run(tmp_path / "nowhere.xlsx", "--policy", broken)
    assert code == 2 and "colour" in err and "nowhere.xlsx" in err


def test_help_lists_the_options(run: Callable) -> None:
    code, out, _ = run("--help")
    assert code == 0
    for option in ("--policy", "--budget", "--set", "--json"):
        assert option in out


@pytest.mark.slow
@pytest.mark.parametrize("which", ["bad", "bad_csv"])
def test_subprocess_exit_code_and_rows(files: dict[str, Path], which: str) -> None:
    # at 80 columns, as a terminal shows it (the problems table folds sheet, row and column
    # into one column there); whatever COLUMNS an earlier test left in the environment
    done = subprocess.run(
        [sys.executable, "-m", "osa_opt", "validate", str(files[which]), "--policy",
         str(files["policy"])], capture_output=True, text=True, timeout=120,
        env={**os.environ, "COLUMNS": "80"})
    assert done.returncode == 2
    assert re.search(r"projects, row 4, risk, value high", done.stderr), done.stderr
    assert "countries, row 3, oda_eligible, value" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr + done.stdout


@pytest.mark.slow
def test_subprocess_valid_json(files: dict[str, Path]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "osa_opt", "validate", str(files["good"]), "--policy",
         str(files["policy"]), "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["projects"] == 6


def test_out_of_time_is_not_called_policy_not_met(run: Callable) -> None:
    """Exit 4: the headline and the advice say time, in words, with the policy key."""
    code, out, err = run("--set", "solver.time_limit=1e-9")
    assert code == 4
    said = " ".join(out.split())
    assert said.startswith("Valid input, no portfolio found within the time limit:"), said
    assert "policy not met" not in said
    said = " ".join(err.split())
    assert "allow the solver more time (policy key solver.time_limit" in said, said


def test_valid_means_the_policy_can_be_met(run: Callable) -> None:
    """One solve checks the policy: a mandatory project above the budget is no "Valid"."""
    code, out, err = run()
    assert code == 0, err
    said = " ".join(out.split())
    assert said.startswith("Valid: shipped example")
    assert "Some portfolio meets every rule of the policy (one solve)" in said
    code, out, err = run("--budget", "FY2026=800")
    assert code == 3
    assert "Valid:" not in out and "Valid input, policy not met" in out
    said = " ".join(err.split())
    assert "The policy cannot be met" in said
    assert re.search(r"Mandatory P-\d+ alone needs ¥[\d,]+m in FY2026; the budget is ¥800m",
                     said), said


def test_no_solve_skips_the_policy_check(run: Callable) -> None:
    code, out, err = run("--budget", "FY2026=800", "--no-solve")
    assert code == 0, err
    assert "Valid:" in out and "--no-solve" in " ".join(out.split())
    code, out, _ = run("--budget", "FY2026=800", "--no-solve", "--json")
    assert code == 0 and "feasible" not in json.loads(out)


def test_json_says_whether_the_policy_can_be_met(run: Callable) -> None:
    code, out, _ = run("--budget", "FY2026=800", "--json")
    assert code == 3
    payload = json.loads(out)  # stdout is the JSON alone, also when the policy fails
    assert payload["valid"] is True and payload["feasible"] is False
    assert payload["status"] == "infeasible"
    assert payload["diagnosis"][0]["rule"] == "budget[FY2026]"
    code, out, _ = run("--json")
    assert code == 0 and json.loads(out)["feasible"] is True


def test_a_budget_year_the_input_lacks_is_blamed_on_the_option(run: Callable) -> None:
    code, _, err = run("--budget", "FY2028=500", "--no-solve")
    assert code == 2
    said = " ".join(err.split())
    assert "--budget FY2028=500" in said and "FY2028 is not a fiscal year of this input" in said
    assert "missing column" not in said
    header = re.sub(r"[\u2500-\u257f]", " ", said.split("problem in the input")[1]).split()
    assert "Option line key Value Rule" in " ".join(header)  # titled by source


def test_a_budget_with_a_thousands_separator_says_so_and_shows_the_fix(run: Callable) -> None:
    """``--budget FY2026=18,100`` was refused with "write FY=AMOUNT" only: the amount's
    separator is named and the option to type shown."""
    code, _, err = run("--budget", "FY2026=18,100", "--no-solve")
    assert code == 2
    said = " ".join(err.split())
    assert "'FY2026=18,100'" in said and "thousands separator" in said
    assert "--budget FY2026=18100" in said
    code, _, err = run("--budget", "FY2026=1 810 000", "--no-solve")
    assert code == 2 and "--budget FY2026=1810000" in " ".join(err.split())


def test_a_set_number_with_a_thousands_separator_says_so(run: Callable) -> None:
    """``--set key=1,000`` is read as the text "1,000": the issue names the separator and
    the number to write, for a budget and for a whole number alike."""
    for option, plain in (("budget.FY2026=18,100", "18100"),
                          ("priority.min_countries=1,000", "1000")):
        code, out, _ = run("--set", option, "--no-solve", "--json")
        assert code == 2
        (issue,) = json.loads(out)["issues"]
        assert issue["sheet"] == f"--set {option}"
        assert issue["rule"].startswith("a number with a thousands separator")
        assert issue["hint"] == f"write the number without separators: {plain}"


@pytest.mark.parametrize("year", ["fy2026", "FY2062", "2026"])
def test_a_budget_year_the_policy_lacks_gets_a_did_you_mean(run: Callable, year: str) -> None:
    """A year in the wrong case or mistyped: the closest of the policy's fiscal years, as
    the option to type, and the policy's years named."""
    for option, fixed in (("--budget", "--budget FY2026=18100"),
                          ("--set", "--set budget.FY2026=18100")):
        typed = f"{year}=18100" if option == "--budget" else f"budget.{year}=18100"
        code, out, _ = run(option, typed, "--no-solve", "--json")
        assert code == 2
        (issue,) = json.loads(out)["issues"]
        assert issue["sheet"] == f"{option} {typed}"
        assert issue["rule"].startswith(f"{year} is not a fiscal year of this input")
        assert issue["hint"] == (
            f"did you mean {fixed}? (the policy's fiscal years: FY2026) Otherwise check the "
            f"year in {option}, or add cost_{year} to the projects sheet with each project's "
            "cost in that year")
    code, _, err = run("--budget", f"{year}=18100", "--no-solve")  # the table says it too
    assert "did you mean" in err and "FY2026" in err


def test_a_budget_year_set_with_set_is_blamed_on_that_option(run: Callable) -> None:
    code, _, err = run("--set", "budget.FY2028=500", "--no-solve")
    assert code == 2
    said = " ".join(err.split())
    assert "--set budget.FY2028=500" in said and "check the year in --set" in said
    assert "overrides" not in said and "missing column" not in said


def test_a_budget_year_in_python_overrides_is_blamed_on_the_overrides() -> None:
    import osa_opt

    with pytest.raises(osa_opt.InputError) as err:
        osa_opt.load_problem(overrides={"budget.FY2028": 500})
    (issue,) = err.value.issues
    assert issue.message().startswith(
        "overrides 'budget.FY2028', column 'cost_FY2028': missing column cost_FY2028: FY2028 "
        "is not a fiscal year of this input")
    assert "check the year in overrides" in issue.message()
    assert "--" not in issue.message()  # no command-line words in Python


def test_a_policy_problem_carries_its_toml_line(run: Callable, tmp_path: Path) -> None:
    toml = tmp_path / "bad.toml"
    toml.write_text("# a round\n[budget]\nFY2026 = 100\nFY2027 = \"x\"\n\n[objective]\n"
                    "weigths = 3\n", encoding="utf-8")
    code, _, err = run("--policy", toml, "--json")
    assert code == 2
    code, _, err = run("--policy", toml)
    said = " ".join(err.replace("│", " ").replace("┃", " ").split())
    assert "Policy file" in said
    assert "policy bad.toml 4 budget.FY2027" in said
    assert "policy bad.toml 7 objective.weigths" in said


def test_many_bad_rows_list_the_first_of_each_rule_and_count_the_rest(
        run: Callable, tmp_path: Path, tiny_frames: Frames, write_csv: Callable) -> None:
    """30 projects with an out-of-range score: 20 listed with their CSV rows, one line for
    the other 10; the JSON carries the count and the table's title the total."""
    from osa_opt.inputs.issue_list import MAX_PER_RULE

    projects, countries, policy = tiny_frames
    many = pd.concat([projects.iloc[[2]]] * 30, ignore_index=True)  # P-03 in Borealis
    many["project_id"] = [f"Q-{i:02d}" for i in range(30)]
    many["requires"] = ""
    many["exclusive_group"] = ""
    many["status"] = "candidate"
    many["score_security"] = 11.0
    folder = write_csv(tmp_path / "many", many, countries)
    toml = tmp_path / "tiny.toml"
    toml.write_text(policy.to_toml(), encoding="utf-8")
    code, out, err = run(folder, "--policy", toml, "--json")
    assert code == 2
    issues = json.loads(out)["issues"]
    assert [i["row"] for i in issues[:MAX_PER_RULE]] == list(range(2, 2 + MAX_PER_RULE))
    assert len(issues) == MAX_PER_RULE + 1
    assert (issues[-1]["more"], issues[-1]["row"]) == (30 - MAX_PER_RULE, None)
    assert issues[-1]["rule"] == "and 10 more: must be a number in [0, 10]"
    code, out, err = run(folder, "--policy", toml)
    assert code == 2 and "30 problems in the input" in err and "and 10 more" in err


def test_the_summary_tables_are_headed_as_solve_heads_them(run: Callable,
                                                           files: dict[str, Path]) -> None:
    # validate and solve print the same "why not" counts: the same capitalised headers (the
    # shipped example: the tiny round's only project out is status excluded, forced out,
    # not ineligible, so it has no table of reasons)
    from osa_opt.data import example_path

    code, out, err = run(example_path(), "--no-solve")
    assert code == 0, err
    headers = {" ".join(cell.split()) for line in out.splitlines() if line.startswith("┃")
               for cell in line.strip("┃").split("┃")}
    assert {"Reason", "Projects", "Fiscal year", "Budget", "Requested",
            "Requested / budget"} <= headers
    assert not {"reason", "projects", "fiscal year", "budget"} & headers


def test_at_80_columns_no_word_of_a_problem_is_split(
        run: Callable, tmp_path: Path, tiny_frames: Frames, write_xlsx: Callable,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """At 80 columns the six-column problem table folded words across lines
    ("maritime_survei" / "llance", "score_securit" / "y"): the layout counted a folded
    word as fitting. A table whose words do not fit is now the stacked one, and every
    field code, column name and value reads whole."""
    projects, countries, policy = tiny_frames
    toml = tmp_path / "tiny.toml"
    toml.write_text(policy.to_toml(), encoding="utf-8")
    bad = put(projects, 2, "field", "coast guard")
    monkeypatch.setenv("COLUMNS", "80")
    code, _, err = run(write_xlsx(tmp_path / "bad.xlsx", bad, countries), "--policy", toml)
    assert code == 2 and "1 problem in the input" in err
    assert max(len(line) for line in err.splitlines()) <= 80
    words = set(re.findall(r"\w+", err))
    for whole in ("maritime_surveillance", "search_and_rescue", "counter_terrorism"):
        assert whole in words, whole
        assert not any(w != whole and whole.startswith(w) and len(w) > 3 for w in words), (
            whole, sorted(words))


def test_the_help_names_every_kind_of_input_validate_reads(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """validate reads LibreOffice's .ods as README.md says (and the tests read one), but
    its --help said "an .xlsx workbook or a folder of CSV files": a LibreOffice user
    would think to convert first."""
    monkeypatch.setattr(sys, "argv", ["osa-opt", "validate", "--help"])
    assert run_cli(cli) == 0
    first = " ".join(capsys.readouterr().out.split()).split("Check INPUT")[1][:80]
    assert ".ods" in first and ".xlsx" in first and "CSV" in first, first


@pytest.mark.parametrize(("args", "named"), [
    (("--set", "priority.min_country=8"), "--set priority.min_country=8"),
    (("--set", "priority.min_countries=eight"), "--set priority.min_countries=eight"),
    (("--budget", "FY2026=-5"), "--budget FY2026=-5"),
])
def test_a_bad_option_is_named_as_typed(run: Callable, args: tuple[str, str], named: str,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A mistyped --set key was placed at "policy override", a bad value at "policy
    override (command line or API)": two names for one place, neither the option typed.
    The problem table names the option as typed, as it does for a --budget year the input
    lacks."""
    monkeypatch.setenv("COLUMNS", "200")  # the option on one line of its cell
    code, _, err = run(*args, "--no-solve")
    assert code == 2
    said = " ".join(err.split())
    assert named in said and "policy override" not in said, said


def test_validate_shows_a_budget_as_solve_and_the_workbook_do(run: Callable) -> None:
    """A budget of ¥18,100.5m read "18,100" in validate's table (Python's half to even)
    and "18,101" in solve's budget table and the workbook's #,##0 cell."""
    code, out, _ = run("--budget", "FY2026=18100.5", "--no-solve")
    assert code == 0
    assert re.search(r"FY2026\W+18,101\W+27,000\W+149%", out), out
