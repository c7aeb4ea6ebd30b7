"""ISCO-08 occupation groups of levels 1-3 (``placement/data/isco08.csv``; the unit groups are 0008's) and, on
PostgreSQL only, the vacancies' full-text search column.

The search column is ``to_tsvector('simple', title || skills || description)``, a stored generated column with a
GIN index. 'simple' because PostgreSQL has no Indonesian stemmer (and the 'english' one would mangle Indonesian
words): words are lower-cased and matched whole, so "las" finds "Las" but not "pengelasan". SQLite has no such
column; the search there falls back to LIKE over title and skills (placement/selectors.py)."""

from django.db import migrations

from sisnaker.placement.reference import load_isco08


def load_occupations(apps, schema_editor):
    # Levels 1-3 only, as this migration always loaded: the unit groups and the titles' updates are 0008's
    # (the file has grown since; loading it whole here would make 0008's reverse remove rows 0004 added).
    load_isco08(apps.get_model("placement", "Occupation"), max_level=3)


SEARCH_SQL = """
ALTER TABLE placement_vacancy ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(skills, '') || ' ' || coalesce(description, ''))
) STORED;
CREATE INDEX vacancy_search_gin ON placement_vacancy USING gin (search);
"""
SEARCH_DROP = "DROP INDEX IF EXISTS vacancy_search_gin; ALTER TABLE placement_vacancy DROP COLUMN IF EXISTS search;"


def add_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_SQL)


def drop_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_DROP)


class Migration(migrations.Migration):
    dependencies = [("placement", "0003_jobs")]

    operations = [
        migrations.RunPython(load_occupations, migrations.RunPython.noop),
        migrations.RunPython(add_search, drop_search),
    ]
