"""The training and institutions API end to end with the test client: the whole lifecycle, refusals
as JSON (403/409/400/422, never 500), catalogue filters, the OpenAPI document, and bearer tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from sisnaker.core.api_auth import token_create, token_revoke
from sisnaker.core.models import AuditEvent
from sisnaker.institutions.models import Institution
from sisnaker.training.models import Enrollment, Program
from tests.conftest import approve
from tests.factories import (
    CompetencyUnitFactory,
    CuratorFactory,
    InstitutionFactory,
    ManagerFactory,
    PersonFactory,
    ProgramFactory,
    RegionalOfficerFactory,
    VocationalFieldFactory,
)
from tests.training.test_services import user_of

API = "/api/v1"
T = f"{API}/training"


def today() -> dt.date:
    return timezone.localdate()


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def program_payload(institution_id: int, **overrides) -> dict:
    d = today()
    field = VocationalFieldFactory()
    payload = {
        "institution_id": institution_id, "title": "Teknisi Pendingin Ruangan", "vocational_field_id": field.pk,
        # A program opens registration only with competency units (certificates are issued per unit).
        "competency_unit_ids": [CompetencyUnitFactory(vocational_field=field).pk],
        "hours": 240, "start_date": str(d + dt.timedelta(days=10)), "end_date": str(d + dt.timedelta(days=40)),
        "registration_opens": str(d - dt.timedelta(days=1)), "registration_closes": str(d + dt.timedelta(days=5)),
        "quota": 2, "regency": "32.73", "funding": "apbd", "fee": 0, "mode": "in_person",
    }
    payload.update(overrides)
    return payload


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


@pytest.fixture
def curator(regions):
    return CuratorFactory(username="kurator")


@pytest.fixture
def setup(regions, curator):
    """A citizen registers an institution over the API (and so becomes its manager)."""
    founder = PersonFactory().user
    mc = client_for(founder)
    inst = ok(mc.post(f"{API}/institutions/", {"registry_number": "blk/3273/2026/01", "name": "BLK Kota Bandung",
                                               "kind": "blk_uptd", "regency": "32.73", "email": "BLK@example.id"},
                      content_type="application/json"), 201)
    assert inst["status"] == "pending"
    approve(Institution.objects.get(pk=inst["id"]))
    return {"mc": mc, "manager": founder, "institution": inst}


# --- the whole lifecycle ------------------------------------------------------------------------

@pytest.mark.django_db
def test_lifecycle_over_the_api(setup, curator):
    mc, inst = setup["mc"], setup["institution"]
    assert inst["registry_number"] == "BLK/3273/2026/01" and inst["email"] == "blk@example.id"
    assert inst["province"]["code"] == "32" and inst["can_publish"] is False and "menunggu persetujuan" in inst["publish_blocker"]

    # A curator adds reference data.
    cc = client_for(curator)
    field = ok(cc.post(f"{T}/vocational-fields", {"code": "rac", "name": "Refrigerasi"}, content_type="application/json"))
    unit = ok(cc.post(f"{T}/competency-units", {"code": "c.33.0001", "title": "Memasang AC split",
                                                "vocational_field_id": field["id"]}, content_type="application/json"))
    assert field["code"] == "RAC" and unit["code"] == "C.33.0001"
    assert [u["code"] for u in ok(Client().get(f"{T}/competency-units", {"vocational_field": field["id"]}))] == ["C.33.0001"]

    # The manager creates a draft with competency units and publishes it.
    program = ok(mc.post(f"{T}/programs", program_payload(inst["id"], vocational_field_id=field["id"],
                                                          competency_unit_ids=[unit["id"]]),
                         content_type="application/json"), 201)
    pid = program["id"]
    assert program["status"] == "draft" and program["competency_units"][0]["code"] == "C.33.0001"
    assert program["counts"]["registered"] == 0 and program["seats_left"] == 2
    assert Client().get(f"{T}/programs/{pid}").status_code == 404  # drafts are not public
    patched = ok(mc.patch(f"{T}/programs/{pid}", {"fee": 1500000, "boarding": True}, content_type="application/json"))
    assert patched["fee"] == 1500000 and patched["boarding"] is True and patched["title"] == "Teknisi Pendingin Ruangan"
    published = ok(mc.post(f"{T}/programs/{pid}/transitions", {"action": "publish"}, content_type="application/json"))
    assert published["program"]["status"] == "published" and published["program"]["registration_open"] is True

    # It shows in the public catalogue and page.
    listed = ok(Client().get(f"{T}/catalogue", {"open_only": "true"}))
    assert [p["id"] for p in listed["items"]] == [pid] and listed["items"][0]["seats_left"] == 2
    public = ok(Client().get(f"{T}/programs/{pid}"))
    assert public["counts"] is None and public["institution"]["name"] == "BLK Kota Bandung"

    # Three citizens register themselves.
    citizens = PersonFactory.create_batch(3)
    clients = [client_for(user_of(p)) for p in citizens]
    mine = [ok(c.post(f"{T}/programs/{pid}/register"), 201) for c in clients]
    assert all(m["state"] == "registered" and m["next_step"] for m in mine)
    again = clients[0].post(f"{T}/programs/{pid}/register")
    assert again.status_code == 409 and again.json()["code"] == "already_registered"

    # The manager sees them (full NIK for the manager) and bulk-accepts: the quota stops the third.
    table = ok(mc.get(f"{T}/programs/{pid}/enrollments"))
    assert table["count"] == 3 and table["items"][0]["person"]["nik"] == citizens[0].nik
    ids = [row["id"] for row in table["items"]]
    bulk = ok(mc.post(f"{T}/programs/{pid}/enrollments/bulk", {"ids": ids, "action": "accept"}, content_type="application/json"))
    assert bulk["done"] == ids[:2]
    assert bulk["refused"] == [{"id": ids[2], "code": "quota_full", "message": "Kuota program sudah penuh (2 peserta)."}]
    assert ok(Client().get(f"{T}/programs/{pid}"))["seats_left"] == 0
    filtered = ok(mc.get(f"{T}/programs/{pid}/enrollments", {"state": "participant"}))
    assert [r["id"] for r in filtered["items"]] == ids[:2]

    # Start: first the preview says what will happen and that starting before the start date needs a reason.
    preview = ok(mc.get(f"{T}/programs/{pid}/transitions/start"))
    assert preview["target_status"] == "running" and preview["reason_required"] is True and preview["reason_why"]
    assert [(e["source"], e["target"], e["count"]) for e in preview["effects"]] == [("registered", "not_selected", 1)]
    refused = mc.post(f"{T}/programs/{pid}/transitions", {"action": "start"}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "reason_required" and refused.json()["field"] == "reason"
    assert ok(mc.get(f"{T}/programs/{pid}"))["status"] == "published"
    # The applicant left over is not selected, with the reason.
    started = ok(mc.post(f"{T}/programs/{pid}/transitions", {"action": "start", "reason": "Instruktur hanya tersedia minggu ini"},
                         content_type="application/json"))
    assert started["program"]["status"] == "running"
    assert started["enrollments_changed"] == {"registered": -1, "not_selected": 1}
    assert AuditEvent.objects.get(action="program.start", object_id=str(pid)).reason == "Instruktur hanya tersedia minggu ini"

    # Results, then close: alumni and not passed.
    ok(mc.post(f"{T}/programs/{pid}/results", {"ids": [ids[0]], "result": "passed"}, content_type="application/json"))
    res = ok(mc.post(f"{T}/programs/{pid}/results", {"ids": [ids[1], ids[2]], "result": "failed"}, content_type="application/json"))
    assert res["done"] == [ids[1]] and res["refused"][0]["id"] == ids[2]
    closing = ok(mc.get(f"{T}/programs/{pid}/transitions/close"))
    assert closing["reason_required"] is True
    assert sorted((e["target"], e["count"]) for e in closing["effects"]) == [("graduated", 1), ("not_passed", 1)]
    closed = ok(mc.post(f"{T}/programs/{pid}/transitions", {"action": "close", "reason": "Ujian dimajukan"},
                        content_type="application/json"))
    assert closed["program"]["status"] == "closed"
    assert closed["program"]["counts"]["graduated"] == 1 and closed["program"]["counts"]["not_passed"] == 1

    # The citizens see where they ended and why.
    alumni = ok(clients[0].get(f"{T}/me/enrollments"))
    assert alumni[0]["state"] == "graduated" and alumni[0]["state_label"] == "Alumni" and "alumni" in alumni[0]["next_step"]
    failed = ok(clients[1].get(f"{T}/me/enrollments"))
    assert failed[0]["state"] == "not_passed" and failed[0]["next_step"] == "Tidak lulus penilaian."
    left = ok(clients[2].get(f"{T}/me/enrollments"))
    assert left[0]["state"] == "not_selected" and left[0]["reason"] == "Seleksi berakhir sebelum pelatihan dimulai."

    # Each person's history, for the manager and for the person; not for another citizen.
    history = ok(mc.get(f"{T}/enrollments/{ids[0]}/history"))
    assert [h["action"] for h in history] == ["enrollment.registered", "enrollment.accept", "enrollment.result_set", "enrollment.closed"]
    assert ok(clients[0].get(f"{T}/enrollments/{ids[0]}/history"))[-1]["after"]["state"] == "graduated"
    assert clients[1].get(f"{T}/enrollments/{ids[0]}/history").status_code == 403

    # The manager's program list has the live counts.
    programs = ok(mc.get(f"{T}/programs"))
    assert [(p["id"], p["counts"]["graduated"], p["counts"]["not_selected"]) for p in programs] == [(pid, 1, 1)]


@pytest.mark.django_db
def test_manager_records_by_nik_late_with_reason_and_citizen_withdraws(setup):
    mc, inst = setup["mc"], setup["institution"]
    pid = ok(mc.post(f"{T}/programs", program_payload(inst["id"], quota=5), content_type="application/json"), 201)["id"]
    ok(mc.post(f"{T}/programs/{pid}/transitions", {"action": "publish"}, content_type="application/json"))
    person = PersonFactory()

    def who(p, **extra):
        return {"nik": p.nik, "full_name": p.full_name, "birth_date": p.birth_date.isoformat(), **extra}

    # NIK, name and birth date must all match; an unknown NIK and someone else's data get one answer.
    unknown = mc.post(f"{T}/programs/{pid}/enrollments", {**who(person), "nik": "3273021705950999"}, content_type="application/json")
    assert unknown.status_code == 404 and unknown.json()["field"] == "nik" and "NIK" in unknown.json()["message"]
    wrong_name = mc.post(f"{T}/programs/{pid}/enrollments", {**who(person), "full_name": "Orang Lain"}, content_type="application/json")
    wrong_birth = mc.post(f"{T}/programs/{pid}/enrollments", {**who(person), "birth_date": "1990-01-01"}, content_type="application/json")
    assert wrong_name.status_code == wrong_birth.status_code == 404
    assert wrong_name.json() == wrong_birth.json() == unknown.json()
    assert person.full_name not in wrong_name.content.decode()
    no_name = mc.post(f"{T}/programs/{pid}/enrollments", {"nik": person.nik}, content_type="application/json")
    assert no_name.status_code == 422  # name and birth date are required
    bad = mc.post(f"{T}/programs/{pid}/enrollments", {**who(person), "nik": "12345"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "nik_format"

    spaced = " ".join([person.nik[:6], person.nik[6:12], person.nik[12:]])
    row = ok(mc.post(f"{T}/programs/{pid}/enrollments", who(person, nik=spaced, full_name="SITI RAHMAWATI, S.Kom."),
                     content_type="application/json"), 201)
    assert row["state"] == "registered" and row["source"] == "manager" and row["late"] is False

    # The citizen withdraws (before the program runs).
    pc = client_for(user_of(person))
    out = ok(pc.post(f"{T}/enrollments/{row['id']}/withdraw", {"reason": "Diterima kerja"}, content_type="application/json"))
    assert out["state"] == "withdrawn" and out["reason"] == "Diterima kerja"
    assert pc.post(f"{T}/enrollments/{row['id']}/withdraw", {}, content_type="application/json").status_code == 409

    # After selection started, a late entry needs the reason, and is flagged.
    ok(mc.post(f"{T}/programs/{pid}/transitions", {"action": "close_registration"}, content_type="application/json"))
    late_person = PersonFactory()
    refused = mc.post(f"{T}/programs/{pid}/enrollments", who(late_person), content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "late_reason"
    late = ok(mc.post(f"{T}/programs/{pid}/enrollments", who(late_person, as_participant=True, late_reason="Susulan dari posko"),
                      content_type="application/json"), 201)
    assert late["late"] is True and late["state"] == "participant" and late["late_reason"] == "Susulan dari posko"
    assert [r["id"] for r in ok(mc.get(f"{T}/programs/{pid}/enrollments", {"late": "true"}))["items"]] == [late["id"]]
    assert ok(mc.get(f"{T}/programs/{pid}"))["late_count"] == 1
    # Search by the full NIK (blind index) and by name.
    found = ok(mc.get(f"{T}/programs/{pid}/enrollments", {"q": late_person.nik}))
    assert [r["id"] for r in found["items"]] == [late["id"]]


# --- refusals -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_another_institutions_manager_gets_403(setup):
    mc, inst = setup["mc"], setup["institution"]
    pid = ok(mc.post(f"{T}/programs", program_payload(inst["id"]), content_type="application/json"), 201)["id"]
    oc = client_for(ManagerFactory(username="pengelola-lain"))
    for method, url, body in [
        ("post", f"{T}/programs/{pid}/transitions", {"action": "publish"}),
        ("patch", f"{T}/programs/{pid}", {"quota": 99}),
        ("get", f"{T}/programs/{pid}/enrollments", None),
        ("post", f"{T}/programs/{pid}/enrollments/bulk", {"ids": [1], "action": "accept"}),
        ("post", f"{T}/programs/{pid}/enrollments", {"nik": "3273011705950001", "full_name": "Siti Rahmawati",
                                                     "birth_date": "1995-05-17"}),
        ("post", f"{T}/programs", program_payload(inst["id"])),
        ("patch", f"{API}/institutions/{inst['id']}", {"name": "Diambil alih"}),
        ("post", f"{API}/institutions/{inst['id']}/staff", {"username": "siapa", "role": "instructor"}),
        ("post", f"{API}/institutions/{inst['id']}/accreditation", {"status": "accredited", "grade": "A", "valid_until": "2030-01-01"}),
        ("post", f"{T}/vocational-fields", {"code": "X", "name": "Tidak boleh"}),
    ]:
        kwargs = {"content_type": "application/json"} if body is not None else {}
        r = getattr(oc, method)(url, body, **kwargs) if body is not None else oc.get(url)
        assert r.status_code == 403, (method, url, r.content)
        assert r.json()["code"] == "forbidden" and r.json()["message"]
    assert Program.objects.get(pk=pid).status == "draft"
    # Draft is invisible to them, too.
    assert oc.get(f"{T}/programs/{pid}").status_code == 404
    assert ok(oc.get(f"{T}/programs")) == []


@pytest.mark.django_db
def test_illegal_transition_409_with_message_in_the_chosen_language(setup):
    mc, inst = setup["mc"], setup["institution"]
    pid = ok(mc.post(f"{T}/programs", program_payload(inst["id"]), content_type="application/json"), 201)["id"]
    r = mc.post(f"{T}/programs/{pid}/transitions", {"action": "close"}, content_type="application/json")
    assert r.status_code == 409
    assert r.json() == {"code": "program_transition", "message": 'Tidak dapat menutup program: program berstatus "Draf".', "field": None}
    r = mc.post(f"{T}/programs/{pid}/transitions", {"action": "close"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["message"] == 'Cannot close the program: the program is "Draft".'
    r = mc.post(f"{T}/programs/{pid}/transitions", {"action": "cancel"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "reason"
    r = mc.post(f"{T}/programs/{pid}/transitions", {"action": "teleport"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "program_action"
    assert mc.post(f"{T}/programs/999999/transitions", {"action": "publish"}, content_type="application/json").status_code == 404


@pytest.mark.django_db
def test_validation_errors_are_json_with_the_field(setup):
    mc, inst = setup["mc"], setup["institution"]
    before = AuditEvent.objects.count()
    cases = [
        ({"title": "AC"}, "title"),
        ({"funding": "apbn"}, "dipa_reference"),
        ({"end_date": str(today())}, "end_date"),
        ({"regency": "99.99"}, "regency"),
        ({"vocational_field_id": 999999}, "vocational_field_id"),
        ({"competency_unit_ids": [999999]}, "competency_units"),
        ({"mode": "teleport"}, "mode"),
        ({"min_age": 40, "max_age": 20}, "max_age"),
    ]
    for overrides, field in cases:
        r = mc.post(f"{T}/programs", program_payload(inst["id"], **overrides), content_type="application/json")
        assert r.status_code == 400, (overrides, r.content)
        body = r.json()
        assert body["field"] == field and body["message"] and body["code"]
    # Type errors caught by the schema: 422 in the same shape, naming the field (tests/api/test_refusals.py).
    r = mc.post(f"{T}/programs", program_payload(inst["id"], quota="banyak"), content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "quota" and r.json()["code"] == "invalid_value"
    r = mc.post(f"{T}/programs", program_payload(inst["id"], start_date="besok"), content_type="application/json")
    assert r.status_code == 422
    r = mc.post(f"{T}/programs", "{not json", content_type="application/json")
    assert r.status_code in (400, 422)
    assert Client().get(f"{T}/catalogue", {"page_size": 101}).status_code == 422
    assert Client().get(f"{T}/catalogue", {"starts_after": "kemarin"}).status_code == 422
    assert not Program.objects.exists() and AuditEvent.objects.count() == before
    # Institution validation too.
    r = mc.post(f"{API}/institutions/", {"registry_number": "!", "name": "BLK X Y Z", "kind": "blk_uptd", "regency": "32.73"},
                content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "registry_number"
    r = mc.post(f"{API}/institutions/", {"registry_number": "BLK/3273/2026/01", "name": "BLK Kedua", "kind": "blk_uptd",
                                         "regency": "32.73"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "institution_exists"


@pytest.mark.django_db
def test_anonymous_and_no_profile_refusals(setup):
    anon = Client()
    assert anon.post(f"{T}/programs", program_payload(setup["institution"]["id"]), content_type="application/json").status_code == 401
    assert anon.get(f"{T}/me/enrollments").status_code == 401
    staff_only = client_for(CuratorFactory(username="tanpa-profil"))
    r = staff_only.get(f"{T}/me/enrollments")
    assert r.status_code == 403 and r.json()["code"] == "no_person"


# --- institutions -------------------------------------------------------------------------------

@pytest.mark.django_db
def test_institution_edit_accreditation_and_staff(setup, curator):
    mc, inst = setup["mc"], setup["institution"]
    iid = inst["id"]
    edited = ok(mc.patch(f"{API}/institutions/{iid}", {"address": "Jl. Kopo No. 1"}, content_type="application/json"))
    assert edited["address"] == "Jl. Kopo No. 1" and edited["name"] == "BLK Kota Bandung" and edited["status"] == "approved"
    # Its kind is what the authority approved: changed only with the confirmation, and approved again.
    refused = mc.patch(f"{API}/institutions/{iid}", {"kind": "lpk"}, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "institution_review_needed"
    edited = ok(mc.patch(f"{API}/institutions/{iid}", {"kind": "lpk", "confirm_review": True}, content_type="application/json"))
    assert edited["status"] == "pending" and edited["can_publish"] is False
    approve(Institution.objects.get(pk=iid))
    edited = ok(mc.get(f"{API}/institutions/{iid}"))
    assert edited["can_publish"] is False and "LA-LPK" in edited["publish_blocker"]

    cc = client_for(curator)
    expired = ok(cc.post(f"{API}/institutions/{iid}/accreditation",
                         {"status": "accredited", "grade": "B", "number": "LA-LPK/123", "valid_until": str(today() - dt.timedelta(days=1))},
                         content_type="application/json"))
    assert expired["accreditation"]["state"] == "expired" and str(today() - dt.timedelta(days=1)) in expired["publish_blocker"]
    pid = ok(mc.post(f"{T}/programs", program_payload(iid), content_type="application/json"), 201)["id"]
    r = mc.post(f"{T}/programs/{pid}/transitions", {"action": "publish"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "institution_cannot_publish"
    assert str(today() - dt.timedelta(days=1)) in r.json()["message"]
    incomplete = cc.post(f"{API}/institutions/{iid}/accreditation", {"status": "accredited"}, content_type="application/json")
    assert incomplete.status_code == 400 and incomplete.json()["field"] == "grade"
    valid = ok(cc.post(f"{API}/institutions/{iid}/accreditation",
                       {"status": "accredited", "grade": "A", "valid_until": str(today() + dt.timedelta(days=365))},
                       content_type="application/json"))
    assert valid["can_publish"] is True
    ok(mc.post(f"{T}/programs/{pid}/transitions", {"action": "publish"}, content_type="application/json"))

    # Suspension by the regional officer of its area hides it from the catalogue.
    assert ok(Client().get(f"{T}/catalogue"))["count"] == 1
    oc = client_for(RegionalOfficerFactory(username="disnaker.bdg", area="32.73"))
    ok(oc.post(f"{API}/institutions/{iid}/review", {"action": "suspend", "reason": "Izin dibekukan"}, content_type="application/json"))
    assert ok(Client().get(f"{T}/catalogue"))["count"] == 0
    assert ok(Client().get(f"{API}/institutions/{iid}"))["status"] == "suspended"
    ok(oc.post(f"{API}/institutions/{iid}/review", {"action": "reinstate", "reason": "Izin diperpanjang"},
               content_type="application/json"))

    # Staff: an instructor found by e-mail; unknown accounts are 404; twice is 409.
    teacher = PersonFactory(email="guru@example.id").user
    staff = ok(mc.post(f"{API}/institutions/{iid}/staff", {"email": "GURU@example.id", "role": "instructor"},
                       content_type="application/json"), 201)
    assert staff["user"] == teacher.username and staff["role"] == "instructor"
    assert mc.post(f"{API}/institutions/{iid}/staff", {"email": "guru@example.id", "role": "instructor"},
                   content_type="application/json").status_code == 409
    assert mc.post(f"{API}/institutions/{iid}/staff", {"username": "tidak-ada", "role": "instructor"},
                   content_type="application/json").status_code == 404
    # The instructor sees the program's table with masked NIKs.
    tc = client_for(teacher)
    person = PersonFactory()
    ok(mc.post(f"{T}/programs/{pid}/enrollments", {"nik": person.nik, "full_name": person.full_name,
                                                    "birth_date": person.birth_date.isoformat()}, content_type="application/json"), 201)
    rows = ok(tc.get(f"{T}/programs/{pid}/enrollments"))["items"]
    assert rows[0]["person"]["nik"] != person.nik and "*" in rows[0]["person"]["nik"]


# --- catalogue ----------------------------------------------------------------------------------

@pytest.fixture
def catalogue_data(regions):
    bdg = InstitutionFactory(regency_code="32.73")
    sby = InstitutionFactory(regency_code="35.78")
    other_field = VocationalFieldFactory(code="OTO", name="Otomotif")
    d = today()
    p = {
        "web": ProgramFactory(institution=bdg, title="Pemrograman Web", today=d),
        "online": ProgramFactory(institution=bdg, title="Desain Grafis Daring", mode="online", today=d + dt.timedelta(days=30)),
        "draft": ProgramFactory(institution=bdg, title="Draf Rahasia", status="draft", today=d),
        "oto": ProgramFactory(institution=sby, title="Servis Sepeda Motor", vocational_field=other_field, status="running", today=d),
    }
    return p, other_field


@pytest.mark.django_db
def test_catalogue_filters(catalogue_data):
    p, other_field = catalogue_data
    c = Client()

    def ids(**params):
        return {item["id"] for item in ok(c.get(f"{T}/catalogue", params))["items"]}

    assert ids() == {p["web"].pk, p["online"].pk, p["oto"].pk}  # never drafts
    assert ids(province="35") == {p["oto"].pk}
    assert ids(regency="32.73") == {p["web"].pk, p["online"].pk}
    assert ids(vocational_field=other_field.pk) == {p["oto"].pk}
    assert ids(mode="online") == {p["online"].pk}
    assert ids(q="sepeda") == {p["oto"].pk}
    assert ids(open_only="true") == {p["web"].pk}  # the online one opens later; the running one is closed
    assert ids(status="running") == {p["oto"].pk}
    assert ids(starts_after=str(p["online"].start_date)) == {p["online"].pk}
    assert ids(starts_before=str(p["web"].start_date)) == {p["web"].pk, p["oto"].pk}
    page = ok(c.get(f"{T}/catalogue", {"page_size": 2, "page": 2}))
    assert page["count"] == 3 and page["pages"] == 2 and len(page["items"]) == 1
    item = ok(c.get(f"{T}/catalogue", {"q": "web"}))["items"][0]
    assert item["province"]["code"] == "32" and item["seats_left"] == 10 and isinstance(item["fee"], int)
    assert item["start_date"] == str(p["web"].start_date)


@pytest.mark.django_db
def test_catalogue_query_count_is_constant(catalogue_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        ok(Client().get(f"{T}/catalogue"))


# --- OpenAPI ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_openapi_lists_the_endpoints():
    doc = ok(Client().get(f"{API}/openapi.json"))
    paths = doc["paths"]
    expected = {
        f"{T}/catalogue": {"get"}, f"{T}/programs": {"get", "post"}, f"{T}/programs/{{program_id}}": {"get", "put", "patch"},
        f"{T}/programs/{{program_id}}/transitions": {"post"}, f"{T}/programs/{{program_id}}/enrollments": {"get", "post"},
        f"{T}/programs/{{program_id}}/transitions/{{action}}": {"get"}, f"{T}/programs/{{program_id}}/batches": {"post"},
        f"{T}/programs/{{program_id}}/enrollments/bulk": {"post"}, f"{T}/programs/{{program_id}}/results": {"post"},
        f"{T}/programs/{{program_id}}/register": {"post"}, f"{T}/me/enrollments": {"get"},
        f"{T}/enrollments/{{enrollment_id}}/withdraw": {"post"}, f"{T}/enrollments/{{enrollment_id}}/history": {"get"},
        f"{T}/vocational-fields": {"get", "post"}, f"{T}/competency-units": {"get", "post"},
        f"{API}/institutions/": {"post"}, f"{API}/institutions/{{institution_id}}": {"get", "patch"},
        f"{API}/institutions/{{institution_id}}/accreditation": {"post"}, f"{API}/institutions/{{institution_id}}/staff": {"post"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
        for m in methods:
            assert paths[path][m].get("summary"), (path, m)
    assert "training" in paths[f"{T}/catalogue"]["get"]["tags"]
    assert "institutions" in paths[f"{API}/institutions/"]["post"]["tags"]
    assert not paths[f"{T}/catalogue"]["get"].get("security")  # public
    schemes = doc["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


# --- tokens -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_token_auth_works_and_a_revoked_token_is_refused(setup):
    inst = setup["institution"]
    token, secret = token_create(user=setup["manager"], name="rekap harian")
    script = Client()  # no session, no CSRF cookie
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    created = script.post(f"{T}/programs", program_payload(inst["id"]), content_type="application/json", **auth)
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    assert AuditEvent.objects.get(action="program.created", object_id=str(pid)).actor_id == setup["manager"].pk
    # Public endpoints show a token holder the staff view of their own draft.
    assert ok(script.get(f"{T}/programs/{pid}", **auth))["status"] == "draft"

    token_revoke(token_id=token.pk)
    r = script.post(f"{T}/programs/{pid}/transitions", {"action": "publish"}, content_type="application/json", **auth)
    assert r.status_code == 401
    assert script.get(f"{T}/programs/{pid}", **auth).status_code == 404  # revoked: anonymous on public pages
    assert script.get(f"{T}/programs", HTTP_AUTHORIZATION="Bearer snk_not-a-real-token").status_code == 401
    # A bad token is refused even alongside a valid session.
    assert setup["mc"].get(f"{T}/programs", **auth).status_code == 401
    assert setup["mc"].get(f"{T}/programs").status_code == 200
    assert Program.objects.get(pk=pid).status == "draft"
    assert not Enrollment.objects.exists()
