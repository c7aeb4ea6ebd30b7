"""Placement pages for employers, vacancies and applications: company registration and the employer's page,
the regency office's vetting queue, vacancy drafts and their lifecycle, the public search at /lowongan/ and a
vacancy's page, applying, applicants and their stages, and the citizen's "Lamaran saya".

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

from sisnaker.core.errors import Msg, PermissionDenied, SisnakerError
from sisnaker.core.pages import apply_error
from sisnaker.core.permissions import can, require

from .. import domain, selectors, services
from ..forms import (
    ApplyForm,
    CompanyEditForm,
    CompanyForm,
    CompanyHandOverForm,
    CompanyReviewForm,
    CompanyStaffForm,
    MoveForm,
    SearchForm,
    VacancyFillForm,
    VacancyForm,
)

# --- companies ---------------------------------------------------------------------------------------

def _company_data(form: CompanyForm) -> services.CompanyData:
    d = form.cleaned_data
    district = d["location"]
    return services.CompanyData(name=d["name"], nib=d["nib"], sector=d["sector"], regency=district.regency, district=district,
                                address=d["address"], contact_name=d["contact_name"], phone=d["phone"], email=d["email"])


@login_required
def company_register(request: HttpRequest) -> HttpResponse:
    require(request.user, "company.register")
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company = services.company_register(actor=request.user, data=_company_data(form), now=timezone.now())
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Perusahaan %(name)s terdaftar dan menunggu persetujuan Disnaker kabupaten/kota.")
                             % {"name": company.name})
            return redirect("placement:company_mine")
    return render(request, "placement/company_register.html", {"form": form})


@login_required
def company_mine(request: HttpRequest) -> HttpResponse:
    """The employer's companies: status, vacancies, staff."""
    rows = []
    for company in selectors.my_companies(user=request.user):
        rows.append({"company": company, "vacancies": selectors.company_vacancies(company),
                     "staff": selectors.company_staff(company), "blocker": domain.company_public_blocker(company.status),
                     "may_add_staff": can(request.user, "company.manage_staff", company),
                     "may_remove_staff": can(request.user, "company.remove_staff", company),
                     "may_hand_over": can(request.user, "company.hand_over", company),
                     "may_leave": company.manager_id != request.user.pk and can(request.user, "company.leave", company)})
    return render(request, "placement/company_mine.html", {"rows": rows, "staff_form": CompanyStaffForm(),
                                                           "hand_over_form": CompanyHandOverForm()})


def _company_initial(company) -> dict:
    return {"name": company.name, "nib": company.nib, "sector": company.sector,
            "location": company.district_id or company.regency_id, "address": company.address,
            "contact_name": company.contact_name, "phone": company.phone, "email": company.email}


@login_required
def company_edit(request: HttpRequest, company_id: int) -> HttpResponse:
    """Its staff change the company's data (``services.company_update``): a rejected company's is its
    resubmission; a change of an approved company's name, NIB or regency needs the confirmation box and sends it
    back to the regency office."""
    company = selectors.company_for(viewer=request.user, company_id=company_id)
    require(request.user, "company.edit", company)
    form = CompanyEditForm(request.POST or None, initial=_company_initial(company))
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.company_update(actor=request.user, company_id=company.pk, data=_company_data(form),
                                              confirm_review=form.cleaned_data["confirm_review"], now=timezone.now())
        except SisnakerError as exc:
            if exc.http_status in (403, 404):
                raise
            apply_error(form, exc)
        else:
            if updated.status == domain.CompanyStatus.PENDING and company.status != domain.CompanyStatus.PENDING:
                messages.warning(request, _("Data disimpan. Perusahaan menunggu pemeriksaan ulang Disnaker kabupaten/kota; "
                                            "lowongannya tidak tayang sampai disetujui."))
            else:
                messages.success(request, _("Data perusahaan disimpan."))
            return redirect("placement:company_mine")
    return render(request, "placement/company_edit.html", {
        "form": form, "company": company, "identity_checked": company.status in (domain.CompanyStatus.APPROVED,
                                                                               domain.CompanyStatus.SUSPENDED),
    }, status=400 if request.method == "POST" else 200)


