"""Public verification pages, mounted at /v/ (short, for the QR code; namespace "verify"), no log-in:

* ``/v/``                       — look a certificate up by its number and the holder's birth date (a
                                  posted form; ``?nomor=…`` only fills in the number); rate limited,
                                  429 past the limit
* ``/v/kunci-publik/``          — the published Ed25519 public key (``?format=pem`` downloads it)
* ``/v/<verification id>/``     — the page the certificate's QR code opens: full name and birth year
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from sisnaker.core.errors import ValidationFailed
from sisnaker.core.net import client_ip
from sisnaker.core.pages import apply_error
from sisnaker.institutions.domain import STATUS_LABELS

from .. import domain, services, signing
from ..forms import LookupForm

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


def _issuer(result: services.VerifyResult) -> dict:
    """Labels for the issuer's standing (in the active language)."""
    on_issue = STATUS_LABELS.get(result.institution_status_on_issue or "")
    now = STATUS_LABELS.get(result.institution_status_now or "")
    return {
        "on_issue_label": str(on_issue) if on_issue else "",
        "now_label": str(now) if now else result.institution_status_now,
        "since": date_format(result.institution_status_since) if result.institution_status_since else "",
    }


def _lookup_page(request: HttpRequest, form: LookupForm, *, status: int = 200, lookup_error: str = "") -> HttpResponse:
    return _public(render(request, "certification/verify/lookup.html", {"form": form, "lookup_error": lookup_error},
                          status=status))


def _verify_page(request: HttpRequest, result: services.VerifyResult, *, form: LookupForm) -> HttpResponse:
    status = 404 if result.by == "id" and not result.found else 200
    return _public(render(request, "certification/verify/result.html", {
        "result": result, "form": form, "issuer": _issuer(result) if result.found else {},
        "issued_on": date_format(result.issued_on) if result.issued_on else "",
        "certificate_date": date_format(result.certificate_date) if result.certificate_date else "",
        "revoked_on": date_format(result.revoked_on) if result.revoked_on else "",
    }, status=status))


def _limited_page(request: HttpRequest, exc: services.LookupLimited) -> HttpResponse:
    response = render(request, "certification/verify/limited.html", {"minutes": max(1, -(-exc.retry_after // 60))},
                      status=429)
    response["Retry-After"] = str(exc.retry_after)
    return _public(response)


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
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
            result = services.certificate_lookup(number=form.cleaned_data["nomor"], birth_date=form.cleaned_data["lahir"],
                                                 client_ip=_client_ip(request), now=timezone.now())
        except services.LookupLimited as exc:
            return _limited_page(request, exc)
        except ValidationFailed as exc:
            apply_error(form, exc, fields=_LOOKUP_FIELDS)
        else:
            return _verify_page(request, result, form=LookupForm(initial={"nomor": result.query}))
    return _lookup_page(request, form, status=400)


@never_cache
@require_GET
def by_id(request: HttpRequest, verification_id: str) -> HttpResponse:
    """The page the certificate's QR code opens: the holder's full name and birth year."""
    result = services.certificate_verify(verification_id=verification_id)
    return _verify_page(request, result, form=LookupForm())


@require_GET
def public_key(request: HttpRequest) -> HttpResponse:
    info = signing.public_key_info()
    if request.GET.get("format") == "pem":
        response = HttpResponse(info["public_key_pem"], content_type="application/x-pem-file")
        response["Content-Disposition"] = f'attachment; filename="sisnaker-sertifikat-{info["key_id"]}.pem"'
        return response
    return render(request, "certification/verify/public_key.html", {"info": info})
