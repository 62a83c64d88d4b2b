"""report.html in a real browser: headless Chromium (Debian's package) driven by playwright.

The report of a solve of the shipped example is opened from a ``file://`` URL. It must load
without console errors or network requests, draw its charts, paint a screenshot that is not
blank, and print to a PDF with a page per section. They need Debian's Chromium
(``apt-get install -y chromium``, as ``.ci/run`` does; not ``playwright install``): without
it they skip, except under CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import require_program

import osa_opt
from osa_opt.report import svg
from osa_opt.workflows import solve

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1200, "height": 900}
pytestmark = pytest.mark.slow  # a real browser: seconds to start


def chromium_path() -> str:
    """Debian's Chromium (a skip naming the install command when missing; a failure in CI)."""
    return require_program(("/usr/bin/chromium", "chromium", "chromium-browser"),
                           "apt-get install -y chromium")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """report.html of the shipped example solved into three ranked portfolios."""
    result = solve(osa_opt.load_problem(), portfolios=3)
    folder = result.write(tmp_path_factory.mktemp("browser") / "run")
    return folder / "report.html"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="module")
def loaded(browser: Any, report: Path) -> Iterator[dict[str, Any]]:
    """The report opened once: the page plus every console error, page error and request."""
    page = browser.new_page(viewport=VIEWPORT)
    seen: dict[str, Any] = {"console": [], "pageerror": [], "requests": []}
    page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: seen["pageerror"].append(str(e)))
    page.on("request", lambda r: seen["requests"].append(r.url))
    url = report.resolve().as_uri()
    page.goto(url, wait_until="load")
    seen["page"], seen["url"] = page, url
    yield seen
    page.close()


def test_loads_without_errors_or_network(loaded: dict[str, Any]) -> None:
    assert loaded["console"] == []
    assert loaded["pageerror"] == []
    assert loaded["requests"] == [loaded["url"]]      # the file itself, nothing else
    assert not any(re.match(r"https?:", u) for u in loaded["requests"])
    page = loaded["page"]
    assert page.title() == "osa-opt report: Shipped example FY2026 (illustrative)"
    headings = page.evaluate("() => [...document.querySelectorAll('h2')].map(h => h.textContent)")
    assert headings[0] == "Headline"  # the decision first, then the comparisons
    assert [h for h in headings if h in ("Ranked portfolios", "Allocation", "Budget use")] \
        == ["Ranked portfolios", "Allocation", "Budget use"]
    assert headings[-1] == "Manifest"


def test_charts_are_drawn(loaded: dict[str, Any]) -> None:
    page = loaded["page"]
    counts = page.evaluate("""() => ({
        svgs: document.querySelectorAll('svg.chart').length,
        bars: document.querySelectorAll('svg rect.bar').length,
        wideBars: [...document.querySelectorAll('svg rect.bar')]
            .filter(r => r.getBBox().width > 1).length,
        labels: document.querySelectorAll('svg text').length,
        titled: [...document.querySelectorAll('svg.chart')]
            .filter(s => s.firstElementChild.tagName === 'title').length,
        drawn: [...document.querySelectorAll('svg.chart')]
            .filter(s => s.getBoundingClientRect().width > 300
                         && s.getBoundingClientRect().height > 80).length,
    })""")
    # four allocation charts and the budget chart; 14 countries, 5 regions, 3 tiers and 9
    # fields give 31 bars before the budget's
    assert counts["svgs"] == 5
    assert counts["titled"] == counts["drawn"] == counts["svgs"]
    assert counts["bars"] > 31 and counts["wideBars"] > 20
    assert counts["labels"] > 90  # 31 bars of allocation with their names and amounts


