"""The per-cell (per-row) rules the vectorized input path must equal: the oracle of
tests/test_vectorized_inputs.py, as tests/bruteforce.py is the solver's.

Each function here is the plain one-row-at-a-time reading the package used before issue 14
vectorized it, kept verbatim (only renamed), so a test can hold the fast path to it on
awkward tables.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from osa_opt.errors import Issue
from osa_opt.inputs import headers, numbers
from osa_opt.inputs.eligibility import (
    ABOVE_RISK_LIMIT,
    BELOW_DEMOCRACY,
    BELOW_HUMAN_RIGHTS,
    BELOW_RULE_OF_LAW,
    DISPUTE_LINKED,
    EQUIPMENT_NOT_ALLOWED,
    FIELD_NOT_ALLOWED,
    NO_MANAGEMENT_AGREEMENT,
    NOT_ODA_ELIGIBLE,
    NOT_UN_CHARTER,
    PARTY_TO_CONFLICT,
    STATUS_EXCLUDED,
    WAIVABLE,
    code_of,
)
from osa_opt.inputs.policy import Policy
from osa_opt.inputs.policy_keys import NOT_DEFENCE_EQUIPMENT
from osa_opt.inputs.schema import ROW

_GOVERNANCE = (
    ("democracy", "min_democracy", BELOW_DEMOCRACY),
    ("rule_of_law", "min_rule_of_law", BELOW_RULE_OF_LAW),
    ("human_rights", "min_human_rights", BELOW_HUMAN_RIGHTS),
)


# ---------------------------------------------------------------------- eligibility
def _country_checks_per_row(countries: pd.DataFrame, policy: Policy) -> dict[str, list[str]]:
    """Per country, every country-level rule it fails (before any override)."""
    rules = policy.eligibility
    out: dict[str, list[str]] = {}
    # plain records, not iterrows: a Series per row costs ~50 µs, 0.6 s for 12,500 partners
    for country, c in zip(countries.index, countries.to_dict("records"), strict=True):
        reasons: list[str] = []
        if rules.require_oda_eligible and not c["oda_eligible"]:
            reasons.append(f"{NOT_ODA_ELIGIBLE}: {country} is not on the OECD DAC list, "
                           "and recipients are \"in principle\" developing countries")
        if rules.exclude_parties_to_conflict and c["party_to_conflict"]:
            reasons.append(f"{PARTY_TO_CONFLICT}: {country} is one under the Three Principles, "
                           "as the UN Security Council is taking measures against it to "
                           "maintain or restore peace after an armed attack")
        if rules.require_management_agreement and not c["management_agreement"]:
            reasons.append(f"{NO_MANAGEMENT_AGREEMENT}: {country} has no "
                           "appropriate-management / prior-consent terms, as its "
                           "management_agreement cell says")
        for column, key, code in _GOVERNANCE:
            threshold = getattr(rules, key)
            if float(c[column]) < threshold:
                reasons.append(f"{code}: {country} scores {float(c[column]):g}, "
                               f"{key} is {threshold:g}")
        out[str(country)] = reasons
    return out


def _override_per_row(row: dict[str, Any]) -> str | None:
    """The written reason of an override in this row, or None when there is none."""
    if not row.get("override"):
        return None
    return str(row.get("override_reason") or "").strip() or "no reason given"


def country_reasons_per_row(countries: pd.DataFrame, policy: Policy) -> pd.Series:
    """Per country (the index of ``countries``), the reasons none of its projects can be
    funded under ``policy`` (a reason the country's override waives is not one)."""
    checks = _country_checks_per_row(countries, policy)
    overridden = {str(c): _override_per_row(r) for c, r in zip(
        countries.index, countries.to_dict("records"), strict=True)}
    out = {c: [r for r in rs if not (overridden[c] and code_of(r) in WAIVABLE)]
           for c, rs in checks.items()}
    return pd.Series(out, dtype=object, name="country_reasons")


def _given_per_row(flag: Any) -> bool:
    """A flag typed in the cell (a blank ``prior_consent`` is None: the country decides)."""
    return flag is not None and flag == flag


def _project_checks_per_row(p: dict[str, Any], country: dict[str, Any], policy: Policy) -> list[str]:
    """The project-level gates and limits one project fails (in a fixed order)."""
    rules = policy.eligibility
    reasons: list[str] = []
    if rules.require_management_agreement and _given_per_row(p.get("prior_consent")) \
            and not p["prior_consent"]:
        reasons.append(f"{NO_MANAGEMENT_AGREEMENT}: the project's agreement does not carry the "
                       "prior-consent clauses, as its prior_consent cell says")
    if rules.require_un_charter and p.get("un_charter") is False:
        reasons.append(f"{NOT_UN_CHARTER}: the project's use is not consistent with the UN "
                       "Charter, as its un_charter cell says")
    if rules.exclude_dispute_linked and p.get("dispute_linked"):
        reasons.append(f"{DISPUTE_LINKED}: the project is directly linked to an international "
                       "dispute, as its dispute_linked cell says")
    category = str(p.get("equipment_category") or "")
    if category and category != NOT_DEFENCE_EQUIPMENT and category not in rules.equipment_categories:
        reasons.append(f"{EQUIPMENT_NOT_ALLOWED}: the project's equipment_category {category} "
                       "is not in eligibility.equipment_categories")
    risk = float(p.get("risk") or 0.0)
    if risk > rules.max_risk and not str(p.get("mitigation") or "").strip():
        reasons.append(f"{ABOVE_RISK_LIMIT}: risk {risk:g} is above eligibility.max_risk "
                       f"{rules.max_risk:g} and its mitigation cell is blank")
    return reasons


def assess_per_row(projects: pd.DataFrame, countries: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Per project (the index of ``projects``): ``eligible``, ``reasons`` (every failed rule
    not waived, in a fixed order) and ``overrides`` (every waived rule, with the override's
    written reason). ``projects`` needs ``field``, ``country`` and ``status``; the optional
    columns (``status_reason``, ``risk``, ``mitigation``, ``prior_consent``, ``un_charter``,
    ``dispute_linked``, ``equipment_category``, ``override``, ``override_reason``) take their
    defaults when absent; ``countries`` needs the country columns."""
    allowed = set(policy.eligibility.fields)
    by_country = _country_checks_per_row(countries, policy)
    country_rows = {str(c): r for c, r in zip(countries.index, countries.to_dict("records"),
                                              strict=True)}
    # plain records, not iterrows: 100,000 projects take well under a second
    rows = []
    for pid, p in zip(projects.index, projects.to_dict("records"), strict=True):
        country = country_rows.get(p["country"], {})
        found: list[str] = []
        bad_fields = [f for f in str(p["field"]).split(";") if f and f not in allowed]
        if bad_fields:
            found.append(f"{FIELD_NOT_ALLOWED}: {', '.join(bad_fields)} "
                         f"{'is' if len(bad_fields) == 1 else 'are'} not in eligibility.fields")
        from_country = by_country.get(p["country"], [])
        if _given_per_row(p.get("prior_consent")):  # the project's own clauses replace the country's
            from_country = [r for r in from_country if code_of(r) != NO_MANAGEMENT_AGREEMENT]
        found += from_country
        found += _project_checks_per_row(p, country, policy)
        own, theirs = _override_per_row(p), _override_per_row(country)
        reasons, overrides = [], []
        for r in found:
            code = code_of(r)
            # a country's override covers its own rules, not one project's risk
            waiver = (own or (theirs if code != ABOVE_RISK_LIMIT else None)
                      if code in WAIVABLE else None)
            if waiver:
                overrides.append(f"{r} — overridden: {waiver}")
            else:
                reasons.append(r)
        if p["status"] == "excluded":
            why = str(p.get("status_reason") or "").strip()
            reasons.append(f"{STATUS_EXCLUDED}: {why}" if why else f"{STATUS_EXCLUDED}: "
                           "marked excluded in the projects sheet")
        rows.append((pid, not reasons, reasons, overrides))
    frame = pd.DataFrame(rows, columns=["project_id", "eligible", "reasons", "overrides"])
    return frame.set_index("project_id")


# ---------------------------------------------------------------------- numbers
def read_numbers_per_cell(tables: dict[str, pd.DataFrame], issues: list[Issue],
                 declared: str | None = None, delimiter: str | None = None) -> numbers.Settled:
    """Replace the text cells of number columns by their numbers, where the meaning is sure.

    A cell that is no number is left as it is (validation reports it); one that could mean
    two things and is not settled becomes an issue naming both readings. Plain numbers
    (``750``, ``0.35``) are read column by column at once; only cells with separators are
    looked at one by one.
    """
    pending: list[tuple[str, str, pd.Series, dict[Any, dict[str, float]]]] = []
    evidence: dict[str, tuple[str, int, str, str]] = {}
    for sheet, frame in tables.items():
        if ROW not in frame.columns:
            continue
        for column in frame.columns:
            if column == ROW or not numbers.number_column(str(column)) or frame[column].dtype != object:
                continue
            cells = frame[column]
            text = cells[cells.map(type).eq(str)]
            if text.empty:
                continue
            number = pd.to_numeric(text, errors="coerce")
            plain = number.notna() & np.isfinite(number.astype(float))
            dotted = pd.Series(["." in t for t in text], index=text.index)
            pointed = plain & dotted
            if pointed.any():  # 1.100 is plain to Python, not to a German spreadsheet
                ambiguous = numbers._AMBIGUOUS_POINT.fullmatch
                pointed[pointed] = [not ambiguous(t.strip()) for t in text[pointed]]
                plain &= pointed | ~dotted
            new = cells.copy()
            new[plain[plain].index] = number[plain].astype(float).astype(object)
            if pointed.any():
                at = pointed[pointed].index[0]
                evidence.setdefault(numbers.POINT, (sheet, int(frame.at[at, ROW]), str(column),
                                            str(cells[at])))
            rest = text[~plain]
            rest = rest[rest.str.strip() != ""]
            found: dict[Any, dict[str, float]] = {}
            for index, value in rest.items():
                found[index] = f = numbers.readings(value)
                if len(f) == 1 and ("." in value or "," in value):
                    evidence.setdefault(next(iter(f)), (sheet, int(frame.at[index, ROW]),
                                                        str(column), str(cells[index])))
            frame[column] = new
            pending.append((sheet, str(column), new, found))
    settled = numbers._decide(evidence, declared, delimiter)
    for sheet, column, new, found in pending:
        for index, f in found.items():
            meanings = set(f.values())
            if len(meanings) == 1:
                new[index] = next(iter(meanings))
            elif settled.convention is not None and f:
                new[index] = f[settled.convention]
            elif f:
                row = int(tables[sheet].at[index, ROW])
                issues.append(numbers.ambiguous_issue(sheet, row, column, str(new[index]), f, settled))
        tables[sheet][column] = new
    return settled


# ---------------------------------------------------------------------- reading
def _label_row_per_cell(sheet: str, header_row: int, names: list[str],
                        records: list[dict[str, Any]]) -> list[Issue]:
    """The first record is a second header row when each number column holds words."""
    from osa_opt.inputs.numbers import number_column, readings

    columns = [name for name in names if number_column(name)]
    if len(columns) < 2 or not records:
        return []
    words = []
    for name in columns:
        cell = records[0][name]
        if not isinstance(cell, str) or not cell.strip() or readings(cell):
            return []
        words.append(f"{cell.strip()!r} under {name}")
    shown = ", ".join(words[:3]) + (", ..." if len(words) > 3 else "")
    what = "project" if sheet == "projects" else "country"
    row = records[0][ROW]
    return [Issue(sheet, row, None, records[0][columns[0]],
                  f"row {row} looks like a second header row, not a {what}: every number "
                  f"column holds words ({shown})",
                  f"delete the row; the headers of row {header_row} are the ones read (a "
                  "column's meaning can go in a comment on its header cell)")]


def table_per_row(sheet: str, rows: headers.Rows, issues: list[Issue], warnings: list[Issue],
          label: Callable[[int], str]) -> pd.DataFrame:
    """A raw table from ``(Excel row, cells)`` pairs; ``label(i)`` names column ``i``."""
    rows = [(n, cells if isinstance(cells, list) else list(cells)) for n, cells in rows]
    if not rows:
        return pd.DataFrame({ROW: pd.Series(dtype=int)})
    at = headers.find_header(sheet, rows)
    header_row = rows[at][0]
    moved = headers.data_above_header_issue(sheet, rows, at)  # a rule of the header row
    if moved is not None:
        issues.append(moved)
        return pd.DataFrame({ROW: pd.Series(dtype=int)})
    if at:
        above = [str(c).strip() for _, cells in rows[:at] for c in cells if not headers.is_blank(c)]
        shown = "; ".join(repr(t[:40]) for t in above[:3]) + ("; ..." if len(above) > 3 else "")
        warnings.append(Issue(sheet, header_row, None, None,
                              f"the header is on row {header_row}, not row 1"
                              + (f"; the rows above it are ignored ({shown})" if above else ""),
                              "nothing to do if that is right; otherwise put the column "
                              "headers in row 1"))
    header = ["" if h is None else str(h).strip() for h in rows[at][1]]
    body = rows[at + 1:]
    width = max([len(header), *(len(r) for _, r in body)])
    header += [""] * (width - len(header))
    records: list[dict[str, Any]] = []
    headerless: dict[int, list[int]] = {}
    # Worked out once, not per cell: a repeated name keeps its first column (as
    # setdefault would), and only the columns without a name are looked at for text.
    first: dict[str, int] = {}
    for i, name in enumerate(header):
        if name and name != ROW:
            first.setdefault(name, i)
    kept = list(first.items())
    unnamed = [i for i, name in enumerate(header) if not name]
    padding = [""] * width
    for number, cells in body:
        if all(headers.is_blank(c) for c in cells):  # before padding: there may be a million of them
            continue
        if len(cells) < width:
            cells = [*cells, *padding[len(cells):]]
        record: dict[str, Any] = {ROW: number}
        for name, i in kept:
            cell = cells[i]
            record[name] = "" if cell is None else cell
        for i in unnamed:
            if not headers.is_blank(cells[i]):
                headerless.setdefault(i, []).append(number)
        records.append(record)
    if not any(header) and records:
        issues.append(Issue(sheet, header_row, None, None,
                            f"the header row (row {header_row}) is empty",
                            f"put the column headers in row {header_row}; the first row with "
                            f"data is row {records[0][ROW]}"))
        headerless = {}
    issues += headers._header_issues(sheet, header_row, header, headerless, label)
    issues += _label_row_per_cell(sheet, header_row, [name for name, _ in kept], records)
    if ROW in header:  # osa-opt's own name (raw_projects() saved to a file): not read
        warnings.append(headers._own_row_column(sheet, header_row, header.index(ROW), label))
    names = list(dict.fromkeys(h for h in header if h and h != ROW))
    frame = pd.DataFrame.from_records(records, columns=[*names, ROW])
    frame = frame.astype({name: object for name in names})
    frame[ROW] = frame[ROW].astype(int)
    return frame


def records_per_line(text: str, delimiter: str, first_line: int) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out: list[tuple[int, list[str]]] = []
    line = first_line
    for record in reader:
        out.append((line, record))
        line = first_line + reader.line_num
    return out


# ---------------------------------------------------------------------- coercion
def coerce_column_per_cell(sheet: str, cells: pd.Series, rows: np.ndarray, col: Any,
                           issues: list[Issue]) -> pd.Series:
    """Each cell read by :func:`osa_opt.inputs.cells.coerce` alone (docs/inputs.md): a
    blank takes the default (or is an issue when required), an unreadable cell is an issue;
    unreadable cells are listed first, then blank required ones, each in row order."""
    from osa_opt.inputs import cells as rules
    from osa_opt.inputs import coercion

    numeric = col.kind in ("number", "integer") or (col.kind == "enum"
                                                    and rules.int_choices(col))
    out = np.full(len(cells), np.nan) if numeric else np.full(len(cells), None, dtype=object)
    blank = np.array([rules.is_blank(v) for v in cells], dtype=bool)
    values = cells.to_numpy(dtype=object)
    for i in np.flatnonzero(~blank):
        try:
            out[i] = rules.coerce(values[i], col)
        except rules.Unreadable:
            issues.append(Issue(sheet, int(rows[i]), col.name, values[i], rules.rule_text(col),
                                rules.unreadable_hint(col, values[i])))
    if blank.any():
        if col.default is not None:
            out[blank] = coercion._default(col, int(blank.sum()))
        elif col.required:
            issues += [Issue(sheet, int(row), col.name, None, "a required cell is blank",
                             f"fill in {col.name}: {col.meaning}") for row in rows[blank]]
    return coercion._typed(out, col, cells.index)


# ---------------------------------------------------------------------- keys
def key_per_cell(text: str) -> str:
    """What two spellings of one name share: width folded (NFKC), case folded, a letter
    that looks Latin (Cyrillic, Greek) as the Latin one, a dash that looks like the hyphen
    as the hyphen, a curly quotation mark as the straight one, no spaces; a whole number without its leading zeros or its point and
    zeros (``01``, ``1.0`` and ``1`` alike; ``1.10`` and ``1.`` as they are)."""
    from osa_opt.inputs.keys import DASHES, LOOKALIKES, QUOTES

    if text.isascii():  # NFKC leaves ASCII alone, and casefold is lower: the common case
        return _whole_number("".join(text.lower().split()))
    latin = {other.casefold(): letter.casefold() for other, letter in LOOKALIKES.items()}
    latin.update(DASHES)
    latin.update(QUOTES)
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _whole_number("".join("".join(latin.get(char, char) for char in folded).split()))


def _whole_number(folded: str) -> str:
    """``01`` and ``1.0`` as ``1``, ``00`` as ``0``; anything else as it is."""
    number, point, decimals = folded.partition(".")
    if not number.isdecimal() or (point and not decimals) or decimals.strip("0"):
        return folded
    return number.lstrip("0") or "0"


def spellings_per_cell(values: pd.Series, rows: pd.Series) -> list[dict[str, list[int]]]:
    """The spellings of each name written more than one way, each with its rows (in order).

    Keys are computed once per distinct value and rows gathered only for the names that
    clash, so 100,000 project ids take a fraction of a second.
    """
    distinct = [v for v in pd.unique(values.dropna())
                if isinstance(v, str) and not headers.is_blank(v)]
    by_key: dict[str, list[str]] = {}
    for value in distinct:  # in order of first appearance
        by_key.setdefault(key_per_cell(value), []).append(value)
    clashing = [names for names in by_key.values() if len(names) > 1]
    if not clashing:
        return []
    wanted = values.isin([name for names in clashing for name in names]).to_numpy()
    at: dict[str, list[int]] = {}
    for value, row in zip(values[wanted], rows[wanted], strict=True):
        at.setdefault(value, []).append(int(row))
    return [{name: at[name] for name in names} for names in clashing]
