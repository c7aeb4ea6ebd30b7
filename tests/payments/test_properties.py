"""Random sequences of operations (accrue, build, approve, export, bank results — imported once or twice —,
cancel) keep every journal entry and every account balanced and never pay a payable twice."""

from __future__ import annotations

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sisnaker.core.errors import SisnakerError
from sisnaker.payments import domain, selectors
from sisnaker.payments.models import Batch, JournalEntry, LedgerLine, Payable
from sisnaker.payments.services import batches, payables

from .conftest import graduates
from .test_batches import result_file

pytestmark = pytest.mark.django_db

OPS = st.lists(st.tuples(st.sampled_from(["graduates", "accrue", "build", "approve", "export", "result", "reimport", "cancel",
                                          "cancel_payable"]), st.integers(0, 7)), min_size=1, max_size=14)


def _check_invariants():
    # Every entry balances; the whole ledger sums to zero.
    assert not JournalEntry.objects.annotate(total=Sum("lines__amount")).exclude(total=0).exists()
    assert (LedgerLine.objects.aggregate(t=Sum("amount"))["t"] or 0) == 0
    for p in Payable.objects.all():
        lines = list(LedgerLine.objects.filter(payable=p).values_list("entry__kind", "account__kind", "amount"))
        pays = [line for line in lines if line[0] == "pay" and line[1] == "paid_out"]
        assert len(pays) == (1 if p.status == "paid" else 0)  # paid exactly once, or not at all
        owed = sum(a for _k, kind, a in lines if kind.startswith("payable_"))
        assert owed == (0 if p.status in ("paid", "cancelled") else -p.amount)  # what is still owed
        assert p.batch_lines.filter(is_open=True).count() == (1 if p.status == "in_batch" else 0)
    paid_total = Payable.objects.filter(status="paid").aggregate(t=Sum("amount"))["t"] or 0
    assert -(LedgerLine.objects.filter(account__kind="paid_out").aggregate(t=Sum("amount"))["t"] or 0) == paid_total


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=OPS)
def test_random_operations_keep_the_books_balanced_and_pay_once(finance, finance2, ops):
    officers = (finance, finance2)
    for op, n in ops:
        batch = Batch.objects.order_by("-pk").first()
        try:
            if op == "graduates":
                graduates(n % 3 + 1, accounts=n % 4 != 0)
            elif op == "accrue":
                payables.payables_accrue(actor=officers[n % 2])
            elif op == "build":
                batches.batch_build(actor=officers[n % 2], funding_source="apbd")
            elif op == "approve" and batch:
                batches.batch_approve(actor=officers[n % 2], batch_id=batch.pk)
            elif op == "export" and batch:
                for code in selectors.batch_providers(batch):
                    batches.batch_export(actor=officers[n % 2], batch_id=batch.pk, provider_code=code)
            elif op in ("result", "reimport") and batch:
                failing = {p: "rekening ditutup" for p in batch.lines.values_list("payable_id", flat=True) if (p + n) % 3 == 0}
                batches.batch_result_import(actor=finance, batch_id=batch.pk, data=result_file(batch, failed=failing))
                if op == "reimport":
                    batches.batch_result_import(actor=finance, batch_id=batch.pk, data=result_file(batch, failed=failing))
            elif op == "cancel" and batch:
                batches.batch_cancel(actor=finance, batch_id=batch.pk, reason="uji")
            elif op == "cancel_payable":
                payable = Payable.objects.filter(status=domain.PayableStatus.DUE).order_by("pk")[n:n + 1].first()
                if payable:
                    payables.payable_cancel(actor=finance, payable_id=payable.pk, reason="salah orang")
        except SisnakerError:
            pass  # a refusal a user could meet (wrong state, nothing due, four eyes): it must change nothing
        _check_invariants()
