"""The citizen's "Pelatihan saya" (``/pelatihan/saya/``, URL name ``my_trainings``): each enrollment with
its state and next step (training's), withdrawing (training's form), and the steps to the certificate —
review and work-readiness survey — that certification knows."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sisnaker.accounts import selectors as account_selectors

from .. import selectors


@login_required
def my_trainings(request: HttpRequest) -> HttpResponse:
    person, items = selectors.my_trainings(user=request.user)
    # A citizen whose NIK is under an identity dispute has no record yet: told so, not that theirs is a staff account.
    dispute = None if person else account_selectors.open_dispute_of(user=request.user)
    return render(request, "certification/mine.html", {"person": person, "items": items, "dispute": dispute})
