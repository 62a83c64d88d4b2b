"""Typing whole columns: each registry column of a sheet read as its kind, all cells at once.

pandas settles the cells whose reading is certain (numbers it parses, text it strips, flags
spelled as words), so 100,000 rows take well under a second
(``benchmarks/bench_validate.py``); the few cells left (a percentage typed as text, a flag
typed as a number, an id list) go through :func:`osa_opt.inputs.cells.coerce`, the one
definition of what a cell may hold (docs/inputs.md). A blank cell takes the column's
default; a blank required cell, or one that cannot be read, is an issue at its row.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from osa_opt.errors import Issue
from osa_opt.inputs.cells import (
    LARGEST_WHOLE,
    Unreadable,
    blank_mask,
    coerce,
    composed,
    int_choices,
    rule_text,
    stripped_texts,
    unreadable_hint,
)
from osa_opt.inputs.schema import FALSE_WORDS, ROW, TRUE_WORDS, Column

_WORD_VALUES = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}
#: pandas infers these kinds for columns whose cells ``pd.to_numeric`` reads as we would.
_NUMERIC_KINDS = ("string", "floating", "integer", "mixed-integer-float", "empty")
#: Cells of these types only (numbers read from a file beside blank text): likewise.
_PLAIN_TYPES = {float, int, str, type(None)}


def coerce_sheet(sheet: str, raw: pd.DataFrame, columns: tuple[Column, ...],
                 issues: list[Issue]) -> pd.DataFrame:
    """Typed registry columns of ``raw`` (blank or unreadable required cells become null)."""
    rows = raw[ROW].to_numpy()
    out = {col.name: coerce_column(sheet, raw[col.name], rows, col, issues)
           for col in columns if col.name in raw.columns}
    typed = pd.DataFrame(out, index=raw.index)
    typed[ROW] = raw[ROW]
    return typed


def coerce_column(sheet: str, cells: pd.Series, rows: np.ndarray, col: Column,
                  issues: list[Issue]) -> pd.Series:
    """One column typed as ``col`` says; its problems appended to ``issues``."""
    numeric = _numeric(col)
    out = (np.full(len(cells), np.nan) if numeric
           else np.full(len(cells), None, dtype=object))
    done, blank = _settled(cells, col, out)
    values = cells.to_numpy(dtype=object)
    for i in np.flatnonzero(~blank & ~done):  # the cells pandas could not settle
        try:
            out[i] = coerce(values[i], col)
        except Unreadable:
            issues.append(Issue(sheet, int(rows[i]), col.name, values[i], rule_text(col),
                                unreadable_hint(col, values[i])))
    if blank.any():
        if col.default is not None:
            out[blank] = _default(col, int(blank.sum()))
        elif col.required:
            issues += [Issue(sheet, int(row), col.name, None, "a required cell is blank",
                             f"fill in {col.name}: {col.meaning}") for row in rows[blank]]
    return _typed(out, col, cells.index)


def _numeric(col: Column) -> bool:
    return col.kind in ("number", "integer") or (col.kind == "enum" and int_choices(col))


def _settled(cells: pd.Series, col: Column, out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fill ``out`` where pandas reads a cell for certain: (where it did, where blank)."""
    if _numeric(col):
        numbers = _numbers(cells)
        if numbers is None:
            return np.zeros(len(cells), dtype=bool), blank_mask(cells)
        done = np.isfinite(numbers)
        if col.kind != "number":  # whole numbers only: the rest is reported cell by cell
            done &= (numbers == np.floor(numbers)) & (np.abs(numbers) <= LARGEST_WHOLE)
        out[done] = numbers[done]
        blank = np.zeros(len(cells), dtype=bool)
        rest = np.flatnonzero(~done)  # only cells pandas could not read may be blank
        blank[rest] = blank_mask(cells.iloc[rest])
        return done, blank
    distinct = _texts(cells)
    if distinct is None:  # not all text: blanks found one kind at a time, cells read one by one
        blank = blank_mask(cells)
        if col.kind == "bool" and pd.api.types.infer_dtype(cells, skipna=True) == "boolean":
            out[~blank] = cells.to_numpy(dtype=object)[~blank].astype(bool)
            return ~blank, blank
        if col.kind == "bool":
            words = stripped_texts(cells).str.lower().map(_WORD_VALUES)
            done = words.notna().to_numpy() & ~blank
            out[done] = words.to_numpy(dtype=object)[done]
            return done, blank
        return np.zeros(len(cells), dtype=bool), blank
    # Every rule below reads each distinct text once, then spreads it to the rows.
    codes, texts = distinct
    blank = (texts == "")[codes]
    if col.kind == "bool":
        words = pd.Series(texts, dtype=object).str.lower().map(_WORD_VALUES).to_numpy(
            dtype=object)
        done = pd.notna(words)[codes]
        out[done] = words[codes][done]
        return done, blank
    if col.kind in ("text", "enum"):
        done = ~blank
        read = np.fromiter((t.lower() for t in texts), dtype=object, count=len(texts)) \
            if col.kind == "enum" else texts
        out[done] = read[codes][done]
        return done, blank
    if col.kind == "enums":  # several choices: "a; B" -> "a;b"
        done = ~blank
        read = np.fromiter((t.lower() if ";" not in t else coerce(t, col) for t in texts),
                           dtype=object, count=len(texts))
        out[done] = read[codes][done]
        return done, blank
    return np.zeros(len(cells), dtype=bool), blank  # id lists: split cell by cell


