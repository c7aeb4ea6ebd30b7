"""``sisnaker demo``: migrate, load regions and demo data, print the demo logins, and serve, with a
background task worker that stops when the demo stops (Ctrl-C, SIGTERM, or the demo process killed)."""

import signal

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from sisnaker.certification.models import Certificate
from sisnaker.demo import data as demo


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
        sample = Certificate.objects.filter(revoked_at__isnull=True).order_by("pk").first()
        if sample:
            self.stdout.write(f"Contoh sertifikat: {sample.number} — verifikasi: http://{addr}/v/{sample.verification_id}/")
        self.stdout.write(f"\nBuka http://{addr}/  ·  API: http://{addr}/api/v1/docs\n")
        if no_serve:
            return
        # SIGTERM (and a closed terminal) end the demo like Ctrl-C does, so that `finally` stops the worker.
        previous = {sig: signal.signal(sig, _exit_on_signal) for sig in (signal.SIGTERM, signal.SIGHUP)}
        worker = None
        try:
            if not no_worker:
                # Background tasks (notifications, "issue all eligible") need a worker next to the server.
                # It stops with the demo: terminated below, and on its own if this process is killed.
                import os
                import subprocess
                import sys

                worker = subprocess.Popen(  # noqa: S603 - our own command
                    [sys.executable, "-m", "sisnaker", "worker", "--no-startup-delay", "--parent-pid", str(os.getpid())]
                )
                self.stdout.write(f"Pekerja tugas latar berjalan (pid {worker.pid}).")
            call_command("runserver", addr, use_reloader=False)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if worker is not None:
                _stop(worker)


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)


def _stop(worker) -> None:
    import subprocess

    if worker.poll() is None:
        worker.terminate()
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=5)
