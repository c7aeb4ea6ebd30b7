"""Matching pages (issue 12): "Lowongan untuk saya" (a citizen's recommended vacancies, with the reasons) and a
vacancy's suggested candidates for its company's staff. One selector call each; refusals rise as
``core.errors.SisnakerError`` (the error page)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .. import matching, selectors_matching


@login_required
def my_matches(request: HttpRequest) -> HttpResponse:
    page = selectors_matching.my_recommendations(viewer=request.user, today=timezone.localdate())
    return render(request, "placement/matching/my_matches.html", {"page": page, "max_score": matching.MAX_SCORE})


@login_required
def vacancy_candidates(request: HttpRequest, vacancy_id: int) -> HttpResponse:
    page = selectors_matching.candidates_for(viewer=request.user, vacancy_id=vacancy_id, today=timezone.localdate())
    return render(request, "placement/matching/candidates.html", {"page": page, "max_score": matching.MAX_SCORE})
