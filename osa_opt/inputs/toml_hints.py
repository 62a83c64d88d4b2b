"""A TOML syntax error explained: the line, its likely cause, and the fix for common slips.

``tomllib`` says "Expected newline or end of document after a statement (at line 2,
column 12)"; an analyst typed ``FY2026 = 18,100``. The line is looked at again and the
usual causes are named: a thousands separator, a percent sign, a decimal comma, full-width
digits, a currency sign, text without quotes, a table header without its ``]``, a comma
after the last entry of an inline table (``{ a = 1, }``: TOML 1.0 takes none).

>>> explain("[budget]\\nFY2026 = 18,100\\n", 2)
("line 2 'FY2026 = 18,100': a number with a thousands separator", 'write FY2026 = 18100 (no separators; amounts are in ¥ million)')
"""

from __future__ import annotations

import re
import unicodedata

from osa_opt.text import number

_LINE = re.compile(r"\(at line (\d+), column \d+\)")


def line_of(message: str) -> int | None:
    """The line number of a ``tomllib`` error message, if it names one."""
    found = _LINE.search(message)
    return int(found.group(1)) if found else None


def explain(text: str, line: int | None, message: str = "") -> tuple[str, str] | None:
    """(what is wrong on the line, the fix) for a common slip, or None.

    >>> explain("[budget]\\nFY2026 = 18100\\nFY2026 = 1810\\n", 3,
    ...         "Cannot overwrite a value (at line 3, column 14)")
    ("line 3 'FY2026 = 1810': the key FY2026 a second time (first on line 2)", 'keep one FY2026 = ... in [budget]: delete or fix the other line (TOML takes no key twice)')
    """
    lines = text.splitlines()
    if line is None or not 1 <= line <= len(lines):
        return None
    raw = lines[line - 1]
    where = f"line {line} {raw.strip()[:60]!r}"
    stripped = raw.split("#", 1)[0].strip()
    duplicate = re.search(r"Duplicate inline table key '([^']*)'", message)
    if duplicate is not None:  # weights = { security = 0.4, security = 0.5 }
        key = duplicate.group(1)
        return (f"{where}: the key {key} twice in one inline table {{ ... }}",
                f"keep one {key} = ... between the braces: delete or fix the other (TOML "
                "takes no key twice)")
    if "twice" in message or "overwrite" in message:
        return _twice(lines, line, where, stripped)
    named = _non_ascii_name(stripped)
    if named is not None:
        return f"{where}: {named}", ("the policy's tables and keys are named in English, as "
                                     "in models/default.toml ([budget], [eligibility], "
                                     "[objective], [priority], ...): write the name so")
    if stripped.startswith("[") and not stripped.rstrip().endswith("]"):
        return f"{where}: a table header without its closing ']'", \
            f"write {stripped.rstrip()}] on its own line"
    key, eq, value = stripped.partition("=")
    if not eq:
        return None
    comma = trailing_comma(value, stripped)
    if comma is not None:
        return f"{where}: {comma[0]}", comma[1]
    key, value = key.strip(), value.strip()
    folded = unicodedata.normalize("NFKC", value)
    if folded != value and _number(folded.replace(",", "")) is not None:
        return f"{where}: full-width (zenkaku) characters in a number", \
            f"type it with ASCII (hankaku) digits: {key} = {folded.replace(',', '')}"
    if value.lower() in ("true", "false", "yes", "no"):
        flag = "true" if value.lower() in ("true", "yes") else "false"
        return f"{where}: a flag in capitals or as yes/no", f"write {key} = {flag} (lower-case)"
    if value.endswith("%") and _number(value[:-1]) is not None:
        share = _number(value[:-1]) / 100  # type: ignore[operator]
        return f"{where}: a percent sign", f"write the share as a fraction: {key} = {number(share, grouped=False)}"
    if value[:1] in "¥$€£" or value[:1] == "\uffe5" or value.endswith(("円", "yen")):
        digits = re.sub(r"[^0-9.]", "", value)
        return f"{where}: a currency sign or unit", \
            f"write the plain amount in ¥ million: {key} = {digits or '18100'}"
    plain = without_separators(value)
    if plain is not None:
        return f"{where}: a number with a thousands separator", \
            f"write {key} = {plain} (no separators; amounts are in ¥ million)"
    if re.fullmatch(r"[+-]?\d+,\d+", value):
        return f"{where}: a decimal comma", f"write {key} = {value.replace(',', '.')}"
    if value and value[0] not in "\"'[{" and _number(value) is None \
            and value not in ("true", "false") and not re.match(r"\d{4}-\d\d-\d\d", value):
        return f"{where}: text without quotes", f"put the text in double quotes: " \
            f"{key} = \"{value}\""
    return None


#: A YAML mapping's line (``budget:``, ``name: round``): a key, a colon, then a space or
#: nothing; TOML writes ``key = value``.
_YAML_KEY = re.compile(r"[A-Za-z_][\w-]*:(\s.*)?")


def other_format(text: str) -> tuple[str, str] | None:
    """(what the file is, the fix) when a policy file is JSON or YAML rather than TOML,
    else None: every line of it would be a syntax error, so no one line is the cause.

    >>> other_format('{"budget": {"FY2026": 18100}}')[0]
    'the file is JSON, not TOML'
    >>> other_format("name: round\\nbudget:\\n  FY2026: 18100\\n")[0]
    'the file is YAML, not TOML'
    >>> other_format("[budget]\\nFY2026 = 18,100\\n") is None
    True
    """
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.strip().startswith("#")]
    example = ("name = \"FY2026 round\", then [budget] and FY2026 = 18100 on lines of their "
               "own; see models/default.toml")
    if (lines and lines[0][:1] == "{") or lines[:1] == ["["]:
        return "the file is JSON, not TOML", f"write the policy in TOML: {example}"
    if lines and all(_YAML_KEY.fullmatch(line) or line.startswith("- ") or "=" not in line
                     and not line.startswith("[") for line in lines) \
            and _YAML_KEY.fullmatch(lines[0]):
        return "the file is YAML, not TOML", \
            f"write the policy in TOML, each key: value as key = value: {example}"
    return None


