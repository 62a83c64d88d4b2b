"""A budget officer's year, run through the CLI on the shipped real rounds as a user would:
a round of another fiscal year than the shipped policy's, and an edited real round.

Each test asserts the text a user sees (the fix to type, the note on illustrative numbers),
and that following the fix gives a run.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROUNDS = Path(__file__).resolve().parents[1] / "inputs" / "real_rounds"


def hints(run: Callable, *args: str | Path) -> list[str]:
    code, out, _ = run("validate", *args, "--no-solve", "--json")
    assert code == 2
    return [i["hint"] for i in json.loads(out)["issues"]]


def words(text: str) -> str:
    """The terminal's text with its table borders and line breaks taken out."""
    return " ".join(re.sub(r"[│┃┏┓┗┛┡┩└┘├┤┼━─┳┻╇╋┬┴]", " ", text).split())


# ------------------------------------------- a round of another year than the policy's
def test_a_round_of_another_year_is_told_its_budget_not_to_rename_its_costs(
        run: Callable) -> None:
    """The FY2024 round under the shipped FY2026 policy was told "did you mean
    'cost_FY2026'? Rename the header 'cost_FY2024' to 'cost_FY2026'": followed, it solves
    the FY2024 packages against FY2026's ¥18,100m. Now the budget of FY2024 comes first,
    with the option to type; the rename says what it would do."""
    (hint,) = hints(run, ROUNDS / "FY2024")
    assert hint == (
        "the projects sheet's costs are for FY2024, the policy's budget for FY2026: to solve "
        "the round of FY2024, give its budget in place of FY2026's (--set "
        "'budget={FY2024=AMOUNT}' in ¥ million, or a policy file's [budget]); if the header "
        "is a typo for FY2026, rename 'cost_FY2024' to 'cost_FY2026' (its costs are then "
        "charged to FY2026's budget of ¥18,100m)")
    _, _, err = run("solve", ROUNDS / "FY2024", "--quiet")
    assert "give its budget in place of FY2026's (--set 'budget={FY2024=AMOUNT}'" in words(err)
    assert "did you mean" not in err
    code, _, _ = run("validate", ROUNDS / "FY2024", "--set", "budget={FY2024=5000}",
                     "--no-solve")
    assert code == 0


def test_a_budget_option_for_the_rounds_year_is_told_it_adds_a_year(run: Callable) -> None:
    """``--budget FY2024=5000`` on the FY2024 round adds FY2024 beside the shipped FY2026:
    the fix said only to add cost_FY2026 or remove FY2026 from the policy's [budget] (a file
    inside the package); now it also gives the option that budgets FY2024 alone."""
    (hint,) = hints(run, ROUNDS / "FY2024", "--budget", "FY2024=5000")
    assert hint == (
        "add cost_FY2026 with each project's cost in FY2026 (¥ million, 0 if none), or "
        "remove FY2026 from the policy's [budget]: to budget FY2024 alone, --set "
        "'budget={FY2024=5000}' (--budget adds a year beside the policy's; --set "
        "'budget={...}' replaces them)")
    code, _, _ = run("validate", ROUNDS / "FY2024", "--set", "budget={FY2024=5000}",
                     "--no-solve")
    assert code == 0


def test_a_next_years_workbook_is_told_its_budget(run: Callable, tmp_path: Path) -> None:
    """A FY2027 round (the FY2025 round's files with their column renamed) is told the
    budget of FY2027 to give, not to rename its costs to FY2026."""
    folder = tmp_path / "FY2027"
    shutil.copytree(ROUNDS / "FY2025", folder)
    projects = folder / "projects.csv"
    projects.write_text(projects.read_text(encoding="utf-8").replace("cost_FY2025",
                                                                     "cost_FY2027"),
                        encoding="utf-8")
    (hint,) = hints(run, folder)
    assert hint.startswith("the projects sheet's costs are for FY2027, the policy's budget "
                           "for FY2026: to solve the round of FY2027, give its budget in "
                           "place of FY2026's (--set 'budget={FY2027=AMOUNT}'")


def test_inputs_md_quotes_the_another_year_message_as_it_is() -> None:
    """docs/inputs.md's row for a round of another year quotes the message word for word."""
    import osa_opt

    docs = (Path(__file__).resolve().parents[1] / "docs" / "inputs.md").read_text("utf-8")
    with pytest.raises(osa_opt.InputError) as caught:
        osa_opt.load_problem(ROUNDS / "FY2024")
    assert f"`{caught.value.issues[0].message()}`" in docs


