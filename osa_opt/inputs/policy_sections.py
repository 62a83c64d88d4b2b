"""The sections of a policy: one frozen dataclass each, every key declared with its registry
entry (:func:`osa_opt.inputs.policy_keys.param`: default, meaning, unit, bounds).

Add a policy key here, with its bounds, and document it in docs/policy.md; the loader, the
checker, the glossary and the TOML writer pick it up from the declaration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from osa_opt.inputs.policy_keys import (
    CONSIDERATIONS,
    EQUIPMENT_CATEGORIES,
    FIELDS,
    MAX_AMOUNT,
    MAX_FACTOR,
    MAX_FRONTIER_STEPS,
    MAX_FRONTIER_STOP,
    MAX_PORTFOLIOS,
    MAX_SAMPLES,
    MAX_SEED,
    MAX_THREADS,
    MAX_WHOLE,
    SHARE,
    STAGES,
    TIER_KEYS,
    TIERS,
    Bounds,
    Frozen,
    KeyRules,
    param,
)

_THRESHOLD = Bounds(low=0.0, high=10.0, rule="a threshold must be in 0-10",
                    hint="give a number 0-10")
_SEED = Bounds(low=0, high=MAX_SEED, rule=f"a seed must be a whole number in 0-{MAX_SEED}",
               hint="e.g. 0 or 7")
_FIELD_KEYS = KeyRules(keys=FIELDS, key_rule="unknown field of cooperation",
                       key_hint=f"use one of {', '.join(FIELDS)}")
_FIELD_SHARE = Bounds(low=SHARE.low, high=SHARE.high, rule=SHARE.rule, hint=SHARE.hint,
                      **_FIELD_KEYS)


def _at_least(low: float, hint: str, high: float | None = None, high_hint: str = "", *,
              low_open: bool = False, low_rule: str = "") -> Bounds:
    """A number ``>= low`` (``> low`` when ``low_open``), at most ``high``."""
    return Bounds(low=low, low_open=low_open, low_rule=low_rule, hint=hint, high=high,
                  high_hint=high_hint)


def _is_name(text: str) -> bool:
    """A fiscal year or criterion names a column (cost_FY2026): no spaces."""
    return bool(text.strip()) and not any(ch.isspace() for ch in text)


def _is_category(text: str) -> bool:
    """An equipment category as a project's cell is read: lower case, no spaces (a project's
    ``Rescue`` is ``rescue``, so a policy's ``Rescue`` would match no project)."""
    return _is_name(text) and text == text.lower()


def _is_range(rng: Sequence[float]) -> bool:
    return len(rng) == 2 and 0 <= rng[0] <= rng[1]


@dataclass(frozen=True)
class EligibilityPolicy(Frozen):
    fields: Sequence[str] = param(
        list(FIELDS), "fields of cooperation that may be funded",
        bounds=Bounds(choices=FIELDS, rule="unknown field of cooperation",
                      hint=f"use one of {', '.join(FIELDS)}"))
    require_oda_eligible: bool = param(True, "recipient must be on the OECD DAC list")
    exclude_parties_to_conflict: bool = param(True, "Three Principles: no party to a conflict")
    require_management_agreement: bool = param(
        True, "appropriate-management / prior-consent terms must be in place (a project's "
        "prior_consent, blank: its country's management_agreement)")
    require_un_charter: bool = param(
        True, "a project must be for use consistent with the UN Charter (column un_charter)")
    exclude_dispute_linked: bool = param(
        True, "no project directly linked to an international dispute (column dispute_linked)")
    equipment_categories: Sequence[str] = param(
        list(EQUIPMENT_CATEGORIES), "categories of defence equipment that may be transferred; "
        "a project's equipment_category must be one of them or not_defence_equipment",
        bounds=Bounds(value_ok=_is_category, rule="a category is written in lower case, without "
                      "spaces: a project's equipment_category is read so, and would never "
                      "match this one, so every project of the category would be ineligible",
                      hint="name categories like surveillance (lower case, no spaces)"))
    max_risk: float = param(
        1.0, "misuse risk above which a project needs a written mitigation (column "
        "mitigation) to be eligible; 1 = no limit", "0-1",
        Bounds(low=0.0, high=1.0, rule="a risk limit must be in 0-1", hint="e.g. 0.5"))
    min_democracy: float = param(0.0, "lowest democracy assessment accepted", "0-10", _THRESHOLD)
    min_rule_of_law: float = param(0.0, "lowest rule-of-law assessment accepted", "0-10",
                                   _THRESHOLD)
    min_human_rights: float = param(0.0, "lowest human-rights assessment accepted", "0-10",
                                    _THRESHOLD)


