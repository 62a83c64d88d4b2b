"""Policy models: what is optimized and which rules hold (DESIGN §4).

A policy is a frozen dataclass tree. Every key has a built-in default, a unit and a meaning
(field metadata), so validation, the model and the reports' glossary read one registry.
Unknown keys and wrong types are errors that name the key.

>>> from osa_opt.inputs.policy import Policy
>>> p = Policy.from_dict({"budget": {"FY2026": 18100}})
>>> p.override({"portfolios.count": 3}).portfolios.count
3
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from osa_opt.errors import Issue, PolicyError

FIELDS: tuple[str, ...] = (
    "maritime_surveillance",
    "airspace_surveillance",
    "counter_terrorism",
    "counter_piracy",
    "disaster_relief",
    "search_and_rescue",
    "medical",
    "relief_transport",
    "peacekeeping",
)
ASSISTANCE_TYPES: tuple[str, ...] = ("equipment", "supplies", "infrastructure")
STATUSES: tuple[str, ...] = ("candidate", "mandatory", "excluded")
TIERS: tuple[int, ...] = (1, 2, 3)

#: The largest budget or cost, in ¥ million (¥1,000 trillion, ten times Japan's whole annual
#: budget): a larger amount is a typo or in yen, and the solver would take it as infinite.
MAX_AMOUNT = 1e9
#: The largest weight, tier multiplier or risk aversion: project values stay far below the
#: size the solver takes as infinite (1e20), whatever the scores.
MAX_FACTOR = 1e6
#: The largest whole number of a count (min_countries, portfolios.count ...).
MAX_WHOLE = 10**9
#: The most ranked portfolios one run may ask for: each is a MIP solve of its own.
MAX_PORTFOLIOS = 1_000
#: Seeds HiGHS and numpy both accept (HiGHS ignores others, numpy fails on negatives).
MAX_SEED = 2**31 - 1
#: More threads than this is a typo (HiGHS fails allocating 1000).
MAX_THREADS = 64
#: Bounds of the frontier sweep and of the robustness sampling (memory: samples x projects).
MAX_FRONTIER_STOP = 100.0
MAX_FRONTIER_STEPS = 1000
MAX_SAMPLES = 100_000


def _p(default: Any, meaning: str, unit: str = "", *, kind: str = "scalar") -> Any:
    """A policy parameter: default plus registry metadata."""
    meta = {"meaning": meaning, "unit": unit, "kind": kind}
    if isinstance(default, dict | list):
        factory = (lambda d=default: type(d)(d))  # noqa: E731
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class EligibilityPolicy:
    fields: list[str] = _p(list(FIELDS), "fields of cooperation that may be funded", kind="list")
    require_oda_eligible: bool = _p(True, "recipient must be on the OECD DAC list")
    exclude_parties_to_conflict: bool = _p(True, "Three Principles: no party to a conflict")
    require_management_agreement: bool = _p(
        True, "appropriate-management / prior-consent terms must be in place"
    )
    min_democracy: float = _p(0.0, "lowest democracy assessment accepted", "0-10")
    min_rule_of_law: float = _p(0.0, "lowest rule-of-law assessment accepted", "0-10")
    min_human_rights: float = _p(0.0, "lowest human-rights assessment accepted", "0-10")


@dataclass(frozen=True)
class ObjectivePolicy:
    weights: dict[str, float] = _p(
        {"security": 0.4, "humanitarian": 0.3, "partnership": 0.3},
        "weight of each criterion; criterion k is read from column score_<k>",
        kind="table",
    )
    tier_multiplier: dict[int, float] = _p(
        {1: 1.0, 2: 1.0, 3: 1.0}, "value multiplier by the country's priority tier", kind="table"
    )
    risk_aversion: float = _p(1.0, "value is scaled by (1 - risk_aversion * risk)")


@dataclass(frozen=True)
class PriorityPolicy:
    min_tier_share: dict[int, float] = _p(
        {}, "smallest share of the total budget spent on each tier", "share", kind="table"
    )
    fund_every_tier: list[int] = _p(
        [], "tiers whose every eligible partner gets at least one project", kind="list"
    )
    max_country_share: float = _p(1.0, "largest share of the total budget for one country", "share")
    min_countries: int = _p(0, "smallest number of distinct recipient countries")


@dataclass(frozen=True)
class BalancePolicy:
    min_field_share: dict[str, float] = _p({}, "smallest budget share by field", "share", kind="table")
    max_field_share: dict[str, float] = _p({}, "largest budget share by field", "share", kind="table")
    min_region_share: dict[str, float] = _p(
        {}, "smallest budget share by region", "share", kind="table"
    )
    max_region_share: dict[str, float] = _p(
        {}, "largest budget share by region", "share", kind="table"
    )


@dataclass(frozen=True)
class PortfoliosPolicy:
    count: int = _p(5, "how many ranked portfolios")
    min_difference: int = _p(2, "each portfolio differs from every better one in this many projects")


@dataclass(frozen=True)
class SolverPolicy:
    time_limit: float = _p(60.0, "time limit of one solve", "seconds")
    mip_rel_gap: float = _p(0.0, "relative optimality gap; 0 proves the optimum", "share")
    threads: int = _p(1, "solver threads (fixed for reproducibility)")
    seed: int = _p(0, "solver random seed")


@dataclass(frozen=True)
class FrontierPolicy:
    start: float = _p(0.25, "smallest budget of the sweep, as a share of the policy budget", "share")
    stop: float = _p(1.5, "largest budget of the sweep, as a share of the policy budget", "share")
    steps: int = _p(12, "number of budget levels in the sweep")


@dataclass(frozen=True)
class RobustnessPolicy:
    weight_ranges: dict[str, list[float]] = _p(
        {},
        "[low, high] range of each criterion weight; a criterion not listed keeps its weight",
        kind="table",
    )
    samples: int = _p(500, "number of sampled weight and score vectors")
    seed: int = _p(0, "random seed of the sampling")


#: Where a problem introduced by an override (``--set``, ``--budget``, a CLI flag) is reported.
OVERRIDE_SHEET = "policy override (command line or API)"

SECTIONS: dict[str, type] = {
    "eligibility": EligibilityPolicy,
    "objective": ObjectivePolicy,
    "priority": PriorityPolicy,
    "balance": BalancePolicy,
    "portfolios": PortfoliosPolicy,
    "solver": SolverPolicy,
    "frontier": FrontierPolicy,
    "robustness": RobustnessPolicy,
}


@dataclass(frozen=True)
class Policy:
    """A whole policy model. Build with :meth:`load`, :meth:`from_dict` or :meth:`default`."""

    name: str = "Unnamed policy"
    budget: dict[str, float] = field(default_factory=dict)
    eligibility: EligibilityPolicy = field(default_factory=EligibilityPolicy)
    objective: ObjectivePolicy = field(default_factory=ObjectivePolicy)
    priority: PriorityPolicy = field(default_factory=PriorityPolicy)
    balance: BalancePolicy = field(default_factory=BalancePolicy)
    portfolios: PortfoliosPolicy = field(default_factory=PortfoliosPolicy)
    solver: SolverPolicy = field(default_factory=SolverPolicy)
    frontier: FrontierPolicy = field(default_factory=FrontierPolicy)
    robustness: RobustnessPolicy = field(default_factory=RobustnessPolicy)
    source: str | None = field(default=None, compare=False)

    # ------------------------------------------------------------------ construction
    @classmethod
    def default(cls) -> Policy:
        """The shipped round policy, ``models/default.toml``."""
        from osa_opt.data import default_policy_path

        return cls.load(default_policy_path())

    @classmethod
    def load(cls, path: str | Path, overrides: Mapping[str, Any] | None = None) -> Policy:
        """Read a TOML policy file; ``overrides`` maps dotted keys to values."""
        path = Path(path)
        sheet = f"policy {path.name}"
        if not path.is_file():
            raise PolicyError(
                [Issue(sheet, None, None, str(path), "policy file not found",
                       "give the path of an existing .toml file (see models/)")]
            )
        try:
            text = path.read_text(encoding="utf-8-sig")  # -sig: Notepad starts with a BOM
        except OSError as exc:
            raise PolicyError(
                [Issue(sheet, None, None, str(path), f"cannot read the file: "
                       f"{exc.strerror or exc}", "check that the file exists and is readable")]
            ) from None
        except UnicodeDecodeError as exc:
            raise PolicyError(
                [Issue(sheet, None, None, None, f"not UTF-8 text (unreadable byte at position "
                       f"{exc.start})", "save the file as UTF-8 text")]
            ) from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise PolicyError(
                [Issue(sheet, None, None, None, f"not valid TOML: {exc}",
                       "fix the syntax; see models/default.toml for the format")]
            ) from None
        policy = cls.from_dict(data, source=str(path))
        return policy.override(overrides) if overrides else policy

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None) -> Policy:
        """Build a policy from nested dicts (the TOML layout); every problem at once."""
        where = f"policy {Path(source).name}" if source else "policy"
        if not isinstance(data, Mapping):
            raise PolicyError([_type_issue(where, "policy", type(data).__name__,
                                           "a table of sections, e.g. {\"budget\": {...}}")])
        issues: list[Issue] = []
        kwargs: dict[str, Any] = {"source": source}
        for key, value in data.items():
            if key == "name":
                if not isinstance(value, str):
                    issues.append(_type_issue(where, "name", value, "text"))
                else:
                    kwargs["name"] = value
            elif key == "budget":
                kwargs["budget"] = _convert_table(where, "budget", value, float, issues)
            elif key in SECTIONS:
                if not isinstance(value, Mapping):
                    issues.append(_type_issue(where, key, value, "a table [" + key + "]"))
                    continue
                kwargs[key] = _build_section(where, key, SECTIONS[key], value, issues)
            else:
                issues.append(_unknown_key(where, key, ["name", "budget", *SECTIONS]))
        if issues:
            raise PolicyError(issues)
        policy = cls(**kwargs)
        policy_issues = policy.check()
        if policy_issues:
            raise PolicyError(policy_issues)
        return policy

    def override(self, overrides: Mapping[str, Any] | None) -> Policy:
        """A copy with dotted keys replaced, e.g. ``{"budget.FY2026": 20000}``.

        A value given as text (from the command line) is parsed as TOML.
        """
        if not overrides:
            return self
        data = self.to_dict()
        issues: list[Issue] = []
        for dotted, value in overrides.items():
            if isinstance(value, str):
                value = _parse_cli_value(value)
            parts = dotted.split(".")
            target: Any = data
            for part in parts[:-1]:
                if not isinstance(target, dict) or part not in target:
                    issues.append(_unknown_key("policy override", dotted, list(data)))
                    break
                target = target[part]
            else:
                leaf = parts[-1]
                is_table_entry = len(parts) == 3 or parts[0] == "budget"
                if not isinstance(target, dict) or (leaf not in target and not is_table_entry):
                    known = list(target) if isinstance(target, dict) else []
                    issues.append(_unknown_key("policy override", dotted, known))
                    continue
                target[leaf] = value
        if issues:
            raise PolicyError(issues)
        try:
            return Policy.from_dict(data, source=self.source)
        except PolicyError as exc:  # blame the override, not the file, for what it changed
            changed = tuple(overrides)
            raise PolicyError([
                dataclasses.replace(issue, sheet=OVERRIDE_SHEET)
                if issue.column and issue.column.startswith(changed) else issue
                for issue in exc.issues]) from None

    # ------------------------------------------------------------------ views
    def to_dict(self) -> dict[str, Any]:
        """The policy as plain nested dicts (JSON- and TOML-friendly keys)."""
        out: dict[str, Any] = {"name": self.name, "budget": dict(self.budget)}
        for section in SECTIONS:
            obj = getattr(self, section)
            out[section] = {
                f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)
            }
        return out

    @property
    def fiscal_years(self) -> list[str]:
        return list(self.budget)

    @property
    def criteria(self) -> list[str]:
        return list(self.objective.weights)

    @property
    def total_budget(self) -> float:
        return float(sum(self.budget.values()))

    def check(self) -> list[Issue]:
        """Rules on values (ranges, known names) once types are right."""
        where = f"policy {Path(self.source).name}" if self.source else "policy"
        issues: list[Issue] = []

        def bad(key: str, value: Any, rule: str, hint: str) -> None:
            issues.append(Issue(where, None, key, value, rule, hint))

        for fy, amount in self.budget.items():
            if amount < 0:
                bad(f"budget.{fy}", amount, "a budget must be >= 0", "give ¥ million >= 0")
            if amount > MAX_AMOUNT:
                bad(f"budget.{fy}", amount, f"a budget above {MAX_AMOUNT:g} ¥ million (¥1,000 "
                    "trillion) cannot be right", "budgets are in ¥ million (18100 means "
                    "¥18.1 billion): check the digits, and that the amount is not in yen")
            if not fy.strip() or any(ch.isspace() for ch in fy):
                bad(f"budget.{fy}", fy, "a fiscal-year key may not contain spaces",
                    "name years like FY2026 (the column is cost_FY2026)")
        for f in self.eligibility.fields:
            if f not in FIELDS:
                bad("eligibility.fields", f, "unknown field of cooperation",
                    f"use one of {', '.join(FIELDS)}")
        for key in ("min_democracy", "min_rule_of_law", "min_human_rights"):
            v = getattr(self.eligibility, key)
            if not 0 <= v <= 10:
                bad(f"eligibility.{key}", v, "a threshold must be in 0-10", "give a number 0-10")
        for k, w in self.objective.weights.items():
            if w < 0:
                bad(f"objective.weights.{k}", w, "a weight must be >= 0", "give a weight >= 0")
            _at_most(bad, f"objective.weights.{k}", w, MAX_FACTOR, "weights are relative: "
                     "scale them all down, e.g. to sum to 1")
            if not k or any(ch.isspace() for ch in k):
                bad(f"objective.weights.{k}", k, "a criterion name may not contain spaces",
                    "name criteria like security (column score_security)")
        for t, m in self.objective.tier_multiplier.items():
            if t not in TIERS:
                bad(f"objective.tier_multiplier.{t}", t, "tiers are 1, 2 or 3", "use keys 1, 2, 3")
            if m < 0:
                bad(f"objective.tier_multiplier.{t}", m, "a multiplier must be >= 0",
                    "give a number >= 0")
            _at_most(bad, f"objective.tier_multiplier.{t}", m, MAX_FACTOR,
                     "multipliers are relative, e.g. 1.3 for tier 1")
        if self.objective.risk_aversion < 0:
            bad("objective.risk_aversion", self.objective.risk_aversion, "must be >= 0",
                "give a number >= 0 (1 scales value by 1 - risk)")
        _at_most(bad, "objective.risk_aversion", self.objective.risk_aversion, MAX_FACTOR,
                 "1 scales value by 1 - risk")
        for t, s in self.priority.min_tier_share.items():
            if t not in TIERS:
                bad(f"priority.min_tier_share.{t}", t, "tiers are 1, 2 or 3", "use keys 1, 2, 3")
            _share(bad, f"priority.min_tier_share.{t}", s)
        for t in self.priority.fund_every_tier:
            if t not in TIERS:
                bad("priority.fund_every_tier", t, "tiers are 1, 2 or 3", "list tiers among 1, 2, 3")
        _share(bad, "priority.max_country_share", self.priority.max_country_share)
        if self.priority.min_countries < 0:
            bad("priority.min_countries", self.priority.min_countries, "must be >= 0",
                "give a whole number >= 0")
        _at_most(bad, "priority.min_countries", self.priority.min_countries, MAX_WHOLE,
                 "give the number of distinct recipient countries")
        for key in ("min_field_share", "max_field_share"):
            for f, s in getattr(self.balance, key).items():
                if f not in FIELDS:
                    bad(f"balance.{key}.{f}", f, "unknown field of cooperation",
                        f"use one of {', '.join(FIELDS)}")
                _share(bad, f"balance.{key}.{f}", s)
        for key in ("min_region_share", "max_region_share"):
            for r, s in getattr(self.balance, key).items():
                _share(bad, f"balance.{key}.{r}", s)
        if self.portfolios.count < 1:
            bad("portfolios.count", self.portfolios.count, "must be >= 1", "ask for 1 or more")
        if self.portfolios.min_difference < 1:
            bad("portfolios.min_difference", self.portfolios.min_difference, "must be >= 1",
                "give a whole number >= 1")
        _at_most(bad, "portfolios.count", self.portfolios.count, MAX_PORTFOLIOS,
                 "ask for fewer: each portfolio is a solve of its own")
        _at_most(bad, "portfolios.min_difference", self.portfolios.min_difference, MAX_WHOLE,
                 "give the number of projects that must differ")
        if self.solver.time_limit <= 0:
            bad("solver.time_limit", self.solver.time_limit, "must be > 0", "give seconds > 0")
        if not 0 <= self.solver.mip_rel_gap < 1:
            bad("solver.mip_rel_gap", self.solver.mip_rel_gap, "must be in [0, 1)",
                "use 0 for proven optima")
        if self.solver.threads < 1:
            bad("solver.threads", self.solver.threads, "must be >= 1", "give 1 or more")
        _at_most(bad, "solver.threads", self.solver.threads, MAX_THREADS,
                 "1 gives reproducible runs; more only helps large models")
        for key, seed in (("solver.seed", self.solver.seed),
                          ("robustness.seed", self.robustness.seed)):
            if not 0 <= seed <= MAX_SEED:
                bad(key, seed, f"a seed must be a whole number in 0-{MAX_SEED}", "e.g. 0 or 7")
        fr = self.frontier
        if not 0 < fr.start <= fr.stop:
            bad("frontier.start", fr.start, "need 0 < start <= stop", "e.g. start 0.25, stop 1.5")
        _at_most(bad, "frontier.stop", fr.stop, MAX_FRONTIER_STOP,
                 "the sweep is in shares of the policy budget, e.g. 1.5 for 150%")
        if fr.steps < 1:
            bad("frontier.steps", fr.steps, "must be >= 1", "give 1 or more steps")
        _at_most(bad, "frontier.steps", fr.steps, MAX_FRONTIER_STEPS,
                 "each step is one solve; 12 to 50 show the curve")
        for k, rng in self.robustness.weight_ranges.items():
            if len(rng) != 2 or not 0 <= rng[0] <= rng[1]:
                bad(f"robustness.weight_ranges.{k}", rng, "a range is [low, high], 0 <= low <= high",
                    "e.g. security = [0.3, 0.5]")
        if self.robustness.samples < 1:
            bad("robustness.samples", self.robustness.samples, "must be >= 1", "give 1 or more")
        _at_most(bad, "robustness.samples", self.robustness.samples, MAX_SAMPLES,
                 "a few thousand samples give stable core indices")
        return issues

    def glossary(self) -> list[dict[str, str]]:
        """Every key with its meaning, unit and the value used: the reports' glossary."""
        rows = [
            {"key": "name", "value": self.name, "unit": "", "meaning": "name of the policy"},
            {"key": "budget", "value": _toml_value(dict(self.budget)), "unit": "¥ million",
             "meaning": "budget per fiscal year; keys name the cost_<FY> columns"},
        ]
        for section in SECTIONS:
            obj = getattr(self, section)
            for f in dataclasses.fields(obj):
                rows.append({
                    "key": f"{section}.{f.name}",
                    # written as in a policy file, so the reports read like models/*.toml
                    "value": _toml_value(_plain(getattr(obj, f.name))),
                    "unit": f.metadata.get("unit", ""),
                    "meaning": f.metadata.get("meaning", ""),
                })
        return rows

    def to_toml(self) -> str:
        """The policy as used, as TOML text (what a run records beside its outputs)."""
        lines = [f"name = {_toml_value(self.name)}", "", "[budget]"]
        lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in self.budget.items()]
        for section, values in self.to_dict().items():
            if section in ("name", "budget"):
                continue
            lines += ["", f"[{section}]"]
            lines += [f"{k} = {_toml_value(v)}" for k, v in values.items()]
        return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- helpers
