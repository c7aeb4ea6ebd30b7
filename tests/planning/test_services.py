"""Planning's services against the database: the lifecycle with its audit rows, who may propose and see what
(a regency office its own plan, a province office its regencies', the ministry the nation), refusals a user can
cause (duplicate field, empty plan, late reopen, missing reason) with nothing half-saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings

from sisnaker.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from sisnaker.core.models import AuditEvent
from sisnaker.planning import selectors, services
from sisnaker.planning.models import Plan, PlanLine

from .conftest import NOW

pytestmark = pytest.mark.django_db


def _plan(actor, region="32.73", year=2027) -> Plan:
    return services.plan_create(actor=actor, region_code=region, year=year, now=NOW)


def test_a_regency_office_writes_submits_and_reopens_its_plan_with_an_audit_trail(fields, people):
    bandung = people["bandung"]
    plan = _plan(bandung)
    assert (plan.status, plan.region_code, plan.province_id, plan.year) == ("draft", "32.73", "32", 2027)
    line = services.plan_line_add(actor=bandung, plan_id=plan.pk, field_id=fields["OTO"].pk, people=40,
                                  reason="Bengkel resmi baru di Gedebage", now=NOW)
    services.plan_line_add(actor=bandung, plan_id=plan.pk, field_id=fields["TIK"].pk, people=25, reason="Startup lokal", now=NOW)
    services.plan_line_update(actor=bandung, line_id=line.pk, people=45, reason="Bengkel resmi baru", now=NOW)
    plan = services.plan_submit(actor=bandung, plan_id=plan.pk, now=NOW)
    assert plan.status == "submitted" and plan.submitted_by == bandung and plan.submitted_at == NOW
    # While submitted, lines are the ministry's to read: no change.
    with pytest.raises(Conflict) as info:
        services.plan_line_update(actor=bandung, line_id=line.pk, people=1, reason="x", now=NOW)
    assert info.value.code == "plan_status"
    plan = services.plan_reopen(actor=bandung, plan_id=plan.pk, now=NOW)
    assert plan.status == "draft"
    services.plan_line_remove(actor=bandung, line_id=line.pk, now=NOW)
    assert list(plan.lines.values_list("vocational_field__code", "people")) == [("TIK", 25)]
    actions = list(AuditEvent.objects.filter(object_type="planning.plan", object_id=str(plan.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["plan.created", "plan.line_added", "plan.line_added", "plan.line_changed", "plan.submit",
                       "plan.reopen", "plan.line_removed"]
    submitted = AuditEvent.objects.get(action="plan.submit", object_id=str(plan.pk))
    assert submitted.after == {"status": "submitted", "late": False, "people": 70}


def test_the_ministry_returns_a_submitted_plan_with_a_reason_and_the_region_resubmits(fields, people):
    bandung, curator = people["bandung"], people["curator"]
    plan = _plan(bandung)
    services.plan_line_add(actor=bandung, plan_id=plan.pk, field_id=fields["LAS"].pk, people=10, reason="Galangan kapal", now=NOW)
    with pytest.raises(Conflict):  # a draft is not the ministry's yet
        services.plan_return(actor=curator, plan_id=plan.pk, reason="Lengkapi", now=NOW)
    services.plan_submit(actor=bandung, plan_id=plan.pk, now=NOW)
    with pytest.raises(ValidationFailed) as info:
        services.plan_return(actor=curator, plan_id=plan.pk, reason="  ", now=NOW)
    assert info.value.code == "plan_return_reason" and Plan.objects.get(pk=plan.pk).status == "submitted"
    for not_ministry in (bandung, people["jabar"], people["pmo"]):
        with pytest.raises(PermissionDenied):
            services.plan_return(actor=not_ministry, plan_id=plan.pk, reason="Tidak", now=NOW)
    plan = services.plan_return(actor=curator, plan_id=plan.pk, reason="Sebutkan industri penyerapnya.", now=NOW)
    assert (plan.status, plan.return_reason, plan.returned_by) == ("returned", "Sebutkan industri penyerapnya.", curator)
    assert AuditEvent.objects.get(action="plan.return").reason == "Sebutkan industri penyerapnya."
    # Returned: editable again by the region, then submitted again (after the deadline too: the ministry asked).
    services.plan_line_add(actor=bandung, plan_id=plan.pk, field_id=fields["OTO"].pk, people=5, reason="PT Otomotif", now=NOW)
    late = NOW + dt.timedelta(days=30)
    assert services.plan_submit(actor=bandung, plan_id=plan.pk, now=late).status == "submitted"
    assert AuditEvent.objects.filter(action="plan.submit").order_by("-id").first().after["late"] is True


def test_reopening_stops_at_the_deadline(fields, people):
    bandung = people["bandung"]
    plan = _plan(bandung)
    services.plan_line_add(actor=bandung, plan_id=plan.pk, field_id=fields["OTO"].pk, people=3, reason="Bengkel", now=NOW)
    services.plan_submit(actor=bandung, plan_id=plan.pk, now=NOW)
    after_deadline = NOW + dt.timedelta(days=8)  # 1 December 2026: past 30 November
    with pytest.raises(Conflict) as info:
        services.plan_reopen(actor=bandung, plan_id=plan.pk, now=after_deadline)
    assert info.value.code == "plan_deadline" and "Kementerian" in info.value.message.id
    assert Plan.objects.get(pk=plan.pk).status == "submitted"
    with override_settings(SISNAKER_PLANNING_DEADLINE="12-15"):  # an office that moved the deadline
        assert services.plan_reopen(actor=bandung, plan_id=plan.pk, now=after_deadline).status == "draft"


def test_an_empty_plan_is_not_submitted(people):
    plan = _plan(people["bandung"])
    with pytest.raises(Conflict) as info:
        services.plan_submit(actor=people["bandung"], plan_id=plan.pk, now=NOW)
    assert info.value.code == "plan_empty" and Plan.objects.get(pk=plan.pk).status == "draft"


def test_a_duplicate_field_is_refused_with_a_clear_message_and_the_database_agrees(fields, people):
    bandung = people["bandung"]
    plan = _plan(bandung)
    services.plan_line_add(actor=bandung, plan_id=plan.pk, field_id=fields["OTO"].pk, people=40, reason="Bengkel", now=NOW)
    with pytest.raises(Conflict) as info:
        services.plan_line_add(actor=bandung, plan_id=plan.pk, field_id=fields["OTO"].pk, people=10, reason="Lagi", now=NOW)
    assert info.value.code == "plan_line_duplicate" and info.value.field == "vocational_field"
    assert 'Kejuruan "Otomotif" sudah ada' in info.value.message.id and "already in this proposal" in info.value.message.en
    assert list(PlanLine.objects.values_list("people", flat=True)) == [40]
    assert AuditEvent.objects.filter(action="plan.line_added").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanLine.objects.create(plan=plan, vocational_field=fields["OTO"], people=1, reason="x", created_at=NOW, updated_at=NOW)


def test_bad_lines_are_refused_on_their_field(fields, people):
    bandung = people["bandung"]
    plan = _plan(bandung)
    cases = [(None, 5, "Alasan", "vocational_field"), (fields["OTO"].pk, 0, "Alasan", "people"),
             (fields["OTO"].pk, 5, "   ", "reason"), (999_999, 5, "Alasan", "vocational_field")]
    for field_id, n, reason, at_fault in cases:
        with pytest.raises(ValidationFailed) as info:
            services.plan_line_add(actor=bandung, plan_id=plan.pk, field_id=field_id, people=n, reason=reason, now=NOW)
        assert (info.value.code, info.value.field) == ("plan_line_field", at_fault)
    assert not PlanLine.objects.exists()


def test_one_plan_per_region_and_year_and_only_for_known_regions_and_open_years(people):
    bandung, admin = people["bandung"], None
    _plan(bandung)
    with pytest.raises(Conflict) as info:
        _plan(bandung)
    assert info.value.code == "plan_exists" and "Kota Bandung" in info.value.message.id
    with pytest.raises(ValidationFailed) as info:
        _plan(bandung, year=2030)
    assert info.value.code == "plan_year"
    assert _plan(bandung, year=2026).year == 2026  # this year: a late plan
    jabar = people["jabar"]
    assert _plan(jabar, region="32").regency_id is None  # the province's own plan beside its regencies'
    with pytest.raises(Conflict):
        _plan(jabar, region="32")
    from tests.factories import staff

    admin = staff("admin")
    with pytest.raises(ValidationFailed) as info:
        _plan(admin, region="99.99")
    assert info.value.code == "plan_region"
    assert Plan.objects.count() == 3


def test_the_office_of_exactly_the_area_proposes(fields, people):
    """A regency office does not write another regency's (or its province's) plan; a province office reads its
    regencies' plans but writes only its own."""
    with pytest.raises(PermissionDenied):
        _plan(people["bandung"], region="32.04")
    with pytest.raises(PermissionDenied):
        _plan(people["jabar"], region="32.73")
    plan = _plan(people["bandung"])
    for outsider in (people["kab_bandung"], people["jabar"], people["surabaya"], people["curator"], people["citizen"]):
        with pytest.raises(PermissionDenied):
            services.plan_line_add(actor=outsider, plan_id=plan.pk, field_id=fields["OTO"].pk, people=5, reason="x", now=NOW)
        with pytest.raises(PermissionDenied):
            services.plan_submit(actor=outsider, plan_id=plan.pk, now=NOW)
    assert not PlanLine.objects.exists() and Plan.objects.get(pk=plan.pk).status == "draft"
    with pytest.raises(NotFound):
        services.plan_submit(actor=people["bandung"], plan_id=plan.pk + 1000, now=NOW)


