"""Inputs that were read with another meaning than the file's, found by saving and editing
the shipped example as users and their programs do (the third campaign of corrupt inputs).

Each case is a real input: what it means to a reader is checked against what osa-opt reads,
and a cell or key that cannot be read as meant is refused by name, never guessed.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import openpyxl.styles
import pytest
from conftest import require_program

import osa_opt
from osa_opt.data import example_path
from osa_opt.errors import InputError


def issues_of(run: Callable, *args: str | Path) -> list[str]:
    """The messages of ``validate ARGS --json --no-solve``, which must refuse (exit 2)."""
    code, stdout, err = run("validate", *args, "--json", "--no-solve")
    assert code == 2, err
    assert "Traceback" not in err
    return [
        f"{i['sheet']}, column {i['column']!r}: {i['rule']} (value {i['value']!r}). "
        f"Fix: {i['hint']}"
        for i in json.loads(stdout)["issues"]
    ]


def policy_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "round.toml"
    path.write_text("[budget]\nFY2026 = 18100\n" + text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------- equipment categories
def test_an_equipment_category_typed_with_a_capital_keeps_its_project_eligible(
    tmp_path: Path,
) -> None:
    """A candidate's `Surveillance` passed the cell check (read case-insensitively) but
    made the project ineligible, silently: eligibility compared it as typed."""
    book = openpyxl.load_workbook(example_path())
    sheet = book["projects"]
    header = [c.value for c in sheet[1]]
    category, status = header.index("equipment_category"), header.index("status")
    changed = 0
    for row in sheet.iter_rows(min_row=2):
        if row[category].value == "surveillance" and row[status].value == "candidate":
            row[category].value = "Surveillance"
            changed += 1
    assert changed >= 5
    book.save(tmp_path / "round.xlsx")
    typed = osa_opt.load_problem(tmp_path / "round.xlsx")
    shipped = osa_opt.load_problem(example_path())
    assert typed.eligibility["eligible"].equals(shipped.eligibility["eligible"])


@pytest.mark.parametrize("listed", ["Rescue", "rescue "])
def test_a_policy_category_no_project_cell_can_match_is_refused(
    tmp_path: Path, run: Callable, listed: str
) -> None:
    policy = policy_file(
        tmp_path,
        "[eligibility]\nequipment_categories = "
        f'["{listed}", "transport", "warning", "surveillance", "minesweeping"]\n',
    )
    messages = issues_of(run, example_path(), "--policy", policy)
    assert messages == [
        f"policy round.toml, column 'eligibility.equipment_categories': a category is written "
        "in lower case, without spaces: a project's equipment_category is read so, and would "
        "never match this one, so every project of the category would be ineligible (value "
        f"{listed!r}). Fix: name categories like surveillance (lower case, no spaces)"
    ]


def test_a_policy_category_misspelt_is_named_with_the_projects_it_rules_out(
    tmp_path: Path, run: Callable
) -> None:
    """`surveilance` in the policy's list matched no project and left out the ten
    surveillance projects of the example: they were ineligible, and nothing said so."""
    policy = policy_file(
        tmp_path,
        "[eligibility]\nequipment_categories = "
        '["rescue", "transport", "warning", "surveilance", "minesweeping"]\n',
    )
    assert issues_of(run, example_path(), "--policy", policy) == [
        "policy round.toml, column 'eligibility.equipment_categories': no project has the "
        "category 'surveilance', and 10 projects have 'surveillance', which the list leaves "
        "out: they are ineligible (value 'surveilance'). Fix: did you mean 'surveillance'? "
        "Write it in eligibility.equipment_categories; if 'surveilance' is meant and "
        "'surveillance' projects are not to be funded, give them status excluded"
    ]
    # a new category no project has yet, spelt like none of theirs, is no problem
    new = osa_opt.load_problem(
        example_path(),
        overrides={
            "eligibility.equipment_categories": [
                "rescue",
                "transport",
                "warning",
                "surveillance",
                "minesweeping",
                "training",
            ]
        },
    )
    assert new.eligibility["eligible"].sum() == 33
    with pytest.raises(InputError):
        osa_opt.load_problem(
            example_path(),
            overrides={
                "eligibility.equipment_categories": [
                    "rescue",
                    "transport",
                    "warning",
                    "surveillance_",
                ]
            },
        )


# ---------------------------------------------------------------------- cost headers
CSV_EN = Path(__file__).parent / "corpus" / "csv-en"  # has cost_FY2026 and cost_FY2027


def csv_round(tmp_path: Path, header: dict[str, list[str]]) -> Path:
    """The English CSV corpus round, each header of ``header`` replaced by the headers
    given (two for one: the column's cells copied under each)."""
    folder = tmp_path / "round"
    folder.mkdir(parents=True)
    (folder / "countries.csv").write_bytes((CSV_EN / "countries.csv").read_bytes())
    rows = list(csv.reader(io.StringIO((CSV_EN / "projects.csv").read_text("utf-8"))))
    for old, new in header.items():
        i = rows[0].index(old)
        rows = [
            [*r[:i], *([n for n in new] if k == 0 else [r[i]] * len(new)), *r[i + 1 :]]
            for k, r in enumerate(rows)
        ]
    with open(folder / "projects.csv", "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    return folder


@pytest.mark.parametrize("header", ["cost_FY2026_final", "FY2026 cost", "cost_FY2026_v2"])
def test_a_cost_header_naming_its_year_otherwise_is_the_one_to_rename(
    tmp_path: Path, header: str
) -> None:
    """The fix was 'Rename the header cost_FY2027 to cost_FY2026', the closest spelling:
    followed, FY2027's costs would have been read as FY2026's."""
    with pytest.raises(InputError) as info:
        osa_opt.load_problem(csv_round(tmp_path, {"cost_FY2026": [header]}))
    [issue] = info.value.issues
    assert (issue.column, issue.value) == ("cost_FY2026", header)
    assert (
        issue.hint == f"did you mean 'cost_FY2026'? Rename the header {header!r} to 'cost_FY2026'"
    )


@pytest.mark.parametrize(
    ("header", "unit"),
    [
        ("cost_FY2026 (¥ thousand)", "¥ thousand: divide each cost by 1,000 (1,200,000 is 1200)"),
        ("cost_FY2026 (千円)", "¥ thousand: divide each cost by 1,000 (1,200,000 is 1200)"),
        ("cost_FY2026 (億円)", "¥100 million (億円): multiply each cost by 100 (12 is 1200)"),
        ("cost_FY2026 (¥bn)", "¥ billion: multiply each cost by 1,000 (1.2 is 1200)"),
    ],
)
def test_a_cost_header_naming_another_unit_is_told_to_convert_too(
    tmp_path: Path, header: str, unit: str
) -> None:
    """Renamed as told, costs in ¥ thousand would be read as ¥ million: the fix says the
    header's unit as well."""
    with pytest.raises(InputError) as info:
        osa_opt.load_problem(csv_round(tmp_path, {"cost_FY2026": [header]}))
    [issue] = info.value.issues
    assert issue.hint == (
        f"did you mean 'cost_FY2026'? Rename the header {header!r} to 'cost_FY2026'; the "
        f"header says the costs are in {unit}, as costs are read in ¥ million"
    )
    for same in ("cost_FY2026 (¥m)", "cost_FY2026 (百万円)", "cost_FY2026 (JPY million)"):
        with pytest.raises(InputError) as info:
            osa_opt.load_problem(csv_round(tmp_path / same, {"cost_FY2026": [same]}))
        assert info.value.issues[0].hint.endswith(f"Rename the header {same!r} to 'cost_FY2026'")


def test_two_cost_headers_of_the_year_are_refused_naming_both(tmp_path: Path) -> None:
    headers = ["cost_FY2026 (estimate)", "cost_FY2026 (final)"]
    with pytest.raises(InputError) as info:
        osa_opt.load_problem(csv_round(tmp_path, {"cost_FY2026": headers}))
    assert [i.message() for i in info.value.issues] == [
        "projects, column 'cost_FY2026': missing column cost_FY2026: the policy's budget has "
        "fiscal year FY2026, and 2 headers name its costs ('cost_FY2026 (estimate)', "
        "'cost_FY2026 (final)'): which one is meant cannot be told (value 'cost_FY2026 "
        "(estimate)'). Fix: rename the column to read to 'cost_FY2026', and give the others "
        "names that do not start with cost_ (such as 'old FY2026 estimate'), or delete them"
    ]


# ---------------------------------------------------------------------- formula rounding
def test_a_formula_s_rounding_error_past_a_bound_is_the_bound(tmp_path: Path) -> None:
    """A score computed =(0.1+0.2)*10/3*10 is 10.000000000000002 (Excel shows 10): it was
    refused as 'must be a number in [0, 10] (value 10). Fix: if 10 is on a 0-100 scale,
    type 1'. A risk of =0.3-0.1-0.2 (-2.8e-17, shown as 0) was refused alike."""
    book = openpyxl.load_workbook(example_path())
    sheet = book["projects"]
    header = [c.value for c in sheet[1]]
    sheet.cell(3, header.index("score_security") + 1).value = (0.1 + 0.2) * 10 / 3 * 10
    sheet.cell(4, header.index("risk") + 1).value = 0.3 - 0.1 - 0.2
    sheet.cell(5, header.index("min_funding") + 1).value = (0.1 + 0.2) / 0.3
    book.save(tmp_path / "round.xlsx")
    assert (0.1 + 0.2) * 10 / 3 * 10 > 10 and 0.3 - 0.1 - 0.2 < 0 and (0.1 + 0.2) / 0.3 > 1
    projects = osa_opt.load_problem(tmp_path / "round.xlsx").projects
    assert projects["score_security"].iloc[1] == 10.0
    assert projects["risk"].iloc[2] == 0.0
    assert projects["min_funding"].iloc[3] == 1.0
    # a number typed past the bound stays refused
    sheet.cell(3, header.index("score_security") + 1).value = 10.0001
    book.save(tmp_path / "typed.xlsx")
    with pytest.raises(InputError, match=r"must be a number in \[0, 10\] \(value 10.0001\)"):
        osa_opt.load_problem(tmp_path / "typed.xlsx")


# ---------------------------------------------------------------------- the 1904 date system
def test_a_cost_shown_as_a_date_of_the_1904_system_is_told_its_number(tmp_path: Path) -> None:
    """A workbook of the 1904 date system (Excel for Mac's old default) shows 900 formatted
    as a date as 1906-06-19: the message said 'which is 2362 as a number', as if counted
    from 1900, and the number the cell holds is 900."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    book = openpyxl.load_workbook(example_path())
    book.epoch = CALENDAR_MAC_1904
    sheet = book["projects"]
    header = [c.value for c in sheet[1]]
    cost = header.index("cost_FY2026") + 1
    held = sheet.cell(2, cost).value
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, cost).number_format = "yyyy-mm-dd"
    book.save(tmp_path / "mac.xlsx")
    with pytest.raises(InputError) as info:
        osa_opt.load_problem(tmp_path / "mac.xlsx")
    [issue] = info.value.issues
    assert issue.value == "1906-06-19" and held == 900
    assert "row 2 shows 1906-06-19, which is 900 as a number" in issue.rule


# ---------------------------------------------------------------------- policy lists and keys
@pytest.mark.parametrize(
    ("line", "rule", "hint"),
    [
        (
            'fields = "maritime_surveillance"',
            'wrong type str, expected a list, e.g. ["a", "b"]',
            'write it in square brackets, as a list of one: fields = ["maritime_surveillance"]',
        ),
        (
            "fund_every_tier = 1",
            "wrong type int, expected a list, e.g. [1, 2]",
            "write it in square brackets, as a list of one: fund_every_tier = [1]",
        ),
        (
            'fund_every_tier = ["1"]',
            "a number in quotes (read as text), expected each item to be a whole number",
            "write the item without quotes: 1, not '1'",
        ),
        (
            'fund_every_tier = ["first"]',
            "wrong type str, expected each item to be a whole number",
            "write priority.fund_every_tier as a list of whole numbers, e.g. [1, 2]",
        ),
        (
            "tier_multiplier = { 1.0 = 1.3, 2 = 1.1, 3 = 1 }",
            "a key with a decimal point: TOML reads 1.0 as the key 1 holding a table of the "
            "key 0, expected a number",
            "write the key without its decimals: 1 = 1.3",
        ),
    ],
)
def test_a_policy_list_or_tier_key_written_otherwise_is_told_the_toml_to_write(
    tmp_path: Path, line: str, rule: str, hint: str
) -> None:
    """The fixes were 'write eligibility.fields as a list, e.g. [1, 2]' (numbers, for a list
    of fields), 'write priority.fund_every_tier as a whole number' (of a list) and 'write
    objective.tier_multiplier.1 as a number' (for a key TOML split at its point)."""
    section = (
        "eligibility"
        if line.startswith("fields")
        else ("objective" if line.startswith("tier") else "priority")
    )
    policy = policy_file(tmp_path, f"[{section}]\n{line}\n")
    with pytest.raises(InputError) as info:
        osa_opt.load_problem(example_path(), policy=policy)
    [issue] = info.value.issues
    assert (issue.rule, issue.hint) == (rule, hint)


# ---------------------------------------------------------------------- columns never read
def with_column(tmp_path: Path, sheet_name: str, header: str, values: dict[int, object]) -> Path:
    """The example with a column ``header`` added to a sheet, ``values`` by Excel row."""
    book = openpyxl.load_workbook(example_path())
    sheet = book[sheet_name]
    column = sheet.max_column + 1
    sheet.cell(1, column).value = header
    for row, value in values.items():
        sheet.cell(row, column).value = value
    path = tmp_path / f"{header}.xlsx"
    book.save(path)
    return path


def test_a_column_of_its_own_forcing_projects_in_or_out_is_refused_not_ignored(
    tmp_path: Path, run: Callable
) -> None:
    """A column 'mandatory' (or 'withdrawn', '除外' ...) with yes in some rows was passed
    through unread: those projects stayed candidates, and nothing said so."""
    shipped = osa_opt.load_problem(example_path()).projects
    candidates = [i + 2 for i, s in enumerate(shipped["status"]) if s == "candidate"]
    forced = [i + 2 for i, s in enumerate(shipped["status"]) if s == "mandatory"]
    path = with_column(
        tmp_path,
        "projects",
        "mandatory",
        {candidates[0]: "yes", candidates[3]: True, forced[0]: "yes", candidates[5]: "no"},
    )
    ids = [shipped.index[candidates[0] - 2], shipped.index[candidates[3] - 2]]
    assert issues_of(run, path) == [
        f"projects, column 'mandatory': the column 'mandatory' is not read: a project is forced "
        f"in or out by its status (or stage), so the 'yes' of rows {candidates[0]}, "
        f"{candidates[3]} would change nothing and the projects would stay candidates (value "
        f"'yes'). Fix: write status mandatory for those projects ({ids[0]}, {ids[1]}), and "
        "delete the column or give it another name"
    ]
    withdrawn = with_column(tmp_path, "projects", "除外", {candidates[1]: "○"})
    [message] = issues_of(run, withdrawn)
    assert "write status excluded for that project" in message
    left_out = with_column(tmp_path, "countries", "Excluded?", {3: "x"})
    assert issues_of(run, left_out) == [
        "countries, column 'Excluded?': the column 'Excluded?' is not read: a partner is left "
        "out by giving its projects status excluded, so the 'x' of row 3 would change "
        "nothing (value 'x'). Fix: give that partner's projects status excluded (with a "
        "status_reason), and delete the column or give it another name"
    ]
    # no yes where the status does not say it already: the column changes nothing
    said = with_column(
        tmp_path, "projects", "withdrawn", {forced[0]: "no", candidates[2]: False, candidates[4]: 0}
    )
    assert len(osa_opt.load_problem(said).projects) == len(shipped)


@pytest.mark.parametrize("header", ["postponed", "On hold", "rejected", "見送り", "committed", "継続"])
def test_a_column_headed_by_a_status_word_is_refused_as_the_status_cell_is(
    tmp_path: Path, run: Callable, header: str
) -> None:
    """The status cell's words (sheet_schema's IN_WORDS, OUT_WORDS) and the forcing headers
    were two lists: a column 'postponed' or '見送り' with yes in a row passed through unread
    (the project stayed a candidate, silently), though a status cell 'postponed' is told."""
    shipped = osa_opt.load_problem(example_path()).projects
    candidate = next(i + 2 for i, s in enumerate(shipped["status"]) if s == "candidate")
    [message] = issues_of(run, with_column(tmp_path, "projects", header, {candidate: "yes"}))
    status = "mandatory" if header in ("committed", "継続") else "excluded"
    assert f"the column {header!r} is not read" in message
    assert f"write status {status} for that project" in message


@pytest.mark.parametrize("cross", ["✘", "☒", "×"])
def test_a_cross_in_a_forcing_column_says_no(tmp_path: Path, cross: str) -> None:
    """A 'mandatory' column with ✘ or ☒ (read as false in a flag column) counted as a yes
    and was refused; a cross says no, as × did."""
    shipped = osa_opt.load_problem(example_path()).projects
    candidate = next(i + 2 for i, s in enumerate(shipped["status"]) if s == "candidate")
    path = with_column(tmp_path, "projects", "mandatory", {candidate: cross})
    assert len(osa_opt.load_problem(path).projects) == len(shipped)


# ---------------------------------------------------------------------- a policy in the folder
def test_a_csv_folder_holding_its_policy_is_not_read_with_the_default_silently(
    tmp_path: Path, run: Callable
) -> None:
    """round/ with projects.csv, countries.csv and policy.toml (budget 5,000), read with no
    --policy: the shipped default (budget 18,100) was used, and the folder's policy never
    read; the only sign was the policy's name in the first line of validate."""
    folder = csv_round(tmp_path, {})
    (folder / "policy.toml").write_text("[budget]\nFY2026 = 5000\n", encoding="utf-8")
    assert issues_of(run, folder) == [
        f"round, column None: the folder holds the policy file 'policy.toml', but no policy is "
        "given: the shipped default policy would be used (default.toml), and 'policy.toml' not "
        f"read (value '{folder / 'policy.toml'}'). Fix: give the folder's policy with --policy "
        f"{folder / 'policy.toml'} (policy= in Python); to use the shipped default, move the "
        "policy file out of the folder"
    ]
    given = osa_opt.load_problem(folder, policy=folder / "policy.toml")
    assert given.policy.budget["FY2026"] == 5000
    code, _, err = run("validate", folder, "--policy", folder / "policy.toml", "--no-solve")
    assert code == 0, err
    # a run folder (run.json, policy.toml, no projects.csv) given as the input: no word of
    # its policy file, which --run reads
    run_folder = tmp_path / "run-a"
    run_folder.mkdir()
    (run_folder / "policy.toml").write_text("[budget]\nFY2026 = 5000\n", encoding="utf-8")
    (run_folder / "run.json").write_text("{}", encoding="utf-8")
    assert not any("policy file" in m for m in issues_of(run, run_folder))


# ---------------------------------------------------------------------- struck through
def rewritten(path: Path, source: Path, part: str, old: bytes, new: bytes) -> Path:
    """``source`` saved at ``path`` with ``old`` replaced by ``new`` in one part."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part:
                assert old in data
                data = data.replace(old, new, 1)
            zout.writestr(item, data)
    return path


def test_a_row_struck_through_is_refused_not_read_as_a_project(
    tmp_path: Path, run: Callable
) -> None:
    """見え消し: a withdrawn project's row struck through, left in place, was read as a
    candidate like any other; a struck id in a requires cell counted as required."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.styles import Font

    book = openpyxl.load_workbook(example_path())
    sheet = book["projects"]
    header = [c.value for c in sheet[1]]
    for cell in sheet[5]:
        cell.font = Font(strike=True)
    requires = header.index("requires") + 1
    sheet.cell(7, requires).value = CellRichText(
        ["P-01; ", TextBlock(InlineFont(strike=True), "P-02")]
    )
    sheet.cell(9, header.index("cost_FY2026") + 1).font = Font(strike=True)
    sheet.cell(1, len(header) + 1).value = "notes"  # a column osa-opt does not read: left
    sheet.cell(10, len(header) + 1).value = "old estimate"
    sheet.cell(10, len(header) + 1).font = Font(strike=True)
    book.save(tmp_path / "struck.xlsx")
    shipped = osa_opt.load_problem(example_path()).projects
    assert issues_of(run, tmp_path / "struck.xlsx") == [
        "projects, column 'project_id': the project_id is struck through (見え消し, as a "
        "deletion is shown), but the row is read as a project all the same (value 'P-04'). "
        "Fix: if the project is out of the round, delete the row or give it status excluded "
        "(with a status_reason); if it is in, clear the strikethrough (Format Cells > Font > "
        "Strikethrough, or Ctrl+5)",
        "projects, column 'requires': part of the cell is struck through ('P-02': 見え消し, as "
        "a deletion is shown), but the whole cell is read, struck text and all (value 'P-01; "
        "P-02'). Fix: delete the struck text 'P-02' from the cell, or clear its strikethrough "
        "if it is meant",
        "projects, column 'cost_FY2026': the cell is struck through (見え消し, as a deletion is "
        "shown), but its value is read all the same (value "
        f"'{shipped['cost_FY2026'].iloc[7]:.0f}'). Fix: type the value meant (or clear the cell, "
        "for none) without strikethrough; if the struck value is meant, clear the "
        "strikethrough (Ctrl+5)",
    ]


def test_a_struck_run_of_a_shared_string_is_found_as_excel_saves_it(tmp_path: Path) -> None:
    """Excel keeps text in the shared strings, a struck part as a run of its own: a country
    struck there (every run) is the row's key struck."""
    path = rewritten(
        tmp_path / "shared.xlsx",
        example_path(),
        "xl/sharedStrings.xml",
        b"<si><t>Kantoro</t></si>",
        b'<si><r><rPr><strike val="true"/></rPr><t>Kantoro</t></r></si>',
    )
    with pytest.raises(InputError) as info:
        osa_opt.load_problem(path)
    found = [(i.sheet, i.column, i.value) for i in info.value.issues]
    assert ("countries", "country", "Kantoro") in found
    assert all(
        i.rule.startswith("the country is struck through")
        for i in info.value.issues
        if i.sheet == "countries"
    )


def test_a_no_typed_in_an_optional_text_column_is_refused_not_read_as_a_name(
    tmp_path: Path, run: Callable
) -> None:
    """0 typed down the exclusive_group column for "no group" made the four projects so
    marked alternatives of one another (the group '0': at most one funded), and a mitigation
    of 'no' counted as the written mitigation that makes P-28 (risk 0.6, above max_risk 0.5)
    eligible, silently: each is refused, a blank cell being the way to say none."""
    book = openpyxl.load_workbook(example_path())
    sheet = book["projects"]
    header = [c.value for c in sheet[1]]
    group, mitigation = header.index("exclusive_group") + 1, header.index("mitigation") + 1
    for row in (3, 5, 7, 9):
        sheet.cell(row, group).value = 0
    rows = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    sheet.cell(rows["P-28"], mitigation).value = "No"
    book.save(tmp_path / "no.xlsx")
    said = issues_of(run, tmp_path / "no.xlsx")
    assert said[0] == (
        "projects, column 'exclusive_group': '0' reads as a no, but it would be read as the "
        "exclusive_group '0': a blank cell means none (value '0'). Fix: leave the cell blank "
        "if there is no exclusive_group; if '0' names a group, name it otherwise (G0) "
        "(exclusive_group: at most one project of a group is funded)")
    assert len([m for m in said if m.startswith("projects, column 'exclusive_group'")]) == 4
    assert said[4] == (
        "projects, column 'mitigation': 'No' reads as a no, but it would be read as the "
        "mitigation 'No': a blank cell means none (value 'No'). Fix: leave the cell blank if "
        "there is no mitigation; otherwise write it out (mitigation: how the misuse risk is "
        "mitigated (e.g. end-use monitoring); needed when risk is above eligibility.max_risk)")


# ---------------------------------------------------------------------- formats that hide
def test_a_number_its_format_hides_is_refused_naming_what_it_holds(
    tmp_path: Path, run: Callable
) -> None:
    """';;;' (Excel's way to hide a cell) made two costs look blank, and '"TBD"' a score
    look undecided: each was read and funded as the number it holds, and nothing said so."""
    book = openpyxl.load_workbook(example_path())
    sheet = book["projects"]
    header = [c.value for c in sheet[1]]
    cost, score = header.index("cost_FY2026") + 1, header.index("score_security") + 1
    for row in (4, 6):
        sheet.cell(row, cost).number_format = ";;;"
    sheet.cell(8, score).number_format = '"TBD"'
    sheet.cell(9, cost).number_format = '_-* #,##0_-;-* #,##0_-;_-* "-"_-;_-@_-'  # shows it
    book.save(tmp_path / "hidden.xlsx")
    held = [sheet.cell(4, cost).value, sheet.cell(8, score).value]
    assert issues_of(run, tmp_path / "hidden.xlsx") == [
        f"projects, column 'cost_FY2026': the format ';;;' shows nothing for the number the "
        f"cell holds ({held[0]}): 2 cells of the column (rows 4, 6) look blank but hold a "
        f"number, which would be read (value '{held[0]}'). Fix: give the column a plain "
        "number format (Home > Number > General) to see each number; clear the cells whose "
        "number is not meant",
        f"projects, column 'score_security': the format '\"TBD\"' shows 'TBD' for the number "
        f"the cell holds ({held[1]}): 1 cell of the column (row 8) looks undecided but holds "
        f"a number, which would be read (value '{held[1]}'). Fix: give the column a plain "
        "number format (Home > Number > General) to see each number; clear the cells whose "
        "number is not meant",
    ]


@pytest.mark.parametrize("gap", [0, 2])
def test_a_number_its_format_hides_in_an_ods_file_is_refused_alike(
    tmp_path: Path, run: Callable, gap: int
) -> None:
    """The same workbook in .ods (the number styles written as LibreOffice writes ';;;' and
    '"TBD"' when it saves that .xlsx as .ods): the costs and the score were read as the
    numbers they hold, silently, while the .xlsx was refused. With ``gap`` empty rows under
    the header (an .ods lists no empty row), the cell was looked up by its place in the
    list: the refusal named another row's number (row 6 holding 300 was told it holds
    500), and a hidden cost in the last rows was not refused at all."""
    from odf.number import Number, NumberStyle, Text, TextStyle
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Map, Style
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for sign in range(3):  # ';;;': a section of no digit for > 0, < 0 and = 0
        section = NumberStyle(name=f"N145P{sign}", volatile="true")
        section.addElement(Text())
        doc.styles.addElement(section)  # odfpy saves no automatic style only a map names
    blank = TextStyle(name="N145")
    blank.addElement(Text())
    for sign, condition in enumerate(("value()>0", "value()<0", "value()=0")):
        blank.addElement(Map(condition=condition, applystylename=f"N145P{sign}"))
    tbd = NumberStyle(name="N146")
    tbd.addElement(Text(text="TBD"))
    shows = NumberStyle(name="N3")  # '#,##0': shows its number
    shows.addElement(Number(decimalplaces="0", grouping="true"))
    for style in (blank, tbd, shows):
        doc.automaticstyles.addElement(style)
    for name, data in (("ce7", "N145"), ("ce8", "N146"), ("ce9", "N3")):
        doc.automaticstyles.addElement(Style(name=name, family="table-cell",
                                             datastylename=data))
    book = openpyxl.load_workbook(example_path())
    header = [c.value for c in book["projects"][1]]
    cost, score = header.index("cost_FY2026"), header.index("score_security")
    last = book["projects"].max_row
    styled = {(4, cost): "ce7", (6, cost): "ce7", (8, score): "ce8", (9, cost): "ce9",
              (last, cost): "ce7"}
    for name in ("projects", "countries"):
        table = Table(name=name)
        for number, row in enumerate(book[name].iter_rows(values_only=True), start=1):
            if name == "projects" and number == 2:
                for _ in range(gap):  # empty rows under the header
                    table.addElement(TableRow())
            tr = TableRow()
            for k, value in enumerate(row):
                if value is None:
                    cell = TableCell()
                elif isinstance(value, bool):
                    cell = TableCell(valuetype="boolean", booleanvalue=str(value).lower())
                elif isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=value)
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                if name == "projects" and (number, k) in styled:
                    cell.setAttribute("stylename", styled[number, k])
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(tmp_path / "hidden.ods"))
    sheet = book["projects"]
    held = [sheet.cell(4, cost + 1).value, sheet.cell(8, score + 1).value]
    rows = f"rows {4 + gap}, {6 + gap}, {last + gap}"
    assert issues_of(run, tmp_path / "hidden.ods") == [
        f"projects, column 'cost_FY2026': the format ';;;' shows nothing for the number the "
        f"cell holds ({held[0]}): 3 cells of the column ({rows}) look blank but hold a "
        f"number, which would be read (value '{held[0]}'). Fix: give the column a plain "
        "number format (Format > Cells > Numbers > General) to see each number; clear the "
        "cells whose number is not meant",
        f"projects, column 'score_security': the format '\"TBD\"' shows 'TBD' for the number "
        f"the cell holds ({held[1]}): 1 cell of the column (row {8 + gap}) looks undecided "
        f"but holds a number, which would be read (value '{held[1]}'). Fix: give the column "
        "a plain "
        "number format (Format > Cells > Numbers > General) to see each number; clear the "
        "cells whose number is not meant",
    ]


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_cells_written_white_on_white_are_refused_naming_rows_and_columns(
    tmp_path: Path, run: Callable, suffix: str
) -> None:
    """White text on the sheet's white (the other usual way to hide a cell, beside ';;;'):
    a cost and a requirement so hidden looked blank and were read and counted, silently.
    Named in one problem; white on a dark fill shows, and a white note is not read."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.styles.colors import Color

    book = openpyxl.load_workbook(example_path())
    sheet = book["projects"]
    header = [c.value for c in sheet[1]]
    cost, requires = header.index("cost_FY2026") + 1, header.index("requires") + 1
    sheet.cell(5, cost).font = Font(color="FFFFFF")
    sheet.cell(6, cost).font = Font(color=Color(theme=0))  # "White, Background 1"
    sheet.cell(7, requires).value = "P-01"
    sheet.cell(7, requires).font = Font(color="FFFFFFFF")
    sheet.cell(9, cost).font = Font(color="FFFFFF")  # white on navy: it shows
    sheet.cell(9, cost).fill = PatternFill("solid", fgColor="000080")
    sheet.cell(1, len(header) + 1).value = "notes"
    sheet.cell(3, len(header) + 1).value = "old cost 900"
    sheet.cell(3, len(header) + 1).font = Font(color="FFFFFF")
    path = tmp_path / "white.xlsx"
    book.save(path)
    where = "Home > Font Color > Automatic"
    if suffix == ".ods":  # the same workbook saved by LibreOffice
        soffice = require_program(("soffice", "libreoffice"),
                                  "apt-get install -y libreoffice-calc-nogui")
        subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                        "--headless", "--convert-to", "ods", "--outdir", str(tmp_path),
                        str(path)], check=True, capture_output=True, timeout=300)
        path = tmp_path / "white.ods"
        where = "Format > Cells > Font Effects > Font color: Automatic"
    held = sheet.cell(5, cost).value
    assert issues_of(run, path) == [
        f"projects, column 'cost_FY2026': 3 cells (rows 5, 6, 7; 'cost_FY2026', 'requires') "
        "are written in the colour of their background (such as white on white): they look "
        f"blank but hold values, which would be read (value '{held}'). Fix: give the cells a "
        f"font colour that shows ({where}) to see what is read; clear the cells, or delete the "
        "rows, whose value is not meant"]


def test_a_format_or_colour_an_ods_cell_takes_from_its_named_style_is_seen(
    tmp_path: Path, run: Callable
) -> None:
    """Cells given a named cell style ('Hidden' with ';;;', 'Millions' with '#,##0,,',
    'White' with a white font, 'Struck' struck through) and a format of their own beside
    it (centred): LibreOffice writes each with an automatic style whose parent is the named
    one and which sets only the centring. Only the cell's own style was looked at, so three
    of the four costs were read silently; the format and colour now come from the parent,
    as the strike did."""
    import re
    import subprocess
    import zipfile

    from openpyxl.styles import Alignment, Font, NamedStyle

    book = openpyxl.load_workbook(example_path())
    sheet = book["projects"]
    cost = [c.value for c in sheet[1]].index("cost_FY2026") + 1
    for row, name, look in ((5, "Hidden", {"number_format": ";;;"}),
                            (6, "Millions", {"number_format": "#,##0,,"}),
                            (7, "White", {"font": Font(color="FFFFFF")}),
                            (8, "Struck", {"font": Font(strike=True)})):
        book.add_named_style(NamedStyle(name=name, **look))
        sheet.cell(row, cost).style = name
        sheet.cell(row, cost).alignment = Alignment(horizontal="center")
    book.save(tmp_path / "styled.xlsx")
    soffice = require_program(("soffice", "libreoffice"),
                              "apt-get install -y libreoffice-calc-nogui")

    def convert(path: Path, folder: str) -> Path:
        subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                        "--headless", "--convert-to", "ods", "--outdir", str(tmp_path / folder),
                        str(path)], check=True, capture_output=True, timeout=300)
        return tmp_path / folder / f"{path.stem}.ods"

    def own_only(style: re.Match[bytes]) -> bytes:  # the named style's format taken out
        return re.sub(rb' (?:style:data-style-name|fo:color|style:text-line-through-[a-z]+)'
                      rb'="[^"]*"', b"", style.group(0))

    # Opening an .xlsx, LibreOffice copies the named style's format into each cell's own
    # style; a cell styled in Calc keeps only what it sets itself: taken out, as Calc has it
    first = convert(tmp_path / "styled.xlsx", "first")
    with zipfile.ZipFile(first) as source, \
            zipfile.ZipFile(tmp_path / "named.ods", "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "content.xml":
                data = re.sub(rb'<style:style style:name="ce\d+" style:family="table-cell" '
                              rb'style:parent-style-name="(?:Hidden|Millions|White|Struck)"'
                              rb'.*?</style:style>', own_only, data, flags=re.S)
            target.writestr(item, data)
    saved = convert(tmp_path / "named.ods", "saved")  # as LibreOffice saves it
    content = zipfile.ZipFile(saved).read("content.xml").decode()
    for name in ("Hidden", "Millions", "White", "Struck"):  # its own style, under the named
        own = re.search(rf'<style:style [^>]*parent-style-name="{name}".*?</style:style>',
                        content, re.S)
        assert own is not None and "data-style-name" not in own.group(0) \
            and "fo:color" not in own.group(0) and 'text-align-source="fix"' in own.group(0)
    code, stdout, err = run("validate", saved, "--json", "--no-solve")
    assert code == 2, err
    assert [(i["row"], i["column"], i["rule"].split(":")[0]) for i in
            json.loads(stdout)["issues"]] == [
        (5, "cost_FY2026", "the format ';;;' shows nothing for the number the cell holds (500)"),
        (6, "cost_FY2026", "the format '#,##0,,' shows a number divided by 1,000,000 (1300 as "
         "0.0013)"),
        (7, "cost_FY2026", "1 cell (row 7; 'cost_FY2026') is written in the colour of its "
         "background (such as white on white)"),
        (8, "cost_FY2026", "the cell is struck through (見え消し, as a deletion is shown), but "
         "its value is read all the same")]


def test_an_ods_style_chain_is_followed_to_its_end_and_a_loop_ends() -> None:
    """A format set two parents up is found; styles that name each other as parent (a
    damaged or hand-made file) end the walk instead of looping forever."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TextProperties

    from osa_opt.inputs.hidden_values import ods_same_colour_styles
    from osa_opt.inputs.ods_styles import cell_styles, data_style, inherited

    doc = OpenDocumentSpreadsheet()
    white = Style(name="White", family="table-cell", datastylename="N9")
    white.addElement(TextProperties(color="#ffffff"))
    doc.styles.addElement(white)
    doc.styles.addElement(Style(name="Memo", family="table-cell", parentstylename="White"))
    doc.styles.addElement(Style(name="A", family="table-cell", parentstylename="B"))
    doc.styles.addElement(Style(name="B", family="table-cell", parentstylename="A"))
    doc.automaticstyles.addElement(Style(name="ce1", family="table-cell",
                                         parentstylename="Memo"))
    styles = cell_styles(doc)
    assert inherited(styles, "ce1", data_style) == "N9"
    assert inherited(styles, "A", data_style) is None
    assert ods_same_colour_styles(doc) == {"White", "Memo", "ce1"}


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_a_text_its_format_hides_is_refused_as_a_number_is(
    tmp_path: Path, run: Callable, suffix: str
) -> None:
    """';;;' hides a text as it hides a number: a requires 'P-01' so formatted looked blank
    and counted (in the .xlsx), and LibreOffice's .ods of it was read as it shows, blank (its
    office:string-value, the text the cell holds, was not read), so the requirement was
    dropped there and kept here. Both now read the text the cell holds, and refuse it."""
    book = openpyxl.load_workbook(example_path())
    sheet = book["projects"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(7, header.index("requires") + 1)
    cell.value, cell.number_format = "P-01", ";;;"
    path = tmp_path / "hidden.xlsx"
    book.save(path)
    plain = "Home > Number > General"
    if suffix == ".ods":  # the same workbook saved by LibreOffice
        soffice = require_program(("soffice", "libreoffice"),
                                  "apt-get install -y libreoffice-calc-nogui")
        subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                        "--headless", "--convert-to", "ods", "--outdir", str(tmp_path),
                        str(path)], check=True, capture_output=True, timeout=300)
        path, plain = tmp_path / "hidden.ods", "Format > Cells > Numbers > General"
    assert issues_of(run, path) == [
        "projects, column 'requires': the format ';;;' shows nothing for the text the cell "
        "holds ('P-01'): 1 cell of the column (row 7) looks blank but holds text, which "
        f"would be read (value 'P-01'). Fix: give the column a plain format ({plain}) to see "
        "each cell; clear the cells whose text is not meant"]


