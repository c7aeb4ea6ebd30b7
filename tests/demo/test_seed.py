"""``sisnaker seed``: a small generated data set is consistent with the app's rules (lifecycle states, NIKs,
encryption and blind index, certificate numbering and signatures) and the main pages serve it.

The data set is generated once for the module through the command, committed (the generator prepares the
reference data with the app's own durable services), and removed at the end."""

from __future__ import annotations

import io
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.utils import timezone

from sisnaker.accounts import selectors as account_selectors
from sisnaker.accounts.models import Person, User
from sisnaker.certification import domain as cert_domain
from sisnaker.certification.models import Assessment, Certificate, CertificateCounter, Review
from sisnaker.certification.services import verification
from sisnaker.certification.services.certificates import build_fields
from sisnaker.core import crypto
from sisnaker.demo import seed
from sisnaker.placement.domain import OutcomeStatus, PlacementSource
from sisnaker.placement.models import Outcome, Placement
from sisnaker.regions import nik as nik_rules
from sisnaker.surveys.domain import READINESS_CODE
from sisnaker.surveys.models import Response
from sisnaker.training import domain as training_domain
from sisnaker.training.models import Enrollment, Program

PERSONS, ENROLLMENTS, BIG, BOARD = 700, 2_600, 300, 40
PASSWORD = "Seed-Kata-Sandi-2026"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    from sisnaker.regions.services import regions_load
    from sisnaker.surveys.services import ensure_default_questionnaires

    with django_db_blocker.unblock():
        ensure_default_questionnaires()  # gone when an earlier transactional test flushed the database
        postgres = connection.vendor == "postgresql"
        tables = [m._meta.db_table for m in seed.Generator.written_models()]
        indexes_before = seed.index_snapshot(tables) if postgres else None
        out = io.StringIO()
        call_command("seed", persons=PERSONS, institutions=4, programs=30, enrollments=ENROLLMENTS, big_program=BIG,
                     board_program=BOARD, seed=7, staff_password=PASSWORD, stdout=out)
        try:
            indexes_after = seed.index_snapshot(tables) if postgres else None
            yield {"output": out.getvalue(), "info": seed.seed_info(), "indexes": (indexes_before, indexes_after)}
        finally:
            call_command("flush", interactive=False, verbosity=0)
            regions_load()
            ensure_default_questionnaires()


def reachable_states() -> dict[str, set[str]]:
    """Program status → the enrollment states its enrollments can be in, derived from training.domain's
    state machine alone: people are added (as applicants, or directly as participants) while the program is
    open to additions; enrollment actions apply in the statuses that allow them; program steps move
    enrollments as ``PROGRAM_ENROLLMENT_EFFECTS`` says (at close, a participant becomes graduated or not passed)."""
    P, E = training_domain.ProgramStatus, training_domain.EnrollmentState
    states: dict[str, set[str]] = {s: set() for s in P}
    changed = True
    while changed:
        changed = False
        for status in P:
            now = set(states[status])
            if status not in training_domain.CLOSED_TO_ADDITIONS:
                now |= {E.REGISTERED, E.PARTICIPANT}
            for action, moves in training_domain.ENROLLMENT_TRANSITIONS.items():
                if status in training_domain.ENROLLMENT_ACTION_PROGRAM_STATUS[action]:
                    now |= {target for source, target in moves.items() if source in now}
            for action, moves in training_domain.PROGRAM_TRANSITIONS.items():
                if status not in moves:
                    continue
                target_status = moves[status]
                effects = training_domain.PROGRAM_ENROLLMENT_EFFECTS.get(action, {})
                moved = set()
                for state in now:
                    effect = effects.get(state)
                    if effect == training_domain.BY_RESULT:
                        moved |= {E.GRADUATED, E.NOT_PASSED}
                    else:
                        moved.add(effect or state)
                if not moved <= states[target_status]:
                    states[target_status] |= moved
                    changed = True
            if now != states[status]:
                states[status] = now
                changed = True
    return states


@pytest.mark.django_db
def test_the_command_reports_each_table_and_refuses_a_second_run(seeded):
    out = seeded["output"]
    for table in ("accounts_person", "training_enrollment", "certification_certificate", "core_auditevent"):
        assert table in out
    assert "rows/s" in out
    with pytest.raises(CommandError, match="sudah berisi data bangkitan"):
        call_command("seed", persons=10, institutions=1, programs=1, enrollments=5, stdout=io.StringIO())


