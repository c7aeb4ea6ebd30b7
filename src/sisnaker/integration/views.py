"""The PMO's partner pages (/integrasi/mitra/): list and register partners; one partner's keys — issue, rotate,
revoke — and revoking the partner. Thin: one service or selector call each. A new key is shown once, on the
answer to the POST that made it (never cached, never stored in plaintext, never shown again)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from sisnaker.core.errors import Msg, NotFound, SisnakerError
from sisnaker.core.pages import apply_error

from . import domain, selectors, services
from .forms import KeyForm, PartnerForm, RevokeForm


@login_required
def partners(request: HttpRequest) -> HttpResponse:
    rows = selectors.partners(actor=request.user)
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_register(actor=request.user, name=form.cleaned_data["name"], kind=form.cleaned_data["kind"],
                                                institution_registry_number=form.cleaned_data["institution"])
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Mitra %(name)s terdaftar dengan client_code %(code)s. Terbitkan kuncinya di bawah.")
                             % {"name": partner.name, "code": partner.client_code})
            return redirect("integration:partner", partner.pk)
    return render(request, "integration/partners.html", {"partners": rows, "form": form})


def _key_rows(partner, now):
    return [{"key": key, "state": domain.key_state(revoked_at=key.revoked_at, not_after=key.not_after, now=now),
             "label": domain.KEY_STATE_LABELS[domain.key_state(revoked_at=key.revoked_at, not_after=key.not_after, now=now)]}
            for key in selectors.keys_of(partner=partner)]


@never_cache
@login_required
def partner(request: HttpRequest, partner_id: int) -> HttpResponse:
    item = selectors.partner(actor=request.user, partner_id=partner_id)
    if item is None:
        raise NotFound(Msg("Mitra tidak ditemukan.", "Partner not found."))
    key_form, revoke_form, issued = KeyForm(), RevokeForm(), None
    if request.method == "POST":
        action = request.POST.get("do", "")
        try:
            if action in ("issue", "rotate"):
                key_form = KeyForm(request.POST)
                if key_form.is_valid():
                    service = services.key_issue if action == "issue" else services.key_rotate
                    issued = service(actor=request.user, partner_id=item.pk, scheme=key_form.cleaned_data["scheme"])
            elif action in ("revoke_key", "revoke_partner"):
                revoke_form = RevokeForm(request.POST)
                if revoke_form.is_valid():
                    if action == "revoke_key" and revoke_form.cleaned_data["key"]:
                        services.key_revoke(actor=request.user, key_id=revoke_form.cleaned_data["key"],
                                            reason=revoke_form.cleaned_data["reason"])
                        messages.success(request, _("Kunci dicabut: permintaan yang ditandatangani dengannya ditolak mulai sekarang."))
                    elif action == "revoke_partner":
                        services.partner_revoke(actor=request.user, partner_id=item.pk, reason=revoke_form.cleaned_data["reason"])
                        messages.success(request, _("Mitra dicabut beserta semua kuncinya."))
                    return redirect("integration:partner", item.pk)
        except SisnakerError as exc:
            apply_error(revoke_form if action.startswith("revoke") else key_form, exc)
        item.refresh_from_db()
    return render(request, "integration/partner.html", {
        "partner": item, "keys": _key_rows(item, timezone.now()), "key_form": key_form, "revoke_form": revoke_form,
        "issued": issued, "overlap_days": services.overlap().days,
    })
