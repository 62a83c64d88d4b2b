"""osa_opt.outputs.bulk_rows: big tables' rows as XML, byte for byte xlsxwriter's own."""

from __future__ import annotations

import enum
import io
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osa_opt.outputs import bulk_rows, tables
from osa_opt.outputs.formats import NUMBER_PAD, Formats
from osa_opt.outputs.tables import write_table

AWKWARD_TEXT = ["plain", "", " leading space", "trailing space ", "a & b < c > d \"q\"",
                "line\nbreak", "tab\there", "bell\x07", "_x0041_ looks escaped",
                "non-character \ufffe\uffff", "日本語のタイトル", "x" * 40 + " wraps " * 8]


def awkward_table(n: int) -> pd.DataFrame:
    """Every kind of cell column_cells hands on: numbers, booleans, text, blanks."""
    numbers = [0.0, -0.0, 1.5, -2.25, 1e-7, 1.23456789012345678e20, 123456789.123456789,
               1 / 3, float("nan"), 7.0]
    return pd.DataFrame({
        "project_id": [f"P-{i:05d}" for i in range(n)],
        "title": [AWKWARD_TEXT[i % len(AWKWARD_TEXT)] for i in range(n)],
        "cost_FY2026": [numbers[i % len(numbers)] for i in range(n)],
        "tier": [i % 4 for i in range(n)],
        "signed": [i % 3 == 0 for i in range(n)],
        "status": [["funded", "partly funded", None][i % 3] for i in range(n)],
        "value": [None if i % 5 == 0 else i * 0.001 for i in range(n)],
        "big_int": [10**15 + i for i in range(n)],
    })


def sheet_xml(table: pd.DataFrame, bulk: bool, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """The sheet's XML as write_table writes ``table`` (after a title and a note) and,
    below it, ``table`` with its columns the other way round (other column formats), in
    bulk or cell by cell: each table's rows in their own formats either way."""
    monkeypatch.setattr(tables, "BULK_FROM_ROWS", 1 if bulk else 10**9)
    calls: list[int] = []
    real = tables.write_rows
    monkeypatch.setattr(tables, "write_rows",
                        lambda *a, **k: (calls.append(1), real(*a, **k))[1])
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False,
                                   "strings_to_numbers": False}) as book:
        sheet, fmt = book.add_worksheet("Portfolio 1"), Formats.of(book)
        place = write_table(sheet, fmt, table, title="A title", note="A note")
        write_table(sheet, fmt, table.iloc[:, ::-1], title="Below", first_row=place.end + 1)
    assert bool(calls) == (bulk and len(table) > 0)
    with zipfile.ZipFile(out) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize("n", [0, 1, 37])
def test_bulk_rows_are_byte_for_byte_xlsxwriters(n: int,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    table = awkward_table(n)
    bulk, cells = sheet_xml(table, True, monkeypatch), sheet_xml(table, False, monkeypatch)
    assert bulk == cells
    if n:
        assert b'customHeight="1"' in bulk  # the wrapped titles' rows are taller


@pytest.mark.parametrize("n", [1, 12, 600])
def test_shares_in_a_format_of_their_own_go_out_in_bulk_as_xlsxwriter_writes_them(
        n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A share within 1% of 0 or 1 (a country's 0.04% of the budget) or a part funded gets
    a format of its own that never shows 0% or 100% (formats.share_as_shown); a table with
    one such cell went out cell by cell through xlsxwriter, never in bulk: at 10,000
    projects the allocation by country (1,016 rows, nearly every share under 1%) and the
    partners sheet took 0.15 s of the workbook's 0.5. The same XML, byte for byte, in
    bulk now, each cell's own format numbered where cell-by-cell writing first meets it."""
    shares = [0.0004, 0.25, 0.995, 1.0, 0.0, None, 0.009, 0.5]
    table = pd.DataFrame({
        "country": [f"Country {i}" for i in range(n)],
        "total_cost": [100.0 + i for i in range(n)],
        "share_of_budget": [shares[i % len(shares)] for i in range(n)],
        "fraction": [[1.0, 0.997, 0.5, 0.0031][i % 4] for i in range(n)],
        "value": [i * 0.5 for i in range(n)],
    })
    bulk, cells = sheet_xml(table, True, monkeypatch), sheet_xml(table, False, monkeypatch)
    assert bulk == cells
    assert b"<v>0.0004</v>" in bulk


cell_values = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(blacklist_categories=["Cs"]), max_size=60).filter(
        lambda t: not (t.startswith("<r>") and t.endswith("</r>"))))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cell_values, min_size=3, max_size=3), min_size=1, max_size=12))
def test_any_mixed_table_writes_the_same_xml_either_way(
        rows: list[list[object]], monkeypatch: pytest.MonkeyPatch) -> None:
    table = pd.DataFrame(rows, columns=["a", "b", "c"], dtype=object)
    assert sheet_xml(table, True, monkeypatch) == sheet_xml(table, False, monkeypatch)


