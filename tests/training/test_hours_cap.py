"""The JP-per-day cap (``domain.JP_PER_DAY_MAX``) holds for what an edit sets: a program saved before the cap existed
stays editable (its quota, its description) until its hours or dates are touched."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from sisnaker.core.errors import ValidationFailed
from sisnaker.training import services
from sisnaker.training.models import Program
from tests.factories import ManagerFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def _data(program, **changes) -> services.ProgramData:
    data = services.ProgramData(**{n: getattr(program, n) for n in services.PROGRAM_FIELDS},
                                competency_unit_ids=tuple(program.competency_units.values_list("pk", flat=True)))
    return dataclasses.replace(data, **changes)


def test_a_program_saved_before_the_cap_is_edited_until_its_hours_or_dates_change(regions):
    program = ProgramFactory()
    manager = ManagerFactory(institution=program.institution)
    Program.objects.filter(pk=program.pk).update(hours=900)  # 900 JP in 31 days: saved before the cap
    program.refresh_from_db()
    services.program_update(actor=manager, program=program, data=_data(program, quota=20))
    assert Program.objects.get(pk=program.pk).quota == 20
    with pytest.raises(ValidationFailed) as refused:
        services.program_update(actor=manager, program=program, data=_data(program, hours=901))
    assert refused.value.field == "hours" and "JP sehari" in refused.value.message.id
    with pytest.raises(ValidationFailed):  # new dates: the cap holds for them too
        services.program_update(actor=manager, program=program,
                                data=_data(program, end_date=program.start_date + dt.timedelta(days=20)))
