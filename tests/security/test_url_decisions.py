"""Every URL the project serves has a decision for every role, and the decisions hold (issue 8 §3).

1. ``test_every_served_pattern_has_a_decision`` walks the URL resolver (pages, each API operation per
   method, the admin by one prefix rule) and fails for any pattern without an entry in
   ``url_matrix.TABLE``: a new page or endpoint must come with its decisions. ``test_no_stale_entries``
   fails for an entry that matches nothing any more.
2. ``test_decision`` asks every URL as every role of ``url_matrix.ROLES`` against one small world built
   once for the module (``World``) and checks the answer: allowed, log-in, refused (403 or a refusal
   message), or not found (404, where existence must not leak). Writes (POST/PUT/PATCH) are exercised for
   the roles that must be refused.

The world is built inside one transaction for the whole module and each test runs in a savepoint of it
(pytest-django's ``db``), so the requests of one test never change what the next one sees.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import json
import re
from functools import cache
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from ninja.operation import PathView

from .url_matrix import (
    ADMIN_DECISIONS,
    ADMIN_PREFIX,
    ADMIN_URLS,
    DEFAULT_PARAMS,
    DENY,
    EXCLUDED_PREFIXES,
    HIDDEN,
    LOGIN,
    MSG,
    OK,
    ROLES,
    TABLE,
    Case,
)

PASSWORD = "Rahasia-Kuat-2026"
SURVEY = "kesiapan-kerja"
# When A and B were approved: long before any certificate they issue (its page shows the issuer's standing).
APPROVED_AT = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def _nik(district: str, birth: dt.date, serial: int, *, female: bool = False) -> str:
    """A valid NIK: district code, birth date (day + 40 for women), serial."""
    day = birth.day + (40 if female else 0)
    return f"{district.replace('.', '')}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


# --- what the project serves -----------------------------------------------------------------------

def _walk(patterns, prefix: str = "", namespace: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            yield prefix + str(p.pattern), name, p.callback


def _path_view(callback) -> PathView | None:
    """The ninja path view behind an API pattern (its view is a closure over it), else None."""
    view = inspect.unwrap(callback)
    for target in [getattr(view, "__self__", None), *(c.cell_contents for c in getattr(view, "__closure__", None) or ())]:
        if isinstance(target, PathView):
            return target
    return None


def _braces(route: str) -> str:
    """``api/v1/x/<program_id>`` → ``/api/v1/x/{program_id}`` (ninja's own notation)."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


@cache
def served() -> dict[str, str]:
    """key → Django route of every served pattern outside the admin and the exclusions. Keys: the URL
    name of a page; ``"<METHOD> /api/v1/…"`` for each API operation and method."""
    out: dict[str, str] = {}
    duplicates = []
    seen_views: set[int] = set()
    for route, name, callback in _walk(get_resolver().url_patterns):
        if route.startswith(ADMIN_PREFIX) or route.startswith(tuple(EXCLUDED_PREFIXES)):
            continue
        view = _path_view(callback)
        if view is not None:
            if id(view) in seen_views:  # ninja mounts one pattern per operation, all on the same path view
                continue
            seen_views.add(id(view))
            keys = [f"{method} {_braces(route)}" for op in view.operations for method in op.methods]
        elif getattr(callback, "partner_signed_kinds", None):
            # A signed partner endpoint (integration.auth.partner_signed): an API operation, POST only.
            keys = [f"POST {_braces(route)}"]
        else:
            keys = [name or route]
        for key in keys:
            if key in out and out[key] != route:
                duplicates.append(key)
            out[key] = route
    assert not duplicates, f"Two patterns share the keys {duplicates}: give them names of their own."
    return out


def admin_patterns() -> list[str]:
    return [route for route, _name, _cb in _walk(get_resolver().url_patterns) if route.startswith(ADMIN_PREFIX)]


def test_every_served_pattern_has_a_decision():
    missing = sorted(set(served()) - set(TABLE))
    assert not missing, (
        "These URL patterns have no expected decisions in tests/security/url_matrix.py TABLE (add one entry "
        "per pattern, with the decision of every role):\n  " + "\n  ".join(f"{k}  ({served()[k]})" for k in missing)
    )


def test_no_stale_entries():
    stale = sorted(set(TABLE) - set(served()))
    assert not stale, "These TABLE entries match no URL pattern any more (remove or rename them):\n  " + "\n  ".join(stale)
    assert admin_patterns(), f"The prefix rule {ADMIN_PREFIX!r} matches no pattern any more"


def test_every_api_operation_of_the_openapi_document_is_enumerated():
    """The walk sees what the API documents (so an operation the walk misses cannot hide)."""
    from sisnaker.api import api

    schema = api.get_openapi_schema()
    documented = {f"{method.upper()} {path}" for path, methods in schema["paths"].items() for method in methods}
    assert documented <= set(served())


def test_every_path_parameter_is_filled():
    problems = []
    for key, cases in TABLE.items():
        route = served().get(key)
        if route is None:
            continue
        for i, case in enumerate(cases):
            unknown = set(case.params) - set(_param_names(route))
            unfilled = {n for n in _param_names(route) if n not in case.params and n not in DEFAULT_PARAMS}
            if unknown or unfilled:
                problems.append(f"{key} case {i}: unknown {sorted(unknown)}, unfilled {sorted(unfilled)}")
    assert not problems, "\n".join(problems)


# --- the world -------------------------------------------------------------------------------------

class World:
    """One owning institution A (BLK UPTD, Kota Bandung) with a running program (the owner a participant
    with a certificate, another participant ready for one), a published program (the owner an applicant)
    and a draft; institution B in Kota Surabaya; a pending registration in Kota Bandung; a provisional
    record with a sign-up claim and an identity dispute; one user per role."""

    def __init__(self):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from sisnaker.accounts import services as accounts
        from sisnaker.accounts.models import IdentityDispute, Person, SignUpClaim, User
        from sisnaker.certification.models import Assessment, Review
        from sisnaker.certification.services import certificates
        from sisnaker.core import crypto
        from sisnaker.core.roles import Role
        from sisnaker.institutions.domain import registry_key
        from sisnaker.institutions.models import Institution, InstitutionStatusChange
        from sisnaker.regions.models import District, Regency
        from sisnaker.regions.services import regions_load
        from sisnaker.surveys.models import QuestionnaireVersion, Response
        from sisnaker.surveys.services import ensure_default_questionnaires
        from sisnaker.training import services as training
        from sisnaker.training.models import CompetencyUnit, VocationalField
        from sisnaker.training.spreadsheets import services as spreadsheets

        if not District.objects.exists():  # a transactional test elsewhere flushed the database
            regions_load()
            ensure_default_questionnaires()
        now = timezone.now()
        self.today = today = timezone.localdate()
        self.survey_code, self.task_result_id = SURVEY, "tugas-uji-1"
        self.province_code, self.regency_code, self.district_code = "32", "32.73", "32.73.01"

        # Institutions (BLK UPTD: vetted by the regional officer of their area).
        def institution(number: str, name: str, regency: str, status: str, at: dt.datetime) -> Institution:
            inst = Institution.objects.create(
                registry_number=number, registry_key=registry_key(number), name=name, kind="blk_uptd", regency_id=regency,
                status=status, status_changed_at=at, licence_number="SK-UJI-001",
            )
            InstitutionStatusChange.objects.create(institution=inst, status=status, at=at)
            return inst

        approved = Institution.Status.APPROVED
        self.inst = institution("BLK-MTX-A", "UPTD BLK Matriks A", "32.73", approved, APPROVED_AT)
        self.inst_other = institution("BLK-MTX-B", "UPTD BLK Matriks B", "35.78", approved, APPROVED_AT)
        self.inst_pending = institution("BLK-MTX-P", "BLK Matriks Menunggu", "32.73", Institution.Status.PENDING, now)

        # Companies (placement): approved A in Kota Bandung (the owner applies to its vacancy), approved B in Kota
        # Surabaya, a pending registration in Kota Bandung; each has its own employer among the roles.
        from sisnaker.placement.models import Company

        def company(name: str, nib: str, regency: str, status: str) -> Company:
            return Company.objects.create(name=name, nib=nib, sector="C", regency_id=regency, phone="+62224207777",
                                          status=status, status_changed_at=now)

        self.company = company("PT Matriks Karya", "9120000777777", "32.73", "approved")
        self.company_other = company("PT Matriks Surabaya", "9120000777778", "35.78", "approved")
        self.company_pending = company("PT Matriks Menunggu", "9120000777779", "32.73", "pending")
        self.company_name, self.company_other_name = self.company.name, self.company_other.name

        # Users.
        def staff(username: str, role: Role, **scope) -> User:
            user = accounts.staff_user_create(actor=None, username=username, password=PASSWORD, full_name=username)
            accounts.role_grant(actor=None, user=user, role=role, **scope)
            return User.objects.get(pk=user.pk)

        surabaya = District.objects.filter(regency_id="35.78").order_by("code").first()

        def citizen(name: str, birth: dt.date, district: str, phone: str) -> Person:
            nik = _nik(district, birth, int(phone[-4:]))
            return accounts.person_sign_up(data=accounts.SignUp(
                nik=nik, full_name=name, birth_date=birth, sex="M", education="smk", phone=phone, email="",
                domicile_district=District.objects.get(code=district), password=PASSWORD, address="",
            ), today=today)

        self.person = citizen("Siti Nurhaliza", dt.date(1996, 4, 12), "32.73.01", "081277000101")
        other = citizen("Citra Kirana", dt.date(1997, 8, 3), surabaya.code, "081277000102")
        self.other_person = other
        ready = citizen("Budi Santoso", dt.date(1995, 2, 20), "32.73.01", "081277000103")
        self.users: dict[str, User | None] = {
            "anonymous": None,
            "owner": User.objects.get(pk=self.person.user_id),
            "citizen": User.objects.get(pk=other.user_id),
            "manager": staff("mtx.pengelola", Role.INSTITUTION_MANAGER, institution=self.inst),
            "manager_other": staff("mtx.pengelola.b", Role.INSTITUTION_MANAGER, institution=self.inst_other),
            "instructor": staff("mtx.instruktur", Role.INSTRUCTOR, institution=self.inst),
            "instructor_other": staff("mtx.instruktur.b", Role.INSTRUCTOR, institution=self.inst_other),
            "officer": staff("mtx.disnaker.bandung", Role.REGIONAL_OFFICER, region_code="32.73"),
            "officer_out": staff("mtx.disnaker.surabaya", Role.REGIONAL_OFFICER, region_code="35.78"),
            "curator": staff("mtx.kurator", Role.CURATOR),
            "finance": staff("mtx.bendahara", Role.FINANCE_OFFICER),
            "dpo": staff("mtx.ppdp", Role.DATA_PROTECTION_OFFICER),
            "employer": staff("mtx.hrd", Role.EMPLOYER, company=self.company),
            "employer_other": staff("mtx.hrd.b", Role.EMPLOYER, company=self.company_other),
            "employer_pending": staff("mtx.hrd.menunggu", Role.EMPLOYER, company=self.company_pending),
            "admin": staff("mtx.admin", Role.ADMIN),
            "pmo": staff("mtx.pmo", Role.PMO_OFFICER),
        }
        assert set(self.users) == set(ROLES)
        for role, firm in (("employer", self.company), ("employer_other", self.company_other),
                           ("employer_pending", self.company_pending)):
            firm.manager = firm.registered_by = self.users[role]
            firm.save(update_fields=["manager", "registered_by"])
        # A clerk of A (not a role: someone the manager may remove or hand over to).
        self.company_clerk = staff("mtx.hrd.staf", Role.EMPLOYER, company=self.company)
        manager = self.users["manager"]

        # Programs of A.
        field = VocationalField.objects.get_or_create(code="MTX-TIK", defaults={"name": "Teknologi Informasi (matriks)"})[0]
        self.field_id = field.pk
        units = [CompetencyUnit.objects.create(code=f"MTX.{i:04d}.01", title=f"Menerapkan prosedur kerja {i}",
                                               vocational_field=field) for i in (1, 2)]
        self.unit = units[0]
        bandung = Regency.objects.get(code="32.73")

        def program(title: str, start_in: int, days: int = 30) -> training.ProgramData:
            return training.ProgramData(
                title=title, vocational_field=field, hours=160, start_date=today + dt.timedelta(days=start_in),
                end_date=today + dt.timedelta(days=start_in + days), registration_opens=today - dt.timedelta(days=5),
                registration_closes=today + dt.timedelta(days=5), quota=10, regency=bandung, funding="apbd",
                competency_unit_ids=tuple(u.pk for u in units),
            )

        running = training.program_create(actor=manager, institution=self.inst, data=program("Pemrograman Web Dasar", 10, days=14))
        running = training.program_transition(actor=manager, program=running, action="publish", today=today)
        self.enrollment, self.enrollment_ready = (
            training.enrollment_record(actor=manager, program=running, person=p, today=today, as_participant=True,
                                       late_reason="")
            for p in (self.person, ready)
        )
        self.program = training.program_transition(actor=manager, program=running, action="start", today=running.start_date)
        published = training.program_create(actor=manager, institution=self.inst, data=program("Desain Grafis", 60))
        self.published = training.program_transition(actor=manager, program=published, action="publish", today=today)
        self.applicant = training.enrollment_register(actor=self.users["owner"], program=self.published, person=self.person,
                                                      today=today)
        self.draft = training.program_create(actor=manager, institution=self.inst, data=program("Jaringan Komputer", 100))

        # The steps to the certificate: assessed, reviewed, surveyed; the owner's is issued.
        version = QuestionnaireVersion.objects.select_related("questionnaire").get(questionnaire__code=SURVEY,
                                                                                    is_current=True)
        for e in (self.enrollment, self.enrollment_ready):
            for u in units:
                Assessment.objects.create(enrollment=e, unit=u, result="competent", assessed_by=self.users["instructor"],
                                          assessed_at=now)
            Review.objects.create(enrollment=e, rating=5, text="Sangat bermanfaat.", created_at=now)
            Response.objects.create(version=version, questionnaire=version.questionnaire, person=e.person, enrollment=e,
                                    submitted_at=now)
        # Issued on the training's last day (never before its completion).
        last_day = timezone.make_aware(dt.datetime.combine(self.program.end_date, dt.time(12)))
        self.certificate = certificates.certificate_issue(actor=manager, enrollment=self.enrollment, now=max(now, last_day))
        self.verification_id = self.certificate.verification_id

        # A record an institution added, claimed at sign-up by someone whose data differ: a claim and a dispute.
        nik = _nik("32.73.01", dt.date(1998, 3, 4), 9001, female=True)
        provisional = Person.objects.create(
            nik_encrypted=crypto.encrypt(nik), nik_index=crypto.blind_index(nik, label="nik"), nik_regency_id="32.73",
            nik_district_id="32.73.01", full_name="SITI AMINAH", birth_date=dt.date(1998, 3, 4), sex="F", education="sma",
            phone="+6281300000001", email="", domicile_district_id="32.73.01", added_by_institution=self.inst,
        )
        self.provisional = provisional
        claimant = User.objects.create(username="mtx.pengaju")
        self.dispute = IdentityDispute.objects.create(person=provisional, claimant=claimant, created_at=now,
                                                      declared={"full_name": "Orang Lain", "birth_date": "1990-01-01"})
        self.claim_token = "mtx-klaim-0123456789"
        SignUpClaim.objects.create(token=self.claim_token, kind="claim", person=provisional, password_hash="!",
                                   phone="+6281300009999", code_hash="0" * 64, expires_at=now + dt.timedelta(hours=1),
                                   created_at=now)

        # Texts that list pages show only to those whose scope holds them.
        self.owner_name, self.dispute_name = self.person.full_name, "Orang Lain"
        self.inst_name, self.pending_name = self.inst.name, self.inst_pending.name
        self.program_title, self.draft_title = self.program.title, self.draft.title
        self.certificate_number = self.certificate.number

        # An import's error file of the running program.
        self.unknown_token, self.unknown_uid, self.close_action = "x" * 22, "MTIzNDU2Nzg5", "close"
        self.error_token = spreadsheets.error_file_store(actor=manager, program=self.program, content=b"PK\x03\x04 uji")
        self.assessment_error_token = spreadsheets.error_file_store(actor=manager, program=self.program, content=b"PK\x03\x04 uji",
                                                                    kind="assessments")
        self.other_nik = self._nik_of(other)
        # A large export the manager asked for, written by the worker (run here at once).
        from sisnaker.training.spreadsheets import jobs as spreadsheet_jobs

        export_job = spreadsheet_jobs.enrollments_export_start(actor=manager, program=self.program)
        spreadsheet_jobs.spreadsheet_job_run(job_id=export_job.pk)
        self.export_job_token = export_job.token
        # A big program's step the manager asked for, done in the background (training.moves).
        from sisnaker.training.models import ProgramMove

        self.move_token = ProgramMove.objects.create(
            token="ab" * 16, program=self.program, institution_id=self.program.institution_id, created_by=manager, created_at=now,
            action="close", reason="", day=now.date(), status="refused", finished_at=now,
            outcome={"refused": {"code": "program_illegal_transition", "id": "Ditolak.", "en": "Refused."}}).token
        # The same through the exports app (a background ExportJob of the manager's, written at once).
        from sisnaker.exports import services as exports

        exports_job = exports.export_request(actor=manager, source="training.participants", params={"program": self.program.pk},
                                             fmt="csv")
        exports.export_run(job_id=exports_job.pk)
        self.exports_job_token = exports_job.token

        # Payments: the owner is owed an incentive, in a draft batch another finance officer made; the ready
        # participant's payout account waits for an officer's check of its holder name.
        self._payments(now)
        self._prakerja(now)
        self._placement(now)
        self._posko(now)
        self._planning(now)

        # Privacy: the owner asked for a copy of their data.
        from sisnaker.privacy.services import privacy_request_submit

        self.privacy_request = privacy_request_submit(actor=self.users["owner"], person=self.person, kind="access", details="")

        # Integration: a platform partner of the Kartu Prakerja partner API.
        from sisnaker.integration.services import partner_register

        self.partner = partner_register(actor=self.users["admin"], name="Platform Matriks", kind="platform")

        # One session per role: the admin's verified with an authenticator code; every session holds the
        # error file's token (the import page offers it only to the session that imported).
        device = TOTPDevice.objects.create(user=self.users["admin"], name="HP", confirmed=True)
        # The PMO officer is staff too (SISNAKER_2FA_ROLES): signed in with their own verified authenticator.
        pmo_device = TOTPDevice.objects.create(user=self.users["pmo"], name="HP PMO", confirmed=True)
        self.sessions: dict[str, str] = {}
        self._clients: dict[str, Client] = {}
        for role, user in self.users.items():
            if user is None:
                continue
            client = Client()
            client.force_login(user)
            session = client.session
            session["training_io_error_files"] = {self.error_token: self.program.pk}
            session["certification_assessment_error_files"] = {self.assessment_error_token: self.program.pk}
            if role == "admin":
                session["otp_device_id"] = device.persistent_id
            if role == "pmo":
                session["otp_device_id"] = pmo_device.persistent_id
            session.save()
            self.sessions[role] = session.session_key

    def _payments(self, now) -> None:
        from sisnaker.accounts import services as accounts
        from sisnaker.core import crypto
        from sisnaker.core.roles import Role
        from sisnaker.payments.models import IncentiveRule, Payable, PayoutAccount
        from sisnaker.payments.services import batches
        from sisnaker.payments.services.payables import ensure_default_rules

        ensure_default_rules()
        rule = IncentiveRule.objects.get(funding_source="apbd", program__isnull=True, is_active=True)
        for person, status in ((self.person, "verified"), (self.enrollment_ready.person, "review")):
            account = PayoutAccount.objects.create(
                person=person, channel="bank", provider_code="002", number_encrypted=crypto.encrypt("0123456789"),
                number_last4="6789", holder_name=person.full_name, match_score=100 if status == "verified" else 80,
                status=status, created_at=now)
        self.review_account = account
        self.payable = Payable.objects.create(kind="incentive", idempotency_key=f"incentive:{rule.pk}:{self.person.pk}", funding_source="apbd",
                               amount=rule.amount, person=self.person, program=self.program, enrollment=self.enrollment,
                               rule=rule, created_at=now)
        maker = accounts.staff_user_create(actor=None, username="mtx.bendahara.pembuat", password=PASSWORD, full_name="Pembuat")
        accounts.role_grant(actor=None, user=maker, role=Role.FINANCE_OFFICER)
        self.batch = batches.batch_build(actor=maker, funding_source="apbd", now=now)

    def _prakerja(self, now) -> None:
        """An open wave (the owner has started an application in it), a drawn one, an exclusion import."""
        from sisnaker.prakerja import services as prakerja
        from sisnaker.prakerja.models import ExclusionImport, Wave

        today = self.today
        amounts = dict(training_balance=3_500_000, post_training_incentive=600_000, post_training_incentive_count=1,
                       incentive_interval_days=30, survey_incentive=50_000, survey_incentive_count=2, purchase_deadline_days=30)
        self.wave = Wave.objects.create(number=901, name="Gelombang Matriks", opens_on=today - dt.timedelta(days=1),
                                        closes_on=today + dt.timedelta(days=30), national_target=10, status="open",
                                        created_at=now, **amounts)
        self.wave.quotas.create(province_id="32", quota=10)
        self.drawn_wave = Wave.objects.create(number=900, name="Gelombang Diundi", opens_on=today - dt.timedelta(days=60),
                                              closes_on=today - dt.timedelta(days=30), national_target=5, status="drawn",
                                              seed="ab" * 32, seed_commitment="cd" * 32, created_at=now, **amounts)
        data = prakerja.ApplicationData(
            nik=self._nik_of(self.person), kk_number="3273010101260001", full_name=self.person.full_name,
            birth_date=self.person.birth_date, sex=self.person.sex, education="smk", in_formal_education=False,
            has_disability=False, domicile_district=self.person.domicile_district, phone=self.person.phone,
            email="siti@contoh.id", statement=True)
        self.prakerja_application, self.prakerja_token = prakerja.application_start(
            actor=self.users["owner"], wave=self.wave, data=data, now=now)
        self.exclusion_import = ExclusionImport.objects.create(category="civil_servant", file_name="asn.csv",
                                                               imported_by=self.users["admin"], created_at=now)
        # Curation and purchase: an entry of A's program waiting for stage 1; a purchase id nobody holds.
        from sisnaker.prakerja.models import CatalogueEntry

        self.stage_one = 1
        self.stage_two = 2
        self.catalogue_entry = CatalogueEntry.objects.create(program=self.program, institution=self.inst, course_code="SNKMTX",
                                                             course_type="offline", price=1, sessions=[],
                                                             proposed_by=self.users["admin"], proposed_at=now)
        self.no_purchase = 999_999

    def _placement(self, now) -> None:
        """The owner's AK/1 application, waiting at the regency office of their KTP (Kota Bandung)."""
        from sisnaker.placement import services as placement
        from tests.placement.photos import PHOTO

        self.ak1_card = placement.ak1_apply(actor=self.users["owner"], now=now, photo_upload=PHOTO, data=placement.Ak1Application(
            birth_place="Bandung", marital_status="single", religion="islam", address="Jl. Merdeka 1", education="smk",
            other_training="", skills="Pemrograman web"))
        self._jobs(now)

    def _jobs(self, now) -> None:
        """Company A (its manager: the "employer" role) with a published vacancy the owner applied to, and a draft;
        the pending company's draft (it may write drafts, never publish)."""
        from sisnaker.placement import domain
        from sisnaker.placement import services as placement
        from sisnaker.placement.models import Occupation
        from sisnaker.placement.reference import load_isco08
        from sisnaker.regions.models import Regency

        if not Occupation.objects.exists():  # a transactional test elsewhere flushed the database
            load_isco08(Occupation)
        bandung = Regency.objects.get(code="32.73")
        hrd = self.users["employer"]
        fields = domain.VacancyInput(title="Operator Produksi Matriks", openings=2, opens_on=self.today,
                                     closes_on=self.today + dt.timedelta(days=30), skills="Mesin produksi", work_type="full_time",
                                     wage_min=4_000_000)
        data = placement.VacancyData(fields=fields, regency=bandung, occupation_code="821")
        self.vacancy = placement.vacancy_create(actor=hrd, company_id=self.company.pk, data=data, now=now)
        placement.vacancy_publish(actor=hrd, vacancy_id=self.vacancy.pk, now=now)
        draft = placement.VacancyData(fields=dataclasses.replace(fields, title="Draf Rahasia Matriks"), regency=bandung,
                                      occupation_code="821")
        self.draft_vacancy = placement.vacancy_create(actor=hrd, company_id=self.company.pk, data=draft, now=now)
        self.job_application = placement.application_submit(actor=self.users["owner"], vacancy_id=self.vacancy.pk, now=now)
        self.vacancy_title, self.draft_vacancy_title = "Operator Produksi Matriks", "Draf Rahasia Matriks"
        pending = placement.VacancyData(fields=dataclasses.replace(fields, title="Draf Perusahaan Menunggu"), regency=bandung,
                                        occupation_code="821")
        self.pending_draft_vacancy = placement.vacancy_create(actor=self.users["employer_pending"],
                                                              company_id=self.company_pending.pk, data=pending, now=now)
        self.publish_action = "close"
        # Company A reports the other citizen working for it (placement.manage): its workforce page and API list her.
        worker = self.other_person
        self.company_placement = placement.placement_report(actor=hrd, company_id=self.company.pk, now=now, data=placement.EmployerReport(
            nik=self._nik_of(worker), full_name=worker.full_name, birth_date=worker.birth_date, position="Operator Matriks",
            start_date=self.today))
        self.company_worker_name = worker.full_name

    def vacancy_api_body(self) -> dict:
        return {"title": "Operator API Matriks", "openings": 1, "opens_on": self.today.isoformat(),
                "closes_on": (self.today + dt.timedelta(days=10)).isoformat(), "skills": "Mesin", "work_type": "full_time",
                "regency": "32.73", "occupation": "821", "wage_negotiable": True}

    def placement_report_body(self) -> dict:
        return {"nik": self._nik_of(self.person), "full_name": self.person.full_name, "birth_date": self.person.birth_date.isoformat(),
                "position": "Operator Matriks", "start_date": self.today.isoformat(), "sector": ""}

    def placement_report_api_body(self) -> dict:
        return self.placement_report_body() | {"overseas": False}

    def _posko(self, now) -> None:
        """A Disnaker posko of Kota Bandung, where its officer recorded a new citizen (a provisional record)."""
        from sisnaker.accounts.services import ProvisionalPerson
        from sisnaker.posko import services as posko
        from sisnaker.posko.domain import CONSENT_VERSION, Consent
        from sisnaker.regions.models import District, Regency

        officer = self.users["officer"]
        self.posko = posko.posko_create(actor=officer, now=now, data=posko.PoskoData(
            name="Posko Matriks Bandung", kind="regional_office", regency=Regency.objects.get(code="32.73")))
        birth = dt.date(2000, 6, 7)
        self.posko_assistance = posko.assistance_register_person(
            actor=officer, posko=self.posko, consent=Consent(given=True, version=CONSENT_VERSION), now=now,
            data=ProvisionalPerson(nik=_nik("32.73.01", birth, 9002, female=True), full_name="Ayu Posko Matriks",
                                   birth_date=birth, sex="F", education="sma", phone="081277000199",
                                   domicile_district=District.objects.get(code="32.73.01")))
        self.posko_name, self.posko_person_name = self.posko.name, "Ayu Posko Matriks"

    def company_body(self) -> dict:
        return {"name": "PT Matriks Karya", "nib": self.company.nib, "sector": "C", "location_0": "32", "location_1": "32.73",
                "location_2": "32.73.01", "address": "", "contact_name": "", "phone": "+62224207778", "email": ""}

    def posko_create_body(self) -> dict:
        return {"name": "Posko Matriks Baru", "kind": "regional_office", "regency": "32.73", "institution": "", "address": ""}

    def posko_register_body(self) -> dict:
        from sisnaker.posko.domain import CONSENT_VERSION

        return {"nik": _nik("32.73.01", dt.date(2001, 2, 3), 9003), "full_name": "Bayu Matriks", "birth_date": "2001-02-03",
                "sex": "M", "education": "sma", "phone": "081277000198", "domicile_0": "32", "domicile_1": "32.73",
                "domicile_2": "32.73.01", "consent": "on", "consent_version": CONSENT_VERSION}

    def posko_training_body(self) -> dict:
        from sisnaker.posko.domain import CONSENT_VERSION

        return {"program": self.published.pk, "consent": "on", "consent_version": CONSENT_VERSION}
    def _planning(self, now) -> None:
        """Kota Bandung's draft training-needs plan for next year, with one line (planning)."""
        from sisnaker.planning import services as planning

        officer = self.users["officer"]
        self.plan = planning.plan_create(actor=officer, region_code="32.73", year=self.today.year + 1, now=now)
        self.plan_line = planning.plan_line_add(actor=officer, plan_id=self.plan.pk, field_id=self.field_id, people=12,
                                                reason="Permintaan industri", now=now)
        self.plan_region_name = "Kota Bandung"

    def exclusion_body(self) -> dict:
        content = f"NIK\n{self.other_nik}\n".encode()
        return {"category": "civil_servant", "file": SimpleUploadedFile("asn.csv", content, content_type="text/csv")}

    def result_body(self) -> dict:
        line = self.batch.lines.get()
        content = f"reference,status,bank_reference,reason\n{line.reference},BERHASIL,TRX1,\n".encode()
        return {"file": SimpleUploadedFile("hasil.csv", content, content_type="text/csv")}

    @staticmethod
    def _nik_of(person) -> str:
        from sisnaker.core import crypto

        return crypto.decrypt(person.nik_encrypted)

    # --- what the table's cases refer to ----------------------------------------------------------

    def value(self, attribute: str) -> str:
        value = getattr(self, attribute)
        return str(getattr(value, "pk", value))

    def client(self, role: str) -> Client:
        """The role's client holding only its session cookie. Clients are kept (a new one loads the
        middleware again, and whitenoise scans the static files each time: 100 ms)."""
        client = self._clients.get(role)
        if client is None:
            client = self._clients[role] = Client()
        client.cookies = SimpleCookie()
        if role in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return client

    def program_body(self) -> dict:
        p = self.published
        return {
            "title": p.title, "vocational_field_id": self.field_id, "competency_unit_ids": [self.unit.pk], "hours": p.hours,
            "start_date": p.start_date.isoformat(), "end_date": p.end_date.isoformat(),
            "registration_opens": p.registration_opens.isoformat(), "registration_closes": p.registration_closes.isoformat(),
            "quota": 11, "regency": "32.73", "funding": "apbd",
        }

    def batch_body(self) -> dict:
        start = self.today + dt.timedelta(days=60)
        return {"registration_opens": str(self.today + dt.timedelta(days=1)), "registration_closes": str(start - dt.timedelta(days=5)),
                "start_date": str(start), "end_date": str(start + dt.timedelta(days=30)), "quota": 20}

    def record_body(self) -> dict:
        return {"nik": self.other_nik, "full_name": self.other_person.full_name,
                "birth_date": self.other_person.birth_date.isoformat()}

    def cell_body(self) -> dict:
        cell = f"{self.enrollment_ready.pk}-{self.unit.pk}"
        return {"cell": cell, f"r-{cell}": "BK", f"s-{cell}": ""}

    def import_body(self) -> dict:
        from sisnaker.training.spreadsheets import writing

        template, _content_type, _name = writing.template_bytes("csv")  # the columns the import reads
        return {"file": SimpleUploadedFile("peserta.csv", template, content_type="text/csv"), "mode": "valid_only"}


@pytest.fixture(scope="module")
def world_media(tmp_path_factory):
    """Files the world stores (the owner's AK/1 photo) go to a temporary MEDIA_ROOT for the module."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_media):
    """Built once, inside a transaction that is rolled back after the module. The transaction is marked
    as a test case's (as ``django.test.TestCase`` does for ``setUpTestData``) so that the services' durable
    transactions may nest in it; each test's own savepoint (``db``) nests inside."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True
        atomic.__enter__()
        try:
            built = World()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


# --- asking --------------------------------------------------------------------------------------

API_KEY = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) (/api/.*)$")


