"""Notebook views: long message and reason columns wrap in a readable column instead of one
endless line or a cut (issue 15, item 7)."""

from __future__ import annotations

import re

import pandas as pd

import osa_opt
from osa_opt.html import NOTEBOOK_STYLE, WRAP_AT, table


def cells(html: str, column: int) -> list[str]:
    """The opening ``<td ...>`` tags of one column of the first table."""
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return [re.findall(r"<td[^>]*>", row)[column] for row in body.split("</tr>") if "<td" in row]


def test_the_notebook_style_wraps_long_text_cells() -> None:
    rule = re.search(r"td\.wrap[^{]*\{([^}]*)\}", NOTEBOOK_STYLE)
    assert rule is not None
    assert "white-space: normal" in rule.group(1) and "max-width" in rule.group(1)
    assert "overflow-x: auto" in NOTEBOOK_STYLE  # wide tables scroll, nothing is cut
    assert re.search(r"span\.id \{ white-space: nowrap", NOTEBOOK_STYLE)


def test_message_columns_of_an_analysis_wrap_and_are_whole() -> None:
    result = osa_opt.solve(osa_opt.load_problem(), portfolios=1, explain=True)
    why = result.analyses["why"]
    html = why._repr_html_()
    columns = list(why.tables()["why"].columns)
    messages = cells(html, columns.index("message"))
    assert messages and all('class="wrap"' in td for td in messages)
    first = why.table["message"].iloc[0]
    assert len(first) > 100 and first.replace("'", "&#x27;") in html  # whole, not cut
    short = cells(html, columns.index("country"))
    assert not any("wrap" in td for td in short)
    prices = result.analyses["prices"]._repr_html_()
    assert 'class="wrap"' in prices


def test_short_text_stays_on_one_line_and_numbers_never_wrap() -> None:
    frame = pd.DataFrame({"id": ["P-01"], "reason": ["x" * (WRAP_AT + 1)],
                          "note": ["short"], "value": [1.5]})
    html = table(frame)
    tds = re.findall(r"<td[^>]*>", html)
    assert tds == ["<td>", '<td class="wrap">', "<td>", '<td class="num">']


def test_policy_and_problem_views_wrap_long_values() -> None:
    problem = osa_opt.load_problem()
    policy = problem.policy.override({"priority.max_country_share": 0.3,
                                      "priority.max_countries": 12,
                                      "priority.min_countries": 5})
    html = policy._repr_html_()
    long_rows = [td for td in re.findall(r"<td[^>]*>[^<]*", html) if len(td) > WRAP_AT + 20]
    assert long_rows and all('class="wrap"' in td for td in long_rows)
    assert "osa-nb" in problem._repr_html_()


def test_a_result_shows_why_projects_are_out_in_wrapping_cells() -> None:
    result = osa_opt.solve(osa_opt.load_problem(), portfolios=1, explain=False)
    html = result._repr_html_()
    assert "Not in portfolio 1" in html
    section = html.split("Not in portfolio 1")[1]
    longest = max(result.unfunded["reason"], key=len)
    assert len(longest) > WRAP_AT and longest.replace("'", "&#x27;") in section
    reasons = cells(section, 4)
    assert len(reasons) == len(result.unfunded)
    assert all('class="wrap"' in td for td, text in zip(reasons, result.unfunded["reason"],
                                                          strict=True) if len(text) > WRAP_AT)


def test_a_problem_lists_its_warnings_whole() -> None:
    problem = osa_opt.load_problem()
    bigger = problem.projects.copy()
    bigger["cost_FY2026"] = bigger["cost_FY2026"] * 1000  # typed in ¥ thousand
    warned = problem.with_projects(bigger)
    assert warned.warnings
    html = warned._repr_html_()
    for warning in warned.warnings:
        assert f"<li>{warning.message()}</li>".replace("'", "&#x27;") in html
    assert "<li>" not in problem._repr_html_()


def test_the_result_repr_counts_in_words_and_quotes_the_value_as_printed() -> None:
    one = osa_opt.solve(osa_opt.load_problem(), portfolios=1)
    # "1 portfolio", and the value to three decimals as the terminal, report and workbook
    assert repr(one) == f"<Result optimal: 1 portfolio, best value {one.best.objective:,.3f}>"


