"""From plain data (TOML tables, dicts, command-line text) to typed policy values.

Each key's type comes from its annotation (resolved with ``typing.get_type_hints``): a
wrong type is an issue naming the key and the expected type, never an exception.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
import numbers
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from osa_opt.errors import Issue
from osa_opt.inputs.cells import fraction_hint, million_hint, percent, yen_million
from osa_opt.inputs.policy_keys import container, key_types
from osa_opt.inputs.toml_hints import trailing_comma, without_separators
from osa_opt.text import half_width, suggest


def unknown_key(where: str, key: str, known: list[str],
                homes: Mapping[str, type] | None = None) -> Issue:
    """An unknown key: a key of another section (``max_country_share`` under
    ``[balance]``) is told its section, before any close spelling of this one's."""
    leaf = key.split(".")[-1]
    here = key.rsplit(".", 1)[0] if "." in key else None
    found = [f"[{name}]" for name, cls in (homes or {}).items()
             if name != here and leaf in {f.name for f in dataclasses.fields(cls)}]
    close = suggest(leaf, [str(k) for k in known])
    if found:
        home = " or ".join(found)
        hint = (f"{leaf} is a key of {home}, not of [{here}]: move it under {home}"
                if here else f"{leaf} is a key of {home}: move it under {home}")
    else:
        hint = f"did you mean {close!r}?" if close else f"known keys: {', '.join(map(str, known))}"
    return Issue(where, None, key, None, "unknown key", hint + " (see models/default.toml)")


def type_issue(where: str, key: str, value: Any, expected: str) -> Issue:
    folded = half_width(value) if isinstance(value, str) and "number" in expected else None
    ascii_number = _plain_number(folded) if folded is not None and folded != value else None
    if ascii_number:  # --set eligibility.max_risk=０．５
        return Issue(where, None, key, value, f"a number in full-width (zenkaku) characters "
                     f"(read as text), expected {expected}",
                     f"write it with ASCII (hankaku) digits: {ascii_number}")
    plain = without_separators(value) if isinstance(value, str) and "number" in expected \
        else None
    if plain is not None:  # --set priority.min_countries=1,000 is read as the text "1,000"
        return Issue(where, None, key, value,
                     f"a number with a thousands separator (read as text), expected {expected}",
                     f"write the number without separators: {plain}")
    if isinstance(value, str) and "number" in expected and _plain_number(value) is not None \
            and math.isfinite(float(value)):
        return Issue(where, None, key, value,  # FY2026 = "18100": quotes make it text
                     f"a number in quotes (read as text), expected {expected}",
                     f"write the number without quotes: {value.strip()}")
    if isinstance(value, str) and expected == "true or false" and \
            value.strip().lower() in ("true", "false"):  # "true", or True (not TOML)
        return Issue(where, None, key, value,
                     f"{value.strip()!r} is text, not a flag, expected {expected}",
                     f"write {value.strip().lower()}, in lower case and without quotes")
    amount = yen_million(value) if key.startswith("budget.") else None
    if amount is not None:  # FY2026 = "¥18.1bn": the number to write, in ¥ million
        return Issue(where, None, key, value, f"an amount with its unit (read as text), "
                     f"expected {expected}", million_hint("budgets", value.strip(), amount, "write"))
    share = percent(value) if "number" in expected else None
    if share is not None:  # max_country_share = "30%"
        return Issue(where, None, key, value, f"a percentage (read as text), expected {expected}",
                     fraction_hint(share, value.strip(), "write"))
    comma = trailing_comma(value) if isinstance(value, str) else None
    if comma is not None:  # --set 'objective.weights={security=1,}' is read as text
        slip, fix = comma
        return Issue(where, None, key, value, f"{slip} (read as text), expected {expected}", fix)
    if isinstance(value, _dt.date | _dt.time):  # FY2026 = 2026-04-01: TOML reads a date
        shown = value.isoformat()
        quoted = f' in quotes, "{shown}"' if "text" in expected else ""
        return Issue(where, None, key, shown, f"a date or time (TOML reads {shown} without "
                     f"quotes as one), expected {expected}", f"write {key} as {expected}{quoted}")
    return Issue(where, None, key, value, f"wrong type {type(value).__name__}, expected {expected}",
                 f"write {key} as {expected}")


