"""osa-opt: exact, explainable portfolio optimization for Official Security Assistance.

>>> import osa_opt
>>> problem = osa_opt.load_problem()                  # the shipped example, default policy
>>> result = osa_opt.solve(problem, portfolios=3)
>>> [round(p.objective, 3) for p in result.portfolios]
[185.479, 184.974, 184.499]
>>> result.portfolios[0].projects[["country", "fraction", "total_cost"]].head(3)  # a DataFrame
            country  fraction  total_cost
project_id
P-01        Aurelia       1.0       850.0
P-02        Aurelia       1.0      2050.0
P-04        Aurelia       1.0       400.0

Heavy modules (pandas, pyomo) load on first use, so ``osa-opt --help`` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "Policy": "osa_opt.inputs.policy",
    "Problem": "osa_opt.inputs.problem",
    "load_problem": "osa_opt.inputs.readers",
    "build_model": "osa_opt.model",
    "solve": "osa_opt.workflows",
    "execution": "osa_opt.workflows",
    "Solver": "osa_opt.solving.solver",
    "Result": "osa_opt.result",
    "Portfolio": "osa_opt.result",
    "Status": "osa_opt.result",
    "InputError": "osa_opt.errors",
    "OsaError": "osa_opt.errors",
    "example_path": "osa_opt.data",
    "default_policy_path": "osa_opt.data",
}

__all__ = [*_LAZY, "__version__"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'osa_opt' has no attribute {name!r}")
