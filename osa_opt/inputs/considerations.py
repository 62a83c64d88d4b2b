"""The country factor: the considerations the guidelines weigh, as a multiplier of value.

The guidelines *consider* democracy, the rule of law, human rights, the economic and social
situation and bilateral relations when choosing recipients: weighed, not thresholds. Each is
a 0-10 country column (5 neutral); the policy's ``objective.considerations`` gives their
relative weights and ``objective.consideration_strength`` how far they move value:

    country_factor[c] = 1 + strength · Σ_j w_j·(a[c,j] − 5)/5 / Σ_j w_j

so a country assessed 10 on every weighed column has its projects worth ``1 + strength``
times as much, one assessed 0 ``1 − strength`` times (strength < 1: always positive), and a
neutral one (5) is unchanged. With no weights or strength 0 the factor is 1 (docs/model.md).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from osa_opt.inputs.policy_keys import NEUTRAL_ASSESSMENT


def country_factor(countries: pd.DataFrame, considerations: Mapping[str, float],
                   strength: float) -> pd.Series:
    """Per country (the index of ``countries``), the factor that multiplies its projects'
    value; 1 everywhere when the policy weighs nothing."""
    weights = {k: float(w) for k, w in considerations.items() if w > 0}
    total = sum(weights.values())
    if strength <= 0 or total <= 0:
        return pd.Series(1.0, index=countries.index, name="country_factor")
    mean = sum(w * (countries[k].astype(float) - NEUTRAL_ASSESSMENT) / NEUTRAL_ASSESSMENT
               for k, w in weights.items()) / total
    return (1.0 + strength * mean).astype(float).rename("country_factor")
