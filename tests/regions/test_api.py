import pytest

from sisnaker.regions.selectors import region_for_code, regions_search


@pytest.mark.django_db
def test_provinces(client, regions):
    data = client.get("/api/v1/regions/provinces").json()
    assert len(data) == 38 and {"code": "32", "name": "Jawa Barat"} in data


@pytest.mark.django_db
def test_regencies_and_districts(client, regions):
    regs = client.get("/api/v1/regions/provinces/32/regencies").json()
    assert {"code": "32.73", "name": "Kota Bandung"} in regs
    dists = client.get("/api/v1/regions/regencies/32.73/districts").json()
    assert all(d["code"].startswith("32.73.") for d in dists) and dists


@pytest.mark.django_db
def test_unknown_codes_404(client, regions):
    for url in (
        "/api/v1/regions/provinces/99/regencies",
        "/api/v1/regions/regencies/99.99/districts",
        "/api/v1/regions/resolve/999999",
    ):
        resp = client.get(url)
        assert resp.status_code == 404, url
        assert resp.json()["code"] == "region_not_found"
        assert "tidak dikenal" in str(resp.json())


@pytest.mark.django_db
def test_resolve_retired_district(client, regions):
    data = client.get("/api/v1/regions/resolve/910101").json()
    assert data["province"]["code"] == "93"
    assert data["regency"]["code"] == "93.01"
    assert data["district"] == {"code": "93.01.01", "name": "Merauke"}
    assert data["retired_from"] == "91.01.01"


@pytest.mark.django_db
def test_resolve_current_and_regency_codes(client, regions):
    data = client.get("/api/v1/regions/resolve/32.73.01").json()
    assert data["level"] == "district" and data["retired_from"] is None
    assert client.get("/api/v1/regions/resolve/9101").json()["regency"]["code"] == "93.01"


@pytest.mark.django_db
def test_selectors(regions):
    assert region_for_code("64.73.01").regency.code == "65.71"
    assert region_for_code("") is None and region_for_code("12345") is None
    names = [r.name for r in regions_search("bandung")]
    assert "Kota Bandung" in names
