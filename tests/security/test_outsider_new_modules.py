"""Today's new modules tried as an outsider would (payments, privacy, prakerja), at the test-client and
service level. A finding is a test marked ``xfail(strict=True)`` that passes once the defect is fixed;
an attack the product refuses correctly is a normal test, so it stays refused."""

# The payments and prakerja fixtures are imported into this module, so test arguments redefine them.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sisnaker.accounts.models import User
from sisnaker.core import crypto
from sisnaker.core.errors import Conflict, PermissionDenied, SisnakerError, ValidationFailed
from sisnaker.notifications.gateways import normalize_phone
from sisnaker.notifications.models import Notification
from sisnaker.payments import domain as pay_domain
from sisnaker.payments.models import Batch, Payable, PayoutAccount
from sisnaker.payments.services import batches, payables, payout
from sisnaker.prakerja import services as prakerja
from sisnaker.prakerja.models import Application
from sisnaker.privacy import services as privacy
from sisnaker.privacy.models import PrivacyRequest
from tests.factories import (
    PASSWORD,
    InstitutionFactory,
    PersonFactory,
    RoleAssignmentFactory,
    UserFactory,
    staff,
)
from tests.payments.conftest import finance, finance2, graduates, payments_world  # noqa: F401 (fixtures)
from tests.payments.test_batches import result_file
from tests.prakerja.conftest import NOW, applicant, codes_sent, data_for, open_wave, pmo  # noqa: F401 (fixtures)
from tests.sms import committed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms")]
API = "/api/v1/payments"


def _client(user, **kw) -> Client:
    client = Client(**kw)
    client.force_login(user)
    return client


def _fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def _draft_batch(maker, funding="apbd", n=1):
    graduates(n, funding=funding)
    payables.payables_accrue(actor=maker)
    return batches.batch_build(actor=maker, funding_source=funding)


def _exported_batch(maker, approver, funding="apbd", n=1):
    batch = _draft_batch(maker, funding, n)
    batches.batch_approve(actor=approver, batch_id=batch.pk)
    batches.batch_export(actor=approver, batch_id=batch.pk, provider_code="002")
    batch.refresh_from_db()
    return batch


# --- payments: IDOR and roles --------------------------------------------------------------------------

def test_outsiders_reach_no_batch_payable_or_account_by_id(finance, regions):
    batch = _draft_batch(finance)
    payable = Payable.objects.get()
    inst = InstitutionFactory()
    outsiders = [PersonFactory().user, staff("institution_manager"), staff("instructor"), staff("regional_officer"),
                 staff("pmo_officer")]
    urls = [reverse("payments:batch", args=[batch.pk]), reverse("payments:batch_report", args=[batch.pk]),
            reverse("payments:payables"), reverse("payments:reconciliation"), reverse("payments:review_queue"),
            reverse("payments:institution_account", args=[inst.pk])]
    for user in outsiders:
        c = _client(user)
        for url in urls:
            assert c.get(url).status_code in (403, 404), (user, url)
        for url in (reverse("payments:batch_approve", args=[batch.pk]), reverse("payments:payable_cancel", args=[payable.pk])):
            assert c.post(url, {"reason": "coba"}).status_code in (403, 404), (user, url)
        assert c.get(f"{API}/batches/{batch.pk}/lines").status_code in (401, 403, 404)
        assert c.get(f"{API}/payables").status_code in (401, 403)
    anonymous = Client()
    assert anonymous.get(reverse("payments:batch", args=[batch.pk])).status_code == 302
    assert anonymous.get(f"{API}/batches/{batch.pk}").status_code == 401
    batch.refresh_from_db()
    assert batch.status == "draft" and Payable.objects.get().status == "in_batch"


def test_a_finance_officer_of_another_source_neither_sees_nor_approves(finance, payments_world):
    batch = _draft_batch(finance, "apbd")
    apbn = staff("finance_officer", funding_source="apbn")
    c = _client(apbn)
    assert c.get(reverse("payments:batch", args=[batch.pk])).status_code == 404
    assert c.get(f"{API}/batches/{batch.pk}").status_code == 404
    assert c.post(reverse("payments:batch_approve", args=[batch.pk])).status_code in (403, 404)
    assert c.post(f"{API}/batches/{batch.pk}/export", {"provider_code": "002"}, content_type="application/json").status_code in (403, 404)
    assert c.get(f"{API}/payables", {"funding_source": "apbd"}).json()["count"] == 0
    batch.refresh_from_db()
    assert batch.status == "draft" and batch.approved_by_id is None


