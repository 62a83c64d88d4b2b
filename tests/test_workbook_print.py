"""The workbook on paper: every table sheet prints landscape A4 with its header rows on
every page, one page wide only while that stays legible (else at a fixed scale with the
first column repeated), long text wrapped in its cell with the row height its lines need;
money shows whole millions; page breaks fall between charts. Checked in the settings read
back with openpyxl and in LibreOffice's PDF (the size of the words, words printed over each
other, the charts' titles and legends)."""

from __future__ import annotations

import html
import re
import statistics
import subprocess
import warnings
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from conftest import require_program
from openpyxl import load_workbook

import osa_opt
from osa_opt.outputs.formats import NUMBER_PAD
from osa_opt.outputs.tables import (
    FIT_SHARE,
    LEGIBLE_WIDTH,
    MAX_GROUP_SCALE,
    PAGE_POINTS,
    PAGE_WIDTH,
    PRINT_SCALE,
)
from osa_opt.text import humanize
from osa_opt.workflows import solve

LIBREOFFICE_TIMEOUT = 240


@pytest.fixture(scope="module")
def book_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example over two fiscal years (60% of each cost in FY2026, the rest in FY2027),
    so the Charts sheet has two budget charts side by side; five portfolios."""
    from openpyxl import load_workbook as load

    folder = tmp_path_factory.mktemp("print")
    source = load(Path(osa_opt.__file__).parent / "data" / "example.xlsx")
    projects = source["projects"]
    cost = [c.value for c in projects[1]].index("cost_FY2026") + 1
    projects.insert_cols(cost + 1)
    projects.cell(1, cost + 1).value = "cost_FY2027"
    for row in range(2, projects.max_row + 1):
        amount = projects.cell(row, cost).value or 0
        projects.cell(row, cost).value = round(amount * 0.6, -2)
        projects.cell(row, cost + 1).value = amount - round(amount * 0.6, -2)
    source.save(folder / "two_years.xlsx")
    problem = osa_opt.load_problem(folder / "two_years.xlsx",
                                   overrides={"budget.FY2026": 11_000, "budget.FY2027": 7_100})
    result = solve(problem, portfolios=5, explain=True)
    return result.write(folder / "run") / "portfolios.xlsx"


@pytest.fixture(scope="module")
def pdf_pages(book_path: Path, tmp_path_factory: pytest.TempPathFactory) -> list[list[Word]]:
    """LibreOffice's PDF of the workbook, as the words of each page with their boxes."""
    return printed_pages(book_path, tmp_path_factory.mktemp("pdf"))


def printed_pages(book_path: Path, folder: Path) -> list[list[Word]]:
    """The words of each page, with their boxes, of LibreOffice's PDF of a workbook."""
    soffice = require_program(("soffice", "libreoffice"),
                              "apt-get install -y libreoffice-calc-nogui")
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}", "--headless",
         "--norestore", "--convert-to", "pdf", "--outdir", str(folder), str(book_path)],
        capture_output=True, text=True, timeout=LIBREOFFICE_TIMEOUT)
    assert proc.returncode == 0, proc.stderr
    pdftotext = require_program("pdftotext", "apt-get install -y poppler-utils")
    boxes = subprocess.run([pdftotext, "-bbox", str(folder / f"{book_path.stem}.pdf"), "-"],
                           capture_output=True, text=True, timeout=60).stdout
    pages = []
    for page in boxes.split("<page ")[1:]:
        size = re.match(r'width="([\d.]+)" height="([\d.]+)"', page)
        width, height = float(size.group(1)), float(size.group(2))
        words = [Word(float(x0), float(y0), float(x1), float(y1), html.unescape(text))
                 for x0, y0, x1, y1, text in WORD.findall(page)]
        # a chart cut by a page break leaves its words, clipped, below the page's edge
        pages.append(Page(w for w in words if w.y1 <= height))
        pages[-1].size = (round(width), round(height))
    assert pages
    return pages


class Page(list):
    """The words of one printed page, and its ``size`` in points (width, height)."""

    size: tuple[int, int] = (0, 0)


class Word(NamedTuple):
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                  r"([^<]*)</word>")


