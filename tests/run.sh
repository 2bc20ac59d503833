#!/usr/bin/env bash
# The whole suite (`make test`):
#   1. everything but the browser tests on SQLite, with Elasticsearch;
#   2. the same on PostgreSQL, with Elasticsearch (the production-like run), less the tests that never
#      touch the database;
#   3. the browser tests in Debian's Chromium (with axe-core for the accessibility check).
# pytest owns the services (tests/services.py): --elasticsearch starts a throwaway node for the run,
# --postgresql a throwaway PostgreSQL cluster; each stops when its run ends. Under CI=true a service
# that cannot be started fails the tests that need it; elsewhere they are skipped with the reason.
# Extra arguments go to every pytest run (e.g. -x, -k api). Each run uses PYTEST_WORKERS
# pytest-xdist workers (default 2, one per core); the time of each stage is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
CI=${CI:-false}
WORKERS=${PYTEST_WORKERS:-2}
# worksteal: a worker that runs out takes queued tests from the other (long tests no longer end a run on one).
XDIST=(-n "$WORKERS" --dist worksteal)

timed() {
  local name=$1 start=$SECONDS status=0
  shift
  echo "== $name"
  "$@" || status=$?
  echo "== $name: $((SECONDS - start)) s"
  return $status
}

unavailable() {
  if [ "$CI" = true ]; then
    echo "tests/run.sh: $1 is needed under CI=true but could not be made ready." >&2
    exit 1
  fi
  echo "tests/run.sh: $1 is unavailable; its tests will be skipped." >&2
}

# One Elasticsearch node for both database runs (pytest uses a node that answers on ES_PORT and leaves
# it running): it starts in the background while Debian's Chromium and axe-core (pinned in
# tests/browser/package-lock.json) are made ready for the browser tests.
start=$SECONDS
es_started=""
if [ -z "${ELASTICSEARCH_TEST_URL:-}" ] && ! $PY -m search.node status >/dev/null 2>&1; then
  $PY -m search.node start &
  es_started=$!
  trap '$PY -m search.node stop || true' EXIT
fi
tests/browser.sh ensure >/dev/null || unavailable "Chromium (tests/browser.sh ensure)"
tests/browser.sh axe || unavailable "axe-core (tests/browser.sh axe)"
# A node that failed to start here is started (and its failure reported) by pytest --elasticsearch.
if [ -n "$es_started" ]; then wait "$es_started" || true; fi
echo "== services and browser tools (Elasticsearch, Chromium, axe-core): $((SECONDS - start)) s"

timed "SQLite + Elasticsearch" \
  $PY -m pytest tests -m "not browser" "${XDIST[@]}" --elasticsearch --durations=10 "$@"

# The API's Elasticsearch variants already ran above; PostgreSQL is the fallback engine here
# (tests/search/test_elasticsearch.py still runs: indexing, rebuilds and the outage on PostgreSQL).
# --database-tests-only: a test that never touches the test database (text analysis, query parsing,
# fusion, the settings checks that run manage.py on a SQLite file of their own) runs the same code on
# any database, and ran above; every test that does touch it runs again on PostgreSQL.
TEST_SEARCH_BACKENDS=database timed "PostgreSQL + Elasticsearch" \
  $PY -m pytest tests -m "not browser" "${XDIST[@]}" --elasticsearch --postgresql --database-tests-only -p no:cacheprovider "$@"

timed "Browser (Chromium)" $PY -m pytest tests -m browser "${XDIST[@]}" "$@"
