# The two commands of the quick start: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
## two stamps: the package alone (make demo), and with the test extras (make test, make bench)
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
CHROMIUM := /usr/bin/chromium
BENCH_DIR ?= /tmp/yrd-bench
## the PostgreSQL server make bench times the writer into (a throw-away database is made and dropped); empty: skip
BENCH_PG ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: demo test install install-test bench bench-scale browser clean-venv

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $(STAMP)

## the test extras (pytest, Playwright, Ray, trafilatura, datasketch, httpx) on top of the package
$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(TEST_STAMP)

install: $(STAMP)
install-test: $(TEST_STAMP)

## the end-to-end tests drive Debian's Chromium (Playwright's own browser download is not used)
browser: $(CHROMIUM)
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk; \
	else \
	  echo "The end-to-end tests need Debian's chromium and a CJK font: sudo apt-get install chromium fonts-noto-cjk"; exit 1; \
	fi

## make demo: ingest the sample articles into the embedded default store and serve the dashboard
demo: $(STAMP)
	$(BIN)/yrd ingest samples/articles
	$(BIN)/yrd stats
	@echo "yrd is installed in $(VENV), not on your PATH: run it as $(BIN)/yrd, or first: source $(BIN)/activate"
	$(BIN)/yrd serve --port $${PORT:-8000}

## make test: the whole test suite (corpus checks skip where ../shared is absent; PostgreSQL must answer)
test: $(TEST_STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest -q

## make bench: throughput and stage figures over ../shared/corpus (not part of make test); see BENCHMARKS.md
bench: $(TEST_STAMP)
	$(BIN)/python bench/bench_clean.py
	$(BIN)/python bench/bench_extract.py
	$(BIN)/python bench/bench_ingest.py $(if $(BENCH_PG),--pg $(BENCH_PG))
	$(BIN)/python bench/bench_latency.py --db $(BENCH_DIR)/corpus.db --ingest ../shared/corpus --rounds 20

## make bench-scale: peak memory at 10x, 100x and 1000x the corpus, then search and API latency on the
## 100x and 1000x stores (158,000 and 1,580,000 documents); about two hours and 55 GB in BENCH_DIR
bench-scale: $(TEST_STAMP)
	mkdir -p $(BENCH_DIR)
	$(BIN)/python bench/bench_ingest.py --scale-only --scale 10 100 1000 --workers 2 --workdir $(BENCH_DIR) --keep $(BENCH_DIR)
	$(BIN)/python bench/bench_latency.py --db $(BENCH_DIR)/yrd-100x.db --rounds 20
	$(BIN)/python bench/bench_latency.py --db $(BENCH_DIR)/yrd-1000x.db --rounds 20

clean-venv:
	rm -rf $(VENV)
