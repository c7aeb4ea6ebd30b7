# One account per e-mail address whatever its case (issue 14 §3): the unique index on LOWER(email) is also
# what every look-up by e-mail reads (accounts.models.email_is), instead of a scan of every account.

import django.db.models.functions.text
from django.core.management.base import CommandError
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower


def refuse_duplicates(apps, schema_editor):
    """Addresses that differ only in case on two accounts would make the index fail with a bare
    IntegrityError: name them instead, with what to do, and change nothing."""
    User = apps.get_model("accounts", "User")
    dupes = list(
        User.objects.exclude(email="").annotate(address=Lower("email")).values("address")
        .annotate(n=Count("id")).filter(n__gt=1).order_by("address")[:50]
    )
    if not dupes:
        return
    lines = []
    for row in dupes:
        ids = sorted(User.objects.annotate(address=Lower("email")).filter(address=row["address"]).values_list("id", flat=True))
        lines.append(f"  accounts {', '.join(map(str, ids))}: one address written in different cases")
    raise CommandError(
        "Cannot make e-mail addresses unique regardless of case: these accounts share an address "
        f"({len(dupes)} address(es) shown, at most 50):\n" + "\n".join(lines) + "\n"
        "Decide which account keeps the address (usually the one its owner logs in with), give the others "
        "another address or none (e-mail empty: they log in with their phone or NIK), then run `sisnaker migrate` "
        "again. Nothing was changed."
    )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0008_data_protection_officer_role'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        # The new constraint first, so that there is never a moment without one.
        migrations.AddConstraint(
            model_name='user',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('email'), condition=models.Q(('email', ''), _negated=True), name='user_unique_email_ci'),
        ),
        migrations.RemoveConstraint(
            model_name='user',
            name='user_unique_email',
        ),
    ]
