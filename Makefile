# Set-up, tests and the book, each from a fresh clone with only Python 3 and make.
#   make book   build the HTML book into _build/html
#   make test   unit tests, every notebook under nbval, the warning-free book build,
#               the browser test of the built book (make site-test), and the unit
#               tests and notebooks again as other machines run them (make test-matrix)
#   make test-oldest    nnlib's unit tests on the oldest Python and numpy it supports
#   make upgrade-deps   regenerate requirements.lock from requirements.txt, then make test
#   make lab    open the chapters in JupyterLab
#   make student [CHAPTER=03_sigmoid]   the student edition, into _build/student (nbgrader)
#   make grade SUBMISSIONS=dir [TIMEOUT=60]   autograde dir/<student>/<chapter>/*.ipynb

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every package's version, as CI last tested them; `make upgrade-deps` regenerates it.
LOCK := requirements.lock
# uv installs the locked set in seconds, and compiles the lock; pip brings uv itself.
UV_VERSION := 0.13.8
# Warnings are errors, every reference must resolve, and one run reports them all.
JB_FLAGS := -W -n --keep-going
# Debian's Chromium drives the browser test; `make site-test` installs it when missing.
CHROMIUM ?= /usr/bin/chromium

.PHONY: book test unit notebooks site-test test-matrix test-oldest upgrade-deps lab clean student grade

$(STAMP): requirements.txt $(LOCK) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.txt -c $(LOCK)
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo "The book: $(CURDIR)/_build/html/index.html"

unit: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/site

notebooks: $(STAMP)
	$(BIN)/python -m pytest --nbval-lax book/

# The built book in headless Chromium with the network refused, plus Sphinx's
# linkcheck; screenshots and a per-page report land in _build/screenshots/.
site-test: $(CHROMIUM) book
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest tests/site
	@cat _build/screenshots/report.txt

# Installed once, as root, through apt; skipped when the binary is already there.
$(CHROMIUM):
	@if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
	  echo "The browser test needs Chromium at $(CHROMIUM). Install Debian's package as root" ; \
	  echo "(apt-get install chromium), or run make with CHROMIUM=/path/to/chromium."; exit 1; fi
	apt-get update -qq || { echo "apt-get update failed: cannot install Chromium for the browser test"; exit 1; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	  || { echo "apt-get install chromium failed: the browser test needs it at $(CHROMIUM)"; exit 1; }
	@test -x $(CHROMIUM) || { echo "chromium installed, but $(CHROMIUM) is missing; set CHROMIUM=..."; exit 1; }

test: unit notebooks book site-test test-matrix

# Other machines sum in other orders: the unit tests of nnlib and every notebook
# again, with the BLAS held to 1 and to 4 threads (threadpoolctl), and with
# numpy held back to the SIMD baseline of its wheel (NPY_DISABLE_CPU_FEATURES).
# OPENBLAS_CORETYPE is left as the machine sets it. The tests of the coursework,
# the Colab install and the notebooks' raising cells do no arithmetic of their
# own worth repeating, and are left out.
MATRIX_UNIT := $(BIN)/python -m pytest tests -q -p no:cacheprovider --ignore=tests/site \
	--ignore=tests/test_coursework.py --ignore=tests/test_colab_install.py --ignore=tests/test_notebooks.py
MATRIX_NOTEBOOKS := $(BIN)/python -m pytest -q -p no:cacheprovider --nbval-lax book/
MATRIX_IPYTHON := _build/matrix-ipython

test-matrix: $(STAMP)
	mkdir -p $(MATRIX_IPYTHON)/profile_default/startup
	cp tests/matrix/blas_threads.py $(MATRIX_IPYTHON)/profile_default/startup/00-blas-threads.py
	@for threads in 1 4; do \
	  echo "== BLAS held to $$threads thread(s)"; \
	  NNLIB_TEST_BLAS_THREADS=$$threads $(MATRIX_UNIT) || exit 1; \
	  NNLIB_TEST_BLAS_THREADS=$$threads IPYTHONDIR=$(CURDIR)/$(MATRIX_IPYTHON) $(MATRIX_NOTEBOOKS) || exit 1; \
	done
	@features="$$($(BIN)/python tests/matrix/npy_dispatch.py)"; \
	echo "== numpy held to its baseline: NPY_DISABLE_CPU_FEATURES=\"$$features\""; \
	NPY_DISABLE_CPU_FEATURES="$$features" $(MATRIX_UNIT) && \
	NPY_DISABLE_CPU_FEATURES="$$features" $(MATRIX_NOTEBOOKS)

# nnlib's own promise (pyproject.toml): Python 3.10 with numpy 1.24 and matplotlib
# 3.7, the oldest it allows, locked in tests/oldest.lock. The book's tools need 3.11.
OLDEST_PYTHON_VERSION := 3.10
OLDEST := .venv-oldest
BOOK_TESTS := --ignore=tests/site --ignore=tests/test_coursework.py --ignore=tests/test_colab_install.py \
	--ignore=tests/test_notebooks.py --ignore=tests/test_book_notebooks.py --ignore=tests/test_course.py

$(OLDEST)/.installed: tests/oldest.in tests/oldest.lock pyproject.toml
	"$$(tools/find-python $(OLDEST_PYTHON_VERSION))" -m venv $(OLDEST)
	$(OLDEST)/bin/python -m pip install --quiet -r tests/oldest.lock
	$(OLDEST)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

test-oldest: $(OLDEST)/.installed
	$(OLDEST)/bin/python -c "import sys, numpy, matplotlib; print('Python', sys.version.split()[0], 'numpy', numpy.__version__, 'matplotlib', matplotlib.__version__)"
	# matplotlib 3.7 calls pyparsing names that newer pyparsing deprecates: not ours to fix.
	$(OLDEST)/bin/python -m pytest tests -q -p no:cacheprovider -W ignore::DeprecationWarning $(BOOK_TESTS)

# A fresh lock from the newest releases that requirements.txt allows, then the tests.
upgrade-deps: $(STAMP)
	$(BIN)/uv pip compile --quiet --upgrade --universal --python-version 3.11 --no-emit-package nnlib \
	  --custom-compile-command "make upgrade-deps" requirements.txt -o $(LOCK)
	$(BIN)/uv pip compile --quiet --upgrade --resolution lowest-direct --python-version $(OLDEST_PYTHON_VERSION) \
	  --custom-compile-command "make upgrade-deps" tests/oldest.in -o tests/oldest.lock
	$(MAKE) test test-oldest

lab: $(STAMP)
	$(BIN)/jupyter lab book/

# Coursework (book/14_instructors.md): nbgrader's course folder is _build/course.
CHAPTER ?=
SUBMISSIONS ?=
TIMEOUT ?=

student: $(STAMP)
	$(BIN)/python instructor/coursework.py student $(CHAPTER)

grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=dir (dir/<student>/<chapter>/<chapter>.ipynb)"; exit 2; }
	$(BIN)/python instructor/coursework.py grade $(SUBMISSIONS) $(if $(TIMEOUT),--timeout $(TIMEOUT))

# Epoch times of nnlib against PyTorch, scikit-learn and the matrix-product floor
# (benchmarks/bench_train.py); installs the optional extras .[bench] into .venv.
.PHONY: bench
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/bench_train.py

clean:
	rm -rf _build
