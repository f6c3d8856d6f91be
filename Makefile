# Set-up, tests and the book, each from a fresh clone with only Python 3 and make.
#   make book   build the HTML book into _build/html
#   make pdf    the whole book as one PDF, _build/pdf/book.pdf, copied into _build/html
#   make test   unit tests (every notebook run among them), the warning-free book build,
#               the browser test of the built book (make site-test), the unit
#               tests and notebooks again as other machines run them (make test-matrix),
#               and the workbooks in JupyterLab (make lab-test)
#   make notebooks   every notebook under nbval (make test runs them in the unit tests)
#   make test-oldest    nnlib's unit tests on the oldest Python and numpy it supports
#   make upgrade-deps   regenerate requirements.lock from requirements.txt, then make test
#   make lab    your own workbooks of the chapters (workbooks/), in JupyterLab
#   make workbook CHAPTER=03_sigmoid [RESET=1 [YES=1]]   make, or start afresh, one workbook
#   make student [CHAPTER=03_sigmoid]   the student edition, into _build/student (nbgrader)
#   make grade SUBMISSIONS=dir [TIMEOUT=60] [JOBS=N] [MEMORY=2] [UNSANDBOXED=1]
#               autograde dir/<student>/<chapter>/<chapter>.ipynb, each in a bubblewrap sandbox
#               (and a cgroup quota where the machine allows; it prints the limits in force)
#   make configure REPO=owner/name [BRANCH=main]   the book's address, set everywhere
#   make publish        build and push _build/html to the gh-pages branch (not with the placeholder)
#   make learner-test   the learner's install (.[lab]) in a fresh venv, one chapter run in it

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
# axe-core for the browser test's accessibility check; `make site-test` installs it.
AXE ?= tests/site/node_modules/axe-core/axe.min.js
# Debian's bubblewrap sandboxes each submission that `make grade` runs (and the tests that grade).
BWRAP ?= /usr/bin/bwrap

.PHONY: book test unit notebooks site-test test-matrix test-oldest upgrade-deps lab-test lab workbook clean student grade

$(STAMP): requirements.txt $(LOCK) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.txt -c $(LOCK)
	touch $(STAMP)

# The build's cache of executed notebooks (_config.yml) notices edits to a
# notebook, not to nnlib, whose source the chapters show and run: empty it
# whenever nnlib changes.
BOOK_CACHE := _build/.jupyter_cache
NNLIB_FILES := $(shell find nnlib -type f -not -name '*.pyc')
_build/.cache-matches-nnlib: $(NNLIB_FILES)
	rm -rf $(BOOK_CACHE)
	@mkdir -p _build && touch $@

book: $(STAMP) _build/.cache-matches-nnlib
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	$(BIN)/python tools/finish_site.py _build/html
	@echo "The book: $(CURDIR)/_build/html/index.html"

# The unit tests share nothing (each writes only to its own temporary folder),
# so pytest-xdist spreads them over every core (-n auto). The coursework's tests
# grade in sandboxes, with time limits and process checks of their own: they run
# after the rest, one at a time.
XDIST := -n auto
unit: $(STAMP) $(BWRAP)
	$(BIN)/python -m pytest tests $(XDIST) --ignore=tests/site --ignore=tests/lab --ignore=tests/test_coursework.py
	$(BIN)/python -m pytest tests/test_coursework.py

# Every notebook in a fresh kernel. make test leaves this out: its unit tests run
# every notebook already (tests/test_colab_install.py fails on any error but the
# declared ones, and on a declared one not raised), and so does the book's build.
notebooks: $(STAMP)
	$(BIN)/python -m pytest $(XDIST_NOTEBOOKS) --nbval-lax book/

# The built book in headless Chromium with the network refused, plus Sphinx's
# linkcheck; screenshots and a per-page report land in _build/screenshots/.
# Each xdist process has its own server and browser (tests/reports.py joins the reports).
site-test: $(CHROMIUM) $(AXE) book pdf
	CHROMIUM=$(CHROMIUM) AXE_JS=$(AXE) $(BIN)/python -m pytest tests/site $(XDIST)
	@cat _build/screenshots/report.txt

