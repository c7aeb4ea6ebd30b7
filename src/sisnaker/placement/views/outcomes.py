"""Alumni outcomes: the regional office's worklist of alumni whose work after training is not known (one report
for many at once), and the reporting-completeness view per origin region (ministry, regions, institutions)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sisnaker.core.errors import ValidationFailed
from sisnaker.core.pages import apply_error
from sisnaker.core.paging import CappedPaginator
from sisnaker.core.permissions import can

from .. import selectors, services
from ..domain import percentage
from ..forms import OutcomeForm, OutcomeImportForm

PER_PAGE = 50


def _worklist_page(request: HttpRequest, form: OutcomeForm, status: int = 200) -> HttpResponse:
    regency = (request.GET.get("kab") or request.POST.get("kab") or "").strip()[:5]
    rows, regencies = selectors.outcome_worklist(viewer=request.user, regency_code=regency)
    paginator = CappedPaginator(rows, PER_PAGE, cap=10_000)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "placement/outcome_worklist.html",
                  {"page": page, "paginator": paginator, "regencies": regencies, "regency": regency, "form": form,
                   "import_form": OutcomeImportForm()}, status=status)


@login_required
def outcome_worklist(request: HttpRequest) -> HttpResponse:
    return _worklist_page(request, OutcomeForm())


@login_required
@require_POST
def outcome_report(request: HttpRequest) -> HttpResponse:
    form = OutcomeForm(request.POST)
    ids = [int(v) for v in request.POST.getlist("enrollment") if v.isdigit()][:1000]
    if form.is_valid():
        d = form.cleaned_data
        try:
            n = services.outcomes_report(actor=request.user, enrollment_ids=ids, now=timezone.now(), data=services.OutcomeData(
                status=d["status"], employer_name=d["employer_name"], position=d["position"], start_date=d["start_date"],
                sector=d["sector"], overseas=d["overseas"]))
        except ValidationFailed as exc:  # a permission refusal rises to the error page
            apply_error(form, exc)
        else:
            messages.success(request, _("Keadaan kerja %(n)s alumni tercatat.") % {"n": n})
            kab = "".join(ch for ch in request.POST.get("kab", "") if ch.isdigit() or ch == ".")[:5]
            return redirect(reverse("placement:outcome_worklist") + (f"?kab={kab}" if kab else ""))
    return _worklist_page(request, form, status=400)


@login_required
def outcome_import(request: HttpRequest) -> HttpResponse:
    """The office's placement reports from a spreadsheet: what was recorded and every row that was not, with why."""
    form = OutcomeImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.outcomes_import(actor=request.user, file_name=upload.name, data=upload.read(), now=timezone.now())
        except ValidationFailed as exc:
            apply_error(form, exc)
    elif request.method == "GET":
        selectors.outcome_worklist(viewer=request.user)  # the same permission as the worklist
    return render(request, "placement/outcome_import.html", {"form": form, "result": result},
                  status=400 if request.method == "POST" and result is None else 200)


@login_required
def completeness(request: HttpRequest) -> HttpResponse:
    province = (request.GET.get("prov") or "").strip()[:2]
    by = "regency" if province or request.GET.get("per") == "kab" else selectors.completeness_level(request.user)
    rows = selectors.completeness(viewer=request.user, by=by, province=province if province.isdigit() else "")
    total_alumni, total_known = sum(r.alumni for r in rows), sum(r.known for r in rows)
    return render(request, "placement/outcome_completeness.html", {
        "rows": rows, "by": by, "province": province, "total_alumni": total_alumni, "total_known": total_known,
        "total_percent": percentage(total_known, total_alumni), "may_remind": can(request.user, "outcome.remind")})


@login_required
@require_POST
def completeness_remind(request: HttpRequest) -> HttpResponse:
    n = services.completeness_remind(actor=request.user, now=timezone.now())
    messages.success(request, _("%(n)s petugas wilayah diingatkan.") % {"n": n})
    return redirect("placement:outcome_completeness")
