"""The Prakerja pages end to end (as a browser would post them): a PMO officer makes and opens a wave, a citizen
applies on their phone and confirms the codes, the PMO closes and draws, the citizen sees "Lolos"."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sisnaker.core import crypto
from sisnaker.prakerja.models import Application, Wave
from tests.factories import PASSWORD, staff
from tests.sms import committed

pytestmark = pytest.mark.usefixtures("sms")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_whole_wave_through_the_pages(applicant, regions):
    pmo = _client(staff("pmo_officer"))
    today = timezone.localdate()
    wave_form = {"name": "Gelombang 70", "opens_on": (today - dt.timedelta(days=1)).isoformat(),
                 "closes_on": (today + dt.timedelta(days=6)).isoformat(), "national_target": "2", "training_balance": "3500000",
                 "post_training_incentive": "600000", "post_training_incentive_count": "1", "incentive_interval_days": "30",
                 "survey_incentive": "50000", "survey_incentive_count": "2", "purchase_deadline_days": "30", "max_per_household": "2"}
    response = pmo.post(reverse("prakerja:pmo"), wave_form)
    wave = Wave.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("prakerja:wave", args=[wave.pk])
    assert "Jawa Barat" in pmo.get(response["Location"]).content.decode()
    pmo.post(reverse("prakerja:quotas", args=[wave.pk]), {"mode": "weights", "p_32": "3", "p_31": "1"})
    assert dict(wave.quotas.values_list("province_id", "quota")) == {"32": 2, "31": 0} or \
        dict(wave.quotas.values_list("province_id", "quota")) == {"32": 2}
    pmo.post(reverse("prakerja:wave_open", args=[wave.pk]))
    assert Wave.objects.get().status == "open"

    person = applicant()
    citizen = Client()
    assert citizen.login(username=person.user.username, password=PASSWORD)
    page = citizen.get(reverse("prakerja:home")).content.decode()
    assert reverse("prakerja:apply", args=[wave.pk]) in page and reverse("prakerja:mine") in page
    # Staff are not shown the citizen's links (each answered 403 "for registered citizens"); a visitor is shown
    # "Daftar", which asks them to log in first.
    officer = _client(staff("regional_officer"))
    staff_page = officer.get(reverse("prakerja:home")).content.decode()
    assert reverse("prakerja:mine") not in staff_page and reverse("prakerja:apply", args=[wave.pk]) not in staff_page
    assert officer.get(reverse("prakerja:mine")).status_code == 403
    assert reverse("prakerja:apply", args=[wave.pk]) in Client().get(reverse("prakerja:home")).content.decode()
    form = {"nik": crypto.decrypt(person.nik_encrypted), "kk_number": "3273 0101 0126 0001", "full_name": person.full_name,
            "birth_date": person.birth_date.isoformat(), "sex": person.sex, "education": "smk", "phone": person.phone,
            "email": "warga@contoh.id", "domicile_0": "32", "domicile_1": "32.73", "domicile_2": "32.73.01", "statement": "on"}
    bad = citizen.post(reverse("prakerja:apply", args=[wave.pk]), form | {"kk_number": "123"})
    assert bad.status_code == 200 and "16 angka" in bad.content.decode()
    response = citizen.post(reverse("prakerja:apply", args=[wave.pk]), form)
    assert response.status_code == 302
    sent = committed()
    phone_code = re.search(r"\b(\d{6})\b", sent[-1][1]).group(1)
    email_code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    confirm_url = response["Location"]
    assert citizen.post(confirm_url, {"phone_code": "000000", "email_code": email_code}).status_code == 200
    response = citizen.post(confirm_url, {"phone_code": phone_code, "email_code": email_code})
    assert response["Location"] == reverse("prakerja:mine")
    assert "Terdaftar" in citizen.get(reverse("prakerja:mine")).content.decode()

    # Closing before the announced closing day: a confirmation that says what will happen, and a written reason
    # (test_close_early.py).
    close_url = reverse("prakerja:wave_close", args=[wave.pk])
    assert pmo.post(close_url)["Location"] == close_url
    assert "dipotong 6 hari" in pmo.get(close_url).content.decode()
    pmo.post(close_url, {"confirm": "1", "reason": "Target nasional sudah terpenuhi."})
    # Closing and the draw run in the background: the page says so until the task has run.
    pending = pmo.get(reverse("prakerja:wave", args=[wave.pk])).content.decode()
    assert "sedang diproses di latar belakang" in pending and 'hx-trigger="every 10s"' in pending
    assert Wave.objects.get().status == "open"
    committed()
    assert Wave.objects.get().status == "closed" and not Wave.objects.get().step_pending
    assert pmo.get(reverse("prakerja:draw_data", args=[wave.pk])).json()["seed"] is None
    pmo.post(reverse("prakerja:wave_draw", args=[wave.pk]))
    committed()
    assert Application.objects.select_related("wave").get().outcome == "selected"
    mine = citizen.get(reverse("prakerja:mine")).content.decode()
    assert "Lolos" in mine and "Lihat hasil pengundian" in mine
    results = Client().get(reverse("prakerja:results", args=[wave.pk])).content.decode()
    assert Wave.objects.get().seed in results and person.full_name not in results
    citizen.post(reverse("set_language"), {"language": "en", "next": reverse("prakerja:mine")})
    assert "Selected" in citizen.get(reverse("prakerja:mine")).content.decode()


def test_pmo_pages_for_reviews_and_exclusion_lists(regions):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import make_nik

    pmo = _client(staff("pmo_officer"))
    assert pmo.get(reverse("prakerja:reviews")).status_code == 200
    upload = SimpleUploadedFile("asn.csv", f"NIK\n{make_nik()}\nsalah\n".encode(), content_type="text/csv")
    response = pmo.post(reverse("prakerja:exclusions"), {"category": "civil_servant", "file": upload})
    assert response.status_code == 302
    report = pmo.get(response["Location"]).content.decode()
    assert "ASN" in report and "ditolak" in report
    listing = pmo.get(reverse("prakerja:exclusions")).content.decode()
    assert "asn.csv" in listing
    empty = pmo.post(reverse("prakerja:exclusions"), {"category": "civil_servant",
                                                      "file": SimpleUploadedFile("x.csv", b"Nama\nBudi\n", content_type="text/csv")})
    assert empty.status_code == 200 and "NIK" in empty.content.decode()
