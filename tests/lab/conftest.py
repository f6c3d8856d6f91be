"""Fixtures for the JupyterLab test: the learner's JupyterLab (labserver.py) on
fresh workbooks, with no token, and headless Chromium with the browser test's
flags and every request off this machine refused."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from reports import all_rows, remove_parts

from labserver import SHOTS, SITE, Lab, make_workbooks


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """The learner's JupyterLab on fresh workbooks of every chapter."""
    root = tmp_path_factory.mktemp("lab")
    make_workbooks(root / "workbooks")
    server = Lab(root)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(SITE.CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {SITE.CHROMIUM}: `make lab-test` installs Debian's chromium, "
                    "or set CHROMIUM to a Chromium or Chrome binary")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=SITE.CHROMIUM, args=SITE.CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A page that may reach 127.0.0.1 only; requests elsewhere are refused and listed."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, service_workers="block")
    outside = []

    def only_this_machine(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", only_this_machine)
    page = context.new_page()
    page.outside_requests = outside
    yield page
    context.close()


def pytest_sessionstart(session):
    remove_parts(SHOTS, "report")


@pytest.fixture(scope="session")
def report():
    """Per chapter: seconds Run All took, figures, errors met; written beside the screenshots."""
    rows = {}
    yield rows
    if rows:
        rows = dict(sorted(all_rows(SHOTS, "report", rows).items()))  # every process's (reports.py)
        lines = [f"{'chapter':<20} {'Run All (s)':>11} {'figures':>7} {'declared errors':>15} "
                 f"{'not done yet':>12}  screenshot"]
        lines += [f"{chapter:<20} {r['seconds']:>11.1f} {r['figures']:>7} {r['declared']:>15} "
                  f"{r['not_done']:>12}  {r['screenshot']}" for chapter, r in rows.items()]
        (SHOTS / "report.txt").write_text("\n".join(lines) + "\n")
