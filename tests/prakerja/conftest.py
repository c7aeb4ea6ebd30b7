"""Prakerja test data: an open wave with quotas, applicants who confirm their codes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from sisnaker.prakerja import services
from sisnaker.regions.models import District
from tests.factories import PersonFactory, staff
from tests.sms import committed

NOW = timezone.make_aware(dt.datetime(2026, 3, 10, 9, 0))
# The waves of ``wave_data`` close on 31 March, after NOW: closing them at NOW is closing early, which needs a reason.
EARLY = "Kuota nasional sudah terpenuhi dua kali lipat; ditutup lebih awal atas keputusan rapat PMO."


def wave_data(**over) -> services.WaveData:
    values = dict(name="Gelombang Uji", opens_on=dt.date(2026, 3, 1), closes_on=dt.date(2026, 3, 31), national_target=10,
                  training_balance=3_500_000, post_training_incentive=600_000, post_training_incentive_count=1,
                  incentive_interval_days=30, survey_incentive=50_000, survey_incentive_count=2, purchase_deadline_days=30)
    values.update(over)
    return services.WaveData(**values)


@pytest.fixture
def pmo(regions):
    return staff("pmo_officer")


@pytest.fixture
def open_wave(pmo):
    def build(quotas=None, **over):
        wave = services.wave_create(actor=pmo, data=wave_data(**over), now=NOW)
        services.quotas_set(actor=pmo, wave=wave, quotas=quotas or {"32": wave.national_target})
        return services.wave_open(actor=pmo, wave=wave, now=NOW)
    return build


def kk_of(nik: str, serial: int = 1) -> str:
    return nik[:6] + "0101" + "26" + f"{serial:04d}"


def data_for(person=None, *, nik=None, kk=None, **over) -> services.ApplicationData:
    nik = nik or _nik_of(person)
    values = dict(nik=nik, kk_number=kk or kk_of(nik, 1), full_name=person.full_name if person else "Budi Santoso",
                  birth_date=person.birth_date if person else dt.date(1995, 5, 17), sex=person.sex if person else "M",
                  education="smk", in_formal_education=False, has_disability=False,
                  domicile_district=District.objects.get(code="32.73.01"),
                  phone=person.phone if person else "081299990000", email="warga@contoh.id", statement=True)
    values.update(over)
    return services.ApplicationData(**values)


def _nik_of(person) -> str:
    from sisnaker.core import crypto

    return crypto.decrypt(person.nik_encrypted)


def codes_sent(phone_suffix: str = "", email: str = "warga@contoh.id") -> tuple[str, str]:
    """The last SMS code and e-mail code sent (after running the on-commit callbacks)."""
    sent = committed()
    # The last message with a code: other news (a wave's results) may have followed it.
    code = re.compile(r"\b[Kk]ode\b\D*(\d{6})\b")  # "Kode verifikasi …: 123456", not any number (an id in a link)
    phone_code = [m.group(1) for to, t in sent if to.endswith(phone_suffix) and (m := code.search(t))][-1]
    email_code = [m.group(1) for e in mail.outbox if e.to == [email] and (m := code.search(e.body))][-1]
    return phone_code, email_code


def apply_confirmed(wave, person=None, *, actor=None, assisted=False, **over):
    actor = actor or person.user
    data = data_for(person, **over)
    app, token = services.application_start(actor=actor, wave=wave, data=data, now=NOW, assisted=assisted, consent=assisted)
    phone_code, email_code = codes_sent(data.phone[-6:], data.email)
    return services.application_confirm(actor=actor, token=token, phone_code=phone_code, email_code=email_code, now=NOW)


@pytest.fixture
def applicant(regions):
    def build(**kw):
        return PersonFactory(**kw)
    return build
