"""Inclusion figures (issue 11 "Inclusion figures and the regions"): every cell of every breakdown recounted in Python
from the applications a factory built; the scope of a regional officer (their residents only, by KTP or domicile,
never widened by the request); the residents list, its masking and its access log; the exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

import factory
import pytest
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from factory.django import DjangoModelFactory
from python_calamine import CalamineWorkbook

from sisnaker.accounts.codes import Audit as AccountsAudit
from sisnaker.core import crypto
from sisnaker.core.models import AuditEvent
from sisnaker.prakerja import domain, figures
from sisnaker.prakerja.codes import Audit
from sisnaker.prakerja.domain import ApplicationStatus as S
from sisnaker.prakerja.domain import CardStatus
from sisnaker.prakerja.models import Application, Card, Purchase, Selection, Wave
from sisnaker.privacy import selectors as privacy
from sisnaker.regions.models import District
from tests.factories import PersonFactory, staff

NOW = timezone.make_aware(dt.datetime(2026, 6, 1, 9, 0))
STATUSES = [S.UNVERIFIED, S.REVIEW, S.SUBMITTED, S.LAPSED, S.INELIGIBLE, S.ELIGIBLE, S.SELECTED, S.NOT_SELECTED]
PASSWORD = "Rahasia-Kuat-2026"


def _wave(number: int, opens_on: dt.date, status: str = "drawn") -> Wave:
    return Wave.objects.create(number=number, name=f"Gelombang {number}", opens_on=opens_on, closes_on=opens_on + dt.timedelta(days=20),
                               national_target=100, training_balance=3_500_000, post_training_incentive=600_000,
                               post_training_incentive_count=1, survey_incentive=50_000, survey_incentive_count=2,
                               purchase_deadline_days=30, status=status, created_at=NOW)


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = Application

    nik_encrypted = factory.Sequence(lambda n: crypto.encrypt(f"3273015705{n:06d}"))
    nik_index = factory.Sequence(lambda n: f"nik-{n}")
    kk_encrypted = "x"
    kk_index = factory.Sequence(lambda n: f"kk-{n}")
    full_name = factory.Sequence(lambda n: f"Pendaftar Nomor {n}")
    birth_date = dt.date(1995, 5, 17)
    sex = "F"
    education = "smk"
    phone = "081200000000"
    email = "p@contoh.id"
    status = S.SUBMITTED
    reason = factory.LazyAttribute(lambda o: "age" if o.status == S.INELIGIBLE else "")
    statement_version = 1
    statement_signed_at = NOW
    created_by = factory.LazyFunction(lambda: staff("pmo_officer"))
    verify_token = factory.Sequence(lambda n: f"token-{n}")
    phone_code_hash = ""
    email_code_hash = ""
    code_expires_at = NOW
    created_at = NOW


@pytest.fixture
def world(regions):
    """Two waves; applications spread over Kota Bandung (32.73), Kab. Bandung (32.04), Surabaya (35.78), Jakarta
    (31.71) and Papua; every status, both sexes, with and without disability, every age group and its edges
    (someone turning 25 on the opening day; a 29 February birthday), some living away from their KTP region,
    cards active and expired."""
    rng = random.Random(11)
    w1 = _wave(1, dt.date(2026, 3, 1))
    w2 = _wave(2, dt.date(2024, 2, 29))
    maker = staff("pmo_officer")
    districts = {}
    for regency in ("32.73", "32.04", "35.78", "31.71", "91.71"):
        districts[regency] = list(District.objects.filter(regency_id=regency).order_by("code").values_list("code", flat=True)[:3])
    births = [dt.date(2001, 3, 1), dt.date(2001, 3, 2), dt.date(2000, 2, 29), dt.date(1990, 7, 1), dt.date(1980, 1, 1),
              dt.date(1970, 12, 31), dt.date(1962, 3, 1), dt.date(1958, 1, 1), dt.date(2010, 1, 1), dt.date(1999, 2, 28)]
    apps = []
    for i in range(160):
        regency = rng.choice(list(districts))
        home = rng.choice(districts[regency])
        away = rng.random() < 0.25
        domicile = rng.choice(districts[rng.choice(list(districts))]) if away else home
        status = STATUSES[i % len(STATUSES)]
        apps.append(ApplicationFactory(
            wave=w1 if i % 3 else w2, province_id=regency[:2], nik_regency_id=regency, domicile_district_id=domicile,
            sex="F" if rng.random() < 0.5 else "M", has_disability=rng.random() < 0.15, birth_date=births[i % len(births)],
            # The draw rewrites no application: selected and not selected are eligible, the selected with a Selection.
            status=S.ELIGIBLE if status in (S.SELECTED, S.NOT_SELECTED) else status, created_by=maker))
        if status == S.SELECTED:
            Selection.objects.create(application=apps[-1], wave=apps[-1].wave, province_id=apps[-1].province_id, rank=i + 1)
    for n, app in enumerate(a for a in apps if a.outcome == S.SELECTED):
        expired = n % 3 == 0
        Card.objects.create(application=app, wave=app.wave, number=domain.card_number(wave_number=app.wave.number, application_id=app.pk),
                            granted=3_500_000, issued_at=NOW, deadline=dt.date(2026, 5, 1),
                            status=CardStatus.EXPIRED if expired else CardStatus.ACTIVE, expired_at=NOW if expired else None)
    return {"waves": [w1, w2], "apps": apps, "districts": districts}


# --- the independent recount ----------------------------------------------------------------------------------

def _measures(app: Application) -> dict[str, bool]:
    card = Card.objects.filter(application=app).values_list("status", flat=True).first()
    return {
        "applicants": app.status in (S.SUBMITTED, S.ELIGIBLE, S.INELIGIBLE),
        "eligible": app.status == S.ELIGIBLE,
        "selected": Selection.objects.filter(application=app).exists(),
        "card_active": card == CardStatus.ACTIVE,
        "card_expired": card == CardStatus.EXPIRED,
        "trained": Purchase.objects.filter(card__application=app, status="completed").exists(),
        "certified": Purchase.objects.filter(card__application=app, status="completed", enrollment__certificates__isnull=False,
                                             enrollment__certificates__revoked_at__isnull=True).exists(),
        **_paid(app),
    }


def _paid(app: Application) -> dict[str, int]:
    """The Kartu Prakerja incentives paid for the application's card, recounted in plain SQL along another path than
    the figures take: payable → its enrollment → the purchase of that enrollment → the card."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COALESCE(SUM(p.amount), 0) FROM payments_payable p "
            "JOIN prakerja_purchase pu ON pu.enrollment_id = p.enrollment_id "
            "JOIN prakerja_card c ON c.id = pu.card_id "
            "WHERE c.application_id = %s AND p.kind = 'prakerja' AND p.status = 'paid'", [app.pk])
        n, amount = cursor.fetchone()
    return {"incentives_paid": n, "incentives_paid_amount": int(amount)}


