"""The Pyomo model of DESIGN §5: ``build_model`` and its constraint families."""

from __future__ import annotations

from .build import build_model
from .data import ModelData
from .families import FAMILIES, funded, value_expression

__all__ = ["FAMILIES", "ModelData", "build_model", "funded", "value_expression"]