def page_text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def table_sheets(book_path: Path) -> list[Any]:
    """The workbook's sheets of tables (not the read-me and the charts: no table header to
    repeat on paper), read with openpyxl."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        book = load_workbook(book_path)
    return [sheet for sheet in book.worksheets if sheet.print_title_rows]


def test_print_settings_of_every_table_sheet(book_path: Path) -> None:
    sheets = table_sheets(book_path)
    for sheet in sheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.page_setup.paperSize == 9, sheet.title  # A4
        width = sum(d.width or 0 for d in sheet.column_dimensions.values())
        fits = bool(sheet.sheet_properties.pageSetUpPr.fitToPage)
        if sheet.row_breaks.brk:  # its pages broken by the writer (Partners), at 100%
            assert not fits and sheet.page_setup.scale in (None, 100), sheet.title
            assert width <= PAGE_WIDTH, sheet.title
        elif fits:
            assert sheet.page_setup.fitToWidth in (1, None)  # 1 is the default
            if sheet.page_setup.fitToHeight != 0:  # fitted to 1 page: only a few rows over
                assert short_of_one_page(sheet, width), sheet.title  # one, never squeezed
        else:  # a table of portfolios' groups breaks between them, larger if it can
            scale = PRINT_SCALE if not sheet.col_breaks.brk else sheet.page_setup.scale
            assert PRINT_SCALE <= scale <= MAX_GROUP_SCALE, sheet.title
            assert sheet.page_setup.scale == scale and sheet.print_title_cols, sheet.title
            assert width > LEGIBLE_WIDTH * 0.9  # openpyxl reads widths a little narrower
        for letter, dim in sheet.column_dimensions.items():
            assert (dim.width or 0) <= 61, (sheet.title, letter)
    assert len(sheets) >= 8
    projects = next(sheet for sheet in sheets if sheet.title == "Projects")
    header = next(r for r in range(1, 6) if projects.cell(r, 1).value == humanize("project_id"))
    names = {projects.cell(header, c).value: c for c in range(1, projects.max_column + 1)}
    from openpyxl.utils import get_column_letter

    def column(name: str):  # the column's own format: every cell of it takes it
        return projects.column_dimensions[get_column_letter(names[humanize(name)])]

    assert column("reason").alignment.wrap_text  # long text wraps in its own column
    assert column("title").alignment.wrap_text
    assert column("total_cost").number_format == "#,##0" + NUMBER_PAD  # whole ¥m, no ".0"


def short_of_one_page(sheet: Any, width: float) -> bool:
    """Whether a sheet's rows (their heights as written, 15 points where none is set)
    overflow the page it prints one page wide by little enough to print on one at
    FIT_SHARE or more of that scale."""
    rows = sum(sheet.row_dimensions[r].ht or 15 for r in range(1, sheet.max_row + 1))
    scale = min(1.0, PAGE_WIDTH / (width * 1.02))  # openpyxl reads widths a little narrower
    return rows * scale <= PAGE_POINTS / FIT_SHARE


def fitted_titles(book_path: Path) -> list[str]:
    """The titles (cell A1) of the sheets fitted to one page tall."""
    return [str(sheet["A1"].value) for sheet in table_sheets(book_path)
            if sheet.sheet_properties.pageSetUpPr.fitToPage
            and sheet.page_setup.fitToHeight != 0]


@pytest.mark.slow
def test_libreoffice_prints_words_of_a_legible_size(pdf_pages: list[list[Word]],
                                                   book_path: Path) -> None:
    """No sheet shrunk to a few points: 10 pt text at 60% or more. Liberation Sans (Arial's
    metrics, the workbook's font) draws a word's box 1.3 times its size, so a median box of
    7.6 pt is about 5.9 pt text; the Partners sheet, 110 characters wide, prints at 100%
    (before, its one-line title, wider than the table, shrank it to 4 pt). A sheet a few
    rows longer than a page, fitted to one, prints at FIT_SHARE or more of that."""
    fitted = tuple(fitted_titles(book_path))
    sizes = {}
    for k, words in enumerate(pdf_pages, start=1):
        if len(words) < 5:
            continue
        sizes[k] = statistics.median(w.y1 - w.y0 for w in words)
        if "Charts" in page_text(words[:3]) or page_text(words[:2]).startswith(
                ("Allocation by", "Budget use", "Execution of")):
            continue  # a chart page: its words are the chart's own
        least = 7.6 * FIT_SHARE if fitted and page_text(words).startswith(fitted) else 7.6
        assert sizes[k] >= least, f"page {k} ({page_text(words[:6])}): words {sizes[k]:.1f} pt"
    partners = [k for k, words in enumerate(pdf_pages, start=1)
                if page_text(words[:3]).startswith("Fund 13 partners")]
    assert partners and sizes[partners[0]] >= 12.5  # full size


@pytest.mark.slow
def test_no_printed_words_overlap(pdf_pages: list[list[Word]]) -> None:
    """Wrapped cells get the row height their lines need: LibreOffice does not grow a row
    to its wrapped text, and the second line of a title used to print over the next row."""
    for k, words in enumerate(pdf_pages, start=1):
        ordered = sorted(words, key=lambda w: w.y0)
        for i, word in enumerate(ordered):
            for other in ordered[i + 1:]:
                if other.y0 >= word.y1 - 0.5:
                    break
                overlap_x = min(word.x1, other.x1) - max(word.x0, other.x0)
                overlap_y = min(word.y1, other.y1) - max(word.y0, other.y0)
                # lines of one wrapped cell overlap a little (a box is taller than the
                # line spacing); rows printed over each other overlap by most of a box
                assert not (overlap_x > 0.5 and overlap_y > 0.4 * (word.y1 - word.y0)), (
                    f"page {k}: {word.text!r} and {other.text!r} print over each other")


@pytest.mark.slow
def test_printed_charts_name_their_portfolios_in_legend_order(
        pdf_pages: list[list[Word]]) -> None:
    """On paper each chart is on one page (the two budget charts share one), each
    allocation chart says which portfolios it shows and its legend reads Portfolio 1, 2, 3
    (a bar chart's legend read 3, 2, 1 in LibreOffice). Where the breaks fall: the test
    below."""
    pages: dict[str, list[int]] = {}
    for k, words in enumerate(pdf_pages, start=1):
        text = page_text(words)
        for title in ("Allocation by country:", "Allocation by region:", "Budget use FY2026:",
                      "Budget use FY2027:"):
            if title in text:
                pages.setdefault(title, []).append(k)
    # a chart cut by a break leaves its words, clipped, on both pages: each on one page
    assert len(pages) == 4 and all(len(p) == 1 for p in pages.values()), pages
    chart_pages = {title: p[0] for title, p in pages.items()}
    assert chart_pages["Budget use FY2026:"] == chart_pages["Budget use FY2027:"]
    budget = pdf_pages[chart_pages["Budget use FY2026:"] - 1]
    assert page_text(budget).count("portfolio (rank)") == 2
    for title in ("Allocation by country:", "Allocation by region:"):
        text = page_text(pdf_pages[chart_pages[title] - 1]).split(title)[1]
        assert text.startswith(" portfolios 1–3 of 5")
        legend = re.findall(r"Portfolio (\d)", text)
        assert legend[:3] == ["1", "2", "3"], (title, legend)


@pytest.mark.slow
def test_a_chart_title_keeps_its_unit_on_one_line(pdf_pages: list[list[Word]]) -> None:
    """LibreOffice wrapped a chart's title inside its unit: "… all fiscal years (¥" over
    "million)". The unit is one piece now, on the line of "million)"."""
    units = [(w, words) for words in pdf_pages for w in words
             if w.text.replace("\xa0", " ") in ("(¥", "(¥ million)")]
    assert len(units) >= 4  # two allocation charts, two budget charts
    for unit, words in units:
        if unit.text.replace("\xa0", " ") == "(¥ million)":
            continue  # one word
        after = [w for w in words if w.text == "million)" and w.x0 >= unit.x1]
        assert any(abs(w.y0 - unit.y0) < 2 for w in after), (unit, after)


def test_page_breaks_fall_between_charts(book_path: Path) -> None:
    """Each row of charts starts a printed page and is shorter than one: a break never
    falls through a chart (the charts' anchors read from the drawing, the breaks from the
    sheet)."""
    import zipfile

    with zipfile.ZipFile(book_path) as z:
        names = re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())
        k = names.index("Charts") + 1
        sheet = z.read(f"xl/worksheets/sheet{k}.xml").decode()
        rels = z.read(f"xl/worksheets/_rels/sheet{k}.xml.rels").decode()
        drawing = z.read("xl/drawings/" + re.search(r'Target="../drawings/([^"]+)"',
                                                    rels).group(1)).decode()
    breaks = [int(r) for r in re.findall(r'<brk id="(\d+)"', sheet)]
    spans = [(int(a), int(b)) for a, b in re.findall(
        r"<xdr:from><xdr:col>\d+</xdr:col><xdr:colOff>\d+</xdr:colOff><xdr:row>(\d+)</xdr:row>"
        r".*?<xdr:to><xdr:col>\d+</xdr:col><xdr:colOff>\d+</xdr:colOff><xdr:row>(\d+)</xdr:row>",
        drawing, flags=re.S)]
    assert len(spans) == 4 and len(breaks) == 2  # two allocation rows, one budget row
    for first, last in spans:  # a break row is the last row of a page: a blank one
        assert not any(first <= b <= last for b in breaks), (first, last, breaks)
    page_rows = 595 * 0.75 / 15  # landscape A4's printable height in default rows, at most
    assert all(last - first + 1 < page_rows for first, last in spans)


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


@pytest.mark.parametrize("width", [8, 12, 32, 40])
def test_row_heights_count_the_lines_the_writer_breaks_a_cell_into(width: int) -> None:
    """One measure: a wrapped cell needs the lines word_lines breaks it into, both by
    text_width (the row height counted characters where the breaks measured Arial widths,
    and a row came out one line too tall); a word longer than the cell folds over the
    lines its width needs, never fewer."""
    import math

    from osa_opt.outputs.tables import text_lines, text_width, word_lines

    titles = [str(t) for t in osa_opt.load_problem().projects["title"]]
    for text in titles + ["Share of the best value", "Cost FY2026 (¥m)", "a\nb c"]:
        if max(map(text_width, text.split())) > width:
            continue  # a word wider than the cell: below
        broken = word_lines(text, width)
        assert text_lines(text, width) == text_lines(broken, width) == broken.count("\n") + 1
    long = "x" * (3 * width + 1)  # 3 cells' worth and a letter: 4 lines of its own
    assert text_lines(f"a {long} b", width) == 1 + math.ceil(text_width(long) / width) + 1
    # "Air-traffic-control radar and related" is 38 characters but 30.4 digits wide: two
    # lines in a 32-wide column (it had three)
    assert text_lines("Air-traffic-control radar and related\nequipment", 32) == 2


def test_every_row_is_as_tall_as_its_wrapped_lines(book_path: Path) -> None:
    """Each table row of the written workbook is as tall as the most lines one of its
    wrapped cells holds (ROW_POINTS a line), not a line taller: on Partners, Projects and
    Portfolio k, "Air-traffic-control radar and related\nequipment" got three lines' height
    for two, read back with openpyxl."""
    from osa_opt.outputs.tables import ROW_POINTS

    def pixels(points: float | None) -> int | None:  # the height as the file stores it
        return None if points is None else round(points / 0.75)

    checked = 0
    for sheet in table_sheets(book_path):
        header = int(sheet.print_title_rows.split(":")[-1].lstrip("$"))
        for row in sheet.iter_rows(min_row=header + 1):
            lines = max([cell.value.count("\n") + 1 for cell in row
                         if isinstance(cell.value, str) and cell.alignment.wrap_text] or [1])
            height = sheet.row_dimensions[row[0].row].height
            expected = None if lines == 1 else pixels(ROW_POINTS * lines)
            assert pixels(height) == expected, (sheet.title, row[0].row, height, lines)
            checked += lines > 1
    assert checked > 50  # titles and reasons over two or more lines among them


def test_rule_prices_read_in_words_and_formats(book_path: Path) -> None:
    """The Rule prices sheet: headers in the words of the report (one list), a bound and
    what portfolio 1 reaches in whole ¥ million or counts (not "18,100.000" or "18000"),
    gains as value points, gain shares to a tenth of a percent."""
    from openpyxl.utils import get_column_letter

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        sheet = load_workbook(book_path)["Rule prices"]
    header = next(r for r in range(1, 6) if sheet.cell(r, 1).value == humanize("rule"))
    names = {sheet.cell(header, c).value: get_column_letter(c)
             for c in range(1, sheet.max_column + 1)}
    for code, words in (("label", "Rule"), ("bound", "Required"),
                        ("activity", "At portfolio 1"), ("slack", "To spare"),
                        ("binding", "Met exactly"),
                        ("gain_if_off", "Value gained without it")):
        assert humanize(code) == words and words in names, (code, names)
    formats = {words: sheet.column_dimensions[letter].number_format
               for words, letter in names.items()}
    for words in ("Required", "At portfolio 1", "To spare"):
        assert formats[words] == "#,##0" + NUMBER_PAD, (words, formats[words])
    assert formats["Value gained without it"] == "#,##0.000" + NUMBER_PAD
    assert formats[humanize("gain_if_off_share")] == "0.0%" + NUMBER_PAD
    # TRUE/FALSE cells say yes/no (LibreOffice printed them 1/0 under a General format)
    assert formats["Met exactly"] == '"yes";"yes";"no"'
    column = names["Met exactly"]
    assert {type(sheet[f"{column}{r}"].value) for r in range(header + 1, sheet.max_row + 1)
            if sheet[f"{column}{r}"].value is not None} == {bool}  # still TRUE/FALSE


# ---------------------------------------------------------------------- Summary on paper
#: A round whose second-best portfolio swaps twelve small projects for one big one: the
#: Summary lists twelve dropped ids, more than one line of its column holds.
SWAP_IDS = [f"P-{i:02d}" for i in range(1, 13)]


@pytest.fixture(scope="module")
def swap_summary(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Word]]:
    """The workbook of the swap round, and the words of its Summary page as LibreOffice
    prints it."""
    import pandas as pd
    from conftest import write_csv

    from osa_opt.inputs.policy import Policy

    folder = tmp_path_factory.mktemp("swap")
    ids = [*SWAP_IDS, "P-91"]
    projects = pd.DataFrame({
        "project_id": ids, "title": [f"Project {i}" for i in ids],
        "country": "Aurelia", "field": "maritime_surveillance", "assistance_type": "equipment",
        "cost_FY2026": [100.0] * 12 + [1200.0],
        "score_security": [0.5] * 12 + [5.75], "score_humanitarian": [0.5] * 12 + [5.75]})
    countries = pd.DataFrame({
        "country": ["Aurelia"], "region": ["Southeast Asia"], "priority_tier": [1],
        "oda_eligible": [True], "party_to_conflict": [False], "management_agreement": [True],
        "democracy": [6.5], "rule_of_law": [6.0], "human_rights": [6.0]})
    policy = Policy.from_dict({"name": "Swap round", "budget": {"FY2026": 1200.0},
                               "objective": {"weights": {"security": 0.5,
                                                         "humanitarian": 0.5}}})
    problem = osa_opt.load_problem(write_csv(folder / "in", projects, countries),
                                   policy=policy)
    result = solve(problem, portfolios=2)
    assert result.portfolios[1].dropped == SWAP_IDS and result.portfolios[1].added == ["P-91"]
    book = result.write(folder / "run") / "portfolios.xlsx"
    for words in printed_pages(book, folder):
        if "Ranked portfolios" in page_text(words):
            return book, words
    raise AssertionError("no Summary page in LibreOffice's PDF")


def summary_sheet(book_path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return load_workbook(book_path)["Summary"]


@pytest.mark.slow
def test_summary_ids_break_between_ids_never_inside_one(
        swap_summary: tuple[Path, list[Word]]) -> None:
    """LibreOffice (and Excel) wrap text after a hyphen too: the dropped ids read
    "P-06, P-" | "07". The ids go in lines that fit their column, broken after a comma, the
    ids' characters as they are (an officer copies them)."""
    book_path, words = swap_summary
    texts = [w.text.rstrip(",") for w in words]
    assert not [t for t in texts if t.endswith("-")]
    for pid in [*SWAP_IDS, "P-91"]:
        assert pid in texts, pid
    sheet = summary_sheet(book_path)
    cell = next(c for row in sheet.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("P-01"))
    assert [i.strip() for i in cell.value.split(",")] == SWAP_IDS
    assert "\n" in cell.value and cell.alignment.wrap_text
    from osa_opt.outputs.tables import text_width

    width = sheet.column_dimensions[cell.column_letter].width
    assert all(text_width(line) <= width - 2 for line in cell.value.split("\n"))


@pytest.mark.slow
def test_summary_number_headers_end_where_their_numbers_end(
        swap_summary: tuple[Path, list[Word]]) -> None:
    """A column of numbers is headed on the right: "Countries" over its "1", not left of
    it, in LibreOffice's PDF; in Excel, header and numbers alike end clear of the filter
    button (the header indented, the numbers padded by their number format)."""
    book_path, words = swap_summary
    top = next(w for w in words if w.text == "Rank").y0
    for name in ("Rank", "Value", "Projects", "Countries", "Gap"):
        header = next(w for w in words if w.text == name and abs(w.y0 - top) < 1)
        below = [w for w in words if w.y0 > header.y1 and re.fullmatch(r"[\d,.%]+", w.text)
                 and w.x0 < header.x1 and w.x1 > header.x0]
        assert len(below) == 2, (name, below)  # one number per portfolio
        assert all(abs(w.x1 - header.x1) < 1 for w in below), (name, header, below)
    sheet = summary_sheet(book_path)
    header_row = next(r for r in range(1, 30) if sheet.cell(r, 1).value == "Rank")
    for col in range(1, sheet.max_column + 1):
        header, number = sheet.cell(header_row, col), sheet.cell(header_row + 1, col)
        if isinstance(number.value, int | float):
            assert header.alignment.horizontal == "right" and header.alignment.indent == 2
            assert number.alignment.horizontal == "right", header.value
            assert number.number_format.endswith(NUMBER_PAD), header.value
        else:  # text stays on the left
            assert header.alignment.horizontal is None, header.value


@pytest.mark.slow
def test_no_wrapped_text_breaks_an_id_at_its_hyphen(pdf_pages: list[list[Word]],
                                                     book_path: Path) -> None:
    """Every wrapped cell (a reason on Not funded: "exclusive group Aurelia patrol boats:
    P-02 funded instead") goes in lines that fit its column, broken at spaces, so
    LibreOffice never breaks one itself, which it does after a hyphen too ("P-" | "02").
    The ids' characters are as they are (an officer copies them)."""
    from osa_opt.outputs.tables import text_width

    halves = [w.text for page in pdf_pages for w in page if re.fullmatch(r"P-", w.text)]
    assert not halves, f"{len(halves)} ids broken at their hyphen"
    reasons = 0
    for sheet in table_sheets(book_path):
        header = int(sheet.print_title_rows.split(":")[-1].lstrip("$"))
        for row in sheet.iter_rows(min_row=header + 1):
            for cell in row:
                if not (isinstance(cell.value, str) and cell.alignment.wrap_text):
                    continue
                width = next(d.width for d in sheet.column_dimensions.values()  # ranges
                             if d.min <= cell.column <= d.max)
                spaced = [line for line in cell.value.split("\n") if " " in line]
                assert all(text_width(line) <= width - 2 for line in spaced), (
                    sheet.title, cell.coordinate, cell.value)
                reasons += "funded instead" in cell.value
    assert reasons  # the reasons that broke at "P-" are among them


def test_the_number_pad_never_costs_a_sheet_its_one_page_print(tmp_path: Path) -> None:
    """The pad after the numbers and the indent of their headers (three digits a column)
    made the shipped example's Portfolio sheets 217 characters wide, past LEGIBLE_WIDTH:
    they printed at 65% over two pages wide where they had printed one page wide. A table
    the pad alone would push past it goes without the pad; a narrower one keeps it."""
    from osa_opt import load_problem

    book_path = solve(load_problem(), portfolios=1).write(tmp_path / "run") / "portfolios.xlsx"
    sheets = {sheet.title: sheet for sheet in table_sheets(book_path)}
    portfolio = sheets["Portfolio 1"]
    assert portfolio.sheet_properties.pageSetUpPr.fitToPage
    assert sum(d.width or 0 for d in portfolio.column_dimensions.values()) <= LEGIBLE_WIDTH
    formats = {d.number_format for d in portfolio.column_dimensions.values()}
    assert "#,##0" in formats and not any(NUMBER_PAD in f for f in formats)
    summary = sheets["Summary"]  # far inside the width: padded, headers indented
    assert any(d.number_format == "#,##0" + NUMBER_PAD
               for d in summary.column_dimensions.values())


@pytest.mark.slow
def test_a_sheet_a_few_rows_over_one_page_prints_on_one(tmp_path: Path) -> None:
    """Each Portfolio sheet of the example (osa-opt solve) printed 26 rows and then two or
    three alone under a repeated header on a second page. A sheet that overflows its page
    by a few rows is fitted to one page when that keeps FIT_SHARE of its scale; a long
    sheet (Policy) still breaks over pages at its scale, never squeezed."""
    book_path = solve(osa_opt.load_problem(), portfolios=5, explain=False).write(
        tmp_path / "run") / "portfolios.xlsx"
    pdf_pages = printed_pages(book_path, tmp_path)
    fitted = fitted_titles(book_path)
    assert sum(title.startswith("Portfolio ") for title in fitted) == 5
    starts = [page_text(words[:12]) for words in pdf_pages]
    for title in fitted:
        first = [k for k, text in enumerate(starts) if text.startswith(title)]
        assert len(first) == 1, title
        after = starts[first[0] + 1] if first[0] + 1 < len(starts) else ""
        assert not after.startswith("Project Title"), (title, after)  # its header repeated
    assert sum(text.startswith("Key") for text in starts) >= 2  # Policy: several pages


@pytest.fixture(scope="module")
def ten_portfolios(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped example with ten portfolios (osa-opt solve --portfolios 10): each
    Allocation sheet is 51 columns wide, ten groups of five under "Portfolio k"."""
    folder = tmp_path_factory.mktemp("ten")
    return solve(osa_opt.load_problem(), portfolios=10).write(folder / "run") / "portfolios.xlsx"


def test_a_wide_allocation_sheet_breaks_between_portfolios_under_its_title(
        ten_portfolios: Path) -> None:
    """With ten portfolios each Allocation sheet printed some five pages wide at 65%: a
    continued page cut the title in the repeated first column to "Allocatio" and began
    with columns of a portfolio whose header was on the page before. It breaks between
    portfolios now, at a larger scale that fits two, with the title and note as every
    page's header instead of in the first column, and pages numbered."""
    for sheet in table_sheets(ten_portfolios):
        if not sheet.title.startswith("By "):
            continue
        header = next(r for r in range(1, 6) if sheet.cell(r, 2).value == "Portfolio 1")
        starts = [c for c in range(2, sheet.max_column + 1)
                  if str(sheet.cell(header, c).value or "").startswith("Portfolio ")]
        assert len(starts) == 10, sheet.title
        breaks = [b.id for b in sheet.col_breaks.brk]  # break after column id (1-based)
        assert breaks and set(breaks) <= {c - 1 for c in starts}, (sheet.title, breaks)
        assert PRINT_SCALE < sheet.page_setup.scale <= MAX_GROUP_SCALE
        assert sheet.print_title_cols == "$A:$A"
        assert sheet.print_title_rows == f"${header}:${header + 1}"
        assert sheet.print_area.split("!")[-1].startswith(f"$A${header}:")  # not the title
        title = sheet.cell(1, 1).value
        assert title.startswith("Allocation by ") and title in sheet.oddHeader.left.text
        assert "&P" in sheet.oddFooter.right.text


@pytest.mark.slow
def test_every_printed_allocation_page_holds_whole_portfolios(
        ten_portfolios: Path, tmp_path: Path) -> None:
    """LibreOffice's PDF of the ten-portfolio workbook: each page of an Allocation sheet
    starts with its title and every portfolio's columns on it (Projects #k to Value #k)
    sit under that portfolio's header; it printed "Share of budget #3" and "Value #3"
    under no header at the left of a page."""
    pages = [page_text(words) for words in printed_pages(ten_portfolios, tmp_path)]
    by_country = [t for t in pages if t.startswith("Allocation by country, per portfolio")]
    for text in by_country:
        shown = set(re.findall(r"#(\d+)\b", text))
        headed = set(re.findall(r"Portfolio (\d+)\b", text))
        assert shown == headed and len(headed) == 2, text[:300]
    assert len(by_country) == 5  # was 4, of 2.6 portfolios each


def test_a_sheet_printed_pages_wide_wraps_its_messages_in_wider_lines(
        book_path: Path) -> None:
    """Why in or out wrapped each message at 32 characters, 8 lines a row: a 2,000-project
    round's sheet printed 632 pages (LibreOffice), the example's 8. A table printed several
    pages wide anyway wraps its message column up to PROSE_WIDTH (the big round's 364
    pages, the example's 6); one printed one page wide keeps WRAP_WIDTH."""
    from openpyxl.utils import get_column_letter

    from osa_opt.outputs.tables import PROSE_WIDTH, WRAP_WIDTH, text_width

    sheets = {sheet.title: sheet for sheet in table_sheets(book_path)}
    why = sheets["Why in or out"]
    assert not why.sheet_properties.pageSetUpPr.fitToPage  # several pages wide
    header = next(r for r in range(1, 6) if why.cell(r, 1).value == humanize("project_id"))
    col = next(c for c in range(1, why.max_column + 1)
               if why.cell(header, c).value == humanize("message"))
    width = why.column_dimensions[get_column_letter(col)].width
    assert WRAP_WIDTH + 10 < width <= PROSE_WIDTH + 1
    lines = [line for r in range(header + 1, why.max_row + 1)
             for line in str(why.cell(r, col).value or "").split("\n")]
    assert max(text_width(line) for line in lines if " " in line) > WRAP_WIDTH
    assert all(text_width(line) <= width - 2 for line in lines if " " in line)


#: A4 landscape in PDF points.
A4_LANDSCAPE = (842, 595)


@pytest.mark.slow
def test_every_sheet_prints_on_a4_landscape(book_path: Path,
                                            pdf_pages: list[list[Word]]) -> None:
    """The Read me sheet, the first an officer prints, had no paper size and came out on
    US Letter (792 × 612 points) while every other sheet printed on A4."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        book = load_workbook(book_path)
    for sheet in book.worksheets:
        assert sheet.page_setup.paperSize == 9, sheet.title  # A4
        assert sheet.page_setup.orientation == "landscape", sheet.title
    assert book.worksheets[0].title == "Read me"
    assert {page.size for page in pdf_pages} == {A4_LANDSCAPE}  # type: ignore[attr-defined]
    assert not [w.text for page in pdf_pages for w in page if "###" in w.text]


@pytest.mark.slow
def test_summary_budget_amounts_print_as_numbers(tmp_path: Path) -> None:
    """The budget block on top of the Summary sits in the table's Value column, which was
    sized by the portfolios' values alone: a total budget of ¥158,940m (a 300-project
    round over two years) printed as ###, and so does ¥1,502,352m (3,000 projects over
    three years) beside the example's values. The column is as wide as the padded
    amounts."""
    from osa_opt.outputs.formats import NUMBER_INDENT_WIDTH

    problem = osa_opt.load_problem(overrides={"budget.FY2026": 1_502_352})
    book = solve(problem, portfolios=1).write(tmp_path / "run") / "portfolios.xlsx"
    sheet = summary_sheet(book)
    total = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "Total budget (¥m)")
    assert sheet.cell(total, 2).value == 1_502_352
    assert sheet.cell(total, 2).number_format == "#,##0" + NUMBER_PAD
    words = next(page for page in printed_pages(book, tmp_path)
                 if "Ranked portfolios" in page_text(page))
    texts = [w.text for w in words]
    assert "1,502,352" in texts and not [t for t in texts if "#" in t]
    assert sheet.column_dimensions["B"].width >= len("1,502,352") + NUMBER_INDENT_WIDTH + 1


@pytest.mark.slow
def test_value_per_cost_prints_in_digits_that_tell_projects_apart(tmp_path: Path) -> None:
    """The Funding order sheet and the report's funding line showed value per cost in three
    decimals under a header without a unit: 0.005 for P-27, P-32 and most of a round
    (5.518 over ¥1,100m, 5.612 over ¥1,200m). Both now head it "Value per ¥m" and show five
    decimals: 0.00502 and 0.00468."""
    from osa_opt.workflows import frontier

    result = frontier(osa_opt.load_problem(), shares=[0.5, 1.0])
    folder = result.write(tmp_path / "run")
    order = result.analyses["funding_order"].order.set_index("project_id")
    expected = {p: f"{order.at[p, 'value'] / order.at[p, 'total_cost']:.5f}"
                for p in ("P-27", "P-32")}
    assert expected == {"P-27": "0.00502", "P-32": "0.00468"}
    pages = [page_text(page) for page in printed_pages(folder / "portfolios.xlsx", tmp_path)]
    start = next(k for k, text in enumerate(pages) if text.startswith("Funding order"))
    text = " ".join(pages[start:start + 2])  # the sheet's 30 rows, on one or two pages
    assert "Value per ¥m" in text
    for pid, shown in expected.items():
        assert re.search(rf"{pid} .*? {re.escape(shown)} ", text), (pid, shown)
    report = html.unescape(re.sub(r"<[^>]+>", " ", (folder / "report.html").read_text()))
    report = " ".join(report.split())
    assert "Value per ¥m" in report
    for pid, shown in expected.items():
        assert re.search(rf"{pid} .{{0,120}}? {re.escape(shown)} ", report), (pid, shown)


@pytest.mark.slow
def test_a_tier_prints_under_its_header_clear_of_the_next_column(
        pdf_pages: list[list[Word]]) -> None:
    """Printed without the pad of its numbers (too wide for it), the Portfolio sheet put
    each tier at the right edge of its column under a header on the left, against the
    field beside it: "1Maritime surveillance". The tier is centred under its header."""
    page = next(p for p in pdf_pages if page_text(p).startswith("Portfolio 1:"))
    header = next(w for w in page if w.text == "Tier")
    field = next(w for w in page if w.text == "Field" and abs(w.y0 - header.y0) < 1)
    tiers = [w for w in page if w.y0 > header.y1 and w.text in ("1", "2", "3")
             and header.x0 - 20 < w.x0 < field.x0]
    assert len(tiers) > 10
    middle = (header.x0 + header.x1) / 2
    for tier in tiers:
        assert abs((tier.x0 + tier.x1) / 2 - middle) < 3, (tier, header)
        assert field.x0 - tier.x1 > 10, (tier, field)


def test_every_policy_key_prints_whole(pdf_pages: list[list[Word]], book_path: Path) -> None:
    """The Policy sheet's Key column was as wide as any wrapped column (32), and a key has
    no space to break at: LibreOffice printed "eligibility.require_management_agreem" over
    "ent". A wrapped column is now as wide as its widest word (up to 60), so every key of
    the policy prints as one word."""
    from osa_opt.outputs.tables import text_width

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        sheet = load_workbook(book_path)["Policy"]
    keys = [c.value for c in sheet["A"][3:] if isinstance(c.value, str)]
    assert "eligibility.require_management_agreement" in keys
    width = sheet.column_dimensions["A"].width
    assert all(text_width(key) <= width - 2 for key in keys)
    printed = {w.text for page in pdf_pages for w in page}
    assert [key for key in keys if key not in printed] == []


@pytest.mark.slow
def test_a_long_sheet_name_prints_whole_on_the_read_me(tmp_path: Path) -> None:
    """The Read me's label column was 18 wide whatever it listed: a comparison's sheet
    "Comparison by project" printed as "Comparison by projecwhich projects each scenario
    funds", cut by the description beside it. The column is as wide as its longest label."""
    from osa_opt.analysis.compare import Scenario, budget_scenario
    from osa_opt.outputs.tables import text_width
    from osa_opt.workflows import compare

    problem = osa_opt.load_problem()
    result = compare([Scenario("default", problem), budget_scenario(problem, {"FY2026": 15000})])
    book = result.write(tmp_path / "run") / "portfolios.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        sheet = load_workbook(book)["Read me"]
    names = [c.value for c in sheet["A"] if isinstance(c.value, str)]
    assert "Comparison by project" in names
    assert text_width("Comparison by project") * 1.1 <= sheet.column_dimensions["A"].width - 2
    words = [w.text for w in printed_pages(book, tmp_path)[1]]  # the sheet list's page
    at = words.index("Comparison", words.index("Comparison") + 1)
    assert words[at:at + 3] == ["Comparison", "by", "project"], words[at:at + 6]
    assert [w for w in words if w.startswith("projec") and w.rstrip("s") != "project"] == []


@pytest.mark.slow
def test_a_partners_package_prints_on_the_page_of_its_first_item(tmp_path: Path) -> None:
    """LibreOffice printed the example's Partners sheet over three pages, its titles over
    two or three lines in a column of 32 beside a third of the page left blank, and the
    first page ended on Coralia's package row ("Coralia  4 items  1,800  1,800  9.9%") with
    its items on the next. A table narrower than the page gives the rest to its wrapped
    columns (the titles on one line, two pages), and the pages break before a partner's
    row rather than after it."""
    result = solve(osa_opt.load_problem(), portfolios=1)
    book = result.write(tmp_path / "run") / "portfolios.xlsx"
    pages = [p for p in printed_pages(book, tmp_path)  # the Partners sheet's header
             if {"Partner", "Project", "Title", "Fraction"} <= {w.text for w in p}]
    assert len(pages) == 2
    for page in pages:
        lines: dict[float, list[str]] = {}
        for word in page:
            lines.setdefault(round(word.y0), []).append(word.text)
        last = lines[max(lines)]
        assert not {"item", "items"} & set(last), last  # a package row: "N items"
    assert "Coralia" in page_text(pages[0]) and "Dravina" in page_text(pages[1])
