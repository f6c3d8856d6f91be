# Set-up, tests and the book, each from a fresh clone with only Python 3 and make.
#   make book   build the HTML book into _build/html
#   make test   unit tests, every notebook under nbval, and the warning-free book build
#   make lab    open the chapters in JupyterLab

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Warnings are errors, every reference must resolve, and one run reports them all.
JB_FLAGS := -W -n --keep-going

.PHONY: book test unit notebooks lab clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo "The book: $(CURDIR)/_build/html/index.html"

unit: $(STAMP)
	$(BIN)/python -m pytest tests

notebooks: $(STAMP)
	$(BIN)/python -m pytest --nbval-lax book/

test: unit notebooks book

lab: $(STAMP)
	$(BIN)/jupyter lab book/

clean:
	rm -rf _build
