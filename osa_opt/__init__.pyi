"""Type stub of osa_opt's public names (loaded lazily at run time by __init__.py)."""

from osa_opt.analysis.compare import Scenario as Scenario
from osa_opt.data import default_policy_path as default_policy_path
from osa_opt.data import example_path as example_path
from osa_opt.errors import InputError as InputError
from osa_opt.errors import OsaError as OsaError
from osa_opt.extensions import Extension as Extension
from osa_opt.inputs.policy import Policy as Policy
from osa_opt.inputs.problem import Problem as Problem
from osa_opt.inputs.readers import load_problem as load_problem
from osa_opt.model import build_model as build_model
from osa_opt.model.export import write_model as write_model
from osa_opt.result import Portfolio as Portfolio
from osa_opt.result import Result as Result
from osa_opt.result import Status as Status
from osa_opt.run_folder import compare_runs as compare_runs
from osa_opt.run_folder import load_run as load_run
from osa_opt.solving.solver import Solver as Solver
from osa_opt.workflows import compare as compare
from osa_opt.workflows import execution as execution
from osa_opt.workflows import frontier as frontier
from osa_opt.workflows import robustness as robustness
from osa_opt.workflows import solve as solve

__version__: str