# ---------------------------------------------------------------------- accounting zero
@pytest.mark.parametrize("shown", [" -   ", "¥ -", "—"])
def test_a_zero_an_accounting_format_shows_as_a_dash_is_told_to_be_0(
    tmp_path: Path, shown: str
) -> None:
    """Excel saves a CSV file as shown: a 0 under an accounting format becomes ' -   '. The
    fix was 'type a plain number such as 750, 0.35 or 18,100', which says nothing of 0."""
    folder = csv_round(tmp_path, {})
    text = (folder / "projects.csv").read_text("utf-8").splitlines()
    cells = next(csv.reader([text[1]]))
    cells[text[0].split(",").index("cost_FY2026")] = shown
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    text[1] = buffer.getvalue()
    (folder / "projects.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        osa_opt.load_problem(folder)
    [issue] = info.value.issues
    assert (issue.row, issue.column) == (2, "cost_FY2026")
    assert issue.hint == (
        f"{shown.strip()!r} is how an accounting format shows 0 (a CSV file saved as shown "
        "keeps it): type 0 if 0 is meant; to save the file again, give the column a plain "
        "number format first"
    )


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_struck_and_hidden_cells_are_listed_with_the_tables_other_problems(
    tmp_path: Path, run: Callable, suffix: str
) -> None:
    """A struck P-06 (row 7) stopped the reading before the tables were checked, so
    '¥1.2bn' in row 5 went unnamed until the strike was cleared and the file run again (the
    same for a cost its format ';;;' hides, in row 9): one run now names all three, in row
    order, with exit code 2 and nothing written."""
    book = openpyxl.load_workbook(example_path())
    sheet = book["projects"]
    cost = [c.value for c in sheet[1]].index("cost_FY2026") + 1
    assert sheet.cell(7, 1).value == "P-06"
    sheet.cell(7, 1).font = openpyxl.styles.Font(strike=True)
    sheet.cell(5, cost).value = "¥1.2bn"
    sheet.cell(9, cost).number_format = ";;;"
    path = tmp_path / "round.xlsx"
    book.save(path)
    if suffix == ".ods":  # the same workbook saved by LibreOffice
        soffice = require_program(("soffice", "libreoffice"),
                                  "apt-get install -y libreoffice-calc-nogui")
        subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                        "--headless", "--convert-to", "ods", "--outdir", str(tmp_path),
                        str(path)], check=True, capture_output=True, timeout=300)
        path = tmp_path / "round.ods"
    out = tmp_path / "out"
    code, _, err = run("solve", path, "--out", out)
    assert code == 2 and not out.exists(), err
    assert [line.split(":")[0] for line in issues_of(run, path)] == [
        "projects, column 'cost_FY2026'", "projects, column 'project_id'",
        "projects, column 'cost_FY2026'"]
    code, stdout, _ = run("validate", path, "--json", "--no-solve")
    assert [(i["row"], i["value"], i["rule"][:30]) for i in json.loads(stdout)["issues"]] == [
        (5, "¥1.2bn", "must be a number >= 0"),
        (7, "P-06", "the project_id is struck throu"),
        (9, "800", "the format ';;;' shows nothing")]