def test_screenshot_is_not_blank(loaded: dict[str, Any], tmp_path: Path) -> None:
    from PIL import Image

    page = loaded["page"]
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("RGB")
    small = shot.resize((shot.width // 4, shot.height // 4))
    colours = small.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50
    white = sum(n for n, rgb in colours if min(rgb) >= 250)
    assert 1 - white / (small.width * small.height) > 0.2     # mostly the grey page, cards
    # the first allocation chart is painted in the funded colour
    chart = Image.open(io.BytesIO(page.locator("svg.chart").first.screenshot())).convert("RGB")
    pixels = np.asarray(chart, dtype=int)
    funded = np.array([int(svg.FUNDED[i:i + 2], 16) for i in (1, 3, 5)])
    painted = int((np.abs(pixels - funded).max(axis=2) <= 8).sum())
    assert painted > 2000


def test_prints_a_page_per_section(browser: Any, report: Path) -> None:
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(report.resolve().as_uri(), wait_until="load")
        page.emulate_media(media="print")
        styles = page.evaluate("""() => ({
            nav: getComputedStyle(document.querySelector('nav')).display,
            breaks: [...document.querySelectorAll('section')].map(
                s => getComputedStyle(s).breakBefore),
        })""")
        assert styles["nav"] == "none"
        assert styles["breaks"][0] != "page" and set(styles["breaks"][1:]) == {"page"}
        pdf = page.pdf(format="A4", print_background=True)
    finally:
        page.close()
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert pages >= len(styles["breaks"])


OVERFLOWING = """() => [...document.querySelectorAll('table')].map(t => {
    const box = (t.closest('.scroll') || t.parentElement).getBoundingClientRect();
    const section = t.closest('section');
    return [section ? section.id : '', Math.round(t.getBoundingClientRect().right),
            Math.round(box.right), Math.round(document.documentElement.clientWidth)];
}).filter(([, right, boxRight, page]) => right > Math.min(boxRight, page) + 1)"""


#: Cells of one short word (a partner, a status) drawn over more than one line: a name
#: broken inside ("Serende" / "l" in the partners table printed to A4).
BROKEN_WORDS = """() => [...document.querySelectorAll('td')].filter(td => {
    const text = td.textContent.trim();
    if (!text || /\\s/.test(text) || text.length > 16) return false;
    const range = document.createRange();
    range.selectNodeContents(td);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1;
}).map(td => td.textContent.trim())"""


@pytest.mark.parametrize("width", [1280, 800])
def test_every_column_fits_the_screen(browser: Any, report: Path, width: int) -> None:
    """At 1280 and 800 px no table is cut or needs scrolling: every column stays visible
    (the funded-projects table once lost FY2027, total and value at 800 px)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(report.resolve().as_uri(), wait_until="load")
        assert page.evaluate(OVERFLOWING) == []
        assert page.evaluate(BROKEN_WORDS) == []
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= width
        text = page.evaluate("() => [...document.querySelectorAll('section')]"
                             ".filter(s => s.id !== 'manifest').map(s => s.innerText).join()")
    finally:
        page.close()
    # codes in words (fields, assistance types, statuses) outside the manifest, which
    # quotes the policy as written; run.json and the CSV keep the codes
    assert "Maritime surveillance" in text and "maritime_surveillance" not in text



#: The legend entries whose words are not all on the line of their colour key.
LEGEND_ITEMS_SPLIT = """() => [...document.querySelectorAll('.legend-key')].map(key => {
    const box = key.getBoundingClientRect();
    const range = document.createRange();
    range.setStartAfter(key);
    range.setEnd(key.parentElement, key.parentElement.childNodes.length);
    const apart = [...range.getClientRects()].filter(r => r.width > 0)
        .some(r => r.top >= box.bottom || r.bottom <= box.top);
    return [key.parentElement.textContent.trim(), apart];
}).filter(([, apart]) => apart).map(([label]) => label)"""


@pytest.mark.parametrize("width", [1280, 800, 700])
def test_a_legend_key_stays_with_its_label(browser: Any, report: Path, width: int) -> None:
    """At 800 px the allocation legend read "■ eligible, nothing" at the end of one line and
    "funded" on the next; printed (700 px of A4), its key ended one line and its words began
    the next. Each key and its words now break as one."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(report.resolve().as_uri(), wait_until="load")
        if width == 700:
            page.emulate_media(media="print")
        labels = page.evaluate("() => [...document.querySelectorAll('.legend-key')]"
                               ".map(k => k.parentElement.textContent.trim())")
        assert "eligible, nothing funded" in labels
        assert page.evaluate(LEGEND_ITEMS_SPLIT) == []
    finally:
        page.close()

def test_every_column_fits_a4_paper(browser: Any, report: Path, tmp_path: Path) -> None:
    """Printed to A4 every table keeps every column: the PDF's text has each fiscal year's
    header and the value column of the funded-projects table on the same page."""
    import subprocess

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(report.resolve().as_uri(), wait_until="load")
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 700, "height": 990})  # A4 less its margins
        assert page.evaluate(OVERFLOWING) == []
        assert page.evaluate(BROKEN_WORDS) == []  # "Serende" / "l" once
        pdf = tmp_path / "report.pdf"
        pdf.write_bytes(page.pdf(format="A4", print_background=True))
    finally:
        page.close()
    pdftotext = require_program("pdftotext", "apt-get install -y poppler-utils")
    pages = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True,
                           text=True, timeout=60).stdout.split("\f")
    funded = [p for p in pages if "Projects funded in portfolio 1" in p]
    assert funded
    first = funded[0]
    for word in ("FY2026", "Total", "Value", "Fraction"):
        assert word in first, word


