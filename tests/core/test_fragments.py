"""A page shows another app's piece through its URL name, rendered on the server; a refusal leaves it empty."""

import pytest
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.urls import path

from sisnaker.core.errors import PermissionDenied


def rating(request, pk):
    assert request.method == "GET"
    return HttpResponse(f"<b>rating {pk} for {request.user}</b>")


def secret(request, pk):
    raise PermissionDenied()


def missing(request, pk):
    return HttpResponse("nope", status=404)


urlpatterns = [path("r/<int:pk>/", rating, name="rating"), path("s/<int:pk>/", secret, name="secret"),
               path("m/<int:pk>/", missing, name="missing")]


@override_settings(ROOT_URLCONF="tests.core.test_fragments")
@pytest.mark.parametrize(("name", "expected"), [("rating", "<b>rating 7 for anon</b>"), ("secret", ""), ("missing", ""),
                                                ("no-such-url", "")])
def test_fragment(name, expected):
    request = RequestFactory().post("/page/", {"x": "1"})  # even from a POSTed page, the piece is a GET
    request.user = "anon"
    html = Template('{% load fragments %}[{% fragment name 7 %}]').render(Context({"request": request, "name": name}))
    assert html == f"[{expected}]"
    assert request.method == "POST"  # the page's own request is untouched
