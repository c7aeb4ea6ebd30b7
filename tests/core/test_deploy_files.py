"""The deployment files (deploy/: compose.yaml, the Dockerfile, systemd units) name only commands, options
and settings that exist, so that what docs/operations.md tells an operator to run works as written. (No
container is built here: this machine has no image registry; the files are checked against the code.)"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
SETTINGS_SOURCE = (REPO / "src" / "sisnaker" / "settings.py").read_text()
# Read by libraries rather than by settings.py.
LIBRARY_VARIABLES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "STATIC_ROOT", "PATH", "PYTHONDONTWRITEBYTECODE",
                     "PYTHONUNBUFFERED"}


def _rq_help() -> str:
    env = {**os.environ, "SISNAKER_TASK_BACKEND": "django_tasks_rq.RQBackend", "PYTHONPATH": str(REPO / "src")}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "sisnaker", "rqworker", "--help"], env=env, capture_output=True,
                          text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _sisnaker_calls(text: str) -> list[list[str]]:
    """Every `sisnaker <command> [options]` (or `…/bin/sisnaker …`) in a file, as argument lists."""
    calls = []
    for match in re.finditer(r"(?:^|[\s\"']|bin/)sisnaker ([a-z_]+(?: --?[a-z-]+(?: [A-Za-z_.%@-]+)?)*)", text):
        calls.append(shlex.split(match.group(1)))
    return calls


def test_compose_file_is_valid_and_names_real_commands_and_settings():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "migrate", "housekeeping"} <= set(services)
    known = set(get_commands()) | {"rqworker"}
    for name, service in services.items():
        command = service.get("command") or []
        text = " ".join(command) if isinstance(command, list) else command
        for call in _sisnaker_calls(" " + text):
            assert call[0] in known, f"{name}: sisnaker {call[0]} is not a command"
        if service.get("image") == "sisnaker:local":
            for variable in service.get("environment", {}):
                assert variable in LIBRARY_VARIABLES or f'"{variable}"' in SETTINGS_SOURCE, (
                    f"{name}: {variable} is read by nothing")
    worker = services["worker"]["command"]
    help_text = _rq_help()
    for option in (o for o in worker if o.startswith("--")):
        assert option in help_text, f"rqworker has no option {option}"
    example = (DEPLOY / "compose.env.example").read_text()
    for variable in re.findall(r"^([A-Z_]+)=", example, flags=re.M):
        assert f'"{variable}"' in SETTINGS_SOURCE, f"compose.env.example: {variable} is read by nothing"


@pytest.mark.parametrize("unit", sorted(p.name for p in (DEPLOY / "systemd").iterdir()))
def test_systemd_units_run_real_commands(unit):
    text = (DEPLOY / "systemd" / unit).read_text()
    assert "[Install]" in text or unit.endswith(".service")
    for line in re.findall(r"^ExecStart=(.*)$", text, flags=re.M):
        program, *args = shlex.split(line)
        assert program.startswith("/opt/sisnaker/venv/bin/")
        if program.endswith("/sisnaker"):
            assert args[0] in set(get_commands()) | {"rqworker"}, line
            if args[0] == "rqworker":
                help_text = _rq_help()
                assert all(o in help_text for o in args if o.startswith("--")), line
        else:
            # The partners' `client_code` header needs Sisnaker's gunicorn settings (integration/auth.py).
            assert program.endswith("/gunicorn") and args[:3] == ["-c", "python:sisnaker.gunicorn_conf", "sisnaker.wsgi"]


def test_the_image_installs_from_the_lock_files():
    text = (DEPLOY / "Dockerfile").read_text()
    assert "--require-hashes -r requirements/run.lock" in text and "npm ci --ignore-scripts" in text
    assert "USER sisnaker" in text and '"python:sisnaker.gunicorn_conf"' in text
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert compose["services"]["web"]["command"][1:3] == ["-c", "python:sisnaker.gunicorn_conf"]
