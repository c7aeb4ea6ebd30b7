"""The admin shows payments read-only: ledger rows are append-only, everything else changes through services."""

import pytest
from django.test import Client

from sisnaker.payments.models import JournalEntry
from sisnaker.payments.services import payables
from tests.factories import AdminFactory

from .conftest import graduates

pytestmark = pytest.mark.django_db


def test_the_admin_lists_payments_and_changes_nothing(finance):
    graduates(1)
    payables.payables_accrue(actor=finance)
    client = Client()
    client.force_login(AdminFactory())
    entry = JournalEntry.objects.get()
    for model in ("journalentry", "ledgerline", "ledgeraccount", "payable", "payoutaccount", "batch", "batchline", "incentiverule"):
        page = client.get(f"/admin/payments/{model}/")
        assert page.status_code == 200, model
        assert f"/admin/payments/{model}/add/" not in page.content.decode(), model
    detail = client.get(f"/admin/payments/journalentry/{entry.pk}/change/")
    assert detail.status_code == 200 and "accrue:" in detail.content.decode() and 'name="_save"' not in detail.content.decode()
    assert client.post(f"/admin/payments/journalentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert JournalEntry.objects.filter(pk=entry.pk).exists()
