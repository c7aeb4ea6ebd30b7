"""The demo shows planning at work: Kota Bandung's draft plan for next year with two priority fields, readable by
its office beside the demo vacancy."""

import pytest
from django.test import Client
from django.utils import timezone

from sisnaker.accounts.models import User
from sisnaker.demo import data as demo
from sisnaker.planning.models import Plan

pytestmark = pytest.mark.django_db


def test_the_demo_has_kota_bandungs_plan(regions):
    today = timezone.localdate()
    demo.load_demo(citizens=5, today=today, prakerja_applications=100)
    plan = Plan.objects.get(regency_id="32.73", year=today.year + 1)
    assert plan.status == "draft" and plan.lines.count() == 2
    client = Client()
    client.force_login(User.objects.get(username="disnaker.bandung"))
    page = client.get(f"/perencanaan/{plan.pk}/")
    assert page.status_code == 200 and "Tambah kejuruan prioritas" in page.content.decode()
