# gdviz — run `make` or `make help` for the list of targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEB_PACKAGES := libcairo2-dev libpango1.0-dev pkg-config chromium fonts-dejavu-core
QUALITY ?= high
BUILD := build

.PHONY: help setup system-packages test lint format generate figures videos report docs bench reference clean clean-cache

help: ## show this list of targets
	@echo "gdviz — make gradient descent visible"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sort | awk 'BEGIN{FS=":.*## "}{printf "  make %-16s %s\n", $$1, $$2}'
	@echo
	@echo "  QUALITY=low|medium|high|4k selects the video quality (default high: 1080p60)."

system-packages: ## install the Debian packages Manim and the browser tests need (apt-get)
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Missing Debian packages:$$missing. Run:"; \
	    echo "  sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-packages
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[video,notebook,docs,test,dev]'
	@touch $@

setup: $(STAMP) ## create .venv and install gdviz with every extra (then: source .venv/bin/activate)

test: $(STAMP) ## run the whole test suite
	$(BIN)/python -m pytest

lint: $(STAMP) ## ruff (lint + format check) and mypy
	$(BIN)/ruff check gdviz tests benchmarks scenes docs
	$(BIN)/ruff format --check gdviz tests benchmarks scenes docs
	$(BIN)/mypy

format: $(STAMP) ## format the code with ruff
	$(BIN)/ruff format gdviz tests benchmarks scenes docs
	$(BIN)/ruff check --fix gdviz tests benchmarks scenes docs

generate: $(STAMP) ## regenerate the landscapes' numpy and JavaScript kernels from the catalogue
	$(BIN)/python -m gdviz.landscapes.generate

figures: $(STAMP) ## build the figure gallery into build/figures
	$(BIN)/gdviz figures --output $(BUILD)/figures

# the scene list comes from the scene files' own declarations (stdlib only: works before setup)
VIDEO_SCENES := $(shell python3 -m gdviz.video 2>/dev/null)
VIDEO_TARGETS := $(addprefix video-,$(VIDEO_SCENES))
.PHONY: $(VIDEO_TARGETS)
videos: $(VIDEO_TARGETS) ## render every lecture video into build/videos (QUALITY=..., make -j2 renders in parallel)
$(VIDEO_TARGETS): video-%: $(STAMP)
	$(BIN)/gdviz video $* --quality $(QUALITY) --output $(BUILD)/videos

report: $(STAMP) ## build figures, videos and the HTML report into build/report
	$(BIN)/gdviz report --output $(BUILD)/report

docs: $(STAMP) ## build the documentation site into build/docs (offline; warnings are errors)
	$(BIN)/sphinx-build -W --keep-going -q -b html docs $(BUILD)/docs
	@echo "open $(BUILD)/docs/index.html"

TORCH_STAMP := $(VENV)/.torch
$(TORCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet 'torch==2.13.0' || $(BIN)/python -m pip install --quiet -e '.[reference]'
	@touch $@

JAX_STAMP := $(VENV)/.jax
$(JAX_STAMP): $(STAMP)
	@$(BIN)/python -m pip install --quiet jax jaxlib optax \
	  || echo "JAX+optax not installed: bench_core runs without that peer"
	@touch $@

bench: $(TORCH_STAMP) $(JAX_STAMP) ## descend() vs torch.optim and JAX+optax, tune vs a loop and torch, render vs encode-only, the live explorer vs one frame, a network slice vs a loop
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_tune.py
	$(BIN)/python benchmarks/bench_video.py --quality high
	$(BIN)/python benchmarks/bench_explorer.py
	$(BIN)/python benchmarks/bench_slices.py

reference: $(TORCH_STAMP) ## re-record the torch.optim reference values used by the tests (installs torch)
	$(BIN)/python tests/reference/record_torch.py
	$(BIN)/python tests/reference/record_network.py
	$(BIN)/python tests/reference/record_minibatch.py

clean: ## remove build output (keeps .venv and the cache: see make clean-cache)
	rm -rf $(BUILD) media .pytest_cache docs/_generated

clean-cache: $(STAMP) ## remove the cached videos and formulas ($XDG_CACHE_HOME/gdviz, see gdviz cache info)
	$(BIN)/gdviz cache clear
