"""Posko pages: the list of one's poskos with their counts, opening a posko, a posko's page (counts, outcomes, the people
recorded lately), recording a citizen, an assisted citizen's page (apply to a training), a Prakerja application.

Pages parse and call one service or selector; refusals rise as ``core.errors.SisnakerError`` (the error page) or go on
the form (``core.pages.apply_error``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sisnaker.accounts.services import ProvisionalPerson
from sisnaker.core.errors import Msg, NotFound, PermissionDenied, SisnakerError
from sisnaker.core.pages import apply_error
from sisnaker.core.permissions import require
from sisnaker.prakerja import selectors as prakerja_selectors
from sisnaker.prakerja.services import ApplicationData

from . import selectors, services
from .domain import CONSENT_TEXT
from .forms import ApplyTrainingForm, PoskoForm, PrakerjaForm, RegisterPersonForm

NO_POSKO_SCOPE = Msg("Posko dibuka oleh petugas Disnaker (di wilayahnya) atau pengelola lembaga pelatihan yang disetujui.",
                     "A posko is opened by a manpower officer (in their area) or the manager of an approved training institution.")


@login_required
def posko_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.poskos_for(viewer=request.user, now=timezone.now())
    regencies, institutions = selectors.create_options(viewer=request.user)
    return render(request, "posko/list.html", {"rows": rows, "can_create": regencies.exists() or institutions.exists()})


@login_required
def posko_create(request: HttpRequest) -> HttpResponse:
    regencies, institutions = selectors.create_options(viewer=request.user)
    if not (regencies.exists() or institutions.exists()):
        raise PermissionDenied(NO_POSKO_SCOPE)
    form = PoskoForm(request.POST or None, regencies=regencies, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            posko = services.posko_create(actor=request.user, now=timezone.now(), data=services.PoskoData(
                name=d["name"], kind=d["kind"], regency=d["regency"], institution=d["institution"], address=d["address"]))
        except SisnakerError as exc:
            if exc.http_status == 403:  # a permission refusal rises to the error page
                raise
            apply_error(form, exc)
        else:
            messages.success(request, _("Posko dibuat."))
            return redirect("posko:detail", posko_id=posko.pk)
    return render(request, "posko/form.html", {"form": form})


@login_required
def posko_detail(request: HttpRequest, posko_id: int) -> HttpResponse:
    page = selectors.posko_page(viewer=request.user, posko_id=posko_id, now=timezone.now())
    return render(request, "posko/detail.html", {"page": page, "posko": page.posko})


@login_required
@require_POST
def posko_status(request: HttpRequest, posko_id: int) -> HttpResponse:
    posko = selectors.get_posko(posko_id)
    active = request.POST.get("active") == "1"
    services.posko_set_active(actor=request.user, posko=posko, active=active)
    messages.success(request, _("Posko dibuka kembali.") if active else _("Posko ditutup."))
    return redirect("posko:detail", posko_id=posko.pk)


def _serving_posko(request: HttpRequest, posko_id: int):
    posko = selectors.get_posko(posko_id)
    require(request.user, "person.register_assisted", posko)
    return posko


@login_required
def register(request: HttpRequest, posko_id: int) -> HttpResponse:
    """The officer records a citizen who came to the posko, with their consent."""
    posko = _serving_posko(request, posko_id)
    form = RegisterPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = ProvisionalPerson(nik=d["nik"], full_name=d["full_name"], birth_date=d["birth_date"], sex=d["sex"],
                                 education=d["education"], domicile_district=d["domicile"], phone=d["phone"],
                                 email=d["email"], address=d["address"], has_disability=d["has_disability"],
                                 disability_kind=d["disability_kind"])
        try:
            assistance = services.assistance_register_person(actor=request.user, posko=posko, data=data,
                                                             consent=form.consent_value(), now=timezone.now())
        except SisnakerError as exc:
            if exc.http_status in (403, 404):
                raise
            apply_error(form, exc, fields={"domicile_district": "domicile"})
        else:
            if assistance.record_outcome == "linked":
                messages.success(request, _("Data warga cocok dengan data terdaftar; bantuan dicatat di posko."))
            else:
                messages.success(request, _("Data warga dicatat (sementara, sampai warga mendaftar sendiri dengan NIK-nya)."))
            return redirect("posko:assisted", posko_id=posko.pk, assistance_id=assistance.pk)
    return render(request, "posko/register.html", {"posko": posko, "form": form, "consent_text": CONSENT_TEXT})


@login_required
def assisted(request: HttpRequest, posko_id: int, assistance_id: int) -> HttpResponse:
    page = selectors.assisted_page(viewer=request.user, posko_id=posko_id, assistance_id=assistance_id, now=timezone.now())
    return render(request, "posko/assisted.html", {
        "page": page, "posko": page.posko, "consent_text": CONSENT_TEXT,
        "form": ApplyTrainingForm(programs=page.programs)})


@login_required
@require_POST
def apply_training(request: HttpRequest, posko_id: int, assistance_id: int) -> HttpResponse:
    page = selectors.assisted_page(viewer=request.user, posko_id=posko_id, assistance_id=assistance_id, now=timezone.now())
    form = ApplyTrainingForm(request.POST, programs=page.programs)
    if form.is_valid():
        try:
            services.assistance_apply_training(actor=request.user, posko=page.posko, assistance_id=page.assistance.pk,
                                               program_id=form.cleaned_data["program"], consent=form.consent_value(),
                                               now=timezone.now())
        except SisnakerError as exc:
            if exc.http_status == 403:
                raise
            apply_error(form, exc)
        else:
            messages.success(request, _("Warga didaftarkan pada pelatihan."))
            return redirect("posko:assisted", posko_id=page.posko.pk, assistance_id=page.assistance.pk)
    return render(request, "posko/assisted.html", {"page": page, "posko": page.posko, "consent_text": CONSENT_TEXT,
                                                   "form": form}, status=400)


@login_required
def apply_prakerja(request: HttpRequest, posko_id: int, wave_id: int) -> HttpResponse:
    """A Kartu Prakerja application typed with the citizen at the posko; the citizen reads out the two codes on
    Prakerja's own code page."""
    posko = _serving_posko(request, posko_id)
    wave = next((w for w in prakerja_selectors.open_waves(timezone.localdate()) if w.pk == wave_id), None)
    if wave is None:
        raise NotFound(Msg("Gelombang Prakerja ini tidak sedang dibuka.", "This Prakerja wave is not open."))
    form = PrakerjaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = ApplicationData(nik=d["nik"], kk_number=d["kk_number"], full_name=d["full_name"], birth_date=d["birth_date"],
                               sex=d["sex"], education=d["education"], in_formal_education=d["in_formal_education"],
                               has_disability=d["has_disability"], domicile_district=d["domicile"], phone=d["phone"],
                               email=d["email"], statement=d["statement"])
        try:
            _assistance, token = services.assistance_apply_prakerja(actor=request.user, posko=posko, wave=wave, data=data,
                                                                    consent=form.consent_value(), now=timezone.now())
        except SisnakerError as exc:
            if exc.http_status == 403:
                raise
            apply_error(form, exc, fields={"domicile_district": "domicile"})
        else:
            return redirect("prakerja:confirm", token=token)
    return render(request, "posko/prakerja.html", {"posko": posko, "wave": wave, "form": form, "consent_text": CONSENT_TEXT})
