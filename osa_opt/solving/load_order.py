"""The order in which a model's columns and rows reach HiGHS (issue 14).

Pyomo's persistent interface numbers columns as its walk over the constraints first meets
each variable, so the partial-funding rows (the first family) would interleave ``x[p],
f[p]``. HiGHS's branch and bound depends on that order (same presolve, same root bound,
another tree): these two functions give HiGHS the matrix of the raw-HiGHS yardstick,
``benchmarks/raw_highs.py``, for :func:`osa_opt.solving.highs_access.ordered_highs`
(benchmarks/README.md, "Column and row order").
"""

from __future__ import annotations

from typing import Any

import pyomo.core as pyo


def first_columns(model: Any) -> list[Any]:
    """HiGHS's first columns: every ``x[p]``, then every ``f[p]``, in input order (the rest,
    e.g. ``z``, ``u``, ``w`` and an extension's variables, follow as the rows meet them).
    The order of the raw-HiGHS yardstick (benchmarks/raw_highs.py): HiGHS needs fewer
    nodes with it than with Pyomo's interleaved ``x[p], f[p]`` on most rounds."""
    x, f = getattr(model, "x", None), getattr(model, "f", None)
    if not isinstance(x, pyo.Var) or not isinstance(f, pyo.Var):
        return []  # e.g. the funding order's model: one block per budget level
    return [*x.values(), *f.values()]


def row_order(model: Any, rows: list[Any]) -> list[Any]:
    """The rows as Pyomo lists them, but each ``partial_max[p]`` right after its
    ``partial_min[p]`` (as benchmarks/raw_highs.py adds them), with the same columns the
    same matrix: HiGHS then walks the same tree as on the yardstick's model."""
    low, high = getattr(model, "partial_min", None), getattr(model, "partial_max", None)
    if not isinstance(low, pyo.Constraint) or not isinstance(high, pyo.Constraint):
        return rows
    listed = set(rows)
    paired = {id(high[p]) for p in low if p in high and high[p] in listed and low[p] in listed}
    out = []
    for row in rows:
        if id(row) in paired:
            continue  # placed after its partial_min
        out.append(row)
        if row.parent_component() is low and id(high[row.index()]) in paired:
            out.append(high[row.index()])
    return out
