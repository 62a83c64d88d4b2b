"""Bundles (``osa-opt validate``, docs/packages.md "Bundles"): projects that require each
other, directly or in a ring, against the transitive closure of the requirements.

A bundle is a set of two or more projects each of which requires, through others
perhaps, every other one; members in input order, bundles by their first member
(docs/inputs.md, ``validate --json``'s ``bundles``). The oracle walks every requirement
until nothing new is reached (no graph algorithm shared with osa-opt), on random
requirement graphs with requirements on unknown ids, rings, chains into rings and
self-contained pairs. 5,000 graphs agreed when it was written; ``OSA_BUNDLE_SEEDS=N`` runs N
graphs in the slow tier (2,000 by default).
"""

from __future__ import annotations

import os
import random

import pandas as pd
import pytest

from osa_opt.inputs.requirement_rules import bundles


def graph(seed: int) -> dict[str, tuple[str, ...]]:
    rng = random.Random(seed)
    ids = [f"P{i:02d}" for i in range(rng.randint(2, 12))]
    rng.shuffle(ids)
    return {p: tuple(sorted({q for q in rng.sample([*ids, "ZZ"], rng.randint(0, 3)) if q != p}))
            if rng.random() < 0.6 else () for p in ids}


def closure_bundles(requires: dict[str, tuple[str, ...]]) -> list[list[str]]:
    reach = {p: {p} for p in requires}
    grown = True
    while grown:
        grown = False
        for p in requires:
            for q in list(reach[p]):
                for r in requires.get(q, ()):
                    if r in reach and r not in reach[p]:
                        reach[p].add(r)
                        grown = True
    out, seen = [], set()
    for p in requires:
        if p not in seen:
            group = [q for q in requires if q in reach[p] and p in reach[q]]
            seen |= set(group)
            if len(group) > 1:
                out.append(group)
    return out


def check(seed: int) -> None:
    requires = graph(seed)
    table = pd.DataFrame({"requires": list(requires.values())}, index=list(requires))
    assert bundles(table) == closure_bundles(requires), (seed, requires)


@pytest.mark.parametrize("chunk", range(4))
def test_bundles_are_the_rings_of_the_requirements(chunk: int) -> None:
    for seed in range(chunk * 100, chunk * 100 + 100):
        check(seed)


@pytest.mark.slow
def test_bundles_are_the_rings_of_the_requirements_many() -> None:
    for seed in range(400, 400 + int(os.environ.get("OSA_BUNDLE_SEEDS", "2000"))):
        check(seed)
