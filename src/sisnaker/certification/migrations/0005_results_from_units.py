"""Enrollments with unit assessments get ``result_from_units`` (training 0009): their result follows the units, and
the manager's "Hasil" action leaves them alone from now on. One UPDATE. (A result a manager set over the assessments
before this change stays as it is until the instructor saves the assessments again.)"""

from django.db import migrations


def mark(apps, schema_editor):
    Enrollment = apps.get_model("training", "Enrollment")
    Assessment = apps.get_model("certification", "Assessment")
    Enrollment.objects.filter(pk__in=Assessment.objects.values("enrollment_id")).update(result_from_units=True)


class Migration(migrations.Migration):

    dependencies = [
        ("certification", "0004_employment_links"),
        ("training", "0009_result_from_units"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
