"""Planning pages: the index (a region's plans, or the nation by province), a plan with its gap table (proposed vs
demand vs supply) and its lines, the lifecycle buttons, a province's roll-up, and the gap table as .xlsx/.csv.

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

from sisnaker.core.errors import Msg, SisnakerError
from sisnaker.core.pages import apply_error
from sisnaker.core.permissions import require
from sisnaker.training.models import VocationalField

from . import domain, selectors, services
from .export import gap_csv, gap_xlsx
from .forms import LineEditForm, LineForm, PlanCreateForm, ReturnForm
from .models import Plan

CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "csv": "text/csv; charset=utf-8"}


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("tahun", "")
    today = timezone.localdate()
    if raw.isdigit() and len(raw) == 4 and 2000 <= int(raw) <= 2100:
        return int(raw)
    return today.year + 1


def _alumni_years(request: HttpRequest) -> int:
    raw = request.GET.get("alumni", "")
    return int(raw) if raw.isdigit() and int(raw) in domain.ALUMNI_WINDOWS else domain.DEFAULT_ALUMNI_YEARS


def _field_choices() -> list[tuple[int, str]]:
    return list(VocationalField.objects.filter(is_active=True).order_by("name").values_list("id", "name"))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, "planning.list")
    year, today = _year(request), timezone.localdate()
    context = {"year": year, "years": sorted({today.year - 1, *domain.years_open(today), year}),
               "alumni_years": _alumni_years(request), "windows": domain.ALUMNI_WINDOWS}
    if selectors.is_national(request.user):
        rows = selectors.national_by_province(viewer=request.user, year=year, today=today,
                                              alumni_years=context["alumni_years"])
        context |= {"national": True, "provinces": rows, "total_proposed": sum(r.proposed for r in rows),
                    "total_plans": sum(r.plans for r in rows), "total_submitted": sum(r.submitted for r in rows)}
    else:
        plans = selectors.plans_visible(viewer=request.user, year=year)
        areas = selectors.own_area_choices(request.user)
        have = {p.region_code for p in plans}
        missing = [(code, name) for code, name in areas if code not in have]
        form = PlanCreateForm(areas=missing, years=domain.years_open(today),
                              initial={"year": year if year in domain.years_open(today) else None})
        context |= {"national": False, "plans": plans, "form": form if missing else None,
                    "provinces_own": [(c, n) for c, n in areas if "." not in c]}
    return render(request, "planning/index.html", context)


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    # The office of exactly the area asked for (the form's choices are the viewer's own offices anyway).
    require(request.user, "planning.propose", services.Area(str(request.POST.get("region", ""))[:8]))
    today = timezone.localdate()
    form = PlanCreateForm(request.POST, areas=selectors.own_area_choices(request.user), years=domain.years_open(today))
    if form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, region_code=form.cleaned_data["region"],
                                        year=form.cleaned_data["year"], now=timezone.now())
        except SisnakerError as exc:
            if exc.http_status == 403:
                raise
            apply_error(form, exc)
        else:
            messages.success(request, _("Usulan %(region)s tahun %(year)s dibuat. Tambahkan kejuruan prioritasnya.")
                             % {"region": plan.region_name, "year": plan.year})
            return redirect("planning:plan", plan_id=plan.pk)
    plans = selectors.plans_visible(viewer=request.user)
    return render(request, "planning/index.html", {
        "year": today.year + 1, "years": domain.years_open(today), "national": False, "plans": plans, "form": form,
        "alumni_years": domain.DEFAULT_ALUMNI_YEARS, "windows": domain.ALUMNI_WINDOWS,
        "provinces_own": [(c, n) for c, n in selectors.own_area_choices(request.user) if "." not in c]}, status=400)


def _detail(request: HttpRequest, plan: Plan, *, line_form: LineForm | None = None, edit_forms: dict | None = None,
            return_form: ReturnForm | None = None, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    alumni_years = _alumni_years(request)
    table = selectors.plan_gap_table(plan=plan, today=today, alumni_years=alumni_years)
    facts = selectors.plan_facts(viewer=request.user, plan=plan, today=today)
    editing = facts.may_propose and plan.is_editable
    fields = _field_choices() if editing else []
    in_plan = {r.field_id for r in table.rows if r.line_id}
    edit_forms = edit_forms or {}
    rows = [{"row": r, "edit": edit_forms.get(r.line_id) or (LineEditForm(initial={"people": r.proposed, "reason": r.reason},
                                                                       prefix=f"l{r.line_id}") if editing and r.line_id else None)}
            for r in table.rows]
    return render(request, "planning/plan.html", {
        "plan": plan, "table": table, "rows": rows, "facts": facts, "editing": editing,
        "line_form": line_form or (LineForm(fields=[f for f in fields if f[0] not in in_plan]) if editing else None),
        "return_form": return_form or (ReturnForm() if "return" in facts.actions else None),
        "windows": domain.ALUMNI_WINDOWS, "alumni_years": alumni_years}, status=status)


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _detail(request, selectors.plan_get(viewer=request.user, plan_id=plan_id))


@login_required
@require_POST
def line_add(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(viewer=request.user, plan_id=plan_id)
    form = LineForm(request.POST, fields=_field_choices())
    if form.is_valid():
        d = form.cleaned_data
        try:
            line = services.plan_line_add(actor=request.user, plan_id=plan.pk, field_id=d["vocational_field"],
                                          people=d["people"], reason=d["reason"], now=timezone.now())
        except SisnakerError as exc:
            if exc.http_status in (403, 404):
                raise
            apply_error(form, exc)
        else:
            messages.success(request, _("Kejuruan %(field)s ditambahkan: %(n)s orang.")
                             % {"field": line.vocational_field.name, "n": line.people})
            return redirect("planning:plan", plan_id=plan.pk)
    return _detail(request, plan, line_form=form, status=400)


@login_required
@require_POST
def line_edit(request: HttpRequest, line_id: int) -> HttpResponse:
    from .models import PlanLine

    line = PlanLine.objects.filter(pk=line_id).only("plan_id").first()
    if line is None:
        raise services.NotFound(services.LINE_NOT_FOUND, code=services.Code.LINE_NOT_FOUND)
    plan = selectors.plan_get(viewer=request.user, plan_id=line.plan_id)
    if "hapus" in request.POST:
        services.plan_line_remove(actor=request.user, line_id=line_id, now=timezone.now())
        messages.success(request, _("Kejuruan dihapus dari usulan."))
        return redirect("planning:plan", plan_id=plan.pk)
    form = LineEditForm(request.POST, prefix=f"l{line_id}")
    if form.is_valid():
        try:
            services.plan_line_update(actor=request.user, line_id=line_id, people=form.cleaned_data["people"],
                                      reason=form.cleaned_data["reason"], now=timezone.now())
        except SisnakerError as exc:
            if exc.http_status in (403, 404, 409):
                raise
            apply_error(form, exc)
        else:
            messages.success(request, _("Baris usulan disimpan."))
            return redirect("planning:plan", plan_id=plan.pk)
    return _detail(request, plan, edit_forms={line_id: form}, status=400)


SUCCESS = {
    "submit": Msg("Usulan diajukan ke Kementerian.", "The proposal was submitted to the ministry."),
    "reopen": Msg("Usulan dibuka kembali sebagai draf.", "The proposal was reopened as a draft."),
    "return": Msg("Usulan dikembalikan ke daerah dengan alasan.", "The proposal was returned to its region with a reason."),
}


@login_required
@require_POST
def plan_submit(request: HttpRequest, plan_id: int) -> HttpResponse:
    services.plan_submit(actor=request.user, plan_id=plan_id, now=timezone.now())
    messages.success(request, str(SUCCESS["submit"]))
    return redirect("planning:plan", plan_id=plan_id)


@login_required
@require_POST
def plan_reopen(request: HttpRequest, plan_id: int) -> HttpResponse:
    services.plan_reopen(actor=request.user, plan_id=plan_id, now=timezone.now())
    messages.success(request, str(SUCCESS["reopen"]))
    return redirect("planning:plan", plan_id=plan_id)


@login_required
@require_POST
def plan_return(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(viewer=request.user, plan_id=plan_id)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.plan_return(actor=request.user, plan_id=plan.pk, reason=form.cleaned_data["reason"], now=timezone.now())
        except SisnakerError as exc:
            if exc.http_status != 400:
                raise
            apply_error(form, exc)
        else:
            messages.success(request, str(SUCCESS["return"]))
            return redirect("planning:plan", plan_id=plan.pk)
    else:
        require(request.user, "planning.return", plan)
    return _detail(request, plan, return_form=form, status=400)


def _download(table, *, title: str, stem: str, fmt: str) -> HttpResponse:
    body = gap_xlsx(table, title=title) if fmt == "xlsx" else gap_csv(table, title=title)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@login_required
def plan_export(request: HttpRequest, plan_id: int, fmt: str) -> HttpResponse:
    plan = selectors.plan_get(viewer=request.user, plan_id=plan_id)
    table = selectors.plan_gap_table(plan=plan, today=timezone.localdate(), alumni_years=_alumni_years(request))
    title = str(Msg("Usulan kebutuhan pelatihan {region} tahun {year} ({status})",
                    "Training-needs proposal of {region} for {year} ({status})").format(
        region=plan.region_name, year=plan.year, status=plan.get_status_display()))
    return _download(table, title=title, stem=f"kebutuhan-pelatihan-{plan.region_code.replace('.', '')}-{plan.year}", fmt=fmt)


def _rollup(request: HttpRequest, area: str) -> selectors.AreaRollup:
    return selectors.area_rollup(viewer=request.user, area_code=area[:2], year=_year(request), today=timezone.localdate(),
                                 alumni_years=_alumni_years(request))


@login_required
def rollup(request: HttpRequest, area: str) -> HttpResponse:
    r = _rollup(request, area)
    return render(request, "planning/rollup.html", {"r": r, "table": r.table, "year": r.table.year,
                                                    "rows": [{"row": row, "edit": None} for row in r.table.rows],
                                                    "windows": domain.ALUMNI_WINDOWS, "alumni_years": r.table.alumni_years})


@login_required
def rollup_export(request: HttpRequest, area: str, fmt: str) -> HttpResponse:
    r = _rollup(request, area)
    title = str(Msg("Rekap usulan kebutuhan pelatihan {region} tahun {year} (usulan yang diajukan)",
                    "Roll-up of training-needs proposals of {region} for {year} (submitted proposals)").format(
        region=r.name, year=r.table.year))
    return _download(r.table, title=title, stem=f"rekap-kebutuhan-pelatihan-{r.code}-{r.table.year}", fmt=fmt)
