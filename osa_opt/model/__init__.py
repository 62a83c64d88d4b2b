"""The Pyomo model of docs/model.md: ``build_model`` and its constraint families."""

from __future__ import annotations

from osa_opt.model.build import build_model
from osa_opt.model.data import ModelData
from osa_opt.model.families import funded, value_expression
from osa_opt.model.registry import FAMILIES, REGISTRY

__all__ = ["FAMILIES", "REGISTRY", "ModelData", "build_model", "funded", "value_expression"]
