"""An .ods cell's unit is read from its number format as an .xlsx cell's is, whichever
program wrote the file: LibreOffice marks a currency or percentage cell in the cell itself
(``office:value-type="currency" office:currency="USD"``), another writer (pandas' odf
engine, a hand-written content.xml) writes ``office:value-type="float"`` and gives the
unit by the cell's style, its format often on a parent style in styles.xml
(``style:parent-style-name``). Every unit the .xlsx reader knows in a format code (shown
divided, another currency, a percentage, hidden) is known so in an .ods format.
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import require_program

from osa_opt.errors import InputError
from osa_opt.inputs.readers import read_input

_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
       'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
       'office:version="1.2"')
_GROUPED = ('<number:number number:decimal-places="0" number:min-integer-digits="1" '
            'number:grouping="true"{}/>')
_MILLIONS = _GROUPED.format(' number:display-factor="1000000"')
_PLAIN = _GROUPED.format("")
#: (name, the .ods number format "F", the .xlsx format code of the same, the column, the
#: value the cell holds, what LibreOffice shows of it)
CASES = [
    ("millions", f'<number:number-style style:name="F">{_MILLIONS}</number:number-style>',
     "#,##0,,", "cost_FY2026", 850000000, "850"),
    ("yen in millions",
     '<number:currency-style style:name="F"><number:currency-symbol number:language="ja" '
     f'number:country="JP">¥</number:currency-symbol>{_MILLIONS}</number:currency-style>',
     "[$¥-411]#,##0,,", "cost_FY2026", 850000000, "¥850"),
    ("dollars",
     '<number:currency-style style:name="F"><number:currency-symbol number:language="en" '
     f'number:country="US">$</number:currency-symbol>{_PLAIN}</number:currency-style>',
     "[$$-409]#,##0", "cost_FY2026", 850, "$850"),
    ("dollars as text",
     f'<number:number-style style:name="F"><number:text>$</number:text>{_PLAIN}'
     '</number:number-style>', '"$"#,##0', "cost_FY2026", 850, "$850"),
    ("euros",
     '<number:currency-style style:name="F"><number:number number:decimal-places="2" '
     'number:min-integer-digits="1" number:grouping="true"/><number:text> </number:text>'
     '<number:currency-symbol number:language="de" number:country="DE">€'
     '</number:currency-symbol></number:currency-style>', "#,##0.00 [$€-407]",
     "cost_FY2026", 850, "850.00 €"),
    ("percentage",
     '<number:percentage-style style:name="F"><number:number number:decimal-places="0" '
     'number:min-integer-digits="1"/><number:text>%</number:text></number:percentage-style>',
     "0%", "score_security", 0.76, "76%"),
    ("hidden", '<number:number-style style:name="F"><number:text></number:text>'
     '</number:number-style>', ";;;", "cost_FY2026", 850, ""),
]
HEADER = ["project_id", "country", "cost_FY2026", "score_security"]
ROWS = [HEADER, ["P-01", "Aurelia", 900, 5], ["P-02", "Aurelia", 800, 6]]
COUNTRIES = [["country", "region"], ["Aurelia", "Pacific"]]


#: Where a file may put the parent style ``Money`` and its number format ``F``: in
#: styles.xml's common styles (where a parent and its format are looked for), or where the
#: OpenDocument standard and LibreOffice do not look for them (``Money`` an automatic style
#: of content.xml or of styles.xml, or ``F`` an automatic one of styles.xml).
PLACES = {"common": ("styles", "styles"), "automatic parent": ("content", "content"),
          "styles.xml automatic": ("styles auto", "styles auto"),
          "format in styles.xml automatic": ("styles", "styles auto")}


def ods_with_format(path: Path, number_format: str, column: str, value: float,
                    place: str = "common") -> Path:
    """A round whose row 3 ``column`` holds ``value`` in a cell of type float, of the
    automatic style ``ce1`` whose parent, the named style ``Money`` in styles.xml, has the
    number format ``number_format`` (in styles.xml too), as a writer other than LibreOffice
    writes a formatted cell; or with ``Money`` and its format elsewhere (:data:`PLACES`)."""
    def cell(v: Any, style: str = "") -> str:
        own = f' table:style-name="{style}"' if style else ""
        kind = "float" if isinstance(v, int | float) else "string"
        held = f' office:value="{v}"' if kind == "float" else ""
        return (f'<table:table-cell office:value-type="{kind}"{held}{own}><text:p>{v}</text:p>'
                "</table:table-cell>")

    def table(name: str, rows: list[list[Any]]) -> str:
        return (f'<table:table table:name="{name}">'
                + "".join("<table:table-row>" + "".join(
                    cell(value if (r, k) == (2, HEADER.index(column)) and name == "projects"
                         else v, "ce1" if (r, k) == (2, HEADER.index(column))
                         and name == "projects" else "")
                    for k, v in enumerate(row)) + "</table:table-row>"
                    for r, row in enumerate(rows)) + "</table:table>")

    parts = {"content": "", "styles": "", "styles auto": ""}
    money_at, format_at = PLACES[place]
    parts[format_at] += number_format
    parts[money_at] += ('<style:style style:name="Money" style:family="table-cell" '
                        'style:data-style-name="F"/>')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS}>'
               '<office:automatic-styles><style:style style:name="ce1" '
               'style:family="table-cell" style:parent-style-name="Money">'
               f'<style:table-cell-properties fo:border="none"/></style:style>{parts["content"]}'
               '</office:automatic-styles><office:body><office:spreadsheet>'
               f'{table("projects", ROWS)}{table("countries", COUNTRIES)}'
               "</office:spreadsheet></office:body></office:document-content>")
    styles = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_NS}>'
              f'<office:styles>{parts["styles"]}</office:styles><office:automatic-styles>'
              f'{parts["styles auto"]}</office:automatic-styles></office:document-styles>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type='
                '"application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" '
                'manifest:media-type="text/xml"/><manifest:file-entry '
                'manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
        archive.writestr("styles.xml", styles)
    return path


def xlsx_with_format(path: Path, code: str, column: str, value: float) -> Path:
    """The same round as an .xlsx workbook, row 3's cell of the Excel format ``code``."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "projects"
    for row in ROWS:
        sheet.append(row)
    target = sheet.cell(3, HEADER.index(column) + 1)
    target.value, target.number_format = value, code
    countries = book.create_sheet("countries")
    for row in COUNTRIES:
        countries.append(row)
    book.save(path)
    return path


