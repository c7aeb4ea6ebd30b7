"""A page address used with the wrong method (a log-out link opened in the browser, a form's address bookmarked)
answers the product's error page with what to do, in the reader's language, instead of a blank 405."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_form_only_address_opened_in_the_browser_says_what_to_do(regions):
    client = Client()
    client.force_login(PersonFactory().user)
    response = client.get("/akun/keluar/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    body = response.content.decode()
    assert "hanya menerima kiriman formulir" in body and "<html" in body
    client.cookies["sisnaker_lang"] = "en"
    assert "only takes a form" in client.get("/akun/keluar/").content.decode()


def test_the_api_keeps_its_own_405(regions):
    response = Client().delete("/api/v1/training/catalogue")
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"
