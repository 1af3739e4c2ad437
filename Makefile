# cess-archive: every target sets up the virtual environment it needs first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install chromium check test test-fast crawl demo serve-demo screenshots revision bench-web clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Debian's Chromium, which the reading room's browser test drives (Playwright downloads no browser here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); export DEBIAN_FRONTEND=noninteractive; \
		$$SUDO apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || \
		{ $$SUDO apt-get update >/dev/null && $$SUDO apt-get install -y --no-install-recommends chromium >/dev/null; }; }

# Linters: ruff (lint and format) over everything, then mypy over the packages pyproject.toml names.
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: check
	$(BIN)/python -m pytest -n auto --dist loadfile

# Everything but the end-to-end crawls (marked slow): a quick check while working.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile -m "not slow"

# Exit status 1 means "completed with some page errors": still export what was archived.
crawl: $(STAMP)
	$(BIN)/cess-archive crawl || test $$? -eq 1
	$(BIN)/cess-archive export --format jsonl --output data/export.jsonl

demo: $(STAMP)
	$(BIN)/python -m tests.demo

# The README's pictures of the reading room, taken in Chromium on the demo archive.
screenshots: $(STAMP) chromium
	@test -f data/demo/archive.sqlite || $(MAKE) demo
	$(BIN)/python -m tests.readme_screenshots

# The reading room on the demo archive (made by `make demo` when missing).
serve-demo: $(STAMP)
	@test -f data/demo/archive.sqlite || $(MAKE) demo
	$(BIN)/cess-archive serve --db data/demo/archive.sqlite

# A draft of the next schema revision, from what the models have that the migrations do not build yet:
# make revision MESSAGE="what it changes"  (review it, then add its release to archive.schema.RELEASES)
revision: $(STAMP)
	$(BIN)/python -c 'import sys; from archive.schema import draft_revision; print(draft_revision(sys.argv[1]))' "$(MESSAGE)"

# The reading room's latency per route and its memory, on generated archives of 10,000 and 1,000 pages
# (made in data/bench/ the first time, in about a minute): benchmarks/web.py --help for its options.
bench-web: $(STAMP)
	$(BIN)/python benchmarks/web.py

clean:
	rm -rf $(VENV) build *.egg-info
