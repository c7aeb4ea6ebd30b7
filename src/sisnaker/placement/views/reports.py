"""Placements reported outside a hire: the company's placements page (its hires and its own reports; report a person
who works there; "no longer works here"), the alumnus's own work status ("Kerja saya", signed in), and the same page
opened from the personal link of a reminder (``/l/…``: no log-in, the link's one training).

Pages parse and call one service or selector; refusals rise as ``core.errors.SisnakerError`` (the error page) or go
on the form (``core.pages.apply_error``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sisnaker.certification.pages import LINK_CODES, link_page  # the personal link's pages answer alike
from sisnaker.certification.services.links import session_holder
from sisnaker.core.errors import SisnakerError
from sisnaker.core.pages import apply_error

from .. import domain, selectors, services
from ..forms import AlumnusReportForm, EmployerReportForm, PlacementEndForm

# --- the company's placements ------------------------------------------------------------------------------------

@login_required
def company_placements(request: HttpRequest, company_id: int) -> HttpResponse:
    company, rows = selectors.company_placements(viewer=request.user, company_id=company_id)
    form = EmployerReportForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                placement = services.placement_report(actor=request.user, company_id=company.pk, now=timezone.now(),
                                                      data=services.EmployerReport(
                                                          nik=d["nik"], full_name=d["full_name"], birth_date=d["birth_date"],
                                                          position=d["position"], start_date=d["start_date"], sector=d["sector"],
                                                          overseas=d["overseas"]))
            except SisnakerError as exc:
                if exc.http_status == 403:
                    raise
                apply_error(form, exc)  # "no match" (404), a duplicate, too many attempts: on the form
            else:
                messages.success(request, _("Penempatan %(name)s tercatat.") % {"name": placement.person.full_name})
                return redirect("placement:company_placements", company_id=company.pk)
        company, rows = selectors.company_placements(viewer=request.user, company_id=company_id)
    return render(request, "placement/company_placements.html", {
        "company": company, "rows": rows, "form": form, "end_form": PlacementEndForm(), "today": timezone.localdate(),
        "sources": dict(domain.PlacementSource.CHOICES),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def placement_end(request: HttpRequest, placement_id: int) -> HttpResponse:
    form = PlacementEndForm(request.POST)
    end_date = form.cleaned_data["end_date"] if form.is_valid() else None
    try:
        placement = services.placement_end(actor=request.user, placement_id=placement_id, end_date=end_date, now=timezone.now())
    except SisnakerError as exc:
        if exc.http_status in (403, 404):
            raise
        messages.error(request, str(exc.message))
        return redirect("placement:company_mine")
    messages.success(request, _("Tercatat: %(name)s tidak lagi bekerja di sini sejak %(date)s.")
                     % {"name": placement.person.full_name, "date": placement.end_date.strftime("%d/%m/%Y")})
    return redirect("placement:company_placements", company_id=placement.company_id)


# --- the alumnus's own report ------------------------------------------------------------------------------------

def _report_data(d: dict) -> services.AlumnusReport:
    return services.AlumnusReport(status=d["status"], employer_name=d["employer_name"], position=d["position"],
                                  start_date=d["start_date"], sector=d["sector"], overseas=d["overseas"],
                                  previous=d["previous"] or domain.PREVIOUS_CORRECT, previous_end=d["previous_end"])


def _report(request: HttpRequest, *, actor, allowed: set[int]):
    """Handle the report form posted by the alumnus (signed in, or holding a link). Returns (form, done): the bound
    form with any refusal on it, and whether the report was recorded."""
    posted = str(request.POST.get("enrollment", ""))
    form = AlumnusReportForm(request.POST, auto_id=f"w{posted}_%s" if posted.isdigit() else "id_%s")
    if not form.is_valid():
        return form, False
    d = form.cleaned_data
    if d["enrollment"] not in allowed:
        form.add_error(None, _("Pilih salah satu pelatihan Anda yang sudah selesai."))
        return form, False
    try:
        services.outcome_report_own(actor=actor, enrollment_id=d["enrollment"], data=_report_data(d), now=timezone.now())
    except SisnakerError as exc:
        if exc.http_status == 403 or exc.code in LINK_CODES:
            raise
        apply_error(form, exc)
        return form, False
    return form, True


def _posted_for(form) -> int | None:
    value = str(form.data.get("enrollment", ""))
    return int(value) if value.isdigit() else None


def _context(rows, form, posted_for: int | None) -> dict:
    """Each training with its report form: the posted one (with its refusals) for the training it was sent for, a
    fresh one for the others (ids made unique per training)."""
    items = []
    for row in rows:
        pk = row.enrollment.pk
        if form is not None and posted_for == pk:
            row_form = form
        else:
            row_form = AlumnusReportForm(initial={"enrollment": pk, "previous": domain.PREVIOUS_CORRECT}, auto_id=f"w{pk}_%s")
        items.append({"row": row, "form": row_form, "open": form is not None and posted_for == pk})
    stray = form if form is not None and not any(i["open"] for i in items) else None  # sent for none of these trainings
    return {"items": items, "stray": stray, "sources": dict(domain.PlacementSource.CHOICES)}


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """"Kerja saya": each graduated training with what is known of the alumnus's work after it, and their report."""
    person, rows = selectors.my_work(viewer=request.user)
    form, posted_for = None, None
    if request.method == "POST":
        form, done = _report(request, actor=request.user, allowed={r.enrollment.pk for r in rows})
        if done:
            messages.success(request, _("Terima kasih! Keadaan kerja Anda tercatat."))
            return redirect("placement:my_work")
        posted_for = _posted_for(form)
        person, rows = selectors.my_work(viewer=request.user)
    return render(request, "placement/my_work.html", _context(rows, form, posted_for) | {"via_link": False},
                  status=400 if request.method == "POST" else 200)


@link_page
def link_work(request: HttpRequest) -> HttpResponse:
    """The alumnus's work status from the personal link of a reminder (no log-in): the link's own training only."""
    holder = session_holder(request.session)
    holder.check()  # revoked or expired since it was opened: the link's refusal page
    rows = selectors.work_rows(person_id=holder.person_id, enrollment_id=holder.enrollment_id)
    form, posted_for = None, None
    if request.method == "POST":
        form, done = _report(request, actor=holder, allowed={r.enrollment.pk for r in rows})
        if done:
            messages.success(request, _("Terima kasih! Keadaan kerja Anda tercatat."))
            return redirect("placement:link_work")
        posted_for = _posted_for(form)
        rows = selectors.work_rows(person_id=holder.person_id, enrollment_id=holder.enrollment_id)
    return render(request, "placement/my_work.html", _context(rows, form, posted_for) | {"via_link": True},
                  status=400 if request.method == "POST" else 200)
