"""Placements reported outside a hire (issue 12 "Placement records"): an approved company's staff report a person
working for them — identified only when NIK, full name and birth date all match, revealing nothing otherwise — and
end the placements they hired or reported; an alumnus reports their own work status from their account or a
reminder's personal link, correcting or ending their previous report. Reported placements count as the training's
outcome and in the region's figures; corrected ones do not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sisnaker.core.actors import LinkHolder
from sisnaker.core.errors import Conflict, NotFound, PermissionDenied, TooManyRequests, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.placement import selectors, services
from sisnaker.placement.models import Outcome, Placement
from sisnaker.training.domain import EnrollmentState as E
from tests.certification.test_employment_survey import TOKEN_RE, alumni_program, alumnus, remind
from tests.factories import CompanyFactory, EnrollmentFactory, PersonFactory, employer, staff

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TODAY = timezone.localdate()
START = TODAY - dt.timedelta(days=20)


def report_of(person, **over) -> services.EmployerReport:
    values = dict(nik=person.nik, full_name=person.full_name, birth_date=person.birth_date, position="Operator CNC",
                  start_date=START)
    values.update(over)
    return services.EmployerReport(**values)


@pytest.fixture
def world(regions):
    """An approved company of Kota Bandung with its manager; an alumnus (graduated twice: the latest counts) with an
    account; an alumnus record without account (added by an institution); a citizen who never trained."""
    company = CompanyFactory(name="PT Karya Logam")
    boss = employer(company)
    older, newer = alumni_program(400), alumni_program(40)
    alumna = PersonFactory(full_name="Rina Alumni", birth_date=dt.date(1998, 4, 2))
    first = EnrollmentFactory(program=older, person=alumna, state=E.GRADUATED, state_changed_at=NOW - dt.timedelta(days=400))
    latest = EnrollmentFactory(program=newer, person=alumna, state=E.GRADUATED, state_changed_at=NOW - dt.timedelta(days=40))
    record = PersonFactory(provisional=True, full_name="Tono Tanpa Akun", birth_date=dt.date(1990, 1, 9))
    record_enrollment = EnrollmentFactory(program=newer, person=record, state=E.GRADUATED, source="manager",
                                          state_changed_at=NOW - dt.timedelta(days=40))
    citizen = PersonFactory(full_name="Budi Belum Pelatihan", birth_date=dt.date(2000, 2, 2))
    return {"company": company, "boss": boss, "alumna": alumna, "first": first, "latest": latest, "record": record,
            "record_enrollment": record_enrollment, "citizen": citizen}


# --- the employer reports ---------------------------------------------------------------------------------------

def test_an_employer_reports_an_alumnus_and_it_becomes_the_trainings_outcome(world, sms, django_capture_on_commit_callbacks):
    alumna, latest = world["alumna"], world["latest"]
    officer = staff("regional_officer", region_code="32.73")
    worklist, _ = selectors.outcome_worklist(viewer=officer)
    assert latest.pk in {e.pk for e in worklist}
    with django_capture_on_commit_callbacks(execute=True):
        placement = services.placement_report(actor=world["boss"], company_id=world["company"].pk, data=report_of(alumna), now=NOW)
    assert (placement.source, placement.company, placement.employer_name, placement.position) == (
        "employer", world["company"], "PT Karya Logam", "Operator CNC")
    assert placement.formal and placement.domestic and placement.sector == "C" and placement.regency_id == "32.73"
    assert placement.enrollment == latest  # the latest graduation, not the first
    outcome = Outcome.objects.get(enrollment=latest)
    assert (outcome.status, outcome.source, outcome.placement, outcome.reported_by) == ("employed", "employer", placement,
                                                                                         world["boss"])
    # Known now: off the officer's worklist, counted in the completeness of where she lives.
    worklist, _ = selectors.outcome_worklist(viewer=officer)
    assert latest.pk not in {e.pk for e in worklist}
    (row,) = [r for r in selectors.completeness(viewer=officer, by="regency") if r.code == "32.73"]
    assert row.known >= 1
    actions = list(AuditEvent.objects.filter(action__in=["person.looked_up", "placement.reported", "outcome.reported"])
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["person.looked_up", "placement.reported", "outcome.reported"]
    assert AuditEvent.objects.get(action="person.looked_up").after["outcome"] == "matched"
    # She hears of it (she has an account): "not true? tell the office".
    assert any("PT Karya Logam melaporkan Anda bekerja" in text for to, text in sms if to == alumna.phone)


@pytest.mark.parametrize("change", [{"full_name": "Rina Alumnus Lain"}, {"birth_date": dt.date(1998, 4, 3)}, "unknown_nik"])
def test_data_that_do_not_match_are_refused_alike_and_nothing_is_stored(world, change):
    alumna = world["alumna"]
    if change == "unknown_nik":
        stranger = PersonFactory.build(birth_date=dt.date(1991, 3, 3))  # a valid NIK nobody registered
        data = report_of(alumna, nik=stranger.nik)
    else:
        data = report_of(alumna, **change)
    with pytest.raises(NotFound) as refused:
        services.placement_report(actor=world["boss"], company_id=world["company"].pk, data=data, now=NOW)
    assert refused.value.code == "placement_person_not_matched" and refused.value.field == "nik"
    assert refused.value.message == services.reports.NOT_MATCHED  # the same words whoever holds the NIK, if anyone
    assert "Rina" not in str(refused.value.message) and "1998" not in str(refused.value.message)  # says nothing of her
    assert not Placement.objects.exists() and not Outcome.objects.exists()
    looked_up = AuditEvent.objects.get(action="person.looked_up")
    assert looked_up.after["outcome"] == ("not_found" if change == "unknown_nik" else "mismatch")
    assert alumna.nik not in str(looked_up.after)  # the NIK is masked in the trail


def test_an_alumnus_record_without_account_and_a_person_who_never_trained(world, sms, django_capture_on_commit_callbacks):
    record, citizen = world["record"], world["citizen"]
    with django_capture_on_commit_callbacks(execute=True):
        p1 = services.placement_report(actor=world["boss"], company_id=world["company"].pk, data=report_of(record), now=NOW)
        p2 = services.placement_report(actor=world["boss"], company_id=world["company"].pk,
                                       data=report_of(citizen, sector="g", overseas=True), now=NOW)
    assert p1.enrollment == world["record_enrollment"] and Outcome.objects.filter(placement=p1).exists()
    assert p2.enrollment is None and not Outcome.objects.filter(placement=p2).exists()  # no training: a placement only
    assert (p2.sector, p2.domestic, p2.regency_id) == ("G", False, None)
    assert not [t for to, t in sms if to == record.phone]  # no account: nobody to tell


def test_someone_already_at_work_there_is_not_reported_twice_until_they_left(world):
    company, boss, alumna = world["company"], world["boss"], world["alumna"]
    first = services.placement_report(actor=boss, company_id=company.pk, data=report_of(alumna), now=NOW)
    with pytest.raises(Conflict) as duplicate:
        services.placement_report(actor=boss, company_id=company.pk, data=report_of(alumna, position="Mandor"), now=NOW)
    assert duplicate.value.code == "placement_exists"
    services.placement_end(actor=boss, placement_id=first.pk, end_date=TODAY - dt.timedelta(days=5), now=NOW)
    again = services.placement_report(actor=boss, company_id=company.pk, data=report_of(alumna, start_date=TODAY), now=NOW)
    assert again.pk != first.pk and Placement.objects.filter(person=alumna).count() == 2
    # The database holds the rule too (whatever path would write past the service's check): one open record per company.
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.filter(pk=first.pk).update(end_date=None)


@pytest.mark.parametrize(("over", "field"), [({"nik": "12345"}, "nik"), ({"full_name": "  "}, "full_name"),
                                             ({"birth_date": None}, "birth_date"), ({"position": ""}, "position"),
                                             ({"start_date": TODAY + dt.timedelta(days=1)}, "start_date"),
                                             ({"start_date": None}, "start_date"), ({"sector": "Z"}, "sector")])
def test_what_is_typed_is_checked_before_anyone_is_looked_up(world, over, field):
    with pytest.raises(ValidationFailed) as refused:
        services.placement_report(actor=world["boss"], company_id=world["company"].pk, data=report_of(world["alumna"], **over),
                                  now=NOW)
    assert refused.value.field == field
    assert not AuditEvent.objects.filter(action="person.looked_up").exists()


def test_outsiders_are_refused_before_any_look_up(world):
    other_company_staff = employer(CompanyFactory(name="PT Lain"))
    pending_staff = employer(CompanyFactory(status="pending"))
    citizen = world["citizen"].user
    officer = staff("regional_officer", region_code="32.73")
    for outsider in (other_company_staff, pending_staff, citizen, officer):
        with pytest.raises(PermissionDenied):
            services.placement_report(actor=outsider, company_id=world["company"].pk, data=report_of(world["alumna"]), now=NOW)
    assert not AuditEvent.objects.filter(action="person.looked_up").exists()
    with pytest.raises(NotFound):
        services.placement_report(actor=world["boss"], company_id=999_999, data=report_of(world["alumna"]), now=NOW)


def test_look_ups_of_one_nik_are_limited_so_a_birth_date_cannot_be_guessed(world, settings):
    settings.SISNAKER_RATE_LIMITS = {"placement_lookup.id": [3, 3600]}
    company, boss, alumna = world["company"], world["boss"], world["alumna"]
    for day in range(3):
        with pytest.raises(NotFound):
            services.placement_report(actor=boss, company_id=company.pk, now=NOW,
                                      data=report_of(alumna, birth_date=dt.date(1998, 1, 1 + day)))
    with pytest.raises(TooManyRequests) as limited:  # even the right birth date, now
        services.placement_report(actor=boss, company_id=company.pk, data=report_of(alumna), now=NOW)
    assert limited.value.code == "placement_lookups_limited"
    assert AuditEvent.objects.filter(action="person.looked_up").count() == 3
    # Another NIK is not held back.
    services.placement_report(actor=boss, company_id=company.pk, data=report_of(world["record"]), now=NOW)


# --- ending ------------------------------------------------------------------------------------------------------

def test_the_company_ends_its_placements_and_nobody_elses(world):
    company, boss, alumna = world["company"], world["boss"], world["alumna"]
    placement = services.placement_report(actor=boss, company_id=company.pk, data=report_of(alumna), now=NOW)
    outsider = employer(CompanyFactory(name="PT Lain"))
    for who in (outsider, alumna.user, staff("regional_officer", region_code="32.73")):
        with pytest.raises(PermissionDenied):
            services.placement_end(actor=who, placement_id=placement.pk, end_date=TODAY, now=NOW)
    for bad in (START - dt.timedelta(days=1), TODAY + dt.timedelta(days=1), None):
        with pytest.raises(ValidationFailed) as refused:
            services.placement_end(actor=boss, placement_id=placement.pk, end_date=bad, now=NOW)
        assert refused.value.field == "end_date"
    ended = services.placement_end(actor=boss, placement_id=placement.pk, end_date=TODAY, now=NOW)
    assert ended.end_date == TODAY and ended.updated_at == NOW
    with pytest.raises(Conflict):
        services.placement_end(actor=boss, placement_id=placement.pk, end_date=TODAY, now=NOW)
    event = AuditEvent.objects.get(action="placement.ended")
    assert event.after["end_date"] == TODAY.isoformat()
    # An officer's report names an employer by name only: no company ends it.
    services.outcomes_report(actor=staff("regional_officer", region_code="32.73"), enrollment_ids=[world["record_enrollment"].pk],
                             data=services.OutcomeData(status="employed", employer_name="PT Karya Logam", position="Las",
                                                       start_date=START), now=NOW)
    officers = Placement.objects.get(source="officer")
    with pytest.raises(PermissionDenied):
        services.placement_end(actor=boss, placement_id=officers.pk, end_date=TODAY, now=NOW)


def test_the_company_sees_its_hires_and_reports_only(world):
    company, boss = world["company"], world["boss"]
    mine = services.placement_report(actor=boss, company_id=company.pk, data=report_of(world["alumna"]), now=NOW)
    other = CompanyFactory(name="PT Lain")
    other_boss = employer(other)
    theirs = services.placement_report(actor=other_boss, company_id=other.pk, data=report_of(world["record"]), now=NOW)
    _company, rows = selectors.company_placements(viewer=boss, company_id=company.pk)
    assert [p.pk for p in rows] == [mine.pk]
    with pytest.raises(PermissionDenied):
        selectors.company_placements(viewer=other_boss, company_id=company.pk)
    assert theirs.pk not in {p.pk for p in rows}


# --- the alumnus reports ------------------------------------------------------------------------------------------

WORKING = services.AlumnusReport(status="employed", employer_name="CV Maju", position="Teknisi", start_date=START, sector="C")


def test_an_alumnus_reports_and_corrects_the_latest_wins_history_stays(world):
    alumna, latest = world["alumna"], world["latest"]
    first = services.outcome_report_own(actor=alumna.user, enrollment_id=latest.pk, data=WORKING, now=NOW)
    assert (first.source, first.status, first.reported_by) == ("alumnus", "employed", alumna.user)
    assert (first.placement.source, first.placement.enrollment, first.placement.regency_id) == ("alumnus", latest, "32.73")
    # It was wrong: she is self-employed since earlier. The previous job is corrected (kept, not counted).
    later = NOW + dt.timedelta(hours=1)
    second = services.outcome_report_own(actor=alumna.user, enrollment_id=latest.pk, now=later, data=services.AlumnusReport(
        status="self_employed", employer_name="Bengkel Rina", position="Pemilik bengkel", start_date=START - dt.timedelta(days=9)))
    first.placement.refresh_from_db()
    assert first.placement.corrected_at == later and first.placement.end_date is None
    assert not second.placement.formal
    assert Outcome.objects.filter(enrollment=latest).count() == 2  # history kept
    (row,) = selectors.work_rows(person_id=alumna.pk, enrollment_id=latest.pk)
    assert row.outcome == second and [p.pk for p in row.placements] == [second.placement.pk]
    assert set(selectors.counted_placements().filter(person=alumna)) == {second.placement}
    assert AuditEvent.objects.filter(action="placement.corrected", object_id=str(first.placement.pk)).exists()


def test_an_alumnus_who_left_a_job_says_when_and_both_count(world):
    alumna, latest = world["alumna"], world["latest"]
    first = services.outcome_report_own(actor=alumna.user, enrollment_id=latest.pk, data=WORKING, now=NOW)
    looking = services.AlumnusReport(status="not_working", previous="ended")
    with pytest.raises(ValidationFailed) as refused:  # the day she left is needed
        services.outcome_report_own(actor=alumna.user, enrollment_id=latest.pk, data=looking, now=NOW)
    assert refused.value.field == "previous_end"
    with pytest.raises(ValidationFailed):
        services.outcome_report_own(actor=alumna.user, enrollment_id=latest.pk, now=NOW,
                                    data=services.AlumnusReport(status="not_working", previous="forgot"))
    assert Outcome.objects.count() == 1  # nothing half-saved
    left = services.AlumnusReport(status="not_working", previous="ended", previous_end=TODAY - dt.timedelta(days=2))
    outcome = services.outcome_report_own(actor=alumna.user, enrollment_id=latest.pk, data=left, now=NOW)
    first.placement.refresh_from_db()
    assert first.placement.end_date == TODAY - dt.timedelta(days=2) and first.placement.corrected_at is None
    assert outcome.placement is None and outcome.status == "not_working"
    assert selectors.counted_placements().filter(pk=first.placement.pk).exists()  # she was placed


def test_only_ones_own_graduated_training(world):
    alumna, latest = world["alumna"], world["latest"]
    with pytest.raises(PermissionDenied):
        services.outcome_report_own(actor=world["citizen"].user, enrollment_id=latest.pk, data=WORKING, now=NOW)
    with pytest.raises(PermissionDenied):
        services.outcome_report_own(actor=world["boss"], enrollment_id=latest.pk, data=WORKING, now=NOW)
    running = EnrollmentFactory(person=alumna, state=E.PARTICIPANT)
    with pytest.raises(Conflict) as refused:
        services.outcome_report_own(actor=alumna.user, enrollment_id=running.pk, data=WORKING, now=NOW)
    assert refused.value.code == "outcome_not_alumnus"
    for bad in (services.AlumnusReport(status="employed", employer_name="", position="x", start_date=START),
                services.AlumnusReport(status="employed", employer_name="PT", position="x", start_date=TODAY + dt.timedelta(days=1)),
                services.AlumnusReport(status="holiday")):
        with pytest.raises(ValidationFailed):
            services.outcome_report_own(actor=alumna.user, enrollment_id=latest.pk, data=bad, now=NOW)
    assert not Outcome.objects.exists()


def test_reported_placements_count_in_the_regions_figures_and_a_correction_leaves_them(world):
    from sisnaker.reporting import services as reporting
    from sisnaker.reporting.models import Figure

    def placed(value: str = "") -> int:
        rows = Figure.objects.filter(measure="placed", region="32.73", year=START.year, basis="d",
                                     dim="field" if value else "all", value=value)
        return sum(r.n for r in rows)

    alumna, latest = world["alumna"], world["latest"]
    services.placement_report(actor=world["boss"], company_id=world["company"].pk, data=report_of(world["record"]), now=NOW)
    own = services.outcome_report_own(actor=alumna.user, enrollment_id=latest.pk, data=WORKING, now=NOW)
    reporting.figures_refresh(now=NOW + dt.timedelta(minutes=15), full=True)
    assert placed() == 2
    assert placed(str(latest.program.vocational_field_id)) == 2  # both follow a training of that field
    # She corrects her report: the old placement leaves the figures at the next (incremental) refresh.
    services.outcome_report_own(actor=alumna.user, enrollment_id=latest.pk, now=NOW + dt.timedelta(minutes=30),
                                data=services.AlumnusReport(status="not_working"))
    own.placement.refresh_from_db()
    assert own.placement.corrected_at is not None
    done = reporting.figures_refresh(now=NOW + dt.timedelta(minutes=40))  # past the watermark's margin: only updated_at tells
    assert not done["full"] and placed() == 1


# --- through a reminder's personal link ---------------------------------------------------------------------------

def test_the_alumnus_reports_from_the_personal_link_of_a_reminder(regions, sms, django_capture_on_commit_callbacks):
    e = alumnus(alumni_program(31), full_name="Rina Alumni")
    other = alumnus(alumni_program(31), full_name="Orang Lain")
    remind(django_capture_on_commit_callbacks)
    token = TOKEN_RE.search(next(t for to, t in sms if to == e.person.phone)).group(1)
    client = Client()
    client.get(f"/l/{token}/")
    steps = client.get(reverse("links:steps")).content.decode()
    assert reverse("placement:link_work") in steps
    page = client.get(reverse("placement:link_work"))
    assert page.status_code == 200 and e.program.title in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    # Another alumnus's training: not on this link (the page refuses it; the service too).
    refused = client.post(reverse("placement:link_work"), {"enrollment": other.pk, "status": "not_working"})
    assert refused.status_code == 400 and not Outcome.objects.exists()
    done = client.post(reverse("placement:link_work"), {
        "enrollment": e.pk, "status": "employed", "employer_name": "PT Jaya", "position": "Penjahit",
        "start_date": START.isoformat(), "sector": "C"})
    assert done.status_code == 302
    outcome = Outcome.objects.get(enrollment=e)
    assert (outcome.source, outcome.reported_by, outcome.placement.created_by) == ("alumnus", None, None)
    event = AuditEvent.objects.get(action="outcome.reported")
    assert event.actor_id is None and event.actor_label.startswith("tautan pribadi #")
    holder = LinkHolder(link_id=0, enrollment_id=e.pk, person_id=e.person_id, check=lambda: None)
    with pytest.raises(PermissionDenied):  # a holder of one training's link reports no other
        services.outcome_report_own(actor=holder, enrollment_id=other.pk, data=WORKING, now=NOW)
    # Without a link opened, the page is the link's refusal page.
    assert Client().get(reverse("placement:link_work")).status_code == 404


# --- pages ---------------------------------------------------------------------------------------------------------

def test_the_company_page_reports_and_a_mismatch_is_shown_on_the_form(world):
    client = Client()
    client.force_login(world["boss"])
    url = reverse("placement:company_placements", args=[world["company"].pk])
    assert client.get(url).status_code == 200
    alumna = world["alumna"]
    form = {"nik": alumna.nik, "full_name": alumna.full_name, "birth_date": "1998-04-09", "position": "Operator",
            "start_date": START.isoformat(), "sector": ""}
    wrong = client.post(url, form)
    assert wrong.status_code == 400 and "tidak cocok dengan penduduk" in wrong.content.decode()
    assert alumna.birth_date.isoformat() not in wrong.content.decode()  # her registered birth date is never shown
    right = client.post(url, form | {"birth_date": alumna.birth_date.isoformat()})
    assert right.status_code == 302
    placement = Placement.objects.get()
    page = client.get(url).content.decode()
    assert alumna.full_name in page and reverse("placement:placement_end", args=[placement.pk]) in page
    ended = client.post(reverse("placement:placement_end", args=[placement.pk]), {"end_date": TODAY.isoformat()})
    assert ended.status_code == 302 and Placement.objects.get().end_date == TODAY
    # Another company's manager: refused the page and the end.
    outsider = Client()
    outsider.force_login(employer(CompanyFactory(name="PT Lain")))
    assert outsider.get(url).status_code == 403
    assert outsider.post(reverse("placement:placement_end", args=[placement.pk]), {"end_date": TODAY.isoformat()}).status_code == 403


def test_kerja_saya_lists_trainings_and_takes_a_report(world):
    alumna = world["alumna"]
    client = Client()
    client.force_login(alumna.user)
    page = client.get(reverse("placement:my_work")).content.decode()
    assert world["latest"].program.title in page and world["first"].program.title in page
    refused = client.post(reverse("placement:my_work"), {"enrollment": world["latest"].pk, "status": "employed"})
    assert refused.status_code == 400 and not Outcome.objects.exists()
    done = client.post(reverse("placement:my_work"), {
        "enrollment": world["latest"].pk, "status": "employed", "employer_name": "CV Maju", "position": "Teknisi",
        "start_date": START.isoformat()})
    assert done.status_code == 302 and Outcome.objects.get().source == "alumnus"
    page = client.get(reverse("placement:my_work")).content.decode()
    assert "Laporan Anda sebelumnya" in page  # the next report asks what became of that job
    # Someone else's training is not theirs to report.
    stranger = Client()
    stranger.force_login(world["citizen"].user)
    assert stranger.post(reverse("placement:my_work"), {"enrollment": world["latest"].pk, "status": "not_working"}).status_code == 400
    assert Outcome.objects.count() == 1
