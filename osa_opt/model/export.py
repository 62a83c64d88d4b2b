"""``write_model``: the model as an LP or MPS file with readable names.

>>> path = osa_opt.write_model(osa_opt.build_model(problem), "model.lp")  # doctest: +SKIP
"""

from __future__ import annotations

import re
from pathlib import Path

import pyomo.environ as pyo
from pyomo.opt import ProblemFormat

from osa_opt.errors import OsaError
from osa_opt.parallel import worded

#: File suffix -> the format written.
FORMATS = {".lp": ProblemFormat.cpxlp, ".mps": ProblemFormat.mps}


def write_model(model: pyo.ConcreteModel, path: str | Path, format: str | None = None) -> Path:
    """Write ``model`` to ``path`` (``.lp`` or ``.mps``, or ``format="lp"``/``"mps"``) with
    the components' own names (``budget[FY2026]``, ``x[P-01]``, an extension's rows), so the
    file points back at the rows of the workbook. Returns the path written.

    Raises OsaError for another suffix, a folder that cannot be written or two components
    the file would name alike (worded for ``osa-opt solve --write-model`` too, which calls
    this).
    """
    target = Path(path)
    suffix = f".{format.lower().lstrip('.')}" if format else target.suffix.lower()
    if suffix not in FORMATS:
        raise OsaError(f"write_model: path {str(target)!r} must end in .lp or .mps (or pass "
                       "format='lp' or 'mps')")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        model.write(str(target), format=FORMATS[suffix],
                    io_options={"symbolic_solver_labels": True})
    except OSError as exc:
        reason = exc.strerror or exc
        raise worded(f"write_model: could not write {target}: {reason}",
                     f"Could not write the model to {target}: {reason}.") from exc
    except RuntimeError as exc:
        clash = name_clash(exc)
        if clash is None:
            raise
        raise worded(f"write_model: {clash}",
                     f"Could not write the model to {target}: {clash}.") from exc
    return target


def name_clash(exc: RuntimeError) -> str | None:
    """Pyomo's refusal of two components whose names the file writes alike (``x[P-01]``
    and ``x[P_01]`` are both ``x(P_01)``), in words; None for any other error."""
    clash = re.search(r"Duplicate symbol '(.*)' already associated with component "
                      r"'(.*)' \(conflicting component: '(.*)'\)", str(exc))
    if clash is None:
        return None
    symbol, first, second = clash.groups()
    return (f"{second} and {first} would both be written as {symbol} (an LP or MPS file "
            "has no '-', space or comma in a name: Pyomo writes them as '_'), so the file "
            "could not tell them apart; rename one of them in the input")
