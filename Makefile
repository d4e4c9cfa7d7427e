# Tipline: two commands on a fresh machine.
#   make run   set up everything and serve on http://127.0.0.1:8000 (make run PORT=8080 HOST=0.0.0.0)
#   make demo  a training desk with synthetic reports in ./demo-data, on http://127.0.0.1:8001
#   make test  set up everything and run the whole suite (and lint, and the import floors)
# Versions are pinned in pyproject.toml only.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

DEMO_PORT ?= 8001

.PHONY: run demo test lint format bench bench-vault bench-inbox bench-inbox-postgres bench-submit \
	bench-submit-postgres bench-submit-cores bench-stats bench-stats-postgres bench-sharing bench-cleaning \
	bench-database bench-database-postgres bench-page-weight bench-search bench-search-postgres \
	fonts fuzz clean

$(BIN)/python:
	@echo "== Creating the virtual environment in $(VENV) (first run only)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# mat2 cleans office documents, OpenDocument, audio and video; it needs these Debian packages
# before `pip install` (PyGObject and pycairo build against them) and ffmpeg at run time.
# Optional: where they cannot be installed, Tipline runs and its system page says so.
MAT2_SYSTEM_PACKAGES := libgirepository1.0-dev libcairo2-dev gir1.2-poppler-0.18 \
	gir1.2-gdkpixbuf-2.0 gir1.2-rsvg-2.0 ffmpeg
$(VENV)/.mat2-system-packages:
	@if ! dpkg -s $(MAT2_SYSTEM_PACKAGES) >/dev/null 2>&1; then \
		echo "== Installing the Debian packages mat2 needs with apt-get (needs root; optional): $(MAT2_SYSTEM_PACKAGES)"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(MAT2_SYSTEM_PACKAGES)) \
		|| echo "** mat2's system packages could not be installed: office, audio and video files will not be cleaned. To add them later: install them as root, then rm $@ and run make again."; \
	fi
	@mkdir -p $(VENV) && touch $@

# summary.pdf in every export (WeasyPrint): Pango, HarfBuzz's subsetter, and the Noto fonts
# that draw Urdu in Nastaliq and Chinese. Optional: without them an export carries
# summary.txt and the files, and summary.txt says why there is no PDF.
PDF_SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
	fonts-noto-core fonts-noto-cjk
$(VENV)/.pdf-system-packages:
	@if ! dpkg -s $(PDF_SYSTEM_PACKAGES) >/dev/null 2>&1; then \
		echo "== Installing the Debian packages the export's PDF needs with apt-get (needs root; optional): $(PDF_SYSTEM_PACKAGES)"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_SYSTEM_PACKAGES)) \
		|| echo "** The PDF's system packages could not be installed: exports will carry no summary.pdf. To add them later: install them as root, then rm $@ and run make again."; \
	fi
	@mkdir -p $(VENV) && touch $@

# Reinstall only when pyproject.toml changes. The cleaning extra may fail (no system
# packages): Tipline still installs and runs without it.
CLEANING_EXTRA = $(BIN)/pip install --quiet -e ".[cleaning]" \
	|| echo "** mat2 could not be installed: office, audio and video files will not be cleaned"
$(VENV)/.installed-run: pyproject.toml $(VENV)/.mat2-system-packages $(VENV)/.pdf-system-packages | $(BIN)/python
	@echo "== Installing Tipline and its Python packages into $(VENV) (a few minutes the first time)"
	$(BIN)/pip install --quiet -e .
	@echo "== Installing mat2, which cleans office, audio and video files (optional)"
	$(CLEANING_EXTRA)
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.mat2-system-packages $(VENV)/.pdf-system-packages | $(BIN)/python
	@echo "== Installing Tipline with its test tools into $(VENV) (a few minutes the first time)"
	$(BIN)/pip install --quiet -e ".[test]"
	@echo "== Installing mat2, which cleans office, audio and video files (optional)"
	$(CLEANING_EXTRA)
	touch $@ $(VENV)/.installed-run

# Browser tests drive Debian's Chromium (never a downloaded browser); the Noto fonts render
# Urdu and Chinese; exiftool is an independent check that attachments lose their metadata;
# Pango makes the export's PDF, which the suite reads back (optional for `make run` only).
SYSTEM_PACKAGES := chromium fonts-noto-core fonts-noto-cjk libimage-exiftool-perl gettext \
	libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
$(VENV)/.system-packages:
	@if ! command -v chromium >/dev/null || ! command -v exiftool >/dev/null \
		|| ! command -v msgfmt >/dev/null \
		|| ! dpkg -s libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null 2>&1 \
		|| ! fc-list | grep -q "Noto Sans CJK"; then \
		echo "== Installing the browser tests' Debian packages with apt-get (needs root): $(SYSTEM_PACKAGES)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES); \
	fi
	@touch $@