def test_struck_cells_of_an_ods_file_are_refused_alike(tmp_path: Path) -> None:
    """LibreOffice strikes a cell by its style, and part of a cell by a span of a struck
    text style (style:text-line-through-type, or -style)."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TextProperties
    from odf.table import Table, TableCell, TableRow
    from odf.text import P, Span

    doc = OpenDocumentSpreadsheet()
    cell_style = Style(name="struck", family="table-cell")
    cell_style.addElement(TextProperties(textlinethroughstyle="solid"))
    text_style = Style(name="T1", family="text")
    text_style.addElement(TextProperties(textlinethroughtype="single"))
    for style in (cell_style, text_style):
        doc.automaticstyles.addElement(style)
    book = openpyxl.load_workbook(example_path())
    for name in ("projects", "countries"):
        rows = list(book[name].iter_rows(values_only=True))
        requires = rows[0].index("requires") if name == "projects" else -1
        table = Table(name=name)
        for number, row in enumerate(rows, start=1):
            tr = TableRow()
            for k, value in enumerate(row):
                struck = name == "projects" and number == 5
                if name == "projects" and number == 7 and k == requires:
                    cell = TableCell(valuetype="string")
                    paragraph = P(text="P-01; ")
                    paragraph.addElement(Span(stylename=text_style, text="P-02"))
                    cell.addElement(paragraph)
                elif value is None:
                    cell = TableCell()
                elif isinstance(value, bool):
                    cell = TableCell(valuetype="boolean", booleanvalue=str(value).lower())
                    cell.addElement(P(text=str(value).upper()))
                elif isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=str(value)))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                if struck:
                    cell.setAttribute("stylename", cell_style)
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(tmp_path / "struck.ods"))
    with pytest.raises(InputError) as info:
        osa_opt.load_problem(tmp_path / "struck.ods")
    assert [(i.row, i.column, i.value, i.rule.split(" (")[0]) for i in info.value.issues] == [
        (5, "project_id", "P-04", "the project_id is struck through"),
        (7, "requires", "P-01; P-02", "part of the cell is struck through"),
    ]


# ---------------------------------------------------------------------- pandas' index
@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_the_index_pandas_writes_beside_the_table_is_named_as_such(
    tmp_path: Path, form: str
) -> None:
    """problem.raw_projects().to_excel(...) keeps pandas' default index=True: a column A of
    0, 1, 2 ... under a blank header was told 'give the column a header in row 1'."""
    import pandas as pd

    sheets = pd.read_excel(example_path(), sheet_name=["projects", "countries"])
    if form == "xlsx":
        path = tmp_path / "round.xlsx"
        with pd.ExcelWriter(path) as writer:
            for name, frame in sheets.items():
                frame.to_excel(writer, sheet_name=name)
    else:
        path = tmp_path / "round"
        path.mkdir()
        for name, frame in sheets.items():
            frame.to_csv(path / f"{name}.csv")
    with pytest.raises(InputError) as info:
        osa_opt.load_problem(path)
    assert {i.sheet for i in info.value.issues} == {"projects", "countries"}
    for issue in info.value.issues:
        assert issue.hint == (
            "the column counts the rows (0, 1, 2, ...), as pandas writes a table's index with "
            "to_excel or to_csv: delete the column, or write the table with index=False"
        )


def test_the_row_names_r_writes_beside_the_table_are_named_as_such(tmp_path: Path) -> None:
    """R's write.csv without row.names = FALSE writes a first column headed "" holding
    "1", "2", "3" ...: it was told "pandas' index ... write the table with index=False",
    a fix an R user cannot apply; the hint now names R's."""
    import csv

    import pandas as pd

    path = tmp_path / "round"
    path.mkdir()
    for name, frame in pd.read_excel(example_path(), sheet_name=["projects",
                                                                  "countries"]).items():
        frame.index = range(1, len(frame) + 1)  # R's row names, quoted as write.csv does
        frame.to_csv(path / f"{name}.csv", quoting=csv.QUOTE_NONNUMERIC, index_label="")
    assert (path / "projects.csv").read_text(encoding="utf-8").startswith('"","project_id"')
    with pytest.raises(InputError) as info:
        osa_opt.load_problem(path)
    assert {i.sheet for i in info.value.issues} == {"projects", "countries"}
    for issue in info.value.issues:
        assert issue.hint == (
            "the column counts the rows (1, 2, 3, ...), as R's write.csv writes its row names "
            "(or pandas an index that starts at 1): delete the column, or write the table "
            "with row.names = FALSE in R (index=False in pandas)")


