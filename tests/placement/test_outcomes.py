"""Alumni outcomes (issue 12 "Placement records and regional reporting"): the regional office of where alumni live
reports what they do now, for many at once, also for alumni trained elsewhere; hires, the employment survey and
reports count as known outcomes; the completeness view per origin region recounts independently; reminders go to
the regions behind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sisnaker.core.errors import PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.notifications.models import Notification
from sisnaker.placement import domain, selectors, services
from sisnaker.placement.models import Outcome, Placement
from sisnaker.training.domain import EnrollmentState
from tests.factories import PersonFactory, course, enrollments_in, staff

NOW = timezone.now()
TODAY = timezone.localdate()


def graduates(program, *, n: int, domicile: str) -> list:
    people = [PersonFactory(domicile=domicile, nik_district=domicile) for _ in range(n)]
    return enrollments_in(program, people=people, state=EnrollmentState.GRADUATED)


@pytest.fixture
def world(regions):
    # A boarding program in Surabaya (35.78) trains people from Bandung (32.73) and from Surabaya itself.
    c = course(participants=0)
    bandung = graduates(c.program, n=3, domicile="32.73.01")
    surabaya = graduates(c.program, n=2, domicile="35.78.01")
    return c, bandung, surabaya


WORKING = services.OutcomeData(status="employed", employer_name="PT Tekstil Jaya", position="Operator jahit",
                               start_date=TODAY - dt.timedelta(days=10), sector="C")


def test_the_home_office_reports_its_alumni_trained_elsewhere_at_once(world):
    c, bandung, surabaya = world
    officer = staff("regional_officer", region_code="32.73")
    rows, regencies = selectors.outcome_worklist(viewer=officer)
    assert {e.pk for e in rows} == {e.pk for e in bandung}  # only those who live in Bandung
    assert [code for code, _ in regencies] == ["32.73"]
    n = services.outcomes_report(actor=officer, enrollment_ids=[e.pk for e in bandung[:2]], data=WORKING, now=NOW)
    assert n == 2
    placements = Placement.objects.filter(source="officer")
    assert {p.enrollment_id for p in placements} == {e.pk for e in bandung[:2]}  # linked back to the training
    assert all(p.formal and p.domestic and p.regency_id == "32.73" for p in placements)
    assert Outcome.objects.filter(status="employed", placement__isnull=False).count() == 2
    rows, _ = selectors.outcome_worklist(viewer=officer)
    assert [e.pk for e in rows] == [bandung[2].pk]
    assert AuditEvent.objects.filter(action="outcome.reported").count() == 2


def test_the_offices_next_report_of_an_alumnus_replaces_its_earlier_one_instead_of_counting_them_twice(world):
    _c, bandung, _ = world
    officer = staff("regional_officer", region_code="32.73")
    first, second, third = bandung
    ids = [e.pk for e in bandung]
    services.outcomes_report(actor=officer, enrollment_ids=ids, data=WORKING, now=NOW)
    # The same job again (a slip, or the same list sent twice): the earlier record is corrected, one counts.
    services.outcomes_report(actor=officer, enrollment_ids=[first.pk], data=WORKING, now=NOW)
    # Another job from a later day: the earlier one ended the day before, both count (the person was placed in each).
    moved = services.OutcomeData(status="employed", employer_name="PT Garmen Baru", position="Penjahit",
                                 start_date=TODAY - dt.timedelta(days=2), sector="C")
    services.outcomes_report(actor=officer, enrollment_ids=[second.pk], data=moved, now=NOW)
    # No longer working: the job ended by the day of the report.
    services.outcomes_report(actor=officer, enrollment_ids=[third.pk], data=services.OutcomeData(status="not_working"), now=NOW)
    counted = selectors.counted_placements()
    assert counted.filter(enrollment=first).count() == 1 and Placement.objects.filter(enrollment=first).count() == 2
    assert counted.filter(enrollment=first, end_date__isnull=True).count() == 1
    jobs = {p.employer_name: p.end_date for p in counted.filter(enrollment=second)}
    assert jobs == {"PT Tekstil Jaya": TODAY - dt.timedelta(days=3), "PT Garmen Baru": None}
    assert [p.end_date for p in counted.filter(enrollment=third)] == [TODAY]
    assert AuditEvent.objects.filter(action="placement.corrected").count() == 1
    assert AuditEvent.objects.filter(action="placement.ended").count() == 2


def test_superseded_by_report_rules():
    day = dt.date(2026, 5, 1)
    assert domain.superseded_by_report(previous_start=day, status="employed", start_date=day, today=day) is None
    assert domain.superseded_by_report(previous_start=day, status="employed", start_date=day - dt.timedelta(days=9),
                                       today=day) is None
    assert domain.superseded_by_report(previous_start=day, status="self_employed", start_date=dt.date(2026, 6, 1),
                                       today=dt.date(2026, 7, 1)) == dt.date(2026, 5, 31)
    assert domain.superseded_by_report(previous_start=day, status="studying", start_date=None,
                                       today=dt.date(2026, 7, 1)) == dt.date(2026, 7, 1)


def test_an_officer_cannot_report_alumni_of_another_area_and_nothing_is_half_saved(world):
    c, bandung, surabaya = world
    officer = staff("regional_officer", region_code="32.73")
    with pytest.raises(PermissionDenied):
        services.outcomes_report(actor=officer, enrollment_ids=[bandung[0].pk, surabaya[0].pk], data=WORKING, now=NOW)
    assert not Outcome.objects.exists() and not Placement.objects.exists()
    for citizen_or_manager in (bandung[0].person.user, c.manager):
        with pytest.raises(PermissionDenied):
            services.outcomes_report(actor=citizen_or_manager, enrollment_ids=[bandung[0].pk], data=WORKING, now=NOW)


def test_reports_are_checked(world):
    _c, bandung, _ = world
    officer = staff("regional_officer", region_code="32")  # a province officer reports for its regencies too
    for data in (services.OutcomeData(status="employed", employer_name="", position="x", start_date=TODAY),
                 services.OutcomeData(status="employed", employer_name="PT", position="x", start_date=TODAY + dt.timedelta(days=1)),
                 services.OutcomeData(status="unknown")):
        with pytest.raises(ValidationFailed):
            services.outcomes_report(actor=officer, enrollment_ids=[bandung[0].pk], data=data, now=NOW)
    with pytest.raises(ValidationFailed):
        services.outcomes_report(actor=officer, enrollment_ids=[], data=WORKING, now=NOW)
    services.outcomes_report(actor=officer, enrollment_ids=[bandung[0].pk], data=services.OutcomeData(status="not_working"), now=NOW)
    assert Outcome.objects.get().placement is None  # not at work: no placement record


def test_completeness_per_origin_region_recounts(world):
    c, bandung, surabaya = world
    officer = staff("regional_officer", region_code="32.73")
    services.outcomes_report(actor=officer, enrollment_ids=[bandung[0].pk], data=WORKING, now=NOW)
    # The employment survey counts: a response for a Surabaya alumnus.
    from sisnaker.surveys.domain import EMPLOYMENT_CODE
    from sisnaker.surveys.models import Questionnaire, Response

    questionnaire = Questionnaire.objects.get(code=EMPLOYMENT_CODE)  # seeded by the surveys migrations
    version = questionnaire.versions.get(is_current=True)
    Response.objects.create(version=version, questionnaire=questionnaire, person=surabaya[0].person,
                            enrollment=surabaya[0], submitted_at=NOW)
    admin = staff("admin")
    by_regency = {r.code: r for r in selectors.completeness(viewer=admin, by="regency")}
    assert (by_regency["32.73"].alumni, by_regency["32.73"].known, by_regency["32.73"].percent) == (3, 1, 33)
    assert (by_regency["35.78"].alumni, by_regency["35.78"].known, by_regency["35.78"].percent) == (2, 1, 50)
    by_province = {r.code: r for r in selectors.completeness(viewer=admin)}
    assert by_province["32"].alumni == 3 and by_province["35"].alumni == 2
    # Scope: the Bandung officer sees Bandung only; the training centre sees all its alumni by where they live.
    assert [r.code for r in selectors.completeness(viewer=officer, by="regency")] == ["32.73"]
    assert {r.code for r in selectors.completeness(viewer=c.manager, by="regency")} == {"32.73", "35.78"}
    with pytest.raises(PermissionDenied):
        selectors.completeness(viewer=bandung[1].person.user)


def test_a_regency_officers_completeness_page_names_their_regency_not_the_province(world, client):
    """Three officers saw three different figures under the same label "Jawa Barat": a regency office's own figures
    were shown as its province's."""
    c, bandung, _ = world
    officer = staff("regional_officer", region_code="32.73")
    services.outcomes_report(actor=officer, enrollment_ids=[bandung[0].pk], data=WORKING, now=NOW)
    assert (selectors.completeness_level(officer), selectors.completeness_level(staff("regional_officer", region_code="32")),
            selectors.completeness_level(staff("curator")), selectors.completeness_level(c.manager)) == (
        "regency", "province", "province", "province")
    client.force_login(officer)
    html = client.get("/penempatan/kelengkapan/").content.decode()
    assert "Kota Bandung" in html and "Jawa Barat" not in html


