"""Training pages: catalogue, program page and registration, "Pelatihan saya", the manager's program
page with its enrollment table and bulk actions, recording a person, reference data."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from sisnaker.core.models import AuditEvent
from sisnaker.training import services
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import ProgramStatus as P
from sisnaker.training.models import CompetencyUnit, Enrollment, Program, VocationalField
from tests.factories import (
    CompetencyUnitFactory,
    CuratorFactory,
    InstitutionFactory,
    InstructorFactory,
    ManagerFactory,
    PersonFactory,
    ProgramFactory,
    VocationalFieldFactory,
    enrollments_in,
)

from ..conftest import make_nik

pytestmark = pytest.mark.django_db


@pytest.fixture
def field(regions):
    vf = VocationalFieldFactory(code="TIK", name="Teknologi Informasi dan Komunikasi")
    CompetencyUnitFactory(code="J.620100.004.02", title="Menggunakan struktur data", vocational_field=vf)
    return vf


@pytest.fixture
def institution(regions):
    return InstitutionFactory(registry_number="BLK-3273-001", name="UPTD BLK Kota Bandung")


@pytest.fixture
def manager(institution):
    return ManagerFactory(username="pengelola", first_name="Pengelola", institution=institution)


@pytest.fixture
def new_program(institution, field):
    """new_program(**overrides): a published program of the institution in the field (with its units), dated
    from today, since the pages use the real date; 20 seats."""

    def build(**overrides):
        overrides.setdefault("quota", 20)
        return ProgramFactory(institution=institution, vocational_field=field, units=list(field.units.all()),
                              today=timezone.localdate(), **overrides)

    return build


@pytest.fixture
def program(new_program):
    return new_program()


def _people(n: int):
    return [PersonFactory(full_name=f"Peserta {i:03d}") for i in range(n)]


# --- catalogue ------------------------------------------------------------------------------------

def test_catalogue_lists_public_programs_with_filters(client, program, new_program, field):
    new_program(title="Las Listrik Dasar Surabaya", regency_code="35.78", mode="online",
                start_date=timezone.localdate() + dt.timedelta(days=90))
    new_program(title="Draf Yang Tidak Tampil", status=P.DRAFT)
    response = client.get(reverse("training:catalogue"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pemrograman Web Dasar" in html and "Las Listrik Dasar Surabaya" in html
    assert "Draf Yang Tidak Tampil" not in html
    assert "UPTD BLK Kota Bandung" in html and "160 JP" in html and "Sisa kursi" in html

    def titles(**params):
        body = client.get(reverse("training:catalogue"), params).content.decode()
        return {t for t in ("Pemrograman Web Dasar", "Las Listrik Dasar Surabaya") if t in body}

    assert titles(q="listrik") == {"Las Listrik Dasar Surabaya"}
    assert titles(province="35") == {"Las Listrik Dasar Surabaya"}
    assert titles(province="32", regency="32.73") == {"Pemrograman Web Dasar"}
    assert titles(mode="online") == {"Las Listrik Dasar Surabaya"}
    assert titles(vocational_field=field.pk) == {"Pemrograman Web Dasar", "Las Listrik Dasar Surabaya"}
    later = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    assert titles(starts_after=later) == {"Las Listrik Dasar Surabaya"}
    assert titles(starts_before=later) == {"Pemrograman Web Dasar"}
    # Registration of the Surabaya program is also open (closes 85 days from now): both open.
    assert titles(open_only="on") == {"Pemrograman Web Dasar", "Las Listrik Dasar Surabaya"}
    # A regency outside the chosen province is refused with a message, not a 500.
    response = client.get(reverse("training:catalogue"), {"province": "35", "regency": "32.73"})
    assert response.status_code == 200


def test_catalogue_pages_and_bounded_queries(client, new_program, field, django_assert_max_num_queries):
    for i in range(45):
        new_program(title=f"Program Nomor {i:02d}")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("training:catalogue"), {"province": "32", "vocational_field": field.pk})
    assert response.status_code == 200
    assert response.content.decode().count('class="card program-card"') == 20
    assert "Halaman 1 dari 3" in response.content.decode()
    last = client.get(reverse("training:catalogue"), {"page": 3}).content.decode()
    assert last.count('class="card program-card"') == 5
    assert client.get(reverse("training:catalogue"), {"page": "abc"}).status_code == 200


# --- program page and registration ----------------------------------------------------------------

def test_program_page_for_anonymous_shows_login_link(client, program):
    response = client.get(reverse("training:program", args=[program.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Masuk untuk mendaftar" in html and f"?next=/pelatihan/{program.pk}/" in html
    # Signing up from here comes back here, too (the link dropped it: new people landed on the home page).
    assert f'/akun/daftar/?next=/pelatihan/{program.pk}/' in html
    assert "J.620100.004.02" in html and "UPTD BLK Kota Bandung" in html
    assert client.get(reverse("training:program", args=[99999])).status_code == 404


def test_citizen_registers_from_the_program_page(client, program, citizen):
    client.force_login(citizen.user)
    page = client.get(reverse("training:program", args=[program.pk])).content.decode()
    assert ">Daftar</button>" in page
    response = client.post(reverse("training:register", args=[program.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("my_trainings")
    assert "Pendaftaran berhasil" in response.content.decode()
    assert Enrollment.objects.get(program=program, person=citizen).state == "registered"
    # Registering twice: a clear refusal.
    response = client.post(reverse("training:register", args=[program.pk]), follow=True)
    assert "Sudah terdaftar di program ini" in response.content.decode()
    assert Enrollment.objects.filter(person=citizen).count() == 1
    page = client.get(reverse("training:program", args=[program.pk])).content.decode()
    assert "Anda sudah terdaftar" in page


def test_a_suspended_institutions_program_does_not_invite_sign_ups(client, program, citizen, institution):
    """The catalogue hid it, but its page still said "Pendaftaran dibuka … Daftar" and the click was refused."""
    institution.status = "suspended"
    institution.save(update_fields=["status"])
    client.force_login(citizen.user)
    html = client.get(reverse("training:program", args=[program.pk])).content.decode()
    assert ">Daftar</button>" not in html and "sedang dibekukan" in html
    assert client.get(f"/api/v1/training/programs/{program.pk}").json()["registration_open"] is False


def test_registration_refusals_are_clear(client, manager, new_program):
    young = PersonFactory(birth_date=dt.date(2010, 1, 5))
    strict = new_program(title="Program Usia Dewasa", min_age=18, min_education="d3")
    client.force_login(young.user)
    body = client.post(reverse("training:register", args=[strict.pk]), follow=True).content.decode()
    assert "Belum memenuhi syarat" in body and "Usia minimal 18" in body and "Pendidikan minimal D3" in body
    assert not Enrollment.objects.exists()
    # Schedule clash.
    adult = PersonFactory()
    first = new_program(title="Program Pertama")
    second = new_program(title="Program Kedua Bentrok")
    client.force_login(adult.user)
    client.post(reverse("training:register", args=[first.pk]))
    body = client.post(reverse("training:register", args=[second.pk]), follow=True).content.decode()
    assert "Jadwal bentrok" in body
    # Window closed: a program whose registration is over shows the reason and no button.
    services.program_transition(actor=manager, program=second, action="close_registration", today=timezone.localdate())
    page = client.get(reverse("training:program", args=[second.pk])).content.decode()
    assert "tidak dibuka" in page and ">Daftar</button>" not in page
    body = client.post(reverse("training:register", args=[second.pk]), follow=True).content.decode()
    assert "Pendaftaran ditolak" in body


def test_staff_account_without_person_cannot_register(client, program, manager):
    client.force_login(manager)
    body = client.post(reverse("training:register", args=[program.pk]), follow=True).content.decode()
    assert "bukan akun warga" in body


# --- my trainings -----------------------------------------------------------------------------------

def test_my_trainings_shows_state_next_step_and_withdraw(client, program, citizen):
    client.force_login(citizen.user)
    assert "belum mendaftar" in client.get(reverse("my_trainings")).content.decode()
    enrollment = services.enrollment_register(actor=citizen.user, program=program, person=citizen, today=timezone.localdate())
    html = client.get(reverse("my_trainings")).content.decode()
    assert "Pendaftar" in html and "Langkah berikutnya" in html and "Menunggu keputusan" in html and "Mundur" in html
    response = client.post(reverse("training:withdraw", args=[enrollment.pk]), {"reason": "Sudah bekerja"}, follow=True)
    assert "mengundurkan diri" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.state == "withdrawn"
    # Withdrawing again: refused with the reason, never a 500.
    response = client.post(reverse("training:withdraw", args=[enrollment.pk]), follow=True)
    assert response.status_code == 200 and "Tidak dapat mengundurkan diri" in response.content.decode()


def test_someone_elses_enrollment_cannot_be_withdrawn(client, program, citizen):
    other = PersonFactory()
    enrollment = services.enrollment_register(actor=citizen.user, program=program, person=citizen, today=timezone.localdate())
    client.force_login(other.user)
    assert client.post(reverse("training:withdraw", args=[enrollment.pk])).status_code == 404
    assert client.get(reverse("my_trainings")).status_code == 200


def test_my_trainings_needs_login(client):
    response = client.get(reverse("my_trainings"))
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


# --- the manager's program page --------------------------------------------------------------------

def test_manage_page_for_manager_and_refused_for_others(client, program, manager, citizen, institution):
    client.force_login(manager)
    response = client.get(reverse("training:manage", args=[program.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pendaftaran dibuka" in html and "Menutup pendaftaran dan memulai seleksi" in html
    assert "Membatalkan program" in html and "Catat pendaftar" in html
    assert f"/pelatihan/berkas/{program.pk}/ekspor/?format=xlsx" in html
    client.force_login(citizen.user)
    assert client.get(reverse("training:manage", args=[program.pk])).status_code == 403
    for name in ("training:program_action", "training:bulk", "training:record"):
        assert client.post(reverse(name, args=[program.pk]), {"action": "start"}).status_code == 403
    other_inst = InstitutionFactory(registry_number="BLK-3578-009", name="BLK Lain Surabaya", regency_code="35.78")
    other_manager = ManagerFactory(username="pengelola2", institution=other_inst)
    client.force_login(other_manager)
    assert client.get(reverse("training:manage", args=[program.pk])).status_code == 403
    assert client.get(reverse("training:enrollment", args=[program.pk, 1])).status_code == 403
    client.logout()
    assert client.get(reverse("training:manage", args=[program.pk])).status_code == 302


def test_instructor_sees_the_table_but_not_the_status_buttons(client, program, institution, citizen):
    instructor = InstructorFactory(username="instruktur", institution=institution)
    services.enrollment_register(actor=citizen.user, program=program, person=citizen, today=timezone.localdate())
    client.force_login(instructor)
    html = client.get(reverse("training:manage", args=[program.pk])).content.decode()
    assert "Siti Rahmawati" in html and "Membatalkan program" not in html
    # Instructors may not see the NIK unmasked.
    assert citizen.nik not in html and citizen.nik_masked in html
    assert client.post(reverse("training:program_action", args=[program.pk]), {"action": "start"}).status_code == 403


def test_program_transitions_with_confirmation(client, program, manager):
    client.force_login(manager)
    url = reverse("training:program_action", args=[program.pk])
    # Start, close and cancel open their confirmation page first (it says what will happen).
    response = client.post(url, {"action": "cancel", "reason": "Anggaran ditunda"})
    assert response.status_code == 302 and response["Location"] == reverse("training:program_confirm", args=[program.pk, "cancel"])
    assert Program.objects.get(pk=program.pk).status == "published"
    cancel = reverse("training:program_confirm", args=[program.pk, "cancel"])
    response = client.post(cancel, {"reason": " "})
    assert response.status_code == 400 and "Tuliskan alasan pembatalan" in response.content.decode()
    assert client.get(reverse("training:program_confirm", args=[program.pk, "close"])).status_code == 409
    assert client.get(reverse("training:program_confirm", args=[program.pk, "explode"])).status_code == 404
    # Starting on the start date needs no reason; closing on the end date neither.
    client.post(reverse("training:program_confirm", args=[program.pk, "start"]), {"reason": ""})
    assert Program.objects.get(pk=program.pk).status == "published"  # today is before the start date
    services.program_transition(actor=manager, program=program, action="start", today=program.start_date)
    response = client.post(reverse("training:program_confirm", args=[program.pk, "close"]), {"reason": "Praktik selesai lebih awal"})
    assert response.status_code == 302 and Program.objects.get(pk=program.pk).status == "closed"
    body = client.post(url, {"action": "nonsense"}, follow=True).content.decode()
    assert "Tindakan tidak dikenal" in body
    # The manage page shows the program's history with the reasons.
    html = client.get(reverse("training:manage", args=[program.pk])).content.decode()
    assert 'id="program-history"' in html and "Praktik selesai lebih awal" in html and "Program ditutup" in html


def test_start_confirmation_says_what_follows_and_needs_a_reason_before_the_start_date(client, manager, new_program):
    program = new_program(quota=10)
    people = _people(7)
    today = timezone.localdate()
    ids = [services.enrollment_register(actor=p.user, program=program, person=p, today=today).pk for p in people]
    services.enrollments_transition(actor=manager, program=program, enrollment_ids=ids[:2], action="accept")
    services.enrollments_transition(actor=manager, program=program, enrollment_ids=ids[2:4], action="select")
    client.force_login(manager)
    manage_html = client.get(reverse("training:manage", args=[program.pk])).content.decode()
    confirm = reverse("training:program_confirm", args=[program.pk, "start"])
    assert f'href="{confirm}"' in manage_html  # the start button leads to the confirmation
    response = client.get(confirm)
    html = unescape(response.content.decode())
    assert response.status_code == 200
    # 3 applicants and 2 selected, never accepted, become "Tidak lolos seleksi"; the 2 participants stay.
    assert '3 pendaftaran berstatus "Pendaftar" menjadi "Tidak lolos seleksi".' in html
    assert '2 pendaftaran berstatus "Lolos seleksi" menjadi "Tidak lolos seleksi".' in html
    assert "Jumlah: 5 pendaftaran berubah status." in html
    from sisnaker.core.dates import long_id
    assert 'id="reason-needed"' in html and long_id(program.start_date) in html
    assert "Penilaian kompetensi tetap baru dapat diisi instruktur mulai" in html  # the locked grid is announced
    # Confirming without a reason before the start date: refused on the reason field, nothing changes.
    response = client.post(confirm, {"reason": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_reason-errors"' in html and "tuliskan alasan memulai lebih awal" in html
    assert Program.objects.get(pk=program.pk).status == "published"
    assert Enrollment.objects.filter(program=program, state="not_selected").count() == 0
    # With the reason: started, the reason in the audit trail and the program history.
    response = client.post(confirm, {"reason": "Instruktur dari industri hanya tersedia mulai hari ini"})
    assert response.status_code == 302 and Program.objects.get(pk=program.pk).status == "running"
    assert Enrollment.objects.filter(program=program, state="not_selected").count() == 5
    event = AuditEvent.objects.get(action="program.start", object_id=str(program.pk))
    assert event.reason == "Instruktur dari industri hanya tersedia mulai hari ini"
    assert event.after["early"] == {"today": today.isoformat(), "planned": program.start_date.isoformat()}
    html = client.get(reverse("training:manage", args=[program.pk])).content.decode()
    assert "Instruktur dari industri hanya tersedia mulai hari ini" in html


def test_bulk_actions_change_states_and_report_refusals(client, manager, new_program):
    program = new_program(quota=3)
    ids = [e.pk for e in enrollments_in(program, people=_people(5), state=E.REGISTERED)]
    client.force_login(manager)
    url = reverse("training:bulk", args=[program.pk])
    # Without JavaScript: a POST and a redirect with the summary as a message.
    response = client.post(url, {"action": "accept", "ids": ids, "q": "Peserta"}, follow=True)
    assert response.redirect_chain[0][0] == reverse("training:manage", args=[program.pk]) + "?q=Peserta"
    body = response.content.decode()
    assert "3 diproses, 2 ditolak" in body and "Kuota program sudah penuh" in body
    assert Enrollment.objects.filter(program=program, state="participant").count() == 3
    # With htmx: the table partial comes back with the summary.
    response = client.post(url, {"action": "reject", "ids": ids}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and body.startswith('<div id="enrollments">')
    assert "2 diproses, 3 ditolak" in body and "Tidak dapat menyatakan tidak lolos" in body and "Peserta 000" in body
    assert Enrollment.objects.filter(program=program, state="not_selected").count() == 2
    # Nothing chosen: a clear message.
    body = client.post(url, {"action": "accept"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Pilih minimal satu pendaftar" in body
    body = client.post(url, {"ids": ids[:1]}, HTTP_HX_REQUEST="true").content.decode()
    assert "Pilih tindakan" in body
    # A tampered id past any database key: refused as not in the program, never a server error.
    response = client.post(url, {"action": "reject", "ids": ["99999999999999999999999"]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "0 diproses, 1 ditolak" in response.content.decode()
    # Results while not running: refused with the reason.
    body = client.post(url, {"action": "passed", "ids": ids}, follow=True).content.decode()
    assert "Hasil pelatihan dicatat saat program berjalan" in body
    services.program_transition(actor=manager, program=program, action="start", today=program.start_date)
    body = client.post(url, {"action": "passed", "ids": ids}, HTTP_HX_REQUEST="true").content.decode()
    assert "3 diproses, 2 ditolak" in body and "Bukan peserta aktif" in body
    assert Enrollment.objects.filter(program=program, result="passed").count() == 3


def test_enrollment_table_search_filters_and_nik(client, program, manager):
    people = _people(3)
    enrollments_in(program, people=people, state=E.REGISTERED)
    client.force_login(manager)
    url = reverse("training:manage", args=[program.pk])
    html = client.get(url).content.decode()
    assert people[0].nik in html  # the institution's manager may see the full NIK
    html = client.get(url, {"q": "Peserta 001"}).content.decode()
    assert "Peserta 001" in html and "Peserta 002" not in html
    html = client.get(url, {"q": people[2].nik}).content.decode()
    assert "Peserta 002" in html and "Peserta 000" not in html
    html = client.get(url, {"state": "participant"}).content.decode()
    assert "Belum ada pendaftar yang cocok" in html
    html = client.get(url, {"late": "1"}).content.decode()
    assert "Belum ada pendaftar yang cocok" in html


def test_enrollment_table_queries_do_not_grow_with_rows(client, program, manager, django_assert_max_num_queries):
    enrollments_in(program, people=_people(30), state=E.REGISTERED)
    client.force_login(manager)
    client.get("/")  # the session's first request also works out the user's time zone (once)
    with django_assert_max_num_queries(13):  # one of them: the program's step running in the background, if any
        response = client.get(reverse("training:manage", args=[program.pk]))
    assert response.content.decode().count('name="ids"') == 30
    with django_assert_max_num_queries(21):  # constant: the bulk service, then the table again
        response = client.post(reverse("training:bulk", args=[program.pk]),
                               {"action": "select", "ids": [e.pk for e in program.enrollments.all()]}, HTTP_HX_REQUEST="true")
    assert "30 diproses, 0 ditolak" in response.content.decode()


def test_record_a_person_by_nik(client, manager, program, citizen):
    client.force_login(manager)
    url = reverse("training:record", args=[program.pk])
    who = {"nik": citizen.nik, "full_name": citizen.full_name, "birth_date": citizen.birth_date.isoformat()}
    # An unknown NIK and someone else's data get the same answer, which says nothing about the registered person.
    unknown = client.post(url, {**who, "nik": make_nik(serial=4321)})
    wrong_name = client.post(url, {**who, "full_name": "Budi Santoso"})
    wrong_birth = client.post(url, {**who, "birth_date": "1990-01-01"})
    for response in (unknown, wrong_name, wrong_birth):
        html = response.content.decode()
        assert response.status_code == 400 and "Tidak ada orang terdaftar dengan NIK, nama, dan tanggal lahir ini" in html
    assert citizen.full_name not in wrong_name.content.decode()  # only what the manager typed comes back
    response = client.post(url, {"nik": "123", "full_name": "X Y", "birth_date": "1995-05-17"})
    assert response.status_code == 400 and "16 angka" in response.content.decode()
    response = client.post(url, {"nik": citizen.nik})  # the NIK alone is not enough
    assert response.status_code == 400 and not Enrollment.objects.filter(program=program).exists()
    response = client.post(url, {**who, "full_name": "Hj. SITI RAHMAWATI, S.Kom.", "as_participant": "on"}, follow=True)
    assert "tercatat sebagai Peserta" in response.content.decode()
    assert Enrollment.objects.get(program=program, person=citizen).state == "participant"
    response = client.post(url, who)
    assert response.status_code == 400 and "Sudah terdaftar" in response.content.decode()


def test_late_registration_needs_a_reason(client, manager, program):
    services.program_transition(actor=manager, program=program, action="close_registration", today=timezone.localdate())
    person = PersonFactory()
    client.force_login(manager)
    assert "Alasan pendaftaran susulan" in client.get(reverse("training:manage", args=[program.pk])).content.decode()
    url = reverse("training:record", args=[program.pk])
    who = {"nik": person.nik, "full_name": person.full_name, "birth_date": person.birth_date.isoformat()}
    response = client.post(url, who)
    assert response.status_code == 400 and "alasan pendaftaran susulan" in response.content.decode()
    response = client.post(url, {**who, "late_reason": "Surat dinas terlambat"}, follow=True)
    assert "(susulan)" in response.content.decode()
    assert Enrollment.objects.get(person=person).late


def test_enrollment_history_page(client, program, manager, citizen):
    enrollment = services.enrollment_register(actor=citizen.user, program=program, person=citizen, today=timezone.localdate())
    services.enrollments_transition(actor=manager, program=program, enrollment_ids=[enrollment.pk], action="accept")
    client.force_login(manager)
    response = client.get(reverse("training:enrollment", args=[program.pk, enrollment.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    # Actions in words (codes.py labels), never the stored codes.
    assert "Siti Rahmawati" in html and "Warga mendaftar" in html and "Diterima sebagai peserta" in html and "Peserta" in html
    assert "enrollment.registered" not in html and "enrollment.accept" not in html
    assert client.get(reverse("training:enrollment", args=[program.pk, 999999])).status_code == 404


# --- program forms -----------------------------------------------------------------------------------

def _program_post(field, **overrides):
    today = timezone.localdate()
    data = {
        "title": "Desain Grafis Dasar", "vocational_field": field.pk, "competency_units": [field.units.first().pk],
        "hours": "120", "start_date": (today + dt.timedelta(days=20)).isoformat(), "end_date": (today + dt.timedelta(days=40)).isoformat(),
        "registration_opens": today.isoformat(), "registration_closes": (today + dt.timedelta(days=15)).isoformat(),
        "quota": "16", "province": "32", "regency": "32.73", "mode": "in_person", "funding": "apbn", "dipa_reference": "DIPA-2026-01",
        "fee": "0", "selection_method": "test", "min_age": "18", "max_age": "", "min_education": "sma",
    }
    data.update(overrides)
    return data


def test_manager_creates_and_edits_a_program(client, manager, institution, field):
    client.force_login(manager)
    url = reverse("training:program_create", args=[institution.pk])
    page = client.get(url)
    assert page.status_code == 200 and "J.620100.004.02" in page.content.decode()
    response = client.post(url, _program_post(field, dipa_reference=""))
    assert response.status_code == 400 and "nomor DIPA" in response.content.decode()
    response = client.post(url, _program_post(field, regency="35.78"))
    assert response.status_code == 400 and "tidak berada di provinsi" in response.content.decode()
    response = client.post(url, _program_post(field))
    program = Program.objects.get(title="Desain Grafis Dasar")
    assert response.status_code == 302 and response["Location"] == reverse("training:manage", args=[program.pk])
    assert program.status == "draft" and program.regency_id == "32.73" and program.competency_units.count() == 1
    edit = reverse("training:program_edit", args=[program.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, _program_post(field, title="Desain Grafis Lanjutan", quota="20"))
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.title == "Desain Grafis Lanjutan" and program.quota == 20


def test_program_forms_refused_for_others(client, institution, field, citizen):
    client.force_login(citizen.user)
    assert client.get(reverse("training:program_create", args=[institution.pk])).status_code == 403
    assert client.post(reverse("training:program_create", args=[institution.pk]), _program_post(field)).status_code == 403
    assert not Program.objects.exists()


def test_unit_options_partial(client, field):
    html = client.get(reverse("training:unit_options"), {"vocational_field": field.pk}).content.decode()
    assert 'name="competency_units"' in html and "J.620100.004.02" in html
    assert client.get(reverse("training:unit_options"), {"vocational_field": "x"}).status_code == 200


# --- reference data -------------------------------------------------------------------------------------

def test_curator_edits_reference_data(client, field, citizen):
    curator = CuratorFactory(username="kurator")
    client.force_login(curator)
    url = reverse("training:reference")
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "field", "field-code": "oto", "field-name": "Otomotif", "field-is_active": "on"})
    assert response.status_code == 302 and VocationalField.objects.filter(code="OTO").exists()
    oto = VocationalField.objects.get(code="OTO")
    response = client.post(url, {"kind": "unit", "unit-code": "C.45.0001", "unit-title": "Merawat mesin",
                                 "unit-vocational_field": oto.pk, "unit-is_active": "on"})
    assert response.status_code == 302 and CompetencyUnit.objects.get(code="C.45.0001").vocational_field == oto
    assert "Otomotif" in client.get(url, {"field": oto.pk}).content.decode()
    response = client.post(url, {"kind": "unit", "unit-code": "", "unit-title": "x"})
    assert response.status_code == 400
    client.force_login(citizen.user)
    assert client.get(url).status_code == 403
