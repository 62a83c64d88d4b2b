"""report.html: sections, numbers, escaping of input text, self-containment, notebook views.

The page is parsed with the standard library's HTMLParser; chart geometry (bar widths) is
checked against costs recomputed with pandas from the input cost columns.
"""

from __future__ import annotations

import html as html_module
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from osa_opt.html import table
from osa_opt.inputs.problem import Problem
from osa_opt.report import render_report, svg
from osa_opt.report.analyses import analysis_section
from osa_opt.report.notebook import analysis_html
from osa_opt.result import Result
from osa_opt.run_folder import write_run
from osa_opt.text import money, percent, yen
from osa_opt.workflows import solve

SCRIPT_TITLE = "<script>alert(1)</script>"
FORMULA_TITLE = '=HYPERLINK("https://evil.example","click")'
HOSTILE_COUNTRY = 'Cal<dera> & "Co"'
HOSTILE_POLICY = "<i>round</i> & co"
#: Tags the report may contain; anything else means input text leaked as markup.
ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "header", "h1", "h2",
                "h3", "p", "nav", "a", "section", "div", "span", "table", "caption", "thead",
                "tbody", "tr", "th", "td", "ul", "ol", "li", "footer", "svg", "rect", "text",
                "line", "path", "circle", "code", "b", "pre", "wbr"}


# ---------------------------------------------------------------------- parsing helper
class Page(HTMLParser):
    """Every start tag with its attributes, the text of each element, SVG structure."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.texts: list[tuple[tuple[str, ...], str]] = []
        self.svg_first_child: list[str] = []
        self._svg_open_seen_child = True
        self._join = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._svg_open_seen_child:
            self.svg_first_child.append(tag)
            self._svg_open_seen_child = True
        if tag == "svg":
            self._svg_open_seen_child = False
        self.tags.append((tag, dict(attrs)))
        if tag == "wbr":  # a place a long word may break: its text reads on unbroken
            self._join = True
        elif tag not in ("meta",):
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop() == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._join and self.texts and data.strip():
            stack, text = self.texts[-1]
            self.texts[-1] = (stack, text + data.strip())
        elif data.strip():
            self.texts.append((tuple(self.stack), data.strip()))
        self._join = False

    def text_in(self, tag: str) -> list[str]:
        return [t for stack, t in self.texts if stack and stack[-1] == tag]


def rects(html: str, css_class: str = "bar") -> list[dict[str, float | str]]:
    """The bars of every chart: width, fill and tooltip."""
    pattern = re.compile(r'<rect class="' + css_class + r'" x="([\d.]+)" y="([\d.]+)" '
                         r'width="([\d.]+)" height="[\d.]+"(?: rx="2")? fill="([^"]+)">'
                         r"<title>([^<]*)</title>")
    return [{"x": float(m[1]), "y": float(m[2]), "width": float(m[3]), "fill": m[4],
             "title": m[5]} for m in pattern.finditer(html)]


def chart(html: str, title: str) -> str:
    """The one SVG whose title is ``title``."""
    found = [m for m in re.findall(r"<svg .*?</svg>", html, flags=re.S)
             if f"<title>{title}</title>" in m]
    assert len(found) == 1, f"expected one chart titled {title!r}, found {len(found)}"
    return found[0]


# ---------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def hostile_problem() -> Problem:
    """The conftest's tiny input with markup and a formula in titles, a country, the policy."""
    from conftest import TINY_POLICY, tiny_countries, tiny_projects

    projects, countries = tiny_projects(), tiny_countries()
    projects.loc[projects["project_id"] == "P-03", "title"] = SCRIPT_TITLE
    projects.loc[projects["project_id"] == "P-01", "title"] = FORMULA_TITLE
    projects["country"] = projects["country"].replace("Caldera", HOSTILE_COUNTRY)
    countries["country"] = countries["country"].replace("Caldera", HOSTILE_COUNTRY)
    return Problem.from_frames(projects, countries, dict(TINY_POLICY, name=HOSTILE_POLICY))


@pytest.fixture(scope="module")
def hostile_result(hostile_problem: Problem) -> Result:
    return solve(hostile_problem, portfolios=3, min_difference=1, explain=True)


@pytest.fixture(scope="module")
def hostile_html(hostile_result: Result) -> str:
    return render_report(hostile_result)


@pytest.fixture(scope="module")
def infeasible_result(hostile_problem: Problem) -> Result:
    """Five recipient countries asked of a round with three."""
    problem = hostile_problem.with_policy(overrides={"priority.min_countries": 5})
    return solve(problem, portfolios=2)


