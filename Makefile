# Two commands matter (README "Quick start"): `make run` and `make test`.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test install setup lint check messages elasticsearch elasticsearch-stop quality benchmark clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed (found %s); set PYTHON=python3.11" % sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# Bytecode is compiled on first import, for the modules used, not for every installed file.
	$(PY) -m pip install --quiet --no-compile -e '.[test,production]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

setup: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py update_index

run: setup
	@echo "Serving http://127.0.0.1:$(PORT)/  (demo accounts above; admin at /admin/)"
	@# The worker embeds practices for hybrid search as they are published; it stops with the server.
	$(PY) manage.py db_worker --backend embeddings --queue-name '*' & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(PY) manage.py runserver 127.0.0.1:$(PORT)

# lint is what `make test` runs first; its tests assert the rest of check (tests/portal/test_settings.py).
lint: $(STAMP)
	@start=$$(date +%s) && set -x && \
	$(VENV)/bin/ruff check . && \
	$(PY) manage.py check && \
	{ set +x; } 2>/dev/null && echo "== lint: $$(($$(date +%s) - start)) s"

check: lint
	@start=$$(date +%s) && set -x && \
	$(PY) manage.py makemigrations --check --dry-run && \
	DJANGO_SETTINGS_MODULE=portal.settings.production DJANGO_SECRET_KEY=check-only-$$(date +%s)-not-a-real-secret-value-0123456789 \
		DJANGO_ALLOWED_HOSTS=example.org WAGTAILADMIN_BASE_URL=https://example.org $(PY) manage.py check --deploy --fail-level WARNING && \
	{ set +x; } 2>/dev/null && echo "== check: $$(($$(date +%s) - start)) s"

test: lint
	tests/run.sh

messages: $(STAMP)
	$(PY) manage.py makemessages -l ja --no-location --no-obsolete -i ".venv/*" -i "var/*" -i "tests/*" -i "build/*"
	$(PY) manage.py compilemessages -l ja -i ".venv"

elasticsearch: $(STAMP)
	$(PY) -m search.node start

elasticsearch-stop: $(STAMP)
	$(PY) -m search.node stop

quality: $(STAMP)
	$(PY) manage.py search_quality

benchmark: $(STAMP)
	$(PY) manage.py search_benchmark --sizes 1000,10000,100000 --hybrid generated

clean:
	rm -rf var/portal.sqlite3 var/static
