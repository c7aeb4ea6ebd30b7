"""A company as a real employer keeps it (issue 12): its staff change its data (a change of the name, NIB or
regency of an approved company goes back to the regency office; a suspended company's identity cannot change), the
manager hands the role over (staying or leaving) and removes staff (never the manager), a removed person loses
access at their next request; each step writes its audit row. Services first, then the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts.models import RoleAssignment, User
from sisnaker.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.notifications.models import Notification
from sisnaker.placement import domain, selectors, services
from sisnaker.placement.models import Company
from sisnaker.regions.models import District
from tests.factories import CompanyFactory, PersonFactory, employer, staff
from tests.placement.test_jobs_services import published

NOW = timezone.make_aware(dt.datetime(2026, 3, 10, 9, 0))


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # grants are cached per user object (per request in the pages)


def data_of(company: Company, **over) -> services.CompanyData:
    values = dict(name=company.name, nib=company.nib, sector=company.sector, regency=company.regency,
                  district=company.district, address=company.address, contact_name=company.contact_name,
                  phone=company.phone, email=company.email)
    values.update(over)
    return services.CompanyData(**values)


def audits(action: str, obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=str(obj.pk)))


# --- the rule, pure -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "identity", "outcome"), [
    ("approved", False, "save"), ("approved", True, "review"), ("pending", True, "save"), ("pending", False, "save"),
    ("suspended", False, "save"), ("suspended", True, "refuse"), ("rejected", False, "resubmit"), ("rejected", True, "resubmit"),
])
def test_what_an_edit_does_by_status(status, identity, outcome):
    assert domain.company_edit_outcome(status=status, identity_changed=identity) == outcome


def test_a_change_of_identity_is_a_transition_from_approved_only():
    assert domain.company_next_status(action="change_identity", status="approved") == "pending"
    assert {s for s in domain.CompanyStatus.ALL if domain.company_next_status(action="change_identity", status=s)} == {"approved"}


# --- editing --------------------------------------------------------------------------------------------------

def test_staff_change_contacts_at_once_and_the_audit_names_what_changed(regions):
    company = CompanyFactory(address="Jl. Lama 1")
    clerk = employer(company, manager=False)
    district = District.objects.get(code="32.73.02")
    updated = services.company_update(actor=clerk, company_id=company.pk, now=NOW,
                                      data=data_of(company, address="Jl. Baru 2", phone="+62224201234", sector="G", district=district))
    assert (updated.status, updated.address, updated.sector, updated.district_id) == ("approved", "Jl. Baru 2", "G", "32.73.02")
    [row] = audits("company.updated", company)
    assert row.before == {"address": "Jl. Lama 1", "phone": "+62224200000", "sector": "C", "district": None}
    assert row.after["address"] == "Jl. Baru 2" and "status" not in row.after


def test_an_unchanged_form_writes_no_audit_row(regions):
    company = CompanyFactory()
    services.company_update(actor=employer(company), company_id=company.pk, data=data_of(company), now=NOW)
    assert not audits("company.updated", company)


@pytest.mark.parametrize("change", [{"nib": "9129999999999"}, {"name": "PT Nama Baru Sekali"}])
def test_changing_an_approved_companys_identity_needs_the_confirmation_and_goes_back_to_the_office(regions, change):
    company = CompanyFactory()
    boss = employer(company)
    _, vacancy = published(company)
    with pytest.raises(Conflict) as refused:
        services.company_update(actor=fresh(boss), company_id=company.pk, data=data_of(company, **change), now=NOW)
    assert (refused.value.code, refused.value.field) == ("company_review_needed", "confirm_review")
    company.refresh_from_db()
    assert company.status == "approved" and getattr(company, next(iter(change))) != next(iter(change.values()))

    officer = staff("regional_officer", region_code="32.73")
    User.objects.filter(pk=officer.pk).update(email="disnaker@bandung.test")
    updated = services.company_update(actor=fresh(boss), company_id=company.pk, data=data_of(company, **change),
                                      confirm_review=True, now=NOW)
    assert updated.status == "pending" and updated.status_changed_at == NOW
    [row] = audits("company.change_identity", company)
    assert row.before["status"] == "approved" and row.after["status"] == "pending"
    assert company in selectors.company_queue(viewer=officer)
    assert Notification.objects.filter(recipient="disnaker@bandung.test", topic="company.pending").exists()
    # Pending again: the vacancy is out of the search and its applicants are out of reach until the office decides.
    assert vacancy not in selectors.vacancy_search(selectors.SearchParams(), today=NOW.date())
    with pytest.raises(PermissionDenied):
        selectors.applicants(viewer=fresh(boss), vacancy_id=vacancy.pk)
    services.company_review(actor=officer, company_id=company.pk, action="approve", now=NOW)
    assert Company.objects.get(pk=company.pk).status == "approved"


def test_moving_to_another_regency_sends_the_company_to_that_regencys_office(regions):
    company = CompanyFactory()
    boss = employer(company)
    surabaya = District.objects.get(code="35.78.01")
    services.company_update(actor=boss, company_id=company.pk, data=data_of(company, regency=surabaya.regency, district=surabaya),
                            confirm_review=True, now=NOW)
    assert company in selectors.company_queue(viewer=staff("regional_officer", region_code="35.78"))
    assert company not in selectors.company_queue(viewer=staff("regional_officer", region_code="32.73"))


def test_a_suspended_companys_identity_cannot_change_but_its_contacts_can(regions):
    company = CompanyFactory(status="suspended", status_reason="Diperiksa")
    boss = employer(company)
    with pytest.raises(Conflict) as refused:
        services.company_update(actor=boss, company_id=company.pk, data=data_of(company, nib="9129999999998"),
                                confirm_review=True, now=NOW)
    assert (refused.value.code, refused.value.field) == ("company_identity_locked", "nib")
    services.company_update(actor=fresh(boss), company_id=company.pk, data=data_of(company, phone="+62224205555"), now=NOW)
    company.refresh_from_db()
    assert (company.status, company.phone) == ("suspended", "+62224205555") and company.nib != "9129999999998"


def test_a_pending_company_changes_anything_and_stays_pending(regions):
    boss = PersonFactory().user
    company = services.company_register(actor=boss, data=services.CompanyData(
        name="PT Menunggu", nib="9120000111111", sector="C", regency=District.objects.get(code="32.73.01").regency,
        district=District.objects.get(code="32.73.01"), phone="+62224201111"), now=NOW)
    updated = services.company_update(actor=fresh(boss), company_id=company.pk, data=data_of(company, nib="9120000111112"), now=NOW)
    assert (updated.status, updated.nib) == ("pending", "9120000111112")
    assert audits("company.updated", company)


def test_a_rejected_companys_edit_is_its_resubmission(regions):
    boss = PersonFactory().user
    company = services.company_register(actor=boss, data=services.CompanyData(
        name="PT Ditolak", nib="9120000222222", sector="C", regency=District.objects.get(code="32.73.01").regency,
        district=District.objects.get(code="32.73.01"), phone="+62224201111"), now=NOW)
    services.company_review(actor=staff("regional_officer", region_code="32.73"), company_id=company.pk, action="reject",
                            reason="NIB tidak cocok", now=NOW)
    company.refresh_from_db()
    updated = services.company_update(actor=fresh(boss), company_id=company.pk, data=data_of(company, nib="9120000222223"), now=NOW)
    assert (updated.status, updated.status_reason) == ("pending", "")
    assert audits("company.resubmit", company)


def test_the_nib_stays_unique_and_outsiders_edit_nothing(regions):
    company, other = CompanyFactory(), CompanyFactory()
    boss = employer(company)
    with pytest.raises(Conflict) as refused:
        services.company_update(actor=boss, company_id=company.pk, data=data_of(company, nib=other.nib), confirm_review=True, now=NOW)
    assert refused.value.code == "nib_exists"
    for outsider in (employer(other), staff("regional_officer", region_code="32.73"), PersonFactory().user):
        with pytest.raises(PermissionDenied):
            services.company_update(actor=outsider, company_id=company.pk, data=data_of(company, phone="+62224209999"), now=NOW)
    with pytest.raises(ValidationFailed):
        services.company_update(actor=fresh(boss), company_id=company.pk, data=data_of(company, nib="12"), now=NOW)
    with pytest.raises(NotFound):
        services.company_update(actor=fresh(boss), company_id=999_999, data=data_of(company), now=NOW)


# --- handing the manager role over ----------------------------------------------------------------------------

def test_the_manager_hands_over_and_stays_staff(regions):
    company = CompanyFactory()
    boss, clerk = employer(company), employer(company, manager=False)
    services.company_hand_over(actor=boss, company_id=company.pk, to_user_id=clerk.pk, now=NOW)
    company.refresh_from_db()
    assert company.manager_id == clerk.pk
    assert RoleAssignment.objects.filter(user=boss, company=company, is_active=True).exists()
    [row] = audits("company.manager_changed", company)
    assert (row.before, row.after) == ({"manager": boss.pk}, {"manager": clerk.pk})
    # The old manager is staff now: no more staff management; the new one manages.
    with pytest.raises(PermissionDenied):
        services.company_remove_staff(actor=fresh(boss), company_id=company.pk, user_id=clerk.pk, now=NOW)
    services.company_remove_staff(actor=fresh(clerk), company_id=company.pk, user_id=boss.pk, now=NOW)


def test_the_manager_hands_over_and_leaves(regions):
    company = CompanyFactory()
    boss, clerk = employer(company), employer(company, manager=False)
    services.company_hand_over(actor=boss, company_id=company.pk, to_user_id=clerk.pk, leave=True, now=NOW)
    assert not RoleAssignment.objects.filter(user=boss, company=company, is_active=True).exists()
    assert not fresh(boss).has_role("employer")
    assert audits("company.staff_removed", RoleAssignment.objects.get(user=boss, company=company))


def test_only_to_active_staff_of_the_same_company_and_only_by_the_manager(regions):
    company = CompanyFactory()
    boss, clerk = employer(company), employer(company, manager=False)
    outsider = employer()  # staff (the manager) of another company
    for target in (outsider, PersonFactory().user, boss):
        with pytest.raises(ValidationFailed) as refused:
            services.company_hand_over(actor=fresh(boss), company_id=company.pk, to_user_id=target.pk, now=NOW)
        assert refused.value.code == "company_not_staff"
    with pytest.raises(PermissionDenied):  # staff who are not the manager
        services.company_hand_over(actor=fresh(clerk), company_id=company.pk, to_user_id=clerk.pk, now=NOW)
    with pytest.raises(PermissionDenied):  # another company's manager
        services.company_hand_over(actor=fresh(outsider), company_id=company.pk, to_user_id=outsider.pk, now=NOW)
    assert Company.objects.get(pk=company.pk).manager_id == boss.pk


# --- removing staff -----------------------------------------------------------------------------------------

def test_the_manager_removes_staff_who_lose_access_at_once(regions):
    company = CompanyFactory()
    boss, vacancy = published(company)
    clerk = employer(company, manager=False)
    clerk_now = fresh(clerk)
    assert selectors.applicants(viewer=clerk_now, vacancy_id=vacancy.pk)[0] == vacancy
    services.company_remove_staff(actor=boss, company_id=company.pk, user_id=clerk.pk, now=NOW)
    role = RoleAssignment.objects.get(user=clerk, company=company)
    assert not role.is_active
    [row] = audits("company.staff_removed", role)
    assert row.after == {"is_active": False, "user": clerk.pk, "company": company.pk}
    with pytest.raises(PermissionDenied):
        selectors.applicants(viewer=fresh(clerk), vacancy_id=vacancy.pk)
    # Added again later: the same role comes back.
    services.company_add_staff(actor=fresh(boss), company_id=company.pk, username=clerk.username, now=NOW)
    assert RoleAssignment.objects.get(user=clerk, company=company).is_active


def test_the_manager_is_never_removed(regions):
    company = CompanyFactory()
    boss = employer(company)
    with pytest.raises(Conflict) as refused:
        services.company_remove_staff(actor=boss, company_id=company.pk, user_id=boss.pk, now=NOW)
    assert refused.value.code == "company_manager_stays"
    assert RoleAssignment.objects.get(user=boss, company=company).is_active


def test_removing_is_for_the_manager_even_while_suspended_and_only_of_own_staff(regions):
    company = CompanyFactory(status="suspended", status_reason="Diperiksa")
    boss, clerk = employer(company), employer(company, manager=False)
    other_clerk = employer(CompanyFactory(), manager=False)
    with pytest.raises(PermissionDenied):
        services.company_remove_staff(actor=clerk, company_id=company.pk, user_id=boss.pk, now=NOW)
    with pytest.raises(NotFound):
        services.company_remove_staff(actor=boss, company_id=company.pk, user_id=other_clerk.pk, now=NOW)
    services.company_remove_staff(actor=fresh(boss), company_id=company.pk, user_id=clerk.pk, now=NOW)
    assert RoleAssignment.objects.filter(company=company, is_active=True).count() == 1
    assert RoleAssignment.objects.get(user=other_clerk).is_active


# --- the pages ------------------------------------------------------------------------------------------------

def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(company: Company, **over) -> dict:
    district = company.district_id or "32.73.01"
    values = {"name": company.name, "nib": company.nib, "sector": company.sector, "location_0": district[:2],
              "location_1": district[:5], "location_2": district, "address": company.address,
              "contact_name": company.contact_name, "phone": company.phone, "email": company.email}
    values.update(over)
    return values


@pytest.mark.django_db
def test_the_edit_page_saves_contacts_and_asks_before_an_identity_change(regions):
    company = CompanyFactory()
    boss = _client(employer(company))
    url = reverse("placement:company_edit", args=[company.pk])
    page = boss.get(url)
    assert page.status_code == 200 and company.nib in page.content.decode()
    assert boss.post(url, _form(company, phone="+62224207777")).status_code == 302
    assert Company.objects.get(pk=company.pk).phone == "+62224207777"
    # The NIB without the box: the form comes back with the reason, nothing saved.
    response = boss.post(url, _form(company, phone="+62224207777", nib="9129999999997"))
    assert response.status_code == 400 and "menunggu persetujuan" in response.content.decode()
    assert Company.objects.get(pk=company.pk).nib == company.nib
    response = boss.post(url, _form(company, phone="+62224207777", nib="9129999999997", confirm_review="on"), follow=True)
    assert "pemeriksaan ulang" in response.content.decode()
    assert Company.objects.get(pk=company.pk).status == "pending"
    # Bad input: the form again, no 500.
    assert boss.post(url, _form(company, nib="abc", location_2="")).status_code == 400
    # Another company's staff: refused.
    assert _client(employer()).get(url).status_code == 403


@pytest.mark.django_db
def test_the_staff_list_removes_and_hands_over(regions):
    company = CompanyFactory()
    boss_user = employer(company, first_name="Rina")
    clerk = employer(company, manager=False, first_name="Joko")
    leaver = employer(company, manager=False, first_name="Sari")
    boss = _client(boss_user)
    page = boss.get(reverse("placement:company_mine")).content.decode()
    assert reverse("placement:company_remove_staff", args=[company.pk, leaver.pk]) in page
    assert reverse("placement:company_remove_staff", args=[company.pk, boss_user.pk]) not in page  # never the manager
    clerk_page = _client(clerk).get(reverse("placement:company_mine")).content.decode()
    assert "keluarkan/" not in clerk_page and reverse("placement:company_hand_over", args=[company.pk]) not in clerk_page
    leaver_client = _client(leaver)
    _, vacancy = published(company)
    applicants = reverse("placement:vacancy_applicants", args=[vacancy.pk])
    assert leaver_client.get(applicants).status_code == 200
    response = boss.post(reverse("placement:company_remove_staff", args=[company.pk, leaver.pk]), follow=True)
    assert "aksesnya ke perusahaan berakhir" in response.content.decode()
    assert leaver_client.get(applicants).status_code == 403  # the same session, the next request
    # The manager's own removal through the URL: a message, not a 500.
    response = boss.post(reverse("placement:company_remove_staff", args=[company.pk, boss_user.pk]), follow=True)
    assert "Serahkan peran pengelola" in response.content.decode()
    # Hand over and leave: the old manager's company is gone from their page.
    response = boss.post(reverse("placement:company_hand_over", args=[company.pk]), {"user": clerk.pk, "leave": "on"})
    assert response.status_code == 302
    assert Company.objects.get(pk=company.pk).manager_id == clerk.pk
    assert company.name not in boss.get(reverse("placement:company_mine")).content.decode()
    # The new manager's page offers the staff management the clerk's did not.
    page = _client(clerk).get(reverse("placement:company_mine")).content.decode()
    assert "keluarkan/" in page and reverse("placement:company_hand_over", args=[company.pk]) in page