# ---------------------------------------------------------------------- structure
def test_report_has_every_section_in_order(hostile_html: str) -> None:
    ids = re.findall(r'<section id="([^"]+)"', hostile_html)
    assert ids == ["headline", "partners", "portfolios", "allocation", "budget", "forced",
                   "not-funded", "eligibility", "analysis-why", "analysis-prices", "manifest"]
    page = Page(hostile_html)
    assert page.text_in("h2") == ["Headline", "Partners", "Ranked portfolios", "Allocation", "Budget use",
                                  "Forced in or out", "Eligible but not funded",
                                  "Eligibility exclusions",
                                  "Why in or out", "Rule prices", "Manifest"]
    # the contents list links every section
    links = [a["href"] for tag, a in page.tags if tag == "a"]
    assert links == [f"#{i}" for i in ids]
    # why and prices have their own layout, not the generic tables
    assert page.text_in("h3").count("Why out: eligible projects not funded") == 1
    assert "In words" in page.text_in("h3")


def test_the_eligible_card_reads_as_a_sentence() -> None:
    """It read "Eligible / 33 of 38 / projects; 5 ranked portfolios": the count of
    portfolios (said in the outcome sentence) tacked onto the projects. Now the shipped
    example's card says how many are excluded, and how many are in by an override."""
    from osa_opt import load_problem

    html = render_report(solve(load_problem(), portfolios=2))
    card = re.search(r'<div class="k">Eligible projects</div><div class="v">([^<]*)</div>'
                     r'<div class="s">([^<]*)</div>', html)
    assert card is not None
    assert card.groups() == ("33 of 38",
                             "4 ineligible, 1 forced out; 1 eligible only by an override")


def test_print_css_starts_each_section_on_a_new_page(hostile_html: str) -> None:
    style = re.search(r"<style>(.*?)</style>", hostile_html, flags=re.S)[1]
    print_block = style[style.index("@media print"):]
    assert re.search(r"section \{[^}]*page-break-before: always", print_block)
    assert re.search(r"section\.first \{[^}]*page-break-before: avoid", print_block)
    assert "thead { display: table-header-group; }" in print_block


def test_every_printed_page_is_footed_with_the_title_and_its_number(
        hostile_html: str) -> None:
    """A report of 150 pages printed and handed round had no page numbers, nor anything to
    tell a loose page's run: each page's foot has the report's title and "page N of M"
    (the title, from the input's policy name, a CSS string of hex escapes: no quote or
    "<" of the name can end the string or the style)."""
    style = re.search(r"<style>(.*?)</style>", hostile_html, flags=re.S)[1]
    footer = re.search(r'@page \{ @bottom-left \{ content: "([^"]*)";', style)
    assert footer is not None
    title = html_module.unescape(re.search(r"<title>(.*?)</title>", hostile_html)[1])
    assert HOSTILE_POLICY in title
    assert re.sub(r"\\([0-9a-f]+) ", lambda m: chr(int(m[1], 16)), footer[1]) == title
    assert "<" not in style and "&" not in footer[1]
    assert '@bottom-right { content: "page " counter(page) " of " counter(pages);' in style


def test_headline_numbers_match_the_solution(hostile_result: Result, hostile_html: str) -> None:
    problem, best = hostile_result.problem, hostile_result.best
    funded = pd.Series(best.fractions)
    cost_by_year = problem.projects.loc[funded.index, ["cost_FY2026", "cost_FY2027"]].mul(
        funded, axis=0).sum()
    page = Page(hostile_html)
    cards = page.text_in("div")
    assert yen(3000.0) in cards                    # budget 2,000 + 1,000
    assert yen(cost_by_year.sum()) in cards        # budget used by portfolio 1
    assert f"{best.n_projects} projects" in cards
    assert "Portfolio 1 is proven optimal; 3 ranked portfolios." in page.text_in("p")
    # the budget table: used and left per fiscal year, from the input costs
    for fy, budget in {"FY2026": 2000.0, "FY2027": 1000.0}.items():
        used = cost_by_year[f"cost_{fy}"]
        row = re.search(rf"<tr><td>{fy}</td>(.*?)</tr>", hostile_html)[1]
        cells = re.findall(r'<td class="num">([^<]*)</td>', row)
        assert cells == [money(budget), money(problem.projects[f"cost_{fy}"].sum()),
                         money(used), money(budget - used)]


