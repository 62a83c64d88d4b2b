"""``osa-opt execution``'s simulation (the default, ``exact=False``), sample by sample.

docs/execution.md: "Sample i draws from ``numpy.random.default_rng([seed, i])`` (one number
per partner, then per project, in input order)"; a partner signs when its number is below
its ``p_sign``, an item stays when its number is below its ``p_sign`` or its stage's
default. ``tests/test_analyses_bruteforce.py`` checks ``exact=True`` against a listing of
every outcome; here the same rounds (``Signings``: random stages and probabilities, the
commit rule of step 3 written from the docs) are simulated with those draws and every
level's expected execution, chance below target and expected value must equal the mean
over the samples, to float noise: not within standard errors, but the same numbers.

``OSA_EXECUTION_SAMPLED_SEEDS=N`` runs N seeds in the slow sweep (20 by default, about 1.1 s
each; 80 seeds agreed when it was written).
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from test_analyses_bruteforce import Signings, draw

import osa_opt

SAMPLES, SEED = 150, 3


def check(seed: int) -> str:
    problem = draw(seed)
    if problem is None:
        return "refused"
    if osa_opt.solve(problem, portfolios=1).best is None:
        return "infeasible"
    sg = Signings.of(problem, seed)
    pj, co = sg.problem.projects, sg.problem.countries
    ex = osa_opt.execution(sg.problem, reserves=10, samples=SAMPLES, seed=SEED,
                           baseline=sg.baseline)
    want = np.zeros((len(sg.entries) + 1, 3))
    for i in range(SAMPLES):
        rng = np.random.default_rng([SEED, i])
        signs = dict(zip(co.index, rng.random(len(co)) < [sg.p_partner[c] for c in co.index],
                         strict=True))
        stays = dict(zip(pj.index, rng.random(len(pj)) < [sg.p_item[p] for p in pj.index],
                         strict=True))
        want += sg.levels(signs, stays)
    want /= SAMPLES
    got = ex.levels[["expected_execution", "p_below_target", "expected_value"]].to_numpy(float)
    assert got.shape == want.shape, (seed, got.shape, want.shape)
    assert np.allclose(got, want, rtol=1e-9, atol=1e-12), (seed, got.tolist(), want.tolist())
    return f"{len(sg.entries)} reserves"


FAST = list(range(8))
SLOW = list(range(8, 8 + int(os.environ.get("OSA_EXECUTION_SAMPLED_SEEDS", "20"))))


@pytest.mark.parametrize("seed", FAST)
def test_simulated_execution_is_the_mean_of_the_documented_draws(seed: int) -> None:
    check(seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SLOW)
def test_simulated_execution_is_the_mean_of_the_documented_draws_many(seed: int) -> None:
    check(seed)
