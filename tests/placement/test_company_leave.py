"""A staff member leaves a company by themselves (issue 12, "What is left": "a staff member cannot leave by
themselves"): from "Perusahaan saya", at once (their next request, same session, is refused), audited, the manager
told; the manager cannot leave without handing the role over first (the hand-over's "leave" box does both)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts.models import RoleAssignment, User
from sisnaker.core.errors import Conflict, NotFound, PermissionDenied
from sisnaker.core.models import AuditEvent
from sisnaker.core.permissions import can
from sisnaker.notifications.models import Notification
from sisnaker.placement import selectors, services
from sisnaker.placement.models import Company
from tests.factories import CompanyFactory, employer
from tests.placement.test_jobs_services import published

NOW = timezone.make_aware(dt.datetime(2026, 3, 10, 9, 0))


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # grants are read once per user object (once per request in the pages)


def test_a_staff_member_leaves_and_loses_access_at_once(regions):
    company = CompanyFactory()
    boss, vacancy = published(company)
    User.objects.filter(pk=boss.pk).update(email="rina@example.id")
    clerk = employer(company, manager=False, first_name="Joko")
    assert selectors.applicants(viewer=fresh(clerk), vacancy_id=vacancy.pk)[0] == vacancy
    assert can(fresh(clerk), "vacancy.manage", vacancy)

    role = services.company_leave(actor=fresh(clerk), company_id=company.pk, now=NOW)
    assert not role.is_active and not RoleAssignment.objects.get(user=clerk, company=company).is_active
    [row] = AuditEvent.objects.filter(action="company.staff_left", object_id=str(role.pk))
    assert row.actor_id == clerk.pk and row.after == {"is_active": False, "user": clerk.pk, "company": company.pk}
    # The scope machinery: no grant of the company any more, so nothing of it is theirs.
    left = fresh(clerk)
    assert all(g.company_id != company.pk for g in left.grants)
    assert not can(left, "vacancy.manage", vacancy) and not can(left, "company.view", company)
    with pytest.raises(PermissionDenied):
        selectors.applicants(viewer=left, vacancy_id=vacancy.pk)
    assert selectors.my_companies(user=left) == []
    # The manager is told; leaving twice is no staff any more.
    [told] = Notification.objects.filter(topic="company.staff_left")
    assert told.recipient == "rina@example.id" and "Joko" in told.body
    with pytest.raises(PermissionDenied):
        services.company_leave(actor=left, company_id=company.pk, now=NOW)
    # Added again later, the same role comes back.
    services.company_add_staff(actor=fresh(boss), company_id=company.pk, username=clerk.username, now=NOW)
    assert can(fresh(clerk), "vacancy.manage", vacancy)


def test_the_manager_cannot_leave_without_handing_over(regions):
    company = CompanyFactory()
    boss = employer(company)
    clerk = employer(company, manager=False)
    with pytest.raises(Conflict) as refused:
        services.company_leave(actor=boss, company_id=company.pk, now=NOW)
    assert refused.value.code == "company_manager_stays" and "serahkan" in refused.value.message.id
    assert RoleAssignment.objects.get(user=boss, company=company).is_active
    assert not AuditEvent.objects.filter(action="company.staff_left").exists()
    # Handing over first, the old manager is plain staff and may leave.
    services.company_hand_over(actor=fresh(boss), company_id=company.pk, to_user_id=clerk.pk, now=NOW)
    services.company_leave(actor=fresh(boss), company_id=company.pk, now=NOW)
    assert list(RoleAssignment.objects.filter(company=company, is_active=True).values_list("user_id", flat=True)) == [clerk.pk]


def test_leaving_is_for_the_companys_own_staff_whatever_its_status(regions):
    company = CompanyFactory(status="suspended", status_reason="Diperiksa")
    employer(company)
    clerk = employer(company, manager=False)
    other = employer(CompanyFactory(), manager=False)
    with pytest.raises(PermissionDenied):  # another company's staff
        services.company_leave(actor=other, company_id=company.pk, now=NOW)
    with pytest.raises(NotFound):
        services.company_leave(actor=other, company_id=company.pk + 999, now=NOW)
    services.company_leave(actor=clerk, company_id=company.pk, now=NOW)  # a suspended company: still possible
    assert not RoleAssignment.objects.get(user=clerk, company=company).is_active
    assert RoleAssignment.objects.get(user=other).is_active


# --- the page -----------------------------------------------------------------------------------------------

def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_staff_member_leaves_from_their_company_page(regions):
    company = CompanyFactory(name="PT Sinar Las")
    boss_user, vacancy = published(company)
    clerk = employer(company, manager=False, first_name="Sari")
    leave = reverse("placement:company_leave", args=[company.pk])
    mine = reverse("placement:company_mine")
    applicants = reverse("placement:vacancy_applicants", args=[vacancy.pk])

    clerk_client = _client(clerk)
    page = clerk_client.get(mine).content.decode()
    assert leave in page and "Keluar dari perusahaan ini" in page
    boss = _client(boss_user)
    boss_page = boss.get(mine).content.decode()
    assert leave not in boss_page and "serahkan peran pengelola" in boss_page  # the manager is told how instead
    assert clerk_client.get(applicants).status_code == 200

    response = clerk_client.post(leave, follow=True)
    assert "Anda telah keluar dari perusahaan" in response.content.decode()
    assert company.name not in clerk_client.get(mine).content.decode()
    assert clerk_client.get(applicants).status_code == 403  # the same session, the very next request

    # The manager posting anyway: a message, not a 500, and still the manager.
    response = boss.post(leave, follow=True)
    assert response.status_code == 200 and "serahkan dulu peran pengelola" in response.content.decode()
    assert Company.objects.get(pk=company.pk).manager_id == boss_user.pk
    # Someone of another company: refused.
    assert _client(employer()).post(leave).status_code == 403
    assert Client().post(leave).status_code == 302  # anonymous: to the log-in page