def test_portfolios_side_by_side_and_what_changes(hostile_result: Result,
                                                  hostile_html: str) -> None:
    ports = hostile_result.portfolios
    side = re.search(r'<table class="data side">(.*?)</table>', hostile_html, flags=re.S)[1]
    heads = re.findall(r'<th class="num">(Portfolio \d)</th>', side)
    assert heads == ["Portfolio 1", "Portfolio 2", "Portfolio 3"]
    total_row = re.search(r"<th>Total cost \(¥m\)</th>(.*?)</tr>", side)[1]
    problem = hostile_result.problem
    expected = [money(sum(problem.total_cost[p] * f for p, f in pf.fractions.items()))
                for pf in ports]
    assert re.findall(r'<td class="num">([^<]*)</td>', total_row) == expected
    # the differences table lists exactly the projects whose funding differs
    diff = re.search(r'<table class="data diff">(.*?)</table>', hostile_html, flags=re.S)[1]
    listed = re.findall(r'<tr><td><span class="id">(P-\d\d)</span></td>', diff)
    differing = [p for p in problem.projects.index
                 if len({round(pf.fractions.get(p, 0.0), 6) for pf in ports}) > 1]
    assert listed == differing and listed
    for pid in listed:
        row = re.search(rf'<tr><td><span class="id">{pid}</span></td>(.*?)</tr>', diff)[1]
        marks = re.findall(r'<td class="(?:in|out)">([^<]*)</td>', row)
        want = ["○" if pid not in pf.fractions else
                "●" if pf.fractions[pid] >= 1 - 1e-6
                else f"{min(99, max(1, round(100 * pf.fractions[pid])))}%"
                for pf in ports]
        assert marks == want



def test_fractions_that_round_alike_are_shown_apart(hostile_result: Result) -> None:
    """A project funded 30.3% in portfolio 1 and 30.0% in the others (a synthetic round of
    2,000 projects) was listed among what changes with "30%" in every column: a row of no
    visible change. The fractions whole percents would show alike get the decimals that
    tell them apart; every other cell stays in whole percent (ten portfolios' columns in
    decimals ran off A4)."""
    from osa_opt.result import Portfolio

    problem = hostile_result.problem
    best = hostile_result.best
    pid = "P-02"  # min_funding 0.5: partly fundable
    ports = [Portfolio(rank=k + 1, objective=best.objective - k, problem=problem,
                       status=best.status, fractions={**best.fractions, pid: share})
             for k, share in enumerate((0.603, 0.6, 0.6, 0.75))]
    page = render_report(Result(problem, best.status, ports))
    diff = re.search(r'<table class="data diff">(.*?)</table>', page, flags=re.S)[1]
    row = re.search(rf'<tr><td><span class="id">{pid}</span></td>(.*?)</tr>', diff)[1]
    marks = re.findall(r'<td class="(?:in|out)">([^<]*)</td>', row)
    assert marks == ["60.3%", "60.0%", "60.0%", "75%"]

def test_budget_bars_show_used_and_left_per_year_and_portfolio(hostile_result: Result,
                                                               hostile_html: str) -> None:
    bars = rects(chart(hostile_html, "Budget use per fiscal year (¥ million)"))
    problem = hostile_result.problem
    assert len(bars) == 2 * 2 * len(hostile_result.portfolios)  # used + left, 2 years
    scale = None
    for i, (fy, budget) in enumerate([("FY2026", 2000.0), ("FY2027", 1000.0)]):
        for k, pf in enumerate(hostile_result.portfolios):
            first = 2 * (i * len(hostile_result.portfolios) + k)
            used_bar, left_bar = bars[first], bars[first + 1]
            used = sum(problem.projects.at[p, f"cost_{fy}"] * f for p, f in pf.fractions.items())
            assert used_bar["title"] == f"{fy} · portfolio {pf.rank} · used: {yen(used)}"
            assert left_bar["title"].startswith(f"{fy} · portfolio {pf.rank} · left: ")
            # widths are proportional to ¥: one scale for the whole chart
            total_width = used_bar["width"] + left_bar["width"]
            scale = scale or total_width / budget
            assert total_width == pytest.approx(budget * scale, abs=0.2)
            assert used_bar["width"] == pytest.approx(used * scale, abs=0.2)


