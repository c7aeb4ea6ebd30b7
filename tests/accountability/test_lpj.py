"""The LPJ of a program: the figures right on hand-made data (states, assessment per unit, certificates, budget),
who may see it, and the PDF and Excel files read back."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import python_calamine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from sisnaker.accountability import report, selectors
from sisnaker.certification.models import Assessment, Certificate
from sisnaker.core.errors import NotFound, PermissionDenied
from sisnaker.core.roles import Role
from sisnaker.payments.models import IncentiveRule, Payable
from sisnaker.training.domain import EnrollmentState as E
from tests.factories import EnrollmentFactory, InstitutionFactory, course, staff

DIPA = "DIPA-026.05.1.123456/2026"


@pytest.fixture
def world(regions):
    """Four trainees (graduated, graduated, not passed, dropped out), one participant still training, two applicants (one
    late), one withdrawn; two units; certificates for the graduates (one revoked); incentives and fees in every status."""
    c = course(participants=1, units=2, funding="apbn", dipa_reference=DIPA, title="Teknisi AC Angkatan 3")
    program, (u1, u2) = c.program, sorted(c.units, key=lambda u: u.code)
    participant = c.enrollments[0]
    g1, g2 = (EnrollmentFactory(program=program, state=E.GRADUATED) for _ in range(2))
    failed = EnrollmentFactory(program=program, state=E.NOT_PASSED)
    EnrollmentFactory(program=program, state=E.DROPPED_OUT)  # a trainee never assessed
    EnrollmentFactory(program=program, state=E.REGISTERED)
    EnrollmentFactory(program=program, state=E.REGISTERED, late=True, late_reason="Susulan: berkas terlambat")
    withdrawn = EnrollmentFactory(program=program, state=E.WITHDRAWN)
    now = timezone.now()
    grid = {  # unit 1: 3 K, 1 BK; unit 2: 2 K, 1 BK (dropped out not assessed); the participant assessed on unit 1 only
        (g1, u1): "competent", (g2, u1): "competent", (failed, u1): "not_yet_competent", (participant, u1): "competent",
        (g1, u2): "competent", (g2, u2): "competent", (failed, u2): "not_yet_competent",
        (withdrawn, u1): "competent",  # not a trainee: not counted
    }
    for (e, u), result in grid.items():
        Assessment.objects.create(enrollment=e, unit=u, result=result, assessed_by=c.instructor, assessed_at=now)
    for i, e in enumerate((g1, g2), start=1):
        Certificate.objects.create(enrollment=e, number=f"{c.inst.registry_number}/2026/{i:06d}", institution=c.inst, year=2026,
                                   sequence=i, verification_id=f"v{i:031d}", payload="{}", signature="s", key_id="k",
                                   issued_at=now, issued_by=c.manager,
                                   **({"revoked_at": now, "revoked_by": c.manager, "revoke_reason": "Salah nama"} if i == 2 else {}))
    rule = IncentiveRule.objects.create(program=program, funding_source="apbn", amount=600_000, created_at=now)
    for e, status in ((g1, "paid"), (g2, "due")):
        Payable.objects.create(kind="incentive", status=status, idempotency_key=f"incentive:{rule.pk}:{e.person_id}",
                               funding_source="apbn", amount=600_000, person=e.person, program=program, enrollment=e, rule=rule,
                               created_at=now, paid_at=now if status == "paid" else None)
    for key, status, amount in (("fee-1", "paid", 2_500_000), ("fee-2", "in_batch", 1_000_000), ("fee-3", "cancelled", 9_999_999)):
        Payable.objects.create(kind="training_fee", status=status, idempotency_key=key, funding_source="apbn", amount=amount,
                               institution=c.inst, program=program, created_at=now, paid_at=now if status == "paid" else None)
    other = course(participants=2)  # another program's money and certificates are not counted
    Payable.objects.create(kind="training_fee", status="paid", idempotency_key="fee-other", funding_source="apbd", amount=7,
                           institution=other.inst, program=other.program, created_at=now, paid_at=now)
    return c


def test_lpj_figures_on_hand_made_data(world):
    lpj = selectors.lpj(actor=world.manager, program_id=world.program.pk, now=timezone.now())
    states = {r.state: r.count for r in lpj.states}
    assert states == {"registered": 2, "selected": 0, "not_selected": 0, "participant": 1, "graduated": 2, "not_passed": 1,
                      "withdrawn": 1, "dropped_out": 1}
    assert lpj.enrollments == 8 and lpj.late == 1 and lpj.trainees == 5
    units = [(u.competent, u.not_yet_competent, u.not_assessed) for u in lpj.units]
    assert units == [(3, 1, 1), (2, 1, 2)]
    assert (lpj.certificates_issued, lpj.certificates_revoked, lpj.certificates_valid) == (2, 1, 1)
    # A certificate replaced because its data was wrong: the same people certified, one replacement, none more revoked.
    first = Certificate.objects.get(enrollment__program=world.program, revoked_at__isnull=True)
    now = timezone.now()
    Certificate.objects.filter(pk=first.pk).update(revoked_at=now, revoked_by=world.manager, revoke_reason="Nama salah ketik")
    Certificate.objects.create(enrollment=first.enrollment, number=f"{first.number}-R", institution=first.institution, year=2026,
                               sequence=99, verification_id="r" * 32, payload="{}", signature="s", key_id="k", issued_at=now,
                               issued_by=world.manager, replaces=first, first_issued_at=first.issued_at)
    lpj = selectors.lpj(actor=world.manager, program_id=world.program.pk, now=now)
    assert (lpj.certificates_issued, lpj.certificates_revoked, lpj.certificates_replaced, lpj.certificates_valid) == (2, 1, 1, 1)
    budget = {b.kind: (b.paid_count, b.paid_amount, b.owed_count, b.owed_amount) for b in lpj.budget}
    assert budget == {"incentive": (1, 600_000, 1, 600_000), "training_fee": (1, 2_500_000, 1, 1_000_000)}
    assert lpj.paid_total == 3_100_000 and lpj.owed_total == 1_600_000


def test_lpj_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    curator = staff(Role.CURATOR)
    with django_assert_max_num_queries(7):  # grants, the program (+ units, instructors), assessments, certificates, payables
        selectors.lpj(actor=curator, program_id=world.program.pk, now=timezone.now())


@pytest.mark.parametrize(("who", "allowed"), [
    ("manager", True), ("curator", True), ("finance", True), ("finance_apbn", True), ("finance_apbd", False),
    ("instructor", False), ("manager_other", False), ("officer", False), ("citizen", False),
])
def test_who_may_see_the_lpj(world, who, allowed):
    from tests.factories import FinanceOfficerFactory

    actor = {"manager": lambda: world.manager, "curator": lambda: staff(Role.CURATOR), "finance": lambda: staff(Role.FINANCE_OFFICER),
             "finance_apbn": lambda: FinanceOfficerFactory(funding_source="apbn"),
             "finance_apbd": lambda: FinanceOfficerFactory(funding_source="apbd"),
             "instructor": lambda: world.instructor,
             "manager_other": lambda: staff(Role.INSTITUTION_MANAGER, institution=InstitutionFactory()),
             "officer": lambda: staff(Role.REGIONAL_OFFICER, region_code="32.73"), "citizen": lambda: world.people[0].user}[who]()
    if allowed:
        assert selectors.lpj(actor=actor, program_id=world.program.pk, now=timezone.now()).program.pk == world.program.pk
    else:
        with pytest.raises(PermissionDenied):
            selectors.lpj(actor=actor, program_id=world.program.pk, now=timezone.now())


def test_unknown_program_is_not_found(world):
    with pytest.raises(NotFound):
        selectors.lpj(actor=world.manager, program_id=987654321, now=timezone.now())


def test_pdf_holds_identity_and_figures(world):
    lpj = selectors.lpj(actor=world.manager, program_id=world.program.pk, now=dt.datetime(2026, 7, 1, 3, 0, tzinfo=dt.UTC))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(report.lpj_pdf(lpj))).pages)
    for expected in ("Laporan Pertanggungjawaban", "Teknisi AC Angkatan 3", world.inst.name, DIPA, "APBN",
                     "Rp3.100.000", "Rp1.600.000", "Rp600.000", "Dicabut", "1 Juli 2026 10:00 WIB"):
        assert expected in text, expected
    assert "9.999.999" not in text  # cancelled


def test_xlsx_sheets_read_back(world):
    lpj = selectors.lpj(actor=world.manager, program_id=world.program.pk, now=timezone.now())
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(report.lpj_xlsx(lpj)))
    assert book.sheet_names == ["Identitas", "Status peserta", "Hasil asesmen", "Sertifikat", "Anggaran"]
    identity = dict(tuple(r[:2]) for r in book.get_sheet_by_name("Identitas").to_python()[3:])
    assert identity["Nomor DIPA"] == DIPA and identity["Sumber dana"] == "APBN (DIPA)"
    states = {r[0]: r[1] for r in book.get_sheet_by_name("Status peserta").to_python()[3:]}
    assert states["Alumni"] == 2 and states["Jumlah pendaftaran"] == 8
    units = book.get_sheet_by_name("Hasil asesmen").to_python()[3:]
    assert [r[2:] for r in units] == [[3, 1, 1], [2, 1, 2]]
    budget = book.get_sheet_by_name("Anggaran").to_python()[3:]
    assert budget[-1] == ["Jumlah", 2, 3_100_000, 2, 1_600_000]


def test_pages(client, world):
    client.force_login(world.manager)
    page = client.get(reverse("accountability:lpj", args=[world.program.pk]))
    assert page.status_code == 200 and b"3.100.000" in page.content and DIPA.encode() in page.content
    pdf = client.get(reverse("accountability:lpj_pdf", args=[world.program.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("accountability:lpj_xlsx", args=[world.program.pk]))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    client.force_login(world.instructor)
    assert client.get(reverse("accountability:lpj_pdf", args=[world.program.pk])).status_code == 403
    assert client.get(reverse("accountability:lpj", args=[987654321])).status_code == 404