# The whole book as one PDF: Jupyter Book's single-page build of the same sources
# (the notebooks as the HTML build executed them, from its cache), printed by
# Chromium (tools/book_pdf.py) once MathJax has typeset every formula; then put at
# the top of the HTML book, whose footer links it (_ext/book_extras.py).
# make site-test makes it first, and tests/site/test_pdf.py checks it.
.PHONY: pdf
BOOK_PDF := _build/pdf/book.pdf
SITE_PDF := _build/html/neural-networks-from-scratch.pdf
pdf: $(CHROMIUM) book
	$(BIN)/jupyter-book build . $(JB_FLAGS) --builder singlehtml
	CHROMIUM=$(CHROMIUM) $(BIN)/python tools/book_pdf.py _build/singlehtml/book/index.html $(BOOK_PDF)
	cp $(BOOK_PDF) $(SITE_PDF)
	@echo "The book as one PDF: $(CURDIR)/$(BOOK_PDF), linked from every page as $(SITE_PDF)"

# axe-core, the accessibility engine the browser test runs on every page: npm's
# package, at the version tests/site/package-lock.json pins. npm comes from apt
# when missing (as root), like Chromium.
$(AXE): tests/site/package.json tests/site/package-lock.json
	@if ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
	    echo "The browser test needs npm to install axe-core. Install Debian's package as root"; \
	    echo "(apt-get install npm), or run make with AXE=/path/to/axe.min.js."; exit 1; fi; \
	  apt-get update -qq || { echo "apt-get update failed: cannot install npm for the browser test"; exit 1; }; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm \
	    || { echo "apt-get install npm failed: the browser test needs it for axe-core"; exit 1; }; \
	fi
	cd tests/site && npm ci --no-audit --no-fund --loglevel=error
	@test -f $@ || { echo "npm ci ran, but $@ is missing"; exit 1; }
	touch $@

# Debian's package APT_PACKAGE, installed once, as root, when the binary (the
# target) is missing; otherwise it says what APT_FOR needs and what else to do.
define apt-install
@if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
  echo "$(APT_FOR) needs $@. Install Debian's package as root (apt-get install $(APT_PACKAGE))," ; \
  echo "$(APT_ELSE)"; exit 1; fi
apt-get update -qq || { echo "apt-get update failed: cannot install $(APT_PACKAGE) for $(APT_FOR)"; exit 1; }
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGE) \
  || { echo "apt-get install $(APT_PACKAGE) failed: $(APT_FOR) needs it at $@"; exit 1; }
@test -x $@ || { echo "$(APT_PACKAGE) installed, but $@ is missing; set $(APT_VARIABLE)=..."; exit 1; }
endef

$(CHROMIUM): APT_PACKAGE := chromium
$(CHROMIUM): APT_FOR := the browser test
$(CHROMIUM): APT_ELSE := or run make with CHROMIUM=/path/to/chromium.
$(CHROMIUM): APT_VARIABLE := CHROMIUM
$(CHROMIUM):
	$(apt-install)

# The learner's workbooks in JupyterLab 4, driven in headless Chromium
# (tests/lab); a screenshot of each chapter lands in _build/lab/. Each xdist
# process has its own JupyterLab and browser: one runs a notebook while the other
# drives its page.
lab-test: $(CHROMIUM) $(STAMP)
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest tests/lab $(XDIST)

# Other machines sum in other orders: the unit tests of nnlib and every notebook
# again, with the BLAS held to 1 and to 4 threads (threadpoolctl), and with
# numpy held back to the SIMD baseline of its wheel (NPY_DISABLE_CPU_FEATURES).
# OPENBLAS_CORETYPE is left as the machine sets it. The tests of the coursework,
# the Colab install and the notebooks' raising cells do no arithmetic of their
# own worth repeating, and are left out (so are the grader's unit tests).
# The notebooks at one thread are make unit's run of them
# (tests/test_colab_install.py holds its kernels' BLAS to one thread), and the
# 4-thread pass leaves out the notebooks that hold their BLAS to one core
# themselves (a "Speed only" cell): it would repeat that run's arithmetic.
# nbval runs each notebook's cells in order in one kernel: one notebook to one process.
XDIST_NOTEBOOKS := -n auto --dist loadscope
MATRIX_TESTS := tests -q -p no:cacheprovider --ignore=tests/test_house.py --ignore=tests/site \
	--ignore=tests/lab --ignore=tests/test_coursework.py --ignore=tests/test_grading_units.py --ignore=tests/test_colab_install.py \
	--ignore=tests/test_notebooks.py