def test_country_bars_are_proportional_to_funded_cost(hostile_result: Result,
                                                      hostile_html: str) -> None:
    best = hostile_result.best
    problem = hostile_result.problem
    funded = pd.Series(best.fractions)
    by_country = (problem.total_cost[funded.index] * funded).groupby(
        problem.projects.loc[funded.index, "country"]).sum()
    svg_text = chart(hostile_html, "Portfolio 1 by country (¥ million)")
    bars = rects(svg_text)
    widths = {b["title"].split(": ")[0]: b["width"] for b in bars}
    countries = {c.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                 .replace('"', "&quot;"): v for c, v in by_country.items()}
    assert set(countries) <= set(widths)
    largest = by_country.max()
    full = max(widths.values())
    for name, cost in countries.items():
        assert widths[name] == pytest.approx(cost / largest * full, abs=0.2)


# ---------------------------------------------------------------------- escaping
def test_input_text_never_becomes_markup(hostile_html: str) -> None:
    page = Page(hostile_html)
    tags = {tag for tag, _ in page.tags}
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    assert "script" not in tags and "i" not in tags and "dera" not in tags
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    # the hostile texts are shown, as text, in tables, SVG labels and the title
    assert SCRIPT_TITLE not in hostile_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_html
    all_text = [t for _, t in page.texts]
    assert SCRIPT_TITLE in all_text and FORMULA_TITLE in all_text
    assert HOSTILE_COUNTRY in page.text_in("text")          # SVG bar label
    assert any(HOSTILE_COUNTRY in t for t in page.text_in("title"))   # SVG tooltip
    assert page.text_in("title")[0] == f"osa-opt report: {HOSTILE_POLICY}"
    aria = [a["aria-label"] for tag, a in page.tags if tag == "svg"]
    assert all("<" not in label for label in aria)


def test_formula_like_text_is_marked_as_text_for_spreadsheets(hostile_html: str) -> None:
    escaped = FORMULA_TITLE.replace('"', "&quot;")
    cells = re.findall(r'<td class="([^"]*)">' + re.escape(escaped) + "</td>", hostile_html)
    assert cells and all("t" in c.split() for c in cells)
    assert 'td.t { mso-number-format: "\\@"; }' in hostile_html


def test_generic_analysis_is_escaped_and_cut() -> None:
    class Custom:
        name = "custom <b>"
        notes = ["note <u>1</u>"]

        def tables(self) -> dict[str, pd.DataFrame]:
            return {"rows": pd.DataFrame({"item": [f"<x{i}>" for i in range(100)],
                                          "total_cost": [1000.0 * i for i in range(100)]})}

    section = analysis_section("custom <b>", Custom())
    page = Page(section.body)
    assert {t for t, _ in page.tags} <= ALLOWED_TAGS
    assert section.body.count("<tr>") == 41     # header + 40 rows
    assert "60 more rows not shown" in section.body
    assert "&lt;x39&gt;" in section.body and "&lt;x40&gt;" not in section.body
    assert "<td class=\"num\">99,000</td>" not in section.body
    assert "<td class=\"num\">39,000</td>" in section.body
    assert "note &lt;u&gt;1&lt;/u&gt;" in section.body
    assert section.id == "analysis-custom--b" and section.title == "Custom <b>"


def test_a_known_analysis_of_another_shape_falls_back_to_its_tables() -> None:
    class OddFrontier:
        name = "frontier"

        def tables(self) -> dict[str, pd.DataFrame]:
            return {"frontier": pd.DataFrame({"budget_share": [0.5, 1.0]})}

    body = analysis_section("frontier", OddFrontier()).body
    assert "<svg" not in body
    assert re.findall(r'<td class="num">([^<]*)</td>', body) == ["50.0%", "100.0%"]


def test_a_known_analysis_missing_a_column_gets_the_generic_section() -> None:
    class NoGreedy:  # a frontier without greedy values: its points are still shown
        name = "frontier"
        points = pd.DataFrame({"budget_share": [0.5, 1.0], "value": [1.0, 2.0]})

        def tables(self) -> dict[str, pd.DataFrame]:
            return {"frontier": self.points}

    body = analysis_section("frontier", NoGreedy()).body
    assert "<svg" not in body and "Value against budget" not in body
    assert re.findall(r'<td class="num">([^<]*)</td>', body) == ["50.0%", "1.000", "100.0%",
                                                                 "2.000"]


def test_an_analysis_whose_tables_fail_is_not_hidden() -> None:
    class Broken:  # a bug in an analysis surfaces; the report does not swallow it
        name = "broken"

        def tables(self) -> dict[str, pd.DataFrame]:
            raise KeyError("missing column")

    with pytest.raises(KeyError, match="missing column"):
        analysis_section("broken", Broken())


