"""Matching at speed (bench/bench_matching.py): ``Vacancy.units_wanted`` (how many competency units a vacancy wants,
kept by the vacancy services; filled here from the vacancy–unit rows), an index of the vacancy–unit table by unit
then vacancy (the vacancies holding a person's units, read index-only), and on PostgreSQL a covering index of what
matching reads of a vacancy (``vacancy_match_idx``: the public filter, the score's parts and the order, a seventh of
the table's size; SQLite has no INCLUDE, so, like the search column of 0004, the model does not declare it)."""

from django.db import migrations, models

FILL = """UPDATE placement_vacancy SET units_wanted = (
    SELECT COUNT(*) FROM placement_vacancy_competency_units m WHERE m.vacancy_id = placement_vacancy.id)"""
UNIT_INDEX = "placement_vacancy_units_by_unit"
MATCH_INDEX = ("CREATE INDEX vacancy_match_idx ON placement_vacancy (id) INCLUDE (status, company_id, opens_on, closes_on, "
               "min_education, vocational_field_id, regency_id, province_id, units_wanted, published_at)")


def match_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(MATCH_INDEX)


def match_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS vacancy_match_idx")


class Migration(migrations.Migration):

    dependencies = [
        ("placement", "0006_outcomes"),
    ]

    operations = [
        migrations.AddField(
            model_name="vacancy",
            name="units_wanted",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RunSQL(
            f"CREATE INDEX {UNIT_INDEX} ON placement_vacancy_competency_units (competencyunit_id, vacancy_id)",
            f"DROP INDEX {UNIT_INDEX}",
        ),
        migrations.RunPython(match_index, match_index_drop),
    ]
