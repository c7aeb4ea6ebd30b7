from django.core.management.base import BaseCommand

from sisnaker.training.reference import reference_load


class Command(BaseCommand):
    help = "Add the starter vocational fields and SKKNI competency units that are missing (idempotent)."

    def handle(self, *args, **options):
        added = reference_load()
        self.stdout.write(
            f"Referensi: {added['vocational_fields']} kejuruan dan {added['competency_units']} unit kompetensi ditambahkan."
        )