def _staff_step(request: HttpRequest, step, done: str) -> bool:
    """Run one staff service from "Perusahaan saya" and say how it went on that page: a refusal's message (a 403
    still raises: the error page), or ``done``. True when it was done."""
    try:
        step()
    except SisnakerError as exc:
        if exc.http_status == 403:
            raise
        messages.error(request, str(exc.message))
        return False
    messages.success(request, done)
    return True


@login_required
@require_POST
def company_remove_staff(request: HttpRequest, company_id: int, user_id: int) -> HttpResponse:
    _staff_step(request, lambda: services.company_remove_staff(actor=request.user, company_id=company_id, user_id=user_id,
                                                              now=timezone.now()),
                _("Staf dikeluarkan; aksesnya ke perusahaan berakhir sekarang."))
    return redirect("placement:company_mine")


@login_required
@require_POST
def company_leave(request: HttpRequest, company_id: int) -> HttpResponse:
    """A staff member leaves the company by themselves (not the manager: a message says to hand over first)."""
    _staff_step(request, lambda: services.company_leave(actor=request.user, company_id=company_id, now=timezone.now()),
                _("Anda telah keluar dari perusahaan; akses Anda ke perusahaan itu berakhir sekarang."))
    return redirect("placement:company_mine")


@login_required
@require_POST
def company_hand_over(request: HttpRequest, company_id: int) -> HttpResponse:
    form = CompanyHandOverForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih staf yang akan menjadi pengelola."))
        return redirect("placement:company_mine")
    done = _staff_step(request, lambda: services.company_hand_over(
        actor=request.user, company_id=company_id, to_user_id=form.cleaned_data["user"], leave=form.cleaned_data["leave"],
        now=timezone.now()), _("Peran pengelola diserahkan."))
    return redirect("web:home" if done and form.cleaned_data["leave"] else "placement:company_mine")


@login_required
@require_POST
def company_add_staff(request: HttpRequest, company_id: int) -> HttpResponse:
    form = CompanyStaffForm(request.POST)
    if form.is_valid():
        ident = form.cleaned_data["identifier"].strip()
        kwargs = {"email": ident} if "@" in ident else {"phone": ident} if ident.lstrip("+").isdigit() else {"username": ident}
        _staff_step(request, lambda: services.company_add_staff(actor=request.user, company_id=company_id,
                                                               now=timezone.now(), **kwargs), _("Staf ditambahkan."))
    else:
        messages.error(request, _("Isi nama pengguna, e-mail, atau nomor HP akun."))
    return redirect("placement:company_mine")


@login_required
def company_queue(request: HttpRequest) -> HttpResponse:
    return render(request, "placement/company_queue.html", {"companies": selectors.company_queue(viewer=request.user)})


@login_required
def company_detail(request: HttpRequest, company_id: int) -> HttpResponse:
    company = selectors.company_for(viewer=request.user, company_id=company_id)
    return render(request, "placement/company_detail.html", _company_context(request, company, CompanyReviewForm()))


def _company_context(request, company, form) -> dict:
    return {"company": company, "form": form, "may_review": can(request.user, "company.review", company),
            "actions": [a for a in domain.COMPANY_REVIEW_ACTIONS if domain.company_next_status(action=a, status=company.status)],
            "sector_title": dict(domain.KBLI_SECTIONS).get(company.sector, "")}


@login_required
@require_POST
def company_review(request: HttpRequest, company_id: int) -> HttpResponse:
    form = CompanyReviewForm(request.POST)
    if form.is_valid():
        try:
            company = services.company_review(actor=request.user, company_id=company_id, action=form.cleaned_data["action"],
                                              reason=form.cleaned_data["reason"], now=timezone.now())
        except SisnakerError as exc:
            if exc.http_status in (403, 404):
                raise
            apply_error(form, exc)
        else:
            messages.success(request, _("Keputusan dicatat: %(status)s.") % {"status": company.get_status_display()})
            return redirect("placement:company_detail", company_id=company.pk)
    company = selectors.company_for(viewer=request.user, company_id=company_id)
    return render(request, "placement/company_detail.html", _company_context(request, company, form), status=400)


