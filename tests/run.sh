#!/usr/bin/env bash
# The whole suite (`make test`): start the real services the tests need, then run
#   1. everything but the browser tests on SQLite, with Elasticsearch;
#   2. the same on PostgreSQL, with Elasticsearch (the production-like run);
#   3. the browser tests in Debian's Chromium (with axe-core for the accessibility check).
# Under CI=true a service that cannot be started fails the run; elsewhere its tests are skipped
# with the reason printed. Extra arguments go to every pytest run (e.g. -x, -k api).
# The two database runs each use PYTEST_WORKERS pytest-xdist workers (default 2, one per core);
# the time of each stage is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
CI=${CI:-false}
WORKERS=${PYTEST_WORKERS:-2}

timed() {
  local name=$1 start=$SECONDS status=0
  shift
  echo "== $name"
  "$@" || status=$?
  echo "== $name: $((SECONDS - start)) s"
  return $status
}
export ES_PORT=${ES_PORT:-9200}
stop_es=false
stop_pg=false

unavailable() {
  if [ "$CI" = true ]; then
    echo "tests/run.sh: $1 is needed under CI=true but could not be started." >&2
    exit 1
  fi
  echo "tests/run.sh: $1 is unavailable; its tests will be skipped." >&2
}

cleanup() {
  if $stop_es; then search/elasticsearch.sh stop || true; fi
  if $stop_pg; then tests/postgres.sh stop || true; fi
}
trap cleanup EXIT
services_start=$SECONDS

# Elasticsearch takes the longest to come up: it starts in the background while PostgreSQL,
# Chromium and axe-core are made ready. A loaded machine can need minutes.
export ES_START_TIMEOUT=${ES_START_TIMEOUT:-300}
es_starting=""
if [ -z "${ELASTICSEARCH_TEST_URL:-}" ] && ! search/elasticsearch.sh status >/dev/null 2>&1 &&
  command -v mvn >/dev/null 2>&1; then
  search/elasticsearch.sh start &
  es_starting=$!
  stop_es=true
fi

pg_url=""
if pg_url=$(tests/postgres.sh start); then
  stop_pg=true
else
  unavailable "PostgreSQL (tests/postgres.sh start)"
fi

if ! tests/browser.sh ensure >/dev/null; then
  unavailable "Chromium (tests/browser.sh ensure)"
fi
# axe-core, the accessibility engine the browser tests inject (pinned in tests/browser/package-lock.json).
if ! tests/browser.sh axe; then
  unavailable "axe-core (tests/browser.sh axe)"
fi

if [ -z "${ELASTICSEARCH_TEST_URL:-}" ]; then
  if [ -n "$es_starting" ]; then wait "$es_starting" || true; fi
  if search/elasticsearch.sh status >/dev/null 2>&1; then
    export ELASTICSEARCH_TEST_URL="http://127.0.0.1:$ES_PORT"
  else
    unavailable "Elasticsearch (make elasticsearch)"
  fi
fi
echo "== services (Elasticsearch, PostgreSQL, Chromium, axe-core): $((SECONDS - services_start)) s"

timed "SQLite${ELASTICSEARCH_TEST_URL:+ + Elasticsearch}" \
  $PY -m pytest tests -m "not browser" -n "$WORKERS" --durations=10 "$@"

if [ -n "$pg_url" ]; then
  # The API's Elasticsearch variants already ran above; PostgreSQL is the fallback engine here
  # (tests/search/test_elasticsearch.py still runs: indexing, rebuilds and the outage on PostgreSQL).
  DATABASE_URL="$pg_url" TEST_SEARCH_BACKENDS=database timed "PostgreSQL${ELASTICSEARCH_TEST_URL:+ + Elasticsearch}" \
    $PY -m pytest tests -m "not browser" -n "$WORKERS" -p no:cacheprovider "$@"
fi

timed "Browser (Chromium)" $PY -m pytest tests -m browser "$@"
