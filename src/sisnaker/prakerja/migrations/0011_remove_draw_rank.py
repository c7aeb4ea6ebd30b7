"""``draw_rank`` moved to ``Selection.rank`` (0010). A migration of its own: on PostgreSQL the rows 0010 wrote leave
deferred foreign-key checks pending in its transaction, and a table with pending checks cannot be altered."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [("prakerja", "0010_selection_table")]

    operations = [migrations.RemoveField(model_name="application", name="draw_rank")]
