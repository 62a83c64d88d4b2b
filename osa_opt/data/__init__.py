"""The shipped example and default policy.

The files live once, in ``inputs/`` and ``models/`` of the repository; the entries here are
links to them, which a wheel build turns into copies, so ``osa-opt solve`` works after a
plain ``pip install`` from any folder.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def example_path() -> Path:
    """Path of the shipped example workbook."""
    return _HERE / "example.xlsx"


def default_policy_path() -> Path:
    """Path of the shipped default policy, ``models/default.toml``."""
    return _HERE / "default.toml"
