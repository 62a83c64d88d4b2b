"""Text every layer shares: money, percentages, id lists, suggestions, JSON numbers, safe cells.

The bottom of the house: it imports nothing from osa_opt, so any module may use it.

>>> yen(18100), yen(1325.5), money(-0.01)
('¥18,100m', '¥1,325.5m', '0')
>>> percent(0.186), percent(1.0), percent(1.0, trim=False)
('18.6%', '100%', '100.0%')
>>> id_list(["P-1", "P-2", "P-3"])
'P-1, P-2 and P-3'
>>> suggest("Southeast asia", ["Southeast Asia", "Pacific"])
'Southeast Asia'
>>> csv_safe("=HYPERLINK(\\"x\\")"), csv_safe(-3.5)
('\\'=HYPERLINK("x")', -3.5)
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from typing import Any

#: First characters that make a spreadsheet treat a cell as a formula (tab and carriage
#: return too: some spreadsheets skip them and then read a formula).
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def money(amount: float) -> str:
    """``18,100`` or ``1,325.5`` (¥ million in a column that says so); never ``-0``."""
    amount = float(amount)
    if abs(amount - round(amount)) < 0.05:
        return f"{round(amount) + 0:,}"  # round() gives an int: no "-0"
    return f"{amount:,.1f}"


def yen(amount: float) -> str:
    """Money for prose: ``¥18,100m`` (one decimal only when it is not whole)."""
    return f"¥{money(amount)}m"


def percent(share: float, digits: int = 1, *, trim: bool = True) -> str:
    """``18.6%``; whole percentages without decimals (``100%``) unless ``trim`` is False."""
    value = 100 * float(share)
    if trim and abs(value - round(value)) < 10 ** -(digits + 1):
        return f"{round(value) + 0:,.0f}%"
    text = f"{value:,.{digits}f}%"
    return text[1:] if text.startswith("-") and float(text[1:-1].replace(",", "")) == 0 else text


def id_list(ids: Iterable[Any], limit: int = 6, conjunction: str = "and") -> str:
    """``P-1``, ``P-1 and P-2``, ``P-1, P-2 and P-3``; long lists end with "and N more"."""
    ids = [str(i) for i in ids]
    if len(ids) > limit:
        ids = [*ids[:limit], f"{len(ids) - limit} more"]
    if len(ids) <= 1:
        return "".join(ids)
    return ", ".join(ids[:-1]) + f" {conjunction} " + ids[-1]


def suggest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate closest to ``word`` (case-insensitive), or None: the one "did you mean"."""
    lowered = {str(c).lower(): str(c) for c in candidates}
    close = difflib.get_close_matches(str(word).lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[close[0]] if close else None


def json_number(value: Any, digits: int = 9) -> float | None:
    """A JSON-safe float rounded to ``digits`` (None for missing, NaN or infinite)."""
    if value is None:
        return None
    value = float(value)
    return None if not math.isfinite(value) else round(value, digits) + 0.0


def is_formula_like(text: object) -> bool:
    """True when ``text`` is a string a spreadsheet could read as a formula."""
    return isinstance(text, str) and text.startswith(FORMULA_STARTS)


def csv_safe(value: Any) -> Any:
    """A cell for a CSV file: formula-like text gets a leading ``'``; the rest is unchanged."""
    return "'" + value if is_formula_like(value) else value