@dataclass(frozen=True)
class ObjectivePolicy(Frozen):
    weights: Mapping[str, float] = param(
        {"security": 0.4, "humanitarian": 0.3, "partnership": 0.3},
        "weight of each criterion; criterion k is read from column score_<k>",
        bounds=Bounds(low=0.0, low_rule="a weight must be >= 0", hint="give a weight >= 0",
                      high=MAX_FACTOR, high_hint="weights are relative: scale them all down, "
                      "e.g. to sum to 1", key_ok=_is_name,
                      key_rule="a criterion name may not contain spaces",
                      key_hint="name criteria like security (column score_security)"))
    tier_multiplier: Mapping[int, float] = param(
        {1: 1.0, 2: 1.0, 3: 1.0}, "value multiplier by the country's priority tier; a tier the table leaves out is "
        "valued x1 (with a warning)",
        bounds=Bounds(low=0.0, low_rule="a multiplier must be >= 0", hint="give a number >= 0",
                      high=MAX_FACTOR, high_hint="multipliers are relative, e.g. 1.3 for tier 1",
                      **TIER_KEYS))
    risk_aversion: float = param(
        1.0, "value is scaled by (1 - risk_aversion * risk)",
        bounds=_at_least(0.0, "give a number >= 0 (1 scales value by 1 - risk)", MAX_FACTOR,
                         "1 scales value by 1 - risk"))
    considerations: Mapping[str, float] = param(
        {}, "relative weight of each country assessment weighed in the country factor "
        "(democracy, rule_of_law, human_rights, economic_social, bilateral_relations)",
        bounds=Bounds(low=0.0, low_rule="a weight must be >= 0", hint="give a weight >= 0",
                      high=MAX_FACTOR, high_hint="weights are relative, e.g. 1 each",
                      keys=CONSIDERATIONS, key_rule="unknown consideration",
                      key_hint=f"use one of {', '.join(CONSIDERATIONS)}"))
    consideration_strength: float = param(
        0.0, "how far the country factor moves value: 1 + strength x the weighted mean of "
        "(assessment - 5) / 5; 0 = off", "share",
        Bounds(low=0.0, high=1.0, high_open=True, rule="must be in [0, 1)",
               hint="e.g. 0.3: the best-assessed country's projects are worth 30% more, "
               "the worst 30% less"))


@dataclass(frozen=True)
class PriorityPolicy(Frozen):
    min_tier_share: Mapping[int, float] = param(
        {}, "smallest share of the total budget spent on each tier", "share",
        Bounds(low=SHARE.low, high=SHARE.high, rule=SHARE.rule, hint=SHARE.hint, **TIER_KEYS))
    fund_every_tier: Sequence[int] = param(
        [], "tiers whose every eligible partner gets at least one project",
        bounds=Bounds(choices=TIERS, rule="tiers are 1, 2 or 3", hint="list tiers among 1, 2, 3"))
    required_partners: Sequence[str] = param(
        [], "partners that must receive at least one funded project, named as in the "
        "countries sheet (a minister's instruction: the partner, not one of its items)")
    max_country_share: float = param(
        1.0, "largest share of the total budget for one country", "share", SHARE)
    min_countries: int = param(
        0, "smallest number of distinct recipient countries",
        bounds=_at_least(0, "give a whole number >= 0", MAX_WHOLE,
                         "give the number of distinct recipient countries"))
    max_countries: int = param(
        0, "largest number of partners with an agreement in the round (0 = no limit)",
        bounds=_at_least(0, "give a whole number >= 0 (0 = no limit)", MAX_WHOLE,
                         "give the number of partners with an agreement"))
    min_package: float = param(
        0.0, "smallest package of a funded partner: its funded cost over the round's years "
        "(0 = none)", "¥ million",
        _at_least(0.0, "give ¥ million >= 0 (0 = none)", MAX_AMOUNT,
                  "amounts are in ¥ million (500 means ¥500 million)"))


@dataclass(frozen=True)
class BalancePolicy(Frozen):
    min_field_share: Mapping[str, float] = param(
        {}, "smallest budget share by field", "share", _FIELD_SHARE)
    max_field_share: Mapping[str, float] = param(
        {}, "largest budget share by field", "share", _FIELD_SHARE)
    min_region_share: Mapping[str, float] = param(
        {}, "smallest budget share by region", "share", SHARE)
    max_region_share: Mapping[str, float] = param(
        {}, "largest budget share by region", "share", SHARE)


