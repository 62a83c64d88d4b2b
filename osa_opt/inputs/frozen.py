"""Read-only dicts and lists, so a frozen Policy is frozen all the way down.

They are ``dict`` and ``list`` subclasses, so they compare equal to plain ones, serialize
as JSON and pickle (worker processes and Dask receive a Policy), but every change raises.

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

_MESSAGE = ("a Policy cannot be changed in place: use policy.override({\"key\": value}), "
            "which checks the new value")


def _refuse(self: Any, *args: Any, **kwargs: Any) -> NoReturn:
    raise TypeError(_MESSAGE)


class FrozenDict(dict):  # type: ignore[type-arg]
    """A dict whose every change raises ``TypeError``."""

    __slots__ = ()
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


def freeze(value: Any) -> Any:
    """``value`` with every dict and list inside it (recursively) made read-only."""
    if isinstance(value, dict):
        return value if type(value) is FrozenDict else FrozenDict(
            {k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple) and not isinstance(value, str):
        return value if type(value) is FrozenList else FrozenList(freeze(v) for v in value)
    return value
