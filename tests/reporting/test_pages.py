"""The dashboards as users meet them: the scope comes from the grant, a region outside it is refused, the public
page hides small cells, every table downloads."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from sisnaker.reporting import services
from tests.factories import PersonFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(world):
    services.figures_refresh(now=timezone.now(), full=True)
    return world


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_a_regency_officer_opens_on_their_regency(client, figures):
    officer = staff("regional_officer", region_code="32.73")
    r = _get(client, officer, "/laporan/?tahun=2025")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Kota Bandung" in html.upper() or "BANDUNG" in html.upper()
    # The cards: three Bandung residents applied in 2025 (Eko lives in Surabaya).
    assert 'data-measure="applicants"' in html
    cards = html.split('data-measure="applicants"')[1].split("</li>")[0]
    assert ">3<" in cards


def test_the_pages_open_on_this_year_even_when_next_year_already_has_figures(client, figures):
    """A training that starts next year already counts there; the pages still open on this year (or the newest
    before it), and next year stays one click away."""
    import datetime as dt

    from sisnaker.placement.models import Placement
    from sisnaker.reporting import selectors

    this_year = timezone.localdate().year
    Placement.objects.create(person=figures.people["ani"], employer_name="CV Depan", position="Teknisi",
                             start_date=dt.date(this_year + 1, 1, 6), source="employer", created_at=timezone.now())
    services.figures_refresh(now=timezone.now(), full=True)
    years = selectors.years()
    assert years[0] == this_year + 1
    expected = str(max(y for y in years if y <= this_year))
    assert client.get("/statistik/").context["year_choice"] == expected
    curator = staff("curator")
    assert _get(client, curator, "/laporan/").context["year_choice"] == expected
    assert client.get(f"/statistik/?tahun={this_year + 1}").context["year_choice"] == str(this_year + 1)


def test_ktp_basis_counts_the_mover_in_his_ktp_regency(client, figures):
    officer = staff("regional_officer", region_code="32.73")
    html = _get(client, officer, "/laporan/?tahun=2025&dasar=ktp").content.decode()
    cards = html.split('data-measure="applicants"')[1].split("</li>")[0]
    assert ">4<" in cards


def test_a_region_outside_the_officers_area_is_refused_but_inside_it_opens(client, figures):
    officer = staff("regional_officer", region_code="32.73")
    assert _get(client, officer, "/laporan/?wilayah=35.78").status_code == 403
    assert _get(client, officer, "/laporan/?wilayah=").status_code == 403  # the nation is outside too
    assert _get(client, officer, "/laporan/?wilayah=32.73.01").status_code == 200
    assert _get(client, officer, "/laporan/unduh.csv?wilayah=35.78").status_code == 403


def test_unknown_region_or_year_is_explained_not_a_crash(client, figures):
    officer = staff("pmo_officer")
    r = _get(client, officer, "/laporan/?wilayah=99.99")
    assert r.status_code == 404 and "tidak dikenal" in r.content.decode()
    r = client.get("/laporan/?tahun=1890")
    assert r.status_code == 404 and "1890" in r.content.decode()
    assert client.get("/laporan/?tahun=abc").status_code == 404
    assert client.get("/laporan/?wilayah=%00").status_code == 400  # refused before any view (core.nul)


def test_a_citizen_has_no_dashboard(client, figures):
    person = PersonFactory()
    assert _get(client, person.user, "/laporan/").status_code == 403


def test_the_ministry_sees_the_nation_and_drills_down(client, figures):
    curator = staff("curator")
    html = _get(client, curator, "/laporan/?tahun=2025").content.decode()
    assert 'data-table="wilayah"' in html and 'data-key="32"' in html and 'data-key="35"' in html
    assert "wilayah=32" in html  # the province links to its own page
    html = client.get("/laporan/?tahun=2025&wilayah=32").content.decode()
    assert 'data-key="32.73"' in html


def test_every_table_downloads_as_xlsx_and_csv(client, figures):
    officer = staff("pmo_officer")
    client.force_login(officer)
    r = client.get("/laporan/unduh.csv?tahun=2025&tabel=wilayah")
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[1][0] == "Provinsi"
    assert [row[:2] for row in rows[2:4]] == [["Jawa Barat", "3"], ["Jawa Timur", "1"]] or rows[2][1] == "3"
    r = client.get("/laporan/unduh.xlsx?tahun=2025&tabel=rincian&rincian=sex")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(r.content)).get_sheet_by_index(0).to_python()
    labels = [row[0] for row in sheet[3:]]
    assert "Perempuan" in labels and "Laki-laki" in labels
    assert client.get("/laporan/unduh.csv?tabel=nope").status_code == 404


def test_the_public_page_hides_small_cells(client, figures):
    r = client.get("/statistik/?tahun=2025")
    assert r.status_code == 200
    html = r.content.decode()
    # Four applicants in the nation: below the threshold, hidden — in the cards and in the province table.
    cards = html.split('data-measure="applicants"')[1].split("</li>")[0]
    assert "•" in cards and ">4<" not in cards
    table = html.split('data-table="wilayah"')[1].split("</table>")[0]
    assert ">3<" not in table and ">1<" not in table
    # The map is drawn, its hidden provinces without their numbers.
    assert '<svg class="map"' in html and "Jawa Barat: 3" not in html
    # No institution breakdown and no money on the public page.
    assert 'value="institution"' not in html and 'data-measure="incentives_paid"' not in html


def test_the_public_page_shows_cells_at_or_above_the_threshold(client, figures, settings):
    from sisnaker.training.domain import EnrollmentState as E
    from tests.factories import EnrollmentFactory

    from .conftest import T2025

    for i in range(6):
        EnrollmentFactory(program=figures.program, person=PersonFactory(full_name=f"Warga {i}"), state=E.REGISTERED,
                          registered_at=T2025, state_changed_at=T2025)
    services.figures_refresh(now=timezone.now(), full=True)
    html = client.get("/statistik/?tahun=2025").content.decode()
    cards = html.split('data-measure="applicants"')[1].split("</li>")[0]
    assert ">10<" in cards
    table = html.split('data-table="wilayah"')[1].split("</table>")[0]
    # Jawa Barat 9 shown; Jawa Timur 1 hidden, and so Jawa Barat must be hidden too (10 − 9 = 1).
    assert ">9<" not in table


def test_the_public_csv_keeps_hidden_cells_hidden(client, figures):
    r = client.get("/statistik/unduh.csv?tahun=2025&tabel=wilayah")
    body = r.content.decode()
    assert r.status_code == 200 and ",3" not in body and "disembunyikan" in body


def test_behind_the_figures_a_person_outside_the_area_is_refused_and_inside_it_logged(client, figures):
    """Issue 13: aggregates outside the officer's scope, never persons; a record inside it is opened and logged."""
    from sisnaker.core.models import AuditEvent

    officer = staff("regional_officer", region_code="32.73")
    client.force_login(officer)
    outsider = PersonFactory(full_name="Warga Surabaya", nik_district="35.78.01", domicile="35.78.01")
    assert client.get(f"/akun/orang/{outsider.pk}/").status_code == 403
    # …while Surabaya's figures are there for anyone, as aggregates, on the public page.
    assert client.get("/statistik/?wilayah=35.78").status_code == 200
    resident = figures.people["ani"]
    assert client.get(f"/akun/orang/{resident.pk}/").status_code == 200
    seen = AuditEvent.objects.filter(action="person.viewed", actor=officer, object_id=str(resident.pk))
    assert seen.count() == 1
    assert not AuditEvent.objects.filter(action="person.viewed", object_id=str(outsider.pk)).exists()


