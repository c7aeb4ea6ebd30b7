import pytest
from django import forms

from sisnaker.regions.fields import RegionPickerField
from sisnaker.regions.models import District


class PickForm(forms.Form):
    domicile = RegionPickerField(label="Domisili")


@pytest.mark.django_db
def test_regency_options(client, regions):
    resp = client.get("/wilayah/kabupaten/", {"province": "32"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert '<option value="32.73">Kota Bandung</option>' in html
    assert "31.71" not in html


@pytest.mark.django_db
def test_district_options(client, regions):
    html = client.get("/wilayah/kecamatan/", {"regency": "32.73"}).content.decode()
    assert 'value="32.73.01"' in html and "<option" in html
    assert "32.01." not in html


@pytest.mark.django_db
def test_options_from_picker_field_names_and_reset(client, regions):
    html = client.get(
        "/wilayah/kabupaten/", {"from": "domicile_0", "domicile_0": "32", "reset": "id_domicile_2"}
    ).content.decode()
    assert 'value="32.73"' in html
    assert 'id="id_domicile_2" hx-swap-oob="innerHTML"' in html


@pytest.mark.django_db
def test_unknown_parent_gives_only_placeholder(client, regions):
    html = client.get("/wilayah/kecamatan/", {"regency": "99.99"}).content.decode()
    assert html.count("<option") == 1


@pytest.mark.django_db
def test_valid_choice_cleans_to_district(regions):
    form = PickForm(data={"domicile_0": "32", "domicile_1": "32.73", "domicile_2": "32.73.01"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["domicile"] == District.objects.get(code="32.73.01")


@pytest.mark.django_db
def test_district_not_in_regency_is_refused(regions):
    form = PickForm(data={"domicile_0": "32", "domicile_1": "32.73", "domicile_2": "31.71.01"})
    assert not form.is_valid()
    assert "Kecamatan yang dipilih tidak berada di kabupaten/kota tersebut." in form.errors["domicile"]


@pytest.mark.django_db
def test_regency_not_in_province_is_refused(regions):
    form = PickForm(data={"domicile_0": "31", "domicile_1": "32.73", "domicile_2": "32.73.01"})
    assert not form.is_valid()
    assert "provinsi" in form.errors["domicile"][0]


@pytest.mark.django_db
def test_no_js_resubmit_fills_regencies(regions):
    form = PickForm(data={"domicile_0": "32", "domicile_1": "", "domicile_2": ""})
    assert not form.is_valid()
    assert form.errors["domicile"] == ["Pilih kabupaten/kota."]
    html = str(form["domicile"])
    assert '<option value="32.73">Kota Bandung</option>' in html
    assert 'name="domicile_2"' in html and 'value="32.73.01"' not in html


@pytest.mark.django_db
def test_widget_renders_htmx_chain_and_full_width(regions):
    html = str(PickForm(initial={"domicile": District.objects.get(code="32.73.01")})["domicile"])
    assert 'hx-get="/wilayah/kabupaten/?from=domicile_0' in html
    assert 'hx-target="#id_domicile_1"' in html and 'hx-trigger="change"' in html
    assert 'hx-get="/wilayah/kecamatan/?from=domicile_1' in html
    assert 'class="region-select"' in html and "style=" not in html  # full width comes from sisnaker.css (CSP)
    assert '<option value="32.73.01" selected>' in html


@pytest.mark.django_db
def test_empty_required_field(regions):
    form = PickForm(data={})
    assert not form.is_valid()
    assert "Pilih provinsi" in form.errors["domicile"][0]
