"""The shipped example and default policy.

The files live once, in ``inputs/`` and ``models/`` of the repository; the entries here are
links to them, which a wheel build turns into copies, so ``osa-opt solve`` works after a
plain ``pip install`` from any folder.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

from osa_opt.digest import sha256

_HERE = Path(__file__).resolve().parent

#: What the outputs of the shipped example say of it (the terminal, the report's masthead,
#: the workbook's Read me): its partners and every number in it are made up.
EXAMPLE_NOTE = ("The shipped example: fictional partners, illustrative numbers; "
                "not a real OSA round.")


def example_path() -> Path:
    """Path of the shipped example workbook."""
    return _HERE / "example.xlsx"


def default_policy_path() -> Path:
    """Path of the shipped default policy, ``models/default.toml``."""
    return _HERE / "default.toml"


@functools.cache
def _example_sha256() -> str:
    return sha256(example_path().read_bytes())  # the fingerprint a Problem's sources hold


def is_example(sources: Mapping[str, str]) -> bool:
    """Whether an input whose files have these sha256 (a Problem's ``sources``) is the
    shipped example, read from wherever it lies; an edited copy is a round of its own.

    >>> is_example({"example.xlsx": _example_sha256()}), is_example({"mine.xlsx": "0" * 64})
    (True, False)
    """
    return _example_sha256() in sources.values()
