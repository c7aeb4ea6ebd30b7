"""The default alumni incentive (Rp600,000 for filling the employment survey) for government-funded programs
(APBN, APBD). Finance officers change it per funding source or per program (payments.services)."""

from django.db import migrations
from django.utils import timezone

DEFAULT_AMOUNT = 600_000  # payments.domain.DEFAULT_INCENTIVE, written out: migrations do not import app code
SOURCES = ("apbn", "apbd")


def install(apps, schema_editor):
    rule = apps.get_model("payments", "IncentiveRule")
    now = timezone.now()
    for source in SOURCES:
        if not rule.objects.filter(funding_source=source, program__isnull=True, is_active=True).exists():
            rule.objects.create(funding_source=source, amount=DEFAULT_AMOUNT, questionnaire_code="employment", created_at=now)


class Migration(migrations.Migration):
    dependencies = [("payments", "0002_ledger_append_only_and_balanced")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