# ---------------------------------------------------------------------- self-contained
def test_report_is_self_contained(hostile_html: str) -> None:
    page = Page(hostile_html)
    for tag, attrs in page.tags:
        for name in ("src", "href", "xlink:href", "action", "srcset", "poster"):
            value = attrs.get(name) or ""
            assert not re.match(r"\s*(https?:)?//", value), (tag, name, value)
        assert tag not in ("link", "script", "img", "iframe", "object", "embed", "image")
    assert "<script" not in hostile_html.lower()
    style = "".join(re.findall(r"<style>(.*?)</style>", hostile_html, flags=re.S))
    assert "url(" not in style and "@import" not in style and "@font-face" not in style


def test_every_chart_is_an_inline_svg_with_a_title(hostile_html: str) -> None:
    page = Page(hostile_html)
    svgs = [a for tag, a in page.tags if tag == "svg"]
    assert len(svgs) == 4 + 1 + 1      # allocation x4, budget, rule prices
    assert all(a.get("role") == "img" and a.get("aria-label") for a in svgs)
    assert page.svg_first_child == ["title"] * len(svgs)
    assert len(rects(hostile_html)) > 10


# ---------------------------------------------------------------------- other results
def test_infeasible_result_gets_status_and_diagnosis(infeasible_result: Result) -> None:
    html = render_report(infeasible_result)
    ids = re.findall(r'<section id="([^"]+)"', html)
    assert ids == ["headline", "diagnosis", "forced", "eligibility", "manifest"]
    assert '<span class="status status-infeasible">infeasible</span>' in html
    assert infeasible_result.diagnosis
    page = Page(html)
    items = page.text_in("li")
    for entry in infeasible_result.diagnosis:
        assert entry["message"] in items
    assert "priority.min_countries" in " ".join(page.text_in("td"))


def test_frontier_funding_order_and_robustness_get_their_layout(
        hostile_problem: Problem, hostile_result: Result) -> None:
    from osa_opt.analysis.frontier import frontier
    from osa_opt.analysis.funding_order import funding_order
    from osa_opt.analysis.robustness import robustness

    fr = frontier(hostile_problem, shares=[0.5, 1.0, 1.5])
    order = funding_order(hostile_problem, fr)
    rob = robustness(hostile_problem, samples=6, seed=3, baseline=hostile_result)
    html = render_report(Result(hostile_problem, hostile_result.status,
                                hostile_result.portfolios,
                                analyses={"robustness": rob, "funding_order": order,
                                          "frontier": fr}))
    ids = re.findall(r'<section id="(analysis-[^"]+)"', html)
    assert ids == ["analysis-frontier", "analysis-funding-order", "analysis-robustness"]
    line_block = html[html.index("<h3>Funding line</h3>"):html.index("<h3>Budget levels</h3>")]
    positions = re.findall(r'<tr><td class="num">(\d+)</td><td><span class="id">(P-\d\d)</span>'
                           r'</td>', line_block)
    assert positions == [(str(int(r.position)), r.project_id)
                         for r in order.order.itertuples()]
    line = chart(html, "Value against budget")
    assert line.count('<path class="series"') == 2
    solved = fr.points["value"].notna()
    hollow = (~fr.points["greedy_meets_rules"].astype(bool)).sum()
    assert line.count('<circle class="mark"') == int(solved.sum()) + len(fr.points)
    assert line.count('fill="#ffffff"') == hollow
    bars = rects(chart(html, "Core index: share of samples that fund the project"))
    eligible = rob.projects[rob.projects["eligible"]]
    assert len(bars) == len(eligible)
    full = max(b["width"] for b in bars) / max(eligible["core_index"].max(), 1e-9)
    for bar, (_, row) in zip(bars, eligible.sort_values("core_index", ascending=False,
                                                        kind="stable").iterrows(), strict=True):
        assert bar["width"] == pytest.approx(row["core_index"] * full, abs=0.2)


# ---------------------------------------------------------------------- the run folder
def test_run_folder_holds_the_report(hostile_result: Result, tmp_path: Path) -> None:
    folder = hostile_result.write(tmp_path / "run")
    report = folder / "report.html"
    assert report.is_file()
    html = report.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "&lt;script&gt;" in html


