"""Pure Prakerja rules: quotas by largest remainder, eligibility, the reproducible draw."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sisnaker.prakerja import domain
from sisnaker.prakerja.domain import Candidate, draw, eligibility_reason, largest_remainder

codes = st.sampled_from([f"{n:02d}" for n in range(11, 95)])
weights = st.dictionaries(codes, st.integers(min_value=0, max_value=10**9), min_size=1, max_size=38).filter(
    lambda w: sum(w.values()) > 0)


@given(weights, st.integers(min_value=0, max_value=10**7))
def test_quotas_sum_exactly_to_the_target_and_stay_within_one_of_the_exact_share(w, total):
    quotas = largest_remainder(w, total)
    assert set(quotas) == set(w)
    assert sum(quotas.values()) == total
    whole = sum(w.values())
    for key, q in quotas.items():
        exact_floor = total * w[key] // whole
        assert exact_floor <= q <= exact_floor + 1
        if w[key] == 0:
            assert q == 0


@given(weights, st.integers(min_value=0, max_value=10**6))
def test_quotas_do_not_depend_on_the_order_of_the_provinces(w, total):
    assert largest_remainder(dict(reversed(list(w.items()))), total) == largest_remainder(w, total)


def test_quotas_known_example_and_refusals():
    # 10 seats over 3 equal weights: 3/3/3 and the remainder tie goes to the smallest code.
    assert largest_remainder({"32": 1, "31": 1, "33": 1}, 10) == {"31": 4, "32": 3, "33": 3}
    assert largest_remainder({"11": 5, "12": 3, "13": 2}, 7) == {"11": 4, "12": 2, "13": 1}
    with pytest.raises(ValueError):
        largest_remainder({"11": 0}, 5)
    with pytest.raises(ValueError):
        largest_remainder({"11": -1, "12": 3}, 5)


def test_age_and_eligibility_reasons():
    day = dt.date(2026, 1, 10)
    ok = dict(wave_day=day, in_formal_education=False)
    assert eligibility_reason(birth_date=dt.date(2008, 1, 10), **ok) is None  # 18 today
    assert eligibility_reason(birth_date=dt.date(2008, 1, 11), **ok) == "age"  # 18 tomorrow
    assert eligibility_reason(birth_date=dt.date(1961, 1, 11), **ok) is None  # 64
    assert eligibility_reason(birth_date=dt.date(1961, 1, 10), **ok) == "age"  # 65 today
    born = dt.date(1995, 5, 17)
    assert eligibility_reason(birth_date=born, wave_day=day, in_formal_education=True) == "formal_education"
    assert eligibility_reason(birth_date=born, exclusions={"other_aid", "civil_servant"}, **ok) == "excluded:civil_servant"
    assert eligibility_reason(birth_date=born, exclusions={"earlier_beneficiary"}, **ok) == "earlier_beneficiary"
    assert eligibility_reason(birth_date=born, earlier_beneficiary=True, **ok) == "earlier_beneficiary"
    assert domain.age_on(dt.date(2000, 2, 29), dt.date(2018, 2, 28)) == 17
    assert domain.age_on(dt.date(2000, 2, 29), dt.date(2018, 3, 1)) == 18
    for reason in ("age", "formal_education", "earlier_beneficiary", "excluded:civil_servant", "household_full"):
        assert domain.reason_text(reason).id and domain.reason_text(reason).en


def test_kk_number():
    assert domain.kk_problem(domain.normalise_digits("3273 0112 3456 0001")) is None
    assert domain.kk_problem("327301123456000") is not None
    assert domain.kk_problem("32730112345600O1") is not None
    assert domain.kk_problem("") is not None


candidates = st.lists(
    st.builds(Candidate, id=st.integers(1, 10**6), province=st.sampled_from(["11", "32", "35", "94"]),
              household=st.integers(1, 40), prior=st.integers(0, 2)),
    max_size=120, unique_by=lambda c: c.id)
quota_maps = st.dictionaries(st.sampled_from(["11", "32", "35", "94"]), st.integers(0, 40))
seeds = st.binary(min_size=32, max_size=32).map(bytes.hex)


@settings(max_examples=150)
@given(candidates, quota_maps, seeds, st.integers(1, 3))
def test_the_draw_respects_quotas_households_and_is_reproducible(cands, quotas, seed, limit):
    chosen = draw(seed=seed, candidates=cands, quotas=quotas, max_per_household=limit)
    assert len(chosen) == len(set(chosen))
    assert set(chosen) <= {c.id for c in cands}
    assert len(chosen) <= sum(quotas.values())
    by_id = {c.id: c for c in cands}
    per_household = Counter(by_id[i].household for i in chosen)
    prior = Counter()
    for c in cands:  # the household's earlier beneficiaries (the same on each of its candidates in real lists)
        prior[c.household] = max(prior[c.household], c.prior)
    for household, n in per_household.items():
        assert n + prior[household] <= max(limit, prior[household])
    # Same seed and list, in any order: the same result.
    assert draw(seed=seed, candidates=list(reversed(cands)), quotas=quotas, max_per_household=limit) == chosen
    # The pool is used: nobody left out who could have taken an unused seat.
    if len(chosen) < sum(quotas.values()):
        left_out = [c for c in cands if c.id not in set(chosen)]
        assert all(per_household[c.household] + prior[c.household] >= limit for c in left_out)


def test_the_draw_keeps_province_quotas_and_gives_unused_seats_to_others():
    seed = "ab" * 32
    cands = [Candidate(i, "32", household=i) for i in range(1, 101)] + [Candidate(1000 + i, "94", household=1000 + i) for i in range(3)]
    chosen = draw(seed=seed, candidates=cands, quotas={"32": 10, "94": 5})
    assert sum(1 for i in chosen if i >= 1000) == 3  # Papua had only 3 applicants: all in
    assert len(chosen) == 15  # its 2 unused seats went to West Java
    first = [c.id for c in sorted(cands, key=lambda c: domain.draw_key(seed, c.id)) if c.province == "32"][:10]
    assert set(first) <= set(chosen)


def test_the_draw_key_is_the_documented_hmac():
    import hashlib
    import hmac

    seed = secrets.token_hex(32)
    assert domain.draw_key(seed, 42) == hmac.new(bytes.fromhex(seed), b"42", hashlib.sha256).hexdigest()
    assert domain.seed_commitment(seed) == hashlib.sha256(bytes.fromhex(seed)).hexdigest()
    # A different seed gives a different order.
    cands = [Candidate(i, "32", household=i) for i in range(1, 200)]
    assert draw(seed="00" * 32, candidates=cands, quotas={"32": 20}) != draw(seed="01" * 32, candidates=cands, quotas={"32": 20})
