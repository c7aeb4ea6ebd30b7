"""Certificate pages: issue (POST, from the readiness board or the participant's page), a certificate's
page with the revoke and replace forms, the PDF and JSON downloads, a citizen's own certificates. Who may not open a
certificate gets the refusal page (``core.pages``); an issue or revocation that cannot be done now is a
message on the page the user came from."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sisnaker.core import links
from sisnaker.core.errors import SisnakerError
from sisnaker.core.permissions import can

from .. import domain, export, pdf, selectors, services, signing
from ..models import Certificate


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


@login_required
@require_POST
def issue(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    fallback = reverse("certification:mine")
    try:
        cert = services.certificate_issue(actor=request.user, enrollment=enrollment_id, now=timezone.now(),
                                          base_url=links.public_url(request) + "/")
    except SisnakerError as exc:
        missing = exc.details.get("missing") if exc.details else None
        text = str(exc.message)
        if missing:
            text = _("Sertifikat belum dapat diterbitkan. Yang belum: %(list)s.") % {"list": "; ".join(missing)}
        messages.error(request, text)
        return redirect(_safe_next(request, fallback))
    messages.success(request, _("Sertifikat %(number)s diterbitkan.") % {"number": cert.number})
    return redirect(_safe_next(request, reverse("certification:certificate", args=[cert.pk])))


@login_required
@require_GET
def detail(request: HttpRequest, certificate_id: int) -> HttpResponse:
    cert = selectors.certificate_for(viewer=request.user, certificate_id=certificate_id)
    fields = json.loads(cert.payload)
    can_replace = cert.revoked_at is None and can(request.user, "certificate.revoke", cert) and can(
        request.user, "certificate.issue", cert.enrollment.program)
    return render(request, "certification/certificates/detail.html", {
        "cert": cert, "fields": fields, "can_revoke": can(request.user, "certificate.revoke", cert),
        "can_replace": can_replace, "changes": services.replacement_changes(certificate=cert) if can_replace else [],
        "replaces": cert.replaces, "replaced_by": getattr(cert, "replaced_by", None) if cert.revoked_at else None,
        "signature_valid": signing.verify(cert.payload, cert.signature, cert.key_id),
        "verify_url": pdf.verification_url(cert.verification_id),
        "issued_on": date_format(timezone.localtime(cert.issued_at).date()),
        "certificate_date": date_format(dated) if (dated := domain.certificate_date_of(fields)) else "",
        "revoked_on": date_format(timezone.localtime(cert.revoked_at).date()) if cert.revoked_at else "",
    })


@login_required
@require_POST
def revoke(request: HttpRequest, certificate_id: int) -> HttpResponse:
    cert = selectors.certificate_for(viewer=request.user, certificate_id=certificate_id)
    try:
        services.certificate_revoke(actor=request.user, certificate=cert, reason=request.POST.get("reason", ""), now=timezone.now())
    except SisnakerError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Sertifikat %(number)s dicabut.") % {"number": cert.number})
    return redirect("certification:certificate", cert.pk)


@login_required
@require_POST
def replace(request: HttpRequest, certificate_id: int) -> HttpResponse:
    cert = selectors.certificate_for(viewer=request.user, certificate_id=certificate_id)
    try:
        new = services.certificate_replace(actor=request.user, certificate=cert, reason=request.POST.get("reason", ""),
                                           now=timezone.now(), base_url=links.public_url(request) + "/")
    except SisnakerError as exc:
        messages.error(request, str(exc.message))
        return redirect("certification:certificate", cert.pk)
    messages.success(request, _("Sertifikat %(old)s dicabut dan diganti dengan %(new)s. Pemegangnya diberi tahu.") % {
        "old": cert.number, "new": new.number})
    return redirect("certification:certificate", new.pk)


def _attachment(cert: Certificate, body, content_type: str, ext: str) -> HttpResponse:
    """A certificate file download that browsers and proxies never keep."""
    response = HttpResponse(body, content_type=content_type)
    filename = "sertifikat-" + cert.number.replace("/", "-") + "." + ext
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def pdf_download(request: HttpRequest, certificate_id: int) -> HttpResponse:
    cert = selectors.certificate_for(viewer=request.user, certificate_id=certificate_id)
    return _attachment(cert, pdf.certificate_pdf(cert), "application/pdf", "pdf")


@login_required
@require_GET
def json_download(request: HttpRequest, certificate_id: int) -> HttpResponse:
    cert = selectors.certificate_for(viewer=request.user, certificate_id=certificate_id)
    body = json.dumps(export.certificate_export(cert), ensure_ascii=False, indent=2)
    return _attachment(cert, body, "application/json; charset=utf-8", "json")


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "certification/certificates/mine.html", {"certificates": selectors.my_certificates(user=request.user)})
