"""Waves keep their applications' counts once they can no longer change (``Wave.counts``). Closed and drawn waves
get theirs now, counted as closing and the draw count them."""

from collections import defaultdict

from django.db import migrations, models
from django.db.models import Count


def forwards(apps, schema_editor):
    Wave = apps.get_model("prakerja", "Wave")
    Application = apps.get_model("prakerja", "Application")
    Selection = apps.get_model("prakerja", "Selection")
    for wave in Wave.objects.filter(status__in=["closed", "drawn"]):
        per = defaultdict(dict)
        for province, status, n in (Application.objects.filter(wave=wave).values_list("province_id", "status")
                                    .annotate(n=Count("pk")).order_by()):
            per[province][status] = n
        wave.counts = {"applications": dict(per)}
        if wave.status == "drawn":
            wave.counts["selected"] = dict(Selection.objects.filter(wave=wave).values_list("province_id")
                                           .annotate(n=Count("pk")).order_by())
        wave.save(update_fields=["counts"])


class Migration(migrations.Migration):

    dependencies = [
        ("prakerja", "0012_purchase_enrollment_again"),
    ]

    operations = [
        migrations.AddField(model_name="wave", name="counts", field=models.JSONField(blank=True, default=dict)),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
