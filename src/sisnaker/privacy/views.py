"""Privacy pages: "Data pribadi saya" (who opened my record, my requests, a new request) and the
data-protection officer's queue and answer page. Thin: one service or selector call each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from sisnaker.core.errors import Msg, NotFound, PermissionDenied, SisnakerError
from sisnaker.core.pages import apply_error

from . import domain, selectors, services
from .forms import AnswerForm, RequestForm

CITIZENS_ONLY = Msg("Halaman ini untuk warga yang terdaftar.", "This page is for registered citizens.")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied(CITIZENS_ONLY)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            submitted = services.privacy_request_submit(actor=request.user, person=person, kind=form.cleaned_data["kind"],
                                                        details=form.cleaned_data["details"])
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Permintaan #%(n)s terkirim. Jawaban paling lambat %(due)s.") % {
                "n": submitted.pk, "due": timezone.localtime(submitted.due_at).strftime("%d/%m/%Y %H:%M")})
            return redirect("privacy:mine")
    return render(request, "privacy/mine.html", {
        "form": form, "requests": selectors.my_requests(person=person), "views": selectors.record_views(person=person),
    })


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    open_rows, answered = selectors.queue(actor=request.user, now=timezone.now())
    return render(request, "privacy/queue.html", {"open_rows": open_rows, "answered": answered})


@login_required
def detail(request: HttpRequest, request_id: int) -> HttpResponse:
    item = selectors.request_for_officer(actor=request.user, request_id=request_id)
    if item is None:
        raise NotFound(Msg("Permintaan tidak ditemukan.", "Request not found."))
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.privacy_request_answer(actor=request.user, request_id=item.pk, outcome=form.cleaned_data["outcome"],
                                            answer=form.cleaned_data["answer"])
        except SisnakerError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Jawaban terkirim ke warga."))
            return redirect("privacy:queue")
    now = timezone.now()
    return render(request, "privacy/detail.html", {
        "item": item, "form": form, "urgency": domain.urgency(due=item.due_at, now=now),
        "left": domain.left_words(due=item.due_at, now=now),
    })