def _at_most(bad: Any, key: str, value: float, largest: float, hint: str) -> None:
    if value > largest:
        bad(key, value, f"must be at most {largest:g}", hint)


def _share(bad: Any, key: str, value: float) -> None:
    if not 0 <= value <= 1:
        bad(key, value, "a share must be in 0-1", "give a fraction, e.g. 0.3 for 30%")


def _unknown_key(where: str, key: str, known: list[str]) -> Issue:
    import difflib

    close = difflib.get_close_matches(key.split(".")[-1], known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(map(str, known))}"
    return Issue(where, None, key, None, "unknown key", hint + " (see models/default.toml)")


def _type_issue(where: str, key: str, value: Any, expected: str) -> Issue:
    return Issue(where, None, key, value, f"wrong type {type(value).__name__}, expected {expected}",
                 f"write {key} as {expected}")


def _convert_scalar(where: str, key: str, value: Any, typ: type, issues: list[Issue]) -> Any:
    if typ is bool:
        if isinstance(value, bool):
            return value
        issues.append(_type_issue(where, key, value, "true or false"))
    elif typ is int:
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        issues.append(_type_issue(where, key, value, "a whole number"))
    elif typ is float:
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            number = _finite(value)
            if number is not None:
                return number
            issues.append(Issue(where, None, key, value, "must be a finite number",
                                f"write {key} as a plain number (not nan or inf)"))
            return None
        issues.append(_type_issue(where, key, value, "a number"))
    elif typ is str:
        if isinstance(value, str):
            return value
        issues.append(_type_issue(where, key, value, "text"))
    return None


