"""The posko's pure rules: consent, a posko's data, the daily and weekly series (Hypothesis for the folding)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from sisnaker.posko import domain
from sisnaker.posko.domain import CONSENT_VERSION, Consent


def test_consent_must_be_given_on_the_current_text():
    assert domain.consent_problem(Consent(given=True, version=CONSENT_VERSION)) is None
    assert domain.consent_problem(Consent(given=False, version=CONSENT_VERSION)) == domain.CONSENT_REQUIRED
    assert domain.consent_problem(Consent(given=True, version="posko-2020-1")) == domain.CONSENT_OUTDATED
    assert domain.consent_problem(Consent(given=True, version=CONSENT_VERSION, method="lisan")) == domain.CONSENT_REQUIRED
    assert domain.CONSENT_TEXT.id and domain.CONSENT_TEXT.en


def test_a_posko_is_of_a_training_centre_exactly_when_it_names_one():
    assert domain.posko_problem(name="Posko Kota", kind="regional_office", has_institution=False) is None
    assert domain.posko_problem(name="Posko BLK", kind="training_centre", has_institution=True) is None
    assert domain.posko_problem(name="Posko BLK", kind="training_centre", has_institution=False)[0] == "institution"
    assert domain.posko_problem(name="Posko Kota", kind="regional_office", has_institution=True)[0] == "institution"
    assert domain.posko_problem(name="  a ", kind="regional_office", has_institution=False)[0] == "name"
    assert domain.posko_problem(name="Posko", kind="kios", has_institution=False)[0] == "kind"
    assert domain.posko_problem(name="Posko BLK", kind="training_centre", has_institution=True, regency="32.73",
                                institution_regency="35.78")[0] == "regency"
    assert domain.posko_problem(name="Posko BLK", kind="training_centre", has_institution=True, regency="32.73",
                                institution_regency="32.73", institution_approved=False)[0] == "institution"
    assert domain.posko_problem(name="Posko BLK", kind="training_centre", has_institution=True, regency="32.73",
                                institution_regency="32.73") is None


def test_series_fill_empty_days_and_fold_weeks_from_monday():
    today = dt.date(2026, 11, 25)  # a Wednesday
    counts = {dt.date(2026, 11, 25): 3, dt.date(2026, 11, 23): 2, dt.date(2026, 11, 22): 4, dt.date(2026, 11, 1): 9}
    assert domain.daily_series(counts, today=today, days=4) == [
        (dt.date(2026, 11, 22), 4), (dt.date(2026, 11, 23), 2), (dt.date(2026, 11, 24), 0), (dt.date(2026, 11, 25), 3)]
    assert domain.weekly_series(counts, today=today, weeks=2) == [(dt.date(2026, 11, 16), 4), (dt.date(2026, 11, 23), 5)]
    assert domain.week_start(dt.date(2026, 11, 29)) == dt.date(2026, 11, 23)


@settings(deadline=None)  # a pure fold: timing on a shared, loaded machine is no finding
@given(st.dictionaries(st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31)), st.integers(0, 50)),
       st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31)))
def test_weeks_hold_exactly_the_days_of_their_span(counts, today):
    weeks = domain.weekly_series(counts, today=today, weeks=8)
    assert len(weeks) == 8 and all(w.weekday() == 0 for w, _ in weeks)
    first = weeks[0][0]
    end = domain.week_start(today) + dt.timedelta(days=6)
    assert sum(n for _, n in weeks) == sum(n for d, n in counts.items() if first <= d <= end)
    assert domain.share(1, 4) == 25 and domain.share(3, 0) == 0
