"""Placement pages: the AK/1 job-seeker card — a citizen's cards and application, the card page, the regency
office's queue, issuing and refusing, the card's photo (streamed to whom may see it, replaced by the holder, a new
one asked for by the office).

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
from sisnaker.core.permissions import can, require

from .. import photo, selectors, services
from ..forms import Ak1ApplyForm, Ak1UpdateForm, PhotoForm, PhotoRequestForm, RefuseForm, ReportForm
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


NO_AK1_PAGE = Msg("Kartu AK/1 diajukan warga dari akunnya sendiri dan diterbitkan petugas dinas ketenagakerjaan kabupaten/kota; "
                  "akun ini tidak punya halaman AK/1. Masuk dengan akun warga untuk mengajukan kartu.",
                  "An AK/1 card is applied for by citizens from their own account and issued by the regency or city manpower "
                  "office; this account has no AK/1 page. Sign in with a citizen account to apply for a card.")


@login_required
def ak1_index(request: HttpRequest) -> HttpResponse:
    """``/penempatan/ak1/``: where each role's AK/1 work is — the officers' queue (``ak1.queue``: regional officers,
    administrators), a citizen's own cards; 403 with a message to anyone else."""
    if can(request.user, "ak1.queue"):
        return redirect("placement:ak1_queue")
    if getattr(request.user, "person", None) is not None:
        return redirect("placement:ak1_mine")
    raise PermissionDenied(NO_AK1_PAGE)


@login_required
def ak1_mine(request: HttpRequest) -> HttpResponse:
    """The signed-in citizen's AK/1 cards and applications."""
    _own_person(request)
    return render(request, "placement/ak1_mine.html", {"cards": selectors.my_cards(user=request.user)})


def _card_context(request: HttpRequest, page: selectors.CardPage, **forms) -> dict:
    """What the card page shows, its forms (``forms`` replaces one that comes back with errors) and the photo's
    permissions: who sees it (``ak1.photo``), whether the holder may replace it now, whether the officer may ask
    for a new one (while deciding)."""
    card = page.card
    holder = card.person.user_id == request.user.pk
    blocker = photo.change_blocker(status=card.status, issued_on=card.issued_on, ended_on=card.ended_on,
                                   today=timezone.localdate())
    return {"page": page, "card": card, "refuse_form": RefuseForm(), "report_form": ReportForm(),
            "photo_request_form": PhotoRequestForm(),
            "may_see_photo": bool(card.photo_path) and can(request.user, "ak1.photo", card),
            "may_change_photo": holder and blocker is None and can(request.user, "ak1.report_own", card)} | forms


@login_required
def ak1_apply(request: HttpRequest) -> HttpResponse:
    person = _own_person(request)
    form = Ak1ApplyForm(request.POST or None, request.FILES or None,
                        initial={"address": person.address, "education": person.education})
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        upload = values.pop("photo")
        try:
            card = services.ak1_apply(actor=request.user, data=services.Ak1Application(**values), photo_upload=upload.read(),
                                      now=timezone.now())
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Permohonan kartu AK/1 terkirim ke dinas ketenagakerjaan kabupaten/kota Anda."))
            return redirect("placement:ak1_card", card_id=card.pk)
    return render(request, "placement/ak1_apply.html", {"form": form, "person": person})


def _open(request: HttpRequest, card_id: int, *, printed: bool = False) -> selectors.CardPage:
    """The card for the page (or its PDF), its opening logged when the viewer is not its holder (``ak1_card_open``)."""
    return services.ak1_card_open(actor=request.user, card_id=card_id, today=timezone.localdate(), printed=printed)


@login_required
def ak1_card(request: HttpRequest, card_id: int) -> HttpResponse:
    return render(request, "placement/ak1_card.html", _card_context(request, _open(request, card_id)))


