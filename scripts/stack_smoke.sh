#!/usr/bin/env bash
# Production-stack smoke test, natively: the processes docker-compose.yml runs (gunicorn, a
# Celery worker, Celery beat) with production settings (DEBUG=false, generated secrets), on
# PostgreSQL and Redis at 127.0.0.1, in a database of its own. It proves that:
#   - migrate and collectstatic work with production settings;
#   - /healthz answers 200 "ok", with a real task round trip through Redis and the worker;
#   - beat sends the housekeeping tasks and the worker runs them;
#   - whitenoise serves the collected (hashed, immutable) static files;
#   - pages carry Content-Security-Policy and X-Frame-Options, and HSTS behind an HTTPS proxy.
# Every process it starts is stopped on exit, the database dropped and the Redis db emptied.
#
# Usage: scripts/stack_smoke.sh   (after `make .venv/.installed`; PostgreSQL and Redis running)
# Knobs: VENV (.venv), SMOKE_DB (fb_smoke), SMOKE_REDIS_DB (3), PGHOST/PGPORT/PGUSER,
#        SMOKE_KEEP_LOGS=1 keeps the processes' logs (the path is printed).
set -euo pipefail

cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
BIN=$VENV/bin
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
SMOKE_DB=${SMOKE_DB:-fb_smoke}
SMOKE_REDIS_DB=${SMOKE_REDIS_DB:-3}

say() { printf '[smoke] %s\n' "$*"; }
# PostgreSQL client tools without their NOTICEs ("database ... does not exist, skipping").
quiet_pg() { PGOPTIONS="-c client_min_messages=warning" "$@"; }
die() { say "ERROR: $*" >&2; exit 1; }

for tool in "$BIN/python" "$BIN/gunicorn" "$BIN/celery"; do
  [[ -x $tool ]] || die "$tool missing: run 'make .venv/.installed' first"
done
for tool in curl pg_isready createdb dropdb redis-cli; do
  command -v "$tool" >/dev/null || die "$tool not found"
done
pg_isready -q || die "PostgreSQL is not accepting connections on $PGHOST:$PGPORT"
[[ $(redis-cli -h 127.0.0.1 ping) == PONG ]] || die "Redis is not answering on 127.0.0.1:6379"

TMP=$(mktemp -d -t fb-smoke.XXXXXX)
PIDS=()
STATIC_EXISTED=$([[ -d staticfiles ]] && echo yes || echo no)
PASSED=0
FAILED=0

