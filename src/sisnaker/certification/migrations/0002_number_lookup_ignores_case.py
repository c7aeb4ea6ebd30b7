# Public look-ups by certificate number ignore case (certificates.certificate_lookup compares
# UPPER(number)); this expression index keeps that look-up an index scan.

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('certification', '0001_initial'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='certificate',
            index=models.Index(django.db.models.functions.text.Upper('number'), name='certificate_number_upper_idx'),
        ),
    ]
