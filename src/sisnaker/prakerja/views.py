"""Prakerja pages: applying (on one's own phone, or at a posko with an officer), the codes, "Prakerja saya",
the published results; the PMO's waves, quotas, identity review and exclusion lists.

Pages parse and call one service or selector; refusals rise as ``core.errors.SisnakerError`` (the error page)
or go on the form (``core.pages.apply_error``)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sisnaker.core import replica
from sisnaker.core.errors import Msg, NotFound, PermissionDenied, SisnakerError, ValidationFailed
from sisnaker.core.pages import apply_error
from sisnaker.core.permissions import can, require
from sisnaker.institutions.models import Institution
from sisnaker.regions.models import Province
from sisnaker.training.models import Program

from . import domain, purchases, selectors, services
from .forms import (
    ApplicationForm,
    AssistedApplicationForm,
    BuyForm,
    CodeForm,
    ConfirmForm,
    CurationForm,
    ExclusionForm,
    ProposeForm,
    QuotaForm,
    ReviewForm,
    WaveCloseForm,
    WaveForm,
)
from .models import Wave

WAVE_FIELDS = list(WaveForm.base_fields)


def _wave(wave_id: int, *, open_only: bool = False) -> Wave:
    wave = selectors.wave_get(wave_id)
    if wave is None or (open_only and wave.status != domain.WaveStatus.OPEN):
        raise NotFound(Msg("Gelombang tidak ditemukan.", "Wave not found."))
    return wave


def _pmo(request: HttpRequest, action: str = "prakerja.manage") -> None:
    require(request.user, action)


# --- citizens -------------------------------------------------------------------------------------------------

def home(request: HttpRequest) -> HttpResponse:
    """Open waves (apply), drawn waves (results)."""
    return render(request, "prakerja/home.html", {
        "open_waves": selectors.open_waves(timezone.localdate()), "drawn_waves": selectors.drawn_waves(),
        "can_assist": can(request.user, "prakerja.assist"), "is_pmo": can(request.user, "prakerja.manage"),
        "can_figures": can(request.user, "prakerja.figures"),
        # Applying and "Prakerja saya" are a registered citizen's (a staff account is refused there): their links
        # are shown to citizens, and "Daftar" to visitors too (it asks them to log in or sign up first).
        "is_citizen": getattr(request.user, "person", None) is not None,
    })


def _application_data(form: ApplicationForm) -> services.ApplicationData:
    d = form.cleaned_data
    return services.ApplicationData(
        nik=d["nik"], kk_number=d["kk_number"], full_name=d["full_name"], birth_date=d["birth_date"], sex=d["sex"],
        education=d["education"], in_formal_education=d["in_formal_education"], has_disability=d["has_disability"],
        domicile_district=d["domicile"], phone=d["phone"], email=d["email"], statement=d["statement"])


@login_required
def apply(request: HttpRequest, wave_id: int) -> HttpResponse:
    wave = _wave(wave_id, open_only=True)
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied(Msg("Pendaftaran Prakerja untuk warga yang terdaftar. Petugas membantu warga lewat halaman posko.",
                                   "Prakerja applications are for registered citizens. Officers help citizens through the posko page."))
    initial = {"full_name": person.full_name, "birth_date": person.birth_date, "sex": person.sex, "education": person.education,
               "has_disability": person.has_disability, "phone": person.phone, "email": person.email,
               "domicile": person.domicile_district}
    form = ApplicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _app, token = services.application_start(actor=request.user, wave=wave, data=_application_data(form), now=timezone.now())
        except SisnakerError as exc:
            apply_error(form, exc, fields={"domicile_district": "domicile"})
        else:
            return redirect("prakerja:confirm", token=token)
    return render(request, "prakerja/apply.html", {"wave": wave, "form": form, "assisted": False})


@login_required
def assist(request: HttpRequest, wave_id: int) -> HttpResponse:
    """A posko officer types the application with the citizen, who reads out the two codes."""
    require(request.user, "prakerja.assist")
    wave = _wave(wave_id, open_only=True)
    form = AssistedApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _app, token = services.application_start(actor=request.user, wave=wave, data=_application_data(form), now=timezone.now(),
                                                     assisted=True, consent=form.cleaned_data["consent"])
        except SisnakerError as exc:
            apply_error(form, exc, fields={"domicile_district": "domicile"})
        else:
            return redirect("prakerja:confirm", token=token)
    return render(request, "prakerja/apply.html", {"wave": wave, "form": form, "assisted": True})


@login_required
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    app = services.application_for_token(actor=request.user, token=token)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            app = services.application_confirm(actor=request.user, token=token, phone_code=form.cleaned_data["phone_code"],
                                               email_code=form.cleaned_data["email_code"], now=timezone.now())
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            if app.status == domain.ApplicationStatus.REVIEW:
                messages.info(request, _("Pendaftaran terkirim. Data identitas akan diperiksa petugas PMO."))
            else:
                messages.success(request, _("Pendaftaran terkirim. Pengundian dilakukan setelah gelombang ditutup."))
            return redirect("prakerja:mine" if app.assisted_by_id is None else "prakerja:home")
    return render(request, "prakerja/confirm.html", {"application": app, "form": form})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied(Msg("Halaman ini untuk warga yang terdaftar.", "This page is for registered citizens."))
    applications = selectors.my_applications(person)
    cards = selectors.cards_of(applications, today=timezone.localdate())
    for app in applications:
        app.card_view = cards.get(app.pk)
    card = selectors.active_card(person)
    return render(request, "prakerja/mine.html", {
        "applications": applications, "card": card, "purchases": selectors.purchases_of(person),
        "catalogue": selectors.catalogue(timezone.localdate()) if card else [], "buy_key": secrets.token_urlsafe(16),
        "today": timezone.localdate()})


@replica.reads()  # public and read-only: a replica may serve it (core/replica.py)
def results(request: HttpRequest, wave_id: int) -> HttpResponse:
    wave = _wave(wave_id)
    if wave.status != domain.WaveStatus.DRAWN:
        raise NotFound(Msg("Hasil gelombang ini belum diumumkan.", "This wave's results are not published yet."))
    return render(request, "prakerja/results.html", {"wave": wave, "provinces": selectors.selected_by_province(wave),
                                                     "figures": selectors.wave_figures(wave)})


def draw_data(request: HttpRequest, wave_id: int) -> HttpResponse:
    """The published list (JSON) of a closed or drawn wave; the seed only once drawn."""
    wave = _wave(wave_id)
    if wave.status not in (domain.WaveStatus.CLOSED, domain.WaveStatus.DRAWN):
        raise NotFound(Msg("Daftar pengundian belum diumumkan.", "The draw's list is not published yet."))
    response = JsonResponse(selectors.draw_publication(wave))
    response["Content-Disposition"] = f'attachment; filename="prakerja-gelombang-{wave.number}-undian.json"'
    return response


# --- PMO --------------------------------------------------------------------------------------------------------

def _wave_data(form: WaveForm) -> services.WaveData:
    return services.WaveData(**{k: form.cleaned_data[k] for k in WAVE_FIELDS})


@login_required
def pmo(request: HttpRequest) -> HttpResponse:
    _pmo(request)
    form = WaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            wave = services.wave_create(actor=request.user, data=_wave_data(form), now=timezone.now())
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Gelombang dibuat. Tetapkan kuota provinsinya, lalu buka."))
            return redirect("prakerja:wave", wave_id=wave.pk)
    return render(request, "prakerja/pmo.html", {"waves": selectors.waves(), "form": form,
                                                 "reviews": len(selectors.review_list())})


@login_required
def wave(request: HttpRequest, wave_id: int) -> HttpResponse:
    _pmo(request)
    obj = _wave(wave_id)
    form = WaveForm(request.POST or None, initial={k: getattr(obj, k) for k in WAVE_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            services.wave_update(actor=request.user, wave=obj, data=_wave_data(form))
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Gelombang disimpan."))
            return redirect("prakerja:wave", wave_id=obj.pk)
    figures = selectors.wave_figures(obj)
    quota_form = QuotaForm(provinces=Province.objects.order_by("code"),
                           initial={"mode": "manual", **{f"p_{r['province'].code}": r["quota"] for r in figures["provinces"]}})
    close_early = (domain.close_reason_needed(closes_on=obj.closes_on, today=timezone.localdate())
                   if obj.status == domain.WaveStatus.OPEN else None)
    return render(request, "prakerja/wave.html", {"wave": obj, "form": form, "quota_form": quota_form, "figures": figures,
                                                  "close_outcome": _close_outcome(obj), "close_early": close_early is not None,
                                                  "status_counts": [(label, figures["by_status"].get(value, 0))
                                                                    for value, label in domain.ApplicationStatus.CHOICES]})


@login_required
@require_POST
def quotas(request: HttpRequest, wave_id: int) -> HttpResponse:
    _pmo(request)
    obj = _wave(wave_id)
    form = QuotaForm(request.POST, provinces=Province.objects.order_by("code"))
    if form.is_valid():
        try:
            if form.cleaned_data["mode"] == "weights":
                services.quotas_compute(actor=request.user, wave=obj, weights=form.values())
            else:
                services.quotas_set(actor=request.user, wave=obj, quotas=form.values())
        except SisnakerError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Kuota provinsi disimpan."))
    else:
        messages.error(request, _("Isi angka bulat tidak negatif."))
    return redirect("prakerja:wave", wave_id=obj.pk)


@login_required
@require_POST
def wave_open(request: HttpRequest, wave_id: int) -> HttpResponse:
    _pmo(request)
    obj = _wave(wave_id)
    try:
        obj = services.wave_open(actor=request.user, wave=obj, now=timezone.now())
    except SisnakerError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Pendaftaran gelombang dibuka sampai %(closes)s.") % {"closes": date_format(obj.closes_on)})
    return redirect("prakerja:wave", wave_id=obj.pk)


def _background_step(request: HttpRequest, obj: Wave, step: str) -> HttpResponse:
    """Ask for the step; the message says what it did when it already ran (a worker that was quick, or the
    immediate task backend), else that it runs in the background (the wave's page shows the result)."""
    try:
        services.wave_step_request(actor=request.user, wave=obj, step=step, now=timezone.now())
    except SisnakerError as exc:
        messages.error(request, str(exc.message))
    else:
        _step_asked(request, obj, step)
    return redirect("prakerja:wave", wave_id=obj.pk)


def _step_asked(request: HttpRequest, obj: Wave, step: str) -> None:
    obj.refresh_from_db()
    outcome = _close_outcome(obj) if step == "close" else None
    if outcome is not None:
        messages.success(request, str(outcome))
    else:
        messages.success(request, _("Sedang diproses di latar belakang. Halaman ini menampilkan hasilnya setelah selesai."))


def _close_outcome(wave: Wave) -> Msg | None:
    """What closing the wave did (kept on the wave when it closed), or None when it has not closed."""
    done = wave.counts.get("close") if wave.status in (domain.WaveStatus.CLOSED, domain.WaveStatus.DRAWN) else None
    if not done:
        return None
    closes_on, closed_on = done.get("closes_on"), done.get("closed_on")
    return domain.close_outcome(lapsed=done["lapsed"], eligible=done["eligible"], ineligible=done["ineligible"],
                                closes_on=dt.date.fromisoformat(closes_on) if closes_on else None,
                                closed_on=dt.date.fromisoformat(closed_on) if closed_on else None)


@login_required
@require_http_methods(["GET", "POST"])
def wave_close(request: HttpRequest, wave_id: int) -> HttpResponse:
    """Close the wave and check eligibility (in the background). On or after its announced closing day the wave
    page's button closes it at once; before that day it leads to this confirmation (GET), which says what closing
    will do (the applications still waiting for their codes lapse, the announced deadline is cut short) and asks
    for the written reason the service requires (``domain.close_reason_needed``; kept in the audit trail). The
    confirmation posts ``confirm``."""
    _pmo(request)
    obj = _wave(wave_id)
    today = timezone.localdate()
    reason_needed = domain.close_reason_needed(closes_on=obj.closes_on, today=today)
    confirming = request.method == "POST" and request.POST.get("confirm") == "1"
    if request.method == "POST" and not confirming:
        if reason_needed is None or obj.status != domain.WaveStatus.OPEN:
            return _background_step(request, obj, "close")  # as announced (or refused with the service's message)
        return redirect("prakerja:wave_close", wave_id=obj.pk)
    if obj.status != domain.WaveStatus.OPEN:
        messages.error(request, str(Msg("Gelombang ini tidak sedang dibuka; tidak ada yang dapat ditutup.",
                                        "This wave is not open; there is nothing to close.")))
        return redirect("prakerja:wave", wave_id=obj.pk)
    form = WaveCloseForm(request.POST if confirming else None)
    status = 200
    if confirming:
        if form.is_valid():
            try:
                services.wave_step_request(actor=request.user, wave=obj, step="close", reason=form.cleaned_data["reason"],
                                           now=timezone.now())
            except ValidationFailed as exc:
                apply_error(form, exc)
            except SisnakerError as exc:
                messages.error(request, str(exc.message))
                return redirect("prakerja:wave", wave_id=obj.pk)
            else:
                _step_asked(request, obj, "close")
                return redirect("prakerja:wave", wave_id=obj.pk)
        status = 400
    preview = selectors.close_preview(obj)
    effects = domain.close_effects(lapse=preview["lapse"], check=preview["check"], review=preview["review"],
                                   closes_on=obj.closes_on, today=today)
    return render(request, "prakerja/wave_close.html", {
        "wave": obj, "form": form, "effects": [str(e) for e in effects], "preview": preview,
        "reason_needed": str(reason_needed) if reason_needed else "",
    }, status=status)


@login_required
@require_POST
def wave_draw(request: HttpRequest, wave_id: int) -> HttpResponse:
    _pmo(request)
    return _background_step(request, _wave(wave_id), "draw")


@login_required
@require_POST
def cards_expire(request: HttpRequest) -> HttpResponse:
    """Return now the balances whose purchase deadline is over (what the hourly job does)."""
    _pmo(request)
    try:
        counts = services.cards_expire(actor=request.user, today=timezone.localdate(), now=timezone.now())
    except SisnakerError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(n)d kartu kedaluwarsa; saldo dikembalikan: Rp%(amount)s.")
                         % {"n": counts["expired"], "amount": f"{counts['amount']:,}".replace(",", ".")})
    return redirect("prakerja:pmo")


