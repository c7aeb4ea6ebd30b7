"""Prakerja services: registration with codes, identity review, eligibility at closing, exclusion lists, the draw."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.db import IntegrityError, transaction

from sisnaker.core.errors import Conflict, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.prakerja import domain, selectors, services
from sisnaker.prakerja.domain import ApplicationStatus as S
from sisnaker.prakerja.models import Application, Exclusion, Selection, Wave
from tests.conftest import make_nik
from tests.factories import staff

from .conftest import EARLY, NOW, apply_confirmed, codes_sent, data_for, kk_of, wave_data

pytestmark = pytest.mark.usefixtures("sms")


def test_a_citizen_applies_on_their_phone_with_two_codes(open_wave, applicant):
    wave = open_wave()
    person = applicant()
    app, token = services.application_start(actor=person.user, wave=wave, data=data_for(person), now=NOW)
    assert app.status == S.UNVERIFIED and app.person == person and app.assisted_by is None
    assert app.province_id == "32" and app.statement_version == domain.STATEMENT_VERSION
    phone_code, email_code = codes_sent(person.phone[-6:])
    assert phone_code not in app.phone_code_hash  # only a keyed hash is kept
    with pytest.raises(ValidationFailed) as wrong:
        services.application_confirm(actor=person.user, token=token, phone_code=phone_code, email_code="000000", now=NOW)
    assert wrong.value.field == "email_code"
    assert Application.objects.get(pk=app.pk).code_attempts == 1  # the wrong try is counted despite the refusal
    app = services.application_confirm(actor=person.user, token=token, phone_code=phone_code, email_code=email_code, now=NOW)
    assert app.status == S.SUBMITTED and app.findings == []
    assert AuditEvent.objects.filter(action="prakerja_application.submitted", object_id=str(app.pk)).exists()
    assert [a.pk for a in selectors.my_applications(person)] == [app.pk]


def test_codes_expire_and_run_out(open_wave, applicant):
    wave = open_wave()
    person = applicant()
    _app, token = services.application_start(actor=person.user, wave=wave, data=data_for(person), now=NOW)
    phone_code, email_code = codes_sent(person.phone[-6:])
    with pytest.raises(ValidationFailed):
        services.application_confirm(actor=person.user, token=token, phone_code=phone_code, email_code=email_code,
                                     now=NOW + dt.timedelta(minutes=11))
    for _ in range(services.MAX_CODE_ATTEMPTS):
        with pytest.raises(ValidationFailed):
            services.application_confirm(actor=person.user, token=token, phone_code="111111", email_code="111111", now=NOW)
    with pytest.raises(ValidationFailed):  # the right codes after five wrong tries
        services.application_confirm(actor=person.user, token=token, phone_code=phone_code, email_code=email_code, now=NOW)
    other = applicant()
    with pytest.raises(Exception) as foreign:  # someone else's token is not found
        services.application_confirm(actor=other.user, token=token, phone_code=phone_code, email_code=email_code, now=NOW)
    assert foreign.value.__class__.__name__ == "NotFound"


def test_one_application_per_nik_per_wave(open_wave, applicant):
    wave = open_wave()
    person = applicant()
    apply_confirmed(wave, person)
    with pytest.raises(Conflict) as again:
        services.application_start(actor=person.user, wave=wave, data=data_for(person), now=NOW)
    assert again.value.code == "prakerja_duplicate"
    first = Application.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database itself refuses it
        Application.objects.create(**{f.attname: getattr(first, f.attname) for f in Application._meta.concrete_fields
                                      if f.name not in ("id",)} | {"verify_token": "x" * 30})


def test_an_unconfirmed_application_can_be_started_again(open_wave, applicant):
    wave = open_wave()
    person = applicant()
    first, _ = services.application_start(actor=person.user, wave=wave, data=data_for(person), now=NOW)
    again, token = services.application_start(actor=person.user, wave=wave, data=data_for(person, email="baru@contoh.id"), now=NOW)
    assert again.pk == first.pk and again.email == "baru@contoh.id"
    phone_code, email_code = codes_sent(person.phone[-6:], "baru@contoh.id")
    assert services.application_confirm(actor=person.user, token=token, phone_code=phone_code, email_code=email_code,
                                        now=NOW).status == S.SUBMITTED


def test_refusals_a_citizen_can_cause(open_wave, applicant):
    wave = open_wave()
    person = applicant()
    cases = [
        (dict(nik=make_nik()), "prakerja_not_own_nik", "nik"),
        (dict(kk="123"), "prakerja_kk_invalid", "kk_number"),
        (dict(statement=False), "prakerja_statement_required", "statement"),
        (dict(in_formal_education=True), "prakerja_not_eligible", "in_formal_education"),
        (dict(email=""), "prakerja_contact_required", "email"),
    ]
    for over, code, field in cases:
        with pytest.raises(ValidationFailed) as refused:
            services.application_start(actor=person.user, wave=wave, data=data_for(person, **over), now=NOW)
        assert (refused.value.code, refused.value.field) == (code, field), over
    young = applicant(birth_date=dt.date(2009, 1, 1))
    with pytest.raises(ValidationFailed) as too_young:
        services.application_start(actor=young.user, wave=wave, data=data_for(young), now=NOW)
    assert too_young.value.field == "birth_date"
    with pytest.raises(Conflict):  # after the closing date
        services.application_start(actor=person.user, wave=wave, data=data_for(person), now=NOW + dt.timedelta(days=30))
    with pytest.raises(PermissionDenied):  # staff have no own NIK to apply with
        services.application_start(actor=staff("pmo_officer"), wave=wave, data=data_for(person), now=NOW)
    assert not Application.objects.exists()


def test_a_posko_officer_applies_for_a_citizen_with_consent(open_wave, applicant):
    wave = open_wave()
    officer = staff("regional_officer", region_code="32.73")
    person = applicant()
    with pytest.raises(ValidationFailed) as no_consent:
        services.application_start(actor=officer, wave=wave, data=data_for(person), now=NOW, assisted=True, consent=False)
    assert no_consent.value.field == "consent"
    app = apply_confirmed(wave, person, actor=officer, assisted=True)
    assert app.assisted_by == officer and app.consent_at == NOW and app.person == person  # name and birth date match
    stranger = apply_confirmed(wave, None, actor=officer, assisted=True, nik=make_nik(district="32.04.01"), phone="081277776666")
    assert stranger.person is None and stranger.status == S.REVIEW  # its KK is of Kota Bandung, the NIK of Kab. Bandung
    with pytest.raises(PermissionDenied):
        services.application_start(actor=person.user, wave=wave, data=data_for(person), now=NOW, assisted=True, consent=True)


def test_mismatches_go_to_review_and_a_pmo_officer_decides(open_wave, applicant, pmo):
    wave = open_wave()
    person = applicant()
    app = apply_confirmed(wave, person, birth_date=person.birth_date + dt.timedelta(days=1), kk="9999" + "0" * 12)
    assert app.status == S.REVIEW
    assert {f["code"] for f in app.findings} == {"birth_date_mismatch", "kk_region_unknown"}
    assert [a.pk for a in selectors.review_list()] == [app.pk]
    with pytest.raises(Conflict) as pending:
        services.wave_close(actor=pmo, wave=wave, reason=EARLY, now=NOW)
    assert pending.value.code == "prakerja_reviews_pending"
    with pytest.raises(ValidationFailed):  # a rejection needs its reason
        services.application_review(actor=pmo, application=app, accept=False, note="", now=NOW)
    with pytest.raises(PermissionDenied):
        services.application_review(actor=staff("curator"), application=app, accept=True, note="", now=NOW)
    app = services.application_review(actor=pmo, application=app, accept=False, note="KK milik orang lain", now=NOW)
    assert (app.status, app.reason) == (S.INELIGIBLE, "identity_rejected")
    other = apply_confirmed(wave, applicant(), kk="3204" + "0" * 12)
    assert {f["code"] for f in other.findings} == {"kk_region_mismatch"}
    assert services.application_review(actor=pmo, application=other, accept=True, note="", now=NOW).status == S.SUBMITTED


def test_a_verifier_that_cannot_answer_sends_to_review(open_wave, applicant, settings):
    settings.SISNAKER_PRAKERJA_IDENTITY_VERIFIER = "tests.prakerja.test_services.DownVerifier"
    app = apply_confirmed(open_wave(), applicant())
    assert app.status == S.REVIEW and app.findings[0]["code"] == "verifier_unavailable"


class DownVerifier:
    def __init__(self, **_):
        pass

    def verify(self, claim, *, today):
        from sisnaker.prakerja.identity import VerifierUnavailable

        raise VerifierUnavailable("time-out")


def _csv(*niks: str, header: str = "Nama;NIK") -> tuple[str, bytes]:
    lines = [header] + [f"Orang {i};'{nik}" for i, nik in enumerate(niks)]
    return "daftar.csv", ("\n".join(lines) + "\n").encode()


def test_exclusion_lists_import_in_bulk_idempotently_with_a_report(pmo, regions):
    a, b = make_nik(), make_nik(female=True)
    name, data = _csv(a, b, "12345", a)
    done = services.exclusions_import(actor=pmo, category="civil_servant", file_name=name, data=data, now=NOW)
    assert (done.rows, done.added, done.already, done.refused) == (4, 2, 0, 2)
    assert [(r["row"], r["outcome"]) for r in done.report] == [(4, "refused"), (5, "duplicate")]
    again = services.exclusions_import(actor=pmo, category="civil_servant", file_name=name, data=data, now=NOW)
    assert (again.added, again.already) == (0, 2)
    assert Exclusion.objects.count() == 2
    with pytest.raises(ValidationFailed):
        services.exclusions_import(actor=pmo, category="civil_servant", file_name="x.csv", data=b"Nama\nBudi\n", now=NOW)
    with pytest.raises(PermissionDenied):
        services.exclusions_import(actor=staff("curator"), category="civil_servant", file_name=name, data=data, now=NOW)


def test_exclusion_import_reads_xlsx(pmo, regions):
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["NIK", "Instansi"])
    sheet.write_row(1, 0, [make_nik(), "Pemda"])
    # A NIK typed as a number (exact below 2**53; one ending in 0 could be Excel's rounding, which the reader refuses).
    sheet.write_row(2, 0, [int(make_nik(district="31.74.01", serial=4321)), "Pemda"])
    book.close()
    done = services.exclusions_import(actor=pmo, category="village_official", file_name="perangkat.xlsx", data=buf.getvalue(), now=NOW)
    assert done.added == 2 and done.refused == 0


def test_closing_decides_eligibility_with_reasons(open_wave, applicant, pmo):
    wave = open_wave()
    fine, civil_servant, unconfirmed = applicant(), applicant(), applicant()
    ok = apply_confirmed(wave, fine)
    excluded = apply_confirmed(wave, civil_servant)
    services.application_start(actor=unconfirmed.user, wave=wave, data=data_for(unconfirmed), now=NOW)
    from sisnaker.core import crypto
    name, data = _csv(crypto.decrypt(civil_servant.nik_encrypted))
    services.exclusions_import(actor=pmo, category="civil_servant", file_name=name, data=data, now=NOW)
    counts = services.wave_close(actor=pmo, wave=wave, reason=EARLY, now=NOW)
    assert counts == {"lapsed": 1, "eligible": 1, "ineligible": 1}
    ok.refresh_from_db()
    excluded.refresh_from_db()
    assert ok.status == S.ELIGIBLE and ok.household == 1
    assert (excluded.status, excluded.reason) == (S.INELIGIBLE, "excluded:civil_servant")
    assert "ASN" in str(excluded.reason_label())
    wave.refresh_from_db()
    assert wave.status == "closed" and wave.seed_commitment == domain.seed_commitment(wave.seed)
    published = selectors.draw_publication(wave)
    assert published["seed"] is None and published["candidates"] == [[ok.pk, "32", 1, 0]]


def test_the_draw_selects_per_province_reproducibly_and_later_waves_follow_the_rules(open_wave, applicant, pmo, tmp_path):
    wave = open_wave(quotas={"32": 3, "31": 2}, national_target=5)
    people = [applicant() for _ in range(8)]
    jakarta = applicant(nik_district="31.74.01")
    apps = [apply_confirmed(wave, p, kk=kk_of(make_nik(), serial=i)) for i, p in enumerate(people, start=1)]
    apps.append(apply_confirmed(wave, jakarta, kk=kk_of(make_nik(district="31.74.01"), serial=99)))
    services.wave_close(actor=pmo, wave=wave, reason=EARLY, now=NOW)
    counts = services.wave_draw(actor=pmo, wave=wave, now=NOW)
    # West Java: 3 seats; Jakarta has 1 applicant for 2 seats: its unused seat goes to the pool.
    assert counts == {"candidates": 9, "selected": 5, "not_selected": 4}
    wave.refresh_from_db()
    selected = list(Selection.objects.filter(wave=wave).order_by("rank").values_list("application_id", flat=True))
    published = selectors.draw_publication(wave)
    assert published["seed"] == wave.seed and published["selected"] == selected
    assert domain.draw(seed=published["seed"], candidates=[domain.Candidate(*c) for c in published["candidates"]],
                       quotas=published["quotas"], max_per_household=published["max_per_household"]) == selected
    # Anyone replays it from the published file.
    path = tmp_path / "undian.json"
    path.write_text(json.dumps(published))
    from django.core.management import call_command
    out = io.StringIO()
    call_command("prakerja", "replaydraw", str(path), stdout=out)
    assert "matches the published one" in out.getvalue()
    published["selected"] = list(reversed(selected))
    path.write_text(json.dumps(published))
    from django.core.management.base import CommandError
    with pytest.raises(CommandError, match="DIFFERS"):
        call_command("prakerja", "replaydraw", str(path), stdout=io.StringIO())
    # Later wave: the not selected may apply again; a beneficiary may not.
    wave2 = open_wave(name="Gelombang 2", opens_on=dt.date(2026, 3, 5))
    loser = next(p for p, a in zip(people + [jakarta], apps, strict=True) if a.pk not in selected)
    winner = next(p for p, a in zip(people + [jakarta], apps, strict=True) if a.pk in selected)
    assert apply_confirmed(wave2, loser, kk=kk_of(make_nik(), serial=50)).status == S.SUBMITTED
    with pytest.raises(ValidationFailed) as beneficiary:
        services.application_start(actor=winner.user, wave=wave2, data=data_for(winner), now=NOW)
    assert beneficiary.value.message == domain.REFUSALS["earlier_beneficiary"]
    mine = selectors.my_applications(winner)
    assert mine[0].outcome == S.SELECTED and str(mine[0].status_label()) == "Lolos"


def test_at_most_max_per_household(open_wave, applicant, pmo):
    wave = open_wave(quotas={"32": 10})
    kk = kk_of(make_nik(), serial=7)
    apps = [apply_confirmed(wave, applicant(), kk=kk) for _ in range(4)]
    services.wave_close(actor=pmo, wave=wave, reason=EARLY, now=NOW)
    services.wave_draw(actor=pmo, wave=wave, now=NOW)
    # What each of them reads on their page: the two not selected are told their KK's limit was reached.
    statuses = sorted((mine.outcome, mine.reason) for a in apps for mine in selectors.my_applications(a.person))
    assert statuses == [(S.NOT_SELECTED, "household_full")] * 2 + [(S.SELECTED, "")] * 2
    assert set(Application.objects.filter(pk__in=[a.pk for a in apps]).values_list("reason", flat=True)) == {""}  # derived


def test_quotas_by_hand_or_from_weights(pmo, regions):
    wave = services.wave_create(actor=pmo, data=wave_data(national_target=100), now=NOW)
    with pytest.raises(ValidationFailed) as short:
        services.quotas_set(actor=pmo, wave=wave, quotas={"32": 60, "31": 30})
    assert short.value.code == "prakerja_quota_sum"
    with pytest.raises(Conflict):  # cannot open without quotas summing to the target
        services.wave_open(actor=pmo, wave=wave, now=NOW)
    quotas = services.quotas_compute(actor=pmo, wave=wave, weights={"32": 2, "31": 1, "94": 0})
    assert quotas == {"32": 67, "31": 33, "94": 0} and sum(wave.quotas.values_list("quota", flat=True)) == 100
    with pytest.raises(ValidationFailed):
        services.quotas_compute(actor=pmo, wave=wave, weights={"99": 5})
    services.wave_open(actor=pmo, wave=wave, now=NOW)
    with pytest.raises(Conflict):  # quotas are fixed once open
        services.quotas_set(actor=pmo, wave=wave, quotas={"32": 100})
    with pytest.raises(Conflict):
        services.wave_update(actor=pmo, wave=wave, data=wave_data())
    with pytest.raises(PermissionDenied):
        services.wave_create(actor=staff("finance_officer"), data=wave_data(), now=NOW)
    with pytest.raises(ValidationFailed):
        services.wave_create(actor=pmo, data=wave_data(closes_on=dt.date(2026, 2, 1)), now=NOW)
    assert Wave.objects.get(pk=wave.pk).status == "open"
