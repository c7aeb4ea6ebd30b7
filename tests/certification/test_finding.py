"""Finding what was done (issue 9 §5): a citizen reaches their certificates from the menu and from
"Pelatihan saya"; staff reach a certificate's page from the readiness board, the program's manage page and
the participant's page; each role's home shows its own work with counts, in a fixed number of queries;
dates read one way; histories show words, not codes or Python dicts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from sisnaker.accounts.models import IdentityDispute
from sisnaker.accounts.services import role_grant
from sisnaker.certification import services as cert_services
from sisnaker.core import audit
from sisnaker.core.roles import Role
from sisnaker.institutions.models import Institution
from tests.certification.test_board import build, enroll, login, running_program, units_for
from tests.factories import PersonFactory
from tests.training.test_services import make_institution, make_staff, user_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(signup_data):
    w = build()
    w.cert = cert_services.certificate_issue(actor=w.manager, enrollment=w.enrollments["Ani"].pk, now=timezone.now())
    return w


# --- the citizen ------------------------------------------------------------------------------------------

def test_my_trainings_links_the_certificate_and_drops_steps_that_no_longer_apply(client, world):
    ani, budi = world.enrollments["Ani"], world.enrollments["Budi"]
    html = login(client, user_of(ani.person)).get(reverse("my_trainings")).content.decode()
    assert reverse("certification:certificate", args=[world.cert.pk]) in html
    assert world.cert.number in html and reverse("certification:pdf", args=[world.cert.pk]) in html
    assert "Ikuti pelatihan" not in html and "Langkah berikutnya" not in html
    assert "Isi survei kesiapan kerja" not in html and "Beri ulasan" not in html
    # The menu offers "Sertifikat saya" to a signed-in citizen.
    assert f'href="{reverse("certification:mine")}"' in html
    # Someone still on the way keeps the next step ("Ikuti pelatihan sampai 30 Nov 2026": one date style).
    html = login(client, user_of(budi.person)).get(reverse("my_trainings")).content.decode()
    end = date_format(world.program.end_date)
    assert f"Ikuti pelatihan sampai {end}." in html and re.fullmatch(r"\d{1,2} \w{3} \d{4}", end)
    assert "certificate-issued" not in html


def test_a_certified_enrollment_offers_no_withdrawal_and_the_services_refuse_it(client, world):
    from sisnaker.core.errors import Conflict
    from sisnaker.training import services as training_services
    from sisnaker.training.models import Enrollment

    ani, budi = world.enrollments["Ani"], world.enrollments["Budi"]
    assert ani.source == Enrollment.Source.MANAGER  # enrolled by the institution: "not me" would be offered
    user = user_of(ani.person)
    html = login(client, user).get(reverse("my_trainings")).content.decode()
    assert reverse("training:withdraw", args=[ani.pk]) not in html and 'name="not_me"' not in html
    assert "Ikuti pelatihan" not in html and "certificate-issued" in html
    for not_me in (False, True):
        with pytest.raises(Conflict) as refused:
            training_services.enrollment_withdraw_self(actor=user, enrollment=ani, not_me=not_me)
        assert refused.value.code == "enrollment_certified" and "bukan saya" in refused.value.message.id
        assert "not me" in refused.value.message.en
    r = client.post(reverse("training:withdraw", args=[ani.pk]), {"not_me": "1"}, follow=True)
    assert any("sudah terbit" in str(m) for m in r.context["messages"])
    assert Enrollment.objects.get(pk=ani.pk).state == "participant"
    # The API says it too: the next step is the certificate, and withdrawing is refused.
    mine = client.get("/api/v1/training/me/enrollments")
    assert mine.status_code == 200
    step = next(e["next_step"] for e in mine.json() if e["id"] == ani.pk)
    assert "sertifikat Anda sudah terbit" in step and "Ikuti" not in step
    r = client.post(f"/api/v1/training/enrollments/{ani.pk}/withdraw", {"not_me": True}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "enrollment_certified"
    # Budi (no certificate) is still offered "not me" while the program runs.
    html = login(client, user_of(budi.person)).get(reverse("my_trainings")).content.decode()
    assert 'name="not_me"' in html


def test_my_certificates_page_lists_the_certificate(client, world):
    html = login(client, user_of(world.enrollments["Ani"].person)).get(reverse("certification:mine")).content.decode()
    assert world.cert.number in html and reverse("certification:certificate", args=[world.cert.pk]) in html


def test_staff_menu_has_no_citizen_certificates(client, world):
    html = login(client, world.manager).get(reverse("web:home")).content.decode()
    assert f'href="{reverse("certification:mine")}"' not in html


# --- staff: the certificate from the board, the manage page, the participant's page ---------------------------

def test_board_links_each_issued_row_to_its_certificate_page(client, world):
    url = reverse("certification:certificate", args=[world.cert.pk])
    html = login(client, world.manager).get(reverse("certification:board", args=[world.program.pk])).content.decode()
    row = re.search(rf'<tr id="e{world.enrollments["Ani"].pk}".*?</tr>', html, re.S).group(0)
    assert f'href="{url}"' in row and world.cert.number in row
    # A regional officer sees the board (enrollment.view) but may not open certificates: the public page instead.
    officer = make_staff(None)
    role_grant(actor=None, user=officer, role=Role.REGIONAL_OFFICER, region_code="32.73")
    html = login(client, officer).get(reverse("certification:board", args=[world.program.pk])).content.decode()
    assert f'href="{url}"' not in html and world.cert.verification_id in html


def test_certificate_page_shows_the_verification_count(client, world):
    client.get(reverse("verify:by_id", args=[world.cert.verification_id]))
    client.get(reverse("verify:by_id", args=[world.cert.verification_id]))
    html = login(client, world.manager).get(reverse("certification:certificate", args=[world.cert.pk])).content.decode()
    assert "Diperiksa publik" in html and "2×" in html


def test_manage_page_has_a_certificate_column_and_the_certification_links(client, world):
    html = login(client, world.manager).get(reverse("training:manage", args=[world.program.pk])).content.decode()
    row = re.search(rf'<tr id="e{world.enrollments["Ani"].pk}".*?</tr>', html, re.S).group(0)
    assert f'href="{reverse("certification:certificate", args=[world.cert.pk])}"' in row
    assert reverse("certification:board", args=[world.program.pk]) in html
    assert reverse("certification:assess", args=[world.program.pk]) in html
    budi = re.search(rf'<tr id="e{world.enrollments["Budi"].pk}".*?</tr>', html, re.S).group(0)
    assert 'class="certificate">—<' in budi


def test_manage_page_certificates_cost_one_query_whatever_the_rows(client, world, signup_data, django_assert_max_num_queries):
    client = login(client, world.manager)
    url = reverse("training:manage", args=[world.program.pk])
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for i in range(4):
        enroll(world.program, PersonFactory(full_name=f"Tambahan {i}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_participant_page_links_the_certificate_and_shows_words(client, world):
    ani = world.enrollments["Ani"]
    html = login(client, world.manager).get(
        reverse("training:enrollment", args=[world.program.pk, ani.pk])).content.decode()
    assert f'href="{reverse("certification:certificate", args=[world.cert.pk])}"' in html and world.cert.number in html
    assert "enrollment.recorded" not in html and "<code>enrollment." not in html
    budi = world.enrollments["Budi"]
    html = client.get(reverse("training:enrollment", args=[world.program.pk, budi.pk])).content.decode()
    assert "Belum ada sertifikat." in html


def test_audit_trail_shows_fields_not_python_dicts(client, world):
    admin = make_staff(None, Role.ADMIN)
    audit.record(actor=world.manager, action="program.start", obj=world.program, before={"status": "published"},
                 after={"status": "running"})
    html = login(client, admin).get(reverse("accounts:audit")).content.decode()
    assert "{&#x27;" not in html and "{'" not in html
    assert "Status: " in html


# --- each role's home -------------------------------------------------------------------------------------

def _work(html: str, key: str) -> int | None:
    match = re.search(rf'data-work="{key}".*?<strong class="count">(\d+)</strong>', html, re.S)
    return int(match.group(1)) if match else None


def test_manager_home_counts_blocked_and_ready_certificates(client, world):
    html = login(client, world.manager).get(reverse("web:home")).content.decode()
    # Ani has hers; Budi, Citra, Dedi and Eko each miss a step; nobody else is ready.
    assert _work(html, "not-ready") == 4 and _work(html, "ready") == 0
    assert "Daftarkan lembaga" in html  # managers may register another institution


def test_instructor_home_counts_participants_not_yet_assessed(client, world):
    html = login(client, world.instructor).get(reverse("web:home")).content.decode()
    # Dedi (nothing) and Eko (one unit of two) are not assessed in every unit.
    assert 'data-not-assessed="2"' in html
    assert "Daftarkan lembaga" not in html and 'data-work="not-ready"' not in html


def test_home_counts_in_a_fixed_number_of_queries(client, world, signup_data, django_assert_max_num_queries):
    for user in (world.manager, world.instructor):
        client = login(client, user)
        client.get(reverse("web:home"))
        with django_assert_max_num_queries(40) as first:
            client.get(reverse("web:home"))
        other = running_program(world.institution, units=units_for(f"LAIN{user.pk}"), title="Las Dasar")
        for i in range(3):
            enroll(other, PersonFactory(full_name=f"Peserta Las {user.pk} {i}"))
        with django_assert_max_num_queries(len(first.captured_queries)):
            html = client.get(reverse("web:home")).content.decode()
        if user == world.manager:
            assert _work(html, "not-ready") == 7


def test_approver_and_officer_home(client, world, signup_data):
    officer = make_staff(None)
    role_grant(actor=None, user=officer, role=Role.REGIONAL_OFFICER, region_code="32.73")
    Institution.objects.filter(pk=make_institution(regency="32.73").pk).update(status="pending")
    provisional = PersonFactory(full_name="Warga Sengketa")
    claimant = make_staff(None)
    IdentityDispute.objects.create(person=provisional, claimant=claimant, created_at=timezone.now())
    html = login(client, officer).get(reverse("web:home")).content.decode()
    assert _work(html, "approvals") == 1 and _work(html, "disputes") == 1
    assert "Daftarkan lembaga" not in html
    curator = make_staff(None, Role.CURATOR)
    html = login(client, curator).get(reverse("web:home")).content.decode()
    assert _work(html, "approvals") == 0 and _work(html, "disputes") is None and "Daftarkan lembaga" in html


def test_citizen_home_offers_register_and_certificates(client, world):
    html = login(client, user_of(world.enrollments["Budi"].person)).get(reverse("web:home")).content.decode()
    assert "Daftarkan lembaga" in html and 'data-work=' not in html


def test_instructor_home_says_when_assessment_opens_for_a_program_started_early(client, world):
    """Started before its planned day, the grid stays locked until then: the home page gave a to-do it refused."""
    from sisnaker.training.models import Program

    later = timezone.localdate() + dt.timedelta(days=5)
    Program.objects.filter(pk=world.program.pk).update(start_date=later, end_date=later + dt.timedelta(days=30))
    html = login(client, world.instructor).get(reverse("web:home")).content.decode()
    assert f'data-assessment-opens="{later.isoformat()}"' in html and "Penilaian dibuka" in html
    assert "data-not-assessed" not in html
