"""A Problem cannot change silently: its tables are read-only copies, its policy is frozen
all the way down, and edits go through with_projects / with_countries / with_policy, which
validate again. Tables passed as DataFrames are located by id, not Excel row; big error
lists name the first problems of each rule and count the rest."""

from __future__ import annotations

import json
import pickle
import tomllib
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import osa_opt
from osa_opt.digest import sha256
from osa_opt.errors import InputError, PolicyError
from osa_opt.inputs.issue_list import MAX_PER_RULE
from osa_opt.inputs.policy import EDITED_POLICY, Policy
from osa_opt.inputs.problem import Problem

Frames = tuple[pd.DataFrame, pd.DataFrame, Policy]


@pytest.fixture
def problem(tiny_frames: Frames) -> Problem:
    return Problem.from_frames(*tiny_frames)


def objective(problem: Problem) -> float:
    return osa_opt.solve(problem, portfolios=1).portfolios[0].objective


# ---------------------------------------------------------------------- the policy
def test_policy_tables_and_lists_cannot_be_changed(problem: Problem) -> None:
    policy = problem.policy
    with pytest.raises(TypeError, match="policy.override"):
        policy.budget["FY2026"] = 30000
    with pytest.raises(TypeError):
        policy.objective.weights.update(security=1.0)
    with pytest.raises(TypeError):
        del policy.balance.min_region_share["Pacific Islands"]
    with pytest.raises(TypeError):
        policy.eligibility.fields.append("space")
    with pytest.raises(AttributeError):
        policy.priority.min_countries = 3  # type: ignore[misc]
    assert policy.budget == {"FY2026": 2000.0, "FY2027": 1000.0}
    # the supported change: a new, checked policy; the old one is untouched
    bigger = policy.override({"budget.FY2026": 30000})
    assert bigger.budget["FY2026"] == 30000 and policy.budget["FY2026"] == 2000


def test_a_policy_built_in_code_is_frozen_too_and_survives_pickle_and_toml() -> None:
    robust = Policy(budget={"FY2026": 10.0})
    with pytest.raises(TypeError):
        robust.budget["FY2027"] = 5.0
    ranges = Policy.from_dict({"robustness": {"weight_ranges": {"security": [0.3, 0.5]}}})
    with pytest.raises(TypeError):
        ranges.robustness.weight_ranges["security"][0] = 0.0  # nested lists too
    back = pickle.loads(pickle.dumps(ranges))  # workers receive the policy this way
    assert back == ranges
    with pytest.raises(TypeError):
        back.robustness.weight_ranges["security"].append(1.0)
    assert Policy.from_dict(tomllib.loads(ranges.to_toml())) == ranges


# ---------------------------------------------------------------------- the tables
def test_a_value_written_into_the_tables_stays_there_and_the_solve_refuses_it(
        problem: Problem) -> None:
    """problem.projects.loc["P-03", ...] = 99 raised numpy's "assignment destination is
    read-only"; the edit a notebook user writes first now stays in the table, and the
    solve names it. The derived tables (value, cost, budget) still refuse writes."""
    before = objective(problem)
    projects, countries = problem.projects, problem.countries
    edits = [(projects, "loc", ("P-03", "score_humanitarian"), 2.0),
             (projects, "at", ("P-03", "cost_FY2026"), 500.0),
             (projects, "iloc", (0, 0), "renamed"),
             (countries, "loc", ("Borealis", "democracy"), 9.0)]
    for table, indexer, where, new in edits:
        getattr(table, indexer)[where] = new
    assert problem.projects.at["P-03", "score_humanitarian"] == 2.0
    assert problem.edits_in_place() == {
        "projects": ["column title changed", "column cost_FY2026 changed",
                     "column score_humanitarian changed"],
        "countries": ["column democracy changed"]}
    with pytest.raises(osa_opt.OsaError, match="problem.projects and problem.countries were "
                                               "changed in place"):
        objective(problem)
    for table, indexer, where, new in [(problem.value, "loc", "P-03", 1e6),
                                       (problem.cost, "loc", ("P-03", "FY2026"), 0.0),
                                       (problem.budget, "loc", "FY2026", 1e9)]:
        with pytest.raises(ValueError, match="read-only"):
            getattr(table, indexer)[where] = new
    assert problem.input_projects.at["P-03", "score_humanitarian"] == 9.0
    assert objective(problem.without_edits()) == before