@pytest.mark.django_db
def test_postgresql_tables_are_vacuumed_so_index_only_scans_skip_the_heap(seeded):
    if connection.vendor != "postgresql":
        pytest.skip("VACUUM and the visibility map are PostgreSQL's")
    assert "vacuum and analyze" in seeded["output"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, relpages, relallvisible FROM pg_class WHERE relname IN "
                       "('accounts_person', 'training_enrollment', 'certification_certificate')")
        pages = {name: (total, visible) for name, total, visible in cursor.fetchall()}
    assert len(pages) == 3 and all(total > 0 and visible == total for total, visible in pages.values()), pages


@pytest.mark.django_db
def test_sizes_and_the_benchmark_programs(seeded):
    info = seeded["info"]
    assert Person.objects.count() == PERSONS
    assert Enrollment.objects.count() == ENROLLMENTS == info["sizes"]["enrollments"]
    big = Program.objects.get(pk=info["big_program"])
    assert big.status == "published" and big.enrollments.count() == BIG
    board = Program.objects.get(pk=info["board_program"])
    assert board.status == "closed" and board.enrollments.filter(state="graduated").count() == BOARD
    assert big.institution_id == board.institution_id == info["institution"]
    # Every lifecycle status is there, and enrollments in many states.
    assert set(Program.objects.values_list("status", flat=True)) == set(training_domain.ProgramStatus)
    assert len(set(Enrollment.objects.values_list("state", flat=True))) >= 7


@pytest.mark.django_db
def test_every_enrollment_state_is_one_its_program_status_allows(seeded):
    allowed = reachable_states()
    pairs = set(Enrollment.objects.values_list("program__status", "state").distinct())
    assert pairs
    wrong = {(status, state) for status, state in pairs if state not in allowed[status]}
    assert not wrong
    # Results agree with states, and nobody holds a seat beyond the quota.
    assert not Enrollment.objects.filter(state="graduated").exclude(result="passed").exists()
    assert not Enrollment.objects.filter(state="not_passed", result="passed").exists()
    for program in Program.objects.annotate(seats=Count("enrollments", filter=_seat_filter())):
        assert program.seats <= program.quota


def _seat_filter():
    return Q(enrollments__state__in=list(training_domain.SEAT_STATES))


@pytest.mark.django_db
def test_niks_decrypt_and_agree_with_the_person(seeded):
    today = timezone.localdate()
    for person in Person.objects.all():
        nik = person.nik
        parsed = nik_rules.parse(nik, today=today)
        assert parsed.birth_date == person.birth_date
        assert parsed.sex == person.sex
        assert parsed.district_code == person.nik_district_id
        assert parsed.regency_code == person.nik_regency_id
        assert person.nik_index == crypto.blind_index(nik, label="nik")
    # Residents of the benchmarks' province exist, with and without a log-in.
    assert Person.objects.filter(domicile_district__code__startswith="32.").exists()
    assert Person.objects.filter(user__isnull=True, added_by_institution__isnull=False).exists()
    assert Person.objects.filter(user__isnull=False).count() == User.objects.filter(person__isnull=False).count()


@pytest.mark.django_db
def test_a_generated_person_is_found_by_nik_through_the_normal_selector(seeded):
    admin = User.objects.get(username="seed.admin")
    person = Person.objects.order_by("?").first()
    found = list(account_selectors.people_in_scope(viewer=admin, q=person.nik))
    assert found == [person]
    officer = User.objects.get(username=seeded["info"]["officer_jabar"])
    west_javan = Person.objects.filter(domicile_district__code__startswith="32.").first()
    assert west_javan in account_selectors.people_in_scope(viewer=officer, q=west_javan.nik)


@pytest.mark.django_db
def test_certificate_numbers_are_gap_free_per_counter_and_in_issue_order(seeded):
    counters = {(c.institution_id, c.year): c.last for c in CertificateCounter.objects.all()}
    assert counters
    issued = defaultdict(list)
    for cert in Certificate.objects.select_related("institution").order_by("issued_at", "pk"):
        issued[(cert.institution_id, cert.year)].append(cert.sequence)
        assert cert.number == cert_domain.certificate_number(registry_number=cert.institution.registry_number, year=cert.year,
                                                             sequence=cert.sequence)
        assert cert.year == timezone.localtime(cert.issued_at).year
    assert set(issued) == set(counters)
    for key, sequences in issued.items():
        assert sequences == list(range(1, counters[key] + 1))  # 1..last, no gap, in the order of issue