def test_text_that_looks_like_rich_text_stays_text(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """xlsxwriter would write it as raw XML (a broken file here); the bulk rows escape it."""
    monkeypatch.setattr(tables, "BULK_FROM_ROWS", 1)
    path = tmp_path / "rich.xlsx"
    table = pd.DataFrame({"title": ["<r>A & B</r>", "plain"]})
    with xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False,
                                         "strings_to_numbers": False}) as book:
        sheet = book.add_worksheet("T")
        write_table(sheet, Formats.of(book), table, title="T")
    cells = [row[0] for row in openpyxl.load_workbook(path)["T"].iter_rows(values_only=True)]
    assert cells[-2:] == ["<r>A & B</r>", "plain"]


def test_only_a_constant_memory_sheet_that_keeps_text_as_text_is_written_in_bulk() -> None:
    def sheet_of(**options: object) -> object:
        return xlsxwriter.Workbook(io.BytesIO(), options).add_worksheet()

    assert bulk_rows.can_write_rows(sheet_of(constant_memory=True, strings_to_numbers=False,
                                             strings_to_formulas=False, strings_to_urls=False))
    assert not bulk_rows.can_write_rows(sheet_of(in_memory=True))
    assert not bulk_rows.can_write_rows(sheet_of(constant_memory=True))  # formulas, links


def test_text_too_long_in_utf16_is_cut_as_xlsxwriter_cuts_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Excel's 32,767 characters are UTF-16 units (an emoji counts two): text that fits in
    characters but not in units is cut there in bulk too (it went out whole, over Excel's
    limit), never inside an emoji, and ends in the mark that says so, within the limit."""
    long = ["😀" * 20_000, "x" * 40_000, "a" * 32_766 + "😀b", "a" * 32_767, "short"]
    table = pd.DataFrame({"title": long})
    assert sheet_xml(table, True, monkeypatch) == sheet_xml(table, False, monkeypatch)
    cut = tables.column_cells(table["title"])
    assert [len(t.encode("utf-16-le")) // 2 <= 32_767 for t in cut] == [True] * 5
    assert [t.endswith("more characters past Excel's limit of 32,767; see Read me]")
            for t in cut] == [True, True, True, False, False]
    assert [t[-80:].split("[")[-1].split(" more")[0] for t in cut[:3]] == [
        "cut: 3,653", "cut: 7,306", "cut: 74"]
    assert cut[3:] == long[3:]  # at the limit exactly: whole
    assert tables.cut_rows(cut) == [0, 1, 2]


def test_a_big_table_cut_in_bulk_says_which_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    """The constant-memory bulk path (500 rows and more) cuts as cell by cell does, and the
    table's place names the cut cells for the Read me."""
    monkeypatch.setattr(tables, "BULK_FROM_ROWS", 500)
    table = awkward_table(600)
    table.loc[550, "title"] = "y" * 50_000
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False,
                                   "strings_to_numbers": False}) as book:
        place = write_table(book.add_worksheet("Portfolio 1"), Formats.of(book), table,
                            title="T")
    assert place.cut_cells() == ["Portfolio 1, column Title, project P-00550"]
    sheet = openpyxl.load_workbook(out, read_only=True)["Portfolio 1"]
    (title,) = next(sheet.iter_rows(min_row=place.first_row + 551, max_row=place.first_row + 551,
                                    min_col=2, max_col=2, values_only=True))
    assert len(title) <= 32_767 and title.replace("\n", " ").endswith("; see Read me]")


def test_subclasses_and_string_dtype_write_as_xlsxwriter_writes_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """numpy.str_ and other str subclasses in a text column (a TypeError in bulk before),
    pandas' string dtype with NA (a blank)."""
    class Code(str):
        pass

    table = pd.DataFrame({
        "title": pd.Series([np.str_("a & b"), Code("<plain>"), "x", np.str_(" edge "), None],
                           dtype=object),
        "note": pd.Series(["one", None, "two & three", "", "four"], dtype="string"),
    })
    assert sheet_xml(table, True, monkeypatch) == sheet_xml(table, False, monkeypatch)


def test_number_subclasses_in_bulk_are_the_numbers_xlsxwriter_writes() -> None:
    """write_rows takes what xlsxwriter's write_row takes: numpy numbers, an IntEnum."""
    class Level(enum.IntEnum):
        HIGH = 3

    rows = [[np.float64(1.5), Level.HIGH, np.str_("t")], [np.int64(7), np.float32(0.25), None],
            [np.bool_(True), 2**60, "u"]]

    def xml(bulk: bool) -> bytes:
        out = io.BytesIO()
        with xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                       "strings_to_urls": False,
                                       "strings_to_numbers": False}) as book:
            sheet = book.add_worksheet()
            sheet.write_string(0, 0, "header")
            if bulk:
                bulk_rows.write_rows(sheet, 1, [list(c) for c in zip(*rows, strict=True)],
                                     [None] * len(rows))
            else:
                for r, values in enumerate(rows, start=1):
                    sheet.write_row(r, 0, values)
        with zipfile.ZipFile(out) as archive:
            return archive.read("xl/worksheets/sheet1.xml")

    assert xml(True) == xml(False)


