"""``sisnaker genkey``: print a new random data-encryption key for SISNAKER_DATA_KEYS."""

from django.core.management.base import BaseCommand

from sisnaker.core.crypto import generate_key


class Command(BaseCommand):
    help = "Print a new data-encryption key. Put it FIRST in SISNAKER_DATA_KEYS; keep old keys after it to read old data."
    requires_system_checks = []

    def handle(self, *args, **options):
        self.stdout.write(generate_key())
