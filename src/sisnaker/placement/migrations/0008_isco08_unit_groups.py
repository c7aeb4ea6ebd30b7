"""ISCO-08 unit groups (4 digits) and Indonesian titles.

Adds the 436 unit groups of ``placement/data/isco08.csv`` (0004 loaded the 183 groups of levels 1-3) and gives
every group the file's English (ILO) and Indonesian (KBJI 2014) titles. Both steps only do what is missing, so
running it again, or on a database that already has some of the rows, is harmless.

Reverse: removes the unit groups no vacancy refers to. Those a vacancy uses stay (the vacancy's occupation is
PROTECTed, and losing it would lose what the employer chose); the titles stay as the file gives them, since the
state before had no Indonesian titles worth going back to."""

from django.db import migrations

from sisnaker.placement.reference import load_isco08, sync_isco08_titles


def add_unit_groups(apps, schema_editor):
    occupation = apps.get_model("placement", "Occupation")
    load_isco08(occupation)
    sync_isco08_titles(occupation)


def remove_unused_unit_groups(apps, schema_editor):
    occupation = apps.get_model("placement", "Occupation")
    vacancy = apps.get_model("placement", "Vacancy")
    occupation.objects.filter(level=4).exclude(code__in=vacancy.objects.values("occupation_id")).delete()


class Migration(migrations.Migration):
    dependencies = [("placement", "0007_vacancy_units_wanted_matching")]

    operations = [migrations.RunPython(add_unit_groups, remove_unused_unit_groups)]
