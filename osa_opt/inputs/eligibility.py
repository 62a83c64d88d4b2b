"""Eligibility: every reason a project cannot be funded, not only the first.

It works on plain tables (projects indexed by ``project_id``, countries indexed by
``country``) and a Policy, so both a validated :class:`~osa_opt.inputs.problem.Problem`
(``problem.eligibility``) and the cross-sheet rules (a mandatory project that is not
eligible; on the typed sheets, :func:`assess_sheet_rows`) call it. A reason reads
``"<code>: <detail>"``; the code (before the colon) groups reasons in summaries, the detail
names the values that failed. The rules are described in docs/policy.md
(``[eligibility]``); every output counts the projects out in one wording,
:func:`out_counts` and :func:`out_words` ("4 ineligible, 2 forced out").

Two kinds of rule (docs/policy.md, "Gates and considerations"):

- **gates of law** (the fields, the Three Principles, the UN Charter, the prior-consent
  clauses, no link to an international dispute, the equipment categories): a project that
  fails one is never fundable, whatever any override says;
- **waivable rules** (ODA eligibility, which the guidelines ask "in principle", and every
  threshold a policy sets: the governance minimums and the risk limit): an ``override`` with
  an ``override_reason`` (for the country or the project) waives them, and the waived reason
  is kept, with the override's reason, in the ``overrides`` column. The risk limit is also
  met by a written ``mitigation``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from osa_opt.inputs.cells import is_blank
from osa_opt.inputs.other_years import COST_ELSEWHERE, elsewhere_reasons
from osa_opt.inputs.policy import Policy
from osa_opt.inputs.policy_keys import NOT_DEFENCE_EQUIPMENT
from osa_opt.inputs.schema import COST_PREFIX, PROJECT_COLUMNS, split_values
from osa_opt.text import number

FIELD_NOT_ALLOWED = "field not allowed"
NOT_ODA_ELIGIBLE = "country not ODA-eligible"
PARTY_TO_CONFLICT = "country is a party to a conflict"
NO_MANAGEMENT_AGREEMENT = "no management agreement"
NOT_UN_CHARTER = "not consistent with the UN Charter"
DISPUTE_LINKED = "linked to an international dispute"
EQUIPMENT_NOT_ALLOWED = "equipment category not allowed"
BELOW_DEMOCRACY = "democracy below threshold"
BELOW_RULE_OF_LAW = "rule of law below threshold"
BELOW_HUMAN_RIGHTS = "human rights below threshold"
ABOVE_RISK_LIMIT = "misuse risk above the limit"
STATUS_EXCLUDED = "status excluded"
#: The codes of a project out of the round by the round's decision, not by a rule: its
#: status, or its cost in a year the policy has no budget for (:mod:`.other_years`).
OUT_OF_ROUND = (STATUS_EXCLUDED, COST_ELSEWHERE)

#: The project's own prior-consent clauses missing (its ``prior_consent`` cell), not its
#: country's ``management_agreement``: the same code, the project's data (:class:`Origin`
#: tells the two apart).
NO_PROJECT_CONSENT = (f"{NO_MANAGEMENT_AGREEMENT}: the project's agreement does not carry "
                      "the prior-consent clauses, as its prior_consent cell says")


class Origin(enum.Enum):
    """Whose data a reason comes from: the project's country (its row of the countries
    sheet) or the project's own row. Set where the reason is made (:func:`assess` with
    ``origins=True``), never read back from its words: ``no management agreement`` is the
    country's (``management_agreement``) or the project's (``prior_consent``)."""

    COUNTRY = "country"
    PROJECT = "project"


#: Reasons an override (with its written reason) may waive; every other one is law.
WAIVABLE = (NOT_ODA_ELIGIBLE, BELOW_DEMOCRACY, BELOW_RULE_OF_LAW, BELOW_HUMAN_RIGHTS,
            ABOVE_RISK_LIMIT)

_GOVERNANCE = (
    ("democracy", "min_democracy", BELOW_DEMOCRACY),
    ("rule_of_law", "min_rule_of_law", BELOW_RULE_OF_LAW),
    ("human_rights", "min_human_rights", BELOW_HUMAN_RIGHTS),
)


def code_of(reason: str) -> str:
    """The code of a reason: ``"democracy below threshold: X scores 3"`` -> its first part."""
    return reason.split(":")[0]


def _country_checks(countries: pd.DataFrame, policy: Policy) -> dict[str, list[str]]:
    """Per country, every country-level rule it fails (before any override).

    Each rule reads its whole column at once (:class:`_Cells`); only the countries that
    fail something are visited one by one, to word their reasons."""
    rules = policy.eligibility
    names = countries.index.to_numpy(dtype=object)
    failing: list[tuple[np.ndarray, Callable[[Any, int], str]]] = []
    if rules.require_oda_eligible:
        failing.append((_Cells(countries, "oda_eligible", required=True).mask(_not),
                        lambda c, _: f"{NOT_ODA_ELIGIBLE}: {c} is not on the OECD DAC list, "
                                     "and recipients are \"in principle\" developing countries"))
    if rules.exclude_parties_to_conflict:
        failing.append((_Cells(countries, "party_to_conflict", required=True).mask(bool),
                        lambda c, _: f"{PARTY_TO_CONFLICT}: {c} is one under the Three "
                                     "Principles, as the UN Security Council is taking "
                                     "measures against it to maintain or restore peace after "
                                     "an armed attack"))
    if rules.require_management_agreement:
        failing.append((_Cells(countries, "management_agreement", required=True).mask(_not),
                        lambda c, _: f"{NO_MANAGEMENT_AGREEMENT}: {c} has no "
                                     "appropriate-management / prior-consent terms, as its "
                                     "management_agreement cell says"))
    for column, key, code in _GOVERNANCE:
        failing.append(_below(_Cells(countries, column, required=True), key,
                              getattr(rules, key), code))
    fails = np.zeros(len(names), dtype=bool)
    for mask, _ in failing:
        fails |= mask
    out: dict[str, list[str]] = {}
    for i, (country, bad) in enumerate(zip(names, fails, strict=True)):
        out[str(country)] = ([word(country, i) for mask, word in failing if mask[i]]
                             if bad else [])
    return out


def _below(scores: _Cells, key: str, threshold: float, code: str
           ) -> tuple[np.ndarray, Callable[[Any, int], str]]:
    """The countries whose score is below the ``key`` threshold, and the words of the
    reason for country ``c`` in row ``i``."""
    return (scores.mask(lambda v: float(v) < threshold),
            lambda c, i: f"{code}: {c} scores {number(float(scores[i]))}, {key} is "
                         f"{number(threshold)}")


def override_set(flag: Any) -> bool:
    """Whether an ``override`` cell waives the rules: the cell's truth as a row reads it,
    but a missing flag (None, or pandas' NA: an unreadable cell, reported as such) waives
    nothing. The one reading of the flag, here and in the check of its written reason.

    >>> override_set(True), override_set(False), override_set(None), override_set(pd.NA)
    (True, False, False, False)
    """
    return flag is not None and flag is not pd.NA and bool(flag)


def _overrides(frame: pd.DataFrame) -> list[str | None]:
    """The written reason of each row's override (``override_reason``; "no reason given"
    when blank), or None where the row has none."""
    flags = _Cells(frame, "override").mask(override_set)
    reasons = _Cells(frame, "override_reason")
    out: list[str | None] = [None] * len(frame)
    for i in np.flatnonzero(flags).tolist():
        out[i] = str(reasons[i] or "").strip() or "no reason given"
    return out


def country_reasons(countries: pd.DataFrame, policy: Policy) -> pd.Series:
    """Per country (the index of ``countries``), the reasons none of its projects can be
    funded under ``policy`` (a reason the country's override waives is not one)."""
    checks = _country_checks(countries, policy)
    overridden = dict(zip(map(str, countries.index), _overrides(countries), strict=True))
    out = {c: [r for r in rs if not (overridden[c] and code_of(r) in WAIVABLE)]
           for c, rs in checks.items()}
    return pd.Series(out, dtype=object, name="country_reasons")


def _given(flag: Any) -> bool:
    """A flag typed in the cell (a blank ``prior_consent`` is None: the country decides)."""
    return flag is not None and flag == flag


def _not(value: Any) -> bool:
    return not value


# ---------------------------------------------------------------------- whole columns
class _Cells:
    """A column's distinct cells, as the plain Python values a row's ``to_dict`` holds, and
    each row's code into them: a rule is read once per distinct value, not per row.

    Values are told apart by type as well, so ``1``, ``1.0`` and ``True`` (equal to Python)
    keep their own readings; numpy scalars count as the Python ones (``np.False_`` is
    ``False``, as pandas boxes a row's values). A missing column is None in every row."""

    codes: np.ndarray
    values: list[Any]

    def __init__(self, frame: pd.DataFrame, name: str, *, required: bool = False) -> None:
        n = len(frame)
        column = frame[name] if required or name in frame.columns else None
        if column is None:
            self.codes, self.values = np.zeros(n, dtype=np.intp), [None]
        elif column.dtype == bool:
            self.codes, self.values = column.to_numpy().astype(np.intp), [False, True]
        elif column.dtype == object and pd.api.types.infer_dtype(column, skipna=False) \
                == "string":  # text only: pandas's hashing tells the values apart exactly
            codes, uniques = pd.factorize(column)
            self.codes, self.values = codes, list(uniques)
        else:
            self.codes, self.values = _distinct(column.to_numpy(dtype=object))

    def __getitem__(self, row: int) -> Any:
        return self.values[self.codes[row]]

    def each(self, rule: Callable[[Any], Any]) -> np.ndarray:
        """``rule(cell)`` of every row."""
        found = np.fromiter((rule(v) for v in self.values), dtype=object,
                            count=len(self.values))
        return found[self.codes]

    def mask(self, rule: Callable[[Any], bool]) -> np.ndarray:
        """A yes/no ``rule`` of every row, as booleans."""
        found = np.fromiter((bool(rule(v)) for v in self.values), dtype=bool,
                            count=len(self.values))
        return found[self.codes]


def _distinct(cells: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """(code of each cell, distinct cells) of cells of mixed kinds, by type and value."""
    seen: dict[tuple[type, Any], int] = {}
    values: list[Any] = []
    codes = []
    for cell in cells:
        if isinstance(cell, np.generic):
            cell = _native(cell)
        key = (type(cell), cell)
        try:
            code = seen[key]
        except KeyError:
            code = seen[key] = len(values)
            values.append(cell)
        except TypeError:  # unhashable (a list): a value of its own
            code = len(values)
            values.append(cell)
        codes.append(code)
    return np.array(codes, dtype=np.intp).reshape(len(cells)), values


def _native(value: np.generic) -> Any:
    """A numpy number or flag as the Python one (as pandas boxes a row's values)."""
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _project_checks(projects: pd.DataFrame, policy: Policy
                    ) -> list[tuple[np.ndarray, Callable[[int], str]]]:
    """The project-level gates and limits, in a fixed order: per rule, the rows that fail
    it and the words of the reason for row ``i``."""
    rules = policy.eligibility
    checks: list[tuple[np.ndarray, Callable[[int], str]]] = []
    if rules.require_management_agreement:
        checks.append((_Cells(projects, "prior_consent").mask(lambda v: _given(v) and not v),
                       lambda _: NO_PROJECT_CONSENT))
    if rules.require_un_charter:
        checks.append((_Cells(projects, "un_charter").mask(lambda v: v is False),
                       lambda _: f"{NOT_UN_CHARTER}: the project's use is not consistent "
                                 "with the UN Charter, as its un_charter cell says"))
    if rules.exclude_dispute_linked:
        checks.append((_Cells(projects, "dispute_linked").mask(bool),
                       lambda _: f"{DISPUTE_LINKED}: the project is directly linked to an "
                                 "international dispute, as its dispute_linked cell says"))
    allowed = set(rules.equipment_categories)
    category = _Cells(projects, "equipment_category")
    passing = allowed | {"", NOT_DEFENCE_EQUIPMENT}
    checks.append((category.mask(lambda v: _category(v) not in passing),
                   lambda i: f"{EQUIPMENT_NOT_ALLOWED}: the project's equipment_category "
                             f"{_category(category[i])} is not in "
                             "eligibility.equipment_categories"))
    risk = _risks(projects)
    above = np.flatnonzero(risk > rules.max_risk)
    mitigation = _Cells(projects, "mitigation")
    unmitigated = np.zeros(len(projects), dtype=bool)
    unmitigated[above] = [not str(mitigation[i] or "").strip() for i in above.tolist()]
    checks.append((unmitigated,
                   lambda i: f"{ABOVE_RISK_LIMIT}: risk {number(risk[i])} is above "
                             f"eligibility.max_risk {number(rules.max_risk)} and its mitigation "
                             "cell is blank"))
    return checks


def _category(value: Any) -> str:
    """A project's equipment category as the policy lists it: ``Surveillance`` is
    ``surveillance`` (read case-insensitively, as the compliance rule reads it)."""
    return str(value or "").lower()


def _risks(projects: pd.DataFrame) -> np.ndarray:
    """Each project's risk as a float (a blank or 0 is 0.0)."""
    if "risk" in projects.columns and projects["risk"].dtype == np.float64:
        return projects["risk"].to_numpy() + 0.0  # NaN stays NaN (above no limit); -0.0 is 0.0
    return _Cells(projects, "risk").each(lambda v: float(v or 0.0)).astype(float)


def fields_of(cell: Any) -> tuple[str, ...]:
    """The fields of a ``field`` cell as the eligibility rule reads them (an empty part is
    no field; a missing cell reads as its text, "None", as the per-row rule did).

    >>> fields_of("medical;;peacekeeping"), fields_of(""), fields_of(None)
    (('medical', 'peacekeeping'), (), ('None',))
    """
    return split_values(str(cell))


def _field_reason(field: Any, allowed: set[str]) -> str | None:
    bad_fields = [f for f in fields_of(field) if f not in allowed]
    if not bad_fields:
        return None
    return (f"{FIELD_NOT_ALLOWED}: {', '.join(bad_fields)} "
            f"{'is' if len(bad_fields) == 1 else 'are'} not in eligibility.fields")


def in_by_override(eligibility: pd.DataFrame) -> pd.Series:
    """Per project of :func:`assess`'s frame: eligible only because an override waives a
    rule (a project with a waived rule that fails another, or is excluded, is not).

    >>> frame = pd.DataFrame({"eligible": [True, False, True],
    ...                       "overrides": [["r — overridden: x"], ["r — overridden: x"], []]})
    >>> in_by_override(frame).tolist()
    [True, False, False]
    """
    return eligibility["eligible"].astype(bool) & eligibility["overrides"].map(bool)


def forced_out_only(reasons: object) -> bool:
    """Whether a project's reasons are its status alone (``status excluded: ...``) or the
    year of its cost (``cost in another year: ...``, :mod:`.other_years`): out of the round
    by the round's decision (slipped, withdrawn, deferred), not by a rule of the policy,
    and to be called so, not ineligible.

    >>> forced_out_only(["status excluded: Slipped to FY2027"]), forced_out_only([])
    (True, False)
    >>> forced_out_only(["cost in another year: ¥750m in cost_FY2027, none in cost_FY2026"])
    True
    >>> forced_out_only(["status excluded", "country is a party to a conflict: X"])
    False
    """
    listed = list(reasons) if isinstance(reasons, list | tuple) else []
    return bool(listed) and all(str(r).startswith(OUT_OF_ROUND) for r in listed)


def ruled_out(eligibility: pd.DataFrame) -> pd.Series:
    """The reasons of the projects of an eligibility frame (:func:`assess`) that a rule of
    the policy keeps out: ineligible, as every output counts them. A project out by the
    round's decision alone (:func:`forced_out_only`: its status, or the year of its cost)
    is forced out instead (the report's Eligible projects card, ``osa-opt validate``).

    >>> frame = pd.DataFrame({"eligible": [True, False, False],
    ...                       "reasons": [[], ["status excluded: Slipped"], ["no ODA: X"]]})
    >>> ruled_out(frame).tolist()
    [['no ODA: X']]
    """
    out = eligibility["reasons"][~eligibility["eligible"].astype(bool)]
    return out[~out.map(forced_out_only).astype(bool)]


def out_counts(eligibility: pd.DataFrame) -> tuple[int, int]:
    """The projects of an eligibility frame that cannot be funded, as two counts: those a
    rule keeps out (:func:`ruled_out`: ineligible) and those out by the round's decision
    alone (their status, or the year of their cost: forced out).

    >>> frame = pd.DataFrame({"eligible": [True, False, False],
    ...                       "reasons": [[], ["status excluded: Slipped"], ["no ODA: X"]]})
    >>> out_counts(frame)
    (1, 1)
    """
    ineligible = len(ruled_out(eligibility))
    return ineligible, int((~eligibility["eligible"].astype(bool)).sum()) - ineligible


def out_words(ineligible: int, forced_out: int) -> str:
    """The one wording of :func:`out_counts` every output uses ("4 ineligible, 2 forced
    out": the report's Eligible projects card, the terminal's line under "Why projects are
    not in portfolio 1", robustness's exterior); "" when none is out.

    >>> out_words(4, 2), out_words(0, 1), out_words(1200, 0), out_words(0, 0)
    ('4 ineligible, 2 forced out', '1 forced out', '1,200 ineligible', '')
    """
    return ", ".join(part for part in (f"{ineligible:,} ineligible" if ineligible else "",
                                       f"{forced_out:,} forced out" if forced_out else "")
                     if part)


def assess(projects: pd.DataFrame, countries: pd.DataFrame, policy: Policy, *,
           origins: bool = False) -> pd.DataFrame:
    """Per project (the index of ``projects``): ``eligible``, ``reasons`` (every failed rule
    not waived, in a fixed order) and ``overrides`` (every waived rule, with the override's
    written reason); with ``origins``, also ``origins``: the :class:`Origin` of each reason,
    in the order of ``reasons``. ``projects`` needs ``field``, ``country`` and ``status``; the optional
    columns (``status_reason``, ``risk``, ``mitigation``, ``prior_consent``, ``un_charter``,
    ``dispute_linked``, ``equipment_category``, ``override``, ``override_reason``) take their
    defaults when absent; ``countries`` needs the country columns. A project not excluded
    whose every ``cost_<FY>`` of the policy's years is 0 or blank and whose cost stands in
    another year's column is out of this round (:data:`COST_ELSEWHERE`, with the fix).

    Each rule reads whole columns (100,000 projects take a fraction of a second); only the
    projects that fail a rule or are excluded are visited one by one, to word them."""
    n = len(projects)
    allowed = set(policy.eligibility.fields)
    by_country = _country_checks(countries, policy)
    override_of = dict(zip(map(str, countries.index), _overrides(countries), strict=True))
    country = _Cells(projects, "country", required=True)
    of_country = country.each(lambda c: by_country.get(c, []))
    theirs = country.each(lambda c: override_of.get(c))
    given = _Cells(projects, "prior_consent").mask(_given)
    fields = _Cells(projects, "field", required=True)
    field_reason = fields.each(lambda f: _field_reason(f, allowed))
    checks = _project_checks(projects, policy)
    own = _overrides(projects)
    excluded = _Cells(projects, "status", required=True).mask(lambda s: s == "excluded")
    status_reason = _Cells(projects, "status_reason")
    # no cost in the policy's years, a cost in another's: not in this round (other_years)
    elsewhere = {i: r for i, r in elsewhere_reasons(projects, policy.fiscal_years).items()
                 if not excluded[i]}
    visit = excluded | country.mask(lambda c: bool(by_country.get(c))) \
        | fields.mask(lambda f: _field_reason(f, allowed) is not None)
    for failed, _ in checks:
        visit |= failed
    visit[list(elsewhere)] = True
    eligible = np.ones(n, dtype=bool)
    reasons: list[list[str]] = [[] for _ in range(n)]
    whose: list[list[Origin]] = [[] for _ in range(n)]
    overrides: list[list[str]] = [[] for _ in range(n)]
    country_, project_ = Origin.COUNTRY, Origin.PROJECT
    for i in np.flatnonzero(visit).tolist():
        found = [] if field_reason[i] is None else [(field_reason[i], project_)]
        if given[i]:  # the project's own clauses replace the country's
            found += [(r, country_) for r in of_country[i]
                      if code_of(r) != NO_MANAGEMENT_AGREEMENT]
        else:
            found += [(r, country_) for r in of_country[i]]
        found += [(words(i), project_) for failed, words in checks if failed[i]]
        for r, origin in found:
            code = code_of(r)
            # a country's override covers its own rules, not one project's risk
            waiver = (own[i] or (theirs[i] if code != ABOVE_RISK_LIMIT else None)
                      if code in WAIVABLE else None)
            if waiver:
                overrides[i].append(f"{r} — overridden: {waiver}")
            else:
                reasons[i].append(r)
                whose[i].append(origin)
        if excluded[i]:
            why = str(status_reason[i] or "").strip()
            reasons[i].append(f"{STATUS_EXCLUDED}: {why}" if why else f"{STATUS_EXCLUDED}: "
                              "marked excluded in the projects sheet")
            whose[i].append(project_)
        if i in elsewhere:
            reasons[i].append(elsewhere[i])
            whose[i].append(project_)
        eligible[i] = not reasons[i]
    columns = {"eligible": eligible,
               "reasons": np.fromiter(reasons, dtype=object, count=n),
               "overrides": np.fromiter(overrides, dtype=object, count=n)}
    if origins:
        columns["origins"] = np.fromiter(whose, dtype=object, count=n)
    return pd.DataFrame(columns, index=pd.Index(projects.index.tolist(), name="project_id"))


#: A country column's passing value: a blank (or unreadable, already reported) cell of the
#: typed countries sheet adds no reason in :func:`assess_sheet_rows`.
COUNTRY_PASS = {"oda_eligible": True, "party_to_conflict": False, "management_agreement": True,
                "democracy": 10.0, "rule_of_law": 10.0, "human_rights": 10.0}
#: Optional project columns eligibility reads, with the value of a blank (or unreadable)
#: cell: the column's default in the registry.
PROJECT_DEFAULTS = {name: next(c.default for c in PROJECT_COLUMNS if c.name == name)
                    for name in ("status_reason", "risk", "mitigation", "prior_consent",
                                 "un_charter", "dispute_linked", "equipment_category",
                                 "override", "override_reason")}


def assess_sheet_rows(projects: pd.DataFrame, countries: pd.DataFrame,
                      policy: Policy) -> pd.DataFrame:
    """Eligibility (:func:`assess`, with origins) of some rows of the typed projects sheet,
    before a Problem exists (the cross-sheet rules: :mod:`.rules`, :mod:`.requirement_rules`).
    Unreadable cells (already reported) count as passing, so they add no reason."""
    needed_p = ("project_id", "country", "field", "status")
    needed_c = ("country", *COUNTRY_PASS)
    optional_c = [n for n in ("override", "override_reason") if n in countries.columns]
    c = countries[[*needed_c, *optional_c]].dropna(subset=["country"])
    c = c[c["country"].isin(projects["country"])].astype(object)
    for name, passing in COUNTRY_PASS.items():
        c[name] = c[name].where(c[name].notna(), passing)
    costs = [c for c in projects.columns if str(c).startswith(COST_PREFIX)]  # other_years
    p = projects.reindex(columns=[*needed_p, *PROJECT_DEFAULTS, *costs]).astype(object)
    for name, default in PROJECT_DEFAULTS.items():
        p[name] = [default if is_blank(v) else v for v in p[name]]
    return assess(p.set_index("project_id"), c.set_index("country"), policy, origins=True)