# ------------------------------------------------ an edited real round and its numbers
def test_an_edited_real_round_still_says_its_scores_are_illustrative(
        run: Callable, tmp_path: Path) -> None:
    """The FY2024 round with Mongolia's package slipped to FY2025 (status excluded) printed
    "Fund 3 partners: Philippines ¥1,600m, Djibouti ¥1,100m, Indonesia ¥1,000m" and a value
    of 16.500 with nothing saying that the scores and assessments behind it are neutral
    placeholders: the files no longer matched the shipped round's sha256, so the note went,
    though every row's illustrative column still says so. The terminal, the report's
    masthead, the workbook's Read me and run.json now say how many rows are marked and
    what they say."""
    import html

    import openpyxl
    import pandas as pd

    folder = tmp_path / "FY2024"
    shutil.copytree(ROUNDS / "FY2024", folder)
    projects = pd.read_csv(folder / "projects.csv")
    projects["status"] = "candidate"
    projects["status_reason"] = ""
    slipped = projects["project_id"] == "OSA-2024-MNG"
    projects.loc[slipped, "status"] = "excluded"
    projects.loc[slipped, "status_reason"] = "Slipped to FY2025"
    projects.to_csv(folder / "projects.csv", index=False)
    code, out, _ = run("solve", folder, "--set", "budget={FY2024=5000}", "--no-explain",
                       "-k", "1", "--out", tmp_path / "run")
    assert code == 0
    said = ("4 of 4 projects and 4 of 4 partners are marked illustrative in the input's "
            "illustrative column ('illustrative: score_security, score_humanitarian, "
            "score_partnership (neutral 5, the same for every package; the record scores "
            "nothing)'; 'illustrative: priority_tier (2), democracy, rule_of_law, human_rights "
            "(5) are neutral placeholders, the same for every partner, no assessment of a real "
            "country'): the numbers those notes name are not real, nor is a value computed "
            "from them (clear a row's note once its numbers are your own).")
    assert said in " ".join(out.split())
    assert "A real OSA round" not in out  # the files are no longer the record's as shipped
    page = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert said in " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    book = openpyxl.load_workbook(tmp_path / "run" / "portfolios.xlsx")
    readme = dict(r[:2] for r in book["Read me"].iter_rows(values_only=True) if r[0])
    assert readme["Input"] == said
    assert json.loads((tmp_path / "run" / "run.json").read_text("utf-8"))["input_note"] == said


# ------------------------------------------------------ reserves when a candidate slips
def test_a_complete_reserve_list_is_not_told_to_raise_the_budget_sweep(run: Callable) -> None:
    """``osa-opt execution`` on the shipped example found one reserve (P-17) and advised
    "Lengthen the reserve list by raising the top of the budget sweep (... frontier.stop)";
    at frontier.stop=3 it said the same with the same one reserve: every eligible project
    already fits in 150% of the budget, and the rest are kept out by exclusive groups. Now
    the note says so, naming them; under a country cap (which grows with the budget) the
    old advice stays."""
    notes = {}
    for name, extra in (("plain", ()), ("wider", ("--set", "frontier.stop=3")),
                        ("capped", ("--set", "priority.max_country_share=0.2"))):
        code, out, _ = run("execution", "--set", "execution.target=0.9", "--samples", "50",
                           "--quiet", "--json", *extra)
        assert code == 0
        notes[name] = json.loads(out)["notes"][-1]
    assert notes["plain"] == (
        "The reserve list already holds every project that can join portfolio 1: every "
        "eligible project fits in 150% of the budget, so a larger one adds none; the policy's "
        "rules keep P-03, P-13 and P-33 out (an exclusive group's other item funded, a "
        "requirement, a maximum: osa-opt explain PROJECT_ID says which). More reserves need "
        "more candidates in the round; or lower the target share of the budget to execute "
        "(policy key execution.target).")
    assert notes["wider"].startswith("The reserve list already holds every project")
    assert "every eligible project fits in 300% of the budget" in notes["wider"]
    assert notes["capped"].startswith("Lengthen the reserve list by raising the top of the "
                                      "budget sweep")