@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    _pmo(request, "prakerja.review")
    return render(request, "prakerja/reviews.html", {"applications": selectors.review_list(), "form": ReviewForm()})


@login_required
@require_POST
def review_decide(request: HttpRequest, application_id: int) -> HttpResponse:
    _pmo(request, "prakerja.review")
    app = selectors.review_get(application_id)
    if app is None:
        raise NotFound(Msg("Pendaftaran ini tidak menunggu pemeriksaan.", "This application is not waiting for a check."))
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.application_review(actor=request.user, application=app, accept=form.cleaned_data["decision"] == "accept",
                                        note=form.cleaned_data["note"], now=timezone.now())
        except SisnakerError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Keputusan disimpan."))
    else:
        messages.error(request, _("Pilih terima atau tolak."))
    return redirect("prakerja:reviews")


@login_required
def exclusions(request: HttpRequest) -> HttpResponse:
    _pmo(request)
    form = ExclusionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            done = services.exclusions_import(actor=request.user, category=form.cleaned_data["category"], file_name=upload.name,
                                              data=upload.read(), now=timezone.now())
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            return redirect("prakerja:exclusion_report", import_id=done.pk)
    return render(request, "prakerja/exclusions.html", {"form": form, "imports": selectors.exclusion_imports(),
                                                        "labels": domain.ExclusionCategory.LABELS})


