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
from django.views.decorators.http import require_GET, require_POST

from sisnaker.core.errors import Conflict, Msg, NotFound, PermissionDenied, SisnakerError, ValidationFailed
from sisnaker.core.pages import apply_error
from sisnaker.core.permissions import require

from .. import selectors, services
from ..forms import Ak1ApplicationForm, Ak1UpdateForm, RefuseForm, ReportForm
from ..pdf import render_card_pdf

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
    return render(request, "placement/ak1_card.html", {"page": page, "card": page.card, "refuse_form": RefuseForm(),
                                                       "report_form": ReportForm()})


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
    return render(request, "placement/ak1_card.html", {"page": page, "card": page.card, "refuse_form": form,
                                                       "report_form": ReportForm()}, status=400)


@login_required
@require_POST
def ak1_report(request: HttpRequest, card_id: int) -> HttpResponse:
    """The six-monthly report (still looking / found work), by the holder or at the office."""
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            card = services.ak1_report(actor=request.user, card_id=card_id, report=services.Ak1Report(**form.cleaned_data),
                                       now=timezone.now())
        except (ValidationFailed, Conflict) as exc:  # a permission refusal rises to the error page
            apply_error(form, exc)
        else:
            messages.success(request, _("Laporan tercatat. Selamat bekerja!") if card.ended_on else _("Laporan tercatat."))
            return redirect("placement:ak1_card", card_id=card_id)
    page = selectors.card_page(viewer=request.user, card_id=card_id, today=timezone.localdate())
    return render(request, "placement/ak1_card.html", {"page": page, "card": page.card, "refuse_form": RefuseForm(),
                                                       "report_form": form}, status=400)


@login_required
def ak1_update(request: HttpRequest, card_id: int) -> HttpResponse:
    """The holder reports changed data (address, marital status, education, skills)."""
    page = selectors.card_page(viewer=request.user, card_id=card_id, today=timezone.localdate())
    if not page.may_update:
        raise PermissionDenied(Msg("Data kartu ini hanya dapat diubah oleh pemegangnya selama kartu masih berlaku.",
                                   "This card's data can only be changed by its holder while the card is valid."))
    card = page.card
    form = Ak1UpdateForm(request.POST or None, initial={f: getattr(card, f) for f in services.UPDATABLE})
    if request.method == "POST" and form.is_valid():
        data = services.Ak1Application(birth_place=card.birth_place, religion=card.religion, **form.cleaned_data)
        try:
            services.ak1_update(actor=request.user, card_id=card_id, data=data, now=timezone.now())
        except (ValidationFailed, Conflict) as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Perubahan data kartu AK/1 tersimpan."))
            return redirect("placement:ak1_card", card_id=card_id)
    return render(request, "placement/ak1_update.html", {"form": form, "card": card})


@login_required
@require_GET
def ak1_pdf(request: HttpRequest, card_id: int) -> HttpResponse:
    """The printable card (holder and the regional office), with its QR code."""
    page = selectors.card_page(viewer=request.user, card_id=card_id, today=timezone.localdate())
    card = page.card
    if card.status != "issued":
        raise NotFound(Msg("Kartu AK/1 ini belum diterbitkan: belum ada kartu untuk dicetak.",
                           "This AK/1 card has not been issued: there is no card to print yet."))
    body = render_card_pdf(card=card, reports=page.reports or {}, certificates=page.certificates,
                           url=services.verification_url(card), today=timezone.localdate())
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kartu-ak1-{card.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def ak1_verify(request: HttpRequest, verification_id: str) -> HttpResponse:
    """Public: what the QR code on a printed AK/1 card opens (no NIK, no address)."""
    result = selectors.verify(verification_id=verification_id, today=timezone.localdate())
    response = render(request, "placement/ak1_verify.html", {"result": result}, status=200 if result.found else 404)
    response["Referrer-Policy"] = "no-referrer"
    return response
