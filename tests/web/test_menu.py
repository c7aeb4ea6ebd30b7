"""The menu reaches every page a role works on: a QA pass found the regional officer's alumni-outcome pages reachable
only by typing their address (they linked only to each other)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import staff

pytestmark = pytest.mark.django_db


def _menu(user) -> str:
    html = _client(user).get(reverse("web:home")).content.decode()
    return html[html.index("<nav"):html.index("</nav>")]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_regional_officer_reaches_the_alumni_outcome_pages_from_the_menu(regions):
    officer = staff("regional_officer", region_code="32.73")
    menu = _menu(officer)
    for name in ("placement:outcome_worklist", "placement:outcome_completeness"):
        assert f'href="{reverse(name)}"' in menu
        assert _client(officer).get(reverse(name)).status_code == 200


def test_the_menu_offers_no_outcome_pages_to_those_refused_there(regions):
    menu = _menu(staff("pmo_officer"))
    assert reverse("placement:outcome_worklist") not in menu and reverse("placement:outcome_completeness") not in menu
    curator_menu = _menu(staff("curator"))
    # The ministry reads the completeness, it does not record outcomes.
    assert reverse("placement:outcome_completeness") in curator_menu and reverse("placement:outcome_worklist") not in curator_menu
    assert _client(staff("curator")).get(reverse("placement:outcome_completeness")).status_code == 200
