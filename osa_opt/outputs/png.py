"""The frontier chart (PNG): exact optimum against the greedy ranking curve by budget.

matplotlib is imported lazily and drawn on an Agg canvas, so no display is needed,
``import osa_opt`` stays light and a notebook's own backend is left alone.

>>> from osa_opt.analysis.frontier import frontier
>>> from osa_opt.outputs.png import frontier_png
>>> fr = frontier(problem, shares=[0.5, 1.0])
>>> Path("frontier.png").write_bytes(frontier_png(fr))             # doctest: +SKIP
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from osa_opt.analysis.frontier import FrontierAnalysis

_SOLVED = ("optimal", "time_limit")


def analysis_pngs(analyses: Mapping[str, Any]) -> dict[str, bytes]:
    """The chart files of a run's analyses: ``frontier.png`` when a frontier is attached."""
    frontiers = [a for a in analyses.values() if isinstance(a, FrontierAnalysis)]
    return {"frontier.png": frontier_png(frontiers[0])} if frontiers else {}


def frontier_png(frontier: FrontierAnalysis, dpi: int = 120) -> bytes:
    """The frontier as PNG bytes (the figure of :func:`frontier_figure`).

    >>> from osa_opt.analysis.frontier import frontier
    >>> png = frontier_png(frontier(problem, shares=[0.5, 1.0]))
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    fig = frontier_figure(frontier, dpi)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def frontier_figure(frontier: FrontierAnalysis, dpi: int = 120) -> Any:
    """The frontier as a matplotlib Figure (on its own Agg canvas).

    The x axis is the total budget (¥ million, with the share of the policy budget on top);
    the solid line is the exact optimum, the dashed one the greedy benefit/cost curve.
    Greedy points that break a rule other than the budgets are hollow; levels whose rules
    cannot be met are marked with a red cross on the axis. The policy budget is the
    dotted vertical line.

    >>> from osa_opt.analysis.frontier import frontier
    >>> fig = frontier_figure(frontier(problem, shares=[0.5, 1.0]))
    >>> fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()
    ('total budget over all fiscal years (¥ million)', 'portfolio value (a score, not money)')
    """
    # the Agg canvas directly: no display, and pyplot's backend (a notebook's) is untouched
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    pts = frontier.points.sort_values("budget_share", kind="stable")
    problem = frontier.problem
    budget = pts["total_budget"].astype(float)
    solved = pts["status"].isin(_SOLVED)

    fig = Figure(figsize=(8, 4.8), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot(budget[solved], pts.loc[solved, "value"], "o-", color="#1f4e79", lw=2,
            label="exact optimum (osa-opt)")
    greedy_ok = pts["greedy_meets_rules"].astype(bool)
    ax.plot(budget, pts["greedy_value"], "--", color="#c55a11", lw=1.5,
            label="greedy benefit/cost ranking")
    ax.plot(budget[greedy_ok], pts.loc[greedy_ok, "greedy_value"], "s", color="#c55a11", ms=5,
            ls="none")
    if (~greedy_ok).any():
        ax.plot(budget[~greedy_ok], pts.loc[~greedy_ok, "greedy_value"], "s", ms=6, ls="none",
                markerfacecolor="white", markeredgecolor="#c55a11",
                label="greedy breaks a policy rule")
    both = solved & greedy_ok
    if both.any():
        ax.fill_between(budget[both], pts.loc[both, "greedy_value"], pts.loc[both, "value"],
                        color="#1f4e79", alpha=0.12, label="gain of exact optimization")
    if (~solved).any():
        ax.plot(budget[~solved], [0.0] * int((~solved).sum()), "x", color="#c00000", ms=9,
                mew=2, ls="none", clip_on=False, label="policy cannot be met")
    total = problem.policy.total_budget
    if total > 0:
        ax.axvline(total, color="grey", ls=":", lw=1)
        ax.annotate("policy budget", (total, 0), xycoords=("data", "axes fraction"),
                    xytext=(3, 4), textcoords="offset points", fontsize=8, color="grey")
        def to_share(b: Any) -> Any:  # matplotlib passes a number or an array
            return b / total * 100

        def to_budget(s: Any) -> Any:
            return s * total / 100

        top = ax.secondary_xaxis("top", functions=(to_share, to_budget))
        top.set_xlabel("share of the policy budget (%)")
    from matplotlib.ticker import FuncFormatter, StrMethodFormatter

    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))  # 24,100, not 24100
    ax.set_xlabel("total budget over all fiscal years (¥ million)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
    ax.set_ylabel("portfolio value (a score, not money)")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(f"Efficient frontier: {problem.title}", fontsize=10)
    fig.tight_layout()
    return fig