def test_a_hire_counts_as_a_known_outcome(world):
    _c, bandung, _ = world
    Placement.objects.create(person=bandung[2].person, employer_name="CV Maju", position="Teknisi", start_date=TODAY,
                             source="employer", created_at=timezone.now())
    officer = staff("regional_officer", region_code="32.73")
    rows, _ = selectors.outcome_worklist(viewer=officer)
    assert bandung[2].pk not in {e.pk for e in rows}


def test_regions_behind_are_reminded(world, sms):
    _c, bandung, _ = world
    officer = staff("regional_officer", region_code="32.73")
    officer.email = "disnaker.bandung@example.test"
    officer.save(update_fields=["email"])
    staff("regional_officer", region_code="35.78")
    curator = staff("curator")
    with pytest.raises(PermissionDenied):
        services.completeness_remind(actor=officer, now=NOW)
    told = services.completeness_remind(actor=curator, now=NOW)
    assert told >= 1
    body = Notification.objects.filter(topic="outcome_completeness", recipient="disnaker.bandung@example.test").get().body
    assert "0%" in body and "0 dari 3" in body
    services.outcomes_report(actor=officer, enrollment_ids=[e.pk for e in bandung], data=WORKING, now=NOW)
    Notification.objects.all().delete()
    services.completeness_remind(actor=curator, now=NOW)
    assert not Notification.objects.filter(recipient="disnaker.bandung@example.test").exists()  # 100%: not behind