def test_a_column_set_on_a_table_stays_and_a_solve_refuses_it_by_name() -> None:
    """problem.countries["max_share"] = 0.3 was set on a copy made for that one expression:
    lost, with only pandas' chained-assignment FutureWarning, and the solve ran without it.
    The tables are now the same object on every access, so the change stays to see, and
    everything that would use the table as validated refuses, naming the change and the
    calls that take it or drop it."""
    problem = osa_opt.load_problem()
    before = objective(problem)
    assert problem.countries is problem.countries and problem.projects is problem.projects
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no chained-assignment FutureWarning any more
        problem.countries["max_share"] = 0.1
    assert (problem.countries["max_share"] == 0.1).all()
    assert problem.edits_in_place() == {"countries": ["column max_share changed"]}
    said = ("problem.countries was changed in place (countries: column max_share changed), "
            "and a Problem does not take changes made so")
    for call in (lambda: osa_opt.solve(problem, portfolios=1),
                 lambda: osa_opt.build_model(problem),
                 lambda: osa_opt.frontier(problem),
                 lambda: problem.with_policy(overrides={"budget.FY2026": 17000}),
                 lambda: problem.with_extensions(lambda m, p: None)):
        with pytest.raises(osa_opt.OsaError) as info:
            call()
        assert said in str(info.value)
        assert "problem = problem.with_countries(problem.countries)" in str(info.value)
        assert "problem = problem.without_edits()" in str(info.value)
    fresh = osa_opt.load_problem()
    model = osa_opt.build_model(fresh)  # built before the change: solve(model=) checks too
    fresh.countries["max_share"] = 0.1
    with pytest.raises(osa_opt.OsaError, match="problem.countries was changed in place"):
        osa_opt.solve(fresh, model=model, portfolios=1)
    assert "changed in place, not taken: countries (column max_share changed)" in repr(problem)
    # taken: validated again, the cap applied, and the problem edited is as loaded again
    capped = problem.with_countries(problem.countries)
    by_copy = osa_opt.load_problem()
    copy = by_copy.countries.copy()
    copy["max_share"] = 0.1
    assert objective(capped) == objective(by_copy.with_countries(copy)) < before
    assert "countries (DataFrame)" in capped.sources
    assert problem.edits_in_place() == {} and objective(problem) == before
    # dropped
    problem.countries["max_share"] = 0.1
    assert objective(problem.without_edits()) == before


def test_a_table_of_ones_own_edited_and_passed_back_still_works(problem: Problem) -> None:
    """df = problem.projects; df["x"] = ...; problem.with_projects(df): the table handed out
    is edited and taken; the problem it came from solves as loaded afterwards."""
    before = objective(problem)
    projects = problem.projects
    projects["score_security"] = 10.0            # a whole column replaced
    projects["new"] = 1                          # a column added
    projects.drop(index="P-05", inplace=True)    # a row dropped
    assert problem.edits_in_place() == {"projects": [
        "row P-05 dropped", "column new added", "column score_security changed"]}
    edited = problem.with_projects(projects)
    assert len(edited.projects) == 5 and (edited.projects["score_security"] == 10.0).all()
    assert problem.edits_in_place() == {} and len(problem.projects) == 6
    assert problem.projects["score_security"].tolist() == [8.0, 7.5, 4.0, 3.0, 6.0, 2.0]
    assert objective(problem) == before


def test_what_is_no_change_is_not_refused(problem: Problem) -> None:
    """Rows put in another order, a column set to the values it holds, a copy edited: the
    problem's tables hold what was validated, so nothing is refused."""
    before = objective(problem)
    projects = problem.projects
    projects.sort_values("title", inplace=True)
    projects["risk"] = problem.input_projects["risk"].copy()
    projects.copy()["risk"] = 0.9
    assert problem.edits_in_place() == {}
    assert objective(problem) == before


def test_both_tables_changed_in_place_are_taken_together(problem: Problem) -> None:
    problem.projects["score_security"] = 1.0
    problem.countries["democracy"] = 5.0
    with pytest.raises(osa_opt.OsaError, match="it takes the change to problem.countries"):
        objective(problem)
    both = problem.with_projects(problem.projects)
    assert (both.projects["score_security"] == 1.0).all()
    assert (both.countries["democracy"] == 5.0).all()
    assert {"projects (DataFrame)", "countries (DataFrame)"} <= set(both.sources)
    assert problem.edits_in_place() == {}