def test_the_compare_report_puts_the_comparison_first_and_charts_comparable_values(
        browser: Any, tmp_path: Path) -> None:
    """Two policies that weigh projects differently and a budget scenario: the comparison
    comes first, before the baseline's headline; its chart plots every portfolio by the baseline's
    weights (not 185 against 147 on different scales); the tables fit at 1280 and 800 px;
    the run folder keeps every policy compared."""
    import sys

    from osa_opt.cli import cli
    from osa_opt.cli.common import run_cli

    root = Path(__file__).resolve().parents[1]
    folder = tmp_path / "cmp"
    argv = ["osa-opt", "compare", "--policy", str(root / "models/default.toml"), "--policy",
            str(root / "models/humanitarian_focus.toml"), "--budget-scenario",
            "FY2026=15000", "--quiet", "--out", str(folder)]
    saved, sys.argv = sys.argv, argv
    try:
        assert run_cli(cli) == 0
    finally:
        sys.argv = saved
    assert {"policy-default.toml", "policy-humanitarian-focus.toml",
            "policy-default-fy2026-15000.toml"} <= {p.name for p in folder.iterdir()}
    humanitarian = (folder / "policy-humanitarian-focus.toml").read_text(encoding="utf-8")
    assert humanitarian == osa_opt.inputs.policy.Policy.load(
        root / "models/humanitarian_focus.toml").to_toml()
    import json

    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    under = {s["name"]: s["value_under_baseline"]
             for s in manifest["analyses"]["comparison"]["scenarios"]}
    for width in (1280, 800):
        page = browser.new_page(viewport={"width": width, "height": 900})
        try:
            page.goto((folder / "report.html").resolve().as_uri(), wait_until="load")
            headings = page.evaluate(
                "() => [...document.querySelectorAll('h2')].map(h => h.textContent)")
            # the baseline's details follow the comparison, and say whose they are
            assert headings[:2] == ["Comparison", "Headline of the baseline, default"]
            text = page.inner_text("body")  # what the reader sees, in its order
            assert text.index("\nComparison\n") < text.index("\nHeadline of the baseline")
            assert page.evaluate(OVERFLOWING) == []
            # a scenario's name breaks after its underscore, never inside a word (at 800 px
            # the table read "humanitaria" / "n_focus")
            assert page.evaluate(NAMES_BROKEN_IN_COMPARISON) == [], width
            headers = page.evaluate("""() => [...document.querySelectorAll(
                'section#analysis-comparison th')].map(t => t.textContent)""")
            labels = page.evaluate("""() => [...document.querySelectorAll(
                'section#analysis-comparison svg.chart text')].map(t => t.textContent)""")
            title = page.evaluate("""() => document.querySelector(
                'section#analysis-comparison svg.chart title').textContent""")
        finally:
            page.close()
        assert "priced by default's weights" in title
        # the column the terminal's note names, in its words
        assert "Value under default's weights" in headers, headers
        for name, value in under.items():  # each bar is the comparable number
            assert f"{value:,.3f}" in labels, (name, value, labels)


