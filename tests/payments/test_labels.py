"""The finance pages show people's words, never the codes stored in the database: a payable's kind, a line's status,
a ledger account's kind, a batch's status and a bank by its name, in Indonesian by default and in English when
chosen (QA found "incentive" and "pending" on a production server, in both languages)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from sisnaker.payments.services import batches, payables

from .conftest import graduates

pytestmark = pytest.mark.django_db


def _client(user, lang: str) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client


@pytest.mark.parametrize(("lang", "kind", "account"), [("id", "Insentif alumni", "Anggaran program"),
                                                        ("en", "Alumni incentive", "Programme budget")])
def test_the_desk_names_what_is_due_and_the_ledger_accounts(finance, lang, kind, account):
    graduates(2)
    payables.payables_accrue(actor=finance)
    page = _client(finance, lang).get(reverse("payments:desk")).content.decode()
    assert f"<td>{kind}</td>" in page and "<td>incentive</td>" not in page
    assert f"<td>{account}</td>" in page and "<td>budget</td>" not in page and "<td>payable_person</td>" not in page


@pytest.mark.parametrize(("lang", "pending", "draft"), [("id", "Menunggu bank", "Draf"), ("en", "Waiting for the bank", "Draft")])
def test_a_batch_names_its_line_statuses_banks_and_its_own_status(finance, lang, pending, draft):
    graduates(2)
    payables.payables_accrue(actor=finance)
    batch = batches.batch_build(actor=finance, funding_source="apbd")
    client = _client(finance, lang)
    page = client.get(reverse("payments:batch", args=[batch.pk])).content.decode()
    per_status = page.split("<h3>")[3]  # "Per status" and what follows
    assert f"<td>{pending}</td><td>2</td>" in per_status and "<td>pending</td>" not in page
    assert "<td>BRI (002)</td>" in page and "<td>002</td>" not in page  # the lines' bank, as in "Per bank"
    rows = client.get(reverse("payments:reconciliation")).content.decode()
    assert f"<td>{draft}</td>" in rows and "<td>draft</td>" not in rows