# ---------------------------------------------------------------------- status in Japanese
@pytest.mark.parametrize(
    ("word", "hint"),
    [
        (
            "除外",
            "a project out of this round is status excluded: write excluded here and "
            "'除外' in status_reason (every output shows it)",
        ),
        (
            "見送り",
            "a project out of this round is status excluded: write excluded here and "
            "'見送り' in status_reason (every output shows it)",
        ),
        (
            "必須",
            "a project that must be funded is status mandatory: write mandatory here and "
            "'必須' in status_reason (every output shows it)",
        ),
        (
            "候補",
            "a project neither forced in nor out is status candidate ('候補' is Japanese "
            "for candidate): write candidate here, or leave the cell blank",
        ),
        (
            "確認中",
            "a project neither forced in nor out is status candidate ('確認中' is Japanese "
            "for being checked): write candidate here, or leave the cell blank",
        ),
    ],
)
def test_a_status_typed_in_japanese_is_told_the_status_to_write(
    tmp_path: Path, word: str, hint: str
) -> None:
    """A status column with a Japanese drop-down (除外, 必須, 候補) was told only 'status:
    candidate, or mandatory (force in) / excluded (force out)'."""
    book = openpyxl.load_workbook(example_path())
    sheet = book["projects"]
    header = [c.value for c in sheet[1]]
    sheet.cell(3, header.index("status") + 1).value = word
    book.save(tmp_path / "round.xlsx")
    with pytest.raises(InputError) as info:
        osa_opt.load_problem(tmp_path / "round.xlsx")
    [issue] = info.value.issues
    assert (issue.row, issue.column, issue.hint) == (3, "status", hint)