def test_the_derived_views_stay_copies(problem: Problem) -> None:
    value = problem.value
    cost = problem.cost
    cost["FY2026"] = 0.0
    assert problem.cost["FY2026"].sum() == 3450.0
    pd.testing.assert_series_equal(problem.value, value)


def test_the_per_project_views_are_named_after_what_they_hold(problem: Problem) -> None:
    """problem.tier and problem.region were both named 'country' (the column they map):
    side by side they collided, and a groupby by them named its index 'country'."""
    assert (problem.tier.name, problem.region.name) == ("priority_tier", "region")
    assert problem.tier.index.name == problem.region.index.name == "project_id"
    side = pd.concat([problem.projects["country"], problem.region, problem.tier], axis=1)
    assert list(side.columns) == ["country", "region", "priority_tier"]
    by_region = problem.total_cost.groupby(problem.region).sum()
    assert by_region.index.name == "region"
    assert by_region.sum() == pytest.approx(problem.total_cost.sum())


def test_a_problem_refuses_attribute_changes_and_stays_read_only_in_workers(
        problem: Problem) -> None:
    with pytest.raises(AttributeError, match="with_projects"):
        problem.policy = Policy()  # type: ignore[misc]
    with pytest.raises(TypeError, match="a Problem cannot be changed: use problem.with_"):
        problem.sources["x"] = "y"
    assert type(pickle.loads(pickle.dumps(problem)).sources) is type(problem.sources)
    problem.projects.loc["P-03", "risk"] = 0.5  # a change in place is not pickled
    copy = pickle.loads(pickle.dumps(problem))
    read = copy.input_projects  # what workers read cannot change
    with pytest.raises(ValueError, match="read-only"):
        read.loc["P-03", "risk"] = 0.5
    assert copy.edits_in_place() == {} and copy.projects.at["P-03", "risk"] != 0.5
    pd.testing.assert_frame_equal(copy.projects, problem.input_projects)


# ---------------------------------------------------------------------- the with_* methods
def test_with_projects_validates_the_edit(problem: Problem) -> None:
    edited = problem.projects.copy()
    edited.loc["P-03", "score_humanitarian"] = 2.0
    new = problem.with_projects(edited)
    assert new.projects.at["P-03", "score_humanitarian"] == 2.0
    assert new.value["P-03"] < problem.value["P-03"]
    assert problem.projects.at["P-03", "score_humanitarian"] == 9.0  # the original stays
    assert "projects (DataFrame)" in new.sources
    edited.loc["P-04", "score_security"] = 99.0
    with pytest.raises(InputError) as info:
        problem.with_projects(edited)
    [issue] = info.value.issues
    assert (issue.row, issue.label, issue.column, issue.value) == (
        None, "project 'P-04'", "score_security", 99.0)
    assert issue.message().startswith("projects, project 'P-04', column 'score_security': "
                                      "must be a number in [0, 10] (value 99)")


def test_with_countries_validates_the_edit(problem: Problem) -> None:
    edited = problem.countries.copy()
    edited.loc["Caldera", "democracy"] = 3.0  # below the policy's 4.0: P-05 ineligible
    new = problem.with_countries(edited)
    assert "P-05" not in new.eligible and "P-05" in problem.eligible
    edited.loc["Caldera", "priority_tier"] = 7
    with pytest.raises(InputError) as info:
        problem.with_countries(edited)
    assert [(i.label, i.column) for i in info.value.issues] == [
        ("country 'Caldera'", "priority_tier")]


def test_with_policy_takes_a_policy_a_dict_or_overrides_and_checks_them(
        problem: Problem) -> None:
    assert problem.with_policy(overrides={"budget.FY2026": 3000}).policy.budget["FY2026"] == 3000
    as_dict = problem.policy.to_dict() | {"name": "as a dict"}
    assert problem.with_policy(as_dict).policy.name == "as a dict"
    with pytest.raises(PolicyError):
        problem.with_policy(overrides={"objective.weights.security": -1})
    with pytest.raises(InputError) as info:  # a criterion the projects sheet has no scores for
        problem.with_policy(overrides={"objective.weights.partnership": 0.2})
    assert info.value.issues[0].column == "score_partnership"