def refusals(path: Path) -> list[tuple[int | None, str | None, str]]:
    """(row, column, rule up to its first ':') of each problem reading ``path``, the format
    code it names left out (an .ods format is named by the code it stands for, without
    Excel's locale: ``[$¥]`` for ``[$¥-411]``; the test below checks each)."""
    import re

    try:
        read_input(path)
    except InputError as refused:
        return [(i.row, i.column, re.sub(r"\(?the format '[^']*'\)?", "the format",
                                         i.rule.split(":")[0]).strip())
                for i in refused.issues]
    return []


@pytest.mark.parametrize(("name", "number_format", "code", "column", "value", "shown"),
                         CASES, ids=[case[0] for case in CASES])
def test_an_ods_unit_given_by_a_parent_style_is_read_as_the_xlsx_format_s(
        tmp_path: Path, name: str, number_format: str, code: str, column: str,
        value: float, shown: str) -> None:
    """Yen shown in millions (a currency style of ``number:display-factor``), dollars (a
    currency style, or ``"$"`` as text), euros and a percentage, on a float cell: each
    was read silently as the number it holds (850 dollars as ¥850 million, 0.76 for a
    7.6 score) where the .xlsx of the same format is refused; millions and a hidden
    format were refused already. Each is now the .xlsx's problem, on the same cell."""
    ods = refusals(ods_with_format(tmp_path / "round.ods", number_format, column, value))
    xlsx = refusals(xlsx_with_format(tmp_path / "round.xlsx", code, column, value))
    assert len(ods) == 1
    assert ods == xlsx


def test_the_ods_format_words_its_unit_as_the_xlsx_format_code(tmp_path: Path) -> None:
    """The refusal names an .ods format by the Excel format code it stands for."""
    from odf.opendocument import load

    from osa_opt.inputs.hidden_values import ods_number_codes

    codes = {name: ods_number_codes(load(str(ods_with_format(
        tmp_path / f"case{k}.ods", number_format, column, value))))["F"]
        for k, (name, number_format, _, column, value, _) in enumerate(CASES)}
    assert codes == {"millions": "#,##0,,", "yen in millions": "[$¥]#,##0,,",
                     "dollars": "[$$]#,##0", "dollars as text": '"$"#,##0',
                     "euros": '#,##0.00" "[$€]', "percentage": "0%", "hidden": ""}


@pytest.mark.parametrize("place", [p for p in PLACES if p != "common"])
@pytest.mark.parametrize(("name", "number_format", "code", "column", "value", "shown"),
                         CASES, ids=[case[0] for case in CASES])
def test_a_format_the_cell_does_not_reach_is_not_read_as_its_unit(
        tmp_path: Path, name: str, number_format: str, code: str, column: str,
        value: float, shown: str, place: str) -> None:
    """A parent style that is an automatic one (of content.xml, or of styles.xml), or a
    named style's format among styles.xml's automatic ones, is not followed (the standard
    says a parent is a common style; LibreOffice shows such a cell as its plain number, the
    test below): a cost shown as 850000000 was refused as 'shown as 850', and a plain 850
    as hidden. The cell is read as the number it shows."""
    assert refusals(ods_with_format(tmp_path / "round.ods", number_format, column, value,
                                    place)) == []


@pytest.mark.slow
def test_libreoffice_shows_each_such_cell_with_its_unit(tmp_path: Path) -> None:
    """The files above are what a user sees: LibreOffice shows row 3's cell with the unit
    of its parent style's format, and as its plain number where the format is put where a
    cell style does not reach it (saved as CSV 'as shown')."""
    soffice = require_program(("soffice", "libreoffice"),
                              "apt-get install -y libreoffice-calc-nogui")
    made = [(place, case) for place in PLACES for case in CASES]
    paths = [ods_with_format(tmp_path / f"case{k}.ods", case[1], case[3], case[4], place)
             for k, (place, case) in enumerate(made)]
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--headless", "--convert-to",
                    'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true',
                    "--outdir", str(tmp_path / "csv"), *map(str, paths)],
                   check=True, capture_output=True, timeout=300)
    shown = []
    for k, (_, case) in enumerate(made):
        line = (tmp_path / "csv" / f"case{k}.csv").read_text(encoding="utf-8").splitlines()[2]
        shown.append(line.split(",", 2)[2].rsplit(",", 1)[HEADER.index(case[3]) - 2])
    assert shown == [case[5] if place == "common" else str(case[4]) for place, case in made]
