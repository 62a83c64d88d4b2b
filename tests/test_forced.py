"""What the analyst forced, confirmed; and what a requirement keeps out for good, said.

1. Every project the projects sheet forces in (status mandatory, stage signed) or out
   (status excluded) is listed with its country, cost and status_reason by ``osa-opt
   validate`` and ``osa-opt solve`` (not only counted), and by the report, the workbook and
   run.json.
2. A project that requires, directly or through others, a project that cannot be funded
   (excluded or ineligible) can never be funded: an input warning says so, its reason for
   being out names the chain, and why-out answers it as a proof, without a re-solve.

Made from the shipped example: an edited workbook through the CLI, or
``problem.with_projects``.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import osa_opt
from osa_opt.analysis.baseline import solve_baseline
from osa_opt.analysis.why import explain_portfolio, explain_project
from osa_opt.cli import cli
from osa_opt.cli.common import run_cli
from osa_opt.cli.render import REQUIRES_UNFUNDABLE, exclusion_counts, forced_lines
from osa_opt.data import example_path
from osa_opt.errors import InputError
from osa_opt.inputs.issue_list import MAX_PER_RULE
from osa_opt.inputs.problem import Problem

P01_REASON = ("FY2025 package that slipped: the exchange of notes was negotiated in FY2025 "
              "and is to be signed in FY2026")
P26_REASON = ("Deferred at the recipient's request: the training-centre site will not be "
              "ready before FY2028")
WITHDRAWN = "withdrawn by Aurelia"


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable:
    """``osa-opt ARGS`` in-process through the real top level: (exit code, stdout, stderr),
    each with its runs of white space made one space (lines wrap at the console's width)."""

    def invoke(*args: str | Path) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["osa-opt", *map(str, args)])
        code = run_cli(cli)
        captured = capsys.readouterr()
        return code, " ".join(captured.out.split()), " ".join(captured.err.split())

    return invoke


def workbook(path: Path, cells: dict[tuple[int, str], Any]) -> Path:
    """The shipped example saved at ``path`` with the projects sheet's cells (Excel row,
    header) written."""
    book = openpyxl.load_workbook(example_path())
    sheet = book["projects"]
    columns = {c.value: c.column for c in sheet[1]}
    for (row, header), value in cells.items():
        sheet.cell(row, columns[header]).value = value
    book.save(path)
    return path


def row_of(pid: str) -> int:
    """The Excel row of a project of the shipped example."""
    return int(osa_opt.load_problem().projects.at[pid, "_row"])


def edited(**changes: dict[str, Any]) -> Problem:
    """The shipped example with each project's columns changed (``P_02={"status": ...}``)."""
    problem = osa_opt.load_problem()
    projects = problem.projects.copy()
    for key, values in changes.items():
        for column, value in values.items():
            projects.at[key.replace("_", "-"), column] = value
    return problem.with_projects(projects)


