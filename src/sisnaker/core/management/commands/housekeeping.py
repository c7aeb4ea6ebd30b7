"""``sisnaker housekeeping``: run one housekeeping pass now (the worker also runs it every hour)."""

from django.core.management.base import BaseCommand

from sisnaker.core import housekeeping


class Command(BaseCommand):
    help = "Delete expired rate-limit windows, log-in counters, sign-up claims and import error files now."

    def handle(self, *args, **options):
        for job, result in housekeeping.run().items():
            self.stdout.write(f"{job}: {result}")
