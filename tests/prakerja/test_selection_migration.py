"""prakerja 0010 moves the applications earlier draws marked ``selected`` (with their ``draw_rank``) into
``Selection`` rows, ranks in the order drawn, and leaves them ``eligible``: they still read as selected, their
cards and later-wave refusals still hold, and the published list keeps its order."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from sisnaker.prakerja import selectors
from sisnaker.prakerja.domain import ApplicationStatus as S
from sisnaker.prakerja.models import Application, Selection
from tests.migrating import migrate, migrate_latest

from .test_figures import ApplicationFactory, _wave

BEFORE = [("prakerja", "0009_wave_background_steps")]


@pytest.mark.django_db(transaction=True)
def test_earlier_selections_move_to_the_selection_table_in_their_order(regions):
    wave = _wave(1, dt.date(2026, 1, 5))
    other = _wave(2, dt.date(2026, 2, 5))
    apps = [ApplicationFactory(wave=wave, province_id="32", nik_regency_id="32.73", domicile_district_id="32.73.01",
                               status=S.ELIGIBLE) for _ in range(5)]
    late = ApplicationFactory(wave=other, province_id="35", nik_regency_id="35.78", domicile_district_id="35.78.01",
                              status=S.ELIGIBLE)
    migrate(BEFORE)
    try:
        with connection.cursor() as cursor:  # as the old draw left them: status and rank on the application
            for pk, rank in ((apps[3].pk, 1), (apps[0].pk, 2), (apps[4].pk, 3), (late.pk, 1)):
                cursor.execute("UPDATE prakerja_application SET status = 'selected', draw_rank = %s WHERE id = %s", [rank, pk])
    finally:
        migrate_latest()
    assert list(Selection.objects.filter(wave=wave).order_by("rank").values_list("application_id", "rank", "province_id")) == [
        (apps[3].pk, 1, "32"), (apps[0].pk, 2, "32"), (apps[4].pk, 3, "32")]
    assert list(Selection.objects.filter(wave=other).values_list("application_id", "rank", "province_id")) == [(late.pk, 1, "35")]
    rows = {a.pk: a for a in Application.objects.select_related("wave", "selection")}
    assert {a.status for a in rows.values()} == {S.ELIGIBLE}
    assert [rows[a.pk].outcome for a in apps] == [S.SELECTED, S.NOT_SELECTED, S.NOT_SELECTED, S.SELECTED, S.SELECTED]
    assert selectors.draw_publication(wave)["selected"] == [apps[3].pk, apps[0].pk, apps[4].pk]
    # 0013 froze the drawn waves' counts as the draw now does.
    wave.refresh_from_db()
    assert wave.counts == {"applications": {"32": {"eligible": 5}}, "selected": {"32": 3}}