def test_a_label_column_keeps_values_that_are_not_codes(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Codes are put in words once each; True, 1 and 0.0 (one dict key with 1.0, False)
    stay what they are."""
    for bulk in (True, False):
        monkeypatch.setattr(tables, "BULK_FROM_ROWS", 1 if bulk else 10**9)
        path = tmp_path / f"labels{bulk}.xlsx"
        table = pd.DataFrame({"status": pd.Series([True, 1, 0.0, False, "partly funded"],
                                                  dtype=object)})
        with xlsxwriter.Workbook(str(path), {"constant_memory": True,
                                             "strings_to_formulas": False,
                                             "strings_to_urls": False,
                                             "strings_to_numbers": False}) as book:
            sheet = book.add_worksheet("T")
            write_table(sheet, Formats.of(book), table, title="T")
        cells = [row[0] for row in openpyxl.load_workbook(path)["T"].iter_rows(values_only=True)]
        assert [(type(v), v) for v in cells[-5:]] == [
            (bool, True), (int, 1), (int, 0), (bool, False), (str, "Partly funded")]


@pytest.mark.parametrize("rows", [3, 600], ids=["cell-by-cell", "bulk"])
@pytest.mark.parametrize("constant_memory", [False, True], ids=["in-memory", "constant-memory"])
def test_text_shaped_like_rich_text_reads_back_as_itself_on_every_path(
        tmp_path: Path, rows: int, constant_memory: bool) -> None:
    """A title like ``<r>A & B</r>`` went out as raw XML through xlsxwriter's write_string,
    and the workbook would not open; every path writes it as the text it is."""
    path = tmp_path / "rich.xlsx"
    titles = ["<r>A & B</r>", "plain", "<r></r>"] * (rows // 3)
    table = pd.DataFrame({"project_id": [f"P-{i}" for i in range(len(titles))],
                          "title": titles})
    with xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory,
                                         "strings_to_formulas": False,
                                         "strings_to_urls": False,
                                         "strings_to_numbers": False}) as book:
        sheet = book.add_worksheet("T")
        tables.write_cell(sheet, 0, 3, "<r>x < y</r>", Formats.of(book).text)
        write_table(sheet, Formats.of(book), table, title="T", first_row=1)
    book_back = openpyxl.load_workbook(path)["T"]
    cells = [row[1] for row in book_back.iter_rows(min_row=4, values_only=True)]
    assert cells == titles
    assert book_back.cell(1, 4).value == "<r>x < y</r>"


@pytest.mark.parametrize(("rows", "constant_memory"), [(3, False), (3, True), (600, True)],
                         ids=["cell-by-cell-in-memory", "cell-by-cell-constant-memory",
                              "bulk"])
def test_each_table_keeps_its_own_number_formats_whatever_table_follows(
        tmp_path: Path, rows: int, constant_memory: bool) -> None:
    """Two tables on one sheet whose columns take other formats: the first table's rows,
    its last one too, keep its formats. Cell by cell, a cell without a format took its
    column's format of the moment xlsxwriter wrote it out: the second table's, for the
    first table's last row (constant memory, written when the next row starts) or for all
    its rows (in memory, written when the workbook closes)."""
    path = tmp_path / "two.xlsx"
    first = pd.DataFrame({"total_cost": [1234.5 + i for i in range(rows)],
                          "share": [0.5] * rows, "seconds": [1.25] * rows})
    second = pd.DataFrame({"share": [0.25, 0.125], "value": [1.5, 2.5],
                           "total_cost": [5.0, 6.0]})
    with xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory,
                                         "strings_to_formulas": False,
                                         "strings_to_urls": False,
                                         "strings_to_numbers": False}) as book:
        sheet, fmt = book.add_worksheet("T"), Formats.of(book)
        place = write_table(sheet, fmt, first, title="First")
        below = write_table(sheet, fmt, second, title="Second", first_row=place.end + 1)
    sheet_back = openpyxl.load_workbook(path)["T"]

    def formats(start: int, end: int) -> list[list[str]]:  # 0-based rows, as TablePlace
        return [[cell.number_format for cell in row]
                for row in sheet_back.iter_rows(min_row=start + 1, max_row=end + 1)]

    def padded(*number_formats: str) -> list[str]:  # columns of numbers: right, padded
        return [f + NUMBER_PAD for f in number_formats]

    assert formats(place.first_row, place.last_row) == [padded("#,##0", "0%", "0.00")] * rows
    assert formats(below.first_row, below.last_row) == [padded("0%", "#,##0.000", "#,##0")] * 2
