"""Where each measure's events come from: one queryset per measure over a module's rows, shaped as ``Fact`` rows.

Each ``Source`` gives, for a period, a ``values_list`` in ``FACT_COLUMNS`` order that ``services`` turns into one
``INSERT … SELECT`` (the rows never pass through Python), and the rows changed since a moment (for the
incremental refresh). Adding a measure is one entry here and one in ``domain.MEASURES``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case, CharField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, ExtractMonth, ExtractYear, Substr
from django.utils import timezone

from sisnaker.certification.models import Certificate, certified_at_expression
from sisnaker.payments.domain import EntryKind, PayableStatus
from sisnaker.payments.models import LedgerLine, Payable
from sisnaker.placement.domain import CardStatus as AK1Status
from sisnaker.placement.models import JobSeekerCard, Placement
from sisnaker.prakerja.domain import ApplicationStatus
from sisnaker.prakerja.models import Application as PrakerjaApplication
from sisnaker.prakerja.models import Card as PrakerjaCard
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.models import Enrollment

from .domain import AGE_GROUPS

FACT_COLUMNS = ("measure", "src", "year", "month", "dom_province", "ktp_province", "dom_district", "ktp_regency", "ktp_district", "field", "institution",
                "funding", "sex", "disability", "age", "education", "amount")

STARTED = (E.PARTICIPANT, E.GRADUATED, E.NOT_PASSED, E.DROPPED_OUT)  # began the training
PRAKERJA_APPLIED = (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE)  # or later


def _text(path: str | None):
    if path is None:
        return Value("", output_field=CharField())
    return Coalesce(Cast(F(path), CharField()), Value(""), output_field=CharField())


def _age(event: str, birth: str):
    age = ExtractYear(F(event)) - ExtractYear(F(birth))
    whens = [When(**{"_age__lte": high}, then=Value(key)) for key, _, high in AGE_GROUPS if high is not None]
    return age, Case(*whens, default=Value(AGE_GROUPS[-1][0]), output_field=CharField())


@dataclass(frozen=True, slots=True)
class Source:
    measure: str
    queryset: Callable[[], QuerySet]
    event: str  # the date or time of the event (a path)
    person: str  # the path to the person's data: accounts.Person ("person"), or a Prakerja application ("", "application")
    program: str | None  # the path to training.Program, for the training breakdowns
    changed: Callable[[dt.datetime], Q]  # the rows changed after a moment
    amount: str | None = None
    event_is_date: bool = False
    applicant: bool = False  # ``person`` leads to a Prakerja application (its own copy of the applicant's data)

    def rows(self, start: dt.date, end: dt.date) -> QuerySet:
        """The facts of events on ``start`` ≤ day < ``end``, as a ``values_list`` in ``FACT_COLUMNS`` order."""
        if not self.event_is_date:  # a moment: the local days' bounds (figures follow the office's calendar)
            zone = timezone.get_current_timezone()
            start = dt.datetime.combine(start, dt.time(), tzinfo=zone)
            end = dt.datetime.combine(end, dt.time(), tzinfo=zone)
        qs = self.queryset().filter(**{f"{self.event}__gte": start, f"{self.event}__lt": end})
        return self.shape(qs)

    def rows_of(self, pks: list[int]) -> QuerySet:
        """The facts of the rows ``pks`` (those of them that are events of this measure), whatever their year."""
        return self.shape(self.queryset().filter(pk__in=pks).exclude(**{f"{self.event}__isnull": True}))

    def shape(self, qs: QuerySet) -> QuerySet:
        p = f"{self.person}__" if self.person else ""
        dom, ktp_reg = f"{p}domicile_district_id", f"{p}nik_regency_id"
        ktp_dis = None if self.applicant else f"{p}nik_district_id"  # an application keeps no district of the NIK
        disability = Case(When(**{f"{p}has_disability": True}, then=Value("y")), default=Value("n"), output_field=CharField())
        prog = f"{self.program}__" if self.program else None
        age, age_group = _age(self.event, f"{p}birth_date")
        return qs.annotate(
            _measure=Value(self.measure, output_field=CharField()), _src=F("pk"),
            _year=ExtractYear(self.event), _month=ExtractMonth(self.event),
            _dom_prov=Substr(F(dom), 1, 2), _ktp_prov=Substr(F(ktp_reg), 1, 2),
            _dom=F(dom), _ktp_reg=F(ktp_reg), _ktp_dis=_text(ktp_dis),
            _field=_text(f"{prog}vocational_field_id" if prog else None),
            _inst=_text(f"{prog}institution_id" if prog else None),
            _funding=_text(f"{prog}funding" if prog else None),
            _sex=F(f"{p}sex"), _dis=disability, _age=age,
        ).annotate(
            _age_group=age_group, _edu=F(f"{p}education"),
            _amount=Coalesce(F(self.amount), Value(0)) if self.amount else Value(0, output_field=IntegerField()),
        ).values_list("_measure", "_src", "_year", "_month", "_dom_prov", "_ktp_prov", "_dom", "_ktp_reg", "_ktp_dis", "_field", "_inst", "_funding",
                      "_sex", "_dis", "_age_group", "_edu", "_amount").order_by()

    def changed_rows(self, since: dt.datetime, *, moved: list[int]) -> QuerySet:
        """The ids of the rows changed after ``since``, or whose person is one of ``moved`` (persons changed since
        then: a move changes where every one of their events is counted) — of *all* the model's rows, not only this
        measure's events: a row that stopped being one (a certificate revoked) must lose its fact."""
        q = self.changed(since)
        if moved and not self.applicant:
            q |= Q(**{f"{self.person}__in": moved})
        return self.queryset().model._default_manager.filter(q).values_list("pk", flat=True).order_by()

    def years(self) -> set[int]:
        """The years with events of this measure."""
        qs = self.queryset().exclude(**{f"{self.event}__isnull": True})
        return {y for y in qs.annotate(_y=ExtractYear(self.event)).values_list("_y", flat=True).distinct() if y}