@pytest.mark.django_db
def test_certificates_only_for_those_with_every_step_and_their_steps_allowed(seeded):
    for e in Enrollment.objects.filter(certificates__isnull=False).distinct().select_related("program"):
        units = set(e.program.competency_units.values_list("pk", flat=True))
        results = dict(Assessment.objects.filter(enrollment=e).values_list("unit_id", "result"))
        assert cert_domain.overall_result(unit_ids=units, results=results) == cert_domain.COMPETENT
        assert Review.objects.filter(enrollment=e).exists()
        assert Response.objects.filter(enrollment=e, questionnaire__code=READINESS_CODE).exists()
        assert e.state == "graduated" and e.program.status == "closed"
    for review in Review.objects.select_related("enrollment__program"):
        assert cert_domain.review_blocker(program_status=review.enrollment.program.status, state=review.enrollment.state) is None
    for response in Response.objects.select_related("enrollment__program"):
        assert response.person_id == response.enrollment.person_id
        assert cert_domain.readiness_survey_refusal(state=response.enrollment.state,
                                                    program_status=response.enrollment.program.status) is None
        assert response.answers.exists()
    # Assessments by the program's instructors, within the training, for enrollments that can be assessed.
    for a in Assessment.objects.select_related("enrollment__program")[:500]:
        program = a.enrollment.program
        assert a.enrollment.state in ("participant", "graduated", "not_passed")
        assert program.start_date <= timezone.localtime(a.assessed_at).date() <= program.end_date
        assert a.assessed_by_id in set(program.instructors.values_list("pk", flat=True))


@pytest.mark.django_db
def test_a_generated_certificate_verifies_and_carries_the_fields_the_service_signs(seeded):
    certificate = Certificate.objects.filter(revoked_at__isnull=True).select_related(
        "enrollment__program__institution__regency__province", "enrollment__person", "issued_by").order_by("?").first()
    result = verification.certificate_verify(verification_id=certificate.verification_id)
    assert result.status == verification.VALID
    assert result.signature_valid and result.institution_approved_on_issue
    assert result.full_name == certificate.enrollment.person.full_name
    expected = cert_domain.canonical_payload(build_fields(
        enrollment=certificate.enrollment, number=certificate.number, verification_id=certificate.verification_id,
        year=certificate.year, sequence=certificate.sequence, issued_at=certificate.issued_at, issued_by=certificate.issued_by))
    assert certificate.payload == expected
    status = verification.certificate_lookup(number=certificate.number, birth_date=certificate.enrollment.person.birth_date,
                                             client_ip="192.0.2.10")
    assert status.status == verification.VALID


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_people(seeded):
    # The names and NIK regions drawn for the first persons follow from the seed alone.
    first = list(Person.objects.order_by("pk").values_list("full_name", "nik_district_id", "birth_date")[:5])
    gen = seed.Generator(seed.Sizes(persons=5, institutions=0, programs=0, enrollments=0, seed=7),
                         today=timezone.localdate(), now=timezone.now(), staff_password=PASSWORD)
    again = seed.Names.make(7)
    assert gen.names.male == again.male
    assert all(name.split()[0] in again.male + again.female for name, _, _ in first)


@pytest.mark.django_db
def test_a_seeded_database_serves_the_main_pages(seeded):
    info = seeded["info"]
    big, board, institution = info["big_program"], info["board_program"], info["institution"]
    pages = [
        (None, "/pelatihan/"),
        (None, f"/pelatihan/{big}/"),
        (info["manager"], f"/pelatihan/kelola/{big}/"),
        (info["manager"], f"/pelatihan/kelola/{big}/?q=a"),
        (info["manager"], f"/lembaga/{institution}/program/"),
        (info["manager"], f"/sertifikasi/kesiapan/{board}/"),
        (info["officer_jabar"], "/akun/orang/"),
        (info["curator"], "/akun/orang/"),
        (info["admin"], "/akun/audit/"),
        (info["admin"], "/admin/accounts/person/"),
        (info["admin"], "/admin/core/auditevent/"),
    ]
    for username, url in pages:
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    client = Client()
    client.force_login(User.objects.get(username=info["manager"]))
    table = client.get(f"/pelatihan/kelola/{big}/").content.decode()
    assert table.count('name="ids"') == min(100, BIG)


