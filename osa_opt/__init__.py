"""osa-opt: exact, explainable portfolio optimization for Official Security Assistance.

>>> import osa_opt
>>> problem = osa_opt.load_problem()                  # the shipped example, default policy
>>> result = osa_opt.solve(problem, portfolios=3)
>>> [round(p.objective, 3) for p in result.portfolios]
[171.239, 171.003, 170.206]
>>> result.portfolios[0].projects[["country", "fraction", "total_cost"]].head(3)  # a DataFrame
            country  fraction  total_cost
project_id
P-01        Aurelia       1.0       900.0
P-02        Aurelia       1.0      1200.0
P-04        Aurelia       1.0       500.0

Heavy modules (pandas, pyomo) load on first use, so ``osa-opt --help`` stays fast.
"""

from __future__ import annotations

from importlib import import_module as _import_module
from typing import Any as _Any

__version__ = "0.1.0"

# The names load on first use (PEP 562 __getattr__ below), so `import osa_opt` and
# `osa-opt --help` stay fast. Type checkers read __init__.pyi, the same names as imports
# (a stub rather than a TYPE_CHECKING block here: import-linter would count that block as
# imports of the package root, which every submodule's `import osa_opt` then cycles
# through). tests/test_api.py checks the two agree.
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


# A notebook user who builds a model gets the whole of Pyomo, as `import pyomo.environ`
# would give it (LP/MPS writers, solver plugins: `model.write("round.lp")` works); the
# solve path itself loads only pyomo.core, which start-up time cannot spare.
_FULL_PYOMO = {"build_model", "Solver"}


def __getattr__(name: str) -> _Any:
    if name in _FULL_PYOMO:
        _import_module("pyomo.environ")
    if name in _LAZY:
        value = getattr(_import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'osa_opt' has no attribute {name!r}")


def __dir__() -> list[str]:
    # the lazy names too, so a notebook's tab completion and dir(osa_opt) list them
    return sorted({*__all__, *(n for n in globals() if n.startswith("__"))})