# ---------------------------------------------------------------------- 1. forced, confirmed
def test_validate_and_solve_list_each_forced_project_with_its_reason(
        run: Callable, tmp_path: Path) -> None:
    """A signed item (P-20) and an excluded one without a reason (P-17, above it in the
    sheet) beside the example's mandatory P-01 and excluded P-26: each is listed, those
    forced in first, in the terminal of validate and solve, and in run.json, the workbook
    and the report."""
    path = workbook(tmp_path / "round.xlsx", {(row_of("P-20"), "stage"): "signed",
                                              (row_of("P-17"), "status"): "excluded"})
    lines = [f"Forced in: P-01 (Aurelia, ¥900m), status mandatory: {P01_REASON}",
             "Forced in: P-20 (Nalumea, ¥300m), stage signed (no status_reason given)",
             "Forced out: P-17 (Lumaris, ¥3,100m), status excluded (no status_reason given)",
             f"Forced out: P-26 (Tavola, ¥500m), status excluded: {P26_REASON}"]
    block = " ".join(lines)

    code, out, err = run("validate", path)
    assert code == 0, err
    assert block in out

    code, out, err = run("validate", path, "--json", "--no-solve")
    assert code == 0, err
    assert json.loads(out)["forced"]["P-20"] == {
        "country": "Nalumea", "total_cost": 300.0, "forced": "in", "by": "stage signed",
        "status_reason": "", "cost_elsewhere": ""}

    folder = tmp_path / "run"
    code, out, err = run("solve", path, "--out", folder, "--no-explain", "-k", "1")
    assert code == 0, err
    assert block in out
    forced = json.loads((folder / "run.json").read_text(encoding="utf-8"))["problem"]["forced"]
    assert list(forced) == ["P-01", "P-20", "P-17", "P-26"]
    assert forced["P-26"] == {"country": "Tavola", "total_cost": 500.0, "forced": "out",
                              "by": "status excluded", "status_reason": P26_REASON,
                              "cost_elsewhere": ""}

    sheet = openpyxl.load_workbook(folder / "portfolios.xlsx")["Projects"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    header = rows[0]
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert [by_id[p]["Forced"] for p in ("P-01", "P-20", "P-17", "P-26", "P-02")] == [
        "in: status mandatory", "in: stage signed", "out: status excluded",
        "out: status excluded", None]

    html = (folder / "report.html").read_text(encoding="utf-8")
    section = html[html.index('<section id="forced"'):]
    section = section[:section.index("</section>")]
    text = " ".join(re.sub(r"<[^>]+>", " ", section).split())
    assert "2 projects forced in and 2 projects forced out by the projects sheet" in text
    assert text.index("P-01") < text.index("P-20") < text.index("P-17") < text.index("P-26")
    assert "P-17 Diving-support vessel" in text and "(no status_reason given)" in text


def test_a_big_round_s_forced_projects_are_capped_with_the_rest_counted(
        run: Callable, tmp_path: Path) -> None:
    """Twelve more excluded projects: the first ten forced lines, then one line with the
    rest, in and out, and where every one is listed."""
    out_ids = [f"P-{i:02d}" for i in range(7, 19)]
    path = workbook(tmp_path / "round.xlsx",
                    {(row_of(p), "status"): "excluded" for p in out_ids})
    code, out, err = run("validate", path, "--no-solve")
    assert code == 0, err
    assert out.count("Forced in: ") == 1 and out.count("Forced out: ") == 9
    assert ("Forced out: P-15 (Sundara, ¥600m), status excluded (no status_reason given) "
            "… and 4 more forced projects (4 out): osa-opt validate --json (forced) lists "
            "every one.") in out
    mixed = forced_lines({f"P-{i}": {"country": "X", "total_cost": 1.0,
                                     "forced": "in" if i > 10 else "out",
                                     "by": "status excluded", "status_reason": ""}
                          for i in range(14)}, "run.json")
    assert mixed[-1] == ("… and 4 more forced projects (3 in, 1 out): run.json lists every "
                         "one.")


def test_a_round_that_forces_nothing_lists_nothing(run: Callable, tmp_path: Path) -> None:
    path = workbook(tmp_path / "round.xlsx", {(row_of("P-01"), "status"): "candidate",
                                              (row_of("P-26"), "status"): "candidate"})
    code, out, err = run("validate", path, "--no-solve")
    assert code == 0, err
    assert "Forced" not in out
    assert osa_opt.load_problem(path).summary()["forced"] == {}


# ---------------------------------------------------------------------- 2. requirements
def test_a_requirement_on_an_excluded_project_is_a_warning_found_through_others() -> None:
    """P-04 requires P-02; P-02 marked excluded; P-06 made to require P-04."""
    problem = edited(P_02={"status": "excluded", "status_reason": WITHDRAWN},
                     P_06={"requires": ("P-04",)})
    assert [w.message() for w in problem.warnings] == [
        f"projects, row 5, column 'requires': P-04 requires P-02, which is excluded "
        f"(status_reason: {WITHDRAWN}): P-04 cannot be funded. Fix: remove the requirement "
        "or the project; if P-02 is back in the round, make it a candidate",
        f"projects, row 7, column 'requires': P-06 requires P-04, which requires P-02, which "
        f"is excluded (status_reason: {WITHDRAWN}): P-06 cannot be funded. Fix: remove the "
        "requirement (the chain P-06 → P-04 → P-02) or the project; if P-02 is back in the "
        "round, make it a candidate"]
    assert {p: u.chain for p, u in problem.unfundable.items()} == {
        "P-04": ("P-04", "P-02"), "P-06": ("P-06", "P-04", "P-02")}
    assert osa_opt.load_problem().warnings == []  # the example as shipped: nothing to say


def test_a_requirement_on_an_ineligible_project_names_its_rule() -> None:
    """P-37 made to require P-36, whose partner has no management agreement."""
    problem = edited(P_37={"requires": ("P-36",)})
    assert [w.rule for w in problem.warnings] == [
        "P-37 requires P-36, which is not eligible (no management agreement: Dravina has no "
        "appropriate-management / prior-consent terms, as its management_agreement cell "
        "says): P-37 cannot be funded"]
    assert problem.warnings[0].hint == "remove the requirement or the project"


def test_many_such_projects_list_the_first_and_count_the_rest() -> None:
    needing = [p for p in osa_opt.load_problem().eligible if p != "P-01"][:MAX_PER_RULE + 3]
    problem = edited(**{p.replace("-", "_"): {"requires": ("P-26",)} for p in needing})
    warnings = [w for w in problem.warnings if w.column == "requires"]
    assert len(warnings) == MAX_PER_RULE + 1
    assert warnings[-1].more == 3
    assert warnings[-1].rule == ("and 3 more projects require a project that cannot be "
                                 "funded, so cannot be funded themselves")


def test_why_out_names_the_chain_as_a_proof_without_a_re_solve() -> None:
    problem = edited(P_02={"status": "excluded", "status_reason": WITHDRAWN},
                     P_06={"requires": ("P-04",)})
    result, solver = solve_baseline(problem, portfolios=1)
    solves = solver.solves
    p06 = explain_project(result, "P-06", solver)  # one project, no LP copy: still no solve
    assert solver.solves == solves
    chain = f"requires P-04, which requires P-02, which is excluded (status_reason: {WITHDRAWN})"
    assert (p06["feasible"], p06["basis"], p06["value_change"]) == (False, "proof", None)
    assert p06["reasons"] == [chain]
    assert p06["message"] == f"Not funded, and it cannot be: it {chain}."

    why = explain_portfolio(result, solver)
    p04 = why.records["P-04"]
    assert p04["reasons"] == [f"requires P-02, which is excluded (status_reason: {WITHDRAWN})"]
    assert p04["message"] == ("Not funded, and it cannot be: it requires P-02, which is "
                              f"excluded (status_reason: {WITHDRAWN}).")
    assert why.records["P-06"] == p06
    assert (p04["basis"], p04["feasible"]) == ("proof", False)

    assert result.unfunded.at["P-06", "reason"] == chain
    counts = dict(exclusion_counts(result))
    assert counts[REQUIRES_UNFUNDABLE] == 2
    assert counts["eligible, not selected"] == int(result.unfunded["eligible"].sum()) - 2


def test_solve_warns_and_counts_them_apart(run: Callable, tmp_path: Path) -> None:
    """Through the CLI: P-02 excluded in the workbook, P-04 requiring it."""
    path = workbook(tmp_path / "round.xlsx", {(row_of("P-02"), "status"): "excluded",
                                              (row_of("P-02"), "status_reason"): WITHDRAWN})
    folder = tmp_path / "run"
    code, out, err = run("solve", path, "--out", folder, "-k", "1")
    assert code == 0, err
    assert (f"P-04 requires P-02, which is excluded (status_reason: {WITHDRAWN}): P-04 "
            "cannot be funded. Fix: remove the requirement or the project") in err
    assert re.search(rf"│ {REQUIRES_UNFUNDABLE} │ 1 │", out)
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert manifest["unfunded"]["P-04"] == ("requires P-02, which is excluded (status_reason: "
                                            f"{WITHDRAWN})")
    why = {r["project_id"]: r for r in manifest["analyses"]["why"]["projects"]}
    assert why["P-04"]["basis"] == "proof"
    assert "it requires P-02, which is excluded" in why["P-04"]["message"]


def test_the_why_sheet_does_not_say_a_mandatory_project_is_forced_out(tmp_path: Path) -> None:
    """The Why in or out sheet headed its what-if column 'Forced': P-01, mandatory and
    funded, read 'Forced: out', beside the Projects sheet's 'Forced: in: status mandatory'."""
    result = osa_opt.solve(osa_opt.load_problem(), portfolios=1, explain=True)
    result.write(tmp_path / "run")
    book = openpyxl.load_workbook(tmp_path / "run" / "portfolios.xlsx")
    rows = list(book["Why in or out"].iter_rows(min_row=3, values_only=True))
    by_id = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert "Forced" not in rows[0]
    assert (by_id["P-01"]["What if forced"], by_id["P-01"]["Feasible if forced"]) == ("out", False)
    assert (by_id["P-03"]["What if forced"], by_id["P-03"]["Feasible if forced"]) == ("in", True)
    table = result.analyses["why"].table
    assert {"what_if_forced", "feasible_if_forced"} <= set(table.columns)
    assert result.analyses["why"].records["P-01"]["forced"] == "out"  # the record keeps its key


# ------------------------------------------- 3. a signed item is fixed in as a mandatory one
# Found by tests/test_reimpl13.py (the docs' re-implementation): a signed project is "fixed
# in like mandatory ones", but the input rules for mandatory projects (two in one exclusive
# group; one requiring an excluded project) let signed ones through to an infeasible model,
# whose diagnosis then told the user to make the signed project "a candidate in the status
# column" (it was one already: its stage fixes it in).
def _refused(**changes: dict[str, Any]) -> list[str]:
    from osa_opt.errors import InputError

    with pytest.raises(InputError) as caught:
        edited(**changes)
    return [issue.message() for issue in caught.value.issues]


def test_two_signed_projects_in_one_exclusive_group_are_refused_naming_both() -> None:
    messages = _refused(P_02={"stage": "signed"}, P_03={"stage": "signed"})
    assert messages == [
        f"projects, project '{pid}', column 'exclusive_group': projects fixed "
        "in, P-02 (stage signed), P-03 (stage signed), share an exclusive group, of which at "
        "most one can be funded (value 'Aurelia patrol boats'). Fix: free all but one of them "
        "(a mandatory one: make it a candidate; a signed one: clear its stage), or put them "
        "in different groups" for pid in ("P-02", "P-03")]


def test_a_mandatory_and_a_signed_project_in_one_group_are_refused() -> None:
    messages = _refused(P_13={"status": "mandatory"}, P_14={"stage": "signed"})
    assert len(messages) == 2
    assert all("projects fixed in, P-13 (mandatory), P-14 (stage signed), share an exclusive "
               "group" in m for m in messages), messages


def test_a_signed_project_requiring_an_excluded_one_is_refused() -> None:
    (message,) = _refused(P_04={"stage": "signed"}, P_02={"status": "excluded"})
    assert message == (
        "projects, project 'P-04', column 'requires': signed project P-04 requires "
        "P-02 (at index 'P-02'), which is excluded: P-04 can never be funded (value "
        "'P-04 → P-02'). Fix: make P-02 a candidate, or clear P-04's stage, or drop the "
        "requirement")


def test_the_diagnosis_tells_a_signed_project_to_clear_its_stage() -> None:
    # P-17 (¥3,100m) signed above a ¥2,000m budget: named first, freed by its stage
    problem = edited(P_17={"stage": "signed"}).with_policy(overrides={"budget.FY2026": 2000})
    first = osa_opt.solve(problem, portfolios=1).diagnosis[0]["message"]
    assert first.startswith("Signed P-17 alone needs ¥3,100m in FY2026; the budget is ¥2,000m")
    assert "clear its stage" in first and "make it a candidate" not in first
    # P-04 signed, requiring P-02 that is not eligible (a dispute): no solve (it was an
    # infeasible one, exit 3), an input problem naming the chain and its stage
    with pytest.raises(InputError) as caught:
        edited(P_04={"stage": "signed"}, P_02={"dispute_linked": True})
    (issue,) = caught.value.issues
    assert issue.rule.startswith("signed project P-04 requires P-02 (")
    assert "which is not eligible (linked to an international dispute" in issue.rule
    assert "clear P-04's stage" in issue.hint and "candidate" not in issue.hint


def test_the_risk_reason_nests_no_brackets_in_any_output(run: Callable, tmp_path: Path) -> None:
    """The risk rule's reason ended "... and no mitigation is written (mitigation)", so a
    line naming it in brackets read "requires P-28, which is not eligible (misuse risk above
    the limit: ... written (mitigation))": brackets in brackets in the terminal, the
    report, the workbook and run.json. P-07 requiring P-28 (risk 0.6, no mitigation)."""
    path = workbook(tmp_path / "round.xlsx", {(row_of("P-07"), "requires"): "P-28"})
    out = tmp_path / "run"
    code, stdout, err = run("solve", path, "--out", out, "-k", "1", "--no-explain")
    assert code == 0, err
    said = [stdout]
    for pid in ("P-07", "P-28"):
        code, text, err = run("explain", pid, "--run", out)
        assert code == 0, err
        said.append(text)
    manifest = (out / "run.json").read_text("utf-8")
    said += [json.loads(manifest)["unfunded"][p] for p in ("P-07", "P-28")]
    said.append(re.sub(r"<[^>]+>", "", (out / "report.html").read_text("utf-8")))
    book = openpyxl.load_workbook(out / "portfolios.xlsx", read_only=True)
    said += [str(c) for ws in book.worksheets for r in ws.iter_rows(values_only=True)
             for c in r if isinstance(c, str)]
    said = [" ".join(text.split()) for text in said]  # a chart's label breaks its lines
    reason = (r"misuse risk above the limit: risk [\d.]+ is above eligibility\.max_risk "
              r"[\d.]+ and its mitigation cell is blank")
    for text in said:  # each time the reason shows, it is without brackets of its own
        assert text.count("misuse risk above the limit: risk") == len(re.findall(reason, text))
    # so where a line puts it in brackets, they are the only ones
    assert re.search(rf"requires P-28, which is not eligible \({reason}\)", " ".join(said))
    assert sum(len(re.findall(reason, text)) for text in said) >= 6  # every output shows it
