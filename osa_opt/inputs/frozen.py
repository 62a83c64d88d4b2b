"""Read-only containers: dicts and lists, so a frozen Policy is frozen all the way down,
and tables whose values cannot be written, so a Problem cannot change silently.

The dicts and lists are ``dict`` and ``list`` subclasses, so they compare equal to plain
ones, serialize as JSON and pickle (worker processes and Dask receive a Policy), but every
change raises. A read-only table's numpy arrays have ``writeable`` off: writing a value
in place raises numpy's ``ValueError: assignment destination is read-only``. They stay plain
``numpy.ndarray`` (no subclass with a friendlier message: ``pd.testing.assert_frame_equal``
compares array classes, so a Problem's table would not equal its own copy).

>>> from osa_opt.inputs.frozen import freeze
>>> budget = freeze({"FY2026": 18100.0})
>>> budget == {"FY2026": 18100.0}
True
>>> budget["FY2026"] = 30000.0
Traceback (most recent call last):
...
TypeError: a Policy cannot be changed in place: use policy.override({"key": value}), which checks the new value
"""

from __future__ import annotations

from typing import Any, NoReturn

import numpy as np
import pandas as pd

_MESSAGE = ("a Policy cannot be changed in place: use policy.override({\"key\": value}), "
            "which checks the new value")


def _refuse(self: Any, *args: Any, **kwargs: Any) -> NoReturn:
    raise TypeError(getattr(type(self), "message", _MESSAGE))


class FrozenDict(dict):  # type: ignore[type-arg]
    """A dict whose every change raises ``TypeError`` (``message`` says what to do)."""

    __slots__ = ()
    message = _MESSAGE
    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self) -> tuple[Any, ...]:  # rebuilt from a plain dict, not item by item
        return (type(self), (dict(self),))

    def __repr__(self) -> str:
        return dict.__repr__(self)


class FrozenList(list):  # type: ignore[type-arg]
    """A list whose every change raises ``TypeError``."""

    __slots__ = ()
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse
    append = extend = insert = remove = pop = clear = sort = reverse = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (list(self),))

    def __repr__(self) -> str:
        return list.__repr__(self)


class ProblemRecord(FrozenDict):
    """A frozen dict held by a Problem (``problem.sources``)."""

    __slots__ = ()
    message = ("a Problem cannot be changed: use problem.with_projects(df), "
               "with_countries(df) or with_policy(...), which validate again")


def freeze(value: Any) -> Any:
    """``value`` with every dict and list inside it (recursively) made read-only."""
    if isinstance(value, dict):
        return value if type(value) is FrozenDict else FrozenDict(
            {k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple) and not isinstance(value, str):
        return value if type(value) is FrozenList else FrozenList(freeze(v) for v in value)
    return value


def read_only(data: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
    """A copy of ``data`` whose values cannot be written in place.

    Columns of numpy dtypes get a read-only array each (not consolidated, so no pandas
    operation copies them back into a writeable block); columns of extension dtypes
    (categorical, nullable) are copied and listed by :func:`unprotected`, for the caller
    to copy again on every read.
    """
    if isinstance(data, pd.Series):
        return pd.Series(_locked(data), index=data.index, name=data.name, copy=False)
    columns = {name: _locked(data[name]) for name in data.columns}
    return pd.DataFrame(columns, index=data.index, columns=data.columns, copy=False)


def unprotected(frame: pd.DataFrame) -> list[Any]:
    """Columns of ``frame`` whose values :func:`read_only` could not lock."""
    # frame.dtypes once: a column lookup per name costs more than the copy it guards
    return [name for name, dtype in frame.dtypes.items() if not isinstance(dtype, np.dtype)]


def _locked(column: pd.Series) -> Any:
    if not isinstance(column.dtype, np.dtype):
        return column.array.copy()
    values = column.to_numpy(copy=True)
    values.flags.writeable = False
    return values
