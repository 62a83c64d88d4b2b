"""The text the commands print, as a budget officer sees it: the shipped example through the
CLI (click's CliRunner, in-process) at ``COLUMNS=80``, in narrower terminals, and written to
a file (no ``COLUMNS``: 150 columns wide).

- a table's title never parts "(¥" from "million)";
- no line ends in a space (rich's own wrap left the space it broke at, and padded a title
  to its table's width: ``osa-opt solve > out.txt`` had them on every wrapped line);
- the table of input problems on stderr is as wide as the stdout tables in a file.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from osa_opt.cli import cli
from osa_opt.cli.common import run_cli
from osa_opt.cli.console import MIN_WIDTH

#: "(¥" at the end of a line and "million)" at the start of the next (inside a table's
#: border when the title is a cell's).
BROKEN_UNIT = re.compile(r"¥[ \u00a0]*\n[│┃ ]*million")


def invoke(*args: str | Path, width: int | None) -> str:
    """``osa-opt ARGS``: its stdout at ``width`` columns (None: a file)."""
    runner = CliRunner(env={"COLUMNS": None if width is None else str(width)})
    result = runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("width", [36, 48])
def test_a_title_keeps_its_unit_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      width: int) -> None:
    """At 36 columns "Ranked portfolios (cost in ¥" | "million; …" and "Budget use of
    portfolio 1 (¥" | "million)", at 48 "Portfolio 1: what is funded, by partner (¥" |
    "million)": every table title goes through one mechanism (console.table_title), which
    keeps "¥ million" on one line and the title otherwise wrapped between words."""
    monkeypatch.chdir(tmp_path)  # "Wrote run/: …", a path no longer than the line
    solve = invoke("solve", "--no-explain", "-k", "2", "--out", "run", width=width)
    validate = invoke("validate", "--no-solve", width=width)
    for text in (solve, validate):
        assert not BROKEN_UNIT.search(text), text
        assert all(len(line) <= width for line in text.splitlines())
    flat = " ".join(solve.split())
    for title in ("Ranked portfolios (cost in ¥ million; value is a score, see below)",
                  "Portfolio 1: what is funded, by partner (¥ million)",
                  "Budget use of portfolio 1 (¥ million)"):
        assert title in flat, title
    assert "Budget and requested cost (¥ million)" in " ".join(validate.split())


@pytest.mark.parametrize("width", [None, 80])
def test_no_line_ends_in_a_space(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 width: int | None) -> None:
    """``osa-opt solve > out.txt``: a note longer than the line, the changes of each
    portfolio, the override line and the titles ended their lines in a space. None does
    now, in a file (150 columns) or at 80, and the note is there whole; the titles at 80
    keep "(¥ million)" whole too."""
    monkeypatch.chdir(tmp_path)
    # so short a time for the explanations that a note says they ran out of it
    solve = invoke("solve", "--set", "solver.explain_time_limit=0.001", "--out", "run",
                   width=width)
    texts = [solve, invoke("validate", width=width)]
    if width is None:  # the frontier's titles, notes and "Wrote" line, in a file
        texts.append(invoke("frontier", "--steps", "3", "--out", "sweep", width=width))
    for text in texts:
        trailing = [line for line in text.splitlines() if line != line.rstrip()]
        assert not trailing, trailing
        assert all(len(line) <= (width or MIN_WIDTH) for line in text.splitlines())
        assert not BROKEN_UNIT.search(text)
    note = re.search(r"Note: Why-in/why-out and rule prices ran out of time:.*?PROJECT_ID\.",
                     solve, flags=re.S)
    assert note and "\n" in note.group(0)  # wrapped over lines, none ending in a space
    flat = " ".join(solve.split())
    assert "Portfolio 2 (" in flat and "Eligible by an override: P-38" in flat
    assert "Ranked portfolios (cost in ¥ million; value is a score, see below)\n" in solve


def test_the_problems_table_is_as_wide_as_the_result_tables_in_a_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The table of input problems on stderr fitted itself with a copy of the stdout
    console's width rule (140 columns in a file where stdout has 150); both consoles are
    now made by console.fitted_console: 150 in a file, the terminal's width with COLUMNS."""
    monkeypatch.chdir(tmp_path)
    args = ["osa-opt", "validate", "--set", "priority.min_countries=lots"]

    def problems(columns: str | None) -> list[str]:
        if columns is None:
            monkeypatch.delenv("COLUMNS", raising=False)
        else:
            monkeypatch.setenv("COLUMNS", columns)
        monkeypatch.setattr(sys, "argv", args)
        assert run_cli(cli) == 2
        err = capsys.readouterr().err
        assert "1 problem in the input" in err and "priority.min_countries" in err
        return err.splitlines()

    in_a_file = problems(None)
    assert max(map(len, in_a_file)) == MIN_WIDTH  # its hint fills the line: as wide as stdout
    assert all(line == line.rstrip() for line in in_a_file)
    assert max(map(len, problems("80"))) <= 80


def test_the_summary_sheet_lists_changed_fractions_as_the_terminal_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At ¥14,050m portfolio 2 funds P-29 at 62.5% where portfolio 1 funds all of it, and
    portfolio 3 at 87.5%: the terminal says so ("funds P-29 … 63% instead of 100%"), the
    report's table of changes too (63%), but the workbook's Summary listed only the
    projects added and dropped. Its column Fraction changes now reads as the terminal's
    changes column: "P-29 100%→63%"."""
    import warnings

    from openpyxl import load_workbook

    monkeypatch.chdir(tmp_path)
    out = invoke("solve", "--budget", "FY2026=14050", "-k", "3", "--no-explain",
                 "--out", "run", width=80)
    flat = " ".join(out.split())
    assert "funds P-29 PKO level-1 field hospital equipment 63% instead of 100%" in flat
    assert "funds P-29 PKO level-1 field hospital equipment 88% instead of 100%" in flat
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        sheet = load_workbook(tmp_path / "run" / "portfolios.xlsx")["Summary"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r[0] == "Rank")
    table = {r[0]: dict(zip(rows[header], r, strict=True)) for r in rows[header + 1:]}
    assert [table[k]["Fraction changes"] for k in (1, 2, 3)] == \
        [None, "P-29 100%→63%", "P-29 100%→88%"]
    assert table[2]["Added"] == "P-02, P-04" and table[2]["Dropped"] == "P-03, P-38"
    assert "P-29" not in str(table[2]["Added"]) + str(table[2]["Dropped"])
    html = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert '<td class="in">63%</td>' in html and '<td class="in">88%</td>' in html


LONG_NAME = "Federated Maritime Republic of Serendel and the Outer Islands"


@pytest.fixture(scope="module")
def awkward_round(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with what a real round brings: a partner with a long official name
    (Serendel's), a project withdrawn with a long status_reason (P-02) that two others
    require (P-04 directly, P-06 through P-04), and more projects forced in (P-08
    mandatory, P-07 signed); portfolios 2-4 then fund P-16 and P-29 at other fractions."""
    from test_fuzz_inputs import example_sheets, write_book

    sheets = example_sheets()
    for name in ("projects", "countries"):
        rows = sheets[name]
        for row in rows[1:]:
            row[:] = [LONG_NAME if cell == "Serendel" else cell for cell in row]
    rows = sheets["projects"]
    col = {name: i for i, name in enumerate(rows[0])}
    edits = {"P-02": {"status": "excluded",
                      "status_reason": "Withdrawn by Aurelia in its request of 14 November "
                      "2025: the navy will procure the boats from its own budget under the "
                      "five-year fleet renewal plan"},
             "P-06": {"requires": "P-04"}, "P-07": {"stage": "signed"},
             "P-08": {"status": "mandatory"}}
    for row in rows[1:]:
        for key, value in edits.get(row[col["project_id"]], {}).items():
            row[col[key]] = value
    return write_book(tmp_path_factory.mktemp("awkward") / "round.xlsx", sheets)


def test_a_long_partner_name_warnings_and_fraction_changes_at_80_columns(
        awkward_round: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 80 columns a partner's long name turned the partners table into one block per
    row ("Partner / item Lumaris", "Title: 2 items", ... 200 lines), as the name column
    never wrapped; the changes of portfolio 2 read "+P-24 −P-27 P-16" over "92%→100%",
    P-16 seemingly dropped; and each warning's wrapped lines ended in a space and started
    at the margin, under nothing. Now the name wraps in its column, a changed fraction
    stays whole, and a warning's lines hang under its text."""
    from test_fuzz_inputs import osa

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    run = osa("solve", awkward_round, "--no-explain", "--out", "run")
    assert run.code == 0, run.err
    out = run.out
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "Partner / item" not in out and "Title: " not in out  # a table, not records
    partner_cells = [line.split("│")[1].strip() for line in out.splitlines()
                     if line.startswith("│") and line.count("│") == 5]
    assert " ".join(c for c in partner_cells if c and not c.startswith("P-")).find(
        LONG_NAME) >= 0, partner_cells  # the whole name, over lines of its cell
    changes = [line.split("│")[-2] for line in out.splitlines()
               if line.startswith("│") and line.count("│") == 8]
    assert any("P-16 92%→100%" in cell for cell in changes), changes
    assert not [c for c in changes if re.search(r"(?<![+−])P-\d+\s*$", c)
                or re.match(r"\s*\d+%→", c)], changes
    warnings = run.err[run.err.index("2 warnings"):].splitlines()[1:]
    warnings = warnings[:next(i for i, line in enumerate(warnings)
                              if not line.startswith(" "))] if any(
        not line.startswith(" ") for line in warnings) else warnings
    assert [line for line in warnings if line != line.rstrip()] == []
    assert all(len(line) <= 80 for line in warnings)
    assert sum(line.startswith("  - ") for line in warnings) == 2
    assert all(line.startswith(("  - ", "    ")) for line in warnings), warnings
    assert "P-06 → P-04 → P-02" in " ".join(" ".join(warnings).split())


COMMAND_NAMES = ["", "solve", "validate", "compare", "execution", "frontier", "robustness",
                 "explain", "template"]


@pytest.mark.parametrize("command", COMMAND_NAMES, ids=lambda c: c or "osa-opt")
def test_every_help_fits_80_columns(command: str) -> None:
    """``osa-opt COMMAND --help`` at 80 columns: no line wider. Click rewraps a paragraph
    but not a ``\\b`` block, and the examples and exit codes were written 84 to 95 columns
    wide (``compare --help`` ran three examples past the edge)."""
    text = invoke(*([command] if command else []), "--help", width=80)
    assert "Exit codes:" in text or command == "template"
    for line in text.splitlines():
        assert len(line) <= 80, f"{len(line)} > 80: {line!r}"
        assert line == line.rstrip(), f"ends in a space: {line!r}"



@pytest.mark.parametrize("width", [60, 80, 150])
@pytest.mark.parametrize("command", COMMAND_NAMES, ids=lambda c: c or "osa-opt")
def test_help_breaks_lines_between_words_not_after_a_hyphen(command: str, width: int) -> None:
    """``osa-opt compare --help`` printed "(needs pip install 'osa-" and "opt[distributed]')"
    on the next line, at every width from 80 up: click wraps help with textwrap's default,
    which breaks after a word's hyphen, and the command fails as copied. No line of any
    help ends inside a hyphenated word."""
    text = invoke(*([command] if command else []), "--help", width=width)
    lines = text.splitlines()
    for line, after in zip(lines, lines[1:], strict=False):
        assert not (re.search(r"\w-$", line) and re.match(r"\s*\w", after)), (line, after)
    if "--scheduler" in text:
        assert "pip install 'osa-opt[distributed]'" in " ".join(text.split())

def test_counts_past_a_thousand_in_lists_have_a_separator() -> None:
    """The rest of a long list is counted as every count is written (text.counted): "and
    1,069 more", "… (1,095 more)", not 1069 and 1095."""
    from types import SimpleNamespace

    from osa_opt.cli.render import change_items
    from osa_opt.text import id_list

    ids = [f"P-{k}" for k in range(1075)]
    assert id_list(ids) == "P-0, P-1, P-2, P-3, P-4, P-5 and 1,069 more"
    assert id_list(ids, 6, "or").endswith(" or 1,069 more")
    assert id_list(ids[:7]) == "P-0, P-1, P-2, P-3, P-4, P-5 and 1 more"
    portfolio = SimpleNamespace(added=ids[:600], dropped=ids[600:], fraction_changes=[])
    items = change_items(portfolio, limit=5)  # type: ignore[arg-type]
    assert items == ["+P-0", "+P-1", "+P-2", "+P-3", "+P-4", "… (1,070 more)"]