# ------------------------------------------- a supplementary cut below what is signed
def test_a_cut_below_the_signed_packages_names_the_one_to_drop(
        run: Callable, tmp_path: Path) -> None:
    """P-02, P-05 and P-17 signed (¥5,600m with mandatory P-01's ¥900m) and the budget cut
    to ¥5,000m: the message said "raise the budget by ¥1,500m or drop one of P-17", a list
    of one, without the edit that drops a signed project. Now: "or drop P-17 (signed:
    clear its stage)"."""
    import openpyxl

    from osa_opt.data import example_path

    book = openpyxl.load_workbook(example_path())
    sheet = book["projects"]
    stage = next(c.column for c in sheet[1] if c.value == "stage")
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in ("P-02", "P-05", "P-17"):
            sheet.cell(row[0].row, stage).value = "signed"
    book.save(tmp_path / "signed.xlsx")
    code, _, err = run("solve", tmp_path / "signed.xlsx", "--budget", "FY2026=5000", "-k",
                       "1", "--out", tmp_path / "run")
    assert code == 3
    assert ("Projects forced in (mandatory or signed) need ¥6,500m in FY2026 but the budget "
            "is ¥5,000m: raise the budget by ¥1,500m or drop P-17 (signed: clear its "
            "stage).") in " ".join(err.split())


# ------------------------------------------------ ranked portfolios of equal value
def test_equal_later_portfolios_are_said_to_be_equal(run: Callable, tmp_path: Path) -> None:
    """The FY2025 round, every package within its budget: portfolios 2 to 5 each drop two of
    the five packages (60.0% each; "Portfolio 2 (60.0% of the best value): drops ... Sri
    Lanka ... Malaysia"), four of ten equal ways to, ranked with nothing saying so. The
    terminal, run.json, the report and the workbook now say they are worth the same."""
    code, out, _ = run("solve", ROUNDS / "FY2025", "--set", "budget={FY2025=8100}",
                       "--no-explain", "--out", tmp_path / "run")
    assert code == 0
    note = ("Portfolios 2, 3, 4 and 5 are worth the same (16.500, 60.0% of portfolio 1): their "
            "order is the solver's choice, not a rule, and other portfolios of that value may "
            "exist beyond those shown. Choose between them on grounds the model does not "
            "weigh.")
    assert note in " ".join(out.split())
    manifest = json.loads((tmp_path / "run" / "run.json").read_text("utf-8"))
    assert manifest["notes"] == [note]
    page = (tmp_path / "run" / "report.html").read_text("utf-8")
    assert "other portfolios of that value may exist beyond those shown" in page
    # the two packages a portfolio drops, one clause: "drops A (Sri Lanka, ¥500m); B
    # (Malaysia, …)" read as a clause of B's own, and Malaysia's title holds a ";" itself
    flat = " ".join(out.split())
    assert ("Portfolio 2 (60.0% of the best value): drops OSA-2025-LKA Japanese-made UAVs "
            "for surveillance and disaster response (Sri Lanka, ¥500m) and OSA-2025-MYS "
            "Diving support vessel; ceasefire-monitoring equipment") in flat


# ------------------------------------------------------ two officers compare their runs
def test_since_another_officers_copy_says_whether_its_contents_differ(
        run: Callable, tmp_path: Path) -> None:
    """Officer A solved round-a.xlsx; officer B solved her copy round-b.xlsx --since A's
    run: "input .../round-a.xlsx → .../round-b.xlsx", nothing saying whether the two files
    hold the same round (files are compared by name). Now "(the same contents)", or
    "(other contents)" for a copy edited since."""
    import openpyxl

    from osa_opt.data import example_path

    a, b, c = (tmp_path / f"round-{x}.xlsx" for x in "abc")
    shutil.copy(example_path(), a)
    shutil.copy(example_path(), b)
    book = openpyxl.load_workbook(example_path())
    book["projects"]["L17"] = "excluded"  # P-16's status
    book.save(c)
    assert run("solve", a, "-k", "1", "--no-explain", "--quiet", "--out", tmp_path / "A")[0] == 0
    said = {}
    for copy in (b, c):
        code, out, _ = run("solve", copy, "-k", "1", "--no-explain", "--since", tmp_path / "A",
                           "--out", tmp_path / copy.stem)
        assert code == 0
        said[copy.stem] = " ".join(out.split())
    assert f"input {a} → {b} (the same contents)." in said["round-b"]
    assert f"input {a} → {c} (other contents)" in said["round-c"]


