"""Signed requests over real HTTP, sent by the partner's own client (partner_client.py, written from
docs/integration.md, no Sisnaker import), with the published header ``client_code`` — which web servers drop by
default because of its underscore:

* the development server that ``sisnaker demo`` runs (integration/server.py), in a live-server thread;
* gunicorn with ``-c python:sisnaker.gunicorn_conf``, as production runs it (PostgreSQL only: the server is another
  process and must see the test's database).

Each has a control: the same request to the unpatched server loses ``client_code`` (``missing_signature_headers``).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import WSGIRequestHandler
from django.db import connection, connections
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler

from sisnaker.integration import server, services

from .partner_client import PartnerClient

PING = "/api/v1/integration/ping"
ROOT = Path(__file__).resolve().parents[2]


class _Thread(LiveServerThread):
    handler_class = QuietWSGIRequestHandler

    def _create_server(self, connections_override=None):
        return self.server_class((self.host, self.port), self.handler_class, allow_reuse_address=False,
                                 connections_override=connections_override)


def _serve(handler_class, settings, server_class=None):
    overrides = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    thread = _Thread("127.0.0.1", StaticFilesHandler, connections_override=overrides)
    thread.handler_class = handler_class
    if server_class is not None:
        thread.server_class = server_class
    thread.daemon = True
    for conn in overrides.values():
        conn.inc_thread_sharing()
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]

    def stop():
        thread.terminate()
        for conn in overrides.values():
            conn.dec_thread_sharing()

    return f"http://127.0.0.1:{thread.port}", stop


@pytest.fixture
def partner(transactional_db, regions):
    from tests.factories import staff

    pmo = staff("pmo_officer")
    partner = services.partner_register(actor=pmo, name="Platform Langsung", kind="platform")
    sha1 = services.key_issue(actor=pmo, partner_id=partner.pk, scheme="hmac-sha1")
    sha256 = services.key_issue(actor=pmo, partner_id=partner.pk, scheme="hmac-sha256")
    return partner, sha1, sha256


def _exercise(base_url, partner, sha1, sha256):
    """What a partner does: ping with both schemes and both header spellings; a replay and an old timestamp are refused."""
    for scheme, key in (("hmac-sha1", sha1), ("hmac-sha256", sha256)):
        for style in ("underscore", "hyphen"):
            client = PartnerClient(base_url, client_code=partner.client_code, sign_key=key.secret, scheme=scheme, header_style=style)
            status, answer = client.post(PING, {"hello": "sisnaker", "scheme": scheme, "style": style})
            assert (status, answer["success"]) == (200, True), answer
            assert answer["data"]["client_code"] == partner.client_code and answer["data"]["key_id"] == key.key.key_id
    client = PartnerClient(base_url, client_code=partner.client_code, sign_key=sha256.secret)
    request = client.prepare(PING, {"hello": "again"})
    assert client.send(request)[0] == 200
    status, answer = client.send(client.prepare(PING, {"hello": "again"}, timestamp=request.get_header("Timestamp")))
    assert (status, answer["code"]) == (409, "signature_replayed")
    status, answer = client.post(PING, {"hello": "late"}, timestamp=str(int(time.time()) - 3600))
    assert (status, answer["code"]) == (401, "timestamp_out_of_window")


def test_the_demo_server_passes_client_code(partner, settings):
    base_url, stop = _serve(type("Handler", (server.PartnerHeadersMixin, QuietWSGIRequestHandler), {}), settings)
    try:
        _exercise(base_url, *partner)
    finally:
        stop()


def test_without_the_fix_the_development_server_drops_client_code(partner, settings):
    p, _sha1, sha256 = partner
    base_url, stop = _serve(QuietWSGIRequestHandler, settings)
    try:
        status, answer = PartnerClient(base_url, client_code=p.client_code, sign_key=sha256.secret).post(PING, {})
        assert (status, answer["code"]) == (401, "missing_signature_headers")
        status, _ = PartnerClient(base_url, client_code=p.client_code, sign_key=sha256.secret, header_style="hyphen").post(PING, {})
        assert status == 200  # the documented fallback
    finally:
        stop()


def _post_too_large(base_url: str, path: str) -> tuple[int, str]:
    body = b'{"x": "' + b"a" * (3 * 1024 * 1024) + b'"}'
    request = urllib.request.Request(base_url + path, data=body, method="POST",  # noqa: S310 - our own server
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.django_db(transaction=True)
def test_the_demo_server_answers_a_body_over_the_limit_with_413(settings):
    """Found by trying it: the demo's server turned the refusal of a 3 MB body into a bare 500 ("Hop-by-hop header,
    'Connection: close', not allowed")."""
    from django.test.testcases import ThreadedWSGIServer

    patched = type("Patched", (server.HopByHopMixin, ThreadedWSGIServer), {})
    for server_class, expected in ((patched, 413), (None, 500)):  # the control: the server as Django ships it
        base_url, stop = _serve(server.RequestHandler, settings, server_class=server_class)
        try:
            status, text = _post_too_large(base_url, PING)
            assert status == expected
            if expected == 413:
                assert '"body_too_large"' in text
                status, text = _post_too_large(base_url, "/api/v1/accounts/signup")
                assert status == 413 and '"request_too_large"' in text
        finally:
            stop()


def test_the_demo_serves_with_the_patched_server():
    assert server.RunserverCommand.server_cls is server.Server
    assert issubclass(server.Server, server.HopByHopMixin)
    srv = server.Server(("127.0.0.1", 0), WSGIRequestHandler)
    try:
        assert srv.RequestHandlerClass is server.RequestHandler
    finally:
        srv.server_close()
    source = (ROOT / "src/sisnaker/demo/management/commands/demo.py").read_text()
    assert "call_command(RunserverCommand()" in source


# --- gunicorn, as production serves -----------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gunicorn(*config: str):
    port = _free_port()
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT / "src"),
           "SISNAKER_DATA_KEYS": ",".join(settings.SISNAKER_DATA_KEYS)}
    env.pop("SISNAKER_ENV", None)
    process = subprocess.Popen(  # noqa: S603 - our own server
        [str(Path(sys.executable).parent / "gunicorn"), *config, "sisnaker.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        env=env, cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    end = time.monotonic() + 60
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(base_url + "/api/v1/openapi.json", timeout=2).close()  # noqa: S310
            return base_url, process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.3)
    os.killpg(process.pid, signal.SIGKILL)
    pytest.fail("gunicorn did not start: " + process.stderr.read().decode()[-2000:])


def _stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def postgres_server():
    if connection.vendor != "postgresql":
        pytest.skip("gunicorn runs in another process, which sees the test database only on PostgreSQL "
                    "(DATABASE_URL=postgres://…); the SQLite test database is in memory.")


@pytest.mark.postgres
@pytest.mark.usefixtures("postgres_server")
def test_gunicorn_with_sisnakers_config_passes_client_code(partner):
    base_url, process = _gunicorn("-c", "python:sisnaker.gunicorn_conf")
    try:
        _exercise(base_url, *partner)
    finally:
        _stop(process)


@pytest.mark.postgres
@pytest.mark.usefixtures("postgres_server")
def test_gunicorn_by_default_drops_client_code(partner):
    p, _sha1, sha256 = partner
    base_url, process = _gunicorn()
    try:
        status, answer = PartnerClient(base_url, client_code=p.client_code, sign_key=sha256.secret).post(PING, {})
        assert (status, answer["code"]) == (401, "missing_signature_headers")
    finally:
        _stop(process)
