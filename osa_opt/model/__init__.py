"""The Pyomo model of docs/model.md: ``build_model`` and its constraint families."""

from __future__ import annotations

from osa_opt.model.build import build_model
from osa_opt.model.data import ModelData
from osa_opt.model.families import FAMILIES, funded, value_expression

__all__ = ["FAMILIES", "ModelData", "build_model", "funded", "value_expression"]