# ---------------------------------------------------------------------- a budget sheet
@pytest.mark.parametrize("name", ["Budget FY2026", "policy", "予算"])
def test_a_sheet_named_like_the_policy_is_said_to_be_unread(
    tmp_path: Path, run: Callable, name: str
) -> None:
    """A workbook with a sheet 'budget' (FY2026: 20,000) was solved under the default
    budget (18,100), the sheet ignored as every other sheet is, and nothing said so."""
    book = openpyxl.load_workbook(example_path())
    book.create_sheet(name).append(["FY2026", 20000])
    book.save(tmp_path / "round.xlsx")
    code, stdout, _ = run("validate", tmp_path / "round.xlsx", "--json", "--no-solve")
    assert code == 0
    summary = json.loads(stdout)
    assert summary["budget"] == {"FY2026": 18100.0}
    assert [w["message"] for w in summary["warnings"]] == [
        f"round.xlsx: the sheet {name!r} is not read: the budget and every rule come from the "
        "policy (the shipped default unless --policy names one), not from the workbook (value "
        f"{name!r}). Fix: nothing to do if the sheet is for the record; to use its amounts, "
        "give them as --budget FY2026=AMOUNT (¥ million) or in a policy file's [budget] "
        "(--policy FILE; in Python, overrides= or policy=)"
    ]