def test_state_weights_only_use_reachable_states():
    allowed = reachable_states()
    for status, weights in seed.STATE_WEIGHTS.items():
        assert set(weights) <= allowed[status], status
    assert allowed[training_domain.ProgramStatus.DRAFT] == set()


@pytest.mark.django_db
def test_the_indexes_dropped_for_the_load_are_rebuilt_exactly(seeded):
    before, after = seeded["indexes"]
    if before is None:
        pytest.skip("PostgreSQL only: SQLite keeps its indexes during the load")
    assert len(before) > 40  # the trigram, unique and foreign-key indexes of the written tables
    assert after == before


@pytest.mark.django_db
def test_alumni_outcomes_and_placements_follow_the_officers_report(seeded):
    outcomes = list(Outcome.objects.select_related("enrollment__program", "placement", "person__domicile_district",
                                                   "reported_by"))
    assert outcomes
    assert {o.status for o in outcomes} >= set(OutcomeStatus.AT_WORK)
    for o in outcomes:
        enrollment = o.enrollment
        assert enrollment.state == "graduated" and o.person_id == enrollment.person_id
        assert o.source == PlacementSource.OFFICER
        assert timezone.localtime(o.reported_at).date() > enrollment.program.end_date
        # The officer of the alumnus's domicile province reports.
        region = o.reported_by.role_assignments.get().region_code
        assert o.person.domicile_district_id.startswith(region + ".")
        if o.status in OutcomeStatus.AT_WORK:
            p = o.placement
            assert (p.person_id, p.enrollment_id, p.source) == (o.person_id, enrollment.pk, PlacementSource.OFFICER)
            assert p.regency_id == o.person.domicile_district.regency_id
            assert enrollment.program.end_date < p.start_date <= timezone.localtime(o.reported_at).date()
            assert p.formal == (o.status == OutcomeStatus.EMPLOYED)
        else:
            assert o.placement is None
    assert Placement.objects.count() == sum(1 for o in outcomes if o.status in OutcomeStatus.AT_WORK)


@pytest.mark.django_db
def test_ak1_cards_as_the_regency_office_issues_them(seeded):
    from sisnaker.certification import signing
    from sisnaker.placement.domain import CardStatus
    from sisnaker.placement.models import JobSeekerCard, JobSeekerCounter

    cards = list(JobSeekerCard.objects.select_related("person", "decided_by").order_by("decided_at", "pk"))
    assert {c.status for c in cards} >= {CardStatus.ISSUED, CardStatus.REFUSED}
    assert len({c.person_id for c in cards}) == len(cards)  # one application per person
    numbers = defaultdict(list)
    for card in cards:
        person = card.person
        assert person.user_id is not None  # applied from a citizen's account
        assert card.nik == person.nik and card.regency_id == person.nik_regency_id
        assert (card.full_name, card.birth_date, card.sex, card.education) == (person.full_name, person.birth_date,
                                                                                person.sex, person.education)
        assert card.submitted_at >= person.created_at
        if card.status == CardStatus.SUBMITTED:
            assert card.decided_by is None and not card.number
            continue
        # Decided by an officer of the card's regency office (``ak1.issue``), after it was applied for.
        assert card.decided_by.role_assignments.get().region_code == card.regency_id
        assert card.decided_at > card.submitted_at
        if card.status == CardStatus.ISSUED:
            assert signing.verify(card.payload, card.signature, card.key_id)
            assert card.issued_on == timezone.localtime(card.decided_at).date()
            numbers[(card.regency_id, card.year)].append(card.sequence)
    counters = {(c.regency_id, c.year): c.last for c in JobSeekerCounter.objects.all()}
    assert set(numbers) == set(counters)
    for key, sequences in numbers.items():
        assert sequences == list(range(1, counters[key] + 1))  # gap-free, in the order of issue