# Stop what we started (each in its own process group, so gunicorn's and Celery's child
# processes go too), then remove the database, the Redis keys and the temporary files.
cleanup() {
  local rc=$?
  set +e
  for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 40); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL -- "-$pid" 2>/dev/null
  done
  if ((rc != 0 || FAILED > 0)); then
    for log in "$TMP"/*.log; do
      [[ -f $log ]] || continue
      say "---- last lines of $(basename "$log") ----"
      tail -n 40 "$log"
    done
  fi
  quiet_pg dropdb --if-exists --force "$SMOKE_DB"
  redis-cli -h 127.0.0.1 -n "$SMOKE_REDIS_DB" flushdb >/dev/null 2>&1
  [[ $STATIC_EXISTED == no ]] && rm -rf staticfiles
  if [[ ${SMOKE_KEEP_LOGS:-} == 1 ]]; then say "logs kept in $TMP"; else rm -rf "$TMP"; fi
  exit "$rc"
}
trap cleanup EXIT

# A check that is recorded and does not stop the run, so the summary shows every result.
check() {
  local what=$1
  shift
  if "$@"; then
    PASSED=$((PASSED + 1))
    say "ok    $what"
  else
    FAILED=$((FAILED + 1))
    say "FAIL  $what"
  fi
}

# Wait up to $1 seconds for a line matching an extended regular expression in a log file.
wait_for_log() {
  local seconds=$1 pattern=$2 file=$3
  for _ in $(seq 1 $((seconds * 4))); do
    grep -qE -- "$pattern" "$file" 2>/dev/null && return 0
    sleep 0.25
  done
  return 1
}

# Start a long-running process in its own session; its output goes to $TMP/NAME.log.
start() {
  local name=$1
  shift
  setsid "$@" >"$TMP/$name.log" 2>&1 </dev/null &
  PIDS+=("$!")
  say "started $name (pid $!): $*"
}

# The value of header $1 in the saved response headers $2.
header() { grep -i "^$1:" "$2" | head -n 1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'; }

alive() {
  local pid
  for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || return 1; done
}

# --- Production environment -------------------------------------------------------------
# Everything the checks depend on is set here, explicitly: the environment wins over a
# developer's .env (django-environ only fills in what is unset) and over the test suite's.
unset FB_REQUIRE_SERVICES FB_REQUIRE_BROWSER
secret() { "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))'; }
SECRET_KEY=$(secret)
CPR_HMAC_KEY=$(secret)
PSEUDONYM_KEY=$(secret)
CPR_ENCRYPTION_KEY=$("$BIN/python" -c \
  'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
export SECRET_KEY CPR_HMAC_KEY PSEUDONYM_KEY CPR_ENCRYPTION_KEY CPR_ENCRYPTION_KEYS=$CPR_ENCRYPTION_KEY
export DEBUG=false DEMO_MODE=false OTP_REQUIRED=true FB_TESTING=false
export ALLOWED_HOSTS=127.0.0.1,localhost
# Plain http on loopback; in production a proxy terminates TLS and the redirect stays on.
export SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=63072000
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$SMOKE_DB"
export REDIS_URL="redis://127.0.0.1:6379/$SMOKE_REDIS_DB"
export CELERY_BROKER_URL=$REDIS_URL CELERY_RESULT_BACKEND=$REDIS_URL
# Hourly in production; every 2 s here, so that beat is seen sending within the run.
export BEAT_HOUSEKEEPING_SECONDS=2
export LOG_LEVEL=INFO HEALTHZ_TASK_TIMEOUT=5

say "database $SMOKE_DB on $PGHOST:$PGPORT, Redis db $SMOKE_REDIS_DB, logs in $TMP"
quiet_pg dropdb --if-exists --force "$SMOKE_DB"
quiet_pg createdb "$SMOKE_DB"
redis-cli -h 127.0.0.1 -n "$SMOKE_REDIS_DB" flushdb >/dev/null

# --- Release steps (as the web container runs them) ------------------------------------
say "migrate"
"$BIN/python" manage.py migrate --no-input -v 0
say "collectstatic"
"$BIN/python" manage.py collectstatic --no-input -v 0

# --- The long-running processes --------------------------------------------------------
PORT=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
start gunicorn "$BIN/gunicorn" familieberedskab.wsgi --bind "127.0.0.1:$PORT" --workers 2 \
  --access-logfile - --no-control-socket
start worker "$BIN/celery" -A familieberedskab worker --loglevel INFO --concurrency 1 \
  --hostname "smoke-$$@%h"
start beat "$BIN/celery" -A familieberedskab beat --loglevel INFO \
  --schedule "$TMP/celerybeat-schedule"

say "waiting for gunicorn, the worker and beat"
up=no
for _ in $(seq 1 120); do
  # Not /healthz: until the worker is up, its round trip would tie up a gunicorn worker.
  if curl -s -o /dev/null --max-time 2 "$BASE/konto/log-ind/"; then up=yes; break; fi
  alive || break
  sleep 0.25
done
[[ $up == yes ]] || die "gunicorn did not answer on $BASE within 30 s"
wait_for_log 60 ' ready\.' "$TMP/worker.log" || die "the Celery worker did not become ready"
wait_for_log 30 'beat: Starting' "$TMP/beat.log" || die "Celery beat did not start"
alive || die "a process exited early"

# --- Checks -----------------------------------------------------------------------------
# JSON body of /healthz: status ok, every check green, the worker check a real round trip.
healthz_ok() {
  local code
  code=$(curl -sS --max-time 20 -o "$TMP/healthz.json" -w '%{http_code}' "$BASE/healthz")
  say "healthz: HTTP $code $(cat "$TMP/healthz.json")"
  [[ $code == 200 ]] || return 1
  "$BIN/python" - "$TMP/healthz.json" <<'PY'
import json, sys
with open(sys.argv[1]) as f:
    body = json.load(f)
assert body["status"] == "ok", body
expected = {"database": "postgresql", "cache": "RedisCache", "broker": "redis", "worker": "round trip"}
for name, detail in expected.items():
    check = body["checks"][name]
    assert check["ok"] is True and check["detail"] == detail, (name, check)
PY
}
check "/healthz: 200, status ok, database postgresql, cache Redis, broker redis, worker round trip" \
  healthz_ok

check "beat sent a due housekeeping task" \
  wait_for_log 30 'Sending due task sessions-clear-expired' "$TMP/beat.log"
check "the worker ran it successfully" wait_for_log 30 \
  'Task familieberedskab\.tasks\.sessions_clear_expired\[[0-9a-f-]+\] succeeded' "$TMP/worker.log"

# The login page (everything else redirects there), its headers and body. A failed request
# shows up as failed checks below.
curl -sS --max-time 20 -D "$TMP/login.headers" -o "$TMP/login.html" "$BASE/konto/log-ind/" || true
check "login page: HTTP 200" grep -q "^HTTP/1.1 200" "$TMP/login.headers"
check "login page: Content-Security-Policy default-src 'self'" \
  grep -qi "^content-security-policy:.*default-src 'self'" "$TMP/login.headers"
check "login page: X-Frame-Options DENY" \
  test "$(header X-Frame-Options "$TMP/login.headers")" == DENY
check "login page: X-Content-Type-Options nosniff" \
  test "$(header X-Content-Type-Options "$TMP/login.headers")" == nosniff
# Behind the TLS-terminating proxy (X-Forwarded-Proto: https) the response carries HSTS.
curl -sS --max-time 20 -D "$TMP/login-https.headers" -o /dev/null \
  -H 'X-Forwarded-Proto: https' "$BASE/konto/log-ind/" || true
check "behind an HTTPS proxy: Strict-Transport-Security with preload" \
  grep -qi "^strict-transport-security: max-age=63072000; includeSubDomains; preload" \
  "$TMP/login-https.headers"

# A stylesheet the page links to: a hashed name from the manifest, served by whitenoise.
css=$(grep -o 'href="/static/[^"]*\.css"' "$TMP/login.html" | head -n 1 | cut -d'"' -f2 || true)
say "stylesheet linked from the login page: ${css:-none}"
static_ok() {
  [[ $css =~ ^/static/.+\.[0-9a-f]{12}\.css$ ]] || return 1
  curl -sS --max-time 20 -D "$TMP/static.headers" -o "$TMP/static.css" "$BASE$css"
  grep -q "^HTTP/1.1 200" "$TMP/static.headers" &&
    grep -qi "^content-type: text/css" "$TMP/static.headers" &&
    grep -qi "^cache-control:.*immutable" "$TMP/static.headers" &&
    [[ -s $TMP/static.css ]]
}
check "static file (hashed name) served by whitenoise: 200, text/css, immutable" static_ok

check "gunicorn, worker and beat still running" alive

say "summary: gunicorn on $BASE, worker and beat on Redis db $SMOKE_REDIS_DB, database $SMOKE_DB"
# The closing line: read as a test count by CI.
printf 'smoke: %d passed, %d failed\n' "$PASSED" "$FAILED"
((FAILED == 0))