def test_the_maker_cannot_approve_by_page_in_another_session_nor_by_service(finance, payments_world):
    batch = _draft_batch(finance)
    for _ in range(2):  # two sessions of one person
        response = _client(finance).post(reverse("payments:batch_approve", args=[batch.pk]))
        assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        batches.batch_approve(actor=finance, batch_id=batch.pk)
    # nor can the maker export a draft (skip the approval)
    assert _client(finance).post(f"{API}/batches/{batch.pk}/export", {"provider_code": "002"},
                                 content_type="application/json").status_code == 409
    batch.refresh_from_db()
    assert batch.status == "draft"


def test_csrf_is_required_on_the_pages_and_the_session_api(finance, finance2):
    batch = _draft_batch(finance)
    strict = _client(finance2, enforce_csrf_checks=True)
    assert strict.post(reverse("payments:batch_approve", args=[batch.pk])).status_code == 403
    batches.batch_approve(actor=finance2, batch_id=batch.pk)
    response = strict.post(f"{API}/batches/{batch.pk}/export", {"provider_code": "002"}, content_type="application/json")
    assert response.status_code == 403
    batch.refresh_from_db()
    assert batch.status == "approved"


def test_extra_fields_in_api_bodies_change_nothing(finance, finance2):
    batch = _draft_batch(finance)
    batches.batch_approve(actor=finance2, batch_id=batch.pk)
    api = _client(finance2)
    response = api.post(f"{API}/batches/{batch.pk}/export", {"provider_code": "002", "status": "settled", "amount": 1,
                                                              "total_amount": 99_000_000}, content_type="application/json")
    assert response.status_code == 200
    batch.refresh_from_db()
    assert batch.status == "exported" and batch.total_amount == 600_000
    assert ",600000," in response.content.decode()


# --- payments: the bank's result file ------------------------------------------------------------------

def test_result_file_with_another_batchs_reference_duplicates_or_flip_is_refused(finance, finance2):
    a = _exported_batch(finance, finance2)
    b = _exported_batch(finance, finance2)
    a_ref = a.lines.get().reference
    b_ref = b.lines.get().reference
    for data in (f"reference,status,bank_reference,reason\n{a_ref},BERHASIL,X,\n".encode(),  # another batch's line
                 f"reference,status,bank_reference,reason\n{b_ref},BERHASIL,X,\n{b_ref},BERHASIL,Y,\n".encode()):
        with pytest.raises(ValidationFailed):
            batches.batch_result_import(actor=finance, batch_id=b.pk, data=data)
    assert not b.lines.exclude(status="pending").exists()
    report = batches.batch_result_import(actor=finance, batch_id=b.pk, data=result_file(b))
    assert report.paid == 1
    again = batches.batch_result_import(actor=finance, batch_id=b.pk, data=result_file(b))  # replay
    assert again.paid == 0 and again.unchanged == 1
    with pytest.raises(ValidationFailed):  # paid flipped to failed
        batches.batch_result_import(actor=finance, batch_id=b.pk,
                                    data=f"reference,status,bank_reference,reason\n{b_ref},GAGAL,,ditolak\n".encode())
    # an amount column is not read: the amount paid is the line's
    batches.batch_result_import(actor=finance, batch_id=a.pk,
                                data=f"reference,status,bank_reference,reason,amount\n{a_ref},BERHASIL,X,,1\n".encode())
    assert Payable.objects.filter(status="paid").count() == 2 and set(Payable.objects.values_list("amount", flat=True)) == {600_000}


def test_bank_file_and_workbook_write_a_formula_holder_name_as_text(finance, finance2):
    batch = _draft_batch(finance)
    batch.lines.update(holder_name="=HYPERLINK(\"http://x\",\"klik\")")
    batches.batch_approve(actor=finance2, batch_id=batch.pk)
    content = batches.batch_export(actor=finance2, batch_id=batch.pk, provider_code="002").content
    assert ",'=HYPERLINK" in content.replace('"', "")
    workbook = _client(finance2).get(reverse("payments:batch_report", args=[batch.pk]))
    assert workbook.status_code == 200 and b"<f>" not in _sheet_xml(workbook.content)


def _sheet_xml(xlsx: bytes) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        return b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


# --- payments: payout accounts -------------------------------------------------------------------------

