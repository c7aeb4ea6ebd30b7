"""``./dev.sh demo`` (``exec sisnaker demo``) stops its background worker when it is stopped: Ctrl-C
(SIGINT), SIGTERM (a service manager, `kill`), and even SIGKILL of the demo (the worker notices its
parent is gone). Before, SIGTERM killed the demo without its `finally` and left the worker running."""

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in state  # a zombie has exited


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def _wait(predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-data")  # shared: the second start finds the data already there


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=["SIGTERM", "Ctrl-C", "SIGKILL"])
def test_stopping_the_demo_stops_its_worker(data_dir, how):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SISNAKER_ENV")}
    env.update(SISNAKER_DATA_DIR=str(data_dir), SISNAKER_FAST_HASHER="1", PYTHONUNBUFFERED="1")
    demo = subprocess.Popen(
        [sys.executable, "-m", "sisnaker", "demo", "--citizens", "3", "--addr", f"127.0.0.1:{port}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    worker = None
    try:
        def serving():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:  # noqa: S310
                    return response.status == 200
            except OSError:
                return demo.poll() is not None  # died: stop waiting (asserted below)

        assert _wait(serving, 240) and demo.poll() is None, "the demo did not start"
        workers = [c for c in _children(demo.pid) if b"worker" in Path(f"/proc/{c}/cmdline").read_bytes()]
        assert len(workers) == 1, "the demo runs one background worker"
        worker = workers[0]
        os.kill(demo.pid, how)
        demo.wait(timeout=30)
        assert _wait(lambda: not _alive(worker), 15), (
            f"worker {worker} still running after the demo got {how.name}: "
            + Path(f"/proc/{worker}/status").read_text()[:300])
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
        if worker and _alive(worker):
            os.kill(worker, signal.SIGKILL)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_demo_on_another_address_links_there_and_shows_the_products_pages(data_dir):
    # 127.0.0.2 stands for "this laptop's address on the Wi-Fi": the host is not one of the defaults.
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SISNAKER_ENV", "SISNAKER_PUBLIC_URL")}
    env.update(SISNAKER_DATA_DIR=str(data_dir), SISNAKER_FAST_HASHER="1", PYTHONUNBUFFERED="1")
    demo = subprocess.Popen(
        [sys.executable, "-m", "sisnaker", "demo", "--citizens", "3", "--no-worker", "--addr", f"127.0.0.2:{port}"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True, text=True,
    )
    base = f"http://127.0.0.2:{port}"
    try:
        def get(path):
            try:
                with urllib.request.urlopen(base + path, timeout=2) as response:  # noqa: S310
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as exc:
                return exc.code, exc.read().decode()

        def serving():
            try:
                return get("/")[0] == 200
            except OSError:
                return demo.poll() is not None

        assert _wait(serving, 240) and demo.poll() is None, "the demo did not start"
        status, html = get("/tidak-ada/")
        assert status == 404 and "URLconf" not in html and "Sisnaker" in html  # the product's page, not the debug list
        status, html = get("/favicon.ico")
        assert status == 200 and html.startswith("<svg")
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        out = demo.communicate(timeout=30)[0]
    # The printed links use the address phones open (and so do QR codes and messages: SISNAKER_PUBLIC_URL).
    assert f"Buka {base}/" in out and f"API: {base}/api/v1/docs" in out