@dataclass(frozen=True)
class PortfoliosPolicy(Frozen):
    count: int = param(5, "how many ranked portfolios", bounds=_at_least(
        1, "ask for 1 or more", MAX_PORTFOLIOS, "ask for fewer: each portfolio is a solve of "
        "its own"))
    min_difference: int = param(
        2, "each portfolio differs from every better one in this many projects",
        bounds=_at_least(1, "give a whole number >= 1", MAX_WHOLE,
                         "give the number of projects that must differ"))


@dataclass(frozen=True)
class SolverPolicy(Frozen):
    time_limit: float = param(60.0, "time limit of one solve", "seconds",
                              _at_least(0.0, "give seconds > 0", low_open=True))
    explain_time_limit: float = param(
        120.0, "time each explanation of portfolio 1 (why-in/why-out, rule prices) may spend "
        "on exact re-solves; past it, answers are LP bounds, labelled", "seconds",
        _at_least(0.0, "give seconds > 0", low_open=True))
    mip_rel_gap: float = param(
        0.0, "relative optimality gap; 0 proves the optimum", "share",
        Bounds(low=0.0, high=1.0, high_open=True, rule="must be in [0, 1)",
               hint="use 0 for proven optima"))
    threads: int = param(1, "solver threads (fixed for reproducibility)", bounds=_at_least(
        1, "give 1 or more", MAX_THREADS, "1 gives reproducible runs; more only helps large "
        "models"))
    seed: int = param(0, "solver random seed", bounds=_SEED)


@dataclass(frozen=True)
class FrontierPolicy(Frozen):
    start: float = param(
        0.25, "smallest budget of the sweep, as a share of the policy budget", "share",
        Bounds(low=0.0, low_open=True, high_key="stop", rule="need 0 < start <= stop",
               hint="e.g. start 0.25, stop 1.5"))
    stop: float = param(
        1.5, "largest budget of the sweep, as a share of the policy budget", "share",
        Bounds(high=MAX_FRONTIER_STOP,
               high_hint="the sweep is in shares of the policy budget, e.g. 1.5 for 150%"))
    steps: int = param(11, "number of budget levels in the sweep (11: every 12.5%); the policy "
                       "budget, 100%, is always a level", bounds=_at_least(
        1, "give 1 or more steps", MAX_FRONTIER_STEPS,
        "each step is one solve; 12 to 50 show the curve"))


@dataclass(frozen=True)
class RobustnessPolicy(Frozen):
    weight_ranges: Mapping[str, Sequence[float]] = param(
        {}, "[low, high] range of each criterion weight; a criterion not listed keeps its weight",
        bounds=Bounds(value_ok=_is_range, rule="a range is [low, high], 0 <= low <= high",
                      hint="e.g. security = [0.3, 0.5]"),
        expected="a list [low, high]")
    samples: int = param(500, "number of sampled weight and score vectors", bounds=_at_least(
        1, "give 1 or more", MAX_SAMPLES, "a few thousand samples give stable core indices"))
    seed: int = param(0, "random seed of the sampling", bounds=_SEED)


@dataclass(frozen=True)
class ExecutionPolicy(Frozen):
    p_sign_by_stage: Mapping[str, float] = param(
        {"request": 0.5, "survey": 0.7, "agreed": 0.9, "signed": 1.0},
        "probability that an item stays in its signed agreement, by its stage (when the "
        "project's p_sign is blank; a project with no stage: 1)", "probability",
        Bounds(low=0.0, high=1.0, rule="a probability must be in 0-1", hint="e.g. agreed = 0.9",
               keys=STAGES, key_rule="unknown stage", key_hint=f"use one of {', '.join(STAGES)}"))
    samples: int = param(2000, "number of simulated signing outcomes", bounds=_at_least(
        1, "give 1 or more", MAX_SAMPLES, "a few thousand samples give stable figures"))
    seed: int = param(0, "random seed of the simulation", bounds=_SEED)
    target: float = param(
        0.95, "execution aimed at: committed cost as a share of the budget", "share",
        Bounds(low=0.0, low_open=True, high=1.0, rule="must be in (0, 1]",
               hint="e.g. 0.95 for 95%"))


SECTIONS: dict[str, type] = {
    "eligibility": EligibilityPolicy,
    "objective": ObjectivePolicy,
    "priority": PriorityPolicy,
    "balance": BalancePolicy,
    "portfolios": PortfoliosPolicy,
    "solver": SolverPolicy,
    "frontier": FrontierPolicy,
    "robustness": RobustnessPolicy,
    "execution": ExecutionPolicy,
}
