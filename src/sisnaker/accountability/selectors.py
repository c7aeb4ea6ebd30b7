"""The LPJ (laporan pertanggungjawaban) of a program: every figure read from the records, in a fixed number of
queries (the program with its units, then one each for
the assessments, the certificates and the payables), whatever the program's size.

* **Participants by state**: the program's maintained counters (``Program.n_<state>``, kept by every training
  service in the transaction of the change; ``tests/training/test_counters.py`` checks them against a recount),
  and the late registrations (susulan).
* **Assessment results per competency unit** (``certification.Assessment``): competent / not yet competent among
  the trainees (enrollments that started the training: participant, graduated, not passed, dropped out), and
  those not assessed yet. Units are the program's own plus any unit assessed before it was removed from the
  program.
* **Certificates** (``certification.Certificate``) of the program's enrollments: issued, revoked, replaced (data
  corrected), still valid.
* **Budget used** (``payments.Payable``: what the program owes or paid, per kind — alumni incentives, training
  fees, Kartu Prakerja incentives): *paid* is the payables in status ``paid`` (a transfer the bank sent back is
  owed again, so it is not counted as paid); *owed* is ``due`` plus ``in_batch`` (in a disbursement batch not yet
  settled); cancelled payables are not counted. These are the figures the payments desk shows
  (``payments.selectors.payables`` filtered by program)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from sisnaker.certification.models import Assessment, Certificate
from sisnaker.core.errors import Msg
from sisnaker.core.permissions import require
from sisnaker.payments.domain import PayableKind, PayableStatus
from sisnaker.payments.models import Payable
from sisnaker.training import selectors as training
from sisnaker.training.domain import EnrollmentState as E
from sisnaker.training.domain import state_label
from sisnaker.training.models import CompetencyUnit, Program

TRAINEE_STATES = (E.PARTICIPANT, E.GRADUATED, E.NOT_PASSED, E.DROPPED_OUT)
KIND_LABELS = {
    PayableKind.INCENTIVE: Msg("Insentif alumni (survei kebekerjaan)", "Alumni incentives (employment survey)"),
    PayableKind.TRAINING_FEE: Msg("Biaya pelatihan ke lembaga", "Training fees to the institution"),
    PayableKind.PRAKERJA: Msg("Insentif Kartu Prakerja", "Kartu Prakerja incentives"),
}


class ProgramScope:
    """The program as the permission target of ``program.lpj``: its institution and its funding source (a finance
    officer of one funding source sees the LPJ of that source's programs only)."""

    def __init__(self, program: Program) -> None:
        self.program = program

    def scope_institution_id(self):
        return self.program.institution_id

    def scope_funding_source(self) -> str:
        return self.program.funding


@dataclass(frozen=True)
class StateRow:
    state: str
    label: Msg
    count: int


@dataclass(frozen=True)
class UnitRow:
    code: str
    title: str
    competent: int
    not_yet_competent: int
    not_assessed: int


@dataclass(frozen=True)
class BudgetRow:
    kind: str
    label: Msg
    paid_count: int
    paid_amount: int
    owed_count: int
    owed_amount: int


@dataclass(frozen=True)
class Lpj:
    program: Program
    generated_at: dt.datetime
    states: list[StateRow]
    enrollments: int
    late: int
    trainees: int
    units: list[UnitRow]
    certificates_issued: int  # first issues: the people certified
    certificates_revoked: int  # revoked for good (a replaced certificate is not counted: its replacement stands)
    certificates_replaced: int = 0  # replacements issued because the data on a certificate was corrected
    budget: list[BudgetRow] = field(default_factory=list)

    @property
    def certificates_valid(self) -> int:
        return self.certificates_issued - self.certificates_revoked

    @property
    def paid_total(self) -> int:
        return sum(r.paid_amount for r in self.budget)

    @property
    def owed_total(self) -> int:
        return sum(r.owed_amount for r in self.budget)


def lpj(*, actor, program_id: int, now: dt.datetime) -> Lpj:
    """The LPJ of program ``program_id`` for ``actor`` (``program.lpj``); NotFound or PermissionDenied."""
    program = training.program_for_staff(program_id=program_id)
    require(actor, "program.lpj", ProgramScope(program))
    counts = program.state_counts
    states = [StateRow(s, state_label(s), counts.get(s, 0)) for s in E.values]
    trainees = sum(counts.get(s, 0) for s in TRAINEE_STATES)

    results = {}
    for row in (Assessment.objects.filter(enrollment__program_id=program.pk, enrollment__state__in=TRAINEE_STATES)
                .values("unit_id").annotate(competent=Count("pk", filter=Q(result=Assessment.Result.COMPETENT)),
                                            nyc=Count("pk", filter=Q(result=Assessment.Result.NOT_YET_COMPETENT)))):
        results[row["unit_id"]] = (row["competent"], row["nyc"])
    units = {u.pk: u for u in program.competency_units.all()}
    missing = set(results) - set(units)
    if missing:
        units.update({u.pk: u for u in CompetencyUnit.objects.filter(pk__in=missing)})
    unit_rows = []
    for unit in sorted(units.values(), key=lambda u: u.code):
        competent, nyc = results.get(unit.pk, (0, 0))
        unit_rows.append(UnitRow(unit.code, unit.title, competent, nyc, max(trainees - competent - nyc, 0)))

    # A replacement (the data corrected) is not a second certification: "issued" counts first issues, "revoked" the
    # certificates revoked for good (not replaced), and the replacements are counted apart; issued − revoked stand.
    certs = Certificate.objects.filter(enrollment__program_id=program.pk).aggregate(
        issued=Count("pk", filter=Q(replaces__isnull=True)), replaced=Count("pk", filter=Q(replaces__isnull=False)),
        revoked=Count("pk", filter=Q(revoked_at__isnull=False, replaced_by__isnull=True)))

    sums = {(r["kind"], r["status"]): (r["n"], r["total"] or 0) for r in
            Payable.objects.filter(program_id=program.pk).exclude(status=PayableStatus.CANCELLED)
            .values("kind", "status").annotate(n=Count("pk"), total=Sum("amount"))}
    budget = []
    for kind in PayableKind.values:
        paid = sums.get((kind, PayableStatus.PAID), (0, 0))
        due = sums.get((kind, PayableStatus.DUE), (0, 0))
        in_batch = sums.get((kind, PayableStatus.IN_BATCH), (0, 0))
        if paid[0] or due[0] or in_batch[0]:
            budget.append(BudgetRow(kind, KIND_LABELS.get(kind, Msg(kind, kind)), paid[0], paid[1],
                                    due[0] + in_batch[0], due[1] + in_batch[1]))
    return Lpj(program=program, generated_at=now, states=states, enrollments=sum(counts.values()), late=program.n_late,
               trainees=trainees, units=unit_rows, certificates_issued=certs["issued"] or 0,
               certificates_revoked=certs["revoked"] or 0, certificates_replaced=certs["replaced"] or 0, budget=budget)
