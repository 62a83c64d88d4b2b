"""Short reprs and notebook views of Problem and Policy (issue 15, item 7)."""

from __future__ import annotations

import osa_opt
from osa_opt.inputs.display import rules_on


def test_policy_repr_is_a_few_lines_with_the_rules_that_are_on() -> None:
    policy = osa_opt.Policy.default().override({"priority.max_country_share": 0.3})
    text = repr(policy)
    assert len(text.splitlines()) <= 10 and len(text) <= 600
    fy, amount = next(iter(policy.budget.items()))
    assert f"{fy} ¥{amount:,.0f}m" in text and "max_country_share 30%" in text
    # a rule off at its neutral value is not listed; setting it turns it on
    assert "max_countries" not in text
    on = policy.override({"priority.max_countries": 4, "priority.max_country_share": 1.0})
    assert "max_countries 4" in repr(on) and "max_country_share" not in repr(on)
    assert "min_package" not in rules_on(on)["priority"]


def test_problem_repr_and_html_carry_the_counts() -> None:
    problem = osa_opt.load_problem()
    eligible = len(problem.eligible)
    text = repr(problem)
    assert len(text.splitlines()) <= 10 and len(text) <= 600
    assert f"{len(problem.projects)} projects ({eligible} eligible)" in text
    # titled as every other output titles the run (it named only the policy, 'Default OSA
    # round', whatever the input)
    assert text.startswith("<Problem Shipped example FY2026 (illustrative): 38 projects")
    assert ('<div class="head"><b>Problem</b> Shipped example FY2026 (illustrative)</div>'
            in problem._repr_html_())
    html = problem._repr_html_()
    assert f"<td>{len(problem.projects)}</td>" in html and f"<td>{eligible}</td>" in html
    assert f"<td>{len(problem.countries)}</td>" in html and "¥18,100m" in html
    tighter = problem.with_policy(overrides={"eligibility.min_democracy": 6})
    assert len(tighter.eligible) < eligible
    assert f"({len(tighter.eligible)} eligible)" in repr(tighter)
    assert f"<td>{len(tighter.eligible)}</td>" in tighter._repr_html_()


def test_policy_html_escapes_the_name() -> None:
    policy = osa_opt.Policy.default().override({"name": "<b>round</b>",
                                                "priority.max_country_share": 0.3})
    html = policy._repr_html_()
    assert "&lt;b&gt;round&lt;/b&gt;" in html and "<b>round</b>" not in html
    # as a reader sees it; a narrow notebook column breaks the code after an underscore
    assert "max_country_share 30%" in html.replace("<wbr>", "")
    assert "max_<wbr>country_<wbr>share" in html