# --- vacancies (employer) ----------------------------------------------------------------------------

def _vacancy_form(request, *, initial=None, regency=None) -> VacancyForm:
    return VacancyForm(request.POST or None, initial=initial, regency=regency, occupations=selectors.occupations_choices(),
                       fields=selectors.vocational_field_choices())


def _vacancy_data(form: VacancyForm) -> services.VacancyData:
    d = form.cleaned_data
    fields = domain.VacancyInput(
        title=d["title"], openings=d["openings"], opens_on=d["opens_on"], closes_on=d["closes_on"], skills=d["skills"],
        work_type=d["work_type"], sex=d["sex"], age_min=d["age_min"], age_max=d["age_max"], min_education=d["min_education"] or "",
        experience_years=d["experience_years"] or 0, wage_min=d["wage_min"], wage_max=d["wage_max"],
        wage_negotiable=d["wage_negotiable"], description=d["description"])
    return services.VacancyData(fields=fields, regency=d["regency_obj"], occupation_code=d["occupation"],
                                vocational_field=selectors.vocational_field_get(d["vocational_field"]), unit_codes=d["unit_codes"])


@login_required
def vacancy_create(request: HttpRequest, company_id: int) -> HttpResponse:
    company = selectors.company_for(viewer=request.user, company_id=company_id)
    require(request.user, "vacancy.manage", company)
    today = timezone.localdate()
    form = _vacancy_form(request, regency=company.regency, initial={"opens_on": today, "experience_years": 0})
    if request.method == "POST" and form.is_valid():
        try:
            vacancy = services.vacancy_create(actor=request.user, company_id=company.pk, data=_vacancy_data(form), now=timezone.now())
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Draf lowongan disimpan."))
            return redirect("jobs:detail", vacancy_id=vacancy.pk)
    return render(request, "placement/vacancy_form.html", {"form": form, "company": company})


@login_required
def vacancy_edit(request: HttpRequest, vacancy_id: int) -> HttpResponse:
    vacancy = selectors.vacancy_for_manager(viewer=request.user, vacancy_id=vacancy_id)
    initial = {name: getattr(vacancy, name) for name in (
        "title", "openings", "opens_on", "closes_on", "work_type", "sex", "age_min", "age_max", "min_education", "experience_years",
        "skills", "description", "wage_min", "wage_max", "wage_negotiable")}
    initial |= {"occupation": vacancy.occupation_id, "vocational_field": vacancy.vocational_field_id or "",
                "competency_units": ", ".join(vacancy.competency_units.values_list("code", flat=True))}
    form = _vacancy_form(request, initial=initial, regency=vacancy.regency)
    if request.method == "POST" and form.is_valid():
        try:
            services.vacancy_update(actor=request.user, vacancy_id=vacancy.pk, data=_vacancy_data(form), now=timezone.now())
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Lowongan disimpan."))
            return redirect("jobs:detail", vacancy_id=vacancy.pk)
    return render(request, "placement/vacancy_form.html", {"form": form, "company": vacancy.company, "vacancy": vacancy})


@login_required
@require_POST
def vacancy_status(request: HttpRequest, vacancy_id: int, action: str) -> HttpResponse:
    """Publish, close, or report filled (with the number filled)."""
    now = timezone.now()
    try:
        if action == "publish":
            services.vacancy_publish(actor=request.user, vacancy_id=vacancy_id, now=now)
        elif action == "close":
            services.vacancy_close(actor=request.user, vacancy_id=vacancy_id, now=now)
        elif action == "fill":
            form = VacancyFillForm(request.POST)
            filled = form.cleaned_data["filled"] if form.is_valid() else None
            services.vacancy_fill(actor=request.user, vacancy_id=vacancy_id, filled=filled if filled is not None else -1, now=now)
        else:
            selectors.vacancy_for_manager(viewer=request.user, vacancy_id=vacancy_id)
            messages.error(request, _("Tindakan tidak dikenal."))
            return redirect("jobs:detail", vacancy_id=vacancy_id)
    except SisnakerError as exc:
        if exc.http_status in (403, 404):
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Status lowongan diubah."))
    return redirect("jobs:detail", vacancy_id=vacancy_id)