def test_a_key_twice_in_one_inline_table_is_told_which(tmp_path: Path) -> None:
    """The fix was 'fix the syntax; see models/default.toml for the format'."""
    policy = policy_file(
        tmp_path,
        "[objective]\nweights = { security = 0.4, humanitarian = 0.3, security = 0.5 }\n",
    )
    with pytest.raises(InputError) as info:
        osa_opt.load_problem(example_path(), policy=policy)
    [issue] = info.value.issues
    assert issue.row == 4 and issue.rule.endswith(
        "the key security twice in one inline table { ... }"
    )
    assert issue.hint == (
        "keep one security = ... between the braces: delete or fix the other (TOML takes no "
        "key twice)"
    )


# ---------------------------------------------------------------------- a 1-5 scale
def test_a_score_column_on_a_five_point_scale_is_warned_about(
    run: Callable, tmp_path: Path
) -> None:
    """score_partnership typed 1-5 (a Likert score) beside 0-10 scores counted about half
    as much as meant, silently: only a 0-1 scale was warned about."""
    book = openpyxl.load_workbook(example_path())
    sheet = book["projects"]
    header = [c.value for c in sheet[1]]
    column = header.index("score_partnership") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, column).value = 1 + row % 5
    book.save(tmp_path / "round.xlsx")
    code, stdout, _ = run("validate", tmp_path / "round.xlsx", "--json", "--no-solve")
    assert code == 0
    [message] = [w["message"] for w in json.loads(stdout)["warnings"]]
    assert message.startswith(
        "projects, column 'score_partnership': every score_partnership is a whole number from "
        "1 to 5 (in 38 projects), while score_"
    )
    assert message.endswith(
        "on a 1-5 scale, the criterion counts about half as much as the others (value 5). Fix: "
        "if the column was typed on a 1-5 scale, put it on the 0-10 scale (multiply by 2, so "
        "5 is 10); nothing to do if the values are meant on 0-10"
    )


