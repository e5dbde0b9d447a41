# mmdr: two commands do everything on a fresh machine (Python 3.11, pip, make).
#   make test       install what is needed, then check notebooks <-> library, run every notebook and the tests
#   make reproduce  install what is needed, then regenerate Table I and Figure 4 into figures/ (paper profile)
#   make docs       build the companion site (README, executed notebooks, API) into _docs/, offline
#   make lab        JupyterLab on the notebooks (prints its URL)
# Both use the active virtualenv / conda env if there is one, else create .venv here.

SHELL := /bin/bash
PYTHON ?= python3
PROFILE ?= paper
DEVICE ?= auto

# The exact, tested set. environment.yml names the same versions (tests/test_env.py checks it).
PINS := torch==2.14.1 torchvision==0.29.1 \
	nbdev==2.4.14 execnb==0.1.18 fastcore==1.14.5 ghapi==1.1.1 \
	numpy==2.4.6 pandas==2.3.3 scipy==1.17.1 scikit-learn==1.9.1 \
	matplotlib==3.11.2 seaborn==0.13.2 tqdm==4.70.1 tabulate==0.10.0 jinja2==3.1.6 \
	papermill==2.7.0 nbformat==5.11.1 nbclient==0.11.0 ipykernel==7.4.0 jupyterlab==4.6.6 \
	ipywidgets==8.1.9 jupyterlab_widgets==3.0.17 widgetsnbextension==4.0.16 \
	pytest==9.2.0 hypothesis==6.170.17 \
	pydicom==3.0.2 nibabel==5.4.2 lifelines==0.30.3 captum==0.9.0 \
	dask==2026.8.0 distributed==2026.8.0 \
	sphinx==9.0.4 myst-nb==1.4.0 myst-parser==5.2.0 sphinx-book-theme==1.4.0 pydata-sphinx-theme==0.20.0 jupyter-server-mathjax==0.2.6

# Numerics: portable (the default: AVX2 kernels, the same bits on any x86-64 CPU with AVX2) or native (this CPU's widest
# kernels; its results are its own). mmdr.core applies it before torch loads, in every process; see nbs/00_core.ipynb.
MMDR_NUMERICS ?= portable
export MMDR_NUMERICS

ifneq ($(VIRTUAL_ENV),)
BIN := $(VIRTUAL_ENV)/bin
else ifneq ($(CONDA_PREFIX),)
BIN := $(CONDA_PREFIX)/bin
else
BIN := .venv/bin
endif
STAMP := $(BIN)/../.mmdr-installed

# A digest of the tree the notebooks export to, to prove nbdev_export / nbdev_clean change nothing.
TREE_DIGEST := find mmdr nbs -type f -not -path '*/__pycache__/*' -not -path '*/.ipynb_checkpoints/*' | LC_ALL=C sort | xargs md5sum | md5sum

.PHONY: install test test-browser reproduce experiments readme docs lab clean-cache help
help:
	@echo "make test | make reproduce [PROFILE=paper|quick DEVICE=auto|cpu|cuda] | make experiments | make docs | make test-browser | make lab"

$(BIN)/python:
	$(PYTHON) -m venv .venv

$(STAMP): $(BIN)/python settings.ini setup.py Makefile
	@echo "== installing the pinned set and mmdr (editable) into $(BIN)/.."
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(PINS) -e .
	@# The checkout on sys.path too: then a folder named mmdr in the working directory (a clone seen from its parent)
	@# cannot shadow the package as an empty namespace package (the editable finder alone is consulted after it).
	$(BIN)/python -c "import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()['purelib'], 'mmdr-checkout.pth').write_text(str(pathlib.Path.cwd()) + '\\n')"
	touch $(STAMP)

install: $(STAMP)

test: install
	@echo "== 1/5 nbdev_export: the library must be what the notebooks export"
	@before=$$($(TREE_DIGEST)); $(BIN)/nbdev_export; after=$$($(TREE_DIGEST)); \
	  if [ "$$before" != "$$after" ]; then echo "FAIL: nbdev_export changed mmdr/: edit the notebooks, run nbdev_export, commit both"; git status --short mmdr nbs; exit 1; fi
	@echo "== 2/5 nbdev_clean: notebooks must be clean"
	@before=$$($(TREE_DIGEST)); $(BIN)/nbdev_clean; after=$$($(TREE_DIGEST)); \
	  if [ "$$before" != "$$after" ]; then echo "FAIL: nbdev_clean changed nbs/: run nbdev_clean and commit"; git status --short mmdr nbs; exit 1; fi
	@echo "== 3/5 nbdev_test: every notebook executed (quick profile; cells marked slow are skipped; one torch thread per notebook, notebooks in parallel)"
	OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/nbdev_test --timing
	@echo "== 4/5 pytest tests/"
	$(BIN)/python -m pytest -q tests
	@echo "== 5/5 all green"

reproduce: install
	$(BIN)/mmdr reproduce --profile $(PROFILE) --device $(DEVICE) --out figures
	@if [ "$(PROFILE)" = paper ]; then $(MAKE) --no-print-directory readme; fi

experiments: install
	$(BIN)/mmdr reproduce --profile $(PROFILE) --device $(DEVICE) --out figures --beyond
	@if [ "$(PROFILE)" = paper ]; then $(MAKE) --no-print-directory readme; fi

# The README's results block, REPRODUCIBILITY.md and figures/provenance.md, rewritten from figures/ and
# figures/manifest.json (tests/test_readme.py checks all three).
readme: install
	$(BIN)/python -c "from mmdr.report import write_reports; \
	  [print(f, 'already up to date' if same else 'rewritten from figures/') for f, same in write_reports('.').items()]"

# JupyterLab on nbs/ from this environment. As root (a container) it adds --allow-root and opens no browser.
LAB_DIR ?= nbs
LAB_PORT ?= 8888
LAB_ARGS ?=
lab: install
	@if [ "$$(id -u)" = 0 ]; then root="--allow-root --no-browser"; else root=""; fi; \
	  echo "== JupyterLab on $(LAB_DIR)/ at http://localhost:$(LAB_PORT)/lab (open the URL with the token printed below; Ctrl-C stops it)"; \
	  exec $(BIN)/jupyter lab $$root --port=$(LAB_PORT) --ServerApp.port_retries=0 --ServerApp.root_dir=$(LAB_DIR) $(LAB_ARGS)

# The companion site: README, every library notebook executed (quick profile), the experiment notebooks as the last
# paper-profile run left them in runs/paper/, an API reference. Rebuilt when a source changed; `make -B docs` forces it.
DOCS_SOURCES := README.md REPRODUCIBILITY.md CONTRIBUTING.md CITATION.cff settings.ini $(wildcard nbs/*.ipynb nbs/_site/*.py nbs/_site/*.css figures/* mmdr/*.py runs/paper/*.ipynb)
docs: _docs/index.html
_docs/index.html: $(STAMP) $(DOCS_SOURCES)
	OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/python nbs/_site/build.py --out _docs

# The site and JupyterLab in headless Chromium (Debian's chromium, installed by the tests when missing and run as root).
test-browser: docs
	MMDR_BROWSER=1 $(BIN)/python -m pytest -q -m browser tests/test_docs.py tests/test_lab.py

clean-cache:
	rm -rf .cache/mmdr runs
