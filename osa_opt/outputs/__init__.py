"""Writing a run folder: ``run.json``, ``portfolios.xlsx``, ``portfolios.csv``, ``policy.toml``.

>>> result.write()                      # doctest: +SKIP
PosixPath('outputs/default-osa-round-20260105-090000')
"""

from __future__ import annotations

from .run import write_run

__all__ = ["write_run"]
