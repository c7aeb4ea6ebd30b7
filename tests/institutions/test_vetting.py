"""Institutions are vetted by the real authority before they touch anyone: a self-registered
institution is pending, refused everything that touches people, programs or certificates, approved
by the right officer (with the licence number they checked), then works; rejection, resubmission,
suspension and reinstatement are recorded and the managers told; look-alike registry numbers are
refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from sisnaker.accounts.models import RoleAssignment, User
from sisnaker.certification.services import certificate_issue
from sisnaker.core.errors import Conflict, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.institutions import domain, selectors, services
from sisnaker.institutions.models import Institution, InstitutionStatusChange
from sisnaker.notifications.models import Notification
from sisnaker.regions.models import Regency
from sisnaker.training import services as training
from sisnaker.training.spreadsheets import services as spreadsheets
from tests.certification import test_board as board
from tests.conftest import TODAY
from tests.factories import CuratorFactory, PersonFactory, ProgramFactory, RegionalOfficerFactory
from tests.training.test_import import row, xlsx
from tests.training.test_services import program_data, user_of

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # grants are loaded once per user object (once per request)


def officer(region_code: str, name: str | None = None) -> User:
    return RegionalOfficerFactory(area=region_code, **({"username": name} if name else {}))


def register(founder: User, *, number="LPK/3273/2026/0042", kind="lpk", regency="32.73", **extra) -> Institution:
    return services.institution_register(actor=founder, registry_number=number, name="LPK Maju Bersama Bandung", kind=kind,
                                         regency=Regency.objects.get(code=regency), **extra)


@pytest.fixture
def founder(regions):
    return PersonFactory(email="pendiri@contoh.id").user


# --- pure rules -------------------------------------------------------------------------------------

def test_transition_table_and_authority():
    assert domain.institution_next_status(action="approve", status="pending") == "approved"
    assert domain.institution_next_status(action="approve", status="suspended") is None
    assert domain.institution_next_status(action="reinstate", status="suspended") == "approved"
    assert domain.institution_next_status(action="resubmit", status="rejected") == "pending"
    assert domain.institution_next_status(action="suspend", status="pending") is None
    assert {k: domain.approval_authority(k) for k in ("blk_uptp", "blk_ln", "blk_uptd", "blk_komunitas", "lpk", "other")} == {
        "blk_uptp": "ministry", "blk_ln": "ministry", "blk_uptd": "regional", "blk_komunitas": "regional", "lpk": "regional",
        "other": "regional"}


def test_registry_keys_fold_lookalikes():
    key = domain.registry_key("BLK-3273-001")
    for variant in ("blk 3273 001", "BLK.3273.0O1", "B1K/3273/OOI", " blk-3273-00l ", "BLK_3273_001"):
        assert domain.registry_key(variant) == key, variant
    assert domain.registry_key("BLK-3273-002") != key


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-./ ", max_size=40))
def test_registry_key_ignores_case_and_punctuation(text):
    assert domain.registry_key(text) == domain.registry_key(text.lower().replace("-", " ").replace(".", "/"))
    assert domain.registry_key(domain.registry_key(text)) == domain.registry_key(text)


def test_status_at_reads_the_history():
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    history = [(t0, "pending"), (t0 + dt.timedelta(days=2), "approved"), (t0 + dt.timedelta(days=9), "suspended")]
    assert domain.status_at(history, t0 - dt.timedelta(seconds=1)) is None
    assert domain.status_at(history, t0 + dt.timedelta(days=1)) == "pending"
    assert domain.status_at(list(reversed(history)), t0 + dt.timedelta(days=5)) == "approved"
    assert domain.status_at(history, t0 + dt.timedelta(days=30)) == "suspended"


# --- the whole path: pending refuses everything, approval opens it ------------------------------------

def test_a_pending_institution_touches_nobody_until_approved(founder, regions):
    inst = register(founder, kind="blk_komunitas")
    assert inst.status == Institution.Status.PENDING
    manager = fresh(founder)
    assert manager.has_role(Role.INSTITUTION_MANAGER)
    victim = PersonFactory(full_name="Rina Korban")

    # Programs, imports, enrolments by NIK: all refused while pending.
    with pytest.raises(PermissionDenied):
        training.program_create(actor=manager, institution=inst, data=program_data())
    client = Client()
    client.force_login(manager)
    assert client.get(reverse("training:program_create", args=[inst.pk])).status_code == 403
    assert client.get(reverse("training:institution_programs", args=[inst.pk])).status_code == 403
    page = client.get(reverse("institutions:detail", args=[inst.pk])).content.decode()
    assert "Menunggu persetujuan" in page and "Disnaker Kota Bandung" in page

    # The authority approves: a regional officer of Kota Bandung, after recording the licence number.
    approver = officer("32.73")
    with pytest.raises(ValidationFailed) as exc:
        services.institution_review(actor=approver, institution=inst, action="approve")
    assert exc.value.code == "licence_number_required"
    services.institution_review(actor=approver, institution=inst, action="approve", licence_number="VIN 3273-0042-2026")

    manager = fresh(founder)
    program = training.program_transition(actor=manager, program=training.program_create(actor=manager, institution=inst,
                                                                                         data=program_data()),
                                          action="publish", today=TODAY)
    enrollment = training.enrollment_record(actor=manager, program=program, person=victim, today=TODAY)
    assert enrollment.pk
    report = spreadsheets.enrollments_import(actor=manager, program=program, file_name="a.xlsx",
                                            data=xlsx([row(full_name="Budi Impor")]), mode="all_or_nothing", today=TODAY)
    assert report.created == 1


def test_a_suspended_institution_can_no_longer_assess_or_issue(regions):
    setup = board.build()
    ani = setup.enrollments["Ani"]
    services.institution_review(actor=officer("32"), institution=setup.institution, action="suspend",
                                reason="Izin operasional dibekukan Disnaker")
    manager, instructor = fresh(setup.manager), fresh(setup.instructor)
    with pytest.raises(PermissionDenied):
        certificate_issue(actor=manager, enrollment=ani, now=timezone.now())
    from sisnaker.certification.services import assessment_record

    with pytest.raises(PermissionDenied):
        assessment_record(actor=instructor, enrollment=setup.enrollments["Budi"], unit=setup.units[0], result="competent")
    with pytest.raises(PermissionDenied):
        training.enrollments_transition(actor=manager, program=setup.program, enrollment_ids=[ani.pk], action="drop_out")
    client = Client()
    client.force_login(manager)
    assert client.get(reverse("training:manage", args=[setup.program.pk])).status_code == 403
    # Reinstated: it works again.
    services.institution_review(actor=officer("32.73"), institution=setup.institution, action="reinstate",
                                reason="Izin diperpanjang")
    assert certificate_issue(actor=fresh(setup.manager), enrollment=ani, now=timezone.now()).number


# --- who decides ---------------------------------------------------------------------------------------

def test_only_the_real_authority_decides(founder, regions):
    local = register(founder)  # an LPK in Kota Bandung
    for outsider in (officer("35"), officer("32.77"), CuratorFactory(), founder):
        with pytest.raises(PermissionDenied):
            services.institution_review(actor=fresh(outsider), institution=local, action="approve", licence_number="X-1")
    services.institution_review(actor=officer("32"), institution=local, action="approve", licence_number="X-1")

    central = register(founder, number="BBPLK-3216-009", kind="blk_uptp", regency="32.16")
    with pytest.raises(PermissionDenied):  # the ministry runs its own centres, not the province
        services.institution_review(actor=officer("32"), institution=central, action="approve", licence_number="P-1")
    curator = CuratorFactory()
    services.institution_review(actor=curator, institution=central, action="approve", licence_number="Permenaker 1/2026")
    assert Institution.objects.get(pk=central.pk).status == "approved"


def test_queue_shows_each_approver_only_their_scope(founder, regions):
    bandung = register(founder)
    other = PersonFactory().user
    surabaya = register(other, number="LPK-3578-0099", regency="35.78")
    central = register(other, number="BBPLK-3216-010", kind="blk_uptp", regency="32.16")
    assert list(selectors.review_queue(viewer=officer("32.73"))) == [bandung]
    assert set(selectors.review_queue(viewer=officer("32"))) == {bandung}
    assert list(selectors.review_queue(viewer=officer("35"))) == [surabaya]
    assert list(selectors.review_queue(viewer=CuratorFactory())) == [central]
    assert list(selectors.review_queue(viewer=fresh(founder))) == []

    client = Client()
    client.force_login(officer("32.73", "disnaker.bdg"))
    html = client.get(reverse("institutions:review_queue")).content.decode()
    assert "LPK/3273/2026/0042" in html and "LPK-3578-0099" not in html and "BBPLK" not in html
    client.force_login(fresh(founder))
    assert client.get(reverse("institutions:review_queue")).status_code == 403


def test_review_page_decides_and_the_manager_is_told(founder, regions):
    inst = register(founder, licence_number="503/77/DPMPTSP/2026")
    approver = officer("32.73", "disnaker.bdg")
    assert list(selectors.approvers_of(institution=inst)) == [approver]

    client = Client()
    client.force_login(approver)
    url = reverse("institutions:detail", args=[inst.pk])
    page = client.get(url).content.decode()
    assert "Persetujuan lembaga" in page and "503/77/DPMPTSP/2026" in page
    response = client.post(url, {"form": "review", "action": "reject", "reason": ""})
    assert response.status_code == 400 and "Tuliskan alasannya" in response.content.decode()
    response = client.post(url, {"form": "review", "action": "reject", "reason": "Nomor izin tidak ditemukan di DPMPTSP"},
                           follow=True)
    assert "ditolak" in response.content.decode()
    inst.refresh_from_db()
    assert inst.status == "rejected" and inst.status_reason == "Nomor izin tidak ditemukan di DPMPTSP"
    told = Notification.objects.get(topic="institution.reject", recipient="pendiri@contoh.id")
    assert "Nomor izin tidak ditemukan" in told.body

    # The manager corrects and resubmits; the officer approves with the number they checked.
    manager_client = Client()
    manager_client.force_login(fresh(founder))
    page = manager_client.get(url).content.decode()
    assert "Pendaftaran ditolak" in page and "Nomor izin tidak ditemukan" in page
    manager_client.post(url, {"form": "resubmit"})
    assert Institution.objects.get(pk=inst.pk).status == "pending"
    client.post(url, {"form": "review", "action": "approve", "licence_number": "503/78/DPMPTSP/2026", "reason": ""})
    inst.refresh_from_db()
    assert inst.status == "approved" and inst.licence_number == "503/78/DPMPTSP/2026"
    approved = Notification.objects.get(topic="institution.approve", recipient="pendiri@contoh.id").body
    # A private LPK without LA-LPK accreditation is told it cannot open programs yet, and who records it.
    assert "DISETUJUI" in approved and "belum dapat dibuka" in approved and "kurator" in approved
    history = list(InstitutionStatusChange.objects.filter(institution=inst).values_list("status", flat=True))
    assert history == ["pending", "rejected", "pending", "approved"]
    actions = list(AuditEvent.objects.filter(object_type="institutions.institution", object_id=str(inst.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["institution.registered", "institution.reject", "institution.resubmit", "institution.approve"]


def test_decisions_need_reasons_and_follow_the_status(founder, regions):
    inst = register(founder)
    approver = officer("32.73")
    with pytest.raises(Conflict):
        services.institution_review(actor=approver, institution=inst, action="reinstate", reason="x")
    with pytest.raises(ValidationFailed):
        services.institution_review(actor=approver, institution=inst, action="reject", reason="  ")
    services.institution_review(actor=approver, institution=inst, action="approve", licence_number="A-1")
    with pytest.raises(ValidationFailed):
        services.institution_review(actor=approver, institution=inst, action="suspend")
    with pytest.raises(Conflict):
        services.institution_resubmit(actor=fresh(founder), institution=inst)


def test_registration_waits_for_the_approvers_who_are_told(founder, regions):
    approver = officer("32", "disnaker.jabar")
    User.objects.filter(pk=approver.pk).update(email="jabar@disnaker.go.id")
    register(founder)
    assert Notification.objects.filter(topic="institution.pending", recipient="jabar@disnaker.go.id").exists()


# --- copies and floods -------------------------------------------------------------------------------

def test_lookalike_registry_numbers_are_refused(founder, regions):
    register(founder, number="BLK-3273-001", kind="blk_uptd")
    for copy in ("blk/3273/001", "BLK-3273-0O1", "BLK.3273.OOI", "B1K-3273-001"):
        with pytest.raises(Conflict) as exc:
            register(founder, number=copy, kind="blk_uptd")
        assert exc.value.code == "institution_exists", copy
    assert Institution.objects.count() == 1


def test_a_citizen_cannot_flood_the_queue(founder, regions):
    for n in range(services.MAX_OPEN_REGISTRATIONS):
        register(founder, number=f"LPK-3273-{n:04d}")
    with pytest.raises(Conflict) as exc:
        register(founder, number="LPK-3273-9999")
    assert exc.value.code == "institution_registrations_open"


def test_a_pending_registration_is_not_public(founder, regions):
    inst = register(founder)
    api = f"/api/v1/institutions/{inst.pk}"
    assert Client().get(api).status_code == 404
    own = Client()
    own.force_login(fresh(founder))
    assert own.get(api).json()["status"] == "pending"
    approver = Client()
    approver.force_login(officer("32.73"))
    assert approver.get(api).status_code == 200
    queue = approver.get("/api/v1/institutions/review-queue").json()
    assert [i["id"] for i in queue["items"]] == [inst.pk]
    response = approver.post(f"{api}/review", {"action": "approve", "licence_number": "VIN-1"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert Client().get(api).status_code == 200


def test_citizens_cannot_join_a_program_of_a_suspended_institution(founder, regions):
    inst = register(founder, kind="blk_komunitas")
    services.institution_review(actor=officer("32.73"), institution=inst, action="approve", licence_number="SK-1")
    program = ProgramFactory(institution=inst, today=timezone.localdate())
    services.institution_review(actor=officer("32.73"), institution=inst, action="suspend", reason="Izin dibekukan")
    citizen = PersonFactory()
    with pytest.raises(Conflict) as exc:
        training.enrollment_register(actor=user_of(citizen), program=program, person=citizen, today=timezone.localdate())
    assert exc.value.code == "institution_not_active"
    assert Client().get("/api/v1/training/catalogue").json()["count"] == 0


# --- what the authority checked stays checked ------------------------------------------------------

def _edit(actor, inst, **changes):
    values = {"name": inst.name, "kind": inst.kind, "regency": inst.regency, "address": inst.address,
              "phone": inst.phone, "email": inst.email} | changes
    return services.institution_update(actor=fresh(actor), institution=inst, **values)


def test_the_identity_the_authority_approved_cannot_change_behind_its_back(founder, regions, django_capture_on_commit_callbacks):
    """Found by trying it as an outsider: an approved LPK that called itself a BLK Komunitas published programs
    without LA-LPK accreditation, and a suspended one that moved to another province was reinstated there."""
    inst = register(founder, kind="lpk")
    services.institution_review(actor=officer("32.73"), institution=inst, action="approve", licence_number="VIN-1")
    # Contacts change at once, the institution stays approved.
    assert _edit(founder, inst, phone="022-123456").status == "approved"
    with pytest.raises(Conflict) as refused:
        _edit(founder, inst, kind="blk_komunitas")
    assert refused.value.code == "institution_review_needed" and refused.value.field == "confirm_review"
    assert Institution.objects.get(pk=inst.pk).kind == "lpk"
    Notification.objects.all().delete()
    jateng = officer("33")
    User.objects.filter(pk=jateng.pk).update(email="jateng@disnaker.go.id")
    with django_capture_on_commit_callbacks(execute=True):
        changed = _edit(founder, inst, kind="blk_komunitas", regency=Regency.objects.get(code="33.74"), confirm_review=True)
    assert (changed.status, changed.kind, changed.regency_id) == ("pending", "blk_komunitas", "33.74")
    assert InstitutionStatusChange.objects.filter(institution=inst).latest("at").status == "pending"
    assert AuditEvent.objects.filter(action="institution.identity_changed", object_id=str(inst.pk)).exists()
    # The office that decides now hears of it; the programs wait for it.
    assert Notification.objects.filter(recipient="jateng@disnaker.go.id", topic="institution.pending").exists()
    program = ProgramFactory(institution=inst, today=timezone.localdate(), status="draft")
    with pytest.raises((Conflict, PermissionDenied)):
        training.program_transition(actor=fresh(founder), program=program, action="publish", today=timezone.localdate())


def test_a_suspended_institution_cannot_move_away_from_its_suspension(founder, regions):
    inst = register(founder, kind="blk_komunitas")
    services.institution_review(actor=officer("32.73"), institution=inst, action="approve", licence_number="SK-1")
    services.institution_review(actor=officer("32.73"), institution=inst, action="suspend", reason="Izin dibekukan")
    for change in ({"regency": Regency.objects.get(code="33.74")}, {"kind": "blk_uptp"}, {"name": "BLK Komunitas Baru Sekali"}):
        with pytest.raises(Conflict) as refused:
            _edit(founder, inst, confirm_review=True, **change)
        assert refused.value.code == "institution_identity_locked"
    assert Institution.objects.get(pk=inst.pk).regency_id == "32.73"
    assert _edit(founder, inst, address="Jl. Baru 1").status == "suspended"  # the address still changes


def test_a_pending_registration_is_corrected_freely_and_the_new_authority_is_told(founder, regions, django_capture_on_commit_callbacks):
    inst = register(founder, kind="lpk")
    curator = CuratorFactory()
    User.objects.filter(pk=curator.pk).update(email="kurator@kemnaker.go.id")
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        changed = _edit(founder, inst, kind="blk_uptp")
    assert changed.status == "pending"
    assert Notification.objects.filter(recipient="kurator@kemnaker.go.id", topic="institution.pending").exists()


def test_the_edit_page_asks_for_the_confirmation_and_keeps_the_data_until_given(founder, regions):
    inst = register(founder, kind="lpk")
    services.institution_review(actor=officer("32.73"), institution=inst, action="approve", licence_number="VIN-1")
    page = Client()
    page.force_login(fresh(founder))
    url = reverse("institutions:detail", args=[inst.pk])
    data = {"form": "edit", "name": inst.name, "kind": "blk_komunitas", "province": "32", "regency": "32.73",
            "address": "", "phone": "", "email": ""}
    response = page.post(url, data)
    assert response.status_code in (200, 400, 409)
    assert "kembali menunggu persetujuan" in response.content.decode()
    assert Institution.objects.get(pk=inst.pk).status == "approved"
    response = page.post(url, data | {"confirm_review": "on"})
    assert response.status_code in (200, 302)
    assert Institution.objects.get(pk=inst.pk).status == "pending"


def test_the_api_edit_needs_the_confirmation_too(founder, regions):
    inst = register(founder, kind="lpk")
    services.institution_review(actor=officer("32.73"), institution=inst, action="approve", licence_number="VIN-1")
    api = Client()
    api.force_login(fresh(founder))
    url = f"/api/v1/institutions/{inst.pk}"
    refused = api.patch(url, {"kind": "blk_komunitas"}, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "institution_review_needed"
    done = api.patch(url, {"kind": "blk_komunitas", "confirm_review": True}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "pending"


def test_nobody_decides_on_an_institution_they_registered_or_work_at(regions):
    """Found by trying it: a curator registered a BLK UPTP (a ministry kind) and approved it themself."""
    curator = CuratorFactory()
    own = services.institution_register(actor=curator, registry_number="UPTP-KUR-01", name="BLK UPTP Kurator Sendiri",
                                        kind="blk_uptp", regency=Regency.objects.get(code="32.73"), licence_number="SK-1/2026")
    with pytest.raises(PermissionDenied) as refused:
        services.institution_review(actor=fresh(curator), institution=own, action="approve", licence_number="SK-1/2026")
    assert refused.value.code == "institution_own"
    assert Institution.objects.get(pk=own.pk).status == "pending"
    services.institution_review(actor=CuratorFactory(), institution=own, action="approve", licence_number="SK-1/2026")
    # Nor does an officer who works at an institution in their own area.
    local = officer("32.73")
    founder = PersonFactory(email="pendiri2@contoh.id").user
    lpk = register(founder, number="LPK/3273/2026/0099", kind="lpk")
    RoleAssignment.objects.create(user=local, role=Role.INSTRUCTOR, institution=lpk, granted_by=founder)
    with pytest.raises(PermissionDenied):
        services.institution_review(actor=fresh(local), institution=lpk, action="approve", licence_number="VIN-9")
    services.institution_review(actor=officer("32"), institution=lpk, action="approve", licence_number="VIN-9")


def test_a_pending_institutions_manager_is_told_why_its_programs_wait(founder, regions):
    """Found by trying it: "Lembaga saya" offered a "Program" button that answered "only for the institution's staff"
    to the institution's own manager."""
    inst = register(founder, kind="lpk")
    page = Client()
    page.force_login(fresh(founder))
    mine = page.get(reverse("institutions:mine")).content.decode()
    assert reverse("training:institution_programs", args=[inst.pk]) not in mine
    assert "setelah lembaga disetujui" in mine
    refused = page.get(reverse("training:institution_programs", args=[inst.pk]))
    assert refused.status_code == 403 and "menunggu persetujuan Disnaker" in refused.content.decode()
    services.institution_review(actor=officer("32.73"), institution=inst, action="approve", licence_number="VIN-1")
    assert reverse("training:institution_programs", args=[inst.pk]) in page.get(reverse("institutions:mine")).content.decode()
    assert page.get(reverse("training:institution_programs", args=[inst.pk])).status_code == 200
