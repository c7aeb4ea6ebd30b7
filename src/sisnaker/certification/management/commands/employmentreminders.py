"""``sisnaker employmentreminders``: send the employment survey's reminders now — what the daily task does —
to every alumnus whose survey window is open and who has neither filled it nor been reminded in this window."""

from django.core.management.base import BaseCommand

from sisnaker.certification import services


class Command(BaseCommand):
    help = "Remind alumni whose employment survey (survei kebekerjaan) is open, once per window, with a personal link."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="", help="The site's address in the links (default: SISNAKER_PUBLIC_URL).")

    def handle(self, *args, **options):
        report = services.employment_reminders_send(base_url=options["base_url"])
        self.stdout.write(self.style.SUCCESS(
            f"Pengingat survei kebekerjaan: {len(report.reminded)} terkirim, {report.unreachable} tanpa kontak, "
            f"{report.already_today} sudah dikirimi hari ini."))
