"""Analyses that explain a solve: why each project is in or out, the price of each rule,
why a policy cannot be met, and more.

Each analysis is a sequence of changes and re-solves of one persistent
:class:`osa_opt.solving.solver.Solver`. An analysis object has a ``name``, ``tables()`` (workbook
sheet name -> DataFrame) and ``to_dict()`` (JSON-safe, for ``run.json``) and is stored in
``result.analyses[name]``. Import the submodules directly, e.g.
``from osa_opt.analysis.why import explain_portfolio``.
"""

from __future__ import annotations
