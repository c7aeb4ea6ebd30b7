import pytest
from django.urls import reverse

from sisnaker.accounts import selectors, services
from sisnaker.accounts.models import Person, RoleAssignment
from sisnaker.core.errors import PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.core.roles import Role
from sisnaker.payments.services import payout
from sisnaker.regions.models import District
from tests.factories import AdminFactory, CuratorFactory, PersonFactory, RegionalOfficerFactory

pytestmark = pytest.mark.django_db


def _update(person, actor, **kw):
    values = dict(
        education=person.education, phone=person.phone, email=person.email,
        domicile_district=person.domicile_district,
    )
    values.update(kw)
    return services.person_update(actor=actor, person=person, **values)


def test_a_person_corrects_their_own_data_and_the_change_is_audited(citizen):
    new_home = District.objects.get(code="35.78.01")
    _update(citizen, citizen.user, domicile_district=new_home, address="Jl. Baru 1")
    person = Person.objects.get(pk=citizen.pk)
    assert person.domicile_district_id == "35.78.01"
    event = AuditEvent.objects.filter(action="person.updated").latest("id")
    assert event.before["domicile_district"] == "32.73.01" and event.after["domicile_district"] == "35.78.01"


def test_nobody_else_may_correct_a_persons_data(citizen):
    other = PersonFactory()
    with pytest.raises(PermissionDenied):
        _update(citizen, other.user, address="Dipalsukan")
    assert Person.objects.get(pk=citizen.pk).address != "Dipalsukan"


def test_the_owner_cannot_rename_themself_the_name_is_corrected_by_staff(client, citizen):
    # A QA probe: a citizen renamed themself "Presiden Republik Indonesia" from the profile page, and the next
    # certificate would have been signed in that name. The page shows the name and how to have it corrected.
    client.force_login(citizen.user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert citizen.full_name in page and 'name="full_name"' not in page and reverse("privacy:mine") in page
    form = {"education": citizen.education, "phone": citizen.phone, "email": citizen.email, "domicile_0": "32",
            "domicile_1": "32.73", "domicile_2": "32.73.01", "domicile": "32.73.01", "address": "Jl. Baru 2",
            "full_name": "Presiden Republik Indonesia"}
    assert client.post(reverse("accounts:profile"), form).status_code == 302
    person = Person.objects.get(pk=citizen.pk)
    assert person.full_name == citizen.full_name and person.address == "Jl. Baru 2"
    with pytest.raises(TypeError):
        services.person_update(actor=citizen.user, person=citizen, full_name="X", education=citizen.education,
                               phone=citizen.phone, email=citizen.email, domicile_district=citizen.domicile_district)


def test_whose_contact_a_number_is_is_told_only_with_the_password_and_a_few_times(client, citizen, settings):
    # A QA probe checked 50 numbers in 2 s from the profile: "used by another account" came before the password.
    other = PersonFactory()
    client.force_login(citizen.user)
    form = {"education": citizen.education, "phone": other.phone, "email": citizen.email or "", "domicile_0": "32",
            "domicile_1": "32.73", "domicile_2": "32.73.01", "domicile": "32.73.01"}
    page = client.post(reverse("accounts:profile"), form).content.decode()
    assert "sudah dipakai akun lain" not in page and "kata sandi" in page
    settings.SISNAKER_RATE_LIMITS = {"contact_answer.ip": [2, 3600]}
    settings.SISNAKER_TRUSTED_PROXIES = ()
    answers = [client.post(reverse("accounts:profile"), form | {"current_password": "Rahasia-Kuat-2026"},
                           REMOTE_ADDR="203.0.113.9") for _ in range(3)]
    assert [r.status_code for r in answers] == [400, 400, 429]
    assert "Nomor HP ini sudah dipakai akun lain" in answers[0].content.decode()
    last = answers[2].content.decode()
    assert "Nomor HP ini sudah dipakai akun lain" not in last and "Terlalu banyak percobaan" in last


def test_the_profile_links_to_the_payout_account_page_and_has_no_bank_fields(client, citizen):
    client.force_login(citizen.user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("payments:account") in page and "Rekening pencairan" in page
    assert 'name="bank_' not in page


def test_data_download_has_everything_and_is_logged(citizen):
    data = services.person_export_own(actor=citizen.user, person=citizen)
    assert data["nik"] == citizen.nik and data["full_name"] == citizen.full_name
    assert data["domicile"]["regency"] == "Kota Bandung"
    assert data["payout_account"] is None
    payout.payout_account_set(actor=citizen.user, person=citizen, channel="bank", provider_code="002",
                              number="0123-4567-8901", holder_name=citizen.full_name, current_password="Rahasia-Kuat-2026")
    data = services.person_export_own(actor=citizen.user, person=citizen)
    assert data["payout_account"]["number"] == "****8901" and data["payout_account"]["provider"] == "BRI"
    assert data["payout_account"]["holder"] == citizen.full_name and data["payout_account"]["status"] == "verified"
    assert "012345678901" not in str(data)
    assert AuditEvent.objects.filter(action="person.exported", object_id=str(citizen.pk)).exists()


def test_staff_view_of_a_full_record_is_scoped_and_logged(citizen):
    officer = RegionalOfficerFactory(username="o1", first_name="Officer", area="32.73")
    services.person_record_view(actor=officer, person=citizen, purpose="verifikasi posko")
    assert AuditEvent.objects.filter(action="person.viewed", actor=officer).count() == 1
    far = RegionalOfficerFactory(username="o2", first_name="Far", area="94")
    with pytest.raises(PermissionDenied):
        services.person_record_view(actor=far, person=citizen)
    view = selectors.person_public_view(viewer=officer, person=citizen)
    assert view["nik"] == citizen.nik
    curator = CuratorFactory(username="c1", first_name="Cur")
    assert selectors.person_public_view(viewer=curator, person=citizen)["nik"] == citizen.nik_masked


def test_role_scope_rules_are_enforced_by_service_and_database(citizen):
    admin = AdminFactory(username="adm", first_name="Adm")
    user = citizen.user
    with pytest.raises(ValidationFailed):
        services.role_grant(actor=admin, user=user, role=Role.REGIONAL_OFFICER)  # needs an area
    with pytest.raises(ValidationFailed):
        services.role_grant(actor=admin, user=user, role=Role.CURATOR, region_code="32")  # national
    with pytest.raises(ValidationFailed):
        services.role_grant(actor=admin, user=user, role=Role.REGIONAL_OFFICER, region_code="99")  # unknown
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=user, user=user, role=Role.ADMIN)
    assignment = services.role_grant(actor=admin, user=user, role=Role.REGIONAL_OFFICER, region_code="32")
    assert {a.role for a in RoleAssignment.objects.filter(user=user, is_active=True)} == {"citizen", "regional_officer"}
    services.role_revoke(actor=admin, assignment=assignment, reason="mutasi")
    assert AuditEvent.objects.filter(action__in=["role.granted", "role.revoked"], actor=admin).count() == 2
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.INSTITUTION_MANAGER)  # no institution: refused by the DB