# ---------------------------------------------------------------------- where a problem is
def test_a_dataframe_problem_names_the_project_not_an_excel_row(tiny_frames: Frames) -> None:
    projects, countries, policy = tiny_frames
    projects = projects.copy()
    projects["project_id"] = ["X01", "X02", "X03", "X04", "X05", "X06"]
    projects["requires"] = ["", "X01", "", "", "", ""]
    projects.loc[3, "score_security"] = 99.0  # X04, at index 3: "row 5" in a sheet
    with pytest.raises(InputError) as info:
        Problem.from_frames(projects, countries, policy)
    [issue] = info.value.issues
    assert issue.row is None and issue.label == "project 'X04' (index 3)"
    assert "X04" in str(info.value) and "row 5" not in str(info.value)
    # the same table read from a file keeps its Excel row
    with pytest.raises(InputError) as info:
        Problem.from_frames(projects.assign(_row=range(2, 8)), countries, policy)
    assert (info.value.issues[0].row, info.value.issues[0].label) == (5, None)


def test_a_row_without_an_id_is_named_by_its_index_label(tiny_frames: Frames) -> None:
    projects, countries, policy = tiny_frames
    projects = projects.set_axis(["a", "b", "c", "d", "e", "f"]).astype({"project_id": object})
    projects.loc["c", "project_id"] = None
    with pytest.raises(InputError) as info:
        Problem.from_frames(projects, countries, policy)
    assert [(i.label, i.column, i.rule) for i in info.value.issues] == [
        ("index 'c'", "project_id", "a required cell is blank")]


def test_a_duplicate_in_a_dataframe_names_the_other_index(tiny_frames: Frames) -> None:
    projects, countries, policy = tiny_frames
    projects = projects.copy()
    projects.loc[4, "project_id"] = "P-02"
    with pytest.raises(InputError) as info:
        Problem.from_frames(projects, countries, policy)
    rules = {i.label: i.rule for i in info.value.issues if i.column == "project_id"}
    assert rules == {
        "project 'P-02' (index 1)": "duplicate project_id: the same project is also at index 4",
        "project 'P-02' (index 4)": "duplicate project_id: the same project is also at index 1"}


def test_rows_named_inside_a_message_are_index_labels_for_a_dataframe(
        tiny_frames: Frames) -> None:
    projects, countries, policy = tiny_frames
    projects = projects.copy()
    projects.loc[2, "exclusive_group"] = "Boats "  # 'boats' at indexes 1 and 2 elsewhere
    projects.loc[1, "exclusive_group"] = "boats"
    projects.loc[3, "exclusive_group"] = "boats"
    with pytest.raises(InputError) as info:
        Problem.from_frames(projects, countries, policy)
    [issue] = info.value.issues
    assert issue.label == "project 'P-03' (index 2)"
    assert "('boats' at indexes 1, 3)" in issue.rule and "row" not in issue.rule
    with pytest.raises(InputError) as info:  # read from a sheet: Excel rows
        Problem.from_frames(projects.assign(_row=range(2, 8)), countries, policy)
    assert "('boats' in rows 3, 5)" in info.value.issues[0].rule


# ---------------------------------------------------------------------- many problems
def test_each_rule_lists_its_first_problems_then_counts_the_rest(tiny_frames: Frames) -> None:
    _, countries, policy = tiny_frames
    n = 60
    rng = np.random.default_rng(0)
    projects = pd.DataFrame({
        "project_id": [f"Q-{i:03d}" for i in range(n)], "title": "Radar",
        "country": rng.choice(["Aurelia", "Borealis", "Caldera"], n),
        "field": "maritime_surveillance", "assistance_type": "equipment",
        "cost_FY2026": 10.0, "cost_FY2027": 0.0,
        "score_security": 99.0, "score_humanitarian": 5.0,  # 60 scores out of range
        "risk": ["high"] * 25 + [0.1] * (n - 25),            # 25 unreadable risks
        "_row": range(2, n + 2)})
    with pytest.raises(InputError) as info:
        Problem.from_frames(projects, countries, policy)
    issues = info.value.issues
    scores = [i for i in issues if i.column == "score_security"]
    risks = [i for i in issues if i.column == "risk"]
    assert [i.row for i in scores[:MAX_PER_RULE]] == list(range(2, 2 + MAX_PER_RULE))
    assert (scores[-1].more, scores[-1].rule) == (n - MAX_PER_RULE,
                                                 f"and {n - MAX_PER_RULE} more: must be a "
                                                 "number in [0, 10]")
    assert len(scores) == MAX_PER_RULE + 1 and len(risks) == MAX_PER_RULE + 1
    assert risks[-1].more == 25 - MAX_PER_RULE
    assert str(info.value).startswith(f"{n + 25} problems in the input:")
    # fewer than the limit: every one listed, no count line
    with pytest.raises(InputError) as info:
        Problem.from_frames(projects.iloc[:5], countries, policy)
    assert len(info.value.issues) == 10 and all(i.more == 0 for i in info.value.issues)


