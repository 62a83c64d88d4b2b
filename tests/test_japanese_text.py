"""Japanese titles and names show in the report, its PDF (Chromium) and the workbook's PDF
(LibreOffice): the report's font stack names a CJK face, CI installs one (fonts-noto-cjk),
and the PDFs carry the text itself in a CJK font, not empty boxes."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from conftest import require_font, require_program

from osa_opt.inputs.policy import Policy
from osa_opt.inputs.problem import Problem
from osa_opt.report.svg import FONT
from osa_opt.workflows import solve

pytestmark = pytest.mark.slow
TITLE = "沿岸監視レーダー"
COUNTRY = "アウレリア"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import TINY_POLICY, tiny_countries, tiny_projects

    projects, countries = tiny_projects(), tiny_countries()
    projects.loc[0, "title"] = TITLE  # P-01, mandatory: always funded
    projects["country"] = projects["country"].replace("Aurelia", COUNTRY)
    countries["country"] = countries["country"].replace("Aurelia", COUNTRY)
    problem = Problem.from_frames(projects, countries, Policy.from_dict(TINY_POLICY))
    result = solve(problem, portfolios=2)
    assert "P-01" in result.best.fractions
    return result.write(tmp_path_factory.mktemp("ja") / "run")


def pdf_text_and_fonts(pdf: Path) -> tuple[str, str]:
    text = subprocess.run([require_program("pdftotext", "apt-get install -y poppler-utils"),
                           str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
    fonts = subprocess.run([require_program("pdffonts", "apt-get install -y poppler-utils"),
                            str(pdf)], capture_output=True, text=True, timeout=60).stdout
    return text, fonts


def test_the_font_stack_names_a_cjk_face(folder: Path) -> None:
    assert "Noto Sans CJK JP" in FONT
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "Noto Sans CJK JP" in html and TITLE in html and COUNTRY in html


@pytest.fixture
def cjk_font() -> None:
    require_font("ja", "apt-get install -y fonts-noto-cjk")


@pytest.mark.usefixtures("cjk_font")
def test_the_reports_pdf_shows_the_japanese_text(folder: Path, tmp_path: Path) -> None:
    from test_report_browser import CHROMIUM_ARGS, chromium_path

    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto((folder / "report.html").resolve().as_uri(), wait_until="load")
            # the faces Chromium drew the title with: a CJK one, for every glyph
            cdp = page.context.new_cdp_session(page)
            cdp.send("DOM.getDocument", {"depth": -1})
            cdp.send("CSS.enable")
            search = cdp.send("DOM.performSearch", {"query": TITLE})
            assert search["resultCount"] > 0
            nodes = cdp.send("DOM.getSearchResults", {
                "searchId": search["searchId"], "fromIndex": 0,
                "toIndex": search["resultCount"]})["nodeIds"]
            used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": nodes[0]})["fonts"]
            cjk = [f for f in used if "CJK" in f["familyName"]]
            assert cjk and sum(f["glyphCount"] for f in cjk) >= len(TITLE), used
            page.emulate_media(media="print")
            pdf = tmp_path / "report.pdf"
            pdf.write_bytes(page.pdf(format="A4", print_background=True))
        finally:
            browser.close()
    text, _ = pdf_text_and_fonts(pdf)  # Chromium embeds the CJK face as Type 3: no name
    flat = re.sub(r"\s+", "", text)
    assert TITLE in flat and COUNTRY in flat


@pytest.mark.usefixtures("cjk_font")
def test_the_workbooks_pdf_shows_the_japanese_text(folder: Path, tmp_path: Path) -> None:
    soffice = require_program(("soffice", "libreoffice"),
                              "apt-get install -y libreoffice-calc-nogui")
    profile = tmp_path / "lo-profile"
    proc = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
         str(folder / "portfolios.xlsx")], capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    text, fonts = pdf_text_and_fonts(tmp_path / "pdf" / "portfolios.pdf")
    flat = re.sub(r"\s+", "", text)
    assert TITLE in flat and COUNTRY in flat
    assert "CJK" in fonts


def test_csv_keeps_the_text(folder: Path) -> None:
    csv = pd.read_csv(folder / "portfolios.csv", encoding="utf-8-sig", dtype=str)
    assert TITLE in set(csv["title"]) and COUNTRY in set(csv["country"])
