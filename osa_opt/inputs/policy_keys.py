"""The registry of policy keys: each key's meaning, unit and bounds, and the one checker.

Every field of the policy dataclasses (:mod:`osa_opt.inputs.policy_sections`) is declared
with :func:`param`, whose metadata holds a :class:`Bounds`. Validation (:func:`check_values`),
the reports' glossary and docs/policy.md read that one registry, so a key's rule is written
once. The keys themselves are documented in docs/policy.md.

>>> from osa_opt.inputs.policy_sections import PriorityPolicy
>>> [(i.column, i.rule) for i in check_values(PriorityPolicy(max_country_share=2.0), "policy",
...                                         "priority.")]
[('priority.max_country_share', 'a share must be in 0-1')]
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

from osa_opt.errors import Issue
from osa_opt.inputs.frozen import freeze
from osa_opt.text import number

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
#: The five categories of defence equipment the transfer rules of the Three Principles allow
#: for OSA (rescue, transport, warning, surveillance, minesweeping): the built-in default of
#: ``eligibility.equipment_categories``, a policy list because the rule may change.
EQUIPMENT_CATEGORIES: tuple[str, ...] = ("rescue", "transport", "warning", "surveillance",
                                         "minesweeping")
#: The ``equipment_category`` of supplies and infrastructure: no transfer rule applies.
NOT_DEFENCE_EQUIPMENT = "not_defence_equipment"
#: The country assessments weighed in a project's value (``objective.considerations``).
CONSIDERATIONS: tuple[str, ...] = ("democracy", "rule_of_law", "human_rights",
                                   "economic_social", "bilateral_relations")
#: The assessment that leaves value unchanged (0-10 scale).
NEUTRAL_ASSESSMENT = 5.0
STATUSES: tuple[str, ...] = ("candidate", "mandatory", "excluded")
#: Where an item stands in its partner's agreement, earliest first (projects column ``stage``).
STAGES: tuple[str, ...] = ("request", "survey", "agreed", "signed")
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


@dataclass(frozen=True)
class Bounds:
    """The rules on one key's values (a table's values, a list's items), checked in order.

    ``low``/``high`` bound a number (``>`` / ``<`` when ``low_open``/``high_open``); with
    ``rule`` set, a value outside either bound gets that one message, otherwise ``low_rule``
    ("must be >= 0") or ``high_rule`` ("must be at most 64"). ``high_key`` names a sibling
    key whose value is the upper bound. ``choices`` are the allowed values (or list items),
    ``keys`` the allowed keys of a table, ``key_ok``/``value_ok`` tests of a key or value that
    ``choices`` cannot express.
    """

    low: float | None = None
    low_open: bool = False
    low_rule: str = ""
    high: float | None = None
    high_open: bool = False
    high_rule: str = ""
    high_key: str = ""
    rule: str = ""
    hint: str = ""
    high_hint: str = ""
    choices: tuple[Any, ...] = ()
    choice_rule: str = ""
    choice_hint: str = ""
    keys: tuple[Any, ...] = ()
    key_ok: Callable[[Any], bool] | None = None
    key_rule: str = ""
    key_hint: str = ""
    value_ok: Callable[[Any], bool] | None = None


#: A share of the budget, 0-1.
SHARE = Bounds(low=0.0, high=1.0, rule="a share must be in 0-1",
               hint="give a fraction, e.g. 0.3 for 30%")

class KeyRules(TypedDict):
    """The key arguments of :class:`Bounds` shared by several tables (``**TIER_KEYS``)."""

    keys: tuple[Any, ...]
    key_rule: str
    key_hint: str


#: A priority tier used as a table key.
TIER_KEYS = KeyRules(keys=TIERS, key_rule="tiers are 1, 2 or 3", key_hint="use keys 1, 2, 3")


def param(default: Any, meaning: str, unit: str = "", bounds: Bounds | None = None,
          *, expected: str = "") -> Any:
    """A policy key: its default, meaning, unit and :class:`Bounds` (field metadata).

    ``expected`` overrides how a wrong type is described (e.g. ``"a list [low, high]"``).
    A dict or list default is copied for each instance (and frozen with the policy).
    """
    meta = {"meaning": meaning, "unit": unit, "bounds": bounds or Bounds(), "expected": expected}
    if isinstance(default, dict | list):
        return field(default_factory=functools.partial(type(default), default), metadata=meta)
    return field(default=default, metadata=meta)


class Frozen:
    """Mixin of the policy dataclasses: dict and list values become read-only on creation."""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, dict | list | tuple):
                object.__setattr__(self, f.name, freeze(value))


@functools.cache
def key_types(cls: type) -> dict[str, Any]:
    """The resolved annotation of each field of a policy dataclass."""
    return typing.get_type_hints(cls)


def container(hint: Any) -> tuple[str, tuple[Any, ...]]:
    """``("table", (key type, value type))``, ``("list", (item type,))`` or ``("scalar", (t,))``."""
    origin = typing.get_origin(hint)
    if origin in (dict, Mapping):
        return "table", typing.get_args(hint)
    if origin in (list, tuple, Sequence):
        return "list", typing.get_args(hint)[:1]
    return "scalar", (hint,)


# ---------------------------------------------------------------------- the checker
def check_values(obj: Any, where: str, prefix: str = "") -> list[Issue]:
    """Every rule of the :class:`Bounds` of ``obj``'s fields, walking nested sections.

    ``where`` names the policy in the issues (``"policy default.toml"``), ``prefix`` the
    section (``"priority."``); values have their declared types already.
    """
    issues: list[Issue] = []
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        key = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(value):
            issues += check_values(value, where, f"{key}.")
            continue
        bounds: Bounds | None = f.metadata.get("bounds")
        if bounds is None:
            continue
        if isinstance(value, Mapping):
            for k, v in value.items():
                issues += _key_issues(where, f"{key}.{k}", k, bounds)
                issues += _value_issues(where, f"{key}.{k}", v, bounds, obj)
        elif isinstance(value, list):
            for item in value:
                issues += _value_issues(where, key, item, bounds, obj)
        else:
            issues += _value_issues(where, key, value, bounds, obj)
    return issues


def _key_issues(where: str, key: str, k: Any, b: Bounds) -> list[Issue]:
    if (b.keys and k not in b.keys) or (b.key_ok is not None and not b.key_ok(k)):
        return [Issue(where, None, key, k, b.key_rule, b.key_hint)]
    return []


def _value_issues(where: str, key: str, value: Any, b: Bounds, obj: Any) -> list[Issue]:
    if b.choices:
        ok = value in b.choices
        return [] if ok else [Issue(where, None, key, value, b.choice_rule or b.rule,
                                    b.choice_hint or b.hint)]
    if b.value_ok is not None:
        return [] if b.value_ok(value) else [Issue(where, None, key, value, b.rule, b.hint)]
    high = getattr(obj, b.high_key) if b.high_key else b.high
    too_low = b.low is not None and (value <= b.low if b.low_open else value < b.low)
    too_high = high is not None and (value >= high if b.high_open else value > high)
    if b.rule:
        return [Issue(where, None, key, value, b.rule, b.hint)] if too_low or too_high else []
    issues = []
    if too_low and b.low is not None:
        rule = b.low_rule or f"must be {'>' if b.low_open else '>='} {number(b.low)}"
        issues.append(Issue(where, None, key, value, rule, b.hint))
    if too_high and high is not None:
        issues.append(Issue(where, None, key, value, b.high_rule or f"must be at most {number(high)}",
                            b.high_hint))
    return issues
