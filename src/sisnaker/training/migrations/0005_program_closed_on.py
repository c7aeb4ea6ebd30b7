"""``Program.closed_on``: the day a program was closed. Programs closed before it existed get their end date —
the date their certificates already bear — so nothing issued so far changes meaning."""

from django.conf import settings
from django.db import migrations, models


def backfill(apps, schema_editor):
    Program = apps.get_model("training", "Program")
    Program.objects.filter(status="closed", closed_on__isnull=True).update(closed_on=models.F("end_date"))


class Migration(migrations.Migration):

    dependencies = [
        ('institutions', '0002_vetting'),
        ('regions', '0001_initial'),
        ('training', '0004_import_error_file_kind'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='program',
            name='closed_on',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='program',
            constraint=models.CheckConstraint(condition=models.Q(('closed_on__isnull', True), ('status', 'closed'), _connector='OR'), name='program_closed_on_only_when_closed'),
        ),
    ]