MATRIX_UNIT := $(BIN)/python -m pytest $(MATRIX_TESTS) $(XDIST)
MATRIX_NOTEBOOKS := $(BIN)/python -m pytest -q -p no:cacheprovider $(XDIST_NOTEBOOKS) --nbval-lax
MATRIX_IPYTHON := _build/matrix-ipython
ONE_CORE_NOTEBOOKS := $(shell grep -l '"\# Speed only' book/*.ipynb)

test-matrix: $(STAMP)
	mkdir -p $(MATRIX_IPYTHON)/profile_default/startup
	cp tests/matrix/blas_threads.py $(MATRIX_IPYTHON)/profile_default/startup/00-blas-threads.py
	@echo "== BLAS held to 1 thread (the notebooks: make unit, tests/test_colab_install.py)"
	NNLIB_TEST_BLAS_THREADS=1 $(MATRIX_UNIT)
	@echo "== BLAS held to 4 threads (notebooks that keep to one core: in the pass above)"
	NNLIB_TEST_BLAS_THREADS=4 $(MATRIX_UNIT)
	NNLIB_TEST_BLAS_THREADS=4 IPYTHONDIR=$(CURDIR)/$(MATRIX_IPYTHON) \
	  $(MATRIX_NOTEBOOKS) $(filter-out $(ONE_CORE_NOTEBOOKS),$(wildcard book/*.ipynb))
	@features="$$($(BIN)/python tests/matrix/npy_dispatch.py)"; \
	echo "== numpy held to its baseline: NPY_DISABLE_CPU_FEATURES=\"$$features\""; \
	NPY_DISABLE_CPU_FEATURES="$$features" $(MATRIX_UNIT) && \
	NPY_DISABLE_CPU_FEATURES="$$features" $(MATRIX_NOTEBOOKS) book/

# nnlib's own promise (pyproject.toml): Python 3.10 with numpy 1.24 and matplotlib
# 3.7, the oldest it allows, locked in tests/oldest.lock. The book's tools need 3.11.
OLDEST_PYTHON_VERSION := 3.10
OLDEST := .venv-oldest
BOOK_TESTS := --ignore=tests/test_house.py --ignore=tests/site --ignore=tests/lab --ignore=tests/test_coursework.py \
	--ignore=tests/test_grading_units.py --ignore=tests/test_colab_install.py \
	--ignore=tests/test_notebooks.py --ignore=tests/test_book_notebooks.py --ignore=tests/test_course.py \
	--ignore=tests/test_citation.py

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
	$(BIN)/uv pip compile --quiet --upgrade --universal --python-version 3.11 --no-emit-package nnlib-from-scratch \
	  --custom-compile-command "make upgrade-deps" requirements.txt -o $(LOCK)
	$(BIN)/uv pip compile --quiet --upgrade --resolution lowest-direct --python-version $(OLDEST_PYTHON_VERSION) \
	  --custom-compile-command "make upgrade-deps" tests/oldest.in -o tests/oldest.lock
	$(MAKE) test test-oldest

test: unit book site-test test-matrix lab-test

# The learner's own copies of the chapters (coursework/workbooks.py): made in
# workbooks/ on first use and never overwritten, so git pull and make book leave
# the learner's work alone. JupyterLab opens them without nbgrader's instructor
# tools, honours JUPYTER_PORT and JUPYTER_TOKEN, and runs as root too.
lab: $(STAMP)
	$(BIN)/python -m coursework workbooks lab

# RESET=1 replaces the workbook by a fresh copy (after asking; YES=1 does not
# ask), keeping the old one in workbooks/backups/.
RESET ?=
YES ?=
workbook: $(STAMP)
	@test -n "$(CHAPTER)" || { echo "usage: make workbook CHAPTER=03_sigmoid [RESET=1 [YES=1]]"; exit 2; }
	$(BIN)/python -m coursework workbooks $(if $(RESET),reset,create) $(CHAPTER) $(if $(and $(RESET),$(YES)),--yes)

# Coursework (book/a5_instructors.md): nbgrader's course folder is _build/course.
CHAPTER ?=
SUBMISSIONS ?=
TIMEOUT ?=
# Submissions graded at once (default: one per core), and GiB of memory per process of one.
JOBS ?=
MEMORY ?=
# UNSANDBOXED=1 grades with no sandbox, the submissions' code running with your rights;
# every row of scores.csv then says so.
UNSANDBOXED ?=

student: $(STAMP)
	$(BIN)/python -m coursework student $(CHAPTER)

grade: $(STAMP) $(if $(filter 1,$(UNSANDBOXED)),,$(BWRAP))
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=dir (dir/<student>/<chapter>/<chapter>.ipynb)"; exit 2; }
	BWRAP=$(BWRAP) $(BIN)/python -m coursework grade $(SUBMISSIONS) $(if $(TIMEOUT),--timeout $(TIMEOUT)) \
	  $(if $(JOBS),--jobs $(JOBS)) $(if $(MEMORY),--memory $(MEMORY)) $(if $(filter 1,$(UNSANDBOXED)),--unsandboxed)

# make grade's sandbox, installed like Chromium.
$(BWRAP): APT_PACKAGE := bubblewrap
$(BWRAP): APT_FOR := make grade (a sandbox for each submission)
$(BWRAP): APT_ELSE := or elsewhere dnf install bubblewrap; or run make with BWRAP=/path/to/bwrap; or grade unconfined with UNSANDBOXED=1.
$(BWRAP): APT_VARIABLE := BWRAP
$(BWRAP):
	$(apt-install)

# Epoch times of nnlib against PyTorch, scikit-learn and the matrix-product floor
# (benchmarks/bench_train.py); installs the optional extras .[bench] into .venv.
.PHONY: bench
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/bench_train.py

# The book's address and publishing (README, "Publishing your own copy").
# configure writes github.com/REPO into _config.yml, the notebooks' install
# cells and README/CITATION links; check-address refuses the placeholder;
# publish builds the book and its PDF and pushes _build/html (with .nojekyll) to the
# gh-pages branch of origin.
.PHONY: configure check-address publish
REPO ?=
BRANCH ?= main

configure: $(STAMP)
	@test -n "$(REPO)" || { echo "usage: make configure REPO=owner/name [BRANCH=main]"; exit 2; }
	$(BIN)/python tools/configure.py "$(REPO)" --branch "$(BRANCH)"

check-address: | $(STAMP)
	@$(BIN)/python tools/configure.py --check

publish: check-address
	@git diff --quiet HEAD -- || { echo "Uncommitted changes: commit them first, so that readers' install cells install the commit the pages show."; exit 1; }
	@test -n "$$(git branch -r --contains HEAD)" || { echo "HEAD is on no remote branch: push it first, so that readers' install cells can install it."; exit 1; }
	$(MAKE) book pdf
	$(BIN)/ghp-import -n -p -m "Publish the book built from $$(git rev-parse HEAD)" _build/html
	@echo "Pushed _build/html to the gh-pages branch; in the repository's Settings > Pages, deploy from that branch."

# The learner's install (pyproject.toml's [lab] extra) in a fresh virtual
# environment, measured, and one chapter run in it top to bottom.
.PHONY: learner-test
LEARNER := _build/learner
LEARNER_CHAPTER := 08_train

learner-test: $(STAMP)
	rm -rf $(LEARNER) && mkdir -p $(LEARNER)/work $(LEARNER)/src
	@# From a copy of the sources, so that building the wheel leaves no build/ in the checkout.
	cp -r pyproject.toml README.md LICENSE nnlib $(LEARNER)/src/
	$(BIN)/uv venv --quiet --python $(BIN)/python $(LEARNER)/venv
	@start=$$(date +%s); \
	$(BIN)/uv pip install --quiet --python $(LEARNER)/venv/bin/python "$(LEARNER)/src[lab]" -c $(LOCK) || exit 1; \
	echo "learner's install: $$($(BIN)/uv pip list --quiet --python $(LEARNER)/venv/bin/python | tail -n +3 | wc -l) packages," \
	  "$$(du -sm $(LEARNER)/venv | cut -f1) MB, $$(( $$(date +%s) - start )) s (uv, with its cache)"
	@for heavy in jupyter-book nbgrader playwright pytest; do \
	  if $(BIN)/uv pip show --quiet --python $(LEARNER)/venv/bin/python $$heavy >/dev/null 2>&1; then \
	    echo "the learner's install brings $$heavy, which only the course's own tools need"; exit 1; fi; done
	cp book/$(LEARNER_CHAPTER).ipynb $(LEARNER)/work/
	cd $(LEARNER)/work && MPLBACKEND=Agg ../venv/bin/jupyter execute --inplace $(LEARNER_CHAPTER).ipynb
	cd $(LEARNER)/work && ../venv/bin/python -c "import nnlib, sys; sys.exit(0 if '/venv/' in nnlib.__file__ else 'nnlib came from ' + nnlib.__file__ + ', not the install')"
	@echo "$(LEARNER_CHAPTER) ran in the learner's install."

test: learner-test

clean:
	rm -rf _build tests/site/node_modules
