"""What the sign-up and claim pages say and where they lead (defects a QA pass found on a production server):

* after claiming a record, the owner is told who added it: the institution, or the Disnaker officer at a posko
  (it said "lembaga pelatihan" for a record made at a Disnaker posko);
* the identity-dispute page shows both birth dates the same human way (it showed "22 Jul 1999" beside "1999-07-21");
* someone without an account who opens a login-protected page from a message's link, then signs up (and claims their
  record), lands on that page, not on the home page; only a same-site ``next`` is followed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from sisnaker.accounts import services
from sisnaker.accounts.models import Person
from sisnaker.regions.models import District
from tests.conftest import TODAY, make_nik
from tests.factories import InstitutionFactory, PersonFactory, RegionalOfficerFactory
from tests.sms import committed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms")]

SIGNUP_FORM = {
    "full_name": "Siti Aminah", "birth_date": "1998-03-04", "sex": "F", "email": "",
    "domicile_0": "32", "domicile_1": "32.73", "domicile_2": "32.73.01", "domicile": "32.73.01",
    "education": "sma", "password": "Rahasia-Kuat-2026", "password2": "Rahasia-Kuat-2026",
}
WANTED = "/pembayaran/saya/rekening/"


def last_code(to: str) -> str:
    texts = [text for phone, text in committed() if phone == to]
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


def posko_record(regions) -> Person:
    """A record a Disnaker officer made at the office's posko, as posko.services does (no institution)."""
    officer = RegionalOfficerFactory(username="disnaker.posko", area="32.73")
    data = services.ProvisionalPerson(
        nik=make_nik(birth=dt.date(1998, 3, 4), female=True), full_name="SITI AMINAH", birth_date=dt.date(1998, 3, 4),
        sex="F", education="sma", domicile_district=District.objects.get(code="32.73.01"), phone="081300000009")
    with transaction.atomic():
        return services.person_add_provisional(actor=officer, data=data, today=TODAY, added_by_institution_id=None)


def institution_record(regions) -> Person:
    inst = InstitutionFactory(registry_number="BLK-3273-051", name="UPTD BLK Kota Bandung")
    return PersonFactory(provisional=True, added_by_institution=inst, full_name="SITI AMINAH", birth_date=dt.date(1998, 3, 4),
                         sex="F", education="sma", phone="+6281300000009")


def claim_through_pages(client: Client, nik: str, *, start: str = "", phone: str = "0812 7777 0101", **overrides):
    """Sign up (from ``start``, the sign-up link as the login page shows it) and type the code: the last response."""
    response = client.post(start or reverse("accounts:signup"), SIGNUP_FORM | {"nik": nik, "phone": phone} | overrides)
    assert response.status_code == 302 and "/akun/daftar/verifikasi/" in response["Location"], response.content.decode()[:2000]
    e164 = "+62" + phone.replace(" ", "")[1:]
    return client.post(response["Location"], {"code": last_code(e164)})


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(("make", "who", "who_en"), [
    (posko_record, "petugas posko Disnaker", "a manpower office (Disnaker) service point officer"),
    (institution_record, "UPTD BLK Kota Bandung", "UPTD BLK Kota Bandung"),
], ids=["disnaker-posko", "institution"])
def test_the_owner_is_told_who_added_the_record_they_claimed(regions, sms, make, who, who_en, lang):
    person = make(regions)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    done = claim_through_pages(client, person.nik)
    page = client.get(done["Location"]).content.decode()
    if lang == "id":
        assert f"Data Anda yang didaftarkan oleh {who} kini terhubung dengan akun Anda" in page
    else:
        assert f"Your details registered by {who_en} are now linked to your account" in page
    assert "lembaga pelatihan" not in page and "training institution" not in page
    # The record's earlier phone hears it with the same words.
    assert any(to == "+6281300000009" and f"(ditambahkan oleh {who})" in text for to, text in committed())


def test_the_dispute_page_shows_both_birth_dates_alike_and_who_added_a_posko_record(regions, sms):
    person = posko_record(regions)
    claim_through_pages(Client(), person.nik, full_name="Siti Aminah Putri", birth_date="1998-04-03")
    dispute = person.identity_disputes.get()
    officer = Client()
    officer.force_login(RegionalOfficerFactory(username="disnaker.jabar", area="32"))
    page = officer.get(reverse("accounts:dispute", args=[dispute.pk])).content.decode()
    assert "<dd>4 Mar 1998</dd>" in page and "<dd>3 Apr 1998</dd>" in page
    assert "1998-04-03" not in page
    assert "<dd>petugas posko Disnaker</dd>" in page


def test_a_message_link_to_a_login_page_leads_there_after_signing_up_and_claiming(regions, sms):
    person = institution_record(regions)
    client = Client()
    to_login = client.get(WANTED)
    assert to_login.status_code == 302
    login_page = client.get(to_login["Location"]).content.decode()
    signup_link = re.search(r'href="(/akun/daftar/[^"]*)">Daftar dengan NIK<', login_page).group(1).replace("&amp;", "&")
    assert "next=" in signup_link
    signup_page = client.get(signup_link).content.decode()
    assert f'name="next" value="{WANTED}"' in signup_page
    done = claim_through_pages(client, person.nik, start=signup_link)
    assert done.status_code == 302 and done["Location"] == WANTED
    assert client.get(WANTED).status_code == 200


def test_a_plain_sign_up_follows_next_and_never_leaves_the_site(regions, sms):
    client = Client()
    url = reverse("accounts:signup") + "?next=" + WANTED
    response = client.post(url, SIGNUP_FORM | {"nik": make_nik(birth=dt.date(1998, 3, 4), female=True), "phone": "0812 7777 0102"})
    assert response.status_code == 302 and response["Location"] == WANTED
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        other = Client()
        response = other.post(reverse("accounts:signup"), SIGNUP_FORM | {
            "nik": make_nik(birth=dt.date(1998, 3, 4), female=True), "phone": f"0812 7777 {next_serial():04d}", "next": evil})
        assert response.status_code == 302 and response["Location"] == "/", (evil, response["Location"])


def test_a_dispute_leads_home_whatever_next_says(regions, sms):
    person = institution_record(regions)
    client = Client()
    done = claim_through_pages(client, person.nik, start=reverse("accounts:signup") + "?next=" + WANTED,
                               full_name="Orang Lain Sekali")
    assert done.status_code == 302 and done["Location"] == "/"


_serial = iter(range(200, 300))


def next_serial() -> int:
    return next(_serial)


def test_a_citizen_whose_nik_is_disputed_is_told_so_on_my_trainings(regions, sms):
    # The claimant has an account but no record until the officer decides: "Pelatihan saya" said their account was a
    # staff account.
    person = institution_record(regions)
    client = Client()
    claim_through_pages(client, person.nik, full_name="Orang Lain Sekali")
    page = client.get(reverse("my_trainings")).content.decode()
    assert "Data NIK Anda sedang diperiksa" in page and "akun staf" not in page
