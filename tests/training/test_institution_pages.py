"""Institution pages: register (the registrant becomes manager), my institutions, the institution page
with its forms (edit, staff, accreditation, activation), and the manager's program list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts.models import RoleAssignment
from sisnaker.core.roles import Role
from sisnaker.institutions.models import Institution
from sisnaker.training.domain import EnrollmentState as E
from tests.factories import InstitutionFactory, ProgramFactory, enrollments_in, staff

pytestmark = pytest.mark.django_db


def _staff(username: str, role: Role | None = None, **scope):
    return staff(role, username=username, first_name=username.title(), email=f"{username}@contoh.id", **scope)


REGISTER = {"registry_number": "lpk-3273-777", "name": "LPK Maju Bersama Bandung", "kind": "lpk", "province": "32",
            "regency": "32.73", "address": "Jl. Asia Afrika 1", "phone": "022-123456", "email": "lpk@contoh.id"}


def test_citizen_registers_an_institution_and_becomes_its_manager(client, citizen):
    client.force_login(citizen.user)
    assert client.get(reverse("institutions:register")).status_code == 200
    response = client.post(reverse("institutions:register"), {**REGISTER, "regency": "35.78"})
    assert response.status_code == 400 and "tidak berada di provinsi" in response.content.decode()
    response = client.post(reverse("institutions:register"), {**REGISTER, "registry_number": "!"})
    assert response.status_code == 400 and "Nomor registrasi/izin lembaga" in response.content.decode()
    response = client.post(reverse("institutions:register"), REGISTER, follow=True)
    inst = Institution.objects.get(registry_number="LPK-3273-777")
    assert response.redirect_chain[-1][0] == reverse("institutions:detail", args=[inst.pk])
    html = response.content.decode()
    assert "Lembaga terdaftar" in html and "belum terakreditasi" in html and "menunggu persetujuan" in html
    assert Institution.objects.get(pk=inst.pk).status == Institution.Status.PENDING
    assert RoleAssignment.objects.filter(user=citizen.user, role=Role.INSTITUTION_MANAGER, institution=inst).exists()
    # The same registry number again: a clear refusal on the field.
    response = client.post(reverse("institutions:register"), REGISTER)
    assert response.status_code == 400 and "sudah terdaftar" in response.content.decode()
    # "My institutions" lists it; the nav shows the link.
    html = client.get(reverse("institutions:mine")).content.decode()
    assert "LPK Maju Bersama Bandung" in html and "Pengelola lembaga" in html and "Lembaga saya" in html


def test_register_needs_login(client):
    response = client.get(reverse("institutions:register"))
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


@pytest.fixture
def inst(regions):
    return InstitutionFactory(registry_number="LPK-3273-001", name="LPK Cahaya Bandung", kind="lpk")


def test_institution_page_roles(client, inst, citizen):
    manager = _staff("pengelola", Role.INSTITUTION_MANAGER, institution=inst)
    instructor = _staff("instruktur", Role.INSTRUCTOR, institution=inst)
    curator = _staff("kurator", Role.CURATOR)
    url = reverse("institutions:detail", args=[inst.pk])
    client.force_login(manager)
    html = client.get(url).content.decode()
    assert "Ubah data lembaga" in html and "Tambah staf" in html and "Kurasi Kementerian" not in html
    client.force_login(instructor)
    html = client.get(url).content.decode()
    assert "LPK Cahaya Bandung" in html and "Ubah data lembaga" not in html and "Tambah staf" not in html
    assert client.post(url, {"form": "edit", "name": "Diubah Instruktur"}).status_code == 403
    client.force_login(curator)
    html = client.get(url).content.decode()
    assert "Kurasi Kementerian" in html and "Tambah staf" not in html
    assert "LPK Cahaya Bandung" in client.get(reverse("institutions:mine")).content.decode()
    client.force_login(citizen.user)
    assert client.get(url).status_code == 403
    assert client.post(url, {"form": "accredit", "status": "accredited"}).status_code == 403
    assert client.get(reverse("institutions:detail", args=[99999])).status_code == 404


def test_manager_edits_and_adds_an_instructor(client, inst, citizen):
    manager = _staff("pengelola", Role.INSTITUTION_MANAGER, institution=inst)
    teacher = _staff("guru")
    client.force_login(manager)
    url = reverse("institutions:detail", args=[inst.pk])
    old_name = inst.name
    # The approved name is what the authority checked: renaming asks for the confirmation first.
    response = client.post(url, {"form": "edit", "name": "LPK Cahaya Bandung Baru", "kind": "lpk", "province": "32",
                                 "regency": "32.73", "address": "Jl. Baru 2"})
    assert response.status_code == 400 and "kembali menunggu persetujuan" in response.content.decode()
    response = client.post(url, {"form": "edit", "name": old_name, "kind": "lpk", "province": "32",
                                 "regency": "32.73", "address": "Jl. Baru 2"}, follow=True)
    assert "Data lembaga tersimpan" in response.content.decode()
    inst.refresh_from_db()
    assert inst.name == old_name and inst.address == "Jl. Baru 2" and inst.status == "approved"
    response = client.post(url, {"form": "edit", "name": "abc", "kind": "lpk", "province": "32", "regency": "32.73"})
    assert response.status_code == 400 and "minimal 5 karakter" in response.content.decode()
    response = client.post(url, {"form": "staff", "identifier": "tidak-ada", "role": "instructor"})
    assert response.status_code == 400 and "Akun tidak ditemukan" in response.content.decode()
    response = client.post(url, {"form": "staff", "identifier": "guru@contoh.id", "role": "instructor"}, follow=True)
    assert "ditambahkan sebagai Instruktur" in response.content.decode()
    assert RoleAssignment.objects.filter(user=teacher, role="instructor", institution=inst).exists()
    response = client.post(url, {"form": "staff", "identifier": "guru", "role": "instructor"})
    assert response.status_code == 400 and "sudah memegang peran" in response.content.decode()


def test_curator_accredits_and_the_regional_officer_suspends(client, inst):
    curator = _staff("kurator", Role.CURATOR)
    client.force_login(curator)
    url = reverse("institutions:detail", args=[inst.pk])
    response = client.post(url, {"form": "accredit", "status": "accredited", "grade": ""})
    assert response.status_code == 400 and "peringkat" in response.content.decode()
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(url, {"form": "accredit", "status": "accredited", "grade": "A", "number": "LA-01",
                                 "valid_until": past}, follow=True)
    html = response.content.decode()
    assert "Akreditasi tersimpan" in html and "kedaluwarsa" in html and "berakhir pada" in html
    future = (timezone.localdate() + dt.timedelta(days=300)).isoformat()
    html = client.post(url, {"form": "accredit", "status": "accredited", "grade": "B", "valid_until": future}, follow=True).content.decode()
    assert "Akreditasi: berlaku" in html
    html = client.post(url, {"form": "accredit", "status": "revoked"}, follow=True).content.decode()
    assert "Akreditasi: dicabut" in html
    # Suspension belongs to the authority of an LPK: the regional manpower office of its area.
    officer = _staff("disnaker", Role.REGIONAL_OFFICER, region_code="32.73")
    client.force_login(officer)
    response = client.post(url, {"form": "review", "action": "suspend", "reason": ""})
    assert response.status_code == 400
    html = client.post(url, {"form": "review", "action": "suspend", "reason": "Izin dicabut"}, follow=True).content.decode()
    assert "Lembaga dibekukan" in html and "Izin dicabut" in html
    assert Institution.objects.get(pk=inst.pk).status == Institution.Status.SUSPENDED


def test_program_list_with_counts_and_bounded_queries(client, regions, django_assert_max_num_queries):
    blk = InstitutionFactory(registry_number="BLK-3273-009", name="UPTD BLK Kota Bandung")
    manager = _staff("pengelola", Role.INSTITUTION_MANAGER, institution=blk)
    today = timezone.localdate()
    programs = [ProgramFactory(institution=blk, title=f"Program Bandung {i:02d}", quota=5, today=today,
                               start_date=today + dt.timedelta(days=30 + 40 * i)) for i in range(12)]
    enrollments_in(programs[0], n=2)  # accepted
    enrollments_in(programs[0], n=4, state=E.REGISTERED)
    client.force_login(manager)
    client.get("/")  # the session's first request also works out the user's time zone (once)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("training:institution_programs", args=[blk.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and html.count('class="card program-row"') == 12
    assert "Pendaftar <strong>4</strong>" in html and "Peserta <strong>2</strong>" in html and "sisa <strong>3</strong>" in html
    assert "Buat program baru" in html
    outsider = _staff("orang-luar")
    client.force_login(outsider)
    assert client.get(reverse("training:institution_programs", args=[blk.pk])).status_code == 403
    assert "belum terdaftar sebagai pengelola" in client.get(reverse("institutions:mine")).content.decode()
