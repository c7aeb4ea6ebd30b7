"""Certificate numbers under real concurrency on PostgreSQL: 24 threads, each with its own database
connection, issue certificates for 24 different eligible participants of the same institution at the
same moment (a barrier releases them). The numbers must be distinct and the sequence exactly 1..N.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> pytest tests/certification/test_certificate_concurrency.py
"""

from __future__ import annotations

import pytest

from sisnaker.certification import services
from sisnaker.certification.models import Certificate, CertificateCounter
from tests.certification.test_certificates import NOW, World, readiness_questionnaire
from tests.concurrency import postgres_only, race  # noqa: F401 - postgres_only is a fixture

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]

THREADS = 24





def _world(n):
    readiness_questionnaire()
    w = World(participants=n)
    w.manager.grants  # noqa: B018 — load the grants once, before the threads share this object
    return w


def test_concurrent_issues_get_distinct_gap_free_numbers(regions):
    w = _world(THREADS)
    # The counter row does not exist yet: the threads also race to create it.
    assert not CertificateCounter.objects.filter(institution=w.inst).exists()
    outcomes = race([lambda e=e: services.certificate_issue(actor=w.manager, enrollment=e.pk, now=NOW)
                     for e in w.enrollments])
    errors = [o for o in outcomes if o[0] != "ok"]
    assert not errors, errors
    numbers = [o[1].number for o in outcomes]
    assert len(set(numbers)) == THREADS
    sequences = sorted(Certificate.objects.filter(institution=w.inst, year=2026).values_list("sequence", flat=True))
    assert sequences == list(range(1, THREADS + 1))
    assert CertificateCounter.objects.get(institution=w.inst, year=2026).last == THREADS
    assert sorted(numbers) == [f"{w.inst.registry_number}/2026/{n:06d}" for n in range(1, THREADS + 1)]


def test_same_enrollment_issued_concurrently_gets_one_certificate_and_no_gap(regions):
    w = _world(2)
    target = w.enrollments[0].pk
    outcomes = race([lambda: services.certificate_issue(actor=w.manager, enrollment=target, now=NOW)] * 20)
    ok = [v for kind, v in outcomes if kind == "ok"]
    refused = [v for kind, v in outcomes if kind == "refused"]
    assert len(ok) == 1
    assert all(getattr(r, "code", None) == "certificate_already_issued" for r in refused), refused
    nxt = services.certificate_issue(actor=w.manager, enrollment=w.enrollments[1].pk, now=NOW)
    assert (ok[0].sequence, nxt.sequence) == (1, 2)


def test_issue_all_eligible_of_two_programs_of_one_institution_in_parallel(regions):
    a = _world(12)
    b = World(participants=12, inst=a.inst, manager=a.manager)
    outcomes = race([lambda w=w: services.certificates_issue_eligible(actor=a.manager, program=w.program, now=NOW)
                     for w in (a, b)])
    assert [o[0] for o in outcomes] == ["ok", "ok"]
    assert sum(o[1]["issued"] for o in outcomes) == 24
    sequences = sorted(Certificate.objects.filter(institution=a.inst).values_list("sequence", flat=True))
    assert sequences == list(range(1, 25))


def test_the_same_certificate_replaced_concurrently_gets_one_replacement_and_no_gap(regions):
    """Ten managers' clicks on "Cabut dan terbitkan pengganti" at once, while another participant's certificate is
    issued: one replacement, the others refused (already revoked), one standing certificate, numbers gap-free."""
    w = _world(2)
    first = services.certificate_issue(actor=w.manager, enrollment=w.enrollments[0].pk, now=NOW)
    calls = [lambda: services.certificate_replace(actor=w.manager, certificate=first.pk, reason="Nama salah ketik", now=NOW)] * 10
    calls.append(lambda: services.certificate_issue(actor=w.manager, enrollment=w.enrollments[1].pk, now=NOW))
    outcomes = race(calls)
    ok = [v for kind, v in outcomes if kind == "ok"]
    refused = [v for kind, v in outcomes if kind == "refused"]
    assert len(ok) == 2, outcomes
    assert all(getattr(r, "code", None) == "certificate_already_revoked" for r in refused), refused
    assert Certificate.objects.filter(enrollment=w.enrollments[0], revoked_at__isnull=True).count() == 1
    assert Certificate.objects.get(replaces=first).revoked_at is None
    sequences = sorted(Certificate.objects.filter(institution=w.inst).values_list("sequence", flat=True))
    assert sequences == [1, 2, 3]
