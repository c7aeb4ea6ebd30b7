"""``CappedKeysFirstPaginator(one_query=True)``: a search's count and page keys from one query give exactly the
pages of the usual way (count, then keys), for every page number a user can type, and fall back to it past the cap."""

from __future__ import annotations

import pytest

from sisnaker.accounts.models import Person
from sisnaker.core.paging import CappedKeysFirstPaginator
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

NAMES = ["Ani Permata", "Budi Permata", "Citra Permata", "Dedi Santoso", "Eko Permata", "Fitri Permata", "Gita Permata",
         "Hadi Permata", "Ika Lestari", "Joko Permata", "Kiki Permata"]


@pytest.fixture
def people():
    # Two people share a name: the page order falls back to the id.
    return [PersonFactory(full_name=n) for n in [*NAMES, "Ani Permata"]]


def page_of(paginator, number):
    page = paginator.get_page(number)
    return ([p.pk for p in page.object_list], page.number, paginator.count, paginator.num_pages, paginator.count_capped)


def test_one_query_gives_the_usual_pages(people):
    for q in ("permata", "zzz", "a"):  # ten matches, none, all twelve
        for cap in (5, 10_000):  # past the cap, within it
            for number in (1, 2, 3, 4, 99, 0, -1, "2", "abc", None, "", "1.5", "99999999999999999999999", " 2", "١"):
                def qs(q=q):
                    return Person.objects.filter(full_name__icontains=q).order_by("full_name", "pk")
                usual = page_of(CappedKeysFirstPaginator(qs(), 3, cap=cap), number)
                fused = page_of(CappedKeysFirstPaginator(qs(), 3, cap=cap, one_query=True), number)
                assert fused == usual, (q, cap, number)


def test_a_search_within_the_cap_costs_one_query_fewer(people, django_assert_num_queries):
    qs = Person.objects.filter(full_name__icontains="permata").order_by("full_name", "pk")
    with django_assert_num_queries(3):  # count, keys, rows
        CappedKeysFirstPaginator(qs, 3, cap=100).get_page(2)
    with django_assert_num_queries(2) as fused:  # count with keys, rows
        page = CappedKeysFirstPaginator(qs, 3, cap=100, one_query=True).get_page(2)
    assert "OVER" in fused.captured_queries[0]["sql"]
    assert [p.full_name for p in page] == ["Citra Permata", "Eko Permata", "Fitri Permata"]
    assert page.paginator.count == 10 and not page.paginator.count_capped