def test_with_policy_records_the_policy_it_used_in_run_json_inputs(tmp_path: Path) -> None:
    """run.json's ``inputs`` named the first policy file and its sha256 after with_policy,
    though the run used another: a new file replaces that entry, and a Policy, dict or
    overrides are recorded as edited, by the sha256 of the policy.toml the run folder writes."""
    problem = osa_opt.load_problem()  # the example under models/default.toml
    assert "default.toml" in problem.sources
    text = problem.policy.override({"budget.FY2026": 16000}).to_toml()
    strict = tmp_path / "strict.toml"
    strict.write_text(text, encoding="utf-8")
    from_file = problem.with_policy(strict)
    assert "default.toml" not in from_file.sources
    assert from_file.sources["strict.toml"] == sha256(strict.read_bytes())
    for edited in (problem.with_policy(overrides={"budget.FY2026": 15000}),
                   from_file.with_policy(overrides={"budget.FY2026": 15000}),
                   problem.with_policy(problem.policy.to_dict() | {"name": "as a dict"}),
                   problem.with_policy(Policy.load(strict))):
        policies = [name for name in edited.sources if name.endswith(".toml")]
        assert policies == []
        assert edited.sources[EDITED_POLICY] == sha256(edited.policy.to_toml().encode())
        assert edited.sources["example.xlsx"] == problem.sources["example.xlsx"]
    same = problem.with_policy(Policy.load(problem.policy.source or ""))  # nothing changed
    assert dict(same.sources) == dict(problem.sources)
    result = osa_opt.solve(problem.with_policy(overrides={"budget.FY2026": 15000}),
                           portfolios=1, explain=False)
    folder = result.write(tmp_path / "run")
    inputs = json.loads((folder / "run.json").read_text(encoding="utf-8"))["inputs"]
    assert inputs[EDITED_POLICY] == sha256((folder / "policy.toml").read_bytes())
    assert "default.toml" not in inputs
    assert osa_opt.load_run(folder).problem.policy.budget["FY2026"] == 15000


def test_what_osa_opt_reads_is_the_problem_as_validated(problem: Problem) -> None:
    """A result, its tables and the problem's warnings read the tables as validated, never
    a change made in place to the table handed out after the solve."""
    result = osa_opt.solve(problem, portfolios=1)
    problem.projects["title"] = "changed"
    problem.countries["region"] = "Nowhere"
    assert "changed" not in result.best.projects["title"].tolist()
    assert "Nowhere" not in result.best.allocation("region").index
    assert problem.input_projects["title"].ne("changed").all()
    assert problem.warnings == problem.without_edits().warnings


def test_osa_opt_never_reads_the_tables_it_hands_out() -> None:
    """problem.projects and problem.countries are the user's to change (refused at a solve
    until taken); a module of osa_opt reading them would read such a change unchecked, as
    analysis/reserves.py did for a day. Every module reads input_projects/input_countries."""
    import ast

    package = Path(osa_opt.__file__).parent
    found = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Attribute) and node.attr in ("projects", "countries")):
                continue
            owner = node.value  # problem.projects, result.problem.projects, pb.projects
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            own = path.name == "problem.py" and name == "self"  # the Problem's own code
            if name in ("problem", "pb") or own:
                found.append(f"{path.relative_to(package)}:{node.lineno}")
    assert found == [], found
