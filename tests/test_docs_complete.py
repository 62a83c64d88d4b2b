"""The reference pages list exactly what the code writes.

docs/outputs.md against a real manifest (every top-level key of ``run.json``, every key of a
portfolio entry, of ``problem``, ``timings`` and ``versions``), the run folder's files
(``frontier.png`` of a frontier run included), the workbook's sheets and the CSV's columns;
docs/policy.md against ``Policy().glossary()`` (every key, and both value columns);
README.md against the CLI (every command in the table, every option of every command
somewhere in README.md or docs/). A key added to the code without a line in the docs fails
here, and so does a documented key the code no longer writes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import click
import openpyxl
import pandas as pd
import pytest

import osa_opt
from osa_opt.cli import COMMANDS, cli
from osa_opt.inputs.policy import Policy
from osa_opt.outputs.manifest import RUN_FILES, build_manifest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


# ---------------------------------------------------------------------- markdown helpers
def section(text: str, heading: str) -> str:
    """The body of the section whose heading line is ``heading``, up to the next heading
    of the same or a higher level."""
    lines = text.splitlines()
    level = len(heading) - len(heading.lstrip("#"))
    start = lines.index(heading) + 1
    for end in range(start, len(lines)):
        if re.match(rf"^#{{1,{level}}} ", lines[end]):
            return "\n".join(lines[start:end])
    return "\n".join(lines[start:])


def table_rows(text: str) -> list[list[str]]:
    """The body rows of every markdown table in ``text``, as lists of cell texts."""
    def is_rule(line: str) -> bool:
        return re.match(r"^\|[\s:|-]+\|$", line.strip()) is not None

    lines = text.splitlines() + [""]
    rows = []
    for line, following in zip(lines, lines[1:], strict=False):
        if not line.startswith("|") or is_rule(line) or is_rule(following):  # header
            continue
        rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def ticked(cell: str) -> set[str]:
    """The names written in backticks in a cell: ``"`a`, `b`"`` -> ``{"a", "b"}``."""
    return set(re.findall(r"`([^`]+)`", cell))


def first_column_keys(text: str) -> set[str]:
    """Every backticked name in the first column of the tables of ``text``."""
    return set().union(*(ticked(row[0]) for row in table_rows(text)))


def row_for(text: str, key: str) -> list[str]:
    """The table row of ``text`` whose first cell is exactly ```key```."""
    found = [row for row in table_rows(text) if row[0] == f"`{key}`"]
    assert len(found) == 1, f"expected one table row for `{key}`"
    return found[0]


OUTPUTS = (DOCS / "outputs.md").read_text(encoding="utf-8")
RUN_JSON = section(OUTPUTS, "## `run.json`")


# ---------------------------------------------------------------------- a real run
@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """The shipped example, 2 portfolios with why/prices, written to a run folder."""
    result = osa_opt.solve(osa_opt.load_problem(), portfolios=2, explain=True)
    folder = result.write(tmp_path_factory.mktemp("run") / "run")
    return result, folder


@pytest.fixture(scope="module")
def manifest(solved: tuple[Any, Path]) -> dict[str, Any]:
    return json.loads((solved[1] / "run.json").read_text(encoding="utf-8"))


def test_every_top_level_key_of_run_json_is_documented_and_no_other(
        manifest: dict[str, Any]) -> None:
    top_table = RUN_JSON.split("Each entry of `portfolios`")[0]
    assert set(manifest) == first_column_keys(top_table)


def test_a_manifest_built_in_code_has_the_same_keys(
        solved: tuple[Any, Path], manifest: dict[str, Any]) -> None:
    assert set(build_manifest(solved[0])) == set(manifest)


def test_every_key_of_a_portfolio_entry_is_documented_and_no_other(
        manifest: dict[str, Any]) -> None:
    entry_table = RUN_JSON.split("Each entry of `portfolios`")[1].split("```json")[0]
    documented = first_column_keys(entry_table)
    for entry in manifest["portfolios"]:
        assert set(entry) == documented


@pytest.mark.parametrize("key", ["problem", "versions"])
def test_every_key_of_a_nested_object_is_named_in_its_row(
        manifest: dict[str, Any], key: str) -> None:
    named = ticked(row_for(RUN_JSON, key)[2])
    assert set(manifest[key]) <= named, f"{key}: undocumented {set(manifest[key]) - named}"


def test_every_timing_the_commands_record_is_named(manifest: dict[str, Any]) -> None:
    infeasible = osa_opt.load_problem(overrides={"priority.min_countries": 14})
    timings = {*manifest["timings"], *osa_opt.solve(infeasible).timings,
               "read_seconds"}  # read_seconds: added by the commands that read the input
    named = {n for n in ticked(row_for(RUN_JSON, "timings")[2]) if n.endswith("_seconds")}
    assert timings <= named, f"undocumented timings {timings - named}"
    assert named <= timings, f"documented but never recorded: {named - timings}"


def test_every_run_file_is_in_the_file_table(tmp_path: Path) -> None:
    from osa_opt.analysis.frontier import frontier

    problem = osa_opt.load_problem()
    result = osa_opt.solve(problem, portfolios=1)
    result.analyses["frontier"] = frontier(problem, shares=[0.5, 1.0])
    folder = result.write(tmp_path / "run")
    written = {p.name for p in folder.iterdir()}
    listed = json.loads((folder / "run.json").read_text(encoding="utf-8"))["files"]
    assert set(listed) == written and "frontier.png" in written
    file_table = section(OUTPUTS, "## The run folder")
    assert written <= first_column_keys(file_table), \
        f"not in the file table of outputs.md: {written - first_column_keys(file_table)}"
    assert set(RUN_FILES) <= written


def test_every_workbook_sheet_is_documented(solved: tuple[Any, Path]) -> None:
    sheets = openpyxl.load_workbook(solved[1] / "portfolios.xlsx", read_only=True).sheetnames
    documented = ticked(section(OUTPUTS, "## `portfolios.xlsx`"))
    missing = [s for s in sheets if s not in documented]
    assert not missing, f"sheets not named in outputs.md: {missing}"


def test_every_csv_column_is_documented(solved: tuple[Any, Path]) -> None:
    columns = pd.read_csv(solved[1] / "portfolios.csv", encoding="utf-8-sig").columns
    documented = first_column_keys(section(OUTPUTS, "## `portfolios.csv`"))
    fiscal_years = osa_opt.load_problem().fiscal_years
    generic = {re.sub(rf"_({'|'.join(fiscal_years)})$", "_<FY>", c) for c in columns}
    assert generic <= documented, f"CSV columns not in outputs.md: {generic - documented}"


# ---------------------------------------------------------------------- policy.md
POLICY_TABLE = section((DOCS / "policy.md").read_text(encoding="utf-8"), "## Every key")


def documented_policy_rows() -> dict[str, list[str]]:
    return {row[0].strip("`"): row for row in table_rows(POLICY_TABLE)}


def test_policy_md_lists_every_glossary_key_and_no_other() -> None:
    keys = [row["key"] for row in Policy().glossary()]
    assert set(documented_policy_rows()) == set(keys)


def shown(value: str, key: str) -> str:
    """A glossary value as policy.md writes it: in backticks, the name in quotes."""
    return f"`{json.dumps(value) if key == 'name' else value}`"


@pytest.mark.parametrize("column, policy", [
    (1, Policy()),
    (2, Policy.load(ROOT / "models" / "default.toml")),
], ids=["built-in default", "models/default.toml"])
def test_policy_md_values_are_the_code_values(column: int, policy: Policy) -> None:
    rows = documented_policy_rows()
    all_fields = Policy().glossary()[2]["value"]  # eligibility.fields: the nine fields
    wrong = []
    for entry in policy.glossary():
        cell = rows[entry["key"]][column]
        if cell == "same":  # the default.toml column repeats the built-in default
            cell = rows[entry["key"]][1]
        if cell == "all nine fields":
            cell = f"`{all_fields}`"
        if cell != shown(entry["value"], entry["key"]):
            wrong.append((entry["key"], cell, shown(entry["value"], entry["key"])))
    assert not wrong, f"policy.md shows (key, documented, actual): {wrong}"


def test_policy_md_units_are_the_glossary_units() -> None:
    rows = documented_policy_rows()
    wrong = [(e["key"], rows[e["key"]][3], e["unit"]) for e in Policy().glossary()
             if rows[e["key"]][3] != e["unit"]]
    assert not wrong


# ---------------------------------------------------------------------- the CLI
README = (ROOT / "README.md").read_text(encoding="utf-8")
ALL_DOCS = README + "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md")))


def test_readme_command_table_lists_every_command() -> None:
    listed = {re.match(r"`osa-opt (\w+)", row[0]).group(1)
              for row in table_rows(section(README, "## Commands"))
              if row[0].startswith("`osa-opt ")}
    assert listed == set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_of_a_command_is_documented(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    options = [o for p in command.params for o in (*p.opts, *p.secondary_opts)
               if o.startswith("--") and o != "--help"]
    missing = [o for o in options if not re.search(re.escape(o) + r"(?![\w-])", ALL_DOCS)]
    assert not missing, f"osa-opt {name}: options in no page of the docs: {missing}"


# ---------------------------------------------------------------------- LP names
def test_the_lp_names_the_docs_quote_are_in_an_exported_model(tmp_path: Path) -> None:
    """The paragraphs on ``--write-model`` quote row and variable names of the LP file."""
    path = tmp_path / "model.lp"
    osa_opt.build_model(osa_opt.load_problem()).write(
        str(path), io_options={"symbolic_solver_labels": True})
    lp = path.read_text(encoding="utf-8")
    quoted = {name for page in [DOCS / "model.md", DOCS / "outputs.md"]
              for paragraph in page.read_text(encoding="utf-8").split("\n\n")
              if "--write-model FILE" in paragraph or "--write-model model" in paragraph
              for name in re.findall(r"`([a-z_]+\([\w,]+\))`", paragraph)}
    assert len(quoted) >= 4
    assert {name for name in quoted if name not in lp} == set()


# ---------------------------------------------------------------------- --json of analyses
def json_keys(heading: str) -> set[str]:
    return first_column_keys(section(OUTPUTS, heading))


def test_robustness_json_keys_are_documented_and_no_other() -> None:
    from osa_opt.analysis.robustness import robustness

    payload = {**robustness(osa_opt.load_problem(), samples=3).to_dict(),
               "status": "optimal", "run_folder": "…"}  # the two keys --json adds
    documented = json_keys("### `robustness --json`")
    assert set(payload) == documented
    row = row_for(section(OUTPUTS, "### `robustness --json`"), "projects")[1]
    assert set(payload["projects"][0]) <= ticked(row)
    row = row_for(section(OUTPUTS, "### `robustness --json`"), "portfolios")[1]
    assert set(payload["portfolios"][0]) <= ticked(row)


def test_compare_json_keys_are_documented_and_no_other() -> None:
    from osa_opt.analysis.compare import Scenario, compare

    problem = osa_opt.load_problem()
    smaller = problem.with_policy(overrides={"budget.FY2026": 15000})
    payload = {**compare([Scenario("default", problem), Scenario("smaller", smaller)]).to_dict(),
               "run_folder": "…"}  # the key --json adds
    assert set(payload) == json_keys("### `compare --json`")
    row = row_for(section(OUTPUTS, "### `compare --json`"), "scenarios")[1]
    assert set(payload["scenarios"][0]) <= ticked(row)


# ---------------------------------------------------------------------- messages
def test_the_no_budget_message_prints_as_inputs_md_quotes_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    """The hint holds ``[budget]``, which the terminal table must show as text."""
    import sys

    from osa_opt.cli.common import run_cli

    quoted = re.search(r"`policy round\.toml, key 'budget': (.*?)`",
                       (DOCS / "inputs.md").read_text(encoding="utf-8")).group(1)
    rule, hint = quoted.split(". Fix: ")
    (tmp_path / "round.toml").write_text('name = "Round"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "400")  # one line per issue
    monkeypatch.setattr(sys, "argv", ["osa-opt", "validate", "--policy", "round.toml"])
    assert run_cli(cli) == 2
    err = " ".join(re.sub(r"[\u2500-\u257f]", " ", capfd.readouterr().err).split())
    assert rule in err and hint in err


def test_execution_json_keys_are_documented_and_no_other() -> None:
    from osa_opt.workflows import execution

    payload = execution(osa_opt.load_problem(), reserves=2, samples=20).to_dict()
    section_text = section(OUTPUTS, "### `execution --json`")
    assert set(payload) == first_column_keys(section_text)
    assert set(payload["levels"][0]) <= ticked(row_for(section_text, "levels")[1])
