# ketluan — `make run` and `make test` each install what they need on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INBOX ?= samples
OUT ?= out
SHARED ?= ../shared
# Debian packages: OCR engine with Vietnamese and orientation data, PDF rendering, a
# serif font with Vietnamese glyphs for the scan simulator.
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils fonts-liberation2
# The report's browser test drives Debian's Chromium through its own chromedriver.
TEST_APT_PACKAGES := chromium chromium-driver
export OMP_THREAD_LIMIT := 1

.PHONY: help setup system-deps test-deps run watch report test bench eval samples models clean-out

help:
	@echo "make run      process $(INBOX)/ into $(OUT)/ (installs what is missing first)"
	@echo "make watch    process files dropped into $(INBOX)/ as they arrive (Ctrl-C stops)"
	@echo "make report   write $(OUT)/report.html with a review page per document"
	@echo "make test     run the test suite"
	@echo "make bench    speed: pipeline vs bare tesseract; ketluan query over 10k tasks; report for 1,000 documents"
	@echo "make eval     accuracy: OCR CER, restoration and extraction on $(SHARED)/docs"
	@echo "make samples  regenerate the scanned-looking sample PDFs"
	@echo "make models   retrain the restoration language model and the task classifier"

setup: system-deps $(VENV)/.installed

system-deps test-deps: PACKAGES = $(if $(filter test-deps,$@),$(TEST_APT_PACKAGES),$(APT_PACKAGES))
system-deps test-deps:
	@missing=""; \
	for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

run: setup
	$(VENV)/bin/ketluan run $(INBOX) --out $(OUT)

watch: setup
	$(VENV)/bin/ketluan watch $(INBOX) --out $(OUT)

report: setup
	$(VENV)/bin/ketluan report --out $(OUT)

test: setup test-deps
	$(PY) -m pytest -q tests

bench: setup
	$(PY) -m pipeline.evaluate.bench --shared $(SHARED) --json $(OUT)/bench.json
	$(PY) -m pipeline.evaluate.analyst_bench --json $(OUT)/bench_analyst.json

eval: setup
	$(PY) -m pipeline.evaluate.ocr --shared $(SHARED) --json $(OUT)/eval_ocr.json
	$(PY) -m pipeline.restore.evaluate --docs $(SHARED)/docs --json $(OUT)/eval_restore.json
	$(PY) -m pipeline.evaluate.extract --shared $(SHARED) --json $(OUT)/eval_extract.json

models: setup
	$(PY) -m pipeline.restore.train --corpus $(SHARED)/corpus --out models/
	$(PY) -m pipeline.extract.train --shared $(SHARED) --out models/task_classifier

samples: setup
	$(PY) -m pipeline.simulate.samples --out samples

clean-out:
	rm -rf $(OUT)