def _param_names(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def _url(world: World, key: str, case: Case) -> str:
    route = served().get(key)
    if route is None:
        pytest.fail(f"{key}: no such URL pattern (a stale TABLE entry, see test_no_stale_entries)")
    names = _param_names(route)
    values = {n: world.value(case.params.get(n) or DEFAULT_PARAMS[n]) for n in names}
    match = API_KEY.match(key)
    if match:
        path = match.group(2)
        for name, value in values.items():
            path = path.replace("{" + name + "}", value)
    else:
        path = reverse(key, kwargs=values)
    query = case.query.format(**{k: world.value(k) for k in re.findall(r"{(\w+)}", case.query)})
    return f"{path}?{query}" if query else path


def _method(key: str, case: Case) -> str:
    match = API_KEY.match(key)
    return match.group(1) if match else case.method


def decision(response) -> str:
    """What the response shows, in the table's terms (anything else is named by its status)."""
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        target = urlsplit(response["Location"]).path
        if target == reverse(settings.LOGIN_URL):
            return LOGIN
        if target in (reverse("accounts:otp_verify"), reverse("accounts:otp_setup")):
            return "sent to the two-factor step"  # never expected: the world's sessions need no code
        if any(m.level >= messages.ERROR for m in get_messages(response.wsgi_request)):
            return MSG
        return OK
    if 200 <= status < 300:
        return OK
    return {401: LOGIN, 403: DENY, 404: HIDDEN}.get(status, f"HTTP {status}")


def ask(world: World, role: str, key: str, case: Case):
    client = world.client(role)
    url = _url(world, key, case)
    method = _method(key, case)
    data = case.data(world) if callable(case.data) else dict(case.data or {})
    if method == "GET":
        return url, client.get(url)
    if API_KEY.match(key) and not case.multipart:
        return url, client.generic(method, url, json.dumps(data), content_type="application/json")
    return url, client.post(url, data)


def _exercised():
    for key, cases in TABLE.items():
        for i, case in enumerate(cases):
            method = _method(key, case)
            for role in ROLES:
                if method != "GET" and case.expect[role] == OK:
                    continue  # successful writes are the per-app tests' business
                label = f"{key} #{i}" if len(cases) > 1 else key
                yield pytest.param(key, i, role, id=f"{label} [{role}]")


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "index", "role"), list(_exercised()))
def test_decision(world, key, index, role):
    case = TABLE[key][index]
    expected = case.expect[role]
    url, response = ask(world, role, key, case)
    got = decision(response)
    where = f"{_method(key, case)} {url} ({key}{', ' + case.note if case.note else ''}) as {role}"
    location = f", Location {response['Location']}" if response.has_header("Location") else ""
    assert got == expected, f"{where}: expected {expected}, got {got} (HTTP {response.status_code}{location})"
    if case.shown.get(role) or case.not_shown.get(role):
        text = response.content.decode()
        for attribute in case.shown.get(role, ()):
            assert getattr(world, attribute) in text, f"{where}: {attribute} ({getattr(world, attribute)!r}) not shown"
        for attribute in case.not_shown.get(role, ()):
            assert getattr(world, attribute) not in text, f"{where}: shows {attribute} ({getattr(world, attribute)!r})"


# --- the admin: one prefix rule --------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("path", ADMIN_URLS)
@pytest.mark.parametrize("role", ROLES)
def test_admin_decision(world, path, role):
    url = path.format(person=world.person.pk)
    client = world.client(role)
    response = client.get(url)
    if response.status_code == 302 and urlsplit(response["Location"]).path == reverse("admin:login"):
        response = client.get(response["Location"])  # the admin's log-in sends on to Sisnaker's, or refuses
    expected = ADMIN_DECISIONS[role]
    assert decision(response) == expected, f"GET {url} as {role}: expected {expected}, got HTTP {response.status_code}"


@pytest.mark.django_db
def test_the_pmo_officer_is_staff_with_two_factor(world):
    """The PMO officer's decisions above are those of a session verified with their authenticator: signed in without
    the code, the same officer is sent to the two-factor step first (as the administrator would be)."""
    client = Client()
    client.force_login(world.users["pmo"])
    response = client.get(reverse("prakerja:pmo"))
    assert response.status_code == 302 and urlsplit(response["Location"]).path == reverse("accounts:otp_verify")
    assert world.client("pmo").get(reverse("prakerja:pmo")).status_code == 200