def _texts(cells: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """When every cell is text or null (a CSV file, a text column built in Python): each
    cell's code into its distinct texts, stripped of spaces, a null as ``""`` (the last
    one, code -1); else None."""
    if cells.dtype != object or pd.api.types.infer_dtype(cells, skipna=True) != "string":
        return None
    codes, uniques = pd.factorize(cells)  # nulls: -1
    texts = [composed(v.strip()) for v in uniques]
    return codes, np.fromiter([*texts, ""], dtype=object, count=len(texts) + 1)


def _numbers(cells: pd.Series) -> np.ndarray | None:
    """The cells as floats where pandas parses a plain number (NaN elsewhere), or None when
    the column holds kinds (flags, dates, huge whole numbers) only the cell rules decide."""
    kind = cells.dtype.kind
    if kind in "iuf":
        return cells.to_numpy(dtype=float)
    if kind != "O":
        return None
    inferred = pd.api.types.infer_dtype(cells, skipna=True)
    if inferred not in _NUMERIC_KINDS and not (  # numbers among blank text: pandas reads them
            inferred in ("mixed", "mixed-integer") and set(map(type, cells)) <= _PLAIN_TYPES):
        return None
    try:
        numbers = pd.to_numeric(cells, errors="coerce")
    except (TypeError, ValueError, OverflowError):  # e.g. an int beyond any float
        return None
    return numbers.to_numpy(dtype=float) if numbers.dtype.kind in "iuf" else None


def _default(col: Column, n: int) -> Any:
    if col.kind != "ids":
        return col.default
    empty = np.empty(n, dtype=object)
    empty.fill(())  # an id list's default: no ids
    return empty


#: How far past a column's bound a number may be and still be the bound: a formula's
#: rounding error (=(0.1+0.2)*10/3*10 is 10.000000000000002, shown as 10), not a value typed.
#: Relative to the bound (at least 1): hundreds of times a double's rounding, yet far below
#: any digit typed (10.0001 stays refused).
_BOUND_NOISE = 1e-13


def _to_bounds(values: np.ndarray, col: Column) -> np.ndarray:
    """``values`` with each number a rounding error past ``col``'s bound read as the bound
    (a score of 10.000000000000002 is 10, a cost of -2.8e-17 is 0): the cell shows the
    bound, and refused it read "must be a number in [0, 10] (value 10)"."""
    for bound, past in ((col.low, np.less), (col.high, np.greater)):
        if bound is None:
            continue
        near = np.abs(values - bound) <= _BOUND_NOISE * max(1.0, abs(bound))
        values = np.where(near & past(values, bound), bound, values)
    return values


def _typed(out: np.ndarray, col: Column, index: pd.Index) -> pd.Series:
    if col.kind == "number":
        # + 0.0: a cell of -0 reads 0 whichever way it was read (pandas' parser gives 0.0
        # for an object cell -0.0, the cell rule -0.0), and never shows as "-0" downstream
        return pd.Series(_to_bounds(out, col), index=index, dtype="float64") + 0.0
    if col.kind == "bool":
        return pd.Series(pd.array(out, dtype="boolean"), index=index)
    if _numeric(col):
        return pd.Series(pd.array(out, dtype="Float64").astype("Int64"), index=index)
    return pd.Series(out, index=index, dtype=object)
