"""Replacements keep the date of certification: ``first_issued_at`` is filled for the replacements already issued
(walked in issue order, so a replacement of a replacement finds its predecessor's date set), then checked."""

from django.conf import settings
from django.db import migrations, models


def fill_first_issued_at(apps, schema_editor):
    Certificate = apps.get_model("certification", "Certificate")
    first: dict[int, object] = {}
    replacements = Certificate.objects.filter(replaces__isnull=False).order_by("issued_at", "pk")
    for pk, replaces_id, replaced_issued_at in replacements.values_list("pk", "replaces_id", "replaces__issued_at").iterator():
        first[pk] = first.get(replaces_id, replaced_issued_at)
        Certificate.objects.filter(pk=pk).update(first_issued_at=first[pk])


class Migration(migrations.Migration):

    dependencies = [
        ('certification', '0006_certificate_replacement'),
        ('institutions', '0002_vetting'),
        ('training', '0009_result_from_units'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='certificate',
            name='first_issued_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(fill_first_issued_at, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='certificate',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('first_issued_at__isnull', True), ('replaces__isnull', True)), models.Q(('first_issued_at__isnull', False), ('replaces__isnull', False)), _connector='OR'), name='certificate_first_issue_of_replacement'),
        ),
    ]