@pytest.mark.django_db
def test_prakerja_waves_as_closing_the_draw_and_the_card_service_leave_them(seeded):
    from sisnaker.payments.services import ledger
    from sisnaker.prakerja import domain as prakerja_domain
    from sisnaker.prakerja import selectors as prakerja_selectors
    from sisnaker.prakerja.models import Application, Card, Wave

    waves = list(Wave.objects.order_by("number"))
    assert [w.status for w in waves] == ["drawn", "drawn"]
    for wave in waves:
        apps = list(Application.objects.filter(wave=wave).select_related("person", "wave", "selection"))
        assert len(apps) > 20
        for app in apps:
            nik = crypto.decrypt(app.nik_encrypted)
            assert nik == app.person.nik and app.nik_index == crypto.blind_index(nik, label="nik")
            assert app.kk_index == crypto.blind_index(crypto.decrypt(app.kk_encrypted), label="kk")
            if app.status == "ineligible":
                assert app.reason in prakerja_domain.REASONS and app.household is None
            else:
                assert app.status == "eligible" and app.household and not app.reason
        # The published list replays to the stored selection, and every selected application has its card.
        published = prakerja_selectors.draw_publication(wave)
        assert published["selected"] and prakerja_domain.draw(
            seed=published["seed"], candidates=[prakerja_domain.Candidate(*c) for c in published["candidates"]],
            quotas=published["quotas"], max_per_household=published["max_per_household"]) == published["selected"]
        cards = {c.application_id: c for c in Card.objects.filter(wave=wave)}
        assert set(cards) == set(published["selected"])
        # The balances are in the ledger: held by the active cards, returned for the expired ones.
        held = ledger.balances("beneficiary", "prakerja", [c.ledger_reference for c in cards.values()])
        for card in cards.values():
            expected = 0 if card.status == "expired" else wave.training_balance
            assert held[card.ledger_reference] == expected
        # The frozen counts are what a recount gives.
        frozen = prakerja_selectors.wave_figures(wave)
        wave.counts = {}
        assert frozen == prakerja_selectors.wave_figures(wave)
    assert {c.status for c in Card.objects.filter(wave=waves[0])} == {"expired"}  # deadline over, nothing bought
    assert {c.status for c in Card.objects.filter(wave=waves[1])} == {"active"}
    # A beneficiary of the first wave is not in the second; some not selected applied again.
    first = set(Application.objects.filter(wave=waves[0], selection__isnull=False).values_list("person_id", flat=True))
    again = Application.objects.filter(wave=waves[1], person_id__in=first)
    assert not again.exclude(status="ineligible").exists()


def test_the_signing_helper_signs_like_the_app_and_the_rows_keep_their_order():
    from sisnaker.certification import signing
    from sisnaker.certification.models import Certificate
    from sisnaker.demo import signer

    gen = seed.Generator(seed.Sizes(persons=1, institutions=0, programs=0, enrollments=seed.Generator.SIGNER_MIN_ENROLLMENTS),
                         today=timezone.localdate(), now=timezone.now(), staff_password=PASSWORD)
    pool = gen._signer_pool()
    if pool is None:
        pytest.skip("one core here: certificates are signed in line")
    try:
        payloads = [f'{{"n":{i},"name":"Sri Wahyuningsih é"}}' for i in range(5)]
        assert pool.apply(signer.sign_many, (payloads,)) == [signing.sign(p)[0] for p in payloads]

        class Writer:
            rows: list = []

            def put(self, table, columns, rows, stat):
                self.rows.extend(rows)

        writer = Writer()
        columns = tuple(f.column for f in Certificate._meta.concrete_fields)
        sink = seed.SignedSink(Certificate, columns, seed.Report(), None, writer, pool=pool,
                               payload_at=columns.index("payload"), signature_at=columns.index("signature"))
        for i, payload in enumerate(payloads * 3):
            row = [None] * len(columns)
            row[0], row[columns.index("payload")] = i, payload
            sink.add(tuple(row))
            if i % 4 == 3:
                sink.flush()
        sink.finish()
        assert [r[0] for r in writer.rows] == list(range(15))
        assert all(signing.verify(r[columns.index("payload")], r[columns.index("signature")], signing.keyring().key_id)
                   for r in writer.rows)
    finally:
        pool.terminate()
        pool.join()