def _age_group(app: Application) -> str:
    age = domain.age_on(app.birth_date, app.wave.opens_on)
    for low, high in ((18, 24), (25, 34), (35, 44), (45, 54), (55, 64)):
        if low <= age <= high:
            return f"{low}–{high}"
    return "other"


def _dimensions(app: Application, *, national: bool, basis: str) -> dict[str, str]:
    regency = app.nik_regency_id if basis == "ktp" else District.objects.get(code=app.domicile_district_id).regency_id
    province = app.province_id if basis == "ktp" else regency[:2]
    return {"region": province if national else regency, "sex": app.sex, "disability": "yes" if app.has_disability else "no",
            "age": _age_group(app), "java": "java" if province in ("31", "32", "33", "34", "35", "36") else "outside"}


def recount(apps, *, national=True, basis="ktp") -> tuple[dict, dict]:
    cells: dict[tuple[str, str, str], int] = {}
    total: dict[str, int] = {}
    for app in apps:
        measures = _measures(app)
        for dim, value in _dimensions(app, national=national, basis=basis).items():
            for column, counted in measures.items():
                cells[(dim, value, column)] = cells.get((dim, value, column), 0) + counted
        for column, counted in measures.items():
            total[column] = total.get(column, 0) + counted
    return cells, total


def assert_matches(f: figures.Figures, apps, **kw) -> None:
    cells, total = recount(apps, **kw)
    assert f.total == total
    shown = {}
    for table in f.tables:
        for row in table.rows:
            for column, n in row.counts.items():
                shown[(table.key, row.value, column)] = n
        assert table.total == total, table.key  # every breakdown adds up to the whole
    assert {k: v for k, v in shown.items() if v} == {k: v for k, v in cells.items() if v}


