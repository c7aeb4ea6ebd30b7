"""Placement pages: the AK/1 job-seeker card — a citizen's cards and application, the card page, the regency
office's queue, issuing and refusing.

Pages parse and call one service or selector; refusals rise as ``core.errors.SisnakerError`` (the error page)
or go on the form (``core.pages.apply_error``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sisnaker.core.errors import Msg, PermissionDenied, SisnakerError, ValidationFailed
from sisnaker.core.pages import apply_error
from sisnaker.core.permissions import require

from .. import selectors, services
from ..forms import Ak1ApplicationForm, RefuseForm

NOT_A_CITIZEN = Msg("Kartu AK/1 diajukan dari akun warga yang terdaftar dengan NIK.",
                    "An AK/1 card is applied for from a citizen account registered with a NIK.")


def _own_person(request: HttpRequest):
    """The signed-in citizen's person (``ak1.apply_own``); staff accounts have none."""
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied(NOT_A_CITIZEN)
    require(request.user, "ak1.apply_own", person)
    return person


@login_required
def ak1_mine(request: HttpRequest) -> HttpResponse:
    """The signed-in citizen's AK/1 cards and applications."""
    _own_person(request)
    return render(request, "placement/ak1_mine.html", {"cards": selectors.my_cards(user=request.user)})


@login_required
def ak1_apply(request: HttpRequest) -> HttpResponse:
    person = _own_person(request)
    form = Ak1ApplicationForm(request.POST or None, initial={"address": person.address, "education": person.education})
    if request.method == "POST" and form.is_valid():
        try:
            card = services.ak1_apply(actor=request.user, data=services.Ak1Application(**form.cleaned_data), now=timezone.now())
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Permohonan kartu AK/1 terkirim ke dinas ketenagakerjaan kabupaten/kota Anda."))
            return redirect("placement:ak1_card", card_id=card.pk)
    return render(request, "placement/ak1_apply.html", {"form": form, "person": person})


@login_required
def ak1_card(request: HttpRequest, card_id: int) -> HttpResponse:
    page = selectors.card_page(viewer=request.user, card_id=card_id, today=timezone.localdate())
    return render(request, "placement/ak1_card.html", {"page": page, "card": page.card, "refuse_form": RefuseForm()})


@login_required
def ak1_queue(request: HttpRequest) -> HttpResponse:
    return render(request, "placement/ak1_queue.html", {"cards": selectors.queue(viewer=request.user)})


@login_required
@require_POST
def ak1_issue(request: HttpRequest, card_id: int) -> HttpResponse:
    card = services.ak1_issue(actor=request.user, card_id=card_id, now=timezone.now())
    messages.success(request, _("Kartu AK/1 %(number)s diterbitkan.") % {"number": card.number})
    return redirect("placement:ak1_card", card_id=card.pk)


@login_required
@require_POST
def ak1_refuse(request: HttpRequest, card_id: int) -> HttpResponse:
    form = RefuseForm(request.POST)
    if form.is_valid():
        try:
            services.ak1_refuse(actor=request.user, card_id=card_id, reason=form.cleaned_data["reason"], now=timezone.now())
        except ValidationFailed as exc:  # a permission refusal rises to the error page
            apply_error(form, exc)
        else:
            messages.success(request, _("Permohonan kartu AK/1 ditolak."))
            return redirect("placement:ak1_card", card_id=card_id)
    page = selectors.card_page(viewer=request.user, card_id=card_id, today=timezone.localdate())
    return render(request, "placement/ak1_card.html", {"page": page, "card": page.card, "refuse_form": form}, status=400)
