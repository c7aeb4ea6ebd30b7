"""The assessment grid of a big program (issue 14: every module's pages meet the same bars). Its rows were not
paged: a program of 96,000 participants answered in 33 s with 137 MB of HTML. Now it shows a page of participants by
name, searchable, while the totals above and below it (overall results, per-unit columns) still count everyone,
set-based; saving a cell or the page keeps the assessor on the page they were on."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sisnaker.certification import selectors
from sisnaker.certification.models import Assessment
from sisnaker.certification.selectors import assessment as grid_selectors
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.models import Enrollment
from tests import factories

pytestmark = pytest.mark.django_db
K, BK = "competent", "not_yet_competent"
HX = {"HTTP_HX_REQUEST": "true"}
NAMES = ["Agus Salim", "Bunga Citra", "Cahya Dewi", "Dedi Kurnia", "Eka Putri", "Fajar Nugraha", "Gita Savitri"]


@pytest.fixture
def course(regions):
    return factories.course(participants=7, units=2, names=NAMES)


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(grid_selectors, "GRID_PAGE_SIZE", 3)


def _assess(course, enrollment, unit, result):
    Assessment.objects.update_or_create(enrollment=enrollment, unit=unit, defaults={
        "result": result, "assessed_by": course.instructor, "assessed_at": timezone.now()})


def _names(html: str) -> list[str]:
    return [n for n in NAMES if n in html]


def test_the_grid_shows_a_page_of_participants_by_name_and_totals_over_everyone(client, course, small_pages):
    u1, u2 = course.units
    for e in course.enrollments:
        _assess(course, e, u1, K)
    _assess(course, course.enrollments[6], u2, BK)  # Gita: not yet competent
    _assess(course, course.enrollments[0], u2, K)  # Agus: competent
    client.force_login(course.instructor)
    url = reverse("certification:assess", args=(course.program.pk,))
    first = client.get(url).content.decode()
    assert _names(first) == NAMES[:3] and "Halaman 1 dari 3" in first
    # Totals over all seven, not the three shown.
    assert 'data-count="competent">1<' in first and 'data-count="not_yet_competent">1<' in first and 'data-count="pending">5<' in first
    assert f'data-col-competent="{u1.pk}">7<' in first and f'data-col-empty="{u2.pk}">5<' in first
    last = client.get(url, {"page": 3}).content.decode()
    assert _names(last) == ["Gita Savitri"] and 'data-count="pending">5<' in last
    found = client.get(url, {"q": "dewi"}).content.decode()
    assert _names(found) == ["Cahya Dewi"] and "1 dari 7 peserta" in found
    assert "Tidak ada peserta yang namanya cocok" in client.get(url, {"q": "zzz"}).content.decode()
    for odd in ("abc", "-1", "0", "99999999999999999999999", "1e9"):
        assert client.get(url, {"page": odd}).status_code == 200


def test_saving_the_page_keeps_the_assessor_on_it(client, course, small_pages):
    u1, _ = course.units
    client.force_login(course.instructor)
    url = reverse("certification:assess", args=(course.program.pk,))
    dedi = course.enrollments[3]  # page 2: Dedi, Eka, Fajar
    response = client.post(f"{url}?page=2", {f"r-{dedi.pk}-{u1.pk}": "K"})
    assert response.status_code == 302 and response.url == f"{url}?page=2"
    assert Assessment.objects.get(enrollment=dedi, unit=u1).result == K
    wrong = client.post(f"{url}?q=ka&page=1", {f"r-{dedi.pk}-{u1.pk}": "X"})
    html = wrong.content.decode()
    assert wrong.status_code == 400 and f'action="{url}?q=ka&amp;page=1"' in html and "Eka Putri" in html


def test_a_cell_saved_answers_with_totals_over_everyone(client, course, small_pages):
    u1, u2 = course.units
    for e in course.enrollments[1:]:
        _assess(course, e, u1, K)
        _assess(course, e, u2, K)
    client.force_login(course.instructor)
    agus = course.enrollments[0]
    _assess(course, agus, u1, K)
    response = client.post(reverse("certification:assess_cell", args=(course.program.pk,)),
                           {"cell": f"{agus.pk}-{u2.pk}", f"r-{agus.pk}-{u2.pk}": "K"}, **HX)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-count="competent">7<' in html and f'data-col-competent="{u2.pk}">7<' in html


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.sampled_from([None, K, BK]), min_size=14, max_size=14),
       states=st.lists(st.sampled_from([E.PARTICIPANT, E.GRADUATED, E.NOT_PASSED, E.DROPPED_OUT]), min_size=7, max_size=7))
def test_the_totals_are_the_grids_own_counts_of_every_row(course, cells, states):
    """``assessment_totals`` (set-based) equals what the whole grid counts row by row (``Grid.counts``)."""
    Assessment.objects.filter(enrollment__program=course.program).delete()
    for e, state in zip(course.enrollments, states, strict=True):
        Enrollment.objects.filter(pk=e.pk).update(state=state)
    for i, result in enumerate(cells):
        if result:
            _assess(course, course.enrollments[i // 2], course.units[i % 2], result)
    whole = selectors.assessment_grid(program=course.program)
    totals = selectors.assessment_totals(program=course.program, units=whole.units)
    assert totals.rows == len(whole.rows)
    assert totals.counts == whole.counts()
    assert [(c.unit.pk, c.competent, c.not_yet_competent, c.empty) for c in totals.columns] == [
        (c.unit.pk, c.competent, c.not_yet_competent, c.empty) for c in whole.column_counts()]
