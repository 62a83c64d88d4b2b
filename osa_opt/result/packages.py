"""A portfolio by partner: the units funded of projects bought in whole units, and the
package of each funded partner (country), largest first — what the terminal, the workbook's
partner sheet and the report show. :class:`osa_opt.result.Portfolio` exposes each as an
attribute (``units``, ``units_text``, ``packages``, ``partners_line``, ``package_table``).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import pandas as pd

from osa_opt.text import yen

if TYPE_CHECKING:
    from osa_opt.result import Portfolio

#: Partners named in :attr:`Portfolio.partners_line`; the rest are counted.
PARTNERS_NAMED = 20


def units(portfolio: Portfolio) -> dict[str, int]:
    """Units funded of each funded project that is funded in whole units (input order)."""
    most = portfolio.problem.input_projects.get("units_max")
    if most is None:
        return {}
    most = most.reindex(portfolio.project_ids)
    return {p: round(portfolio.fractions[p] * float(m)) for p, m in most[most.notna()].items()}


def units_text(portfolio: Portfolio, project_id: str) -> str:
    """"3 of 4 boats" for a project funded in whole units, else ""."""
    got = portfolio.units.get(project_id)  # cached on the portfolio
    if got is None:
        return ""
    row = portfolio.problem.input_projects.loc[project_id]
    most = int(row["units_max"])
    noun = str(row.get("unit") or "unit")
    plural = noun if most == 1 or noun.endswith("s") else f"{noun}s"
    return f"{got} of {most} {plural}"


def packages(portfolio: Portfolio) -> list[dict[str, Any]]:
    """One package per funded partner: its funded projects (input order), total and
    per-year funded cost; largest package first (ties by country name)."""
    df = portfolio._projects
    years = portfolio.problem.fiscal_years
    by_country = df.groupby("country", sort=True)
    sums = by_country[[*(f"cost_{fy}" for fy in years), "total_cost"]].sum()
    members = by_country.groups  # country -> its funded ids, in input order
    totals = sums["total_cost"].tolist()
    per_year = {fy: sums[f"cost_{fy}"].tolist() for fy in years}
    out = [{"country": str(country),
            "projects": members[country].tolist(),
            "total_cost": float(totals[i]),
            "cost_by_year": {fy: float(per_year[fy][i]) for fy in years}}
           for i, country in enumerate(sums.index)]
    return sorted(out, key=lambda pk: (-round(pk["total_cost"], 6), pk["country"]))


def partners_line(portfolio: Portfolio, *, glue: str = " ") -> str:
    """"Fund 9 partners: Aurelia ¥4,500m, Sundara ¥4,350m, …" (largest package first).

    ``glue``: the space inside a partner's name and before its amount (the terminal's
    :data:`osa_opt.text.NO_BREAK`, so a line never parts a name from its amount)."""
    packages = portfolio.packages
    if not packages:  # a portfolio that funds nothing (every project ineligible, say)
        return "Fund no partner"
    noun = "partner" if len(packages) == 1 else "partners"
    named = ", ".join(f"{str(pk['country']).replace(' ', glue)}{glue}{yen(pk['total_cost'])}"
                      for pk in packages[:PARTNERS_NAMED])
    more = len(packages) - PARTNERS_NAMED
    return (f"Fund {len(packages):,} {noun}: {named}"
            + (f" and {more:,} more" if more > 0 else ""))


def has_units(table: pd.DataFrame) -> bool:
    """Whether any row of a :func:`package_table` counts whole units ("3 of 4 boats"): the
    report and the workbook leave its Units column out otherwise (the workbook's Partners
    sheet kept an empty one in every round without units, the shipped example's too).

    >>> has_units(result.best.package_table())
    False
    """
    return bool(table["units"].fillna("").astype(str).str.strip().ne("").any())


def package_table(portfolio: Portfolio, *, items: bool = True,
                  head: int | None = None) -> pd.DataFrame:
    """The partner table: one row per partner (its package), its items under it.

    Columns: ``partner``, ``project_id`` (blank on a partner's row), ``title`` (the
    number of items on a partner's row), ``units`` ("3 of 4 boats"), ``fraction``,
    ``cost_<FY>`` and ``total_cost`` (funded, ¥ million), ``share_of_budget``.
    ``items=False``: the partners' rows only; ``head``: the first ``head`` rows only (a
    report shows no more; the whole table of 100,000 projects takes a second to build).
    """
    df = portfolio._projects
    years = [f"cost_{fy}" for fy in portfolio.problem.fiscal_years]
    total = portfolio.problem.policy.total_budget
    if not items:
        df = df.iloc[:0]
    elif head is not None:  # only the items that can be shown: at most head of them
        flat = (p for pk in portfolio.packages for p in pk["projects"])
        df = df.loc[list(itertools.islice(flat, head))]
    item = {c: df[c].to_dict() for c in ("title", "fraction", *years, "total_cost")}
    units = portfolio.units
    rows: list[dict[str, Any]] = []
    for pk in portfolio.packages:  # one pass: columns read once, not a row lookup per item
        if head is not None and len(rows) >= head:
            break
        n = len(pk["projects"])
        rows.append({"partner": pk["country"], "project_id": "",
                     "title": f"{n} item{'s' if n != 1 else ''}", "units": "",
                     "fraction": None,
                     **{f"cost_{fy}": v for fy, v in pk["cost_by_year"].items()},
                     "total_cost": pk["total_cost"],
                     "share_of_budget": pk["total_cost"] / total if total else None})
        for p in pk["projects"] if items else ():
            if head is not None and len(rows) >= head:  # the head ends inside this package
                break
            cost = float(item["total_cost"][p])
            rows.append({"partner": pk["country"], "project_id": p,
                         "title": str(item["title"][p]),
                         "units": portfolio.units_text(p) if p in units else "",
                         "fraction": float(item["fraction"][p]),
                         **{c: float(item[c][p]) for c in years},
                         "total_cost": cost,
                         "share_of_budget": cost / total if total else None})
    columns = ["partner", "project_id", "title", "units", "fraction", *years, "total_cost",
               "share_of_budget"]
    # numbers whatever the rows (fraction is blank on partners' rows; a head of 0 has none)
    return pd.DataFrame(rows, columns=columns).astype(
        {c: float for c in ("fraction", *years, "total_cost", "share_of_budget")})