def test_a_failing_report_leaves_no_run_folder(hostile_result: Result, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import osa_opt.report as report_module

    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("renderer broke")

    monkeypatch.setattr(report_module, "render_report", broken)
    with pytest.raises(RuntimeError, match="renderer broke"):
        write_run(hostile_result, tmp_path / "run")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------- notebook
def test_notebook_views(hostile_result: Result) -> None:
    html = hostile_result._repr_html_()
    assert "proven optimal" in html and "<table" in html
    assert f"{hostile_result.best.objective:,.3f}" in html
    best = hostile_result.portfolios[1]._repr_html_()
    for pid in hostile_result.portfolios[1].project_ids:
        assert f'<td><span class="id">{pid}</span></td>' in best  # never broken at "-"
    assert "&lt;script&gt;" in best or "P-03" not in hostile_result.portfolios[1].fractions
    assert SCRIPT_TITLE not in best and SCRIPT_TITLE not in html
    why = analysis_html(hostile_result.analyses["why"])
    assert ".osa-nb" in why and '<td><span class="id">P-06</span></td>' in why
    assert SCRIPT_TITLE not in why


def test_notebook_view_of_an_infeasible_result(infeasible_result: Result) -> None:
    html = infeasible_result._repr_html_()
    assert "status-infeasible" in html
    assert infeasible_result.diagnosis[0]["message"].split(":")[0] in html


# ---------------------------------------------------------------------- helpers
def test_number_formats() -> None:
    assert yen(18100) == "¥18,100m" and yen(1325.5) == "¥1,325.5m" and yen(-0.01) == "¥0m"
    assert percent(0.186) == "18.6%" and percent(1.0) == "100%"
    frame = pd.DataFrame({"title": ["a"], "total_cost": [24100.0], "share_of_best": [0.99725],
                          "value": [185.4793], "eligible": [True]})
    cells = re.findall(r"<td( class=\"num\")?>([^<]*)</td>", table(frame))
    assert cells == [("", "a"), (' class="num"', "24,100"), (' class="num"', "99.7%"),
                     (' class="num"', "185.479"), ("", "yes")]
    ids = table(pd.DataFrame({"added": [("P-01", "<P-02>")]}))
    assert '<td><span class="id">P-01</span>, <span class="id">&lt;P-02&gt;</span></td>' in ids


def test_svg_helpers_escape_and_scale() -> None:
    out = svg.hbar_chart(["<a>", "b"], [1.0, 4.0], title="T & <t>", value_labels=["1", "4"])
    assert out.startswith('<svg class="chart hbar" role="img"')
    assert "<title>T &amp; &lt;t&gt;</title>" in out and "<a>" not in out
    bars = rects(out)
    assert bars[1]["width"] == pytest.approx(4 * bars[0]["width"])
    assert svg.nice_ticks(18100) == [0.0, 5000.0, 10000.0, 15000.0, 20000.0]
    assert svg.nice_ticks(0.93) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    grouped = svg.bar_groups(["x"], [svg.Series("a", [2.0]), svg.Series("b", [1.0])],
                             title="g", stacked=False)
    g = rects(grouped)
    assert g[0]["x"] == g[1]["x"] and g[1]["y"] > g[0]["y"]      # side by side, not stacked
    stacked = rects(svg.bar_groups(["x"], [svg.Series("a", [2.0]), svg.Series("b", [1.0])],
                                   title="s"))
    assert stacked[1]["x"] == pytest.approx(stacked[0]["x"] + stacked[0]["width"])
    line = svg.line_chart([1, 2, 3, 4], [svg.Series("s", [1.0, None, 2.0, 3.0])], title="l",
                          x_label="x", y_label="y")
    path = re.search(r'd="([^"]+)"', line)[1]
    assert path.count("M") == 2 and path.count("L") == 1      # broken at the missing value


def test_comparison_lists_the_projects_that_differ(hostile_problem: Problem) -> None:
    from osa_opt.analysis.compare import Scenario, budget_scenario, compare

    cmp = compare([Scenario("base", hostile_problem),
                   budget_scenario(hostile_problem, {"FY2026": 1200.0, "FY2027": 1000.0},
                                   name="lean <year>")])
    section = analysis_section("comparison", cmp)
    assert "<svg" in section.body and "lean &lt;year&gt;" in section.body
    funded = [set(s.portfolio.fractions) if s.portfolio else set() for s in cmp.scenarios]
    differing = sorted(funded[0] ^ funded[1])
    assert differing
    block = section.body[section.body.index("Projects whose funding differs"):]
    assert re.findall(r'<tr><td><span class="id">(P-\d\d)</span></td>', block) == differing
    heads = Page(block).text_in("th")  # the scenarios as the table above names them
    assert heads[-2:] == ["base", "lean <year>"]
    bars = rects(chart(section.body, "Value of the best portfolio per scenario"))
    values = [s.portfolio.objective for s in cmp.scenarios]
    assert bars[1]["width"] / bars[0]["width"] == pytest.approx(values[1] / values[0], abs=1e-3)


def _partners_headers(result: Result) -> tuple[list[str], str]:
    from osa_opt.report.sections import partners

    section = partners(result)
    assert section is not None
    page = Page(section.body)
    return page.text_in("th"), " ".join(t for _, t in page.texts)


def test_partners_table_leaves_out_an_empty_units_column_and_a_lone_year() -> None:
    import osa_opt

    # the shipped example: one fiscal year, no item in units
    headers, _ = _partners_headers(solve(osa_opt.load_problem(), portfolios=1))
    assert "Package / item (¥m)" in headers and "Share of budget" in headers
    assert "Units" not in headers
    assert not [h for h in headers if h.startswith("Cost FY")]


def test_partners_table_keeps_units_and_each_year_when_they_say_something() -> None:
    from test_packages import boats

    result = solve(boats(budget=1100.0, only_boats=True), portfolios=1)
    headers, text = _partners_headers(result)
    assert "Units" in headers and "3 of 4 boats" in text
    assert [h for h in headers if h.startswith("Cost FY")] == ["Cost FY2026 (¥m)",
                                                              "Cost FY2027 (¥m)"]


def test_projects_funded_show_each_year_only_when_there_are_several() -> None:
    """A one-year round's cost per year would repeat its total, column for column."""
    from test_packages import boats

    import osa_opt
    from osa_opt.report.sections import portfolios

    def headers(result: Result) -> list[str]:
        section = portfolios(result)
        assert section is not None
        funded = section.body.split("Projects funded in portfolio 1")[1]
        return Page(funded).text_in("th")

    one_year = headers(solve(osa_opt.load_problem(), portfolios=1))
    assert "Total cost (¥m)" in one_year
    assert not [h for h in one_year if h.startswith("Cost FY")]
    two_years = headers(solve(boats(budget=1100.0, only_boats=True), portfolios=1))
    assert [h for h in two_years if h.startswith("Cost FY")] == ["Cost FY2026 (¥m)",
                                                                "Cost FY2027 (¥m)"]


def test_an_excluded_project_with_an_override_is_not_called_eligible_by_it() -> None:
    """A project whose country's override waives one rule but which fails another (here:
    marked excluded) keeps the waived rule in ``overrides`` and is not eligible: it is one
    of the excluded on the report's card, not "eligible only by an override" there, in the
    report's table of waived rules or in the CLI's "Eligible by an override" line."""
    from osa_opt import load_problem
    from osa_opt.report.sections import _eligible_card, eligibility

    example = load_problem()
    projects = example.projects.copy()
    projects.loc["P-38", "status"] = "excluded"
    problem = example.with_projects(projects)
    assert problem.eligibility.at["P-38", "overrides"]
    assert not problem.eligibility.at["P-38", "eligible"]
    assert _eligible_card(problem.eligibility) == ("32 of 38", "4 ineligible, 2 forced out")
    assert problem.summary()["overrides"] == {}
    section = eligibility(solve(problem, portfolios=1))
    assert section is not None and "Rules waived by an override" not in section.body


def test_a_part_funded_fraction_reads_as_the_workbook_shows_it() -> None:
    """At ¥14,050m portfolio 2 funds P-29 at 62.5%: the workbook's 0% cell shows 63%, and
    so must the report's table of what changes between the portfolios (it said 62%, as
    Python's round() takes halves to even) and the terminal's change column."""
    import osa_opt
    from osa_opt.cli.render import changes_cell

    result = solve(osa_opt.load_problem(overrides={"budget.FY2026": 14050}), portfolios=2,
                   explain=False)
    assert result.portfolios[1].fractions["P-29"] == pytest.approx(0.625)
    html = render_report(result)
    rows = re.findall(r"<tr>(?:(?!</tr>).)*P-29(?:(?!</tr>).)*</tr>", html)
    diff = [r for r in rows if '<td class="in">●</td>' in r]  # its row of the changes
    assert len(diff) == 1 and diff[0].endswith('<td class="in">63%</td></tr>'), diff
    assert "P-29 100%→63%" in str(changes_cell(result.portfolios[1], limit=10))


def test_a_line_charts_legend_draws_each_line_as_it_is_drawn() -> None:
    """Printed in grey, the frontier's exact and greedy lines (and execution against its
    target) were told apart in the legend by two squares of near shades; each key is now a
    stretch of its line, dashed when the line is, with its marker."""
    chart = svg.line_chart(
        [0.5, 1.0], [svg.Series("exact optimum", [1.0, 2.0]),
                     svg.Series("greedy", [1.0, 1.5], svg.GREEDY, dashed=True),
                     svg.Series("target", [2.0, 2.0], svg.GREEDY, dashed=True, markers=False)],
        title="t", x_label="budget", y_label="value")
    keys = re.findall(r'<line class="key"[^>]*/>', chart)
    assert [('stroke-dasharray="6 4"' in k) for k in keys] == [False, True, True]
    assert [f'stroke="{c}"' in k for k, c in zip(keys, (svg.FUNDED, svg.GREEDY, svg.GREEDY),
                                                 strict=True)] == [True] * 3
    legend = chart[chart.index(keys[0]):chart.index("target</text>")]
    assert legend.count("<circle") == 2  # the two lines with markers
    assert 'class="swatch"' not in chart


def test_a_why_part_without_projects_says_so_instead_of_an_empty_table() -> None:
    """The report of the real FY2024 round (inputs/real_rounds, four eligible packages, all
    funded) printed "Why out: eligible projects not funded" over a table of headers and no
    row. The part says there is none."""
    import osa_opt

    root = Path(__file__).resolve().parents[1]
    problem = osa_opt.load_problem(root / "inputs" / "real_rounds" / "FY2024",
                                   overrides={"budget": {"FY2024": 5000}})
    page = render_report(solve(problem, portfolios=1, explain=True))
    section = page[page.index('<section id="analysis-why"'):]
    section = section[:section.index("</section>")]
    text = " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", section)).split())
    assert ("Why out: eligible projects not funded None: portfolio 1 funds every eligible "
            "project. Why in: funded projects") in text
    assert section.count("<table") == 1


