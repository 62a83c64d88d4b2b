"""The one interface every analysis has: ``name``, ``to_dict()``, ``tables()``, a notebook
view and a short ``repr``.

An analysis receives the baseline it needs (the problem, the Solver or model of a solve,
portfolio 1) and never calls :func:`osa_opt.solve` itself; the runs that put the pieces
together are in :mod:`osa_opt.workflows`. ``result.analyses[name]`` holds it; the workbook
writes its ``tables()`` as sheets, run.json its ``to_dict()``, the report a section.

A new analysis subclasses :class:`Analysis` (as a dataclass: ``@dataclass(eq=False,
repr=False)``), sets ``name`` and implements ``to_dict``, ``tables`` and ``headline``.

>>> class Count(Analysis):
...     name = "count"
...     def to_dict(self): return {"n": 3}
...     def tables(self): return {}
...     def headline(self): return "3 things"
>>> Count()
<Count 3 things>
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from osa_opt.html import analysis_html

if TYPE_CHECKING:
    import pandas as pd


class Analysis:
    """Base class of why, prices, diagnosis, frontier, funding order, robustness, compare."""

    name: str = "analysis"

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe content (run.json ``analyses.<name>``)."""
        raise NotImplementedError

    def tables(self) -> dict[str, pd.DataFrame]:
        """Named tables (workbook sheet name -> DataFrame)."""
        raise NotImplementedError

    def headline(self) -> str:
        """One short line: counts and the main finding, never every record."""
        return ", ".join(f"{len(t):,} rows in {name}" for name, t in self.tables().items())

    def _repr_html_(self) -> str:
        # the notebook view: the report's table style, from the bottom layer (osa_opt.html)
        return analysis_html(self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.headline()}>"
