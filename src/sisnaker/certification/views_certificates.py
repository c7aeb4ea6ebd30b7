"""Certificate pages: issue (POST, from the readiness board or the participant's page), a certificate's
page with the revoke form, the PDF and JSON downloads, a citizen's own certificates; and the public
verification pages (``urls_verify``: by QR id — full name and birth year; by number and birth date —
masked name, rate limited, 429 past the limit; the public key). Views are thin: they call
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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sisnaker.core.errors import NotFound, SisnakerError, ValidationFailed
from sisnaker.core.net import client_ip
from sisnaker.institutions.domain import STATUS_LABELS
from sisnaker.web.views import forbidden_page

from . import certificates, domain, pdf, signing
from .forms_verify import LookupForm
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
    return _attachment(cert, pdf.certificate_pdf(cert), "application/pdf", "pdf")


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

# Service field names → the look-up form's fields.
_LOOKUP_FIELDS = {"number": "nomor", "birth_date": "lahir"}


def _client_ip(request: HttpRequest) -> str | None:
    # Set by core.middleware.RequestContextMiddleware (trusted proxies only); computed the same way if not.
    return request.client_ip if hasattr(request, "client_ip") else client_ip(request)


def _public(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex"
    # The QR id in the URL never leaves the site; "no-referrer" would also make browsers send
    # "Origin: null" with the look-up form, which the CSRF check rightly refuses.
    response["Referrer-Policy"] = "same-origin"
    return response


def _issuer(result) -> dict:
    """Labels for the issuer's standing (in the active language)."""
    on_issue = STATUS_LABELS.get(result.institution_status_on_issue or "")
    now = STATUS_LABELS.get(result.institution_status_now or "")
    return {
        "on_issue_label": str(on_issue) if on_issue else "",
        "now_label": str(now) if now else result.institution_status_now,
        "since": certificates.format_date_id(result.institution_status_since) if result.institution_status_since else "",
    }


def _lookup_page(request: HttpRequest, form: LookupForm, *, status: int = 200, lookup_error: str = "") -> HttpResponse:
    return _public(render(request, "certification/verify/lookup.html", {"form": form, "lookup_error": lookup_error},
                          status=status))


def _verify_page(request: HttpRequest, result, *, form: LookupForm) -> HttpResponse:
    status = 404 if result.by == "id" and not result.found else 200
    return _public(render(request, "certification/verify/result.html", {
        "result": result, "form": form, "issuer": _issuer(result) if result.found else {},
        "issued_on": certificates.format_date_id(result.issued_on) if result.issued_on else "",
        "revoked_on": certificates.format_date_id(result.revoked_on) if result.revoked_on else "",
    }, status=status))


def _limited_page(request: HttpRequest, exc: certificates.LookupLimited) -> HttpResponse:
    response = render(request, "certification/verify/limited.html", {"minutes": max(1, -(-exc.retry_after // 60))},
                      status=429)
    response["Retry-After"] = str(exc.retry_after)
    return _public(response)


@never_cache
@require_http_methods(["GET", "POST"])
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """GET: the look-up form (``?nomor=`` fills in the number, as printed on the PDF). POST: the look-up
    by number and birth date — posted, so that neither lands in a URL or an access log."""
    if request.method == "GET":
        typed = request.GET.get("nomor", "")
        number = domain.clean_number(typed)
        if number is None:
            return _lookup_page(request, LookupForm(), status=400, lookup_error=_(
                "Nomor sertifikat hanya berisi huruf, angka, dan tanda baca biasa (paling banyak 80 karakter)."))
        return _lookup_page(request, LookupForm(initial={"nomor": number}))
    form = LookupForm(request.POST)
    if form.is_valid():
        try:
            result = certificates.certificate_lookup(number=form.cleaned_data["nomor"], birth_date=form.cleaned_data["lahir"],
                                                     client_ip=_client_ip(request), now=timezone.now())
        except certificates.LookupLimited as exc:
            return _limited_page(request, exc)
        except ValidationFailed as exc:
            form.add_error(_LOOKUP_FIELDS.get(exc.field or ""), str(exc.message))
        else:
            return _verify_page(request, result, form=LookupForm(initial={"nomor": result.query}))
    return _lookup_page(request, form, status=400)


@never_cache
@require_GET
def verify_by_id(request: HttpRequest, verification_id: str) -> HttpResponse:
    """The page the certificate's QR code opens: the holder's full name and birth year."""
    result = certificates.certificate_verify(verification_id=verification_id)
    return _verify_page(request, result, form=LookupForm())


@require_GET
def public_key(request: HttpRequest) -> HttpResponse:
    info = signing.public_key_info()
    if request.GET.get("format") == "pem":
        response = HttpResponse(info["public_key_pem"], content_type="application/x-pem-file")
        response["Content-Disposition"] = f'attachment; filename="sisnaker-sertifikat-{info["key_id"]}.pem"'
        return response
    return render(request, "certification/verify/public_key.html", {"info": info})