@login_required
def exclusion_report(request: HttpRequest, import_id: int) -> HttpResponse:
    _pmo(request)
    done = selectors.exclusion_import_get(import_id)
    if done is None:
        raise NotFound(Msg("Impor tidak ditemukan.", "Import not found."))
    return render(request, "prakerja/exclusion_report.html", {"import": done,
                                                              "label": domain.ExclusionCategory.LABELS[done.category]})


# --- curation (issue 11) ------------------------------------------------------------------------------------------

CURATION_ACTION = {1: "prakerja.curate_stage1", 2: "prakerja.curate_stage2"}


@login_required
def curation(request: HttpRequest, stage: int) -> HttpResponse:
    """The worklist of one curation stage: stage 1 for ministry curators, stage 2 for PMO officers."""
    if stage not in CURATION_ACTION:
        raise NotFound(Msg("Tahap kurasi tidak dikenal.", "Unknown curation stage."))
    require(request.user, CURATION_ACTION[stage])
    return render(request, "prakerja/curation.html", {"stage": stage, "entries": selectors.curation_worklist(stage),
                                                      "form": CurationForm()})


@login_required
@require_POST
def curation_decide(request: HttpRequest, stage: int, entry_id: int) -> HttpResponse:
    if stage not in CURATION_ACTION:
        raise NotFound(Msg("Tahap kurasi tidak dikenal.", "Unknown curation stage."))
    require(request.user, CURATION_ACTION[stage])
    entry = selectors.entry_get(entry_id)
    if entry is None:
        raise NotFound(Msg("Pengajuan tidak ditemukan.", "Proposal not found."))
    form = CurationForm(request.POST)
    if form.is_valid():
        try:
            purchases.catalogue_decide(actor=request.user, entry=entry, stage=stage, accept=form.cleaned_data["decision"] == "accept",
                                       note=form.cleaned_data["note"], now=timezone.now())
        except SisnakerError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Keputusan disimpan."))
    else:
        messages.error(request, _("Pilih terima atau tolak."))
    return redirect("prakerja:curation", stage=stage)


