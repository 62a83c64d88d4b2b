"""Analyses that explain a solve: why each project is in or out, the price of each rule,
why a policy cannot be met, and more.

Each analysis is a sequence of changes and re-solves of one persistent
:class:`osa_opt.solving.solver.Solver`, handed the baseline it needs (the problem, the
Solver or model, portfolio 1); none calls :func:`osa_opt.solve` (the runs that combine
them are in :mod:`osa_opt.workflows`). Every analysis object is an
:class:`osa_opt.analysis.base.Analysis`: a ``name``, ``tables()`` (workbook sheet name ->
DataFrame), ``to_dict()`` (JSON-safe, for ``run.json``), a notebook view and a short repr,
and is stored in ``result.analyses[name]``. Import the submodules directly, e.g.
``from osa_opt.analysis.why import explain_portfolio``.
"""

from __future__ import annotations