@pytest.fixture(scope="module")
def ten_portfolios(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """report.html of a synthetic round of 400 projects (ids like P-000105) ranked into ten
    portfolios, three fiscal years."""
    from benchmarks.synthetic import make_problem

    result = solve(make_problem(400, 3, seed=1), portfolios=10)
    assert len(result.portfolios) == 10
    return result.write(tmp_path_factory.mktemp("ten") / "run") / "report.html"


def test_ten_portfolios_stay_on_the_page_and_on_paper(browser: Any, ten_portfolios: Path
                                                      ) -> None:
    """Ten ranked portfolios side by side once made the page 1,900 px wide and lost
    portfolios 8-10 off the right edge of A4; the partners table broke ids at the hyphen
    ("P-" / "000105"). Now five portfolios to a table, ids whole, the page as wide as the
    window at 1280 and 800 px (where the table of changes scrolls in its own box), and
    every table on A4."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(ten_portfolios.resolve().as_uri(), wait_until="load")
        assert page.evaluate(OVERFLOWING) == []
        assert page.evaluate(BROKEN_WORDS) == []
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280
        side = page.evaluate("() => [...document.querySelectorAll('table.side thead')]"
                             ".map(h => h.innerText.split(/\\s+/).filter(Boolean).join(' '))")
        assert side == ["Portfolio 1 Portfolio 2 Portfolio 3 Portfolio 4 Portfolio 5",
                        "Portfolio 6 Portfolio 7 Portfolio 8 Portfolio 9 Portfolio 10"]
        page.set_viewport_size({"width": 800, "height": 900})
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 800
        assert page.evaluate(BROKEN_WORDS) == []
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 700, "height": 990})  # A4 less its margins
        assert page.evaluate(OVERFLOWING) == []
        assert page.evaluate(BROKEN_WORDS) == []
    finally:
        page.close()


def words_over_lines(pattern: str, skip: str = "false") -> str:
    """A script listing each match of the JS regex ``pattern`` in the text of a table cell
    (not one where ``skip``, a JS condition on ``td``, holds) drawn over more than one line."""
    return """() => {
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const td = node.parentElement.closest('td');
        if (!td || (SKIP)) continue;
        for (const m of node.data.matchAll(/PATTERN/g)) {
            const range = document.createRange();
            range.setStart(node, m.index);
            range.setEnd(node, m.index + m[0].length);
            const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            if (tops.size > 1) found.push(m[0]);
        }
    }
    return found;
}""".replace("SKIP", skip).replace("PATTERN", pattern)


#: Each word of a cell of the comparison (a scenario's name too) drawn over two lines.
NAMES_BROKEN_IN_COMPARISON = words_over_lines("[A-Za-z]{2,16}",
                                              "!td.closest('#analysis-comparison')")

#: Each id or id-like word ("P-32", "level-1") inside a longer text cell (the reasons and
#: messages of Why in or out) drawn over more than one line: "P-" / "32" printed to A4.
SPLIT_IDS = words_over_lines("[A-Za-z0-9]+-[0-9][A-Za-z0-9]*")

#: Where each policy key of the manifest breaks across lines: the characters just before
#: each line break ("eligibility.min_democr" / "acy" printed to A4 once).
KEY_BREAKS = """() => [...document.querySelectorAll('#manifest td')]
    .filter(td => /^[a-z_]+\\.[a-z_.]+$/.test(td.textContent.trim()))
    .flatMap(td => {
        const chars = [];
        const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode())
            for (let i = 0; i < node.data.length; i++) chars.push([node, i]);
        const breaks = [];
        let top = null;
        chars.forEach(([node, i], k) => {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const rect = range.getBoundingClientRect();
            if (top !== null && Math.round(rect.top) > top + 2)
                breaks.push(td.textContent.trim().slice(0, k) + '|');
            top = Math.round(rect.top);
        });
        return breaks;
    })"""


def test_ids_and_policy_keys_break_only_where_they_may(browser: Any, report: Path) -> None:
    """Printed to A4, the messages of Why in or out broke ids at their hyphen ("would push
    out P-24, P-27, P-30 and P-" / "32") and the manifest broke policy keys inside a word
    ("eligibility.min_democr" / "acy"). Ids stay whole; a key breaks after a dot or an
    underscore; the added and dropped ids of the portfolios side by side sit under their
    right-aligned "Portfolio N" as the numbers above them do (the "—" of portfolio 1 sat
    at the left of its column, nearer the row's name than its portfolio)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(report.resolve().as_uri(), wait_until="load")
        aligned = page.evaluate("""() => [...document.querySelectorAll('table.side')].flatMap(
            t => [...t.querySelectorAll('tbody tr')].map(tr => [
                tr.querySelector('th').textContent,
                [...tr.querySelectorAll('td')].map(td => getComputedStyle(td).textAlign)]))""")
        assert ["Added vs portfolio 1", ["right"] * 3] in aligned
        assert ["Dropped vs portfolio 1", ["right"] * 3] in aligned
        for width in (1280, 800):
            page.set_viewport_size({"width": width, "height": 900})
            assert page.evaluate(SPLIT_IDS) == []
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 700, "height": 990})  # A4 less its margins
        assert page.evaluate(SPLIT_IDS) == []
        breaks = page.evaluate(KEY_BREAKS)
    finally:
        page.close()
    assert breaks  # A4 is narrow enough that some keys break ...
    assert all(b[-2] in "._" for b in breaks), breaks  # ... after a dot or an underscore


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """report.html of the shipped example as ``osa-opt solve`` writes it (five portfolios,
    why in or out and the rule prices), printed by the command docs/report.md gives, and
    the text of each page of the PDF (pdftotext -layout)."""
    folder = tmp_path_factory.mktemp("printed")
    run = solve(osa_opt.load_problem(), portfolios=5, explain=True).write(folder / "run")
    return run / "report.html", [p for p in printed_pages(run, folder) if p.strip()]


