# The public catalogue's order (training.models.catalogue_stage), read from an index instead of sorting every public
# program (issue 14 §2).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('training', '0009_result_from_units'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='program',
            index=models.Index(models.Case(models.When(status='published', then=models.Value(0)), models.When(status='selection', then=models.Value(1)), models.When(status='running', then=models.Value(2)), default=models.Value(3), output_field=models.IntegerField()), models.F('start_date'), models.F('id'), condition=models.Q(('status', 'published'), ('status', 'selection'), ('status', 'running'), ('status', 'closed'), _connector='OR'), name='program_catalogue_order_idx'),
        ),
    ]
