"""``sisnaker demo``: migrate, load regions and demo data, print the demo logins, and serve, with a
background task worker that stops when the demo stops (Ctrl-C, SIGTERM, or the demo process killed)."""

import os
import signal
import socket
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sisnaker.certification.models import Certificate
from sisnaker.demo import data as demo
from sisnaker.integration.server import RunserverCommand


class Command(BaseCommand):
    help = "Set up the embedded database with demo data and start Sisnaker at http://127.0.0.1:8000"

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000",
                            help="address:port to serve on (0.0.0.0:8000: every interface, e.g. for phones on the same network)")
        parser.add_argument("--public-url", default="",
                            help="the address people open, for certificate QR codes and links in messages "
                                 "(default: http://<addr>, or this machine's network address for 0.0.0.0)")
        parser.add_argument("--debug", action="store_true", help="Django's debug pages instead of the product's error pages")
        parser.add_argument("--citizens", type=int, default=300, help="how many demo citizens to create")
        parser.add_argument("--no-serve", action="store_true", help="only prepare the data, do not start the server")
        parser.add_argument("--no-worker", action="store_true", help="do not start the background task worker")

    def handle(self, *args, addr, citizens, no_serve, no_worker=False, public_url="", debug=False, **options):
        host, _, port = addr.rpartition(":")
        if not host or not port.isdigit():
            raise CommandError(f"--addr {addr!r}: write address:port, e.g. 127.0.0.1:8000 or 0.0.0.0:8000")
        public_url = (public_url or os.environ.get("SISNAKER_PUBLIC_URL") or _public_url(host, port)).rstrip("/")
        # This process serves the pages and prints the links; the worker (started below) sends the messages:
        # both make links and QR codes from the same address.
        settings.SISNAKER_PUBLIC_URL = os.environ["SISNAKER_PUBLIC_URL"] = public_url
        served = {host.strip("[]"), public_url.split("://", 1)[-1].rsplit(":", 1)[0].strip("[]")}
        settings.ALLOWED_HOSTS = ["*"] if host.strip("[]") in WILDCARDS else sorted(set(settings.ALLOWED_HOSTS) | served)
        # The demo shows the product's own error pages (a user trying it meets what production shows);
        # static files are served by WhiteNoise either way.
        settings.DEBUG = debug
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
            self.stdout.write(f"Contoh sertifikat: {sample.number} — verifikasi: {public_url}/v/{sample.verification_id}/")
        self.stdout.write(f"\nBuka {public_url}/  ·  API: {public_url}/api/v1/docs\n")
        if no_serve:
            return
        # SIGTERM (and a closed terminal) end the demo like Ctrl-C does, so that `finally` stops the worker.
        previous = {sig: signal.signal(sig, _exit_on_signal) for sig in (signal.SIGTERM, signal.SIGHUP)}
        worker = None
        try:
            if not no_worker:
                # Background tasks (notifications, "issue all eligible") need a worker next to the server.
                # It stops with the demo: terminated below, and on its own if this process is killed.
                worker = subprocess.Popen(  # noqa: S603 - our own command
                    [sys.executable, "-m", "sisnaker", "worker", "--no-startup-delay", "--parent-pid", str(os.getpid())]
                )
                self.stdout.write(f"Pekerja tugas latar berjalan (pid {worker.pid}).")
            # Django's runserver, with the partner API's underscored header kept (integration/server.py).
            call_command(RunserverCommand(), addr, use_reloader=False)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if worker is not None:
                _stop(worker)


WILDCARDS = {"0.0.0.0", "::", ""}  # noqa: S104 - names the wildcard addresses; binding is what --addr asks


def _public_url(host: str, port: str) -> str:
    """http://<host>:<port>; for a wildcard address, this machine's address on its network (what a phone
    on the same Wi-Fi opens), found without sending anything."""
    host = host.strip("[]")
    if host in WILDCARDS:
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                probe.connect(("10.254.254.254", 1))  # UDP connect: picks the outgoing interface, sends nothing
                host = probe.getsockname()[0]
        except OSError:
            host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)


def _stop(worker) -> None:
    if worker.poll() is None:
        worker.terminate()
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=5)
