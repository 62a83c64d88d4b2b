"""Inputs that were read with another meaning than the file's, found by saving and editing
the shipped example as users and their programs do (the third campaign of corrupt inputs).

Each case is a real input: what it means to a reader is checked against what osa-opt reads,
and a cell or key that cannot be read as meant is refused by name, never guessed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

import osa_opt
from osa_opt.cli import cli
from osa_opt.cli.common import run_cli
from osa_opt.data import example_path
from osa_opt.errors import InputError


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable:
    """``osa-opt ARGS`` in-process through the real top level: (exit code, stdout, stderr)."""

    def invoke(*args: str | Path) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["osa-opt", *map(str, args)])
        code = run_cli(cli)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


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
