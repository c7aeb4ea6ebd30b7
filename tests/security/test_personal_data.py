"""Personal data stays out of places it does not belong: the repr of objects that carry a full NIK
(or a password) — what a traceback, an error report or a debug log prints — and bank account
numbers that are not plain digits."""

from __future__ import annotations

import datetime as dt

import pytest

from sisnaker.accounts import services as account_services
from sisnaker.core.errors import ValidationFailed
from sisnaker.payments.services import payout
from sisnaker.regions.models import District
from sisnaker.training.spreadsheets import reading
from tests.conftest import TODAY, make_nik

pytestmark = pytest.mark.django_db


def test_signup_repr_has_no_nik_nor_password(regions):
    nik = make_nik(serial=4321)
    data = account_services.SignUp(
        nik=nik, full_name="Siti Rahmawati", birth_date=dt.date(1995, 5, 17), sex="M", education="smk",
        phone="081234567890", email="", domicile_district=District.objects.get(code="32.73.01"), password="Rahasia-Kuat-2026",
    )
    text = repr(data)
    assert nik not in text and "Rahasia-Kuat-2026" not in text
    assert "Siti Rahmawati" in text  # the rest of the repr is still useful
    assert data.nik == nik  # the value itself is untouched


def test_import_row_repr_has_no_nik(regions):
    nik = make_nik(district="32.73.04", serial=4322)
    cells = {"nik": nik, "full_name": "Budi Santoso", "birth_date": "1995-05-17", "sex": "L", "education": "SMK",
             "phone": "", "email": "", "district": "", "disability": "", "disability_kind": "", "status": ""}
    columns = {c.key: i for i, c in enumerate(reading.COLUMNS)}
    result = reading.validate_row(2, [cells.get(c.key, "") for c in reading.COLUMNS], columns, today=TODAY,
                                  blind_index=lambda value: "x" * 64)
    assert result.status == "valid" and result.data is not None and result.data.nik == nik
    assert nik not in repr(result) and nik not in repr(result.data)
    assert result.nik_masked in repr(result)


@pytest.mark.parametrize("number", ["²²²²²²", "١٢٣٤٥٦٧"])
def test_bank_account_number_must_be_ascii_digits(citizen, number):
    with pytest.raises(ValidationFailed) as err:
        payout.payout_account_set(actor=citizen.user, person=citizen, channel="bank", provider_code="002", number=number,
                                  holder_name=citizen.full_name, current_password="Rahasia-Kuat-2026")
    assert err.value.code == "payout_account_number"