def in_area(app: Application, area: str, basis: str) -> bool:
    code = app.nik_regency_id if basis == "ktp" else app.domicile_district_id
    return code == area or code.startswith(area + ".")


@pytest.mark.django_db
def test_every_cell_of_every_breakdown_matches_a_python_recount_per_wave_and_overall(world, django_assert_max_num_queries):
    national = figures.Scope(national=True)
    # Two queries per breakdown (the counts, the incentives paid), two for the total, one for the waves (the age
    # thresholds): never per row.
    with django_assert_max_num_queries(2 * len(figures.BREAKDOWNS) + 4):
        overall = figures.figures(scope=national, wave=None)
    assert_matches(overall, world["apps"])
    for wave in world["waves"]:
        assert_matches(figures.figures(scope=national, wave=wave), [a for a in world["apps"] if a.wave_id == wave.pk])
    by_domicile = figures.Scope(national=True, basis="domicile")
    assert_matches(figures.figures(scope=by_domicile, wave=None), world["apps"], basis="domicile")


@pytest.mark.django_db
@pytest.mark.parametrize(("area", "basis"), [("32.73", "ktp"), ("32.73", "domicile"), ("32", "ktp"), ("32", "domicile")])
def test_a_regional_scope_counts_only_its_residents_by_ktp_or_by_domicile(world, area, basis):
    scope = figures.Scope(national=False, areas=(area,), basis=basis)
    mine = [a for a in world["apps"] if in_area(a, area, basis)]
    assert mine and len(mine) < len(world["apps"])
    assert_matches(figures.figures(scope=scope, wave=None), mine, national=False, basis=basis)
    regions = {row.value for row in figures.figures(scope=scope, wave=None).tables[0].rows}
    assert all(r == area or r.startswith(area + ".") for r in regions)


def test_age_groups_count_completed_years_on_the_opening_day():
    assert figures.years_before(dt.date(2026, 3, 1), 25) == dt.date(2001, 3, 1)
    assert figures.years_before(dt.date(2024, 2, 29), 25) == dt.date(1999, 2, 28)  # no 29 February in 1999


# --- scope through the pages -----------------------------------------------------------------------------------

def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _officer(area: str):
    return staff("regional_officer", region_code=area)


@pytest.mark.django_db
def test_a_regency_officer_sees_aggregates_of_their_regency_only_whatever_the_request_asks(world):
    client = _client(_officer("32.73"))
    url = reverse("prakerja:figures")
    page = client.get(url)
    assert page.status_code == 200
    expected = sum(1 for a in world["apps"] if in_area(a, "32.73", "ktp") and a.status in figures.APPLIED)
    assert page.context["f"].total["applicants"] == expected
    # Parameters that would widen the scope if the page read them: it does not.
    for query in ("?wilayah=35", "?area=35.78", "?scope=national&nasional=1", "?region_code=32", "?dasar=semua"):
        assert client.get(url + query).context["f"].total == page.context["f"].total, query
    rows = page.context["f"].tables[0].rows
    assert [r.value for r in rows] == ["32.73"]
    # No names on the figures page.
    assert not any(a.full_name in page.content.decode() for a in world["apps"])


