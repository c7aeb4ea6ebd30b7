"""The draw's faster ordering (raw digests from one keyed HMAC state) is the published one: ascending
``domain.draw_key`` (lowercase hex), ties by id — checked against the rule written out plainly."""

from __future__ import annotations

import random
import secrets
from collections import Counter

from sisnaker.prakerja import domain


def reference_draw(*, seed, candidates, quotas, max_per_household=2):
    """``domain.draw`` as the module's docstring states it, with the published hex keys."""
    ordered = sorted(candidates, key=lambda c: (domain.draw_key(seed, c.id), c.id))
    household = Counter()
    for c in ordered:
        household[c.household] = max(household[c.household], c.prior)
    left = dict(quotas)
    selected, waiting = [], []
    for c in ordered:
        if household[c.household] >= max_per_household:
            continue
        if left.get(c.province, 0) > 0:
            left[c.province] -= 1
            household[c.household] += 1
            selected.append(c.id)
        else:
            waiting.append(c)
    pool = sum(left.values())
    for c in waiting:
        if pool <= 0:
            break
        if household[c.household] >= max_per_household:
            continue
        pool -= 1
        household[c.household] += 1
        selected.append(c.id)
    return selected


def test_the_draw_selects_exactly_what_the_published_rule_selects():
    rng = random.Random(7)
    for _ in range(20):
        seed = secrets.token_hex(32)
        provinces = ["11", "32", "35", "94"]
        candidates = [domain.Candidate(i, rng.choice(provinces), rng.randint(1, 400), rng.choice([0, 0, 0, 1, 2]))
                      for i in rng.sample(range(1, 10**9), 800)]
        quotas = {p: rng.randint(0, 250) for p in provinces}
        assert domain.draw(seed=seed, candidates=candidates, quotas=quotas) == reference_draw(
            seed=seed, candidates=candidates, quotas=quotas)
