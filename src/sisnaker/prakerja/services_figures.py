"""The one write of the inclusion figures: a regional officer opening the list of their residents who applied is
personal data seen by staff (UU PDP), so every opening is recorded — as ``person.viewed`` on each listed citizen who
has a Sisnaker record (what their "who opened my record" page shows, privacy app) and as one
``prakerja_application.residents_listed`` row naming the applications on the page (also those a posko entered for
citizens without an account)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sisnaker.accounts.codes import Audit as AccountsAudit
from sisnaker.core import audit
from sisnaker.core.permissions import require

from .codes import Audit
from .figures import Scope
from .models import Application

PERSON_TYPE = "accounts.person"


@transaction.atomic(durable=True)
def residents_listed(*, actor, scope: Scope, applications: list[Application], page: int, now: dt.datetime) -> None:
    require(actor, "prakerja.residents")
    reason = f"Prakerja: daftar warga pendaftar ({', '.join(scope.areas) or 'nasional'}, {scope.basis}), halaman {page}"
    people = sorted({a.person_id for a in applications if a.person_id})
    audit.record_many(actor=actor, action=AccountsAudit.PERSON_VIEWED, object_type=PERSON_TYPE,
                      rows=[(pk, "", None, None) for pk in people], reason=reason[:200], at=now)
    audit.record(actor=actor, action=Audit.RESIDENTS_LISTED, object_type="prakerja.application", object_id="list",
                 after={"areas": list(scope.areas), "basis": scope.basis, "page": page,
                        "applications": [a.pk for a in applications]}, reason=reason, at=now)
