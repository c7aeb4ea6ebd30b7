"""A full Kartu Prakerja wave in the demo: created, given quotas and opened by the PMO officer through the services;
thousands of applications inserted set-based (what the application and code-confirmation services would have left:
sealed NIK and KK with their blind indexes, confirmed contacts); then closed and drawn by the services with the
wave's own seed — so the results page, the replay file (``undian.json``, ``sisnaker prakerja replaydraw``), the
cards and the inclusion figures show real numbers.

Some applications belong to the demo's registered citizens (Siti among them: "Prakerja saya" shows her result), so
the regional officers' residents list leaves "who opened my record" entries on their privacy pages. The rest are
generated people spread over the country (Java weighted, as the population is); a few never confirm their codes
(they lapse), a few are in formal education or too old (not eligible), and some share a family card (the household
limit of 2)."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import Counter

from django.db import transaction
from django.utils import timezone

from sisnaker.accounts.models import Person, User
from sisnaker.core import crypto
from sisnaker.prakerja import services as prakerja
from sisnaker.prakerja.domain import ApplicationStatus as S
from sisnaker.prakerja.models import Application
from sisnaker.regions.models import District

JAVA = {"31", "32", "33", "34", "35", "36"}
EDUCATIONS = ["sd", "smp", "sma", "smk", "d3", "s1"]


def _nik(district: str, birth: dt.date, female: bool, serial: int) -> str:
    return f"{district.replace('.', '')}{birth.day + (40 if female else 0):02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def load_prakerja_wave(*, today: dt.date, rng: random.Random, names, applications: int = 3000) -> dict[str, int]:
    """Create, fill, close and draw one wave. ``names(female) -> str`` gives generated names."""
    pmo = User.objects.get(username="pmo")
    now = timezone.now()
    opens = today - dt.timedelta(days=45)
    districts = list(District.objects.values_list("code", "regency_id"))
    weighted = [d for d in districts if d[0][:2] in JAVA] * 2 + districts

    # Who applies: the registered citizens first (their own NIK), then generated people.
    people = list(Person.objects.filter(user__isnull=False).order_by("pk")
                  .values_list("pk", "user_id", "nik_encrypted", "full_name", "birth_date", "sex", "nik_regency_id",
                               "domicile_district_id", "has_disability", "phone")[: applications // 20])
    rows = []
    for pk, user_id, sealed, name, birth, sex, regency, domicile, disabled, phone in people:
        rows.append(dict(person_id=pk, created_by_id=user_id, nik=crypto.decrypt(sealed), full_name=name, birth_date=birth, sex=sex,
                         nik_regency_id=regency, domicile_district_id=domicile, has_disability=disabled, phone=phone))
    serial = 5000
    while len(rows) < applications:
        female = rng.random() < 0.5
        birth = opens - dt.timedelta(days=rng.randint(17 * 365, 66 * 365))  # a few outside 18–64
        district, regency = rng.choice(weighted)
        domicile = district if rng.random() > 0.2 else rng.choice(weighted)[0]
        serial += 1
        rows.append(dict(person_id=None, created_by_id=pmo.pk, nik=_nik(district, birth, female, serial % 10000),
                         full_name=names(female), birth_date=birth, sex="F" if female else "M", nik_regency_id=regency,
                         domicile_district_id=domicile, has_disability=rng.random() < 0.04,
                         phone=f"+6281{rng.randint(10_000_000, 99_999_999)}"))

    per_province = Counter(r["nik_regency_id"][:2] for r in rows)
    wave = prakerja.wave_create(actor=pmo, now=now, data=prakerja.WaveData(
        name=f"Gelombang {opens.year} (demo)", opens_on=opens, closes_on=today - dt.timedelta(days=15),
        national_target=applications // 5, training_balance=3_500_000, post_training_incentive=600_000,
        post_training_incentive_count=1, incentive_interval_days=30, survey_incentive=50_000, survey_incentive_count=2,
        purchase_deadline_days=30))
    prakerja.quotas_compute(actor=pmo, wave=wave, weights=dict(per_province))
    prakerja.wave_open(actor=pmo, wave=wave, now=now)

    objects, kk = [], None
    for i, r in enumerate(rows):
        nik = r.pop("nik")
        # About one in four shares the family card of the one before (households of 2–4).
        if kk is None or rng.random() > 0.25 or not nik.startswith(kk[:4]):
            kk = f"{nik[:6]}{rng.randint(10_000_000, 99_999_999):08d}{i % 100:02d}"
        r["domicile_district_id"] = r["domicile_district_id"] or r["nik_regency_id"] + ".01"
        confirmed = rng.random() > 0.03
        signed = now - dt.timedelta(days=rng.randint(16, 44))
        objects.append(Application(
            wave=wave, nik_encrypted=crypto.encrypt(nik), nik_index=prakerja.nik_index(nik), kk_encrypted=crypto.encrypt(kk),
            kk_index=prakerja.kk_index(kk), province_id=r["nik_regency_id"][:2], education=rng.choice(EDUCATIONS),
            in_formal_education=rng.random() < 0.02, email=f"pendaftar{i}@contoh.id",
            status=S.SUBMITTED if confirmed else S.UNVERIFIED, statement_version=1, statement_signed_at=signed,
            verify_token=secrets.token_hex(16), phone_code_hash="", email_code_hash="", code_expires_at=signed,
            contacts_verified_at=signed if confirmed else None, created_at=signed, **r))
    with transaction.atomic():
        Application.objects.bulk_create(objects, batch_size=1000)
    closed = prakerja.wave_close(actor=pmo, wave=wave, now=now)
    wave.refresh_from_db()
    drawn = prakerja.wave_draw(actor=pmo, wave=wave, now=now)
    return {"applications": len(objects), **closed, **drawn}


PLATFORM_NAME = "Platform Demo Kerja"
INSTITUTION_PARTNER_NAME = "UPTD BLK Kota Bandung (integrasi Prakerja)"
API = "/api/v1/integration"
# The demo's Prakerja course is a one-day webinar whose session began this long before the demo loads: the institution
# redeems it on the real clock, inside the published window (1 hour before to 1 hour after the session's start).
SESSION_BEGAN_MINUTES_AGO = 10
REVIEW = "Materinya praktis: sekarang saya paham cara menyimpan bahan dan menjaga dapur tetap higienis."


def load_prakerja_purchase(*, today: dt.date) -> int:
    """One beneficiary of the demo wave buys a curated training through a digital platform partner and the institution
    redeems it through the partner API, each the way a real partner does (demo/partner.py: every request signed and
    handled by the real endpoint, on the real clock).

    The course: UPTD BLK Kota Bandung's one-day webinar "Keamanan dan Higiene Pangan untuk Usaha Kuliner", today, its
    session begun ``SESSION_BEGAN_MINUTES_AGO`` minutes ago — so the redeem falls inside its window honestly. The PMO
    officer registers the demo platform (an ``hmac-sha256`` key) and the BLK as an institution partner (an ``hmac-sha1``
    key: an existing Prakerja integration). The platform sends the purchase request (``POST …/purchase``), the
    beneficiary reads the consent code on their phone and the platform relays it (``…/purchase/consent``), the PMO's
    rule check debits the balance and the platform reads the voucher (``…/purchase/status``). The institution's system
    exchanges the voucher (``…/payment/voucher``), checks and redeems session 1 (``…/redeem-code/status``,
    ``…/commit``) and reports attendance (``…/attendance``); at the desk the instructor assesses the unit, the
    participant reviews the training and fills the work-readiness survey, and the manager issues the certificate
    (the training's own flow); the institution's system reports completion (``…/completion``), which makes the
    post-training incentive due at once (its day is the later of completion and certificate: today).

    ``today`` is the demo's day; the course's dates come from the real clock (the partner API checks the window on it).
    Returns how many purchases were made: 0 when no beneficiary with an account could be enrolled, or when the demo is
    loaded inside an outer transaction (a test's), where the consent code never leaves (messages with a code are sent
    when the transaction commits) — the demo goes on without it."""
    from django.db import connection

    from sisnaker.certification import services as certification
    from sisnaker.institutions.models import Institution
    from sisnaker.integration import services as integration
    from sisnaker.prakerja import purchases
    from sisnaker.prakerja.domain import CardStatus
    from sisnaker.prakerja.models import Card, Purchase
    from sisnaker.surveys import services as surveys
    from sisnaker.surveys.domain import READINESS_CODE
    from sisnaker.training import services as training
    from sisnaker.training.models import CompetencyUnit, Enrollment, VocationalField

    from .data import _demo_answers
    from .partner import DemoPartner, DemoPhone

    manager, curator, pmo = (User.objects.get(username=u) for u in ("pengelola.blkbandung", "kurator", "pmo"))
    instructor = User.objects.get(username="instruktur.blkbandung")
    blk = Institution.objects.get(registry_number="BLK-3273-001")
    day, now = dt.timedelta(days=1), timezone.now()
    session = (timezone.localtime(now) - dt.timedelta(minutes=SESSION_BEGAN_MINUTES_AGO)).replace(second=0, microsecond=0)
    start = session.date()  # the webinar's day (yesterday's date only in the first minutes after midnight)
    unit = CompetencyUnit.objects.get(code="TBG.PG01.001.01")  # Menerapkan Keamanan dan Higiene Pangan
    program = training.program_create(actor=manager, institution=blk, data=training.ProgramData(
        title="Keamanan dan Higiene Pangan untuk Usaha Kuliner (Kartu Prakerja)", vocational_field=VocationalField.objects.get(code="TBG"),
        hours=8, start_date=start, end_date=start, registration_opens=start - 30 * day, registration_closes=start - day,
        quota=30, regency=blk.regency, funding="prakerja", mode="online", competency_unit_ids=(unit.pk,),
        description="Webinar sehari untuk pelaku usaha kuliner: bahan, penyimpanan, dapur dan penyajian yang aman."))
    training.program_transition(actor=manager, program=program, action="publish", today=start - 20 * day)
    entry = purchases.catalogue_propose(actor=manager, program=program, price=1_500_000, sessions=[session], now=now)
    entry = purchases.catalogue_decide(actor=curator, entry=entry, stage=1, accept=True, note="Materi sesuai SKKNI.", now=now)
    purchases.catalogue_decide(actor=pmo, entry=entry, stage=2, accept=True, note="Harga wajar.", now=now)
    partner = integration.partner_register(actor=pmo, name=PLATFORM_NAME, kind="platform", now=now)
    key = integration.key_issue(actor=pmo, partner_id=partner.pk, scheme="hmac-sha256", now=now)
    platform = DemoPartner(client_code=partner.client_code, sign_key=key.secret, scheme="hmac-sha256")
    lembaga = integration.partner_register(actor=pmo, name=INSTITUTION_PARTNER_NAME, kind="institution",
                                           institution_registry_number=blk.registry_number, now=now)
    lembaga_key = integration.key_issue(actor=pmo, partner_id=lembaga.pk, scheme="hmac-sha1", now=now)
    institution = DemoPartner(client_code=lembaga.client_code, sign_key=lembaga_key.secret, scheme="hmac-sha1")
    if connection.in_atomic_block:
        return 0
    cards = Card.objects.filter(status=CardStatus.ACTIVE, person__user__isnull=False).select_related("application").order_by("pk")
    for card in cards[:20]:
        with DemoPhone.in_use():
            status, answer = platform.post(f"{API}/purchase", {"card_number": card.number, "course_code": entry.course_code,
                                                               "idempotency_key": f"demo-{card.number}"})
            if status != 200 or answer["data"]["status"] != "consent":
                continue  # this card cannot buy (no account yet, an unfinished purchase…): the next beneficiary
            invoice = answer["data"]["invoice_code"]
            code = DemoPhone.last_code(card.application.phone, marker="persetujuan")  # what the beneficiary reads out
        if not code:
            raise RuntimeError(f"The consent code for {invoice} reached no demo phone (SMS to {card.application.phone}).")
        status, answer = platform.post(f"{API}/purchase/consent", {"invoice_code": invoice, "consent_code": code})
        if status != 200:
            raise RuntimeError(f"The demo platform's consent for {invoice} was refused: {answer}")
        # The PMO's rule check, queued when the consent committed, runs here at once (the worker finds it decided).
        purchases.purchase_authorise(actor=None, purchase=Purchase.objects.get(invoice_code=invoice), now=timezone.now())
        status, answer = platform.post(f"{API}/purchase/status", {"invoice_code": invoice})
        if answer["data"]["status"] != "authorised":
            continue  # refused by the rule check (e.g. the buyer cannot be enrolled): the next beneficiary
        _institution_redeems(institution, voucher_code=answer["data"]["voucher_code"], invoice=invoice)
        # The training's own flow, at the desk: the webinar runs, the instructor assesses the unit, the participant
        # reviews it and fills the work-readiness survey, the manager issues the certificate (the course ends today).
        bought = Purchase.objects.select_related("person__user").get(invoice_code=invoice)
        enrollment = Enrollment.objects.get(pk=bought.enrollment_id)
        training.program_transition(actor=manager, program=program, action="start", today=start)
        certification.assessments_record_many(actor=instructor, program=program, entries=[(enrollment.pk, unit.pk, "competent", 88, "")])
        participant = bought.person.user
        certification.review_submit(actor=participant, enrollment=enrollment, rating=5, text=REVIEW, instructor=instructor,
                                    instructor_rating=5, now=timezone.now())
        version = surveys.questionnaire_current(code=READINESS_CODE)
        surveys.response_submit(actor=participant, code=READINESS_CODE, person=bought.person, enrollment=enrollment,
                                answers=_demo_answers(version, start, random.Random(invoice)), now=timezone.now())
        certification.certificate_issue(actor=manager, enrollment=enrollment, now=timezone.now())
        status, answer = institution.post(f"{API}/payment/redeem-code/completion", {"invoice_code": invoice})
        if status != 200 or answer["data"]["status"] != "completed":
            raise RuntimeError(f"The demo institution could not report {invoice} completed: {answer}")
        return 1
    return 0


def _institution_redeems(institution, *, voucher_code: str, invoice: str) -> None:
    """The institution's Prakerja integration, as an LPK's system calls it: the voucher for the redeem codes, then the
    session's code checked, redeemed (in its window, on the real clock) and the attendance reported — each a signed
    request. Any refusal stops the demo: the schedule is made to fit the window."""
    status, answer = institution.post(f"{API}/payment/voucher", {"voucher_code": voucher_code})
    if status != 200:
        raise RuntimeError(f"The demo institution could not exchange the voucher of {invoice}: {answer}")
    code = answer["data"]["redeem_codes"][0]["redeem_code"]
    for path, payload in (("status", {"redeem_code": code, "sequence": 1}), ("commit", {"redeem_code": code, "sequence": 1}),
                          ("attendance", {"redeem_code": code, "sequence": 1, "attendance_status": "present"})):
        status, answer = institution.post(f"{API}/payment/redeem-code/{path}", payload)
        if status != 200:
            raise RuntimeError(f"The demo institution's {path} of {invoice} was refused: {answer}")
