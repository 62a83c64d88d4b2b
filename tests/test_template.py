"""The empty input workbook: headers, comments, drop-downs, README, atomic writing, the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

import osa_opt
from osa_opt.data import default_policy_path
from osa_opt.errors import InputError
from osa_opt.inputs.policy import ASSISTANCE_TYPES, FIELDS, STATUSES, Policy
from osa_opt.inputs.schema import COUNTRY_COLUMNS, project_columns
from osa_opt.inputs.template import LAST_VALIDATED_ROW, TemplateError, write_template
from osa_opt.inputs.workbook_doc import readme_rows

DEFAULT_PROJECT_HEADERS = [
    "project_id", "title", "country", "field", "assistance_type",
    "cost_FY2026",
    "score_security", "score_humanitarian", "score_partnership",
    "risk", "min_funding", "status", "status_reason", "exclusive_group", "requires",
    "score_spread", "units_max", "units_min", "unit", "stage", "p_sign",
    "equipment_category", "dispute_linked", "prior_consent", "un_charter", "mitigation",
    "override", "override_reason",
]
COUNTRY_HEADERS = [
    "country", "region", "priority_tier", "oda_eligible", "party_to_conflict",
    "management_agreement", "democracy", "rule_of_law", "human_rights", "max_share",
    "p_sign", "economic_social", "bilateral_relations", "override", "override_reason",
]


def headers(ws) -> list[str]:
    return [c.value for c in ws[1]]


def validations(ws) -> dict[str, object]:
    """Header name -> its data validation (each covers one column)."""
    names = headers(ws)
    out = {}
    for dv in ws.data_validations.dataValidation:
        ref = str(dv.sqref)
        letters = ref.split(":")[0].rstrip("0123456789")
        out[names[openpyxl.utils.column_index_from_string(letters) - 1]] = dv
    return out


def choices(dv) -> list[str]:
    assert dv.type == "list"
    return dv.formula1.strip('"').split(",")


@pytest.fixture
def template(tmp_path: Path) -> Path:
    return write_template(tmp_path / "template.xlsx")


def test_default_template_has_the_sheets_and_exact_headers(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == ["README", "projects", "countries"]
    assert headers(book["projects"]) == DEFAULT_PROJECT_HEADERS
    assert headers(book["countries"]) == COUNTRY_HEADERS
    # Nothing but headers: an empty template.
    assert book["projects"].max_row == 1
    assert book["countries"].max_row == 1


def test_custom_policy_names_the_cost_and_score_columns(tmp_path: Path) -> None:
    policy = Policy.from_dict({
        "budget": {"FY2026": 1000, "FY2027": 900, "FY2028": 800},
        "objective": {"weights": {"security": 0.5, "humanitarian": 0.5}},
    })
    path = write_template(tmp_path / "custom.xlsx", policy)
    ws = openpyxl.load_workbook(path)["projects"]
    assert headers(ws) == [
        "project_id", "title", "country", "field", "assistance_type",
        "cost_FY2026", "cost_FY2027", "cost_FY2028", "score_security", "score_humanitarian",
        "risk", "min_funding", "status", "status_reason", "exclusive_group", "requires",
        "score_spread", "units_max", "units_min", "unit", "stage", "p_sign",
        "equipment_category", "dispute_linked", "prior_consent", "un_charter", "mitigation",
        "override", "override_reason",
    ]


def test_policy_file_path_is_accepted(tmp_path: Path) -> None:
    toml = tmp_path / "round.toml"
    toml.write_text('name = "One year"\n[budget]\nFY2030 = 500\n'
                    '[objective]\nweights = { partnership = 1.0 }\n', encoding="utf-8")
    path = write_template(tmp_path / "one.xlsx", toml)
    cols = headers(openpyxl.load_workbook(path)["projects"])
    assert cols[5:7] == ["cost_FY2030", "score_partnership"]
    assert not any(c.startswith("cost_FY2026") or c == "score_security" for c in cols)


def test_every_header_has_a_comment_with_meaning_and_type(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    policy = Policy.load(default_policy_path())
    sheets = (("projects", project_columns(policy.fiscal_years, policy.criteria)),
              ("countries", COUNTRY_COLUMNS))
    for sheet, columns in sheets:
        ws = book[sheet]
        for j, column in enumerate(columns, start=1):
            comment = ws.cell(1, j).comment
            assert comment is not None, f"{sheet}.{column.name} has no comment"
            assert column.meaning in comment.text
            assert ("Required" if column.required else "Optional") in comment.text
    risk = book["projects"].cell(1, DEFAULT_PROJECT_HEADERS.index("risk") + 1).comment.text
    assert "number in [0, 1]" in risk and "default 0" in risk
    tier = book["countries"]["C1"].comment.text
    assert "one of 1, 2, 3" in tier


def test_drop_down_lists_cover_every_enum_and_bool_column(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    projects = validations(book["projects"])
    countries = validations(book["countries"])
    assert choices(projects["field"]) == list(FIELDS)
    assert choices(projects["assistance_type"]) == list(ASSISTANCE_TYPES)
    assert choices(projects["status"]) == list(STATUSES)
    assert choices(countries["priority_tier"]) == ["1", "2", "3"]
    for name in ("oda_eligible", "party_to_conflict", "management_agreement"):
        assert choices(countries[name]) == ["TRUE", "FALSE"]
    # Every drop-down covers rows 2..LAST_VALIDATED_ROW of its column only.
    for sheet, found in (("projects", projects), ("countries", countries)):
        names = headers(book[sheet])
        for name, dv in found.items():
            letter = get_column_letter(names.index(name) + 1)
            assert str(dv.sqref) == f"{letter}2:{letter}{LAST_VALIDATED_ROW}", name
            assert dv.showErrorMessage and dv.error


def test_ranged_numbers_are_checked(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    projects = validations(book["projects"])
    countries = validations(book["countries"])
    for name in ("score_security", "score_humanitarian", "score_partnership"):
        dv = projects[name]
        assert (dv.type, float(dv.formula1), float(dv.formula2)) == ("decimal", 0.0, 10.0)
    assert (float(projects["risk"].formula1), float(projects["risk"].formula2)) == (0.0, 1.0)
    cost = projects["cost_FY2026"]
    assert (cost.type, cost.operator, float(cost.formula1)) == (
        "decimal", "greaterThanOrEqual", 0.0)
    # (0, 1]: zero is refused, so a custom rule rather than "between".
    assert projects["min_funding"].type == "custom"
    cell = get_column_letter(DEFAULT_PROJECT_HEADERS.index("min_funding") + 1) + "2"
    assert f"{cell}>0" in projects["min_funding"].formula1
    assert f"{cell}<=1" in projects["min_funding"].formula1
    assert countries["democracy"].type == "decimal"
    # Free text has no check.
    for name in ("project_id", "title", "status_reason", "requires"):
        assert name not in projects


def test_header_row_is_frozen_and_bold(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    for sheet in ("projects", "countries"):
        ws = book[sheet]
        assert ws.freeze_panes == "A2"
        assert all(c.font.b for c in ws[1])
        assert ws.column_dimensions["B"].width >= 10


def test_readme_explains_every_column(template: Path) -> None:
    ws = openpyxl.load_workbook(template)["README"]
    rows = {(r[0], r[1]): (r[2], r[3]) for r in ws.iter_rows(values_only=True) if r[1]}
    expected = readme_rows(["FY2026"], ["security", "humanitarian", "partnership"])
    assert len(expected) == len(DEFAULT_PROJECT_HEADERS) + len(COUNTRY_HEADERS)
    for sheet, column, requirement, meaning in expected:
        assert rows[(sheet, column)] == (requirement, meaning)
    assert rows[("projects", "status")][0] == (
        "optional; one of candidate, mandatory, excluded; default candidate")
    assert rows[("projects", "cost_FY2026")][0] == "required; number >= 0; a blank cell means 0"


def test_refuses_to_overwrite_unless_asked(template: Path) -> None:
    template.write_bytes(b"keep me")
    with pytest.raises(TemplateError, match="already exists"):
        write_template(template)
    assert template.read_bytes() == b"keep me"
    write_template(template, overwrite=True)
    assert openpyxl.load_workbook(template).sheetnames == ["README", "projects", "countries"]


def test_bad_paths_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"\.xlsx"):
        write_template(tmp_path / "inputs.csv")
    with pytest.raises(TemplateError, match="does not exist"):
        write_template(tmp_path / "missing" / "t.xlsx")
    (tmp_path / "file").write_text("x")
    with pytest.raises(TemplateError, match="is not a folder"):
        write_template(tmp_path / "file" / "t.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_written_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_template(tmp_path / "ok.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == ["ok.xlsx"]
    before = (tmp_path / "ok.xlsx").read_bytes()

    import xlsxwriter
    from xlsxwriter.exceptions import FileCreateError

    def broken_close(self) -> None:  # what xlsxwriter raises when the disk is full
        raise FileCreateError(OSError(28, "No space left on device"))

    monkeypatch.setattr(xlsxwriter.Workbook, "close", broken_close)
    with pytest.raises(TemplateError, match="No space left"):
        write_template(tmp_path / "ok.xlsx", overwrite=True)
    with pytest.raises(TemplateError):
        write_template(tmp_path / "new.xlsx")
    # The old file is untouched, no half-written file and no temporary file is left.
    assert [p.name for p in tmp_path.iterdir()] == ["ok.xlsx"]
    assert (tmp_path / "ok.xlsx").read_bytes() == before


# ---------------------------------------------------------------------- the command line
def osa_opt_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "osa_opt", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_cli_writes_the_template_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "round.xlsx"
    first = osa_opt_cli("template", str(target), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "round.xlsx" in first.stdout
    assert headers(openpyxl.load_workbook(target)["projects"]) == DEFAULT_PROJECT_HEADERS

    again = osa_opt_cli("template", str(target), cwd=tmp_path)
    assert again.returncode == 2
    assert "already exists" in again.stderr and "--force" in again.stderr
    assert "Traceback" not in again.stderr

    forced = osa_opt_cli("template", str(target), "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["round.xlsx"]


def test_cli_policy_option_and_bad_folder(tmp_path: Path) -> None:
    humanitarian = Path(__file__).resolve().parents[1] / "models" / "humanitarian_focus.toml"
    ok = osa_opt_cli("template", "h.xlsx", "--policy", str(humanitarian), cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    missing = osa_opt_cli("template", str(tmp_path / "nope" / "t.xlsx"), cwd=tmp_path)
    assert missing.returncode == 2
    said = " ".join(missing.stderr.split())  # the message may be wrapped between words
    assert "does not exist" in said and "Traceback" not in said


# ---------------------------------------------------------------------- filled in
COUNTRY_ROWS = [
    ["Aurelia", "Southeast Asia", 1, True, False, True, 7.0, 6.5, 6.8, 0.4],
    ["Borealis", "Pacific Islands", 2, True, False, True, 6.0, 5.5, 6.0, None],
]
_FILLED = [
    {"project_id": "P-01", "title": "Coastal radars", "country": "Aurelia",
     "field": "maritime_surveillance", "assistance_type": "equipment", "cost_FY2026": 1200,
     "score_security": 8, "score_humanitarian": 3, "score_partnership": 7, "risk": 0.1,
     "min_funding": 1, "status": "mandatory", "status_reason": "Second tranche",
     "score_spread": 0.5},
    {"project_id": "P-02", "title": "Radar maintenance", "country": "Aurelia",
     "field": "maritime_surveillance", "assistance_type": "supplies", "cost_FY2026": 300,
     "score_security": 6, "score_humanitarian": 2, "score_partnership": 6, "min_funding": 0.5,
     "requires": "P-01"},
    {"project_id": "P-03", "title": "Rescue boats", "country": "Borealis",
     "field": "search_and_rescue", "assistance_type": "equipment", "cost_FY2026": 400,
     "score_security": 4, "score_humanitarian": 9, "score_partnership": 6, "risk": 0.05,
     "status": "candidate", "exclusive_group": "boats", "score_spread": 1.0},
]
#: The rows in the template's column order (a blank cell where a row says nothing).
PROJECT_ROWS = [[row.get(h) for h in DEFAULT_PROJECT_HEADERS] for row in _FILLED]


def fill(path: Path, projects: list[list[object]], countries: list[list[object]]) -> None:
    book = openpyxl.load_workbook(path)
    for row in projects:
        book["projects"].append(row)
    for row in countries:
        book["countries"].append(row)
    book.save(path)


def test_a_filled_template_passes_validation(template: Path) -> None:
    fill(template, PROJECT_ROWS, COUNTRY_ROWS)
    problem = osa_opt.load_problem(template, policy=default_policy_path())
    assert list(problem.projects.index) == ["P-01", "P-02", "P-03"]
    assert list(problem.countries.index) == ["Aurelia", "Borealis"]
    assert problem.projects.loc["P-02", "requires"] == ("P-01",)
    assert problem.projects.loc["P-02", "status"] == "candidate"  # blank -> default
    assert problem.projects.loc["P-03", "min_funding"] == 1.0
    assert problem.total_cost["P-01"] == 1200


def test_a_wrongly_filled_template_is_reported(template: Path) -> None:
    bad = [list(PROJECT_ROWS[0])]
    bad[0][DEFAULT_PROJECT_HEADERS.index("field")] = "cyber_defence"
    fill(template, bad, COUNTRY_ROWS)
    with pytest.raises(InputError) as info:
        osa_opt.load_problem(template, policy=default_policy_path())
    assert any(i.column == "field" and i.row == 2 for i in info.value.issues)


def test_country_offers_the_countries_sheet_and_readme_prints_one_page_wide(
        tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from osa_opt.inputs.template import write_template

    path = write_template(tmp_path / "round.xlsx")
    book = load_workbook(path)
    projects = book["projects"]
    headers = [c.value for c in projects[1]]
    letter = projects.cell(1, headers.index("country") + 1).column_letter
    lists = [dv for dv in projects.data_validations.dataValidation
             if dv.type == "list" and any(str(r).startswith(f"{letter}2")
                                          for r in dv.sqref.ranges)]
    assert lists and lists[0].formula1 == "countries!$A$2:$A$1000"
    assert lists[0].errorStyle == "warning"  # a new partner can be typed before its row
    readme = book["README"]
    assert readme.page_setup.orientation == "landscape"
    assert readme.sheet_properties.pageSetUpPr.fitToPage
    assert readme.page_setup.fitToHeight == 0  # one page wide, as long as it takes
    merged = {str(r) for r in readme.merged_cells.ranges}
    assert "A3:D3" in merged  # the paragraphs wrap across the columns, not beyond


# The whole module runs full CLI commands or whole input files: in the full suite, not in
# the fast loop (pytest -m "not slow").
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("width", [80, 120])
def test_cli_message_is_wrapped_to_the_terminal_width(tmp_path: Path, width: int) -> None:
    import os

    env = {**os.environ, "COLUMNS": str(width)}
    proc = subprocess.run([sys.executable, "-m", "osa_opt", "template", "my-round.xlsx"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) > 1 and all(len(line) <= width for line in lines), lines
    text = " ".join(proc.stdout.split())  # every word kept, in order
    assert text.startswith("Wrote my-round.xlsx (fiscal years FY2026")
    assert text.endswith("Fill it in, then run: osa-opt validate my-round.xlsx")
