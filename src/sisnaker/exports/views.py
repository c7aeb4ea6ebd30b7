"""Pages of exports: ask for one (a POST from any page's export buttons), its progress page (polled with htmx)
with the download link, the download, and "Ekspor saya". Thin: a form's fields in, one service or selector call
out; a refusal rises to the error page (``core.pages``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services, writers
from .models import ExportJob

PARAM_PREFIX = "p_"  # a source's parameters are posted as p_<name>


@login_required
@require_POST
def request_export(request: HttpRequest) -> HttpResponse:
    params = {k[len(PARAM_PREFIX):]: v for k, v in request.POST.items() if k.startswith(PARAM_PREFIX)}
    job = services.export_request(actor=request.user, source=request.POST.get("source", ""), params=params,
                                  fmt=request.POST.get("format", "xlsx"))
    return redirect("exports:job", token=job.token)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "exports/mine.html", {
        "jobs": selectors.exports_mine(actor=request.user), "offers": selectors.offers(actor=request.user),
        "keep_hours": ExportJob.KEEP_HOURS,
    })


@login_required
@require_GET
def job(request: HttpRequest, token: str) -> HttpResponse:
    """An export's progress (polled every 2 seconds while it runs), then its download link."""
    job = selectors.export_for(actor=request.user, token=token)
    context = {"job": job, "expected": max(job.expected, job.done), "keep_hours": ExportJob.KEEP_HOURS,
               "poll_url": request.path}
    if request.headers.get("HX-Request") == "true":
        return render(request, "exports/_job.html", context)
    return render(request, "exports/job.html", context)


@login_required
@require_GET
def download(request: HttpRequest, token: str) -> HttpResponse:
    job, fh = services.export_file(actor=request.user, token=token)
    content_type = writers.CSV_CONTENT_TYPE if job.format == ExportJob.Format.CSV else writers.XLSX_CONTENT_TYPE
    return FileResponse(fh, as_attachment=True, filename=job.file_name or f"ekspor.{job.format}", content_type=content_type)
