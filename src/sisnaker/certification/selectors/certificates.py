"""Certificate reads: one certificate for someone who may see it (``certificate.view``: its holder, the
issuing institution's staff, curators, administrators), a citizen's own certificates, and the issuing
institution's standing on the certificate's date and today."""

from __future__ import annotations

from sisnaker.accounts.models import User
from sisnaker.core.errors import Msg, NotFound, PermissionDenied
from sisnaker.core.permissions import can
from sisnaker.institutions.models import InstitutionStatusChange

from .. import domain
from ..codes import Code
from ..models import Certificate

VIEW_REFUSED = Msg("Sertifikat ini hanya dapat dibuka oleh pemiliknya, staf lembaga penerbit, dan kurator Kementerian.",
                   "This certificate can only be opened by its holder, staff of the issuing institution and Ministry curators.")


def get_certificate(*, certificate_id: int) -> Certificate:
    """A certificate with its holder, program, institution and signatories loaded, or NotFound."""
    cert = (Certificate.objects.select_related("enrollment__person", "enrollment__program", "institution", "issued_by",
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
                .select_related("enrollment__program", "institution").order_by("-issued_at"))


def issuer_standing_of(certificate: Certificate) -> domain.IssuerStanding:
    """The issuing institution's standing on the certificate's date and today (one query)."""
    institution = certificate.institution
    history = list(InstitutionStatusChange.objects.filter(institution_id=institution.pk).values_list("at", "status"))
    return domain.issuer_standing(history=history, issued_at=certificate.issued_at, status_now=institution.status,
                                  status_changed_at=institution.status_changed_at)
