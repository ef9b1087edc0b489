# The commands of the README: `make demo`, `make test` and `make test-fast`. Each sets up
# .venv from nothing but Python 3.11 and the package registries, then runs.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast install train bench clean chromium fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# torch is pinned to the CPU build first, so that sentence-transformers does not pull a
# multi-gigabyte CUDA build of a newer release.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[all,dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/onrecord analyze examples/harbour-bridge.txt --published 2026-03-09
	$(BIN)/onrecord ingest examples --published 2026-03-09 --db .onrecord/demo.sqlite
	@echo "Explore what was just analysed: $(BIN)/onrecord serve --db .onrecord/demo.sqlite"
	@echo "then open http://127.0.0.1:8000/ in a browser (Ctrl-C stops it)."

# The browser tests drive Debian's Chromium (Playwright never downloads a browser of its own).
# It is installed with apt-get where that works; elsewhere those tests skip and say why.
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 || echo "chromium not installed: browser tests will skip"

test: $(STAMP) chromium
	$(BIN)/python -m pytest

# The tests that load no spaCy model and no browser: the quick check before a commit.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

# Rebuilds src/onrecord/data/cue_lexicon.json (counts only, no text), then the confidence model
# src/onrecord/data/confidence_model.json (weights and breakpoints), from PolNeAR train. The
# parsed split is kept in TRAIN_CACHE, so a second run skips the parse.
TRAIN_CACHE ?= /tmp/onrecord-polnear-train.spacy
train: $(STAMP)
	$(BIN)/python -m onrecord.quality.training ../shared/eval/polnear/train --cache $(TRAIN_CACHE) $(if $(REVIEWED),--reviewed $(REVIEWED))

bench: $(STAMP)
	$(BIN)/python bench/bench_attribution.py

# Fuzz the readers (text, HTML, JSONL, WARC) for FUZZ_SECONDS in all, then analyze on hostile
# article text for FUZZ_SECONDS more (a new seed each run, printed; every core); a crash, a hang
# or a bad span ends it with status 1. The 10^5-example soak is `$(BIN)/python fuzz/soak.py`.
FUZZ_SECONDS ?= 60
fuzz: $(STAMP)
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python fuzz/fuzz_readers.py
	$(BIN)/python fuzz/soak.py --seconds $(FUZZ_SECONDS) --seed random --every 100000

clean:
	rm -rf $(VENV) build dist src/*.egg-info