# ------------------------------------------------------ what goes to disaster relief
def test_the_field_chart_says_how_a_project_of_several_fields_counts(tmp_path: Path) -> None:
    """The report's "Portfolio 1 by field" gave Disaster relief ¥3,700m, though the funded
    items tagged disaster relief cost ¥4,100m: a project of several fields counts an equal
    part in each, and neither the report nor the workbook said so. Both do now, the report
    with an example from the round."""
    import html

    import openpyxl

    import osa_opt

    result = osa_opt.solve(osa_opt.load_problem(), portfolios=1, explain=False)
    result.write(tmp_path / "run")
    page = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert ("A project of several fields counts an equal part of its funded cost in each "
            "field (as the policy's field shares do): P-09's ¥500m is ¥250m in Maritime "
            "surveillance and ¥250m in Search and rescue.") in text
    book = openpyxl.load_workbook(tmp_path / "run" / "portfolios.xlsx")
    rows = {r[0]: r[1] for r in book["Read me"].iter_rows(values_only=True) if r[0]}
    assert rows["By field"].endswith("(a project of several fields counts an equal part of "
                                     "its cost and value in each, as the policy's field "
                                     "shares do)")


# ------------------------------------------- a slipped project is out, not ineligible
def test_a_slipped_project_is_called_forced_out_not_ineligible(
        run: Callable, tmp_path: Path) -> None:
    """P-15 slipped to FY2027 (status excluded, with its reason) was listed in the report
    under "5 of 38 projects cannot be funded under the policy's eligibility rules" beside a
    party to a conflict, counted on the headline card as "6 excluded", and explained as
    "Not eligible: status excluded: ..."; a slip is the round's decision, not a failed
    rule. Now the card reads "4 ineligible, 2 forced out", the section says which are
    which, and explain says "Out of this round"."""
    import html

    import openpyxl

    from osa_opt.data import example_path

    book = openpyxl.load_workbook(example_path())
    book["projects"]["L16"] = "excluded"  # P-15's status
    book["projects"]["M16"] = "Slipped to FY2027: the partner's survey is not finished"
    book.save(tmp_path / "slip.xlsx")
    code, _, _ = run("solve", tmp_path / "slip.xlsx", "-k", "1", "--no-explain", "--quiet",
                     "--out", tmp_path / "run")
    assert code == 0
    page = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "Eligible projects 32 of 38 4 ineligible, 2 forced out; 1 eligible only by an " \
           "override" in text
    assert ("6 of 38 projects cannot be funded: 4 under the policy's eligibility rules, 2 "
            "forced out by the projects sheet (status excluded: a slip, a withdrawal, a "
            "deferral, with its status_reason)") in text
    code, out, _ = run("explain", "P-15", tmp_path / "slip.xlsx")
    assert code == 0
    assert ("Out of this round: status excluded: Slipped to FY2027: the partner's survey is "
            "not finished.") in " ".join(out.split())
    code, out, _ = run("explain", "P-35", tmp_path / "slip.xlsx")
    assert "Not eligible: country is a party to a conflict" in " ".join(out.split())


@pytest.mark.slow
def test_portfolios_shown_alike_but_apart_are_not_called_a_tie(run: Callable,
                                                               tmp_path: Path) -> None:
    """A synthetic 2,000-project round (benchmarks' generator) ranked into ten portfolios:
    the terminal noted "Portfolios 6, 7 and 8 are worth the same (7,655.961 …)" under a
    table showing portfolio 8 at 7,655.960; then "Portfolios 6 and 7 are worth the same
    ... their order is the solver's choice" though 6 is worth 0.00034 more than 7 (4e-8 of
    the value, a gap HiGHS's mip_abs_gap of 1e-6 ranks). No pair is called worth the same;
    the pairs shown alike are named with the difference, in digits that show it, and each
    is ranked by its value."""
    import json
    import re

    from benchmarks.bench_process import write_round

    policy = write_round("2000x1", 0, tmp_path / "round")
    code, out, err = run("solve", tmp_path / "round", "--policy", policy, "--no-explain",
                         "--out", tmp_path / "run")
    assert code == 0, err
    shown = dict(re.findall(r"^│\s+(\d+) │\s+([\d,]+\.\d{3}) │", out, flags=re.M))
    assert len(shown) == 10
    flat = " ".join(out.split())
    assert "worth the same" not in flat and "a tie." not in flat
    values = {p["rank"]: p["objective"]
              for p in json.loads((tmp_path / "run" / "run.json").read_text())["portfolios"]}
    assert values[6] - values[7] > 1e-4 and shown["6"] == shown["7"] == "7,655.961"
    assert ("Portfolios 6 and 7 show the same value in three decimals (7,655.961) but are "
            "not a tie: 6 is worth 0.00034 more (7,655.96094 against 7,655.96060). Likewise "
            "8 and 9 (7,655.960): 8 is worth 0.00038 more (7,655.96029 against 7,655.95992). "
            "The ranking follows these values: it is not the solver's choice.") in flat


