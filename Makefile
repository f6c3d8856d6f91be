# Set-up, tests and the book, each from a fresh clone with only Python 3 and make.
#   make book   build the HTML book into _build/html
#   make test   unit tests, every notebook under nbval, the warning-free book build,
#               and the browser test of the built book (make site-test)
#   make lab    your own workbooks of the chapters (workbooks/), in JupyterLab
#   make workbook CHAPTER=03_sigmoid [RESET=1 [YES=1]]   make, or start afresh, one workbook
#   make student [CHAPTER=03_sigmoid]   the student edition, into _build/student (nbgrader)
#   make grade SUBMISSIONS=dir [TIMEOUT=60]   autograde dir/<student>/<chapter>/*.ipynb

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Warnings are errors, every reference must resolve, and one run reports them all.
JB_FLAGS := -W -n --keep-going
# Debian's Chromium drives the browser test; `make site-test` installs it when missing.
CHROMIUM ?= /usr/bin/chromium

.PHONY: book test unit notebooks site-test lab-test lab workbook clean student grade

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo "The book: $(CURDIR)/_build/html/index.html"

unit: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/site --ignore=tests/lab

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

# The learner's workbooks in JupyterLab 4, driven in headless Chromium
# (tests/lab); a screenshot of each chapter lands in _build/lab/.
lab-test: $(CHROMIUM) $(STAMP)
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest tests/lab

test: unit notebooks book site-test lab-test

# The learner's own copies of the chapters (tools/workbooks.py): made in
# workbooks/ on first use and never overwritten, so git pull and make book leave
# the learner's work alone. JupyterLab opens them without nbgrader's instructor
# tools, honours JUPYTER_PORT and JUPYTER_TOKEN, and runs as root too.
lab: $(STAMP)
	$(BIN)/python tools/workbooks.py lab

# RESET=1 replaces the workbook by a fresh copy (after asking; YES=1 does not
# ask), keeping the old one in workbooks/backups/.
RESET ?=
YES ?=
workbook: $(STAMP)
	@test -n "$(CHAPTER)" || { echo "usage: make workbook CHAPTER=03_sigmoid [RESET=1 [YES=1]]"; exit 2; }
	$(BIN)/python tools/workbooks.py $(if $(RESET),reset,create) $(CHAPTER) $(if $(and $(RESET),$(YES)),--yes)

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
