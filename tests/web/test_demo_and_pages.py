import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sisnaker.accounts.models import Person, User
from sisnaker.demo import data as demo
from sisnaker.regions import nik

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)  # as `sisnaker demo` runs: each request commits (the consent code leaves then)
def test_demo_data_is_realistic_and_loads_once(regions, tmp_path, settings):
    # As `sisnaker demo` loads: tasks wait for the worker, which starts after the data is loaded.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    first = demo.load_demo(citizens=120, today=timezone.localdate())
    assert first["citizens"] == 121
    _a_platform_bought_through_the_signed_api(first)
    assert demo.load_demo(citizens=120, today=timezone.localdate()) == {"created": 0}
    people = list(Person.objects.all())
    assert len(people) == 121
    # Every NIK is valid and agrees with the stored birth date, sex and region.
    regencies = set()
    for person in people:
        parsed = nik.parse(person.nik, today=timezone.localdate())
        assert parsed.birth_date == person.birth_date and parsed.sex == person.sex
        assert parsed.region.regency.code == person.nik_regency_id
        regencies.add(person.nik_regency_id)
    assert len(regencies) > 40
    assert len({p.nik_regency_id[:2] for p in people}) > 15
    # Training: programs in every stage, enrollments in every outcome, nothing active in a closed program.
    from sisnaker.training.models import Enrollment, Program

    assert set(Program.objects.values_list("status", flat=True)) == {"draft", "published", "running", "closed"}
    states = set(Enrollment.objects.values_list("state", flat=True))
    assert {"registered", "participant", "graduated", "not_passed", "dropped_out"} <= states
    closed = Program.objects.get(status="closed")
    assert not closed.enrollments.filter(state__in=["registered", "selected", "participant"]).exists()
    assert closed.enrollments.filter(late=True).exists()
    # Certification: issued certificates (one revoked) and alumni still blocking on a step.
    from sisnaker.certification.models import Certificate
    from sisnaker.certification.selectors import readiness_for_program

    assert Certificate.objects.filter(revoked_at__isnull=True).count() >= 5
    assert Certificate.objects.filter(revoked_at__isnull=False).count() == 1
    rows = readiness_for_program(program=closed)
    assert any(r.readiness.blocking for r in rows) and any(r.readiness.certified for r in rows)
    _a_full_prakerja_wave_was_drawn(tmp_path)
    _the_dashboards_have_their_figures()


def _a_platform_bought_through_the_signed_api(loaded):
    """A beneficiary bought a curated training with the balance through the demo platform's signed requests (the
    consent code read on their phone and relayed by the platform); the institution redeemed it and reported
    completion."""
    from sisnaker.core.models import AuditEvent
    from sisnaker.demo.prakerja import PLATFORM_NAME
    from sisnaker.integration.models import Partner, PartnerKey, SeenSignature
    from sisnaker.notifications.models import Notification
    from sisnaker.prakerja.models import Purchase

    assert loaded["prakerja_purchases"] == 1
    partner = Partner.objects.get(name=PLATFORM_NAME, kind="platform")
    assert PartnerKey.objects.filter(partner=partner, scheme="hmac-sha256", revoked_at__isnull=True).count() == 1
    # The demo goes on to the next beneficiary when the PMO's rule check refuses one (e.g. the buyer cannot be
    # enrolled): any other purchase was refused, never left half-done.
    purchase = Purchase.objects.get(status="completed")
    assert set(Purchase.objects.exclude(pk=purchase.pk).values_list("status", flat=True)) <= {"refused"}
    assert purchase.platform_code == partner.client_code and purchase.requested_by is None  # the platform, no session
    assert purchase.status == "completed" and purchase.consented_via == "code" and purchase.consented_at is not None
    # Three signed requests per purchase were accepted (purchase, consent, status), each signature once.
    assert SeenSignature.objects.filter(partner=partner).count() == 3 * Purchase.objects.count()
    consented = AuditEvent.objects.get(action="prakerja_purchase.consented", object_id=str(purchase.pk))
    assert consented.after["via"] == partner.client_code and consented.after["by"] == "code"
    # The code went by SMS to the application's phone; only a blanked copy is kept.
    sms = Notification.objects.filter(topic="prakerja_consent", channel="sms").order_by("-pk").first()
    assert sms.status == "sent" and "\u2022" * 6 in sms.body


def _the_dashboards_have_their_figures():
    """The demo builds the dashboards' read model: its national figures agree with the modules' rows."""
    from django.db.models import Sum

    from sisnaker.prakerja.models import Card
    from sisnaker.reporting.models import Figure
    from sisnaker.training.models import Enrollment

    def national(measure):
        return Figure.objects.filter(measure=measure, region="", basis="d", dim="all").aggregate(n=Sum("n"))["n"]

    assert national("applicants") == Enrollment.objects.count()
    assert national("prakerja_beneficiaries") == Card.objects.count() > 0


def _a_full_prakerja_wave_was_drawn(tmp_path):
    """Thousands of applications, closed and drawn from the wave's seed: the published file replays to the same
    result, the cards exist, and the figures (national and a regency's) show real numbers."""
    import json

    from django.core.management import call_command

    from sisnaker.prakerja import figures, selectors
    from sisnaker.prakerja.models import Application, Card, Wave

    wave = Wave.objects.get()
    assert wave.status == "drawn" and Application.objects.filter(wave=wave).count() == 3000
    selected = Application.objects.filter(wave=wave, selection__isnull=False).count()
    assert selected == wave.national_target == Card.objects.filter(wave=wave).count()
    assert Application.objects.filter(wave=wave, status="ineligible").exists()
    assert Application.objects.filter(wave=wave, status="lapsed").exists()
    file = tmp_path / "undian.json"
    file.write_text(json.dumps(selectors.draw_publication(wave)))
    out = io.StringIO()
    call_command("prakerja", "replaydraw", str(file), stdout=out)
    assert "matches" in out.getvalue()
    national = figures.figures(scope=figures.Scope(national=True), wave=None)
    assert national.total["selected"] == selected and len(national.tables[0].rows) > 20
    bandung = figures.figures(scope=figures.scope_of(User.objects.get(username="disnaker.bandung")), wave=wave)
    assert 0 < bandung.total["applicants"] < national.total["applicants"]


@pytest.mark.parametrize("login", [x.login for x in demo.logins()])
def test_every_printed_demo_login_works(regions, login):
    demo.load_demo(citizens=5, today=timezone.localdate(), prakerja_applications=100)
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": login, "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302, login
    home = client.get("/")
    assert home.status_code == 200 and "Selamat datang" in home.content.decode()


def test_pages_and_api_docs_load_without_login(client, regions):
    for url in ["/", reverse("accounts:login"), reverse("accounts:signup"), "/api/v1/docs", "/api/v1/openapi.json"]:
        assert client.get(url).status_code == 200, url


def test_unknown_page_is_a_friendly_404(client, settings):
    settings.DEBUG = False
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()
    api = client.get("/api/v1/tidak-ada")
    assert api.status_code == 404


def test_english_is_available(client, regions):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("accounts:login"))
    assert 'lang="en"' in page.content.decode()


def test_openapi_lists_the_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    assert "/api/v1/accounts/signup" in paths and "/api/v1/regions/provinces" in paths
    assert User.objects.count() == 0
