"""``core.inserts.insert_linked``: rows that refer to each other written together — one statement on PostgreSQL,
one ``save`` each elsewhere — with the same result either way."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from sisnaker.accounts.models import RoleAssignment, User
from sisnaker.core import audit, inserts
from sisnaker.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _rows(*, username="w_linked", phone="+6281200000001"):
    user = User(username=username, phone=phone, first_name="Ani", password="!")
    role = RoleAssignment(user=user, role="citizen")
    event = audit.event(actor=user, action="test.linked", object_type="accounts.user", after={"phone": phone})
    return user, role, event


def test_linked_rows_get_their_keys_and_point_at_each_other():
    user, role, event = _rows()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        inserts.insert_linked([
            inserts.Row(user), inserts.Row(role, links={"user_id": 0}),
            inserts.Row(event, links={"actor_id": 0, "object_id": 0}, as_text=frozenset({"object_id"})),
        ])
    writes = [q for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "WITH"))]
    assert len(writes) == (1 if connection.vendor == "postgresql" else 3)
    assert user.pk and role.pk and event.pk
    assert not user._state.adding and role._state.db == "default"
    assert role.user_id == user.pk and event.actor_id == user.pk and event.object_id == str(user.pk)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_id == user.pk and stored.object_id == str(user.pk) and stored.after == {"phone": "+6281200000001"}
    assert RoleAssignment.objects.get(pk=role.pk).user_id == user.pk
    assert RoleAssignment.objects.get(pk=role.pk).granted_at is not None  # auto_now_add went through pre_save
    assert User.objects.get(pk=user.pk).first_name == "Ani"


def test_a_refused_row_leaves_none_of_them():
    User.objects.create(username="w_taken", phone="+6281200000002")
    user, role, event = _rows(username="w_new", phone="+6281200000002")  # the phone is unique: refused
    with pytest.raises(IntegrityError), transaction.atomic():
        inserts.insert_linked([inserts.Row(user), inserts.Row(role, links={"user_id": 0}),
                               inserts.Row(event, links={"actor_id": 0})])
    assert not User.objects.filter(username="w_new").exists()
    assert not AuditEvent.objects.filter(action="test.linked").exists()
    assert not RoleAssignment.objects.filter(user__username="w_new").exists()


def test_a_link_must_point_at_an_earlier_row():
    user, role, _ = _rows()
    with pytest.raises(ValueError, match="earlier row"):
        inserts.insert_linked([inserts.Row(role, links={"user_id": 1}), inserts.Row(user)])
    assert not User.objects.filter(username="w_linked").exists()