# ---------------------------------------------------------------------- list separators
@pytest.mark.parametrize("cell", ["P-01・P-02", "P-01 & P-02", "P-01･P-02"])
def test_ids_listed_with_a_middle_dot_or_an_ampersand_are_told_the_separator(
    tmp_path: Path, cell: str
) -> None:
    """'P-01・P-02' (the 中黒 a Japanese list is written with) was told 'did you mean
    P-12?', another project."""
    book = openpyxl.load_workbook(example_path())
    sheet = book["projects"]
    header = [c.value for c in sheet[1]]
    sheet.cell(4, header.index("requires") + 1).value = cell
    book.save(tmp_path / "round.xlsx")
    with pytest.raises(InputError) as info:
        osa_opt.load_problem(tmp_path / "round.xlsx")
    [issue] = info.value.issues
    assert (issue.row, issue.column) == (4, "requires")
    assert issue.hint == "separate project ids with ';': P-01;P-02"


# ---------------------------------------------------------------------- groups of one
def with_groups(tmp_path: Path, groups: dict[int, str | None]) -> Path:
    """The example with ``exclusive_group`` set by Excel row."""
    book = openpyxl.load_workbook(example_path())
    sheet = book["projects"]
    column = [c.value for c in sheet[1]].index("exclusive_group") + 1
    for row, name in groups.items():
        sheet.cell(row, column).value = name
    path = tmp_path / f"groups{len(list(tmp_path.iterdir()))}.xlsx"
    book.save(path)
    return path