# ------------------------------------------------ an input problem at 80 columns
def test_a_problem_at_80_columns_has_room_for_its_fix(
        run: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """'Slipped to FY2027' typed in P-15's status, validated in an 80-column terminal: the
    six-column table left the fix 16 characters wide, 20 lines for three lines of text
    ("a project / moved to a / later fiscal / year is out of ..."). A fix narrower than 30
    characters now takes the stacked layout: the fix in a column of its own, half the
    lines."""
    import openpyxl

    from osa_opt.data import example_path

    book = openpyxl.load_workbook(example_path())
    book["projects"]["L16"] = "Slipped to FY2027"
    book.save(tmp_path / "slip.xlsx")
    monkeypatch.setenv("COLUMNS", "80")
    code, _, err = run("validate", tmp_path / "slip.xlsx", "--no-solve")
    assert code == 2
    lines = err.splitlines()
    assert "Rule and how to fix" in err and max(map(len, lines)) <= 80
    assert len(lines) <= 16, err
    assert "Fix: a project moved to a later" in err


def test_a_copy_of_the_example_still_says_its_partners_are_fictional(
        run: Callable, tmp_path: Path) -> None:
    """The shipped example converted to .ods by LibreOffice (or copied and lightly edited) is
    a round of its own by its checksum, titled 'copy FY2026', and its outputs said nothing of
    its partners, the example's fictional ones. They now say so, without calling the round
    the shipped example: the terminal, the report's masthead, the Read me, run.json."""
    import html

    import openpyxl

    import osa_opt
    from osa_opt.data import EXAMPLE_NOTE, example_path

    book = openpyxl.load_workbook(example_path())
    sheet = book["projects"]
    title = next(c for c in sheet[1] if c.value == "title").column
    sheet.cell(2, title).value = "Coastal radars, revised"  # a light edit: a round of its own
    copy = tmp_path / "copy.xlsx"
    book.save(copy)
    said = ("Its 14 partners (Aurelia, Serendel, Lumaris and 11 more) are the shipped "
            "example's fictional partners, not real countries: numbers that came with them "
            "from the example are illustrative (rename or replace a partner once it is a real "
            "one).")
    problem = osa_opt.load_problem(copy)
    assert problem.title == "copy FY2026" and problem.input_note == said
    code, out, err = run("solve", copy, "--out", tmp_path / "run", "--no-explain", "-k", "1")
    assert code == 0, err
    assert said in " ".join(out.split()) and EXAMPLE_NOTE not in out
    page = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert said in " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    readme = dict(r[:2] for r in openpyxl.load_workbook(tmp_path / "run" / "portfolios.xlsx")[
        "Read me"].iter_rows(values_only=True) if r[0])
    assert readme["Input"] == said
    assert json.loads((tmp_path / "run" / "run.json").read_text("utf-8"))["input_note"] == said
    # a partner renamed to a real one is no longer called fictional; the others still are
    countries = problem.countries.reset_index()
    countries.loc[0, "country"] = "Fiji"
    projects = problem.projects.reset_index()
    projects.loc[projects["country"] == "Aurelia", "country"] = "Fiji"
    renamed = osa_opt.Problem.from_frames(projects, countries, problem.policy)
    assert renamed.input_note is not None and renamed.input_note.startswith(
        "13 of 14 partners (Serendel, Lumaris, Tavola and 10 more) are the shipped example's")
    assert osa_opt.load_problem().input_note == EXAMPLE_NOTE  # the example as shipped
