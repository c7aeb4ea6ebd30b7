# Rate-limit counters (core.ratelimit): one row per key and fixed window.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_apitoken'),
    ]

    operations = [
        migrations.CreateModel(
            name='RateCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=200)),
                ('window_start', models.BigIntegerField()),
                ('window_seconds', models.IntegerField()),
                ('count', models.IntegerField(default=0)),
            ],
            options={
                'indexes': [models.Index(fields=['window_start'], name='ratecounter_window_idx')],
                'constraints': [models.UniqueConstraint(fields=('key', 'window_start', 'window_seconds'), name='ratecounter_unique_window')],
            },
        ),
    ]