@pytest.mark.parametrize("query", [
    "tahun=99999999999999999999", "tahun=-1", "tahun=2025.5", "rincian=<script>", "rincian=institution",
    "dasar=x", "wilayah=32.73.01.99", "wilayah=32.7", "wilayah=%20", "wilayah=32&tabel=x", "tahun=semua&wilayah=35",
    "wilayah=" + "9" * 500,
])
def test_odd_public_queries_get_a_page_or_a_clear_refusal_never_a_crash(client, figures, query):
    for path in ("/statistik/", "/statistik/unduh.csv"):
        r = client.get(f"{path}?{query}")
        assert r.status_code in (200, 400, 404), (path, query, r.status_code)
        if r.status_code != 200:
            assert "wilayah" in r.content.decode().lower() or "tahun" in r.content.decode().lower() or "tabel" in r.content.decode().lower()


def test_a_public_breakdown_whose_total_is_small_hides_the_total_instead_of_showing_zero(figures):
    """Kota Bandung had 3 applicants in 2025: the card hides the number, and so must the totals under the
    breakdown and the month table, which showed "0" (and then, told the total was 0, let cells through)."""
    from sisnaker.reporting import domain, selectors

    page = selectors.dashboard(region="32.73", basis=domain.DEFAULT_BASIS, year=2025, dim="sex", public=True)
    assert page.totals["applicants"][0] is None
    for table in (page.breakdown, page.trend):
        i = [m.key for m in table.columns].index("applicants")
        assert table.total[i] is None, table.key
        assert all(r.cells[i] in (None, 0) for r in table.rows)
        assert sum(r.cells[i] or 0 for r in table.rows) == 0  # nothing shown from which the 3 could be rebuilt
    staff_page = selectors.dashboard(region="32.73", basis=domain.DEFAULT_BASIS, year=2025, dim="sex", public=False)
    i = [m.key for m in staff_page.breakdown.columns].index("applicants")
    assert staff_page.breakdown.total[i] == 3


def test_the_public_page_may_be_kept_by_the_browser_but_never_by_a_shared_cache(client, figures):
    # A QA probe: "public, max-age=300" beside Set-Cookie and the visitor's CSRF token and menu in the body.
    r = client.get("/statistik/?tahun=2025")
    assert r["Cache-Control"] == "private, max-age=300"
    # And the page says how fresh its figures are and when today's changes show (a QA pass waited for them).
    assert "dihitung ulang setiap jam" in r.content.decode()