# --- the citizen buys (Sisnaker as a platform) --------------------------------------------------------------------

@login_required
@require_POST
def buy(request: HttpRequest, program_id: int) -> HttpResponse:
    person = getattr(request.user, "person", None)
    form = BuyForm(request.POST)
    card = selectors.card_of_holder(person, form.data.get("card", "")) if form.is_valid() else None
    program = Program.objects.filter(pk=program_id).first()
    if card is None or program is None:
        raise NotFound(Msg("Kartu atau pelatihan tidak ditemukan.", "Card or training not found."))
    purchase = purchases.purchase_request(actor=request.user, card=card, program=program, platform_code="",
                                          idempotency_key=form.cleaned_data["key"], now=timezone.now())
    purchase.refresh_from_db()
    if purchase.status == domain.PurchaseStatus.REFUSED:
        messages.error(request, str(purchases.refusal_message(purchase.refusal)))
    else:
        messages.success(request, _("Pembelian dikirim ke PMO. Kode voucher tampil di sini setelah disetujui."))
    return redirect("prakerja:mine")


@login_required
@require_POST
def purchase_cancel(request: HttpRequest, purchase_id: int) -> HttpResponse:
    purchase = selectors.purchase_of_holder(getattr(request.user, "person", None), purchase_id)
    if purchase is None:
        raise NotFound(Msg("Pembelian tidak ditemukan.", "Purchase not found."))
    purchases.purchase_cancel(actor=request.user, purchase=purchase, reason=request.POST.get("reason", ""), now=timezone.now())
    messages.success(request, _("Pembelian dibatalkan; saldo dikembalikan."))
    return redirect("prakerja:mine")


