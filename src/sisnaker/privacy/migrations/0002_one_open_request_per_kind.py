"""One open request of each kind per person, held by the database (a double tap used to queue the same request twice).
Should a database hold two open requests of the same kind by one person, the migration stops and names them, so the
data-protection officer answers the extra one (e.g. "Sama dengan permintaan #…") instead of the migration choosing."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count


def refuse_duplicates(apps, schema_editor):
    PrivacyRequest = apps.get_model("privacy", "PrivacyRequest")
    twice = list(PrivacyRequest.objects.filter(status="open").values("person_id", "kind").annotate(n=Count("id"))
                 .filter(n__gt=1).order_by("person_id", "kind")[:20])
    if twice:
        listed = "; ".join(
            f"person {row['person_id']}, {row['kind']}: requests "
            + ", ".join(f"#{pk}" for pk in PrivacyRequest.objects.filter(person_id=row["person_id"], kind=row["kind"], status="open")
                        .order_by("id").values_list("id", flat=True))
            for row in twice)
        raise RuntimeError(f"Open personal-data requests of the same kind by the same person ({listed}): answer all but one of "
                           f"each (the officer's queue, /privasi/), then migrate again.")


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='privacyrequest',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'open')), fields=('person', 'kind'),
                                               name='privacy_request_one_open_per_kind'),
        ),
    ]