def test_a_citizen_sets_no_account_for_another_person_or_institution(payments_world):
    me, other = PersonFactory(), PersonFactory()
    with pytest.raises(PermissionDenied):
        payout.payout_account_set(actor=me.user, person=other, channel="bank", provider_code="002", number="0123456789",
                                  holder_name=other.full_name, current_password=PASSWORD)
    manager_of_other = staff("institution_manager")
    inst = InstitutionFactory()
    with pytest.raises(PermissionDenied):
        payout.institution_payout_account_set(actor=manager_of_other, institution=inst, provider_code="002", number="0123456789",
                                              holder_name=inst.name, current_password=PASSWORD)
    assert not PayoutAccount.objects.exists()


def test_a_holder_name_with_another_name_after_a_comma_is_not_verified(payments_world):
    me = PersonFactory(full_name="Siti Nurhaliza")
    account = payout.payout_account_set(actor=me.user, person=me, channel="bank", provider_code="002", number="0123456789",
                                        holder_name="Siti Nurhaliza, Joko Prasetyo", current_password=PASSWORD)
    assert account.status != pay_domain.PayoutStatus.VERIFIED


def test_a_finance_officer_cannot_verify_their_own_payout_account(payments_world):
    me = PersonFactory(full_name="Rudi Hartono")
    RoleAssignmentFactory(user=me.user, role="finance_officer", funding_source="")
    officer = _fresh(me.user)
    account = payout.payout_account_set(actor=officer, person=me, channel="bank", provider_code="002", number="0123456789",
                                        holder_name="Rudi", current_password=PASSWORD)
    assert account.status == pay_domain.PayoutStatus.REVIEW
    with pytest.raises(SisnakerError):
        payout.payout_account_review(actor=officer, account_id=account.pk, accept=True)


# --- privacy ----------------------------------------------------------------------------------------------

def _dpo() -> User:
    user = UserFactory()
    RoleAssignmentFactory(user=user, role="data_protection_officer")
    return _fresh(user)


def test_a_citizen_reads_no_other_request_and_cannot_flood(regions):
    victim, attacker = PersonFactory(), PersonFactory()
    theirs = privacy.privacy_request_submit(actor=victim.user, person=victim, kind="correction",
                                            details="Alamat saya salah, mohon diperbaiki RAHASIA-KORBAN")
    privacy.privacy_request_answer(actor=_dpo(), request_id=theirs.pk, outcome="done", answer="Sudah diperbaiki JAWABAN-KORBAN")
    c = _client(attacker.user)
    assert c.get(reverse("privacy:detail", args=[theirs.pk])).status_code in (403, 404)
    assert c.post(reverse("privacy:detail", args=[theirs.pk]), {"outcome": "refused", "answer": "x" * 20}).status_code in (403, 404)
    assert c.get(reverse("privacy:queue")).status_code in (403, 404)
    page = c.get(reverse("privacy:mine")).content.decode()
    assert "RAHASIA-KORBAN" not in page and "JAWABAN-KORBAN" not in page
    with pytest.raises(PermissionDenied):
        privacy.privacy_request_submit(actor=attacker.user, person=victim, kind="deletion", details="Hapus semua data saya")
    for _ in range(5):
        c.post(reverse("privacy:mine"), {"kind": "access", "details": ""})
    c.post(reverse("privacy:mine"), {"kind": "access", "details": ""})
    assert PrivacyRequest.objects.filter(person=attacker).count() == 1  # one open request of a kind at a time
    assert _client(attacker.user, enforce_csrf_checks=True).post(reverse("privacy:mine"), {"kind": "access"}).status_code == 403


def test_staff_without_the_dpo_role_do_not_reach_the_queue(regions):
    person = PersonFactory()
    req = privacy.privacy_request_submit(actor=person.user, person=person, kind="access", details="")
    for user in (staff("regional_officer"), staff("institution_manager"), staff("finance_officer"), staff("pmo_officer")):
        c = _client(user)
        assert c.get(reverse("privacy:queue")).status_code == 403
        assert c.get(reverse("privacy:detail", args=[req.pk])).status_code == 403


# --- prakerja ----------------------------------------------------------------------------------------------

