"""One open record of a person at work per company, held by the database. The services always refused a second one
(under the company's row lock); should a database hold one anyway, the migration stops and names the records, so an
operator ends the wrong one (the company's "Berhenti bekerja" on its page) instead of the migration choosing."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count


def refuse_duplicates(apps, schema_editor):
    Placement = apps.get_model("placement", "Placement")
    twice = list(Placement.objects.filter(company__isnull=False, source__in=["application", "employer"], end_date__isnull=True)
                 .values("person_id", "company_id").annotate(n=Count("id")).filter(n__gt=1).order_by("person_id")[:20])
    if twice:
        listed = ", ".join(f"person {row['person_id']} at company {row['company_id']}" for row in twice)
        raise RuntimeError(f"Placements open twice at the same company ({listed}): end the wrong one of each pair, then migrate again.")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0012_lean_indexes'),
        ('placement', '0012_officer_report_corrected'),
        ('regions', '0001_initial'),
        ('training', '0009_result_from_units'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='placement',
            constraint=models.UniqueConstraint(condition=models.Q(('company__isnull', False), ('end_date__isnull', True), models.Q(('source', 'application'), ('source', 'employer'), _connector='OR')), fields=('person', 'company'), name='placement_one_open_per_company'),
        ),
    ]