def _finite(value: numbers.Real) -> float | None:
    """``value`` as a float, or None when it is NaN, infinite or beyond any float."""
    try:
        number = float(value)
    except OverflowError:  # an int such as 10**400
        return None
    return number if math.isfinite(number) else None


def _convert_table(
    where: str, key: str, value: Any, vtype: Any, issues: list[Issue], ktype: type = str
) -> dict[Any, Any]:
    if not isinstance(value, Mapping):
        issues.append(_type_issue(where, key, value, "a table, e.g. { a = 1 }"))
        return {}
    out: dict[Any, Any] = {}
    for k, v in value.items():
        if ktype is int:
            try:
                kk: Any = int(k)
            except (TypeError, ValueError):
                issues.append(_type_issue(where, f"{key}.{k}", k, "a tier number 1, 2 or 3"))
                continue
        else:
            kk = str(k)
        if vtype == "range":
            if (not isinstance(v, list) or len(v) != 2
                    or not all(isinstance(x, numbers.Real) and not isinstance(x, bool)
                               and _finite(x) is not None for x in v)):
                issues.append(_type_issue(where, f"{key}.{k}", v, "a list [low, high]"))
                continue
            out[kk] = [float(x) for x in v]
        else:
            converted = _convert_scalar(where, f"{key}.{k}", v, vtype, issues)
            if converted is not None:
                out[kk] = converted
    return out


