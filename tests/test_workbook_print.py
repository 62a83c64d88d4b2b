"""The workbook on paper: every table sheet prints landscape A4 with its header rows on
every page, one page wide only while that stays legible (else at a fixed scale with the
first column repeated), long text wrapped in its cell; money shows whole millions. Checked
in the settings read back with openpyxl and in LibreOffice's PDF (the size of the words)."""

from __future__ import annotations

import re
import statistics
import subprocess
import warnings
from pathlib import Path

import pytest
from conftest import require_program
from openpyxl import load_workbook

import osa_opt
from osa_opt.outputs.tables import LEGIBLE_WIDTH, PRINT_SCALE
from osa_opt.text import humanize
from osa_opt.workflows import solve

LIBREOFFICE_TIMEOUT = 240


@pytest.fixture(scope="module")
def book_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = solve(osa_opt.load_problem(), portfolios=3, explain=True)
    return result.write(tmp_path_factory.mktemp("print") / "run") / "portfolios.xlsx"


def test_print_settings_of_every_table_sheet(book_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        book = load_workbook(book_path)
    tables = 0
    for sheet in book.worksheets:
        if not sheet.print_title_rows:
            continue  # the read-me and the charts: no table header to repeat
        tables += 1
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.page_setup.paperSize == 9, sheet.title  # A4
        width = sum(d.width or 0 for d in sheet.column_dimensions.values())
        fits = bool(sheet.sheet_properties.pageSetUpPr.fitToPage)
        if fits:
            assert sheet.page_setup.fitToWidth in (1, None)  # 1 is the default
            assert sheet.page_setup.fitToHeight == 0, sheet.title  # never squeezed to 1 page
        else:
            assert sheet.page_setup.scale == PRINT_SCALE and sheet.print_title_cols, sheet.title
            assert width > LEGIBLE_WIDTH * 0.9  # openpyxl reads widths a little narrower
        for letter, dim in sheet.column_dimensions.items():
            assert (dim.width or 0) <= 61, (sheet.title, letter)
    assert tables >= 8
    projects = book["Projects"]
    header = next(r for r in range(1, 6) if projects.cell(r, 1).value == humanize("project_id"))
    names = {projects.cell(header, c).value: c for c in range(1, projects.max_column + 1)}
    from openpyxl.utils import get_column_letter

    def column(name: str):  # the column's own format: every cell of it takes it
        return projects.column_dimensions[get_column_letter(names[humanize(name)])]

    assert column("reason").alignment.wrap_text  # long text wraps in its own column
    assert column("title").alignment.wrap_text
    assert column("total_cost").number_format == "#,##0"  # whole ¥ million, no ".0"


@pytest.mark.slow
def test_libreoffice_prints_words_of_a_legible_size(book_path: Path, tmp_path: Path) -> None:
    soffice = require_program(("soffice", "libreoffice"),
                              "apt-get install -y libreoffice-calc-nogui")
    profile = tmp_path / "lo-profile"
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(book_path)],
        capture_output=True, text=True, timeout=LIBREOFFICE_TIMEOUT)
    assert proc.returncode == 0, proc.stderr
    pdftotext = require_program("pdftotext", "apt-get install -y poppler-utils")
    boxes = subprocess.run([pdftotext, "-bbox", str(tmp_path / "pdf" / "portfolios.pdf"),
                            "-"], capture_output=True, text=True, timeout=60).stdout
    pages = boxes.split("<page ")[1:]
    assert pages
    for k, page in enumerate(pages, start=1):
        heights = [float(b) - float(a) for a, b in re.findall(
            r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', page)]
        if len(heights) < 5:
            continue  # a chart page: its words are the chart's own
        assert statistics.median(heights) >= 5.0, f"page {k}: words {statistics.median(heights):.1f} pt"


def test_allocation_charts_say_which_portfolios_they_show(tmp_path: Path) -> None:
    """Five portfolios, three drawn: the titles say so instead of leaving 4 and 5 out
    silently."""
    import zipfile

    result = solve(osa_opt.load_problem(), portfolios=5)
    book = result.write(tmp_path / "run") / "portfolios.xlsx"
    with zipfile.ZipFile(book) as z:
        titles = [" ".join(re.findall(r"<a:t>([^<]*)</a:t>", z.read(n).decode()))
                  for n in z.namelist() if n.startswith("xl/charts/chart")]
    allocation = [t for t in titles if t.startswith("Allocation by")]
    assert len(allocation) == 2
    assert all("portfolios 1–3 of 5" in t for t in allocation), allocation
