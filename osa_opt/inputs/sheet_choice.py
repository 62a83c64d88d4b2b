"""Which sheet of a workbook is an input sheet: a copy (``projects (2)``, ``Copy of
projects``: :func:`variant_of`), a hidden ``projects`` beside a visible copy (refused by
name), a sheet renamed (``Partner countries``), and a sheet named like a policy
(``budget``: never read, said so).

Shared by the .xlsx and .ods readers; the CSV reader names a copied file by :func:`variant_of`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from osa_opt.errors import Issue
from osa_opt.inputs.schema import SHEETS


def variant_of(name: str, sheet: str) -> bool:
    """``projects (2)``, ``Copy of projects``, ``projects_v2``, ``Projects``, and
    ``ｐｒｏｊｅｃｔｓ`` typed in a Japanese input method's full-width letters: a copy of sheet.

    >>> variant_of("ｐｒｏｊｅｃｔｓ", "projects"), variant_of("projects", "projects")
    (True, False)
    """
    key = re.sub(r"\s*\(\d+\)$|^copy of\s+|[\s_-]*(v\d+|copy|new|old|final)$", "",
                 unicodedata.normalize("NFKC", name).strip().lower())
    return key == sheet and name != sheet


def _full_width(name: str) -> str:
    """Why a sheet's name that looks like the input sheet's is another: its full-width
    letters, said as the end of a sentence, or ""."""
    return (" (its name is typed in full-width (zenkaku) letters, which look alike but are "
            "other characters)" if unicodedata.normalize("NFKC", name) != name else "")


#: Words that name an input sheet otherwise (``projects FY2026``, ``Partner countries``,
#: 案件): when the sheet is missing, a sheet named with its words, and no other's, is the
#: one to rename.
_SHEET_WORDS = {"projects": ("project", "案件", "事業"), "countries": ("countr", "partner", "相手国")}


def _renamed(names: Sequence[str], sheet: str) -> str | None:
    """The one sheet of ``names`` that looks like ``sheet`` renamed, or None."""
    def words(name: str) -> set[str]:
        return {s for s, ws in _SHEET_WORDS.items() if any(w in name.casefold() for w in ws)}

    found = [n for n in names if n not in SHEETS and words(n) == {sheet}]
    return found[0] if len(found) == 1 else None


def pick_sheets(file: str, names: Sequence[str], hidden: set[str], issues: list[Issue],
                warnings: list[Issue]) -> dict[str, str]:
    """Input sheet -> the workbook's sheet to read; a missing, hidden or doubled sheet is
    an issue (or a warning when hidden alone)."""
    chosen: dict[str, str] = {}
    for sheet in SHEETS:
        variants = [n for n in names if variant_of(n, sheet)]
        visible = [n for n in variants if n not in hidden]
        if sheet not in names and not variants:
            variants = [n for n in [_renamed(names, sheet)] if n]
        if sheet not in names:
            hint = (f"rename the sheet {variants[0]!r} to {sheet!r}{_full_width(variants[0])}"
                    if variants else
                    f"add a sheet named {sheet!r} (sheets found: {', '.join(names)})")
            issues.append(Issue(file, None, None, sheet, f"the sheet {sheet!r} is missing", hint))
        elif sheet in hidden and visible:
            issues.append(Issue(file, None, None, sheet,
                                f"the sheet {sheet!r} is hidden, and the visible sheet "
                                f"{visible[0]!r} looks like another version of it",
                                f"keep one: delete the sheet you do not mean, and name the "
                                f"other {sheet!r} (unhide it with right-click > Unhide)"))
        else:
            chosen[sheet] = sheet
            if sheet in hidden:
                warnings.append(Issue(file, None, None, sheet, f"the sheet {sheet!r} is "
                                      "hidden; it is read all the same",
                                      "unhide it (right-click a sheet tab > Unhide) to see "
                                      "what is read"))
            elif visible:
                warnings.append(Issue(file, None, None, visible[0],
                                      f"the sheet {visible[0]!r} looks like another version "
                                      f"of {sheet!r}; only {sheet!r} is read",
                                      f"delete or rename {visible[0]!r} if {sheet!r} is the "
                                      f"version you mean; otherwise name it {sheet!r}"))
    warnings += [_policy_sheet_warning(file, name) for name in names
                 if _policy_sheet(name) and name not in chosen.values()]
    return chosen


#: Sheet names that hold what a policy holds (予算: budget; 方針: policy): a sheet of the
#: workbook is never read for it.
_POLICY_SHEETS = frozenset({"budget", "budgets", "policy", "policies", "budget_fy", "予算",
                            "予算額", "方針", "ポリシー"})


def _policy_sheet(name: str) -> bool:
    key = re.sub(r"[\s_\-]+", "_", name.strip().casefold()).strip("_")
    return key in _POLICY_SHEETS or re.sub(r"_?(fy)?\d{4}$", "", key) in _POLICY_SHEETS


def _policy_sheet_warning(file: str, name: str) -> Issue:
    """A sheet named like a policy (``budget``, ``予算``): nothing of it is read, the
    budget and the rules are the policy's, so a budget typed there changes nothing."""
    return Issue(file, None, None, name,
                 f"the sheet {name!r} is not read: the budget and every rule come from the "
                 "policy (the shipped default unless --policy names one), not from the "
                 "workbook",
                 "nothing to do if the sheet is for the record; to use its amounts, give "
                 "them as --budget FY2026=AMOUNT (¥ million) or in a policy file's [budget] "
                 "(--policy FILE; in Python, overrides= or policy=)")
