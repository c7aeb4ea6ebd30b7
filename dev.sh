#!/usr/bin/env bash
# Sisnaker developer entry point: sets everything up, then runs the demo or the tests.
#   ./dev.sh demo   - Sisnaker with demo data on an embedded SQLite database at http://127.0.0.1:8000
#   ./dev.sh test   - ruff, import contracts and the whole test suite on SQLite and PostgreSQL, browser
#                     tests included (./dev.sh test --quick: SQLite only, no browser, for the edit loop)
#   ./dev.sh lock   - remake the hashed lock files (requirements/*.lock) after changing the
#                     dependencies in pyproject.toml or requirements/bootstrap.in; commit them
#                     (./dev.sh lock --upgrade also moves the unpinned transitive ones to their latest)
# Any other arguments are passed to the `sisnaker` command (./dev.sh migrate, ./dev.sh nik 3174...).
# Python packages are installed only from the lock files, every one checked against its hash.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
VENV=${SISNAKER_VENV:-$ROOT/.venv}

say() { printf '\033[1m[sisnaker]\033[0m %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

is_py312() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {
  # 1. explicit override; 2. versioned interpreters on PATH; 3. pyenv installs; 4. plain python3.
  local c
  if [ -n "${SISNAKER_PYTHON:-}" ]; then
    is_py312 "$SISNAKER_PYTHON" && { echo "$SISNAKER_PYTHON"; return; }
    die "SISNAKER_PYTHON=$SISNAKER_PYTHON is not a working Python 3.12 or newer."
  fi
  for c in python3.14 python3.13 python3.12; do
    if command -v "$c" >/dev/null 2>&1 && is_py312 "$c"; then command -v "$c"; return; fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    local root; root=$(pyenv root)
    for c in $(ls -d "$root"/versions/3.1[2-9]* 2>/dev/null | sort -rV); do
      if [ -x "$c/bin/python3" ] && is_py312 "$c/bin/python3"; then echo "$c/bin/python3"; return; fi
    done
  fi
  for c in python3 python; do
    if command -v "$c" >/dev/null 2>&1 && is_py312 "$c"; then command -v "$c"; return; fi
  done
  die "Sisnaker needs Python 3.12 or newer and none was found (python3 is $(python3 --version 2>&1 || echo missing)).
Install one (e.g. 'apt-get install python3.12', 'pyenv install 3.13', or from python.org),
or point SISNAKER_PYTHON at it: SISNAKER_PYTHON=/path/to/python3.13 ./dev.sh $*"
}

LOCKS=requirements

make_venv() {
  if [ ! -x "$VENV/bin/python" ] || ! is_py312 "$VENV/bin/python"; then
    local py; py=$(find_python)
    say "creating $VENV with $("$py" --version)"
    rm -rf "$VENV"
    "$py" -m venv "$VENV"
  fi
}

deps_digest() {
  # What the lock files are made from: the dependencies in pyproject.toml and the installer pins.
  "$VENV/bin/python" - <<'PY'
import hashlib, json, tomllib
with open("pyproject.toml", "rb") as f:
    project = tomllib.load(f)["project"]
with open("requirements/bootstrap.in") as f:
    bootstrap = f.read()
extras = project.get("optional-dependencies", {})
data = [project.get("requires-python"), project["dependencies"], extras.get("dev", []), bootstrap]
print(hashlib.sha256(json.dumps(data).encode()).hexdigest()[:16])
PY
}

check_locks() {
  local digest f; digest=$(deps_digest)
  for f in "$LOCKS/bootstrap.lock" "$LOCKS/run.lock" "$LOCKS/dev.lock"; do
    [ -f "$f" ] && [ "$(head -1 "$f")" = "# sisnaker-lock: $digest" ] \
      || die "the lock files in $LOCKS/ ($f) were not made from the dependencies now in pyproject.toml and $LOCKS/bootstrap.in: run ./dev.sh lock, then commit $LOCKS/"
  done
}

ensure_venv() {
  local extras=$1 stamp want have
  make_venv
  check_locks
  stamp="$VENV/.sisnaker-installed"
  want="$(cat pyproject.toml "$LOCKS"/*.lock | sha256sum | cut -c1-16)"
  have=$(cat "$stamp" 2>/dev/null || true)
  # The dev set includes the run set: a venv set up for the tests also runs the demo.
  if [ "$have" != "$want-$extras" ] && [ "$have" != "$want-dev" ]; then
    say "installing Sisnaker and its locked dependencies ($extras; every package checked against its hash)"
    local pip=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check)
    "${pip[@]}" --require-hashes -r "$LOCKS/bootstrap.lock"   # pip and setuptools themselves
    "${pip[@]}" --require-hashes -r "$LOCKS/$extras.lock"
    "${pip[@]}" --no-deps --no-build-isolation -e .
    echo "$want-$extras" > "$stamp"
  fi
  ensure_frontend
}

