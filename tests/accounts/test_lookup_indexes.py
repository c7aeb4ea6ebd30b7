"""The look-ups of the sign-up and log-in paths are index probes, not scans of every account (issue 14 §3):
e-mail addresses are unique whatever their case (``user_unique_email_ci`` on LOWER(email)), and every look-up
by e-mail reads that index (``email_is``). bench/bench_signup.py shows the same plans, the NIK's blind index among them, at 200k people."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from sisnaker.accounts import selectors
from sisnaker.accounts.backends import find_user
from sisnaker.accounts.models import User, email_is
from tests.factories import PersonFactory
from tests.plans import plan_of

pytestmark = pytest.mark.django_db


def test_email_is_unique_whatever_its_case(regions):
    User.objects.create(username="a1", email="rahma@example.id")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="a2", email="Rahma@Example.ID")
    # Many accounts without an address (phone-only citizens) are fine.
    User.objects.create(username="a3", email="")
    User.objects.create(username="a4", email="")


def test_email_look_ups_ignore_case(regions):
    person = PersonFactory(email="budi.santoso@example.id")
    assert find_user("Budi.Santoso@EXAMPLE.id").pk == person.user_id
    assert list(User.objects.filter(email_is("BUDI.santoso@example.id"))) == [person.user]
    assert not User.objects.filter(email_is("")).exists()  # an empty address is nobody's
    assert selectors.active_users_by_contact(email="Budi.Santoso@example.ID") == [person.user]


@pytest.mark.postgres
def test_the_sign_up_and_log_in_look_ups_use_indexes_on_postgresql(regions):
    if connection.vendor != "postgresql":
        pytest.skip("query plans are PostgreSQL's")
    PersonFactory(email="cari@example.id", phone="+6281299990000")
    with connection.cursor() as cursor:
        # 30k accounts, a third with an address in mixed case and a phone, like real data.
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active,"
            " date_joined, phone, preferred_language) "
            "SELECT '!', false, 'w' || g, 'Warga', '', CASE WHEN g % 3 = 0 THEN 'Warga.' || g || '@Contoh.id' ELSE '' END,"
            " false, true, now(), CASE WHEN g % 3 = 1 THEN '+62812' || lpad(g::text, 7, '0') ELSE '' END, 'id'"
            " FROM generate_series(1, 30000) g"
        )
        cursor.execute("ANALYZE accounts_user")
    lookups = {
        "email": User.objects.filter(email_is("WARGA.300@contoh.id")),
        "phone": User.objects.filter(phone="+628120000301"),
        "username": User.objects.filter(username="w301"),
        "any contact": User.objects.filter(Q(username="w301") | email_is("Warga.300@contoh.id") | Q(phone="+628120000301")),
    }
    for name, qs in lookups.items():
        plan = plan_of(qs)
        assert '"Seq Scan"' not in plan, f"{name}: {plan}"
        assert "Index" in plan, f"{name}: {plan}"
    # The e-mail probe reads the functional unique index itself.
    assert "user_unique_email_ci" in plan_of(lookups["email"])
    assert User.objects.filter(email_is("warga.300@CONTOH.ID")).count() == 1


@pytest.mark.usefixtures("long_round_trip")
@pytest.mark.django_db(transaction=True)
def test_the_migration_names_duplicate_addresses_instead_of_failing_on_the_index(regions):
    """Data from before may hold one address in two cases: the migration names the accounts and changes
    nothing; once they are fixed it runs."""
    from django.core.management.base import CommandError
    from django.db.migrations.executor import MigrationExecutor

    before, after = ("accounts", "0008_data_protection_officer_role"), ("accounts", "0009_email_unique_ignoring_case")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        ids = []
        with connection.cursor() as cursor:
            for n, address in enumerate(["dua@example.id", "Dua@Example.id", "satu@example.id"]):
                cursor.execute(
                    "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,"
                    " is_active, date_joined, phone, preferred_language) VALUES ('!', false, %s, '', '', %s, false, true,"
                    " CURRENT_TIMESTAMP, '', 'id')", [f"dup{n}", address])
            cursor.execute("SELECT id FROM accounts_user WHERE username IN ('dup0', 'dup1') ORDER BY id")
            ids = [row[0] for row in cursor.fetchall()]
        executor = MigrationExecutor(connection)
        with pytest.raises(CommandError) as refused:
            executor.migrate([after])
        message = str(refused.value)
        assert f"accounts {ids[0]}, {ids[1]}" in message and "Nothing was changed" in message
        assert "satu" not in message and "dua@" not in message.lower()  # ids, not the addresses themselves
        with connection.cursor() as cursor:
            cursor.execute("UPDATE accounts_user SET email = '' WHERE id = %s", [ids[1]])
    finally:
        MigrationExecutor(connection).migrate([after])
        # Back to the latest schema (later migrations were unapplied with 0010 and the tests after need them).
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert User.objects.filter(email_is("DUA@example.id")).count() == 1