def _plain_number(text: str) -> str | None:
    """``text`` as a plain number to write (``18100`` of ``18,100``), or None."""
    plain = without_separators(text) or text.strip()
    try:
        float(plain)
    except ValueError:
        return None
    return plain


def build_section(where: str, name: str, cls: type, values: Mapping[str, Any],
                  issues: list[Issue], homes: Mapping[str, type] | None = None) -> Any:
    """An instance of the section dataclass ``cls`` from its table ``values``."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = key_types(cls)
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        dotted = f"{name}.{key}"
        if key not in fields:
            issues.append(unknown_key(where, dotted, list(fields), homes))
            continue
        converted = convert(where, dotted, value, hints[key], issues,
                            fields[key].metadata.get("expected", ""))
        if converted is not None:
            kwargs[key] = converted
    return cls(**kwargs)


def convert(where: str, key: str, value: Any, hint: Any, issues: list[Issue],
            expected: str = "") -> Any:
    """``value`` as the annotated type ``hint``; None (and an issue) when it is not one."""
    kind, args = container(hint)
    if kind == "table":
        return convert_table(where, key, value, args, issues, expected)
    if kind == "list":
        if not isinstance(value, list):
            issues.append(_not_a_list(where, key, value, args[0]))
            return None
        found: list[Issue] = []
        items = [convert_scalar(where, key, v, args[0], found) for v in value]
        issues += [_list_item(issue, args[0]) for issue in found]
        return [v for v in items if v is not None]
    return convert_scalar(where, key, value, args[0], issues)


#: An example list of each item type, for a hint.
_LIST_EXAMPLES = {int: "[1, 2]", str: '["a", "b"]', float: "[0.5, 1.0]"}


def _toml_item(value: Any) -> str:
    """A scalar as TOML writes it (text in double quotes)."""
    if isinstance(value, bool):
        return str(value).lower()
    return f'"{value}"' if isinstance(value, str) else str(value)


def _not_a_list(where: str, key: str, value: Any, item: type) -> Issue:
    """A list key given one value (``fields = "medical"``): the fix wraps it in brackets
    when the value is an item of the right type, else gives a list of that type."""
    example = _LIST_EXAMPLES.get(item, "[1, 2]")
    issue = type_issue(where, key, value, f"a list, e.g. {example}")
    if convert_scalar(where, key, value, item, []) is not None:
        return replace(issue, hint=f"write it in square brackets, as a list of one: "
                                   f"{key.rsplit('.', 1)[-1]} = [{_toml_item(value)}]")
    return issue


def _list_item(issue: Issue, item: type) -> Issue:
    """An item of a list of the wrong type (``fund_every_tier = ["1"]``): said of an item,
    and the fix the item as it is meant (``[1]``, without quotes)."""
    what = {int: "whole numbers", float: "numbers", str: "text", bool: "true or false"}
    rule = issue.rule.replace("expected ", "expected each item to be ", 1) \
        if issue.rule.startswith(("wrong type", "a number in quotes")) else issue.rule
    hint = f"write {issue.column} as a list of {what.get(item, 'values')}, e.g. " \
        f"{_LIST_EXAMPLES.get(item, '[1, 2]')}"
    if isinstance(issue.value, str) and item in (int, float):
        try:
            number = int(issue.value) if item is int else float(issue.value)
        except ValueError:
            pass
        else:
            hint = f"write the item without quotes: {number}, not {issue.value!r}"
    return replace(issue, rule=rule, hint=hint)


def convert_table(where: str, key: str, value: Any, types: tuple[Any, ...],
                  issues: list[Issue], expected: str = "") -> dict[Any, Any]:
    """A table ``{key: value}`` with keys and values of the annotated types."""
    ktype, vtype = types
    if not isinstance(value, Mapping):
        if key == "budget" and _real(value):  # one amount: which year's?
            shown = int(value) if float(value).is_integer() else float(value)
            issues.append(Issue(where, None, key, value,
                                "one amount for the budget, expected a table of fiscal year "
                                "-> ¥ million",
                                f"name its fiscal year: budget.FY2026 = {shown} in a policy "
                                f"file, overrides={{'budget.FY2026': {shown}}} in Python, "
                                f"--budget FY2026={shown} on the command line (FY2026 or "
                                "the year the projects sheet's cost column names)"))
            return {}
        issues.append(type_issue(where, key, value, "a table, e.g. { a = 1 }"))
        return {}
    out: dict[Any, Any] = {}
    vkind, vargs = container(vtype)
    for k, v in value.items():
        if ktype is int:
            try:
                kk: Any = int(k)
            except (TypeError, ValueError):
                issues.append(type_issue(where, f"{key}.{k}", k, "a tier number 1, 2 or 3"))
                continue
        else:
            kk = str(k)
        if vkind == "list":  # a list of numbers per key: a [low, high] range, say
            pair = not expected or (isinstance(v, list) and len(v) == 2)
            if (not isinstance(v, list) or not pair
                    or not all(_real(x) and finite(x) is not None for x in v)):
                issues.append(type_issue(where, f"{key}.{k}", v, expected or "a list of numbers"))
                continue
            out[kk] = [float(x) for x in v]
        elif isinstance(v, Mapping) and vargs[0] is not dict and _dotted_number(k, v):
            (sub, inner), = v.items()
            issues.append(Issue(where, None, f"{key}.{k}", f"{k}.{sub} = {inner}",
                                f"a key with a decimal point: TOML reads {k}.{sub} as the key "
                                f"{k} holding a table of the key {sub}, expected a number",
                                f"write the key without its decimals: {k} = {inner}"
                                if not str(sub).strip("0") else
                                f"write the key as a whole number ({k}.{sub} is none)"))
        else:
            converted = convert_scalar(where, f"{key}.{k}", v, vargs[0], issues)
            if converted is not None:
                out[kk] = converted
    return out


def convert_scalar(where: str, key: str, value: Any, typ: type, issues: list[Issue]) -> Any:
    if typ is bool:
        if isinstance(value, bool):
            return value
        issues.append(type_issue(where, key, value, "true or false"))
    elif typ is int:
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        issues.append(type_issue(where, key, value, "a whole number"))
    elif typ is float:
        if _real(value):
            number = finite(value)
            if number is not None:
                return number
            issues.append(Issue(where, None, key, value, "must be a finite number",
                                f"write {key} as a plain number (not nan or inf)"))
            return None
        issues.append(type_issue(where, key, value, "a number"))
    elif typ is str:
        if isinstance(value, str):
            return value
        issues.append(type_issue(where, key, value, "text"))
    return None


def _dotted_number(key: Any, value: Mapping[Any, Any]) -> bool:
    """Whether ``{key: value}`` is what TOML makes of a key written as a decimal number
    (``1.0 = 1.3`` is the key ``1`` holding ``{"0": 1.3}``)."""
    return str(key).isdigit() and len(value) == 1 and str(next(iter(value))).isdigit() \
        and not isinstance(next(iter(value.values())), Mapping)


def _real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def finite(value: numbers.Real) -> float | None:
    """``value`` as a float, or None when it is NaN, infinite or beyond any float."""
    try:
        number = float(value)
    except OverflowError:  # an int such as 10**400
        return None
    return number if math.isfinite(number) else None


def parse_cli_value(text: str) -> Any:
    """A value typed on the command line, read as TOML (``[1, 2]``, ``false``), else text."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text