@login_required
@require_POST
def purchase_consent(request: HttpRequest, purchase_id: int) -> HttpResponse:
    """The holder, logged in, confirms a partner platform's purchase that waits for their consent (no code needed:
    they are on their own account)."""
    purchase = selectors.purchase_of_holder(getattr(request.user, "person", None), purchase_id)
    if purchase is None:
        raise NotFound(Msg("Pembelian tidak ditemukan.", "Purchase not found."))
    purchases.purchase_consent(actor=request.user, purchase=purchase, now=timezone.now())
    messages.success(request, _("Pembelian disetujui dan dikirim ke PMO. Kode voucher tampil di sini setelah disetujui."))
    return redirect("prakerja:mine")


# --- the institution: proposals, vouchers, redeem codes, completion ------------------------------------------------

def _institution(request: HttpRequest, institution_id: int) -> Institution:
    institution = Institution.objects.filter(pk=institution_id).first()
    if institution is None or not can(request.user, "prakerja.redeem", institution):
        raise NotFound(Msg("Lembaga tidak ditemukan.", "Institution not found."))
    return institution


@login_required
def institution(request: HttpRequest, institution_id: int) -> HttpResponse:
    """The manager's Prakerja desk: propose programs for the catalogue, exchange a voucher for redeem codes, ask or
    use a redeem code, report attendance and completion."""
    inst = _institution(request, institution_id)
    now = timezone.now()
    context = {"inst": inst, "code_form": CodeForm(), "voucher_form": CodeForm(prefix="v"), "propose_form": ProposeForm()}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    try:
        if action == "propose":
            form = ProposeForm(request.POST)
            context["propose_form"] = form
            if form.is_valid():
                program = Program.objects.filter(pk=form.cleaned_data["program"], institution=inst).first()
                if program is None:
                    raise NotFound(Msg("Program tidak ditemukan.", "Program not found."))
                purchases.catalogue_propose(actor=request.user, program=program, price=form.cleaned_data["price"],
                                            course_type=form.cleaned_data["course_type"], sessions=form.cleaned_data["sessions"], now=now)
                messages.success(request, _("Program diajukan ke kurator."))
                return redirect("prakerja:institution", institution_id=inst.pk)
        elif action == "voucher":
            form = CodeForm(request.POST, prefix="v")
            context["voucher_form"] = form
            if form.is_valid():
                context["redeem_codes"] = purchases.voucher_exchange(actor=request.user, institution=inst,
                                                                     voucher_code=form.cleaned_data["code"], now=now)
        elif action in ("status", "commit", "present", "absent", "complete"):
            form = CodeForm(request.POST)
            context["code_form"] = form
            if form.is_valid():
                code, sequence = form.cleaned_data["code"], form.cleaned_data["sequence"]
                if action == "status":
                    context["answer"] = purchases.redeem_status(actor=request.user, institution=inst, code=code, sequence=sequence, now=now)
                elif action == "commit":
                    context["answer"] = purchases.redeem_commit(actor=request.user, institution=inst, code=code, sequence=sequence, now=now)
                    messages.success(request, _("Kode redeem dipakai."))
                elif action == "complete":
                    purchases.completion_report(actor=request.user, institution=inst, code=code, now=now)
                    messages.success(request, _("Penyelesaian pelatihan dilaporkan."))
                else:
                    context["answer"] = purchases.attendance_report(actor=request.user, institution=inst, code=code, sequence=sequence,
                                                                    present=action == "present", now=now)
                    messages.success(request, _("Kehadiran dilaporkan."))
    except SisnakerError as exc:
        messages.error(request, f"{exc.message} ({exc.code})")
    context.update(programs=selectors.institution_catalogue(inst.pk), purchases=selectors.institution_purchases(inst.pk))
    return render(request, "prakerja/institution.html", context)
