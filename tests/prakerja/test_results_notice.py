"""Issue 11: citizens are told the draw's result ("lolos" / "belum lolos", and what comes next) once per
application, after the draw commits, at the phone and e-mail verified for the application."""

from __future__ import annotations

import pytest
from django.core import mail

from sisnaker.core.errors import Conflict, PermissionDenied
from sisnaker.core.models import AuditEvent
from sisnaker.notifications.gateways import normalize_phone
from sisnaker.notifications.models import Notification
from sisnaker.prakerja import domain, services
from sisnaker.prakerja.domain import ApplicationStatus as S
from sisnaker.prakerja.models import Application
from tests.conftest import make_nik
from tests.factories import staff
from tests.sms import committed

from .conftest import EARLY, NOW, apply_confirmed, kk_of

pytestmark = pytest.mark.usefixtures("sms")


def _results(sent) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for to, text in sent:
        if "Kartu Prakerja Gelombang Uji (no." in text:
            out.setdefault(to, []).append(text)
    return out


def test_each_candidate_is_told_once_after_the_draw_commits(open_wave, applicant, pmo, sms):
    wave = open_wave(quotas={"32": 2}, national_target=2)
    people = [applicant() for _ in range(4)]
    apps = [apply_confirmed(wave, p, kk=kk_of(make_nik(), serial=i), email=f"warga{i}@contoh.id")
            for i, p in enumerate(people, start=1)]
    services.wave_close(actor=pmo, wave=wave, reason=EARLY, now=NOW)
    with pytest.raises(Conflict):  # not drawn yet: nothing to tell
        services.results_tell(actor=pmo, wave=wave, now=NOW)
    committed()
    mail.outbox.clear()
    services.wave_draw(actor=pmo, wave=wave, now=NOW)
    assert not _results(sms)  # nothing leaves before the draw commits
    committed()  # the draw commits: the task writes the messages ...
    committed()  # ... which leave when its own transaction commits
    told = _results(sms)
    statuses = {a.pk: a.outcome for a in Application.objects.filter(pk__in=[a.pk for a in apps]).select_related("wave")}
    assert sorted(statuses.values()) == [S.NOT_SELECTED] * 2 + [S.SELECTED] * 2
    for app in apps:
        texts = told.pop(normalize_phone(app.phone))
        assert len(texts) == 1, texts
        text = texts[0]
        assert f"(no. {app.pk})" in text and len(text) <= 200
        if statuses[app.pk] == S.SELECTED:
            assert "LOLOS" in text and "belum" not in text and "Rp3.500.000" in text and "30 hari" in text
        else:
            assert "belum lolos" in text and "gelombang berikutnya" in text and "LOLOS" not in text
        emails = [m for m in mail.outbox if m.to == [app.email]]
        assert len(emails) == 1
        assert emails[0].subject.startswith("Selamat, Anda lolos" if statuses[app.pk] == S.SELECTED else "Anda belum lolos")
    assert not told
    assert Notification.objects.filter(topic__startswith="prakerja_result:").count() == 8
    event = AuditEvent.objects.get(action="prakerja_wave.results_told", object_id=str(wave.pk))
    assert event.after["selected"] == 2 and event.after["not_selected"] == 2

    # Once per application: running it again (a retry, a second click) tells nobody.
    before = len(sms)
    assert services.results_tell(actor=pmo, wave=wave, now=NOW) == 0
    committed()
    assert len(sms) == before
    assert Notification.objects.filter(topic__startswith="prakerja_result:").count() == 8
    # Only a PMO officer tells them.
    with pytest.raises(PermissionDenied):
        services.results_tell(actor=staff("curator"), wave=wave, now=NOW)


def test_the_household_limit_is_named():
    subject, text = domain.result_notice(selected=False, wave="Gelombang 70", application_id=12, balance=3_500_000,
                                         deadline_days=30, reason="household_full", url="https://sisnaker.example/prakerja/saya/")
    assert "kuota per KK sudah penuh" in text and subject == "Anda belum lolos Kartu Prakerja Gelombang 70"
    assert len(text) <= 200


def test_a_candidate_passed_over_by_the_household_limit_is_told_so(open_wave, applicant, pmo, sms):
    """The draw stores no reason: "kuota per KK sudah penuh" is derived from the household's earlier and newly
    selected beneficiaries. West Java has 3 seats and one KK of three: two are selected, the third is passed over
    by the KK's limit and told so; the seat left goes to one of two Jakarta candidates (no quota there); the other
    one was simply not drawn and is not told about a KK."""
    wave = open_wave(quotas={"32": 3}, national_target=3)
    kk = kk_of(make_nik(), serial=71)
    family = [apply_confirmed(wave, applicant(), kk=kk) for _ in range(3)]
    others = [apply_confirmed(wave, applicant(nik_district="31.74.01"), kk=kk_of(make_nik(district="31.74.01"), serial=80 + i))
              for i in range(2)]
    services.wave_close(actor=pmo, wave=wave, reason=EARLY, now=NOW)
    services.wave_draw(actor=pmo, wave=wave, now=NOW)
    committed()
    committed()
    told = {to: texts[0] for to, texts in _results(sms).items()}
    selected = set(Application.objects.filter(wave=wave, selection__isnull=False).values_list("pk", flat=True))
    assert len(selected & {a.pk for a in family}) == 2 and len(selected & {a.pk for a in others}) == 1
    for app in (*family, *others):
        text = told[normalize_phone(app.phone)]
        if app.pk in selected:
            assert "LOLOS" in text
        elif app in family:
            assert "belum lolos" in text and "kuota per KK sudah penuh" in text
        else:
            assert "belum lolos" in text and "kuota per KK" not in text