@login_required
def ak1_queue(request: HttpRequest) -> HttpResponse:
    return render(request, "placement/ak1_queue.html", {"cards": selectors.queue(viewer=request.user)})


@login_required
@require_POST
def ak1_issue(request: HttpRequest, card_id: int) -> HttpResponse:
    try:
        card = services.ak1_issue(actor=request.user, card_id=card_id, now=timezone.now())
    except Conflict as exc:  # decided meanwhile, or no photo yet: said on the card page; a permission refusal rises
        messages.error(request, str(exc.message))
        return redirect("placement:ak1_card", card_id=card_id)
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
    return render(request, "placement/ak1_card.html", _card_context(request, _open(request, card_id), refuse_form=form), status=400)


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
    return render(request, "placement/ak1_card.html", _card_context(request, _open(request, card_id), report_form=form), status=400)


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
    """The printable card (holder and the regional office), with its QR code; an officer's print is logged."""
    page = _open(request, card_id, printed=True)
    card = page.card
    picture = None
    if card.photo_path and can(request.user, "ak1.photo", card):  # a province officer's print has no photo
        try:
            picture = services.ak1_photo_read(actor=request.user, card_id=card.pk)
        except NotFound:  # the file is gone: the card prints with an empty photo box
            picture = None
    body = render_card_pdf(card=card, reports=page.reports or {}, certificates=page.certificates,
                           url=services.verification_url(card), today=timezone.localdate(), photo=picture)
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


# --- the photo ----------------------------------------------------------------------------------------------

@login_required
@require_GET
def ak1_photo(request: HttpRequest, card_id: int) -> HttpResponse:
    """The card's photo, for its holder and the officers of its regency office (``ak1.photo``): personal data, so
    never cached by the browser or a proxy, never served from a public URL."""
    body = services.ak1_photo_read(actor=request.user, card_id=card_id)
    response = HttpResponse(body, content_type="image/jpeg")
    response["Content-Disposition"] = 'inline; filename="pas-foto-ak1.jpg"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def ak1_photo_change(request: HttpRequest, card_id: int) -> HttpResponse:
    """The holder uploads their photo: while the application waits (also the new one the office asked for) or
    while the card is valid."""
    page = selectors.card_page(viewer=request.user, card_id=card_id, today=timezone.localdate())
    card = page.card
    if card.person.user_id != request.user.pk:
        raise PermissionDenied(Msg("Pas foto hanya dapat diganti oleh pemegang kartu.", "Only the card's holder can replace its photo."))
    blocker = photo.change_blocker(status=card.status, issued_on=card.issued_on, ended_on=card.ended_on,
                                   today=timezone.localdate())
    if blocker is not None:
        raise photo.change_conflict(blocker)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ak1_photo_set(actor=request.user, card_id=card_id, photo_upload=form.cleaned_data["photo"].read(),
                                   now=timezone.now())
        except (ValidationFailed, Conflict) as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Pas foto tersimpan."))
            return redirect("placement:ak1_card", card_id=card_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "placement/ak1_photo.html", _card_context(request, page, form=form), status=status)


@login_required
@require_POST
def ak1_photo_request(request: HttpRequest, card_id: int) -> HttpResponse:
    """The placement officer asks the applicant for a new photo (the application keeps waiting)."""
    form = PhotoRequestForm(request.POST)
    if form.is_valid():
        try:
            services.ak1_photo_request(actor=request.user, card_id=card_id, reason=form.cleaned_data["reason"],
                                       now=timezone.now())
        except ValidationFailed as exc:  # a permission refusal or a decided application rises to the error page
            apply_error(form, exc)
        else:
            messages.success(request, _("Permintaan pas foto baru dikirim ke pemohon. Kartu dapat diterbitkan setelah "
                                        "foto barunya diunggah."))
            return redirect("placement:ak1_card", card_id=card_id)
    return render(request, "placement/ak1_card.html", _card_context(request, _open(request, card_id), photo_request_form=form), status=400)