def _non_ascii_name(line: str) -> str | None:
    """What is wrong with a table or key name in other letters than ASCII (``[予算]``,
    ``重み = 1``), which TOML takes only in quotes; None for any other line.

    >>> _non_ascii_name("[予算]"), _non_ascii_name("name = 令和"), _non_ascii_name('"重み" = 1')
    ("a table name in letters other than ASCII ('予算')", None, None)
    """
    table = line.startswith("[")
    name = line.strip("[]").strip() if table else line.partition("=")[0].strip()
    if not name or name.isascii() or name[0] in "\"'":
        return None
    return f"a {'table' if table else 'key'} name in letters other than ASCII ({name!r})"


def trailing_comma(value: str, shown: str | None = None) -> tuple[str, str] | None:
    """(the slip, its fix) when the TOML ``value`` has a comma after the last entry of an
    inline table (``{ a = 1, }``), else None; the fix shows ``shown`` (``value`` by
    default, or the whole line) without that comma. TOML 1.0 (Python's tomllib) takes none
    (TOML 1.1 would); a policy file's line and a ``--set`` value share it.

    >>> trailing_comma("{ security = 1, }")[1]
    "delete the comma before '}': { security = 1 } (TOML 1.0 takes no trailing comma in an inline table)"
    >>> trailing_comma("[1, 2,]") is None
    True
    """
    if not re.search(r",\s*\}", value):
        return None
    fixed = re.sub(r",(\s*)\}", r"\1}", value if shown is None else shown)
    return ("a comma after the last entry of an inline table",
            f"delete the comma before '}}': {fixed} (TOML 1.0 takes no trailing comma in an "
            "inline table)")


def without_separators(text: str) -> str | None:
    """The number ``text`` writes with thousands separators (commas or spaces), without
    them; None when it is no such number. The TOML hints, ``--budget`` and ``--set`` share it.

    >>> without_separators("18,100"), without_separators("1 810 000.5"), without_separators("0,4")
    ('18100', '1810000.5', None)
    """
    text = text.strip()
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text) or \
            re.fullmatch(r"[+-]?\d{1,3}( \d{3})+(\.\d+)?", text):
        return text.replace(",", "").replace(" ", "")
    return None


def ends_in_empty_table(text: str) -> tuple[int, str] | None:
    """``(line, "[objective]")`` when the last statement of a policy file is a table header
    (nothing but blank lines and comments after it): the table holds no key, so every key
    of it takes its default, as a file cut short there reads (TOML takes such a file). An
    empty table further up is a choice (``[balance]`` before ``[portfolios]``): not named.

    >>> ends_in_empty_table('[budget]\\nFY2026 = 1\\n\\n[objective]   # weights\\n')
    (4, '[objective]')
    >>> ends_in_empty_table('[budget]\\nFY2026 = 1\\n[objective]\\nrisk_aversion = 1\\n') is None
    True
    """
    lines = text.splitlines()
    for line in range(len(lines), 0, -1):
        bare = lines[line - 1].split("#", 1)[0].strip()
        if not bare:
            continue
        if re.fullmatch(r"\[[^\[\]]+\]", bare):
            return line, bare
        return None
    return None


def without_underscores(text: str) -> str | None:
    """The number ``text`` writes with ``_`` between its digits (``1_200``, as Python and
    TOML write one), without them; None when it is no such number. A cell so typed is
    refused (a spreadsheet reads it as text), and so is ``--budget FY2026=1_200``.

    >>> without_underscores("1_200"), without_underscores("18_100.5"), without_underscores("_1")
    ('1200', '18100.5', None)
    """
    text = text.strip()
    if re.fullmatch(r"[+-]?\d+(_\d+)+(\.\d+(_\d+)*)?|[+-]?\d+\.\d+(_\d+)+", text):
        return text.replace("_", "")
    return None


def _twice(lines: list[str], line: int, where: str, stripped: str) -> tuple[str, str]:
    """A key or a table given a second time: where it was first, which one to keep."""
    def bare(text: str) -> str:
        return text.split("#", 1)[0].strip()

    if stripped.startswith("["):
        first = next((n for n, other in enumerate(lines[:line - 1], start=1)
                      if bare(other) == stripped), None)
        since = f" (first on line {first})" if first else ""
        return (f"{where}: the table {stripped} a second time{since}",
                f"put every key of {stripped} under one {stripped} header (TOML takes no table "
                "twice)")
    key = stripped.partition("=")[0].strip()
    table, first = "the file", None
    for n in range(line - 1, 0, -1):  # back to the table the line is in
        other = bare(lines[n - 1])
        if other.startswith("["):
            table = other
            break
        if other.partition("=")[0].strip() == key and "=" in other:
            first = n
    if first is None:  # a.b = 2 after a = 1: a part of the key is a value already
        return (f"{where}: {key} (or a part of it) is given before, as a value or a table",
                f"give {key} once: delete or rename one of the two (TOML takes no key twice)")
    return (f"{where}: the key {key} a second time (first on line {first})",
            f"keep one {key} = ... in {table}: delete or fix the other line (TOML takes no "
            "key twice)")


def _number(text: str) -> float | None:
    try:
        return float(text.replace("_", ""))
    except ValueError:
        return None