@pytest.mark.django_db
def test_the_residents_list_shows_only_the_officers_residents_masked_and_each_opening_is_logged(world):
    officer = _officer("32.73")
    client = _client(officer)
    person = PersonFactory(nik_regency_id="32.73")
    linked = world["apps"][0]
    Application.objects.filter(pk=linked.pk).update(nik_regency_id="32.73", person=person, status=S.ELIGIBLE)
    Selection.objects.get_or_create(application=linked, defaults={"wave": linked.wave, "province_id": linked.province_id, "rank": 10_000})
    apps = list(Application.objects.select_related("wave").all())
    page = client.get(reverse("prakerja:residents") + "?page=1&wilayah=35")
    assert page.status_code == 200
    html = page.content.decode()
    listed = {a.pk for a in page.context["rows"]}
    mine = {a.pk for a in apps if in_area(a, "32.73", "ktp") and a.status in (*figures.APPLIED, S.REVIEW)}
    assert listed == mine
    for app in apps:
        if app.pk not in mine:
            assert app.full_name not in html
    # NIKs masked: the full NIK never appears.
    for app in apps:
        if app.pk in mine:
            assert crypto.decrypt(app.nik_encrypted) not in html
    # Logged: one list row naming the applications, and "who opened my record" for the linked citizen.
    row = AuditEvent.objects.get(action=Audit.RESIDENTS_LISTED)
    assert row.actor_id == officer.pk and set(row.after["applications"]) == listed and row.after["areas"] == ["32.73"]
    assert [v.actor_label for v in privacy.record_views(person=person)]
    assert AuditEvent.objects.filter(action=AccountsAudit.PERSON_VIEWED, object_id=str(person.pk)).count() == 1


@pytest.mark.django_db
def test_the_domicile_switch_lists_who_lives_in_the_area(world):
    client = _client(_officer("32.73"))
    rows = client.get(reverse("prakerja:residents") + "?dasar=domisili").context["rows"]
    assert {a.pk for a in rows} == {a.pk for a in world["apps"]
                                    if in_area(a, "32.73", "domicile") and a.status in (*figures.APPLIED, S.REVIEW)}


@pytest.mark.django_db
def test_the_residents_list_is_refused_to_national_roles_and_the_figures_to_citizens(world):
    assert _client(staff("pmo_officer")).get(reverse("prakerja:residents")).status_code == 403
    assert _client(staff("pmo_officer")).get(reverse("prakerja:figures")).status_code == 200
    citizen = PersonFactory().user
    assert _client(citizen).get(reverse("prakerja:figures")).status_code == 403
    assert not AuditEvent.objects.filter(action=Audit.RESIDENTS_LISTED).exists()


@pytest.mark.django_db
def test_exports_carry_the_same_numbers(world):
    client = _client(staff("pmo_officer"))
    wave = world["waves"][0]
    f = figures.figures(scope=figures.Scope(national=True), wave=wave)
    body = client.get(reverse("prakerja:figures_csv") + f"?gelombang={wave.pk}").content.decode()
    lines = list(csv.reader(io.StringIO(body)))
    totals = [line for line in lines if line and line[0] == "Jumlah"]
    assert len(totals) == len(figures.BREAKDOWNS)
    assert all([int(x) for x in line[1:]] == f.total_cells for line in totals)
    xlsx = client.get(reverse("prakerja:figures_xlsx") + f"?gelombang={wave.pk}")
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
    assert len(book.sheet_names) == len(figures.BREAKDOWNS)
    sex = book.get_sheet_by_index(1).to_python()
    assert [int(x) for x in sex[-1][1:]] == f.total_cells
    assert client.get(reverse("prakerja:figures") + "?gelombang=99999").status_code == 404
    assert client.get(reverse("prakerja:figures") + "?gelombang=abc").status_code == 404


@pytest.mark.django_db
def test_one_line_adds_a_column(world, monkeypatch):
    extra = figures.Column("women_selected", figures.Msg("Perempuan lolos", "Women selected"), Q(selection__isnull=False, sex="F"))
    monkeypatch.setattr(figures, "COLUMNS", (*figures.COLUMNS, extra))
    f = figures.figures(scope=figures.Scope(national=True), wave=None)
    assert f.total["women_selected"] == sum(1 for a in world["apps"] if a.outcome == S.SELECTED and a.sex == "F")


# --- incentives paid --------------------------------------------------------------------------------------------

