"""The registered sources other than a program's participants: the national certificate register (curators), the AK/1
holders and the alumni of a region (regional officers) — who may ask, what they get, NIK masked per role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sisnaker.certification.models import Certificate
from sisnaker.core import crypto
from sisnaker.core.errors import NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.roles import Role
from sisnaker.exports import registry, selectors, services
from sisnaker.placement.models import JobSeekerCard
from sisnaker.regions.nik import mask
from sisnaker.training.domain import EnrollmentState as E
from tests.factories import EnrollmentFactory, PersonFactory, course, staff

from .test_exports import download, read_csv, read_xlsx, run


def test_every_source_names_existing_permissions():
    names = {s.name for s in registry.all_sources()}
    assert {"training.participants", "certification.register", "placement.ak1_holders", "placement.alumni"} <= names


# --- the national certificate register ----------------------------------------------------------------------------

@pytest.fixture
def certificates(regions):
    c = course(participants=2, names=["Ani Lestari", "Bayu Saputra"])
    now = timezone.now()
    for i, e in enumerate(c.enrollments, start=1):
        Certificate.objects.create(enrollment=e, number=f"{c.inst.registry_number}/2026/{i:06d}", institution=c.inst, year=2026,
                                   sequence=i, verification_id=f"r{i:031d}", payload="{}", signature="s", key_id="k", issued_at=now,
                                   issued_by=c.manager,
                                   **({"revoked_at": now, "revoked_by": c.manager, "revoke_reason": "Data salah"} if i == 2 else {}))
    return c


def test_curator_exports_the_register_with_masked_niks(certificates):
    curator = staff(Role.CURATOR)
    job = run(services.export_request(actor=curator, source="certification.register", params={}, fmt="xlsx"))
    assert job.done == 2 and not job.nik_visible
    sheet = read_xlsx(download(curator, job))
    header = sheet[0]
    rows = {r[header.index("Nama pemegang")]: r for r in sheet[1:]}
    ani = certificates.people[0]
    assert rows["Ani Lestari"][header.index("NIK")] == mask(crypto.decrypt(ani.nik_encrypted))
    assert rows["Bayu Saputra"][header.index("Status")] == "Dicabut"
    assert rows["Ani Lestari"][header.index("Status")] == "Berlaku"


def test_admin_gets_the_register_with_full_niks(certificates):
    admin = staff(Role.ADMIN)
    job = run(services.export_request(actor=admin, source="certification.register", params={"year": "2026"}, fmt="csv"))
    rows = read_csv(download(admin, job))
    assert job.nik_visible and crypto.decrypt(certificates.people[0].nik_encrypted) in {r[3] for r in rows[1:]}
    job = run(services.export_request(actor=admin, source="certification.register", params={"year": "2025"}, fmt="csv"))
    assert job.done == 0 and len(read_csv(download(admin, job))) == 1


@pytest.mark.parametrize("role", [Role.INSTITUTION_MANAGER, Role.REGIONAL_OFFICER, Role.PMO_OFFICER, Role.FINANCE_OFFICER])
def test_register_is_for_curators(certificates, role):
    actor = certificates.manager if role == Role.INSTITUTION_MANAGER else staff(role)
    with pytest.raises(PermissionDenied):
        services.export_request(actor=actor, source="certification.register", params={}, fmt="xlsx")


def test_register_refuses_a_bad_year(certificates):
    with pytest.raises(ValidationFailed) as caught:
        services.export_request(actor=staff(Role.CURATOR), source="certification.register", params={"year": "20x6"}, fmt="xlsx")
    assert caught.value.field == "year"


def test_mine_offers_the_register_to_curators_only(certificates):
    assert [s.name for s, _, _ in selectors.offers(actor=staff(Role.CURATOR))] == ["certification.register"]
    assert selectors.offers(actor=certificates.manager) == []


# --- AK/1 holders and alumni of a region ----------------------------------------------------------------------------

@pytest.fixture
def region(regions):
    """Two AK/1 holders in Kota Bandung (32.73, one who found work), one in Kota Surabaya; alumni likewise; an applicant."""
    officer = staff(Role.REGIONAL_OFFICER, region_code="32.73")
    now = timezone.now()
    people = [PersonFactory(full_name="Cici Bandung"), PersonFactory(full_name="Dedi Bandung"),
              PersonFactory(full_name="Euis Surabaya", nik_district="35.78.01", domicile="35.78.01")]
    for seq, (person, regency) in enumerate(zip(people, ("32.73", "32.73", "35.78"), strict=True), start=1):
        JobSeekerCard.objects.create(
            person=person, regency_id=regency, status="issued", nik_encrypted=person.nik_encrypted, full_name=person.full_name,
            birth_place="Bandung", birth_date=person.birth_date, sex=person.sex, marital_status="single", religion="islam",
            address="Jl. Merdeka 1", education="smk", skills="Las", submitted_at=now, number=f"{regency}-2026-{seq:05d}", year=2026,
            sequence=seq, issued_on=now.date(), decided_at=now, decided_by=officer, officer_name="Petugas",
            **({"ended_on": now.date(), "employer_name": "PT Maju", "position": "Teknisi"} if seq == 2 else {}))
    JobSeekerCard.objects.create(person=PersonFactory(full_name="Fajar Menunggu"), regency_id="32.73", status="submitted",
                                 nik_encrypted=people[0].nik_encrypted, full_name="Fajar Menunggu", birth_place="Bandung",
                                 birth_date=dt.date(1990, 1, 1), sex="M", marital_status="single", religion="islam", address="-",
                                 education="smk", skills="-", submitted_at=now)
    c = course(participants=1)
    for person in people:
        EnrollmentFactory(program=c.program, person=person, state=E.GRADUATED)
    EnrollmentFactory(program=c.program, person=PersonFactory(full_name="Gita Pendaftar"), state=E.REGISTERED)
    return officer, people


def test_officer_exports_ak1_holders_of_their_area_with_full_niks(region):
    officer, people = region
    job = run(services.export_request(actor=officer, source="placement.ak1_holders", params={"region": "32.73"}, fmt="xlsx"))
    sheet = read_xlsx(download(officer, job))
    header = sheet[0]
    names = {r[header.index("Nama")]: r for r in sheet[1:]}
    assert set(names) == {"Cici Bandung", "Dedi Bandung"} and job.nik_visible
    assert names["Cici Bandung"][header.index("NIK")] == crypto.decrypt(people[0].nik_encrypted)
    assert names["Dedi Bandung"][header.index("Pemberi kerja")] == "PT Maju"


def test_province_officer_may_export_a_regency_but_not_the_other_way(region):
    province = staff(Role.REGIONAL_OFFICER, region_code="32")
    job = run(services.export_request(actor=province, source="placement.alumni", params={"region": "32.73"}, fmt="csv"))
    assert job.done == 2
    officer, _ = region
    with pytest.raises(PermissionDenied):
        services.export_request(actor=officer, source="placement.ak1_holders", params={"region": "32"}, fmt="csv")
    with pytest.raises(PermissionDenied):
        services.export_request(actor=officer, source="placement.alumni", params={"region": "35.78"}, fmt="csv")


def test_alumni_of_a_region_masked_for_an_administrator_never(region):
    admin = staff(Role.ADMIN)
    job = run(services.export_request(actor=admin, source="placement.alumni", params={"region": "35"}, fmt="csv"))
    rows = read_csv(download(admin, job))
    assert [r[1] for r in rows[1:]] == ["Euis Surabaya"] and job.nik_visible


@pytest.mark.parametrize(("code", "error"), [("3273", ValidationFailed), ("99", NotFound), ("32.99", NotFound), ("", ValidationFailed)])
def test_region_must_exist(region, code, error):
    with pytest.raises(error):
        services.export_request(actor=staff(Role.ADMIN), source="placement.alumni", params={"region": code}, fmt="csv")


@pytest.mark.parametrize("role", [Role.CURATOR, Role.INSTITUTION_MANAGER, Role.CITIZEN])
def test_region_exports_are_for_regional_officers(region, role):
    with pytest.raises(PermissionDenied):
        services.export_request(actor=staff(role), source="placement.ak1_holders", params={"region": "32.73"}, fmt="csv")


def test_mine_offers_an_officer_their_area(region):
    officer, _ = region
    offered = {(s.name, p["region"]) for s, p, _ in selectors.offers(actor=officer)}
    assert offered == {("placement.ak1_holders", "32.73"), ("placement.alumni", "32.73")}
