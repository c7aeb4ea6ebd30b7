"""Certificate reads: one certificate for someone who may see it (``certificate.view``: its holder, the
issuing institution's staff, curators, administrators), a citizen's own certificates, and the issuing
institution's standing on the certificate's date and today."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.db.models.functions import Upper
from django.urls import reverse

from sisnaker.accounts.models import User
from sisnaker.core import search
from sisnaker.core.errors import Msg, NotFound, PermissionDenied
from sisnaker.core.permissions import can, require
from sisnaker.institutions.models import InstitutionStatusChange
from sisnaker.training.codes import Code as TrainingCode
from sisnaker.training.models import Enrollment, Program

from .. import domain
from ..codes import Code
from ..models import CURRENT_FIRST, Certificate

VIEW_REFUSED = Msg("Sertifikat ini hanya dapat dibuka oleh pemiliknya, staf lembaga penerbit, dan kurator Kementerian.",
                   "This certificate can only be opened by its holder, staff of the issuing institution and Ministry curators.")


def get_certificate(*, certificate_id: int) -> Certificate:
    """A certificate with its holder, program, institution and signatories loaded, or NotFound."""
    cert = (Certificate.objects.select_related("enrollment__person", "enrollment__program", "institution", "issued_by", "replaces", "replaced_by",
                                               "revoked_by").filter(pk=certificate_id).first())
    if cert is None:
        raise NotFound(Msg("Sertifikat tidak ditemukan.", "Certificate not found."), code=Code.CERTIFICATE_NOT_FOUND)
    return cert


def certificate_for(*, viewer: User, certificate_id: int) -> Certificate:
    """The certificate, for a viewer who may see it (``certificate.view``); NotFound or PermissionDenied."""
    cert = get_certificate(certificate_id=certificate_id)
    if not can(viewer, "certificate.view", cert):
        raise PermissionDenied(VIEW_REFUSED)
    return cert


def my_certificates(*, user: User) -> list[Certificate]:
    """The certificates of the signed-in citizen, newest first."""
    return list(Certificate.objects.filter(enrollment__person__user=user)
                .select_related("enrollment__program", "institution", "replaced_by").order_by("-issued_at"))


def certificates_of_person(*, person_id: int) -> list[Certificate]:
    """A person's certificates that stand (not revoked), newest first, with program and institution loaded:
    what other apps attach (the AK/1 card's non-formal education). The caller checks who may see them."""
    return list(Certificate.objects.filter(enrollment__person_id=person_id, revoked_at__isnull=True)
                .select_related("enrollment__program", "institution").order_by("-issued_at"))


def person_data(*, person) -> dict:
    """The person's certificates, revoked ones included, for their own data export (extension point
    ``accounts.person_data``): one query."""
    rows = (Certificate.objects.filter(enrollment__person_id=person.pk).select_related("enrollment__program", "institution")
            .order_by("issued_at", "id"))
    return {"certificates": [
        {"number": c.number, "program": c.enrollment.program.title, "institution": c.institution.name,
         "issued_at": c.issued_at.isoformat(), "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
         "verification_id": c.verification_id}
        for c in rows
    ]}


def certified_enrollment_ids(*, enrollment_ids: list[int]) -> set[int]:
    """Which of these enrollments have a certificate, revoked or not (extension point
    ``training.certified_enrollments``: training refuses withdrawing or "not me" for them). One query."""
    return set(Certificate.objects.filter(enrollment_id__in=[int(i) for i in enrollment_ids]).values_list("enrollment_id", flat=True))


def certificates_of_enrollments(*, viewer: User, program: Program, enrollment_ids: list[int]) -> dict[int, dict]:
    """The certificates of some enrollments of ``program``, for a page of training (extension point
    ``training.enrollment_certificates``): enrollment id → {"number", "revoked", "url"}; ``url`` (the
    certificate's page) only for those who may open it (``certificate.view``: the issuing institution's
    staff, curators). One query whatever the number of enrollments."""
    ids = [int(i) for i in enrollment_ids]
    if not ids:
        return {}
    may_open = can(viewer, "certificate.view", program)
    rows = Certificate.objects.filter(enrollment_id__in=ids, enrollment__program_id=program.pk).order_by(*CURRENT_FIRST).values_list(
        "enrollment_id", "pk", "number", "revoked_at")
    found: dict[int, dict] = {}
    for enrollment_id, pk, number, revoked_at in rows:  # the one that stands for the enrollment comes first
        found.setdefault(enrollment_id, {"number": number, "revoked": revoked_at is not None,
                                         "url": reverse("certification:certificate", args=[pk]) if may_open else ""})
    return found


STAFF_ONLY = Msg("Hanya untuk staf lembaga penyelenggara program.", "Only for staff of the programme's institution.")


@dataclass(frozen=True)
class EnrollmentCertificate:
    enrollment: Enrollment
    certificate: Certificate | None
    can_open: bool  # the viewer may open the certificate's page (certificate.view)


def enrollment_certificate(*, viewer: User, enrollment_id: int) -> EnrollmentCertificate:
    """A participant's certificate for the staff who see the program's enrollments (``enrollment.view``;
    PermissionDenied otherwise, NotFound for no such enrollment). Two queries."""
    enrollment = Enrollment.objects.select_related("program").filter(pk=enrollment_id).first()
    if enrollment is None:
        raise NotFound(Msg("Pendaftaran tidak ditemukan.", "Enrollment not found."), code=TrainingCode.ENROLLMENT_NOT_FOUND)
    if not can(viewer, "enrollment.view", enrollment.program):
        raise PermissionDenied(STAFF_ONLY)
    cert = Certificate.objects.filter(enrollment_id=enrollment.pk).order_by(*CURRENT_FIRST).first()
    return EnrollmentCertificate(enrollment=enrollment, certificate=cert,
                                 can_open=cert is not None and can(viewer, "certificate.view", cert))


def issuer_standing_of(certificate: Certificate) -> domain.IssuerStanding:
    """The issuing institution's standing on the certificate's date and today (one query)."""
    institution = certificate.institution
    history = list(InstitutionStatusChange.objects.filter(institution_id=institution.pk).values_list("at", "status"))
    return domain.issuer_standing(history=history, issued_at=certificate.issued_at, status_now=institution.status,
                                  status_changed_at=institution.status_changed_at)


# --- the national certificate register (ministry curators) ----------------------------------------------------

REGISTER_STATUSES = ("valid", "revoked")


def register_search(*, viewer: User, q: str = "", status: str = "", year: int | None = None) -> QuerySet[Certificate]:
    """The national certificate register for ministry curators (``certificate.register``), newest first: every
    certificate of every institution, revoked ones included. ``q`` is a certificate number (case ignored), a full
    NIK or its search token (``core.search``: the holder's blind index), or part of the holder's name; ``status`` is
    "valid" or "revoked" (anything else: both); ``year`` the year of issue. Ordered by id (issue order) so the pages
    need no sort over the whole table; the caller pages with a capped count."""
    require(viewer, "certificate.register")
    qs = Certificate.objects.select_related("enrollment__person", "enrollment__program", "institution")
    if status == "valid":
        qs = qs.filter(revoked_at__isnull=True)
    elif status == "revoked":
        qs = qs.filter(revoked_at__isnull=False)
    if year is not None:
        qs = qs.filter(year=year)
    q = " ".join((q or "").split())[:100]
    index = search.nik_index_of(q)
    if index:
        qs = qs.filter(enrollment__person__nik_index=index)
    elif looks_like_number(q):
        qs = qs.annotate(number_key=Upper("number")).filter(number_key=domain.number_key(q))
    elif q:
        qs = qs.filter(enrollment__person__full_name__icontains=q)  # trigram index on PostgreSQL
    return qs.order_by("-pk")


def looks_like_number(q: str) -> bool:
    """A query with a digit or a "/" is a certificate number ("BLK/2026/000123"); names hold neither. Each kind
    of query then reads its own index (one OR of both would scan the register)."""
    return any(ch.isdigit() or ch == "/" for ch in q)