def test_an_exclusive_group_of_one_spelt_like_another_is_refused(tmp_path: Path) -> None:
    """'Aurelia patrol boat' beside 'Aurelia patrol boats' made two groups of one: the
    alternatives could both be funded, and nothing said so. So did 'A; B', read as a third
    group."""
    cases = {
        # a third project typed otherwise than a group of two: the lone one is the typo
        with_groups(tmp_path, {6: "Aurelia patrol boat"}): (
            6,
            "no other project is in the group 'Aurelia patrol boat', spelt like the group "
            "'Aurelia patrol boats' (rows 3, 4): a group of one excludes nothing, so the "
            "project and those of the group could all be funded",
        ),
        # a pair typed two ways: neither is the typo for sure
        with_groups(tmp_path, {4: "Aurelia patrol boat"}): (
            3,
            "the groups 'Aurelia patrol boats' (row 3) and 'Aurelia patrol boat' (row 4) "
            "have one project each and are spelt alike: each group of one excludes nothing, "
            "so both projects could be funded",
        ),
        with_groups(tmp_path, {6: "Aurelia patrol boats; Sundara coastal radar"}): (
            6,
            "a project is in one exclusive group at most, and this cell names 2 ('Aurelia "
            "patrol boats' in rows 3, 4; 'Sundara coastal radar' in rows 14, 15): read as a "
            "group of its own, of this project alone, it would make the project an "
            "alternative of none of them",
        ),
    }
    for path, (row, rule) in cases.items():
        with pytest.raises(InputError) as info:
            osa_opt.load_problem(path)
        assert [(i.row, i.column, i.rule) for i in info.value.issues] == [
            (row, "exclusive_group", rule)
        ]
    lone = osa_opt.load_problem(with_groups(tmp_path, {6: "Tavola vessels"}))
    assert [w.message() for w in lone.warnings] == [
        "projects, row 6, column 'exclusive_group': the exclusive group 'Tavola vessels' has "
        "one project only: a group of one excludes nothing (value 'Tavola vessels'). Fix: "
        "nothing to do if its rivals left the round; otherwise give them the same group name"
    ]