def printed_pages(run: Path, folder: Path) -> list[str]:
    """The text of each page (pdftotext -layout) of the run's report.html printed by
    Chromium as docs/report.md says, into ``folder``."""
    import subprocess

    pdf = folder / "report.pdf"
    subprocess.run([chromium_path(), *CHROMIUM_ARGS, f"--user-data-dir={folder / 'profile'}",
                    f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
                    (run / "report.html").resolve().as_uri()],
                   capture_output=True, timeout=120, check=True)
    pdftotext = require_program("pdftotext", "apt-get install -y poppler-utils")
    return subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True,
                          text=True, timeout=60, check=True).stdout.split("\f")


def test_printed_pages_are_numbered_and_keep_each_partner_with_its_items(
        printed: tuple[Path, list[str]]) -> None:
    """On paper: every page's foot reads the title and "page N of M"; no partner's row
    ("Opalind  1 item  800  4.4%") ends a page with its item on the next, as it did at the
    foot of page 2."""
    _, pages = printed
    assert len(pages) >= 15  # a page per section, the long tables over several
    partner = re.compile(r"^\s*\S+\s+\d+ items?\s+[\d,]+\s+[\d.]+%\s*$")
    feet = []
    for number, text in enumerate(pages, start=1):
        lines = [line for line in text.splitlines() if line.strip()]
        last = lines[-2] if "page " in lines[-1] else lines[-1]  # the line above the foot
        assert not partner.match(last), (number, last)
        feet.append(lines[-1].strip())
    for number, foot in enumerate(feet, start=1):
        assert re.fullmatch(rf"osa-opt report: Shipped example FY2026 \(illustrative\)\s+"
                            rf"page {number} of {len(pages)}", foot), (number, foot)
    partners = [line for text in pages for line in text.splitlines() if partner.match(line)]
    assert len(partners) == 13  # every partner of portfolio 1 printed, in its package row


def test_printed_value_from_keeps_re_solve_whole(printed: tuple[Path, list[str]]) -> None:
    """The narrow Value from column of Why in or out and Rule prices printed "re-" over
    "solve"; a short hyphenated word now stays on one line of its cell."""
    report, pages = printed
    text = "\n".join(pages)
    after_share = re.findall(r"%\s+(re-\S*)", text)  # the cell after a share column
    assert after_share and set(after_share) == {"re-solve"}
    cells = report.read_text(encoding="utf-8").count('<td><span class="id">re-solve</span>')
    assert cells > 20  # Why in or out: a re-solve for most projects of the example


#: Each word of up to 16 letters inside a table cell of text (not a long code's, class brk)
#: drawn over more than one line: "mandator" / "y projects" in the narrow Rule column of
#: Rule prices printed to A4.
WORDS_BROKEN_INSIDE = words_over_lines("[A-Za-z]{2,16}", "td.classList.contains('brk')")


