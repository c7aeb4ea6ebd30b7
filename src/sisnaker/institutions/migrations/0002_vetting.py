"""Institutions are vetted: a status (pending → approved / rejected, approved ⇄ suspended) with its
history, a folded registry key that is unique (no look-alike copies), the licence number the
approving officer checks, and who registered it.

Institutions that existed before vetting were never checked by any authority, so they start
*pending* (with a history row saying why): an upgrade puts every one of them in the approvers'
queue instead of trusting self-registrations. Registry numbers that collide once folded keep
their number; the later ones get a key suffixed with their id and a note in the history."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

_LOOKALIKES = str.maketrans({"O": "0", "Q": "0", "I": "1", "L": "1"})


def _key(number):
    return "".join(ch for ch in (number or "").upper() if ch.isalnum()).translate(_LOOKALIKES)[:40]


def forwards(apps, schema_editor):
    Institution = apps.get_model("institutions", "Institution")
    Change = apps.get_model("institutions", "InstitutionStatusChange")
    now = timezone.now()
    seen = set()
    for inst in Institution.objects.order_by("pk"):
        key = _key(inst.registry_number)
        reason = "Terdaftar sebelum verifikasi lembaga berlaku; menunggu pemeriksaan pejabat berwenang."
        if key in seen:
            key = f"{key[:30]}#{inst.pk}"
            reason += " Nomor registrasinya mirip dengan lembaga lain: periksa keasliannya."
        seen.add(key)
        inst.registry_key = key
        inst.status = "pending" if inst.is_active else "suspended"
        inst.status_changed_at = now
        inst.save(update_fields=["registry_key", "status", "status_changed_at"])
        Change.objects.create(institution=inst, status=inst.status, at=now, reason=reason)


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(model_name="institution", name="registry_key", field=models.CharField(max_length=40, null=True)),
        migrations.AddField(model_name="institution", name="licence_number", field=models.CharField(blank=True, max_length=60)),
        migrations.AddField(
            model_name="institution", name="status",
            field=models.CharField(choices=[("pending", "Menunggu persetujuan"), ("approved", "Disetujui"), ("rejected", "Ditolak"),
                                            ("suspended", "Dibekukan")], default="pending", max_length=12),
        ),
        migrations.AddField(model_name="institution", name="status_reason", field=models.TextField(blank=True)),
        migrations.AddField(model_name="institution", name="status_changed_at", field=models.DateTimeField(blank=True, null=True)),
        migrations.AddField(
            model_name="institution", name="registered_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to=settings.AUTH_USER_MODEL),
        ),
        migrations.CreateModel(
            name="InstitutionStatusChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("status", models.CharField(choices=[("pending", "Menunggu persetujuan"), ("approved", "Disetujui"),
                                                     ("rejected", "Ditolak"), ("suspended", "Dibekukan")], max_length=12)),
                ("at", models.DateTimeField()),
                ("reason", models.TextField(blank=True)),
                ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                            to=settings.AUTH_USER_MODEL)),
                ("institution", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="status_changes",
                                                  to="institutions.institution")),
            ],
            options={"ordering": ["institution", "at", "id"],
                     "indexes": [models.Index(fields=["institution", "at"], name="institution_status_at_idx")]},
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(model_name="institution", name="registry_key", field=models.CharField(max_length=40, unique=True)),
        migrations.RemoveIndex(model_name="institution", name="institution_region_idx"),
        migrations.RemoveField(model_name="institution", name="is_active"),
        migrations.AddIndex(model_name="institution", index=models.Index(fields=["regency", "status"], name="institution_region_idx")),
        migrations.AddIndex(model_name="institution", index=models.Index(fields=["status", "created_at"], name="institution_queue_idx")),
    ]