lock() {
  # Resolves for every platform and Python >= 3.12 (--universal), with the hashes of every file, and
  # keeps the versions already locked unless asked to move them (./dev.sh lock --upgrade).
  make_venv
  local uv_pin digest f
  uv_pin=$("$VENV/bin/python" -c 'import tomllib; print(next(r for r in tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["dev"] if r.startswith("uv==")))')
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$uv_pin"
  local uv=("$VENV/bin/uv" pip compile --quiet --generate-hashes --universal --python-version 3.12
            --custom-compile-command "./dev.sh lock")
  say "locking with $uv_pin: $LOCKS/dev.lock, $LOCKS/run.lock, $LOCKS/bootstrap.lock"
  "${uv[@]}" pyproject.toml --extra dev -o "$LOCKS/dev.lock" "$@"
  "${uv[@]}" pyproject.toml -c "$LOCKS/dev.lock" -o "$LOCKS/run.lock" "$@"   # the same versions, fewer packages
  "${uv[@]}" "$LOCKS/bootstrap.in" -o "$LOCKS/bootstrap.lock" "$@"
  digest=$(deps_digest)
  for f in "$LOCKS/bootstrap.lock" "$LOCKS/run.lock" "$LOCKS/dev.lock"; do
    { echo "# sisnaker-lock: $digest"; grep -v '^# sisnaker-lock: ' "$f"; } > "$f.tmp" && mv "$f.tmp" "$f"
  done
  say "done: commit $LOCKS/ (git add $LOCKS && git commit)"
}

ensure_frontend() {
  # Front-end libraries (htmx, Swagger UI) come from the npm lock file; pages still work without them.
  # --ignore-scripts: no package runs code at install time (swagger-ui-dist pulls in a telemetry hook).
  if [ -f package-lock.json ] && [ ! -f node_modules/.package-lock.json -o package-lock.json -nt node_modules/.package-lock.json ]; then
    if command -v npm >/dev/null 2>&1; then
      say "installing front-end packages from package-lock.json"
      npm ci --silent --ignore-scripts --no-audit --no-fund >/dev/null 2>&1 || say "npm ci failed: pages will work without htmx enhancements and the API docs without Swagger UI"
    else
      say "npm not found: pages work, but without htmx enhancements (install Node.js to get them)"
    fi
  fi
}

ensure_chromium() {
  [ -x "${SISNAKER_CHROMIUM:-/usr/bin/chromium}" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's Chromium for the browser tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || say "could not install chromium"
  fi
  [ -x "${SISNAKER_CHROMIUM:-/usr/bin/chromium}" ] || die "Chromium is needed for the browser tests: 'sudo apt-get install chromium' (or set SISNAKER_CHROMIUM)."
}

pytest_run() {
  # pytest exits 5 when a selection holds no test (e.g. ./dev.sh test tests/regions has no browser
  # journey): that is not a failure of the run.
  local rc=0
  "$@" || rc=$?
  [ "$rc" = 5 ] && rc=0
  return "$rc"
}

ensure_postgres() {
  local url=${SISNAKER_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/sisnaker}
  if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
    if command -v pg_ctlcluster >/dev/null 2>&1; then
      say "PostgreSQL is down: starting it"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
      for _ in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    fi
  fi
  echo "$url"
}

cmd=${1:-demo}
case "$cmd" in
  lock)
    shift || true
    lock "$@"
    ;;
  demo)
    shift || true
    ensure_venv run
    exec "$VENV/bin/sisnaker" demo "$@"
    ;;
  test)
    # ./dev.sh test          - everything CI runs: ruff, import contracts, SQLite (browser journeys
    #                          included) and PostgreSQL
    # ./dev.sh test --quick  - the edit-test loop: ruff, import contracts, SQLite without the browser
    # Other arguments go to pytest (./dev.sh test --quick tests/training -k import).
    shift || true
    quick=0
    if [ "${1:-}" = "--quick" ]; then quick=1; shift; fi
    ensure_venv dev
    say "ruff check"
    "$VENV/bin/ruff" check src tests bench
    say "import contracts (pyproject.toml [tool.importlinter])"
    PYTHONPATH=src "$VENV/bin/lint-imports" --no-cache
    # Two workers: this machine class has two cores; each worker gets its own test database.
    workers=${SISNAKER_TEST_WORKERS:-2}
    say "tests on SQLite"
    pytest_run env -u DATABASE_URL "$VENV/bin/pytest" -q -p no:cacheprovider -n "$workers" -m "not browser" "$@"
    [ "$quick" = 1 ] && exit 0
    ensure_chromium
    pg_url=$(ensure_postgres)
    say "browser journeys (SQLite)"
    pytest_run env -u DATABASE_URL "$VENV/bin/pytest" -q -p no:cacheprovider -m browser --durations=5 "$@"
    # The tests that touch no database were run by the SQLite pass: tests/conftest.py leaves them out here.
    say "tests on PostgreSQL ($pg_url)"
    pytest_run env DATABASE_URL="$pg_url" "$VENV/bin/pytest" -q -p no:cacheprovider -n "$workers" -m "not browser" \
      --durations=15 "$@"
    ;;
  *)
    ensure_venv run
    exec "$VENV/bin/sisnaker" "$@"
    ;;
esac
