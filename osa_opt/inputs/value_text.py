"""What "value" means, in words, from the policy that sets it: shown wherever a value is
(terminal, report, workbook, ``explain``), so a score is never read as money."""

from __future__ import annotations

from typing import TYPE_CHECKING

from osa_opt.text import fixed, number, share_text

if TYPE_CHECKING:
    from osa_opt.inputs.policy import Policy


NOT_MONEY = "Value is a score, not money: "


def value_definition(policy: Policy, *, glue: str = " ") -> str:
    """One paragraph: the formula of docs/model.md with the policy's numbers.

    ``glue`` is the space inside a term of the formula (``0.4 × security``, ``tier 1 ×1.3``,
    ``(1 − 1 × risk)``) and after an operator between factors: a printer that wraps at
    plain spaces only (the terminal's, :data:`osa_opt.text.NO_BREAK`) then breaks the
    formula only before a ``+`` or a ``×`` joining two factors, never inside a term.

    >>> from osa_opt.inputs.policy import Policy
    >>> print(value_definition(Policy.from_dict({"objective": {"weights": {"a": 1.0}}})))
    Value is a score, not money: each funded project adds (1 × a score) × its partner's tier multiplier (1 for every tier) × (1 − 1 × risk), times the fraction funded; a portfolio's value is the sum.
    """
    g = glue
    obj = policy.objective
    weights = f" +{g}".join(f"{number(w)}{g}×{g}{name}" for name, w in obj.weights.items()
                            if w) or "0"
    tiers = dict(obj.tier_multiplier)
    if tiers and any(m != 1 for m in tiers.values()):
        multiplier = ", ".join(f"tier{g}{t}{g}×{number(m)}" for t, m in sorted(tiers.items()))
    else:
        multiplier = "1 for every tier"
    weighed = {k: w for k, w in obj.considerations.items() if w > 0}
    country = ""
    if weighed and obj.consideration_strength > 0:  # the considerations the guidelines weigh
        words = {"economic_social": "economic and social situation"}
        names = ", ".join(words.get(k, k.replace("_", " ")) for k in weighed)
        strength = number(obj.consideration_strength)
        country = (f" ×{g}its partner's country factor (1{g}±{g}up{g}to{g}{strength} "
                   f"by its {names} assessments, 5 neutral)")
    return (f"{NOT_MONEY}each funded project adds ({weights}{g}score) ×{g}its "
            f"partner's tier multiplier ({multiplier}){country} ×{g}"
            f"(1{g}−{g}{number(obj.risk_aversion)}{g}×{g}risk), times the fraction funded; a "
            "portfolio's value is the sum.")


def value_formula(policy: Policy, *, glue: str = " ") -> str:
    """:func:`value_definition` without its opening "Value is a score, not money: ", for a
    sentence that has said so in its own words."""
    return value_definition(policy, glue=glue).removeprefix(NOT_MONEY)


def value_note(policy: Policy, best: float | None = None, *, glue: str = " ") -> str:
    """The note under the ranked portfolios (terminal, report, workbook): what value is, what
    the share of the best is and, given portfolio 1's value, how to read a gain.

    >>> from osa_opt.inputs.policy import Policy
    >>> p = Policy.from_dict({"objective": {"weights": {"a": 1.0}}})
    >>> value_note(p).endswith("The share of the best value is a portfolio's value ÷ "
    ...                        "portfolio 1's.")
    True
    >>> value_note(p, 185.479).endswith("portfolio 1's; a gain such as 1.000 of 185.479 is "
    ...                                 "points of that score.")
    True
    """
    note = (f"{value_definition(policy, glue=glue)} The share of the best value is a "
            f"portfolio's value{glue}÷{glue}portfolio{glue}1's")
    if best is None:
        return note + "."
    return note + f"; a gain such as 1.000 of {fixed(best)} is points of that score."


def value_reading(part: float, whole: float) -> str:
    """How to read "0.505 of 185.479": points of the value score of portfolio 1.

    >>> value_reading(0.505, 185.479)
    "0.505 of 185.479 points: 0.3% of portfolio 1's value score"
    """
    share = part / whole if whole else 0.0
    return f"{fixed(part)} of {fixed(whole)} points: {share_text(share)} of portfolio 1's value score"
