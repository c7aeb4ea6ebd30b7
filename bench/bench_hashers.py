"""Cost of one password hash on this machine: Sisnaker's Argon2id (OWASP: 19 MiB, t=2, p=1) against Django's
default PBKDF2 (the baseline, measured in the same run) and Django's default Argon2 parameters.

    PYTHONPATH=src .venv/bin/python bench/bench_hashers.py [--repeat 20] [--processes 2]

Prints ms per hash on one core (median of ``--repeat``), the ratio to PBKDF2, and hashes per second with
``--processes`` processes hashing at once (all cores busy: what a web machine does at a sign-up peak). A hash
is what a sign-up and a log-in each cost once (docs/operations.md, capacity plan).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sisnaker.settings")
os.environ.pop("SISNAKER_FAST_HASHER", None)

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher  # noqa: E402

from sisnaker.accounts.hashers import Argon2idPasswordHasher  # noqa: E402

HASHERS = {
    "argon2id-owasp": Argon2idPasswordHasher,
    "argon2-django-default": Argon2PasswordHasher,
    "pbkdf2-django-default": PBKDF2PasswordHasher,
}
PASSWORD = "Kerja-Prakerja-2026"


def _one(name: str) -> float:
    hasher = HASHERS[name]()
    start = time.perf_counter()
    hasher.encode(PASSWORD, hasher.salt())
    return time.perf_counter() - start


def _many(name: str, seconds: float) -> int:
    hasher, done, end = HASHERS[name](), 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        hasher.encode(PASSWORD, hasher.salt())
        done += 1
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seconds", type=float, default=4.0, help="length of the all-cores run per hasher")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, all-cores run: {args.processes} processes × {args.seconds:.0f} s")
    single = {}
    for name in HASHERS:
        _one(name)  # warm-up
        single[name] = statistics.median(_one(name) for _ in range(args.repeat)) * 1000
    base = single["pbkdf2-django-default"]
    for name, cls in HASHERS.items():
        with ProcessPoolExecutor(args.processes) as pool:
            counts = list(pool.map(_many, [name] * args.processes, [args.seconds] * args.processes))
        rate = sum(counts) / args.seconds
        params = (f"m={cls.memory_cost} KiB t={cls.time_cost} p={cls.parallelism}" if hasattr(cls, "memory_cost")
                  else f"iterations={cls.iterations}")
        print(f"{name:24s} {single[name]:8.1f} ms/hash on one core  ×{single[name] / base:5.2f} of PBKDF2   "
              f"{rate:7.1f} hashes/s on {args.processes} processes   ({params})")


if __name__ == "__main__":
    main()
