"""The draw's faster ordering (raw digests from one keyed HMAC state; on PostgreSQL the same key computed in SQL)
is the published one: ascending ``domain.draw_key`` (lowercase hex), ties by id — checked against the rule
written out plainly. The app's draw (``draw_by_province``: one lazy stream per province, read only as far as the
result depends on it) selects what the rule selects."""

from __future__ import annotations

import hashlib
import random
import secrets
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from sisnaker.prakerja import domain, selectors, services
from sisnaker.prakerja.domain import ApplicationStatus as S
from sisnaker.prakerja.models import Application
from tests.conftest import make_nik

from .conftest import EARLY, NOW, apply_confirmed, kk_of


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


# Real lists: every member of a household carries the household's earlier beneficiaries (closing sets it per KK).
households = st.dictionaries(st.integers(1, 30), st.integers(0, 3), min_size=1)


@settings(max_examples=200)
@given(households, st.data(), st.binary(min_size=32, max_size=32).map(bytes.hex), st.integers(1, 3))
def test_the_streaming_passes_match_the_rule(priors, data, seed, limit):
    ids = data.draw(st.lists(st.integers(1, 10**7), unique=True, max_size=150))
    provinces = ["11", "32", "35", "94"]
    candidates = [domain.Candidate(i, data.draw(st.sampled_from(provinces)), h, priors[h])
                  for i in ids for h in [data.draw(st.sampled_from(sorted(priors)))]]
    quotas = data.draw(st.dictionaries(st.sampled_from(provinces), st.integers(0, 60)))
    expected = reference_draw(seed=seed, candidates=candidates, quotas=quotas, max_per_household=limit)
    assert domain.draw(seed=seed, candidates=candidates, quotas=quotas, max_per_household=limit) == expected
    # One generator per province, in the draw's order, as the database pages them.
    ordered = sorted(candidates, key=domain.draw_order(seed))
    streams = {p: _of_province(ordered, p) for p in provinces}
    selected, where = domain.draw_by_province(seed=seed, streams=streams, quotas=quotas, max_per_household=limit)
    assert selected == expected
    province_of = {c.id: c.province for c in candidates}
    assert where == [province_of[pk] for pk in selected]


def _of_province(ordered, province):
    return (c for c in ordered if c.province == province)


def test_a_province_is_read_only_as_far_as_its_quota_when_no_seat_is_left_over():
    rng = random.Random(11)
    seed = secrets.token_hex(32)
    candidates = [domain.Candidate(i, p, i, 0) for p in ("32", "35") for i in rng.sample(range(10**6 * int(p), 10**6 * (int(p) + 1)), 5000)]
    ordered = sorted(candidates, key=domain.draw_order(seed))
    read = Counter()

    def stream(p):
        for c in ordered:
            if c.province == p:
                read[p] += 1
                yield c
    selected, _ = domain.draw_by_province(seed=seed, streams={p: stream(p) for p in ("32", "35")}, quotas={"32": 50, "35": 20})
    assert selected == reference_draw(seed=seed, candidates=candidates, quotas={"32": 50, "35": 20})
    assert read == {"32": 50, "35": 20}  # one household per candidate: nobody skipped, nothing read past the quota


def test_the_hmac_pads_compute_the_draw_key():
    seed = secrets.token_hex(32)
    inner, outer = domain.hmac_pads(seed)
    for pk in (1, 42, 10**12):
        message = str(pk).encode()
        assert hashlib.sha256(outer + hashlib.sha256(inner + message).digest()).hexdigest() == domain.draw_key(seed, pk)


@pytest.mark.django_db
@pytest.mark.usefixtures("sms")
def test_the_database_streams_the_candidates_in_the_draws_order(open_wave, applicant, pmo, monkeypatch):
    """On PostgreSQL the order comes from SQL (sha256 of the padded keys), page after page: it must be the
    published order, or the replay from the published list would not match."""
    monkeypatch.setattr(selectors, "_first_page", lambda quota: 2)  # pages of 2, then 3: the key-set paging runs
    monkeypatch.setattr(selectors, "NEXT_PAGE_MIN", 3)
    wave = open_wave(quotas={"32": 3}, national_target=3)
    for i in range(12):
        apply_confirmed(wave, applicant(), kk=kk_of(make_nik(), serial=300 + i // 2))
    for i in range(4):  # Jakarta has no quota: its stream is read from the start only when seats are left over
        apply_confirmed(wave, applicant(nik_district="31.74.01"), kk=kk_of(make_nik(district="31.74.01"), serial=400 + i))
    services.wave_close(actor=pmo, wave=wave, reason=EARLY, now=NOW)
    wave.refresh_from_db()
    streams = selectors.draw_streams(wave)
    in_order = sorted(selectors.draw_candidates(wave), key=lambda c: (domain.draw_key(wave.seed, c.id), c.id))
    for code in ("32", "31"):
        streamed = list(streams.pop(code))
        assert len(streamed) == (12 if code == "32" else 4)
        assert streamed == [c for c in in_order if c.province == code]
    assert all(list(s) == [] for s in streams.values())
    # The draw writes only the selected; the others read as not selected, and the published replay matches.
    services.wave_draw(actor=pmo, wave=wave, now=NOW)
    wave.refresh_from_db()
    rows = list(Application.objects.filter(wave=wave).select_related("wave"))
    assert sorted(a.outcome for a in rows) == [S.NOT_SELECTED] * 13 + [S.SELECTED] * 3
    assert {a.status for a in rows} == {S.ELIGIBLE}  # the draw rewrote none of them
    # The PMO's page reads the counts frozen by closing and the draw, and they are what a recount gives.
    with CaptureQueriesContext(connection) as queries:
        frozen = selectors.wave_figures(wave)
    assert not [q for q in queries if "prakerja_application" in q["sql"] or "prakerja_selection" in q["sql"]]
    wave.counts = {}
    assert frozen == selectors.wave_figures(wave)
    assert frozen["by_status"] == {S.SELECTED: 3, S.NOT_SELECTED: 13} and frozen["total"] == 16
    assert {r["province"].code: (r["applicants"], r["selected"]) for r in frozen["provinces"] if r["applicants"]} == {
        "32": (12, 3), "31": (4, 0)}
    assert [w.n_applications for w in selectors.waves() if w.pk == wave.pk] == [16]
    wave.refresh_from_db()
    published = selectors.draw_publication(wave)
    candidates = [domain.Candidate(*c) for c in published["candidates"]]
    assert domain.draw(seed=published["seed"], candidates=candidates, quotas=published["quotas"],
                       max_per_household=published["max_per_household"]) == published["selected"]