def test_a_sentence_in_a_narrow_column_breaks_between_words(
        browser: Any, tmp_path: Path) -> None:
    """Three projects forced in make the Rule prices row "mandatory projects (as a group):
    P-01, P-07 and P-08", a sentence in the narrowest column: printed to A4 it read
    "mandator" / "y projects", as a sentence's cell let a word break anywhere to narrow
    its column. A sentence wraps between words; only a long code may break inside."""
    problem = osa_opt.load_problem()
    projects = problem.projects.copy()
    projects.loc[["P-07", "P-08"], "status"] = "mandatory"
    result = solve(problem.with_projects(projects), portfolios=1, explain=True)
    report = result.write(tmp_path / "run") / "report.html"
    assert ('<td class="wrap">mandatory projects (as a group): <span class="id">P-01</span>'
            in report.read_text(encoding="utf-8"))
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(report.resolve().as_uri(), wait_until="load")
        for width in (1280, 800):
            page.set_viewport_size({"width": width, "height": 900})
            assert page.evaluate(WORDS_BROKEN_INSIDE) == [], width
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 700, "height": 990})  # A4 less its margins
        assert page.evaluate(WORDS_BROKEN_INSIDE) == []
        assert page.evaluate(OVERFLOWING) == []
    finally:
        page.close()


def test_a_scenario_name_breaks_after_its_underscore(browser: Any, tmp_path: Path) -> None:
    """``osa-opt compare`` of the two shipped policies, at 800 px: the comparison table
    printed the scenario "humanitaria" / "n_focus", its name cut inside a word as a long
    code may be; a name breaks after its underscore."""
    import sys

    from osa_opt.cli import cli
    from osa_opt.cli.common import run_cli

    root = Path(__file__).resolve().parents[1]
    argv = ["osa-opt", "compare", "--policy", str(root / "models/default.toml"), "--policy",
            str(root / "models/humanitarian_focus.toml"), "--quiet", "--out",
            str(tmp_path / "cmp")]
    saved, sys.argv = sys.argv, argv
    try:
        assert run_cli(cli) == 0
    finally:
        sys.argv = saved
    page = browser.new_page(viewport={"width": 800, "height": 900})
    try:
        page.goto((tmp_path / "cmp" / "report.html").resolve().as_uri(), wait_until="load")
        assert page.evaluate(NAMES_BROKEN_IN_COMPARISON) == []
        assert page.evaluate(OVERFLOWING) == []
    finally:
        page.close()


def test_a_short_table_prints_whole_on_one_page(tmp_path: Path) -> None:
    """The robustness report of the shipped example printed its table of five ranked
    portfolios with ranks 1-4 at the foot of a page and rank 5 alone under a repeated
    header on the next. A table of up to html.SHORT_ROWS rows prints on one page, under its
    title."""
    from osa_opt.workflows import robustness

    run = robustness(osa_opt.load_problem(), samples=20).write(tmp_path / "run")
    pages = printed_pages(run, tmp_path)
    title = "How often each portfolio stays near-optimal"
    page = next(p for p in pages if title in p)
    table = page[page.index(title):]
    ranks = [line.split()[0] for line in table.splitlines()[1:]
             if re.match(r"\s*\d\s+\d{3}\.\d{3}\s", line)]
    assert ranks == ["1", "2", "3", "4", "5"], table


def test_what_changes_between_ten_portfolios_of_a_big_round_fits_800_px(
        browser: Any, tmp_path: Path) -> None:
    """A synthetic 2,000-project round ranked into ten portfolios: at 800 px the table of what changes ran 13 px past its box
    (a scroll bar for the last portfolio's column). Its ten narrow columns fit now."""
    from benchmarks.synthetic import make_problem

    result = solve(make_problem(2000, 1, seed=0), portfolios=10, explain=False)
    report = result.write(tmp_path / "run") / "report.html"
    page = browser.new_page(viewport={"width": 800, "height": 900})
    try:
        page.goto(report.resolve().as_uri(), wait_until="load")
        assert "#10" in page.evaluate("() => document.querySelector('table.diff').innerText")
        assert [t for t in page.evaluate(OVERFLOWING) if t[0] == "portfolios"] == []
    finally:
        page.close()