@login_required
def vacancy_applicants(request: HttpRequest, vacancy_id: int) -> HttpResponse:
    vacancy, rows = selectors.applicants(viewer=request.user, vacancy_id=vacancy_id)
    items = [{"app": a, "actions": domain.actions_from(a.stage)} for a in rows]
    return render(request, "placement/vacancy_applicants.html", {"vacancy": vacancy, "items": items, "today": timezone.localdate()})


@login_required
@require_POST
def application_move(request: HttpRequest, application_id: int) -> HttpResponse:
    form = MoveForm(request.POST)
    # A refusal goes back to the applicants page it came from (it went to the citizen's "Lamaran saya", a 403 for staff);
    # only for whoever may see that page: anyone else learnt from the redirect which applications exist and where.
    vacancy_id = selectors.vacancy_of_application(application_id=application_id, viewer=request.user)
    back = redirect("placement:vacancy_applicants", vacancy_id=vacancy_id) if vacancy_id else redirect("placement:company_mine")
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors) or _("Tindakan atau tanggal tidak sah."))
        return back
    d = form.cleaned_data
    try:
        app = services.application_move(actor=request.user, application_id=application_id, action=d["action"], note=d["note"],
                                        start_date=d["start_date"], now=timezone.now())
    except SisnakerError as exc:
        if exc.http_status in (403, 404):
            raise
        messages.error(request, str(exc.message))
        return back
    messages.success(request, _("Tahap lamaran: %(stage)s.") % {"stage": app.get_stage_display()})
    return redirect("placement:vacancy_applicants", vacancy_id=app.vacancy_id)


# --- public search, vacancy page, applying ----------------------------------------------------------

def vacancy_search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None, occupations=selectors.occupations_choices(), fields=selectors.vocational_field_choices())
    params = selectors.SearchParams(**form.params())
    paginator, page = selectors.search_page(params, today=timezone.localdate(), page=request.GET.get("page"))
    return render(request, "placement/vacancy_search.html", {"form": form, "page": page, "paginator": paginator})


def vacancy_detail(request: HttpRequest, vacancy_id: int) -> HttpResponse:
    page = selectors.vacancy_page(viewer=request.user, vacancy_id=vacancy_id, today=timezone.localdate())
    return render(request, "placement/vacancy_detail.html", {"page": page, "vacancy": page.vacancy, "apply_form": ApplyForm(),
                                                             "fill_form": VacancyFillForm(), "sexes": dict(domain.SEX_REQUIREMENTS)})


@login_required
@require_POST
def vacancy_apply(request: HttpRequest, vacancy_id: int) -> HttpResponse:
    form = ApplyForm(request.POST)
    note = form.cleaned_data["cover_note"] if form.is_valid() else ""
    try:
        application = services.application_submit(actor=request.user, vacancy_id=vacancy_id, cover_note=note, now=timezone.now())
    except SisnakerError as exc:
        if exc.http_status in (403, 404):
            raise
        messages.error(request, str(exc.message))
        return redirect("jobs:detail", vacancy_id=vacancy_id)
    if application.ak1_card_id is not None:
        messages.success(request, _("Lamaran terkirim. Kartu AK/1 dan sertifikat Anda terlampir dengan sendirinya."))
    else:
        messages.success(request, _("Lamaran terkirim dengan sertifikat Anda, tanpa kartu AK/1 karena Anda belum punya yang "
                                    "berlaku."))
        messages.warning(request, _("Ajukan kartu AK/1 (kartu pencari kerja) di menu Kartu AK/1: perusahaan mencari kandidat "
                                    "di antara pemegang kartu yang berlaku."))
    return redirect("placement:my_applications")


NOT_A_CITIZEN = Msg("Lamaran dikirim dari akun warga yang terdaftar dengan NIK.",
                    "Applications are sent from a citizen account registered with a NIK.")


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    """"Lamaran saya": the citizen's applications and their stage."""
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied(NOT_A_CITIZEN)
    require(request.user, "application.apply_own", person)
    return render(request, "placement/my_applications.html", {"applications": selectors.my_applications(user=request.user)})