def test_the_result_repr_names_the_analyses_it_holds() -> None:
    """``osa_opt.compare(...)`` and ``osa_opt.robustness(...)`` gave a Result whose repr read
    as a plain solve's, '<Result optimal: 5 portfolios, best value 171.239>', and whose
    ``summary()`` is the baseline's portfolios: nothing said the comparison was in
    ``result.analyses``."""
    problem = osa_opt.load_problem()
    both = osa_opt.compare([problem, problem.with_policy(overrides={"budget.FY2026": 15000})])
    assert repr(both) == "<Result optimal: 5 portfolios, best value 171.239; analyses: comparison>"
    assert repr(osa_opt.robustness(problem, samples=5)).endswith("; analyses: robustness>")


def test_an_analysis_has_one_title_in_the_report_the_workbook_and_the_notebook() -> None:
    """``text.title``: the report's section, the workbook's sheet and the notebook's heading
    name an analysis alike ("Rule prices" everywhere, not "Price of each rule" in one)."""
    from osa_opt.outputs.readme import analysis_sheet
    from osa_opt.report.analyses import analysis_sections
    from osa_opt.text import title

    result = osa_opt.solve(osa_opt.load_problem(), portfolios=1, explain=True)
    sections = {s.id: s.title for s in analysis_sections(result)}
    assert sections == {"analysis-why": "Why in or out", "analysis-prices": "Rule prices"}
    for name in ("why", "prices"):
        assert analysis_sheet(name) == title(name) == sections[f"analysis-{name}"]
        assert f"<b>{title(name)}</b>" in result.analyses[name]._repr_html_()
    assert title("user_made_Table") == "User made Table"  # any other name: in words


def test_a_comparison_shows_its_scenarios_by_name() -> None:
    """The comparison's summary is indexed by scenario; the notebook view dropped the
    index, so two scenarios of one policy read as two rows "Default OSA round" and the
    names given (Scenario("Alpha-base", ...)) were nowhere. A table indexed by name now
    shows that name as its first column, as the workbook's sheets do."""
    problem = osa_opt.load_problem()
    comparison = osa_opt.compare([
        osa_opt.Scenario("Alpha-base", problem),
        osa_opt.Scenario("Beta-cut", problem.with_policy(overrides={"budget.FY2026": 15000})),
    ]).analyses["comparison"]
    html = comparison._repr_html_()
    first = html.split("<tbody>")[1].split("</tbody>")[0]  # the summary, before the matrix
    assert "Alpha-base" in first and "Beta-cut" in first
    assert first.index("Alpha-base") < first.index("Beta-cut")
    header = html.split("<thead>")[1].split("</thead>")[0]
    assert "Scenario" in header


def test_an_infeasible_result_says_the_diagnosis_once() -> None:
    """The view of a result whose policy cannot be met showed the diagnosis's first line
    twice: as the status sentence (which is that line) and as the list's first item."""
    tight = osa_opt.load_problem(overrides={"budget.FY2026": 800})
    result = osa_opt.solve(tight)
    [entry] = result.diagnosis
    html = result._repr_html_()
    assert html.count(entry["message"]) == 1, html
    assert "cannot be met" in html.split("<ol>")[0] and "result.diagnosis" in html


def test_an_analysis_of_several_tables_is_headed_once() -> None:
    """The notebook view of a robustness analysis read "Robustness" in bold, then a heading
    "Robustness" over its first table (the funding order likewise): the first table, named
    like its analysis, is under the analysis's heading alone; the others keep theirs."""
    result = osa_opt.robustness(osa_opt.load_problem(), samples=5)
    page = result.analyses["robustness"]._repr_html_()
    assert "<b>Robustness</b>" in page and "<h3>Robustness</h3>" not in page
    assert "<h3>Robustness portfolios</h3>" in page and "<h3>Robustness samples</h3>" in page


def test_a_rule_table_writes_its_amounts_in_their_units() -> None:
    """The notebook view of the rule prices wrote every bound with three decimals,
    "18,100.000" for the budget beside "1.000" mandatory projects; the report wrote
    "¥18,100m" and "1". Both now write each row in its unit, as the report did."""
    result = osa_opt.solve(osa_opt.load_problem(), portfolios=1, explain=True)
    page = result.analyses["prices"]._repr_html_()
    assert "18,100.000" not in page and "1.000" not in page
    for cell in ("¥18,100m", "¥17,800m", "¥300m", "¥19,910m"):
        assert f">{cell}<" in page, cell
