"""Certificate pages: issue (POST, from the readiness board or the participant's page), a certificate's
page with the revoke and replace forms, the PDF and JSON downloads, a citizen's own certificates. Who may not open a
certificate gets the refusal page (``core.pages``); an issue or revocation that cannot be done now is a
message on the page the user came from."""

from __future__ import annotations

import json
from urllib.parse import urlencode

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

from sisnaker.core import links, search
from sisnaker.core.errors import Msg, PermissionDenied, SisnakerError
from sisnaker.core.paging import CappedPaginator
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


REGISTER_COUNT_CAP = 10_000


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """Ministry curators: the national certificate register, searched by number, holder's NIK or name, status and
    year; each certificate one click from its page (where a curator may revoke it)."""
    if not can(request.user, "certificate.register"):
        raise PermissionDenied(Msg("Register sertifikat nasional untuk kurator Kementerian.",
                                   "The national certificate register is for Ministry curators."))
    if request.method == "POST":
        # The search form posts, so that a NIK typed in it never appears in a URL (core.search); nor does a mistyped one.
        q = request.POST.get("q", "")[:100]
        if search.looks_like_mistyped_nik(q):
            messages.error(request, _("NIK harus 16 digit (nomor sertifikat memuat garis miring): periksa lalu cari lagi."))
            return redirect(request.path)
        keep = {"q": search.protect_query(q), "status": request.POST.get("status", ""), "year": request.POST.get("year", "")}
        keep = {k: v for k, v in keep.items() if v}
        return redirect(f"{request.path}?{urlencode(keep)}" if keep else request.path)
    q, status, year = request.GET.get("q", "")[:100], request.GET.get("status", ""), request.GET.get("year", "")
    year_value = int(year) if year.isascii() and year.isdigit() and len(year) == 4 and 1900 <= int(year) <= 2100 else None
    qs = selectors.register_search(viewer=request.user, q=q, status=status, year=year_value)
    # At most REGISTER_COUNT_CAP rows are counted: the national register says "more than 10,000" (a search narrows it).
    page = CappedPaginator(qs, 50, cap=REGISTER_COUNT_CAP).get_page(request.GET.get("page"))
    if search.nik_index_of(q):
        services.register_nik_search_record(actor=request.user, found=page.paginator.count)
    return render(request, "certification/certificates/register.html", {
        "page": page, "q": "" if search.is_token(q) else q, "nik_search": search.is_token(q), "status": status,
        "year": year if year_value else "", "capped": page.paginator.count_capped,
        "statuses": [("", _("Semua")), ("valid", _("Berlaku")), ("revoked", _("Dicabut"))],
    })


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