def _ts(*fields: str) -> Callable[[dt.datetime], Q]:
    def changed(since: dt.datetime) -> Q:
        q = Q(pk__in=[])
        for name in fields:
            q |= Q(**{f"{name}__gt": since})
        return q
    return changed


def _paid_or_returned(since: dt.datetime) -> Q:
    """Payables paid after ``since``, or returned by the bank since then: a return sets the payable back to due
    and clears ``paid_at``, so only its ledger entry (a RETURN posted then) says it changed — without it the
    return stayed counted as paid until the next full rebuild."""
    returned = LedgerLine.objects.filter(entry__kind=EntryKind.RETURN, entry__posted_at__gt=since, payable__isnull=False)
    return Q(paid_at__gt=since) | Q(pk__in=returned.values("payable_id"))


SOURCES: tuple[Source, ...] = (
    # Every application to a training, when it was made. A program is edited while it takes applications (its
    # vocational field, funding: ``training.services.program_update``), so its edits move its applicants' facts.
    Source("applicants", lambda: Enrollment.objects.all(), "registered_at", "person", "program",
           _ts("registered_at", "state_changed_at", "program__updated_at")),
    # Who began the training, in the month it started.
    Source("participants", lambda: Enrollment.objects.filter(state__in=STARTED), "program__start_date", "person",
           "program", _ts("state_changed_at", "program__updated_at"), event_is_date=True),
    # Who graduated, when the institution closed them as alumni.
    Source("alumni", lambda: Enrollment.objects.filter(state=E.GRADUATED), "state_changed_at", "person", "program",
           _ts("state_changed_at")),
    # Certificates standing (not revoked), in the month the person was certified: a replacement (the data corrected)
    # counts in its chain's first month, not in the month of the correction.
    Source("certified", lambda: Certificate.objects.filter(revoked_at__isnull=True).annotate(
               _certified_at=certified_at_expression()), "_certified_at", "enrollment__person",
           "enrollment__program", _ts("issued_at", "revoked_at")),
    # People at work (placement records, whoever reported them: a hire, the employer, the alumnus, an officer), from
    # the day they started; the training it follows, when known. An alumnus's own report they corrected later is not
    # counted, nor an office's report replaced by its next one (an ended placement is: the person was placed); ``updated_at``
    # is when a placement was ended or corrected.
    Source("placed", lambda: Placement.objects.filter(corrected_at__isnull=True), "start_date", "person",
           "enrollment__program", _ts("created_at", "updated_at"), event_is_date=True),
    # AK/1 cards issued.
    Source("ak1", lambda: JobSeekerCard.objects.filter(status=AK1Status.ISSUED, issued_on__isnull=False), "issued_on",
           "person", None, _ts("decided_at"), event_is_date=True),
    # Kartu Prakerja applications submitted (whatever their outcome).
    Source("prakerja_applicants", lambda: PrakerjaApplication.objects.filter(status__in=PRAKERJA_APPLIED), "created_at",
           "", None, _ts("created_at", "reviewed_at", "wave__closed_at", "wave__drawn_at"), applicant=True),
    # Kartu Prakerja cards issued (the beneficiaries), counted by the application's data.
    Source("prakerja_beneficiaries", lambda: PrakerjaCard.objects.all(), "issued_at", "application", None,
           _ts("issued_at"), applicant=True),
    # Incentives and Prakerja incentives actually paid to a person (amount in rupiah), when paid.
    Source("incentives_paid", lambda: Payable.objects.filter(status=PayableStatus.PAID, person__isnull=False), "paid_at",
           "person", "program", _paid_or_returned, amount="amount"),
)

BY_MEASURE = {s.measure: s for s in SOURCES}