run: $(VENV)/.installed-run
	@echo "== Creating or updating the database in $${TIPLINE_DATA_DIR:-./data}"
	$(BIN)/tipline migrate --no-input -v 0
	$(BIN)/tipline bootstrap --url http://$(HOST):$(PORT)
	@echo "== Serving on http://$(HOST):$(PORT) (Ctrl-C stops it)"
	$(BIN)/tipline serve --host $(HOST) --port $(PORT)

# A training desk (TRAINING on every page) in ./demo-data, never ./data; prints its accounts.
demo: $(VENV)/.installed-run
	$(BIN)/tipline demo --data-dir ./demo-data --host $(HOST) --port $(DEMO_PORT)

# The suite runs on SQLite; when TIPLINE_TEST_DATABASE_URL is set it runs again on that
# database (CI points it at PostgreSQL).
test: $(VENV)/.installed-test $(VENV)/.system-packages
	@echo "== Lint, types, then the whole suite (several minutes)"
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest
	@if [ -n "$$TIPLINE_TEST_DATABASE_URL" ]; then \
		echo "== the suite again on $${TIPLINE_TEST_DATABASE_URL%%://*}"; \
		TIPLINE_TEST_ON_URL=1 $(BIN)/pytest; \
	fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: bench-vault bench-inbox bench-search bench-submit bench-stats

bench-vault: $(VENV)/.installed-run
	$(BIN)/python bench/vault.py

bench-inbox: $(VENV)/.installed-run
	$(BIN)/python bench/inbox.py

# A benchmark run against a throwaway database on the local PostgreSQL (user postgres, trust
# auth), dropped afterwards whatever the benchmark's exit status, which is kept.
on_throwaway_postgres = @db=tipline_bench_$$$$; createdb -h 127.0.0.1 -U postgres $$db && \
	$(BIN)/python $(1) --database-url postgres://postgres@127.0.0.1:5432/$$db; \
	status=$$?; dropdb -h 127.0.0.1 -U postgres $$db; exit $$status

bench-inbox-postgres: $(VENV)/.installed-run
	$(call on_throwaway_postgres,bench/inbox.py)

# A longer fuzzing run than CI's (same properties, more generated inputs).
fuzz: $(VENV)/.installed-test
	TIPLINE_FUZZ_EXAMPLES=5000 $(BIN)/pytest -q src/tipline/reports/tests/test_fuzz.py

# Time and peak memory to clean a 20 MB .docx, a 50 MB .mp4 and a 20 MB PDF.
bench-cleaning: $(VENV)/.installed-test
	$(BIN)/python bench/cleaning.py

bench-search: $(VENV)/.installed-run
	$(BIN)/python bench/search.py

bench-search-postgres: $(VENV)/.installed-run
	$(call on_throwaway_postgres,bench/search.py)

bench-submit: $(VENV)/.installed-run
	$(BIN)/python bench/submit.py

bench-submit-postgres: $(VENV)/.installed-run
	$(call on_throwaway_postgres,bench/submit.py)

# The same on one core and on two (taskset), for the capacity model in docs/deploy.md.
bench-submit-cores: $(VENV)/.installed-run
	taskset -c 0 $(BIN)/python bench/submit.py --surge 0
	taskset -c 0,1 $(BIN)/python bench/submit.py --surge 0

# Dashboard, campaign and public results over 100,000 reports and 20,000 outcomes.
bench-stats: $(VENV)/.installed-run
	$(BIN)/python bench/stats.py

bench-stats-postgres: $(VENV)/.installed-run
	$(call on_throwaway_postgres,bench/stats.py)

# Reports committed per second with Argon2id taken out (one desk, eight desks), and the
# gate's round trips per second in Redis: what one database and one Redis carry.
bench-database: $(VENV)/.installed-run
	$(BIN)/python bench/database.py

bench-database-postgres: $(VENV)/.installed-run
	$(call on_throwaway_postgres,bench/database.py)

# What a reporter's phone downloads: every reporter page in every reporter language, from
# Debian's Chromium (JavaScript off, 360 px), cold and warm, bytes on the wire.
bench-page-weight: $(VENV)/.installed-test $(VENV)/.system-packages
	$(BIN)/python bench/page_weight.py

# The Urdu web fonts (WOFF2 subsets) from Debian's Noto Nastaliq Urdu; the same bytes every
# time, which the suite checks (web/tests/test_fonts.py).
fonts: $(VENV)/.installed-test $(VENV)/.system-packages
	$(BIN)/python tools/make_fonts.py

bench-sharing: $(VENV)/.installed-test
	$(BIN)/python bench/sharing.py --photo

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .import_linter_cache .hypothesis test-output
