"""A realistic demo data set: staff for every role, institutions, a company and citizens with valid
NIKs spread over many regencies (names from Faker's id_ID locale). Idempotent: loading twice adds
nothing."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from sisnaker.accounts import services as account_services
from sisnaker.accounts.models import Person, RoleAssignment, User
from sisnaker.certification import services as certification
from sisnaker.certification.models import Certificate
from sisnaker.core import audit, crypto
from sisnaker.core.errors import SisnakerError
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.institutions import domain as institution_domain
from sisnaker.institutions import services as institution_services
from sisnaker.institutions.models import Institution, InstitutionStatusChange
from sisnaker.placement import domain as placement_domain
from sisnaker.placement import services as placement_services
from sisnaker.placement.models import Company
from sisnaker.planning import services as planning_services
from sisnaker.regions.models import District, Regency
from sisnaker.reporting import services as reporting_services
from sisnaker.surveys import services as surveys
from sisnaker.surveys.domain import READINESS_CODE
from sisnaker.training import services as training
from sisnaker.training.models import CompetencyUnit, Enrollment, VocationalField
from sisnaker.training.reference import reference_load

from .prakerja import load_prakerja_purchase, load_prakerja_wave

DEMO_PASSWORD = "demo-kerja-2026"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    login: str
    password: str
    note: str


def _nik_for(district_code: str, birth: dt.date, female: bool, serial: int) -> str:
    day = birth.day + (40 if female else 0)
    return f"{district_code.replace('.', '')}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def logins() -> list[DemoLogin]:
    return [
        DemoLogin("Administrator", "admin", DEMO_PASSWORD, "semua akses, jejak audit, /admin/"),
        DemoLogin("Kurator Kementerian", "kurator", DEMO_PASSWORD, "nasional"),
        DemoLogin("Petugas PMO Prakerja", "pmo", DEMO_PASSWORD, "nasional"),
        DemoLogin("Pejabat Pelindungan Data", "ppdp", DEMO_PASSWORD, "permintaan data pribadi warga"),
        DemoLogin("Petugas Disnaker provinsi", "disnaker.jabar", DEMO_PASSWORD, "Provinsi Jawa Barat (32)"),
        DemoLogin("Petugas Disnaker kab/kota", "disnaker.bandung", DEMO_PASSWORD, "Kota Bandung (32.73)"),
        DemoLogin("Pengelola lembaga", "pengelola.blkbandung", DEMO_PASSWORD, "UPTD BLK Kota Bandung"),
        DemoLogin("Instruktur", "instruktur.blkbandung", DEMO_PASSWORD, "UPTD BLK Kota Bandung"),
        DemoLogin("Pemberi kerja", "hrd.majujaya", DEMO_PASSWORD, "PT Maju Jaya Sentosa"),
        DemoLogin("Warga (pencari kerja)", "siti@contoh.id", DEMO_PASSWORD, "atau masuk dengan NIK 3273015705950001"),
    ]


def _pending_institution(**fields) -> Institution:
    """A registration as it arrives (pending), made the way the register service makes it: the demo has
    no citizen behind these institutions, so it writes the row and its first history entry itself."""
    now = timezone.now()
    with transaction.atomic():
        institution = Institution.objects.create(registry_key=institution_domain.registry_key(fields["registry_number"]),
                                                 status=Institution.Status.PENDING, status_changed_at=now, **fields)
        InstitutionStatusChange.objects.create(institution=institution, status=Institution.Status.PENDING, at=now,
                                               reason="Data demo")
    return institution


def _staff(username: str, name: str, role: Role, **scope) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_services.staff_user_create(actor=None, username=username, password=DEMO_PASSWORD, full_name=name)
    if not RoleAssignment.objects.filter(user=user, role=role).exists():
        account_services.role_grant(actor=None, user=user, role=role, **scope)
    return user


class DemoIncomplete(Exception):
    """An earlier load stopped half-way (the database holds part of the demo)."""


def load_demo(*, citizens: int = 300, seed: int = 2026, today: dt.date, prakerja_applications: int = 3000) -> dict[str, int]:
    """Create the demo data set (once). Returns what was created.

    Not one transaction: the demo is built through the real services, and top-level services open their
    own (durable) transactions. Its last step writes the "demo.loaded" audit row, which marks it done."""
    if AuditEvent.objects.filter(action="demo.loaded").exists():
        return {"created": 0}
    if User.objects.filter(username="admin").exists():
        raise DemoIncomplete("Data demo tidak lengkap: pemuatan sebelumnya terhenti. Hapus folder data (SISNAKER_DATA_DIR) "
                             "lalu jalankan lagi.")
    rng = random.Random(seed)
    fake = Faker("id_ID")
    fake.seed_instance(seed)

    bandung = Regency.objects.get(code="32.73")
    # Institutions are registered pending and approved by their real authority (below, once the
    # officers exist), through the same service as in production.
    blk = _pending_institution(registry_number="BLK-3273-001", name="UPTD BLK Kota Bandung", kind=Institution.Kind.BLK_UPTD,
                               regency=bandung, address="Jl. Jenderal Gatot Subroto No. 170, Bandung", phone="022-7312564",
                               email="blk@bandung.go.id")
    lpk = _pending_institution(registry_number="LPK-3578-014", name="LPK Cahaya Mandiri Surabaya", kind=Institution.Kind.LPK,
                               regency=Regency.objects.get(code="35.78"), address="Jl. Raya Darmo 45, Surabaya")
    blkk = _pending_institution(registry_number="BLKK-9471-002", name="BLK Komunitas Yayasan Harapan Jayapura",
                                kind=Institution.Kind.BLK_KOMUNITAS, regency=Regency.objects.get(code="91.71"),
                                address="Jl. Raya Abepura, Jayapura")
    # The national centre the sources speak of (BBPLK Bekasi: 16,854 trained 2017–2020), run by the ministry.
    bbplk = _pending_institution(registry_number="BBPLK-3216-001", name="BBPLK Bekasi", kind=Institution.Kind.BLK_UPTP,
                                 regency=Regency.objects.get(code="32.16"), address="Jl. Guntur No. 1, Kota Bekasi")
    # One registration still waiting in the Jawa Barat officers' queue.
    _pending_institution(registry_number="LPK-3277-031", name="LPK Mitra Terampil Cimahi", kind=Institution.Kind.LPK,
                         regency=Regency.objects.get(code="32.77"), address="Jl. Amir Machmud 88, Cimahi",
                         licence_number="503/0231/DPMPTSP/2025")
    # Set up by the administrator, approved (a self-registered company waits for the regency office).
    company = Company.objects.create(name="PT Maju Jaya Sentosa", nib="9120000123456", regency=Regency.objects.get(code="32.16"),
                                     sector="C", status="approved", phone="+62227654321")

    _staff("admin", "Administrator Sisnaker", Role.ADMIN)
    _staff("kurator", "Rina Kurniasih", Role.CURATOR)
    _staff("pmo", "Agus Setiawan", Role.PMO_OFFICER)
    _staff("ppdp", "Ratna Dewi", Role.DATA_PROTECTION_OFFICER)
    _staff("disnaker.jabar", "Dedi Supriadi", Role.REGIONAL_OFFICER, region_code="32")
    _staff("disnaker.bandung", "Lilis Suryani", Role.REGIONAL_OFFICER, region_code="32.73")
    _staff("pengelola.blkbandung", "Hendra Gunawan", Role.INSTITUTION_MANAGER, institution=blk)
    _staff("instruktur.blkbandung", "Yusuf Maulana", Role.INSTRUCTOR, institution=blk)
    _staff("hrd.majujaya", "Maya Anggraini", Role.EMPLOYER, company=company)
    admin = User.objects.get(username="admin")
    institution_services.institution_review(actor=User.objects.get(username="disnaker.bandung"), institution=blk, action="approve",
                                            licence_number="SK Wali Kota Bandung 061/2016")
    institution_services.institution_review(actor=admin, institution=lpk, action="approve", licence_number="VIN 3578-0140-2019")
    institution_services.institution_review(actor=admin, institution=blkk, action="approve",
                                            licence_number="SK Dirjen Binalattas 2/1347/LP.00.01/2019")
    institution_services.institution_review(actor=User.objects.get(username="kurator"), institution=bbplk, action="approve",
                                            licence_number="Permenaker 21/2015")

    # A published vacancy of the demo employer, so /lowongan/ has something to find (placement's real services).
    hrd = User.objects.get(username="hrd.majujaya")
    fields = placement_domain.VacancyInput(
        title="Operator Produksi", openings=5, opens_on=today, closes_on=today + dt.timedelta(days=30),
        skills="Mengoperasikan mesin produksi, K3 dasar, teliti", work_type="contract", age_min=18, age_max=35,
        min_education="smk", wage_min=5_200_000, wage_max=5_600_000, description="Kerja shift di pabrik suku cadang otomotif.")
    vacancy = placement_services.vacancy_create(actor=hrd, company_id=company.pk, now=timezone.now(), data=placement_services.VacancyData(
        fields=fields, regency=company.regency, occupation_code="7223"))
    placement_services.vacancy_publish(actor=hrd, vacancy_id=vacancy.pk, now=timezone.now())

    # The citizen who logs in through the page, via the real sign-up service.
    account_services.person_sign_up(
        data=account_services.SignUp(
            nik="3273015705950001", full_name="Siti Nurhaliza", birth_date=dt.date(1995, 5, 17), sex="F", education="smk",
            phone="081234567890", email="siti@contoh.id", domicile_district=District.objects.get(code="32.73.01"),
            password=DEMO_PASSWORD,
        ),
        today=today,
    )

    # Many citizens at once: set-based inserts, one password hash shared (they are not used to log in).
    districts = list(District.objects.values_list("code", "regency_id"))
    weighted = [d for d in districts if d[0][:2] in {"31", "32", "33", "35", "36"}] * 3 + districts
    password_hash = make_password(None)
    users, people = [], []
    educations = [c for c, _ in Person.Education.choices]
    kinds = [c for c, _ in Person.Disability.choices]
    for i in range(citizens):
        female = rng.random() < 0.52
        name = fake.name_female() if female else fake.name_male()
        birth = today - dt.timedelta(days=rng.randint(18 * 365, 55 * 365))
        nik_district, nik_regency = rng.choice(weighted)
        # About one in five lives away from where the NIK was issued (migrants to the cities).
        domicile = nik_district if rng.random() > 0.2 else rng.choice(weighted)[0]
        nik = _nik_for(nik_district, birth, female, 1000 + i)
        phone = f"+6281{rng.randint(10_000_000, 99_999_999)}{i % 10}"
        users.append(User(username=f"demo{i:05d}", first_name=name[:150], phone=phone, password=password_hash))
        disabled = rng.random() < 0.03
        people.append(
            Person(
                nik_encrypted=crypto.encrypt(nik), nik_index=crypto.blind_index(nik, label="nik"),
                nik_regency_id=nik_regency, nik_district_id=nik_district, full_name=name, birth_date=birth,
                sex="F" if female else "M", education=rng.choice(educations), phone=phone,
                domicile_district_id=domicile, has_disability=disabled, disability_kind=rng.choice(kinds) if disabled else "",
                address=fake.street_address(),
            )
        )
    with transaction.atomic():
        User.objects.bulk_create(users, batch_size=500)
        saved = {u.username: u.pk for u in User.objects.filter(username__startswith="demo").only("pk", "username")}
        for user, person in zip(users, people, strict=True):
            person.user_id = saved[user.username]
        Person.objects.bulk_create(people, batch_size=500)
        RoleAssignment.objects.bulk_create([RoleAssignment(user_id=pk, role=Role.CITIZEN) for pk in saved.values()],
                                           batch_size=500)
    programs = _training_demo(today=today, rng=rng)
    # A full Kartu Prakerja wave: thousands of applications, closed and drawn from its seed (demo/prakerja.py).
    prakerja = load_prakerja_wave(today=today, rng=rng, applications=prakerja_applications,
                                  names=lambda female: fake.name_female() if female else fake.name_male())
    # A beneficiary buys a curated training with the balance; the institution redeems it and reports completion.
    prakerja_purchases = load_prakerja_purchase(today=today)
    # The dashboards read their own figures: build them now rather than at the worker's first housekeeping pass.
    reporting_services.figures_refresh(now=timezone.now(), full=True)
    _planning_demo(today=today)
    with transaction.atomic():
        audit.record(actor="demo", action="demo.loaded", object_type="demo", object_id="1", after={"citizens": citizens + 1})
    return {"created": 1, "citizens": citizens + 1, "institutions": Institution.objects.count(), "companies": 1, "programs": programs,
            "prakerja_applications": prakerja["applications"], "prakerja_selected": prakerja["selected"],
            "prakerja_purchases": prakerja_purchases}


def _planning_demo(*, today: dt.date) -> None:
    """Kota Bandung's draft training-needs plan for next year (the planning app), with two priority fields, so
    /perencanaan/ shows a plan beside the demo vacancy and alumni."""
    officer = User.objects.get(username="disnaker.bandung")
    now = timezone.now()
    plan = planning_services.plan_create(actor=officer, region_code="32.73", year=today.year + 1, now=now)
    reasons = ("Permintaan industri suku cadang otomotif di Bandung Raya", "Perusahaan rintisan digital membutuhkan tenaga terampil")
    for field_id, people, reason in zip(VocationalField.objects.filter(is_active=True).order_by("code").values_list("id", flat=True)[:2],
                                        (40, 25), reasons, strict=False):
        planning_services.plan_line_add(actor=officer, plan_id=plan.pk, field_id=field_id, people=people, reason=reason, now=now)


def _training_demo(*, today: dt.date, rng: random.Random) -> int:
    """Programs in every status at the demo institutions, with enrollments in every state, made
    through the real services (so the audit trail and the rules are the real ones)."""

    reference_load()
    manager = User.objects.get(username="pengelola.blkbandung")
    blk = Institution.objects.get(registry_number="BLK-3273-001")
    bandung = Regency.objects.get(code="32.73")
    curator = User.objects.get(username="kurator")
    lpk = Institution.objects.get(registry_number="LPK-3578-014")
    institution_services.institution_set_accreditation(
        actor=curator, institution=lpk, status="accredited", grade="B", number="LA-LPK/2023/0147",
        valid_until=today - dt.timedelta(days=40),
    )
    day = dt.timedelta(days=1)

    def make(title, field, units, start, days, quota, funding="apbn", selection="test", **kw):
        vf = VocationalField.objects.get(code=field)
        data = training.ProgramData(
            title=title, vocational_field=vf, hours=kw.pop("hours", 240), start_date=start, end_date=start + days * day,
            registration_opens=start - 30 * day, registration_closes=start - 3 * day, quota=quota, regency=bandung,
            funding=funding, dipa_reference="DIPA-032.06.2.450385/2026" if funding == "apbn" else "",
            selection_method=selection, min_age=17, max_age=45, min_education=kw.pop("min_education", "smp"),
            competency_unit_ids=tuple(CompetencyUnit.objects.filter(code__in=units).values_list("pk", flat=True)),
            description=kw.pop("description", ""), **kw,
        )
        return training.program_create(actor=manager, institution=blk, data=data)

    people = list(Person.objects.filter(user__username__startswith="demo").order_by("pk"))
    rng.shuffle(people)
    pool = iter(people)

    def enroll(program, n, when, as_participant=False, late_reason=""):
        done = []
        while len(done) < n:
            person = next(pool, None)
            if person is None:
                break
            try:
                done.append(training.enrollment_record(actor=manager, program=program, person=person, today=when,
                                                       as_participant=as_participant, late_reason=late_reason))
            except SisnakerError:
                continue  # not eligible or a schedule clash: the next person
        return done

    web_units = ["J.620100.004.02", "J.620100.009.01", "J.620100.017.02", "J.620100.023.02", "J.620100.025.02"]
    # 1. Registration open now.
    web = make("Junior Web Developer", "TIK", web_units, today + 14 * day, 45, quota=16, min_education="sma")
    training.program_transition(actor=manager, program=web, action="publish", today=today - 5 * day)
    enroll(web, 24, today - 5 * day)
    # 2. Running, with results being recorded.
    moto_start = today - 10 * day
    moto = make("Teknisi Sepeda Motor Injeksi", "OTO", ["OTO.KR01.001.01", "OTO.KR01.002.01", "OTO.KR01.016.01"],
                moto_start, 30, quota=20, selection="interview")
    training.program_transition(actor=manager, program=moto, action="publish", today=moto_start - 25 * day)
    applicants = enroll(moto, 26, moto_start - 20 * day)
    training.program_transition(actor=manager, program=moto, action="close_registration", today=moto_start - 2 * day)
    training.enrollments_transition(actor=manager, program=moto, enrollment_ids=[e.pk for e in applicants], action="accept")
    training.program_transition(actor=manager, program=moto, action="start", today=moto_start)
    participants = [e.pk for e in applicants][:20]
    training.enrollments_transition(actor=manager, program=moto, enrollment_ids=participants[-1:], action="drop_out",
                                    reason="Diterima bekerja sebelum pelatihan selesai.")
    training.enrollments_set_result(actor=manager, program=moto, enrollment_ids=participants[:8], result="passed")
    # 3. Closed: alumni, and those who did not pass.
    sew_start = today - 90 * day
    sew = make("Menjahit Pakaian Wanita", "GAR", ["GAR.MJ01.001.01", "GAR.MJ01.002.01"], sew_start, 40, quota=16,
               funding="apbd", selection="none", min_education="sd")
    training.program_transition(actor=manager, program=sew, action="publish", today=sew_start - 25 * day)
    sewing = enroll(sew, 16, sew_start - 20 * day, as_participant=True)
    training.program_transition(actor=manager, program=sew, action="start", today=sew_start)
    enroll(sew, 1, sew_start + 2 * day, late_reason="Susulan: pindahan dari BLK Cimahi (surat No. 560/112/BLK).")
    ids = [e.pk for e in sewing]
    training.enrollments_set_result(actor=manager, program=sew, enrollment_ids=ids[:13], result="passed")
    training.enrollments_set_result(actor=manager, program=sew, enrollment_ids=ids[13:15], result="failed")
    training.program_transition(actor=manager, program=sew, action="close", today=sew_start + 41 * day)
    _certification_demo(manager=manager, program=sew, today=today, rng=rng)
    # 4. A draft that cannot be published yet.
    make("Barista dan Pelayanan Kafe", "PAR", [], today + 40 * day, 20, quota=12, funding="self", selection="none",
         fee=1_500_000, hours=80)
    return 4


def _demo_answers(version, today: dt.date, rng: random.Random) -> dict:
    """Plausible answers to any questionnaire version (by question kind)."""
    answers = {}
    for q in version.questions.all():
        choices = [c["value"] for c in q.choices]
        if q.kind == "single":
            answers[q.code] = rng.choice(choices)
        elif q.kind == "multiple":
            answers[q.code] = rng.sample(choices, k=min(2, len(choices)))
        elif q.kind == "scale":
            answers[q.code] = str(rng.randint(max(q.min_value or 1, 3), q.max_value or 5))
        elif q.kind == "number":
            answers[q.code] = str(rng.choice([3_500_000, 4_000_000, 4_500_000, 5_200_000]))
        elif q.kind == "date":
            answers[q.code] = (today + dt.timedelta(days=rng.randint(1, 30))).isoformat()
        elif q.required:
            answers[q.code] = "Siap bekerja sesuai bidang pelatihan."
    return answers


def _certification_demo(*, manager, program, today: dt.date, rng: random.Random) -> None:
    """The closed program's alumni: assessed unit by unit, most reviewed and surveyed, certificates
    issued for those ready (one revoked), so the board, the PDF and verification have real data."""

    instructor = User.objects.get(username="instruktur.blkbandung")
    units = list(program.competency_units.values_list("pk", flat=True))
    alumni = list(Enrollment.objects.filter(program=program, state="graduated").select_related("person__user").order_by("pk"))
    entries = [(e.pk, unit, "competent", rng.randint(70, 95), "") for e in alumni for unit in units]
    certification.assessments_record_many(actor=instructor, program=program, entries=entries)
    now = timezone.now()
    version = surveys.questionnaire_current(code=READINESS_CODE)
    texts = [
        "Instruktur sabar dan praktik menjahitnya banyak, sekarang saya berani menerima pesanan.",
        "Materi pola dasar sangat membantu; mesin jahit di BLK lengkap dan terawat.",
        "Pelatihan bermanfaat, hanya jadwal praktik sore kadang terlambat dimulai.",
    ]
    for i, e in enumerate(alumni):
        actor = e.person.user
        if i % 5 != 4:  # some alumni have not reviewed yet: the board shows who blocks
            certification.review_submit(actor=actor, enrollment=e, rating=rng.choice([4, 5, 5, 3]), text=rng.choice(texts),
                                        instructor=instructor, instructor_rating=rng.choice([4, 5]), now=now)
        if i % 4 != 3:
            surveys.response_submit(actor=actor, code=READINESS_CODE, person=e.person, enrollment=e,
                                    answers=_demo_answers(version, today, rng), now=now)
    result = certification.certificates_issue_eligible(actor=manager, program=program, now=now)
    first = result["numbers"][:1]
    if first:
        certification.certificate_revoke(
            actor=manager, certificate=Certificate.objects.get(number=first[0]),
            reason="Data peserta terbukti tidak sesuai (surat Kepala BLK No. 800/77/BLK).", now=now,
        )