def test_the_budget_levels_say_what_their_columns_mean() -> None:
    """The frontier report's Budget levels table stood with "Independent value", "Nesting
    cost", "Restart" and "Dropped" unexplained under it; a key in words follows it."""
    import osa_opt
    from osa_opt.workflows import frontier

    page = render_report(frontier(osa_opt.load_problem(), shares=[0.5, 1.0]))
    text = " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    levels = text[text.index("Budget levels"):]
    for header in ("Independent value", "Nesting cost", "Restart", "Dropped"):
        assert header in levels[:400], header
    assert ("independent value: the best portfolio at that budget alone (the frontier's "
            "exact value)") in levels
    assert "Restart: yes where the rules force the line to give up projects" in levels


def test_a_big_why_part_shows_the_projects_nearest_the_line_and_where_the_rest_are(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A 2,000-project round's report printed 190 pages of Why in or out, every project of
    it. A part above WHY_ROWS shows the WHY_ROWS projects that forcing would cost least
    (the nearest misses; the funded projects nearest to being dropped) and says where every
    project is; a part within it shows every project, as before. Here WHY_ROWS is 3 on the
    shipped example (4 eligible projects left out, 29 funded)."""
    import osa_opt
    from osa_opt.report import analyses

    result = solve(osa_opt.load_problem(), portfolios=1, explain=True)
    why = result.analyses["why"].table

    def part(page: str, heading: str) -> tuple[list[str], str]:
        section = page[page.index('<section id="analysis-why"'):]
        section = section[section.index(heading):]
        section = section[:section.index("</table>")]
        text = " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", section)).split())
        return re.findall(r'<tr><td><span class="id">(P-\d+)</span>', section), text

    whole = render_report(result)
    ids, text = part(whole, "Why in: funded projects")
    assert len(ids) == 29 and "that forcing would cost least" not in text
    ids, _ = part(whole, "Why out: eligible projects not funded")
    assert len(ids) == 4

    monkeypatch.setattr(analyses, "WHY_ROWS", 3)
    cut = render_report(result)
    for heading, funded, words in (
            ("Why in: funded projects", True, "The 3 of 29 funded projects that forcing would "
             "cost least (nearest to being dropped)"),
            ("Why out: eligible projects not funded", False, "The 3 of 4 eligible projects "
             "not funded that forcing would cost least (nearest misses)")):
        ids, text = part(cut, heading)
        rows = why[(why["funded"] == funded) & why["eligible"]]
        nearest = rows.sort_values("value_change", ascending=False, kind="stable").index[:3]
        assert ids == list(nearest)
        assert words in text
        assert "every project is on the workbook's Why in or out sheet (portfolios.xlsx)" in text