def test_the_worklist_page_reports_the_ticked_alumni(world, client):
    _c, bandung, _ = world
    officer = staff("regional_officer", region_code="32.73")
    client.force_login(officer)
    page = client.get("/penempatan/luaran/")
    assert page.status_code == 200 and bandung[0].person.full_name in page.content.decode()
    refused = client.post("/penempatan/luaran/lapor/", {"enrollment": [bandung[0].pk], "status": "employed"})
    assert refused.status_code == 400 and not Outcome.objects.exists()
    done = client.post("/penempatan/luaran/lapor/", {"enrollment": [bandung[0].pk, bandung[1].pk], "status": "not_working"})
    assert done.status_code == 302 and Outcome.objects.count() == 2
    assert domain.percentage(2, 3) == 67


def test_the_office_imports_placement_reports_from_a_spreadsheet(world, client):
    import csv
    import io

    c, bandung, surabaya = world
    officer = staff("regional_officer", region_code="32.73")
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["NIK", "Status", "Pemberi kerja", "Jabatan", "Mulai bekerja", "Sektor", "Luar negeri"])
    w.writerow([bandung[0].person.nik, "Bekerja", "PT Tekstil", "Operator", (TODAY - dt.timedelta(days=5)).strftime("%d-%m-%Y"), "C", ""])
    w.writerow([bandung[1].person.nik, "belum bekerja", "", "", "", "", ""])
    w.writerow([bandung[2].person.nik, "Bekerja", "", "Operator", "", "", ""])          # no employer
    w.writerow([surabaya[0].person.nik, "Bekerja", "PT X", "Staf", "01-01-2026", "", ""])  # lives elsewhere
    w.writerow(["1234", "Bekerja", "PT X", "Staf", "01-01-2026", "", ""])                  # not a NIK
    w.writerow([bandung[1].person.nik, "wirausaha", "Warung", "Pemilik", "01-01-2026", "", ""])  # same alumnus again
    w.writerow([bandung[0].person.nik[:-1] + ("1" if bandung[0].person.nik[-1] != "1" else "2"), "Bekerja", "PT", "Staf",
                "01-01-2026", "", ""])                                                      # a NIK nobody has
    result = services.outcomes_import(actor=officer, file_name="laporan.csv", data=out.getvalue().encode(), now=NOW)
    assert result.reported == 2
    assert [p["row"] for p in result.problems] == [4, 5, 6, 7, 8]
    assert "wilayah" in result.problems[1]["id"] and "Sama dengan baris 3" in result.problems[3]["id"]
    assert Outcome.objects.filter(enrollment=bandung[0], status="employed", placement__employer_name="PT Tekstil").exists()
    assert Outcome.objects.filter(enrollment=bandung[1], status="not_working").exists()
    assert not Outcome.objects.filter(enrollment__in=[bandung[2], surabaya[0]]).exists()
    # The page takes the same file and shows the rows it did not import.
    client.force_login(officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post("/penempatan/luaran/impor/", {"file": SimpleUploadedFile("laporan.csv", out.getvalue().encode())})
    assert page.status_code == 200 and "tidak diimpor" in page.content.decode()
    citizen = bandung[0].person.user
    client.force_login(citizen)
    assert client.post("/penempatan/luaran/impor/", {"file": SimpleUploadedFile("laporan.csv", b"NIK,Status\n")}).status_code == 403
