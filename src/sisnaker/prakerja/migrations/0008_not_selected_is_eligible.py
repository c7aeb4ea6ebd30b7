"""The draw now writes only the selected applications: "not selected" is an eligible application of a drawn wave
(``Application.outcome``). Applications drawn before keep one representation: their stored ``not_selected``
becomes ``eligible`` (their reason, e.g. ``household_full``, stays)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Application = apps.get_model("prakerja", "Application")
    Application.objects.filter(status="not_selected").update(status="eligible")


def backwards(apps, schema_editor):
    Application = apps.get_model("prakerja", "Application")
    Application.objects.filter(status="eligible", wave__status="drawn").update(status="not_selected")


class Migration(migrations.Migration):
    dependencies = [("prakerja", "0007_fewer_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