@pytest.fixture(scope="module")
def huge_round_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """report.html of the shipped example with every cost ×54 and a budget of ¥977,400m,
    under a tier-1, a region and a field share: the rule prices' amounts run to
    ¥293,220.0m, as in a 2,000-project synthetic round (¥975,465m)."""
    import openpyxl

    from osa_opt.data import example_path

    folder = tmp_path_factory.mktemp("huge")
    book = openpyxl.load_workbook(example_path())
    sheet = book["projects"]
    costs = [c.column for c in sheet[1] if str(c.value).startswith("cost_")]
    for row in range(2, sheet.max_row + 1):
        for col in costs:
            if isinstance(sheet.cell(row, col).value, int | float):
                sheet.cell(row, col).value *= 54
    book.save(folder / "huge.xlsx")
    problem = osa_opt.load_problem(folder / "huge.xlsx", overrides={
        "budget": {"FY2026": 977400},
        "priority": {"min_tier_share": {1: 0.3}},
        "balance": {"min_region_share": {"Pacific Islands": 0.05},
                    "min_field_share": {"disaster_relief": 0.05}}})
    result = solve(problem, portfolios=1, explain=True)
    return result.write(folder / "run") / "report.html"


@pytest.mark.parametrize("width", [1280, 800])
def test_rule_prices_of_a_huge_budget_fit_the_screen(browser: Any, huge_round_report: Path,
                                                     width: int) -> None:
    """The rule prices of a round of ¥975,465m (Required ¥292,639.5m, At portfolio 1
    ¥334,732.8m, To spare ¥42,093.3m) ran 72 px past an 800 px screen: eleven columns, the
    policy key one of them. The key is now a second line under the rule's name, in ¥
    million as everywhere in the report, and the table fits."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(huge_round_report.resolve().as_uri(), wait_until="load")
        table = page.evaluate("""() => {
            const t = document.querySelector('#analysis-prices table.data');
            return [Math.round(t.getBoundingClientRect().right),
                    document.documentElement.clientWidth, t.innerText];
        }""")
        assert page.evaluate(OVERFLOWING) == []
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    finally:
        page.close()
    right, viewport, text = table
    assert right <= viewport
    assert "¥293,220m" in text and "priority.min_tier_share.1" in text.replace("\n", "")


def test_the_partners_table_prints_whole_and_no_table_leaves_rows_alone(
        printed: tuple[Path, list[str]]) -> None:
    """Printed to A4, the example's Partners table carried its last partners (Opalind,
    Kantoro, Lumaris, Dravina and their items) onto a page of their own under the repeated
    header, and the Manifest's Versions table printed one row at a page's foot and the rest
    on the next. Table rows print tighter (the 13 partners and their 29 items fit one page)
    and a short key-value table prints whole."""
    _, pages = printed
    partner = re.compile(r"^\s*\S+\s+\d+ items?\s+[\d,]+\s+[\d.]+%\s*$")
    (partners_page,) = [p for p in pages if re.search(r"^Partners$", p, re.M)]
    assert len([line for line in partners_page.splitlines() if partner.match(line)]) == 13
    (versions,) = [p for p in pages if re.search(r"^\s*osa-opt\s+\d", p, re.M)]
    assert re.search(r"^\s*xlsxwriter\s+\d", versions, re.M)
    assert re.search(r"^\s*pandas\s+\d", versions, re.M)


def test_a_long_table_keeps_its_first_and_last_rows_in_company(tmp_path: Path) -> None:
    """A long table broken over pages left two partners' rows alone under a repeated
    header on a page of their own (or one row under its header at a page's foot): rows
    broke wherever the page ended. Tables of every length from 40 to 100 rows, each in a
    section (a page of its own), print at least three rows under their header and at
    least four on the last page."""
    import pandas as pd

    from osa_opt.html import table
    from osa_opt.report.page import Section, page

    lengths = range(40, 101)
    sections = [Section(f"t{n}", f"Table of {n}", table(pd.DataFrame({
        "id": [f"T{n}-R{k:03d}" for k in range(1, n + 1)],
        "what": [f"row {k} of table {n}, a line of text" for k in range(1, n + 1)]})))
        for n in lengths]
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "report.html").write_text(page("Breaks", "rows", sections), encoding="utf-8")
    pages = printed_pages(folder, tmp_path)
    for n in lengths:
        counts = [len(re.findall(rf"\bT{n}-R\d{{3}}\b", p)) for p in pages]
        counts = [c for c in counts if c]
        assert sum(counts) == n
        if len(counts) > 1:
            assert counts[0] >= 3 and counts[-1] >= 4, (n, counts)
