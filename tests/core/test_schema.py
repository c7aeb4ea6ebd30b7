"""accounts 0012 / training 0008 drop the indexes no query uses on persons and enrolments. On PostgreSQL they do it
by renaming and dropping indexes only (``core.schema``), so the result must be what a fresh migration of the
models gives, the uniqueness of the NIK must hold throughout, and going back must give the old indexes again."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from sisnaker.core import schema
from tests.factories import PersonFactory
from tests.migrating import migrate, migrate_latest

BEFORE = [("accounts", "0011_person_bank_account_moved_to_payments"), ("training", "0007_spreadsheet_jobs")]


def _indexes(table: str) -> dict[str, str]:
    with connection.schema_editor() as editor:
        return {name: indexdef.split(" USING ")[1] for name, indexdef, _ in schema.pg_indexes(editor, table)}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_lean_index_migrations_rename_and_drop_on_postgresql_and_go_back(regions):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL path of the migrations")
    person = PersonFactory()
    lean_persons, lean_enrollments = _indexes("accounts_person"), _indexes("training_enrollment")
    assert "person_nik_index_unique" in lean_persons and "person_nik_regency_idx" in lean_persons
    assert not any("varchar_pattern_ops" in d and ("nik_" in d) for d in lean_persons.values())
    assert not any(d in ("btree (person_id)", "btree (program_id)") for d in lean_enrollments.values())
    assert any("domicile_district_id varchar_pattern_ops" in d for d in lean_persons.values())  # still served
    migrate(BEFORE)
    try:
        old = _indexes("accounts_person")
        assert "accounts_person_nik_index_key" in old
        assert sum("varchar_pattern_ops" in d for d in old.values()) == 4  # the NIK index, two NIK regions, domicile
        assert {"btree (person_id)", "btree (program_id)"} <= set(_indexes("training_enrollment").values())
    finally:
        migrate_latest()
    # Forward again: the same indexes as before (names and definitions), and the NIK still unique.
    assert _indexes("accounts_person") == lean_persons and _indexes("training_enrollment") == lean_enrollments
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO accounts_person (nik_encrypted, nik_index, nik_regency_id, full_name, birth_date, sex,"
                       " nik_warnings, has_disability, disability_kind, education, phone, email, domicile_district_id,"
                       " address, created_at, updated_at) SELECT nik_encrypted, nik_index, nik_regency_id, 'Lain',"
                       " birth_date, sex, nik_warnings, false, '', education, '', '', domicile_district_id, '', now(), now()"
                       " FROM accounts_person WHERE id = %s", [person.pk])
