"""`sisnaker rekey` covers every sealed column of every app (core/sealed.py): after a key change the old key can
go and payout account numbers, Prakerja NIK/KK and their blind indexes still open and still match."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command

from sisnaker.core import crypto, sealed
from sisnaker.payments.models import PayoutAccount
from sisnaker.prakerja import services as prakerja
from sisnaker.prakerja.models import Application
from tests.payments.conftest import verified_account
from tests.prakerja.conftest import applicant, apply_confirmed, open_wave, pmo  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms")]


def test_every_encrypted_column_is_registered_for_rekey():
    # accounts.Person is re-sealed by accounts' own people_rekey (its indexes have extra rules).
    found = {(m._meta.label, f.name) for m in apps.get_models() for f in m._meta.concrete_fields
             if f.name.endswith("_encrypted") and m._meta.label != "accounts.Person"}
    registered = {(c.model, c.column) for c in sealed.columns()}
    assert found <= registered, f"encrypted columns `sisnaker rekey` would miss: {sorted(found - registered)}"


def test_rekey_reseals_payout_numbers_and_prakerja_identities_and_their_indexes(settings, request):
    person = request.getfixturevalue("applicant")()
    account = verified_account(person, number="0123456789012")
    application = apply_confirmed(request.getfixturevalue("open_wave")(), person)
    nik, kk = crypto.decrypt(application.nik_encrypted), crypto.decrypt(application.kk_encrypted)

    new = crypto.generate_key()
    settings.SISNAKER_DATA_KEYS = [new, *settings.SISNAKER_DATA_KEYS]  # the index key moves with the first key
    call_command("rekey", batch_size=1)
    settings.SISNAKER_DATA_KEYS = [new]  # the old key is gone

    account = PayoutAccount.objects.get(pk=account.pk)
    assert not crypto.needs_reseal(account.number_encrypted) and account.number == "0123456789012"
    application = Application.objects.get(pk=application.pk)
    assert crypto.decrypt(application.nik_encrypted) == nik and crypto.decrypt(application.kk_encrypted) == kk
    assert application.nik_index == prakerja.nik_index(nik) and application.kk_index == prakerja.kk_index(kk)
