"""``sisnaker loadsurveys``: install the default questionnaires (the work-readiness and the employment surveys) when they
are missing, e.g. after a database was emptied. ``migrate`` installs them already; running this twice
changes nothing."""

from django.core.management.base import BaseCommand

from sisnaker.surveys.models import Questionnaire
from sisnaker.surveys.services import ensure_default_questionnaires


class Command(BaseCommand):
    help = "Install the default questionnaires (survei kesiapan kerja, survei kebekerjaan) when missing."

    def handle(self, *args, **options):
        before = Questionnaire.objects.count()
        ensure_default_questionnaires()
        added = Questionnaire.objects.count() - before
        self.stdout.write(self.style.SUCCESS(f"Kuesioner bawaan terpasang ({added} baru)."))