def test_who_sees_which_plans(fields, people):
    bandung_plan = _plan(people["bandung"])
    kab_plan = _plan(people["kab_bandung"], region="32.04")
    province_plan = _plan(people["jabar"], region="32")
    surabaya_plan = _plan(people["surabaya"], region="35.78")
    # A regency office: its own plan only; another regency's plan detail is refused.
    assert [p.pk for p in selectors.plans_visible(viewer=people["bandung"])] == [bandung_plan.pk]
    assert selectors.plan_get(viewer=people["bandung"], plan_id=bandung_plan.pk) == bandung_plan
    for other in (kab_plan, province_plan, surabaya_plan):
        with pytest.raises(PermissionDenied):
            selectors.plan_get(viewer=people["bandung"], plan_id=other.pk)
    # A province office: its own and its regencies', not another province's.
    assert {p.pk for p in selectors.plans_visible(viewer=people["jabar"])} == {bandung_plan.pk, kab_plan.pk, province_plan.pk}
    assert selectors.plan_get(viewer=people["jabar"], plan_id=kab_plan.pk) == kab_plan
    with pytest.raises(PermissionDenied):
        selectors.plan_get(viewer=people["jabar"], plan_id=surabaya_plan.pk)
    # The ministry and the PMO: the nation. A citizen: nothing.
    for national in (people["curator"], people["pmo"]):
        assert len(selectors.plans_visible(viewer=national)) == 4
        assert selectors.plan_get(viewer=national, plan_id=surabaya_plan.pk) == surabaya_plan
    with pytest.raises(PermissionDenied):
        selectors.plans_visible(viewer=people["citizen"])
    # Roll-ups: the province's office and the ministry; a regency office is refused its province's.
    assert selectors.area_rollup(viewer=people["jabar"], area_code="32", year=2027, today=NOW.date()).code == "32"
    assert selectors.area_rollup(viewer=people["curator"], area_code="35", year=2027, today=NOW.date()).code == "35"
    with pytest.raises(PermissionDenied):
        selectors.area_rollup(viewer=people["bandung"], area_code="32", year=2027, today=NOW.date())
    with pytest.raises(PermissionDenied):
        selectors.national_by_province(viewer=people["jabar"], year=2027, today=NOW.date())