_TABLE_TYPES: dict[str, tuple[type, Any]] = {
    "weights": (str, float),
    "tier_multiplier": (int, float),
    "min_tier_share": (int, float),
    "min_field_share": (str, float),
    "max_field_share": (str, float),
    "min_region_share": (str, float),
    "max_region_share": (str, float),
    "weight_ranges": (str, "range"),
}
_LIST_TYPES: dict[str, type] = {"fields": str, "fund_every_tier": int}


def _build_section(
    where: str, name: str, cls: type, values: Mapping[str, Any], issues: list[Issue]
) -> Any:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        dotted = f"{name}.{key}"
        if key not in fields:
            issues.append(_unknown_key(where, dotted, list(fields)))
            continue
        kind = fields[key].metadata.get("kind")
        if kind == "table":
            ktype, vtype = _TABLE_TYPES[key]
            kwargs[key] = _convert_table(where, dotted, value, vtype, issues, ktype)
        elif kind == "list":
            item_type = _LIST_TYPES[key]
            if not isinstance(value, list):
                issues.append(_type_issue(where, dotted, value, "a list, e.g. [1, 2]"))
                continue
            items = [_convert_scalar(where, dotted, v, item_type, issues) for v in value]
            kwargs[key] = [v for v in items if v is not None]
        else:
            typ = {"bool": bool, "int": int, "float": float, "str": str}[fields[key].type]
            converted = _convert_scalar(where, dotted, value, typ, issues)
            if converted is not None:
                kwargs[key] = converted
    return cls(**kwargs)


def _parse_cli_value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _toml_key(key: Any) -> str:
    key = str(key)
    return key if key.replace("_", "").replace("-", "").isalnum() else _toml_value(key)


def _toml_value(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        inner = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)
