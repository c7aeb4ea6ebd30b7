"""Sign-ups per second on gunicorn + PostgreSQL (issue 14 §3), against a raw psycopg insert of the same rows in the
same run, with the query plans of every look-up of the sign-up and log-in paths.

    createdb sisnaker_signup_load && DATABASE_URL=postgres://…/sisnaker_signup_load sisnaker migrate
    DATABASE_URL=… sisnaker seed --persons 200000 --yes          # the people the look-ups search among
    PYTHONPATH=src .venv/bin/python bench/bench_signup.py --db postgres://postgres@127.0.0.1:5432/sisnaker_signup_load \
        [--hasher fast|argon2] [--seconds 20] [--max-requests 4000] [--clients 8] [--workers 2] [--threads 4]

Loopback only, bounded in time and in requests. Each client posts new people to ``POST /api/v1/accounts/signup``
(the service the page calls; no CSRF round trip) over a kept-alive connection; a 503 from the waiting room
(core/gate.py) is waited out as a browser would, but for at most 0.5 s, and counted, never as an error. Errors are
anything else than 201 (and a 503): lost registrations. The baseline inserts the same rows (user, citizen role,
person with its sealed NIK and blind index, audit row) with psycopg from as many threads, one transaction each.
``--hasher fast`` measures the path apart from the hash (Django's MD5 hasher, as the tests use); ``argon2`` the
real one. Goal on the 2-core box: path apart from the hash ≥ 15% of raw, 0 errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _people(n: int, districts: list[str], rng: random.Random) -> list[dict]:
    people = []
    for _ in range(n):
        district = rng.choice(districts)
        born = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(365 * 35))
        female = rng.random() < 0.5
        nik = f"{district.replace('.', '')}{born.day + (40 if female else 0):02d}{born.month:02d}{born.year % 100:02d}{rng.randrange(1, 10000):04d}"
        tag = secrets.token_hex(5)
        people.append({
            "nik": nik, "full_name": f"Warga Uji {tag}", "birth_date": born.isoformat(), "sex": "F" if female else "M",
            "education": "sma", "phone": f"0857{rng.randrange(10**8):08d}", "email": f"uji.{tag}@Beban.contoh.id",
            "domicile_district": district, "password": f"Beban-{tag}-2026",
        })
    return people


def _fresh(people: list[dict]) -> list[dict]:
    """Only people whose NIK and phone nobody holds yet (in the database or earlier in the list): a 409 in the run
    must be a fault of the path, not a NIK the generator happened to draw twice."""
    from sisnaker.accounts.models import Person, User
    from sisnaker.core import crypto

    for p in people:
        p["_index"], p["_phone"] = crypto.blind_index(p["nik"], label="nik"), "+62" + p["phone"][1:]
    held_nik, held_phone = set(), set()
    for start in range(0, len(people), 5000):
        part = people[start:start + 5000]
        held_nik |= set(Person.objects.filter(nik_index__in=[p["_index"] for p in part]).values_list("nik_index", flat=True))
        held_phone |= set(User.objects.filter(phone__in=[p["_phone"] for p in part]).values_list("phone", flat=True))
    out = []
    for p in people:
        if p["_index"] in held_nik or p["_phone"] in held_phone:
            continue
        held_nik.add(p.pop("_index"))
        held_phone.add(p.pop("_phone"))
        out.append(p)
    return out


def plans() -> list[tuple[str, str]]:
    """The scan types of each look-up of the sign-up and log-in paths, on the data as it is."""
    from django.db import connection

    from sisnaker.accounts.models import Person, User, email_is
    from sisnaker.accounts.selectors import sign_up_lookup_sql
    from sisnaker.core import crypto

    sample = User.objects.exclude(email="").exclude(phone="").order_by("-pk").values("username", "email", "phone").first()
    nik_index = Person.objects.order_by("-pk").values_list("nik_index", flat=True).first()
    lookups = {
        "e-mail (any case)": User.objects.filter(email_is(sample["email"].upper())),
        "phone": User.objects.filter(phone=sample["phone"]),
        "username": User.objects.filter(username=sample["username"]),
        "NIK blind index": Person.objects.filter(nik_index=nik_index or crypto.blind_index("3273010101900001", label="nik")),
    }
    lookups = {name: qs.query.sql_with_params() for name, qs in lookups.items()}
    # What a sign-up sends: the NIK, phone and e-mail address in one statement.
    lookups["sign-up: all three"] = sign_up_lookup_sql(
        nik_index=nik_index or "", phone=sample["phone"], email=sample["email"].upper())
    out = []
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_user")
        cursor.execute("ANALYZE accounts_person")
        for name, (sql, params) in lookups.items():
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            nodes, stack = [], [plan[0]["Plan"]]
            while stack:
                node = stack.pop()
                nodes.append(node["Node Type"] + (f" using {node['Index Name']}" if "Index Name" in node else ""))
                stack.extend(node.get("Plans", []))
            out.append((name, f"{', '.join(nodes)}  ({plan[0]['Execution Time']:.2f} ms)"))
    return out


def drive(port: int, people: list[dict], clients: int, seconds: float, max_requests: int) -> dict:
    queue, lock = list(reversed(people[:max_requests])), threading.Lock()
    latencies, statuses, waited = [], {}, [0]
    deadline = time.monotonic() + seconds

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            with lock:
                if not queue:
                    return
                body = json.dumps(queue.pop())
            while time.monotonic() < deadline:
                start = time.monotonic()
                try:
                    conn.request("POST", "/api/v1/accounts/signup", body, {"Content-Type": "application/json"})
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    status = 0
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                if status == 503:
                    waited[0] += 1
                    time.sleep(min(float(response.getheader("Retry-After") or 1), 0.5))
                    continue
                with lock:
                    latencies.append(time.monotonic() - start)
                break

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    ok = statuses.get(201, 0)
    return {"ok": ok, "elapsed": elapsed, "rate": ok / elapsed, "statuses": statuses, "waited": waited[0],
            "errors": sum(n for s, n in statuses.items() if s not in (201, 503)),
            "p50": latencies[len(latencies) // 2] * 1000 if latencies else 0,
            "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000 if latencies else 0}


def raw(dsn: str, people: list[dict], clients: int) -> dict:
    """The same rows with psycopg: one transaction per sign-up (user, role, person, audit), ``clients`` threads."""
    import psycopg

    from sisnaker.core import crypto

    rows = []
    for p in people:  # sealed and hashed beforehand: the baseline measures the database, as the path's bar does
        rows.append((p, crypto.encrypt(p["nik"]), crypto.blind_index(p["nik"], label="nik")))
    queue, lock = list(rows), threading.Lock()

    def worker():
        with psycopg.connect(dsn, autocommit=False) as conn:
            while True:
                with lock:
                    if not queue:
                        return
                    p, sealed, index = queue.pop()
                now = dt.datetime.now(dt.UTC)
                with conn.cursor() as cur:
                    cur.execute(
                        "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,"
                        " is_active, date_joined, phone, preferred_language) VALUES (%s, false, %s, %s, '', %s, false, true,"
                        " %s, %s, 'id') RETURNING id",
                        ["md5$x$y", "r" + secrets.token_hex(6), p["full_name"], p["email"].lower(), now, "+62" + p["phone"][1:]])
                    user_id = cur.fetchone()[0]
                    cur.execute("INSERT INTO accounts_roleassignment (user_id, role, region_code, funding_source, is_active,"
                                " granted_at) VALUES (%s, 'citizen', '', '', true, %s)", [user_id, now])
                    cur.execute(
                        "INSERT INTO accounts_person (user_id, nik_encrypted, nik_index, nik_regency_id, nik_district_id,"
                        " full_name, birth_date, sex, nik_warnings, has_disability, disability_kind, education, phone, email,"
                        " domicile_district_id, address, created_at,"
                        " updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, '[]', false, '', %s, %s, %s, %s, '',"
                        " %s, %s) RETURNING id",
                        [user_id, sealed, index, p["domicile_district"][:5], p["domicile_district"], p["full_name"],
                         p["birth_date"], p["sex"], p["education"], "+62" + p["phone"][1:], p["email"].lower(),
                         p["domicile_district"], now, now])
                    person_id = cur.fetchone()[0]
                    cur.execute(
                        "INSERT INTO core_auditevent (at, actor_id, actor_label, action, object_type, object_id, object_label,"
                        " after, reason, request_id) VALUES (%s, %s, %s, 'person.signed_up', 'accounts.person', %s, %s, %s,"
                        " '', '')", [now, user_id, p["full_name"], str(person_id), p["full_name"], json.dumps(p | {"password": ""})])
                conn.commit()

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    return {"ok": len(rows), "elapsed": elapsed, "rate": len(rows) / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/sisnaker_signup_load")
    parser.add_argument("--hasher", choices=["fast", "argon2"], default="fast")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--max-requests", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--gate", type=int, default=4, help="SISNAKER_GATES signup limit for the run")
    args = parser.parse_args()
    if not args.db.startswith("postgres://") or "127.0.0.1" not in args.db and "localhost" not in args.db:
        sys.exit("loopback PostgreSQL only")

    os.environ.update({"DATABASE_URL": args.db, "DJANGO_SETTINGS_MODULE": "sisnaker.settings"})
    import django

    django.setup()
    from sisnaker.accounts.models import Person
    from sisnaker.regions.models import District

    print(f"people in the database: {Person.objects.count():,}")
    for name, plan in plans():
        print(f"  plan  {name:18s} {plan}")
    districts = list(District.objects.filter(code__startswith="32.").values_list("code", flat=True))
    rng = random.Random()  # new people every run (the database keeps those of earlier runs)
    people = _fresh(_people(args.max_requests * 2 + 200, districts, rng))[: args.max_requests * 2]

    port = _free_port()
    env = os.environ | {
        "PYTHONPATH": str(ROOT / "src"), "DEBUG": "0", "SISNAKER_GATES": json.dumps({"signup": args.gate, "login": args.gate}),
        "SISNAKER_GATE_RETRY_AFTER": "1",
        "SISNAKER_RATE_LIMITS": json.dumps({"signup.ip": [10**9, 3600], "signup.net": [10**9, 3600],
                                            "nik_answer.ip": [10**9, 3600], "nik_answer.net": [10**9, 3600]}),
    }
    if args.hasher == "fast":
        env["SISNAKER_FAST_HASHER"] = "1"
    else:
        env.pop("SISNAKER_FAST_HASHER", None)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "sisnaker.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
         "-k", "gthread", "--threads", str(args.threads), "--timeout", "30", "--log-level", "warning"],
        env=env, cwd=ROOT, start_new_session=True)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        for _ in range(20):  # warm-up: every worker has loaded Django before the clock starts
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/api/v1/regions/provinces")
                conn.getresponse().read()
                conn.close()
            except (OSError, http.client.HTTPException):
                time.sleep(0.2)
        web = drive(port, people[: args.max_requests], args.clients, args.seconds, args.max_requests)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    base = raw(args.db, people[args.max_requests: args.max_requests + max(web["ok"], 500)], args.clients)
    print(f"hasher: {args.hasher}; gunicorn {args.workers} workers × {args.threads} threads; {args.clients} clients; "
          f"gate {args.gate}")
    print(f"sign-up path : {web['ok']:6d} in {web['elapsed']:5.1f} s = {web['rate']:7.1f}/s   p50 {web['p50']:6.1f} ms"
          f"   p99 {web['p99']:6.1f} ms   waited (503) {web['waited']}   errors {web['errors']}   {web['statuses']}")
    print(f"raw psycopg  : {base['ok']:6d} in {base['elapsed']:5.1f} s = {base['rate']:7.1f}/s")
    print(f"ratio        : {web['rate'] / base['rate'] * 100:.1f}% of raw (goal ≥ 15% with --hasher fast)")


if __name__ == "__main__":
    main()
