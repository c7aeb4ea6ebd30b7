"""Certificate pages: issue (POST, from the readiness board or the participant's page), a certificate's
page with the revoke form, the PDF and JSON downloads, a citizen's own certificates; and the public
verification pages (``urls_verify``: by QR id, by number, the public key). Views are thin: they call
``certificates`` services and render; every refusal is a message, never a 500."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from sisnaker.core.errors import NotFound, SisnakerError
from sisnaker.web.views import forbidden_page

from . import certificates, pdf, signing
from .models import Certificate


def _forbidden(request: HttpRequest) -> HttpResponse:
    return forbidden_page(request, _("Sertifikat ini hanya dapat dibuka oleh pemiliknya, staf lembaga penerbit, dan kurator Kementerian."))


def _certificate_for(request: HttpRequest, certificate_id: int) -> Certificate | HttpResponse:
    try:
        cert = certificates.get_certificate(certificate_id=certificate_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    if not certificates.can_view(request.user, cert):
        return _forbidden(request)
    return cert


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
        cert = certificates.certificate_issue(actor=request.user, enrollment=enrollment_id, now=timezone.now())
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
    cert = _certificate_for(request, certificate_id)
    if isinstance(cert, HttpResponse):
        return cert
    fields = json.loads(cert.payload)
    return render(request, "certification/certificates/detail.html", {
        "cert": cert, "fields": fields, "can_revoke": certificates.can_revoke(request.user, cert),
        "signature_valid": signing.verify(cert.payload, cert.signature, cert.key_id),
        "verify_url": pdf.verification_url(cert.verification_id),
        "issued_on": certificates.format_date_id(timezone.localtime(cert.issued_at).date()),
        "revoked_on": certificates.format_date_id(timezone.localtime(cert.revoked_at).date()) if cert.revoked_at else "",
    })


@login_required
@require_POST
def revoke(request: HttpRequest, certificate_id: int) -> HttpResponse:
    cert = _certificate_for(request, certificate_id)
    if isinstance(cert, HttpResponse):
        return cert
    try:
        certificates.certificate_revoke(actor=request.user, certificate=cert, reason=request.POST.get("reason", ""),
                                        now=timezone.now())
    except SisnakerError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Sertifikat %(number)s dicabut.") % {"number": cert.number})
    return redirect("certification:certificate", cert.pk)


def _filename(cert: Certificate, ext: str) -> str:
    return "sertifikat-" + cert.number.replace("/", "-") + "." + ext


@login_required
@require_GET
def pdf_download(request: HttpRequest, certificate_id: int) -> HttpResponse:
    cert = _certificate_for(request, certificate_id)
    if isinstance(cert, HttpResponse):
        return cert
    return _attachment(cert, pdf.render_certificate_pdf(payload=cert.payload, key_id=cert.key_id), "application/pdf", "pdf")


def _attachment(cert: Certificate, body, content_type: str, ext: str) -> HttpResponse:
    """A certificate file download that browsers and proxies never keep."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{_filename(cert, ext)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def json_download(request: HttpRequest, certificate_id: int) -> HttpResponse:
    cert = _certificate_for(request, certificate_id)
    if isinstance(cert, HttpResponse):
        return cert
    body = json.dumps(certificates.certificate_export(cert), ensure_ascii=False, indent=2)
    return _attachment(cert, body, "application/json; charset=utf-8", "json")


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    rows = list(Certificate.objects.filter(enrollment__person__user=request.user)
                .select_related("enrollment__program", "institution").order_by("-issued_at"))
    return render(request, "certification/certificates/mine.html", {"certificates": rows})


# --- public verification (urls_verify, namespace "verify") ---------------------------------------

def _verify_page(request: HttpRequest, result, *, by: str) -> HttpResponse:
    status = 404 if by == "id" and result is not None and not result.found else 200
    response = render(request, "certification/verify/result.html" if result is not None else "certification/verify/lookup.html", {
        "result": result, "by": by,
        "issued_on": certificates.format_date_id(result.issued_on) if result and result.issued_on else "",
        "revoked_on": certificates.format_date_id(result.revoked_on) if result and result.revoked_on else "",
        "nomor": request.GET.get("nomor", "")[:80],
    }, status=status)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_GET
def verify_lookup(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("nomor", "").strip()
    if not number:
        return _verify_page(request, None, by="number")
    return _verify_page(request, certificates.certificate_verify(number=number), by="number")


@never_cache
@require_GET
def verify_by_id(request: HttpRequest, verification_id: str) -> HttpResponse:
    return _verify_page(request, certificates.certificate_verify(verification_id=verification_id), by="id")


@require_GET
def public_key(request: HttpRequest) -> HttpResponse:
    info = signing.public_key_info()
    if request.GET.get("format") == "pem":
        response = HttpResponse(info["public_key_pem"], content_type="application/x-pem-file")
        response["Content-Disposition"] = f'attachment; filename="sisnaker-sertifikat-{info["key_id"]}.pem"'
        return response
    return render(request, "certification/verify/public_key.html", {"info": info})