def test_applying_with_another_nik_or_twice_is_refused(open_wave, applicant):
    wave = open_wave()
    me, other = applicant(), applicant()
    with pytest.raises(ValidationFailed) as refused:
        prakerja.application_start(actor=me.user, wave=wave, data=data_for(other), now=NOW)
    assert refused.value.code == "prakerja_not_own_nik"
    app, token = prakerja.application_start(actor=me.user, wave=wave, data=data_for(me), now=NOW)
    phone_code, email_code = codes_sent(me.phone[-6:])
    prakerja.application_confirm(actor=me.user, token=token, phone_code=phone_code, email_code=email_code, now=NOW)
    with pytest.raises(Conflict):
        prakerja.application_start(actor=me.user, wave=wave, data=data_for(me), now=NOW)
    # another citizen cannot open my code page by its token
    with pytest.raises(SisnakerError):
        prakerja.application_for_token(actor=other.user, token=token)
    assert Application.objects.filter(wave=wave).count() == 1


def test_non_pmo_cannot_import_exclusions_draw_or_edit_waves(open_wave, regions):
    wave = open_wave()
    upload = SimpleUploadedFile("x.csv", b"nik\n3273010101950001\n")
    for user in (PersonFactory().user, staff("regional_officer"), staff("finance_officer"), staff("institution_manager")):
        c = _client(user)
        assert c.post(reverse("prakerja:exclusions"), {"category": "asn", "file": upload}).status_code == 403
        for name in ("wave_close", "wave_draw", "quotas"):
            assert c.post(reverse(f"prakerja:{name}", args=[wave.pk]), {"mode": "manual", "p_32": "9999"}).status_code == 403
        assert c.get(reverse("prakerja:reviews")).status_code == 403
    wave.refresh_from_db()
    assert wave.status == "open"


def test_published_draw_and_results_show_no_nik_name_or_phone(open_wave, applicant, pmo):
    from tests.prakerja.conftest import apply_confirmed

    wave = open_wave()
    people = [applicant() for _ in range(3)]
    for person in people:
        apply_confirmed(wave, person)
    prakerja.wave_close(actor=pmo, wave=wave, now=NOW + dt.timedelta(days=30))
    prakerja.wave_draw(actor=pmo, wave=wave, now=NOW + dt.timedelta(days=30))
    anonymous = Client()
    pages = (anonymous.get(reverse("prakerja:results", args=[wave.pk])).content.decode()
             + anonymous.get(reverse("prakerja:draw_data", args=[wave.pk])).content.decode())
    for person in people:
        nik = crypto.decrypt(person.nik_encrypted)
        assert nik not in pages and nik[6:12] not in pages and person.full_name not in pages and person.phone not in pages


def test_an_assisted_application_for_a_registered_person_goes_through_that_person(open_wave, applicant):
    # Found by the outsider review: a posko officer could apply in a registered citizen's name with the phone and
    # e-mail the officer typed, confirm with the codes sent there, and the citizen never knew.
    wave = open_wave()
    victim = applicant(email="korban@contoh.id")
    officer = staff("regional_officer")
    data = data_for(victim, phone="081377770000", email="posko@contoh.id")
    app, token = prakerja.application_start(actor=officer, wave=wave, data=data, now=NOW, assisted=True, consent=True)
    sent = committed()
    assert not [t for to, t in sent if to.endswith("77770000")]  # nothing to the officer's phone
    assert not [m for m in mail.outbox if m.to == ["posko@contoh.id"]]
    app.refresh_from_db()
    assert app.person_id == victim.pk and app.phone == normalize_phone(victim.phone) and app.email == victim.email
    # The codes reach the citizen (who reads them out at the posko), with word of who applied in their name.
    phone_code, email_code = codes_sent(victim.phone[-6:], victim.email)
    assert Notification.objects.filter(person=victim, topic=f"prakerja_assisted.{app.pk}").exists()
    with pytest.raises(SisnakerError):
        prakerja.application_confirm(actor=officer, token=token, phone_code="000000", email_code="000000", now=NOW)
    prakerja.application_confirm(actor=officer, token=token, phone_code=phone_code, email_code=email_code, now=NOW)


# --- the maker alone cannot move the money of a batch from start to end ----------------------------------

def test_one_officer_alone_cannot_get_a_batch_to_the_bank(finance, payments_world):
    batch = _draft_batch(finance)
    with pytest.raises(PermissionDenied):
        batches.batch_approve(actor=finance, batch_id=batch.pk)
    with pytest.raises(Conflict):
        batches.batch_export(actor=finance, batch_id=batch.pk, provider_code="002")
    batches.batch_cancel(actor=finance, batch_id=batch.pk, reason="uji")
    rebuilt = batches.batch_build(actor=finance, funding_source="apbd")
    with pytest.raises(PermissionDenied):
        batches.batch_approve(actor=finance, batch_id=rebuilt.pk)
    assert Batch.objects.filter(status="approved").count() == 0
