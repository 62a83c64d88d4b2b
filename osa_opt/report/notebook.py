"""Rich notebook display: the ``_repr_html_`` of Result, Portfolio and the analyses.

Small, escaped HTML fragments (no page skeleton, no script) whose CSS is scoped to the
``osa-nb`` class, so they look the same in Jupyter, VS Code and exported notebooks without
restyling the notebook around them.

>>> result                       # in a notebook: status, summary table (_repr_html_)
<Result optimal: 3 portfolios, best value 171.239; analyses: prices, why>
>>> from osa_opt.report.notebook import analysis_html
>>> class MyAnalysis:                                   # any analysis can borrow it
...     _repr_html_ = analysis_html
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from osa_opt.html import NOTEBOOK_ROWS as MAX_ROWS
from osa_opt.html import analysis_html as analysis_html  # re-exported: the documented name
from osa_opt.html import notebook_wrap as _wrap
from osa_opt.html import table, value_text
from osa_opt.text import counted, share_text, yen

if TYPE_CHECKING:
    from osa_opt.result import Portfolio, Result


def _badge(status: str) -> str:
    return (f'<span class="status status-{escape(status)}">'
            f'{escape(status.replace("_", " "))}</span>')


def result_html(result: Result) -> str:
    """A Result: status, the outcome sentence and one row per ranked portfolio.

    >>> from osa_opt.report.notebook import result_html
    >>> "<table" in result_html(result)
    True
    """
    messages = [str(d.get("message", "")) for d in (result.diagnosis or [])
                if isinstance(d, dict)]
    # the status sentence of an infeasible result is the diagnosis's first line: said once
    sentence = ("The policy cannot be met by any portfolio; what must move "
                "(<code>result.diagnosis</code>):"
                if not result.portfolios and messages
                and result.status_message == messages[0] else escape(result.status_message))
    head = f'<div class="head">{_badge(result.status.value)} {sentence}</div>'
    if not result.portfolios:
        items = "".join(f"<li>{escape(m)}</li>" for m in messages)
        return _wrap(head + (f"<ol>{items}</ol>" if items else ""))
    summary = result.summary().reset_index()
    body = head + table(summary, max_rows=MAX_ROWS)
    unfunded = result.unfunded
    if len(unfunded):  # the reasons are sentences: their cells wrap (osa_opt.html WRAP_AT)
        body += (f'<div class="head"><b>Not in portfolio 1</b> ({counted(len(unfunded), "project")}, '
                 "<code>result.unfunded</code>)</div>"
                 + table(unfunded.reset_index(), max_rows=MAX_ROWS,
                         columns=["project_id", "title", "country", "eligible", "reason"],
                         more="result.unfunded has every row"))
    if result.notes:
        body += "".join(f'<p class="note">{escape(str(n))}</p>' for n in result.notes)
    if result.analyses:
        body += ('<p class="note">Analyses: ' + escape(", ".join(map(str, result.analyses)))
                 + " (see <code>result.analyses</code>).</p>")
    return _wrap(body)


def portfolio_html(portfolio: Portfolio) -> str:
    """A Portfolio: its rank, value, cost and its funded projects."""
    problem = portfolio.problem
    budget = float(problem.budget.sum())
    used = f" ({share_text(portfolio.total_cost / budget, trim=True)} of the budget)" if budget else ""
    head = (f'<div class="head"><b>Portfolio {portfolio.rank}</b>: value '
            f"{escape(value_text(portfolio.objective))} "
            f"({escape(share_text(portfolio.share_of_best))} of the best), "
            f"{counted(portfolio.n_projects, 'project')} in "
            f"{counted(portfolio.n_countries, 'country', 'countries')}, "
            f"{escape(yen(portfolio.total_cost))}{escape(used)}</div>")
    changes = ""
    if portfolio.reference is not None:
        changes = (f'<p class="note">Against portfolio 1: adds '
                   f"{escape(', '.join(portfolio.added) or 'nothing')}; drops "
                   f"{escape(', '.join(portfolio.dropped) or 'nothing')}.</p>")
    cols = ["project_id", "title", "country", "field", "fraction",
            *[f"cost_{fy}" for fy in problem.fiscal_years], "total_cost", "value"]
    return _wrap(head + changes + table(portfolio.projects.reset_index(), columns=cols,
                                        max_rows=MAX_ROWS * 2))
