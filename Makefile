# cess-archive: every target sets up the virtual environment it needs first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install test crawl demo clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile

# Exit status 1 means "completed with some page errors": still export what was archived.
crawl: $(STAMP)
	$(BIN)/cess-archive crawl || test $$? -eq 1
	$(BIN)/cess-archive export --format jsonl --output data/export.jsonl

demo: $(STAMP)
	$(BIN)/python -m tests.demo

clean:
	rm -rf $(VENV) build *.egg-info