def _pay(world) -> int:
    """Purchases and incentive payables for some of the world's cards, as the purchase and the accrual make them: paid
    instalments of equal amounts (a sum of distinct amounts would lose one), a paid survey incentive, payables still due
    or cancelled (not paid), a card's second purchase without payables, the institution's paid training fee (not an
    incentive). Returns the total paid."""
    from sisnaker.payments.models import Payable
    from sisnaker.prakerja.models import CatalogueEntry
    from tests.factories import EnrollmentFactory, InstitutionFactory, ProgramFactory

    inst = InstitutionFactory()
    maker = staff("institution_manager")
    cards = list(Card.objects.select_related("application").order_by("pk"))[:7]
    paid_total = 0
    for i, card in enumerate(cards):
        person = PersonFactory()
        Card.objects.filter(pk=card.pk).update(person=person)
        for j in range(2 if i == 0 else 1):
            program = ProgramFactory(institution=inst, funding="prakerja", title=f"Prakerja {i}-{j}")
            entry = CatalogueEntry.objects.create(program=program, institution=inst, course_code=f"SNK{program.pk:08d}",
                                                  course_type="offline", price=1_000_000, proposed_by=maker, proposed_at=NOW)
            enrollment = EnrollmentFactory(person=person, program=program)
            fee = Payable.objects.create(kind="training_fee", idempotency_key=f"prakerja-purchase:t{i}-{j}", funding_source="prakerja",
                                         amount=1_000_000, institution=inst, program=program, enrollment=enrollment,
                                         status="paid", paid_at=NOW, created_at=NOW)
            Purchase.objects.create(card=card, entry=entry, program=program, institution=inst, person=person, price=1_000_000,
                                    idempotency_key=f"k{i}-{j}", fingerprint="-", invoice_code=f"INVT{i}X{j}", requested_at=NOW,
                                    status="completed" if j == 0 else "cancelled", decided_at=NOW, completed_at=NOW if j == 0 else None,
                                    cancelled_at=None if j == 0 else NOW, voucher_code=f"VT{i}X{j}" if j == 0 else None,
                                    payable=fee, enrollment=enrollment)
            if j:
                continue
            rows = [(f"prakerja-incentive:{card.number}:1", 600_000, "paid"), (f"prakerja-incentive:{card.number}:2", 600_000, "paid"),
                    (f"prakerja-survey:{card.number}:1", 50_000, "paid" if i % 2 else "due"),
                    (f"prakerja-incentive:{card.number}:3", 600_000, "cancelled" if i % 3 else "in_batch")]
            for key, amount, status in rows[: 2 + i % 3]:
                Payable.objects.create(kind="prakerja", idempotency_key=key, funding_source="prakerja", amount=amount, person=person,
                                       program=program, enrollment=enrollment, status=status,
                                       paid_at=NOW if status == "paid" else None, created_at=NOW)
                paid_total += amount if status == "paid" else 0
    return paid_total


@pytest.mark.django_db
def test_incentives_paid_equal_an_independent_recount_in_every_scope(world):
    paid_total = _pay(world)
    national = figures.figures(scope=figures.Scope(national=True), wave=None)
    assert national.total["incentives_paid_amount"] == paid_total > 0
    assert_matches(national, world["apps"])
    for wave in world["waves"]:
        assert_matches(figures.figures(scope=figures.Scope(national=True), wave=wave), [a for a in world["apps"] if a.wave_id == wave.pk])
    assert_matches(figures.figures(scope=figures.Scope(national=True, basis="domicile"), wave=None), world["apps"], basis="domicile")
    for area, basis in (("32.73", "ktp"), ("32", "domicile"), ("35", "ktp")):
        f = figures.figures(scope=figures.Scope(national=False, areas=(area,), basis=basis), wave=None)
        assert_matches(f, [a for a in world["apps"] if in_area(a, area, basis)], national=False, basis=basis)


@pytest.mark.django_db
def test_the_figures_page_and_exports_show_the_incentives_paid(world):
    paid_total = _pay(world)
    client = Client()
    client.force_login(staff("pmo_officer"))
    page = client.get(reverse("prakerja:figures")).content.decode()
    assert "Insentif dibayar (Rp)" in page and f"{paid_total:,}".replace(",", ".") in page  # Indonesian grouping
    rows = list(csv.reader(io.StringIO(client.get(reverse("prakerja:figures_csv")).content.decode("utf-8-sig"))))
    header = next(r for r in rows if "Insentif dibayar (Rp)" in r)
    column = header.index("Insentif dibayar (Rp)")
    assert str(paid_total) in [r[column] for r in rows if len(r) > column]
