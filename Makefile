# giamngheo — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# `make serve-prod`: port, gunicorn workers and worker timeout (seconds).
PROD_PORT ?= 8001
WORKERS ?= 2
TIMEOUT ?= 120
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# Debian packages the app and its suite need: msgfmt compiles the Vietnamese catalogue,
# Chromium runs the browser tests, poppler reads PDFs back, harfbuzz-subset and DejaVu
# let WeasyPrint embed fonts quickly.
SYSTEM_PACKAGES := gettext chromium poppler-utils libharfbuzz-subset0 fonts-dejavu-core
MO := giamngheo/locale/vi/LC_MESSAGES/django.mo

.PHONY: install run serve-prod test lint typecheck format check-migrations messages clean ci

install: $(STAMP) $(MO)

$(STAMP): pyproject.toml
	@scripts/ensure-system-packages $(SYSTEM_PACKAGES)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

$(MO): giamngheo/locale/vi/LC_MESSAGES/django.po | $(STAMP)
	$(BIN)/python manage.py compilemessages --locale vi --ignore '.venv/*' --verbosity 0

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  giamngheo is running on http://127.0.0.1:$(PORT)/  (administration, for the admin user only: /admin/)"
	@echo "  Demo logins (password: giamngheo-demo):"
	@echo "    admin     – administrator"
	@echo "    thanhpho  – city Labour department (Phòng LĐ-TB&XH): every ward, oversees and returns"
	@echo "    ducthang  – officer of Đức Thắng ward (every ward and commune has one: the"
	@echo "    tienloi   – officer of Tiến Lợi commune   code without dashes, e.g. phuthuy, phongnam)"
	@echo "    phuongphanthiet – officer of P. Phan Thiết since the 2025 merger: its former units'"
	@echo "                  households, the 2025 and 2026 reviews (also phuongmuine, phuongphuthuy,"
	@echo "                  phuongtienthanh, phuongbinhthuan, phuonghamthang, xatuyenquang)"
	@echo "    bcd_ducthang – Steering Committee member of Đức Thắng: the households they manage"
	@echo "    nhcsxh    – Social Policy Bank: records loans (also yte – health, giaoduc – education)"
	@echo "  Large exports, PDFs and imports run as background jobs: a job worker"
	@echo "  (manage.py db_worker) runs beside the server and stops with it."
	@echo ""
# The job worker polls the database for jobs; the trap stops it when the server stops (Ctrl-C).
	@$(BIN)/python manage.py db_worker --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# A trial of the production setup on this machine, over plain HTTP: DEBUG off, static files
# collected and served by WhiteNoise (hashed, compressed), gunicorn. A real server puts nginx
# and HTTPS in front: see docs/deploy.md. Uses SECRET_KEY from the environment or .env, else a
# random one (sessions then end when it stops).
serve-prod: install
	@set -e; \
	if [ -z "$$SECRET_KEY" ] && ! grep -qs '^SECRET_KEY=..' .env; then \
	  SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))'); \
	  export SECRET_KEY; echo "  SECRET_KEY: none set, using a random one for this run"; \
	fi; \
	export DEBUG=False ALLOWED_HOSTS=127.0.0.1,localhost \
	  SECURE_SSL_REDIRECT=False SESSION_COOKIE_SECURE=False CSRF_COOKIE_SECURE=False; \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0; \
	$(BIN)/python manage.py migrate --noinput; \
	echo ""; \
	echo "  giamngheo (production settings, DEBUG=False) on http://127.0.0.1:$(PROD_PORT)/"; \
	echo "  gunicorn: $(WORKERS) workers, timeout $(TIMEOUT) s (make serve-prod WORKERS=4 TIMEOUT=300 PROD_PORT=8002)"; \
	echo "  PLAIN-HTTP LOCAL TRIAL: HTTPS redirect OFF and cookies NOT marked Secure."; \
	echo "  Do not open this to a network; a real server uses nginx with HTTPS (docs/deploy.md)."; \
	echo ""; \
	exec $(BIN)/gunicorn --config giamngheo/gunicorn.conf.py --bind 127.0.0.1:$(PROD_PORT) \
	  --workers $(WORKERS) --timeout $(TIMEOUT) giamngheo.wsgi

# The suite runs in TEST_WORKERS processes (pytest-xdist), each with its own test database
# (test_<name>_gw0, test_<name>_gw1, …): two suit a 2-core machine; `make test TEST_WORKERS=0`
# runs it in this process. A test file stays on one worker (`--dist loadfile` in
# pyproject.toml), so data a module seeds once (module_db) is seeded once; the files with
# transactional tests are handed out first and the reference data put back after them
# (tests/scheduling.py).
TEST_WORKERS ?= 2
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with the django-stubs plugin: the app code, tests and migrations left out (pyproject.toml).
typecheck: install
	$(BIN)/mypy .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-migrations: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# Refresh the Vietnamese catalogue after adding strings; then translate the new entries.
messages: install
	$(BIN)/python manage.py makemessages --locale vi --no-obsolete \
		--ignore '.venv/*' --ignore 'tests/*' --add-location file
	$(MAKE) $(MO)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

# What CI runs: install, lint, checks and the suite against a real PostgreSQL.
ci:
	bash .ci/run
