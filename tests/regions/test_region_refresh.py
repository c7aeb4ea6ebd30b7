"""Without JavaScript (Opera Mini, old phones) the region picker's "Perbarui pilihan wilayah" button posts the form to
refill the next select: the form comes back as typed, with the regencies of the chosen province, no error and nothing
saved. A QA pass got 400 and "Bidang ini tidak boleh kosong" on every field not yet filled in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sisnaker.accounts.models import Person

pytestmark = pytest.mark.django_db


def test_the_sign_up_form_comes_back_with_the_province_s_regencies_and_no_error(regions):
    before = Person.objects.count()
    response = Client().post(reverse("accounts:signup"), {"full_name": "Siti Aminah", "domicile_0": "32", "domicile_refresh": "1"})
    html = response.content.decode()
    assert response.status_code == 200 and Person.objects.count() == before
    assert 'value="Siti Aminah"' in html and 'value="32.73"' in html  # Kota Bandung, a regency of Jawa Barat
    assert "errorlist" not in html and "tidak boleh kosong" not in html
    # Choosing the regency next fills the districts.
    html = Client().post(reverse("accounts:signup"), {"domicile_0": "32", "domicile_1": "32.73", "domicile_refresh": "1"}).content.decode()
    assert 'value="32.73.01"' in html


def test_the_profile_is_not_saved_by_a_refresh(regions, citizen):
    client = Client()
    client.force_login(citizen.user)
    response = client.post(reverse("accounts:profile"), {"education": citizen.education, "phone": citizen.phone,
                                                         "address": "Jl. Belum Disimpan", "domicile_0": "35",
                                                         "domicile_refresh": "1"})
    assert response.status_code == 200 and "errorlist" not in response.content.decode()
    assert Person.objects.get(pk=citizen.pk).address != "Jl. Belum Disimpan"
