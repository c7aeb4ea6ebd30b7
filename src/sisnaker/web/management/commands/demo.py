"""``sisnaker demo``: migrate, load regions and demo data, print the demo logins, and serve."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from sisnaker.web import demo


class Command(BaseCommand):
    help = "Set up the embedded database with demo data and start Sisnaker at http://127.0.0.1:8000"

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port to serve on")
        parser.add_argument("--citizens", type=int, default=300, help="how many demo citizens to create")
        parser.add_argument("--no-serve", action="store_true", help="only prepare the data, do not start the server")
        parser.add_argument("--no-worker", action="store_true", help="do not start the background task worker")

    def handle(self, *args, addr, citizens, no_serve, no_worker=False, **options):
        self.stdout.write("Menyiapkan basis data…")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("loadregions", verbosity=1)
        result = demo.load_demo(citizens=citizens, today=timezone.localdate())
        if result.get("created"):
            self.stdout.write(f"Data demo dibuat: {result['citizens']} warga, {result['institutions']} lembaga.")
        else:
            self.stdout.write("Data demo sudah ada.")
        self.stdout.write(self.style.SUCCESS("\nAkun demo (kata sandi sama untuk semua):"))
        width = max(len(x.login) for x in demo.logins())
        for login in demo.logins():
            self.stdout.write(f"  {login.login:<{width}}  {login.password}  {login.role} — {login.note}")
        from sisnaker.certification.models import Certificate

        sample = Certificate.objects.filter(revoked_at__isnull=True).order_by("pk").first()
        if sample:
            self.stdout.write(f"Contoh sertifikat: {sample.number} — verifikasi: http://{addr}/v/{sample.verification_id}/")
        self.stdout.write(f"\nBuka http://{addr}/  ·  API: http://{addr}/api/v1/docs\n")
        if no_serve:
            return
        worker = None
        if not no_worker:
            # Background tasks (notifications, "issue all eligible") need a worker next to the server.
            import subprocess
            import sys

            worker = subprocess.Popen([sys.executable, "-m", "sisnaker", "db_worker", "--no-reload"])  # noqa: S603 - our own command
            self.stdout.write("Pekerja tugas latar (db_worker) berjalan.")
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
