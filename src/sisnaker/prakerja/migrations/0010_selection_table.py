"""The draw writes one narrow ``Selection`` row per selected application instead of rewriting application rows.
Applications selected by earlier draws move there: their rank (``draw_rank``, in the order drawn) and province go
to a ``Selection`` row and their status becomes ``eligible`` (``Application.outcome`` reads them as selected)."""

import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    Application = apps.get_model("prakerja", "Application")
    Selection = apps.get_model("prakerja", "Selection")
    selected = Application.objects.filter(status="selected").order_by("wave_id", "draw_rank", "pk")
    rows, rank, wave = [], 0, None
    for pk, wave_id, province_id in selected.values_list("pk", "wave_id", "province_id").iterator(chunk_size=5000):
        rank = rank + 1 if wave_id == wave else 1
        wave = wave_id
        rows.append(Selection(application_id=pk, wave_id=wave_id, province_id=province_id, rank=rank))
    Selection.objects.bulk_create(rows, batch_size=5000)
    selected.update(status="eligible")


def backwards(apps, schema_editor):
    Application = apps.get_model("prakerja", "Application")
    Selection = apps.get_model("prakerja", "Selection")
    for pk, rank in Selection.objects.values_list("application_id", "rank").iterator(chunk_size=5000):
        Application.objects.filter(pk=pk).update(status="selected", draw_rank=rank)
    Selection.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('prakerja', '0009_wave_background_steps'),
        ('regions', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='Selection',
            fields=[
                ('application', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='selection', serialize=False, to='prakerja.application')),
                ('rank', models.PositiveIntegerField()),
                ('province', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.province')),
                ('wave', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='selections', to='prakerja.wave')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('wave', 'rank'), name='prakerja_selection_rank_once'), models.CheckConstraint(condition=models.Q(('rank__gte', 1)), name='prakerja_selection_rank_positive')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
