import pytest
from django.core.management import call_command

from sisnaker.core.models import AuditEvent
from sisnaker.regions.models import District, Province, Regency, RetiredCode
from sisnaker.regions.services import regions_load


def counts():
    return (
        Province.objects.count(),
        Regency.objects.count(),
        District.objects.count(),
        RetiredCode.objects.count(),
    )


@pytest.mark.django_db
def test_load_twice_is_idempotent(regions):
    first = regions_load()
    before = counts()
    second = regions_load()
    assert first == second
    assert counts() == before
    p, r, d, retired = before
    assert (p, r) == (38, 514) and d >= 7277 and retired > 500
    assert retired == first["retired_codes"]
    assert AuditEvent.objects.filter(action="regions.loaded").count() >= 2


@pytest.mark.django_db
def test_load_updates_changed_names(regions):
    Province.objects.filter(code="32").update(name="Salah")
    District.objects.filter(code="32.73.01").update(name="Salah")
    regions_load()
    assert Province.objects.get(code="32").name == "Jawa Barat"
    assert District.objects.get(code="32.73.01").name != "Salah"


@pytest.mark.django_db
def test_load_drops_stale_retired_rows(regions):
    RetiredCode.objects.create(old_code="99.99", new_code="32.73", level="regency")
    regions_load()
    assert not RetiredCode.objects.filter(old_code="99.99").exists()


@pytest.mark.django_db
def test_command_prints_counts(regions, capsys):
    call_command("loadregions")
    out = capsys.readouterr().out
    assert "38 provinsi" in out and "514 kabupaten/kota" in out
