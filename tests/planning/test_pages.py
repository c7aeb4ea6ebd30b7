"""Planning's pages: a regency officer makes a plan, adds fields (a duplicate or bad number gets a message on the
form, never a 500, and nothing is saved), submits it and downloads the gap table as .xlsx and .csv; another
regency's officer is refused; the ministry returns a plan only with a reason; the nation by province."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.utils import timezone
from python_calamine import CalamineWorkbook

from sisnaker.planning.models import Plan, PlanLine

from .conftest import alumnus, vacancy

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def today_world(fields, people):
    """Demand and supply around the real date (pages read the clock)."""
    today = timezone.localdate()
    vacancy(fields["OTO"], openings=120, today=today)
    for _ in range(3):
        alumnus(fields["OTO"], today=today)
    return fields, people


def test_a_regency_officer_writes_a_plan_submits_it_and_downloads_the_gap_table(today_world):
    fields, people = today_world
    c = _client(people["bandung"])
    page = c.get("/perencanaan/")
    assert page.status_code == 200 and "Buat usulan" in page.content.decode()
    year = timezone.localdate().year + 1
    r = c.post("/perencanaan/baru/", {"region": "32.73", "year": str(year)})
    plan = Plan.objects.get(regency_id="32.73", year=year)
    assert r.status_code == 302 and r["Location"] == f"/perencanaan/{plan.pk}/"
    r = c.post(f"/perencanaan/{plan.pk}/baris/", {"vocational_field": fields["OTO"].pk, "people": "40",
                                                  "reason": "=Bengkel resmi baru"})
    assert r.status_code == 302
    # The same field again, and a number that is not one: messages on the form, nothing saved.
    r = c.post(f"/perencanaan/{plan.pk}/baris/", {"vocational_field": fields["OTO"].pk, "people": "5", "reason": "Lagi"})
    assert r.status_code == 400 and "Otomotif&quot; sudah ada di usulan ini" in r.content.decode()
    r = c.post(f"/perencanaan/{plan.pk}/baris/", {"vocational_field": fields["TIK"].pk, "people": "banyak", "reason": "x"})
    assert r.status_code == 400
    assert list(PlanLine.objects.values_list("people", flat=True)) == [40]
    body = c.get(f"/perencanaan/{plan.pk}/").content.decode()
    assert "permintaan 120 lowongan, alumni 3 (0 pencari kerja ber-AK/1), usulan 40: usulan menutup 40 dari kekurangan 117" in body
    r = c.post(f"/perencanaan/{plan.pk}/ajukan/")
    assert r.status_code == 302 and Plan.objects.get(pk=plan.pk).status == "submitted"
    # Downloads: the reason typed with "=" stays text in both files.
    x = c.get(f"/perencanaan/{plan.pk}/unduh.xlsx")
    assert x.status_code == 200 and x["Content-Disposition"].endswith(f'kebutuhan-pelatihan-3273-{year}.xlsx"')
    rows = CalamineWorkbook.from_filelike(io.BytesIO(x.content)).get_sheet_by_index(0).to_python()
    assert rows[3][:3] == ["Kode kejuruan", "Kejuruan", "Usulan (orang)"]
    assert rows[4][:8] == ["OTO", "Otomotif", 40, "=Bengkel resmi baru", 120, 3, 0, 117]
    text = c.get(f"/perencanaan/{plan.pk}/unduh.csv").content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[3][:5] == ["OTO", "Otomotif", "40", "'=Bengkel resmi baru", "120"]
    assert table[-1][1] == "Jumlah"


def test_another_regency_office_is_refused_and_the_province_sees_it(today_world):
    fields, people = today_world
    year = timezone.localdate().year + 1
    _client(people["bandung"]).post("/perencanaan/baru/", {"region": "32.73", "year": str(year)})
    plan = Plan.objects.get()
    other = _client(people["kab_bandung"])
    assert other.get(f"/perencanaan/{plan.pk}/").status_code == 403
    assert other.get(f"/perencanaan/{plan.pk}/unduh.csv").status_code == 403
    assert other.post(f"/perencanaan/{plan.pk}/baris/", {"vocational_field": fields["OTO"].pk, "people": "5",
                                                         "reason": "x"}).status_code == 403
    assert other.post("/perencanaan/baru/", {"region": "32.73", "year": str(year)}).status_code == 403  # not their area
    # Their own area with a year that cannot be chosen: a message on the form, no plan.
    r = other.post("/perencanaan/baru/", {"region": "32.04", "year": "2090"})
    assert r.status_code == 400 and not Plan.objects.filter(regency_id="32.04").exists()
    province = _client(people["jabar"])
    page = province.get(f"/perencanaan/{plan.pk}/").content.decode()
    assert "Tambah kejuruan prioritas" not in page and "Ajukan ke Kementerian" not in page  # reads, does not write
    assert "Kota Bandung" in province.get(f"/perencanaan/?tahun={year}").content.decode()
    assert province.get(f"/perencanaan/rekap/32/?tahun={year}").status_code == 200
    assert _client(people["bandung"]).get(f"/perencanaan/rekap/32/?tahun={year}").status_code == 403
    assert _client(people["citizen"]).get("/perencanaan/").status_code == 403
    assert province.get("/perencanaan/rekap/99/").status_code == 404
    assert province.get("/perencanaan/999999/").status_code == 404


def test_the_ministry_sees_the_nation_and_returns_only_with_a_reason(today_world):
    fields, people = today_world
    year = timezone.localdate().year + 1
    officer = _client(people["bandung"])
    officer.post("/perencanaan/baru/", {"region": "32.73", "year": str(year)})
    plan = Plan.objects.get()
    officer.post(f"/perencanaan/{plan.pk}/baris/", {"vocational_field": fields["OTO"].pk, "people": "40", "reason": "Bengkel"})
    officer.post(f"/perencanaan/{plan.pk}/ajukan/")
    ministry = _client(people["curator"])
    national = ministry.get(f"/perencanaan/?tahun={year}").content.decode()
    assert 'data-province="32"' in national and "Jawa Barat" in national
    assert "Kembalikan ke daerah" in ministry.get(f"/perencanaan/{plan.pk}/").content.decode()
    r = ministry.post(f"/perencanaan/{plan.pk}/kembalikan/", {"reason": " "})
    assert r.status_code == 400 and Plan.objects.get(pk=plan.pk).status == "submitted"
    r = ministry.post(f"/perencanaan/{plan.pk}/kembalikan/", {"reason": "Sebutkan industri penyerapnya."})
    assert r.status_code == 302 and Plan.objects.get(pk=plan.pk).status == "returned"
    assert "Sebutkan industri penyerapnya." in officer.get(f"/perencanaan/{plan.pk}/").content.decode()
    # Submitting twice is a conflict page, not a 500.
    officer.post(f"/perencanaan/{plan.pk}/ajukan/")
    assert officer.post(f"/perencanaan/{plan.pk}/ajukan/").status_code == 409
