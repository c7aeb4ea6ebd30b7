"""The import pages lead back to their program (breadcrumb), before and after an import."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from .test_import import live_setup, row, xlsx  # noqa: F401  (live_setup is a fixture)

pytestmark = pytest.mark.django_db


def test_import_pages_link_back_to_the_program(client, live_setup):  # noqa: F811
    manager, _, program = live_setup
    client.force_login(manager)
    url = reverse("training:import", args=[program.pk])
    back = f'<a href="{reverse("training:manage", args=[program.pk])}">« {program.title}</a>'
    assert back in client.get(url).content.decode()
    upload = io.BytesIO(xlsx([row()]))
    upload.name = "peserta.xlsx"
    body = client.post(url, {"file": upload, "mode": "valid_only"}).content.decode()
    assert "Hasil impor" in body and back in body and f'href="{url}"' in body
