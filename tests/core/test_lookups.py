"""``__any_of``: the same rows as ``__in``, whatever the values hold, with one array parameter on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from sisnaker.accounts.models import User
from sisnaker.core.lookups import _array_literal

pytestmark = pytest.mark.django_db

# Characters that mean something inside an array literal or SQL text, the empty string, and the word NULL.
AWKWARD = ["a,b", "{x}", '"q"', "back\\slash", "NULL", "", "it's", "Ma’ruf Śiti", "sp ace", "ends\\", '\\"', '"', "\\",
           " lead", "tab\tnew\nline", "{}", "'); DROP TABLE x; --", "null", "{\"a\",\"b\"}"]


@pytest.fixture
def users():
    return [User.objects.create(username=name or "-empty-", first_name=name, password="!") for name in AWKWARD]


def test_any_of_finds_the_same_rows_as_in_whatever_the_values_hold(users):
    wanted = [*AWKWARD[::2], "nobody", None]
    assert sorted(User.objects.filter(first_name__any_of=wanted).values_list("pk", flat=True)) == sorted(
        User.objects.filter(first_name__in=wanted).values_list("pk", flat=True))
    assert set(User.objects.filter(first_name__any_of=wanted).values_list("first_name", flat=True)) == set(AWKWARD[::2])


def test_any_of_by_ids_and_repeats(users):
    ids = [u.pk for u in users[:3]]
    assert set(User.objects.filter(pk__any_of=[*ids, *ids, 10**12]).values_list("pk", flat=True)) == set(ids)


def test_any_of_on_a_foreign_key(users):
    from sisnaker.accounts.models import RoleAssignment

    for u in users[:4]:
        RoleAssignment.objects.create(user=u, role="citizen")
    assert set(RoleAssignment.objects.filter(user_id__any_of=[u.pk for u in users[1:3]]).values_list("user_id", flat=True)) == {
        users[1].pk, users[2].pk}
    assert set(RoleAssignment.objects.filter(user__any_of=[users[3].pk]).values_list("user_id", flat=True)) == {users[3].pk}


def test_an_empty_list_matches_nothing_without_a_query(users):
    with CaptureQueriesContext(connection) as queries:
        assert list(User.objects.filter(first_name__any_of=[])) == []
        assert list(User.objects.filter(first_name__any_of=[None])) == []
    assert len(queries) == 0


def test_on_postgresql_the_values_go_as_one_array(users):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's = ANY(array)")
    wanted = [f"name-{i}" for i in range(2000)] + ["a,b"]
    with CaptureQueriesContext(connection) as queries:
        assert list(User.objects.filter(first_name__any_of=wanted).values_list("first_name", flat=True)) == ["a,b"]
    (query,) = queries
    assert "= ANY(" in query["sql"]
    ids = [u.pk for u in users]
    assert set(User.objects.filter(pk__any_of=ids).values_list("pk", flat=True)) == set(ids)
    assert query["sql"].count("name-1999") == 1  # inside one array literal, not 2,000 parameters


@given(values=st.lists(st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=12), min_size=1, max_size=8))
@hypothesis_settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_on_postgresql_the_array_literal_reads_back_as_the_same_strings(values):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's array literal")
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::text[]", [_array_literal(values)])
        assert cursor.fetchone()[0] == values
