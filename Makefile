# The two commands of the quick start: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install bench clean-venv

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## make demo: read the project's own sample articles and print their fact sheets
demo: $(STAMP)
	$(BIN)/yrd extract samples/articles/ --pretty

## make test: the whole test suite (corpus checks skip where ../shared is absent)
test: $(STAMP)
	$(BIN)/python -m pytest -q

## make bench: throughput of reading + cleaning over ../shared/corpus, next to trafilatura
bench: $(STAMP)
	$(BIN)/python bench/bench_clean.py

clean-venv:
	rm -rf $(VENV)