def test_officer_lists_residents_of_their_area_and_opening_one_is_logged(client, citizen):
    far = PersonFactory(nik_district="35.78.01", domicile="35.78.01")
    officer = RegionalOfficerFactory(username="o9", first_name="Officer", area="32.73")
    client.force_login(officer)
    page = client.get("/akun/orang/").content.decode()
    assert citizen.full_name in page and citizen.nik_masked in page
    assert f"/akun/orang/{far.pk}/" not in page
    detail = client.get(f"/akun/orang/{citizen.pk}/")
    assert detail.status_code == 200 and citizen.nik in detail.content.decode()
    assert AuditEvent.objects.filter(action="person.viewed", actor=officer, object_id=str(citizen.pk)).exists()
    assert client.get(f"/akun/orang/{far.pk}/").status_code == 403
    client.force_login(citizen.user)
    assert client.get("/akun/orang/").status_code == 403


@pytest.mark.django_db
def test_revoking_the_admin_role_also_takes_the_django_admin_flags(regions):
    from sisnaker.accounts.models import User
    from sisnaker.accounts.services import role_grant, role_revoke

    root = User.objects.create(username="root-admin")
    role_grant(actor=None, user=root, role="admin")
    other = User.objects.create(username="second-admin")
    assignment = role_grant(actor=None, user=other, role="admin")
    assert User.objects.filter(pk=other.pk, is_staff=True, is_superuser=True).exists()
    role_revoke(actor=User.objects.get(pk=root.pk), assignment=assignment, reason="Pindah tugas")
    assert User.objects.filter(pk=other.pk, is_staff=False, is_superuser=False).exists()
