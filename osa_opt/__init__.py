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
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Type checkers read these imports; at run time the names load on first use (PEP 562
# __getattr__ below), so `import osa_opt` and `osa-opt --help` stay fast. The two lists
# must agree (tests/test_api.py checks it).
if TYPE_CHECKING:
    from osa_opt.analysis.compare import Scenario
    from osa_opt.data import default_policy_path, example_path
    from osa_opt.errors import InputError, OsaError
    from osa_opt.extensions import Extension
    from osa_opt.inputs.policy import Policy
    from osa_opt.inputs.problem import Problem
    from osa_opt.inputs.readers import load_problem
    from osa_opt.model import build_model
    from osa_opt.model.export import write_model
    from osa_opt.result import Portfolio, Result, Status
    from osa_opt.run_folder import compare_runs, load_run
    from osa_opt.solving.solver import Solver
    from osa_opt.workflows import compare, execution, frontier, robustness, solve

_LAZY = {
    "Policy": "osa_opt.inputs.policy",
    "Problem": "osa_opt.inputs.problem",
    "Scenario": "osa_opt.analysis.compare",
    "Extension": "osa_opt.extensions",
    "load_problem": "osa_opt.inputs.readers",
    "build_model": "osa_opt.model",
    "write_model": "osa_opt.model.export",
    "solve": "osa_opt.workflows",
    "robustness": "osa_opt.workflows",
    "frontier": "osa_opt.workflows",
    "compare": "osa_opt.workflows",
    "execution": "osa_opt.workflows",
    "load_run": "osa_opt.run_folder",
    "compare_runs": "osa_opt.run_folder",
    "Solver": "osa_opt.solving.solver",
    "Result": "osa_opt.result",
    "Portfolio": "osa_opt.result",
    "Status": "osa_opt.result",
    "InputError": "osa_opt.errors",
    "OsaError": "osa_opt.errors",
    "example_path": "osa_opt.data",
    "default_policy_path": "osa_opt.data",
}

__all__ = [
    "Extension",
    "InputError",
    "OsaError",
    "Policy",
    "Portfolio",
    "Problem",
    "Result",
    "Scenario",
    "Solver",
    "Status",
    "build_model",
    "compare",
    "compare_runs",
    "default_policy_path",
    "example_path",
    "execution",
    "frontier",
    "load_problem",
    "load_run",
    "robustness",
    "solve",
    "write_model",
    "__version__",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'osa_opt' has no attribute {name!r}")
