"""``report.html``: the one file a budget officer reads, circulates and prints.

One self-contained page: inline CSS and inline SVG charts drawn here, no script, no web
font, no image file, no network. Sections: headline, ranked portfolios side by side and what
changes between them, allocation by country, region, tier and field, budget use per fiscal
year, eligible projects not funded, eligibility exclusions, one section per analysis
(frontier, funding order, why in/out, rule prices, robustness, ...), the diagnosis when the
policy cannot be met, and the manifest. Printed (or saved as PDF) each section starts a page.

Every text from the inputs is escaped (:func:`html.escape`) in cells, attributes, titles and
SVG labels.

>>> from osa_opt.report import render_report, write_report
>>> html = render_report(result)
>>> html.startswith("<!DOCTYPE html>"), "Ranked portfolios" in html
(True, True)
>>> write_report(result, "outputs/my-run/report.html")       # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from osa_opt.report import allocation, sections
from osa_opt.report.analyses import analysis_sections
from osa_opt.report.page import Section, page

if TYPE_CHECKING:
    from osa_opt.result import Result

__all__ = ["render_report", "write_report"]


def render_report(result: Result, *, created: dt.datetime | None = None) -> str:
    """The report of a result as one HTML document (a string).

    Parameters
    ----------
    result : any Result, also an infeasible one (then: status, diagnosis, eligibility,
        manifest).
    created : the time shown in the masthead (UTC); now when omitted.

    Returns
    -------
    str
        A complete, self-contained HTML5 document.

    Examples
    --------
    >>> result = osa_opt.solve(osa_opt.load_problem(), portfolios=3)
    >>> Path("report.html").write_text(render_report(result))           # doctest: +SKIP
    """
    from osa_opt import __version__

    created = (created or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    analyses = analysis_sections(result)
    # a comparison is what its reader came for: first, then the baseline's details
    # (its headline, partners, ...)
    first = [a for a in analyses if a.id == "analysis-comparison"]
    analyses = [a for a in analyses if a not in first]
    headline = sections.headline(result)
    if first:  # what follows the comparison is one scenario's: say which
        baseline = result.analyses["comparison"].baseline.name
        headline = dataclasses.replace(headline, title=f"Headline of the baseline, {baseline}")
    parts: list[Section | None] = [
        *first,
        headline,
        sections.diagnosis(result),
        sections.extensions(result),
        sections.partners(result),
        sections.portfolios(result),
        allocation.allocation(result),
        sections.budget_use(result),
        sections.forced(result),
        sections.not_funded(result),
        sections.eligibility(result),
        *analyses,
        sections.manifest_section(result),
    ]
    policy = result.problem.policy
    stamp = created.strftime("%Y-%m-%d %H:%M UTC")
    subtitle = (f"OSA portfolio report · policy “{policy.name}” · {stamp} · "
                f"money in ¥ million")
    if result.problem.input_note:
        subtitle += f" · {result.problem.input_note}"
    return page(f"osa-opt report: {result.problem.title}", subtitle,
                [s for s in parts if s is not None],
                footer=f"Written by osa-opt {__version__}. Print or save as PDF from the "
                       "browser: each section starts a new page.")


def write_report(result: Result, path: str | Path, *, created: dt.datetime | None = None
                 ) -> Path:
    """Write :func:`render_report` to ``path`` (UTF-8), creating its folder, and return it.

    >>> write_report(result, "report.html")        # doctest: +SKIP
    PosixPath('report.html')
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_report(result, created=created), encoding="utf-8")
    return target
