"""Fixtures for the browser test of the built book: a static server on 127.0.0.1
and headless Chromium with every request that leaves the book refused."""

import functools
import http.server
import json
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from reports import all_rows, remove_parts

ROOT = Path(__file__).resolve().parents[2]
# SITE_DIR lets the planted-fault demonstrations test a throwaway copy of the build.
SITE = Path(os.environ.get("SITE_DIR", ROOT / "_build" / "html")).resolve()
SCREENSHOTS = SITE.parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# axe-core, the accessibility engine, from npm (tests/site/package.json pins it);
# `make site-test` installs it with `npm ci`.
AXE = Path(os.environ.get("AXE_JS", Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"))
# Flags for Chromium on a closed network (see the README): no background
# connections, no sandbox as root, no GPU.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site():
    if not (SITE / "book").is_dir():
        pytest.fail(f"no built book at {SITE}: run `make book` first (make site-test does)")
    return SITE


@pytest.fixture(scope="session")
def server(site):
    """Serve the built book on 127.0.0.1 at a free port; yield its base URL."""
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make site-test` installs Debian's chromium, "
                    "or set CHROMIUM to a Chromium or Chrome binary")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source():
    """The source of axe.min.js, to inject into each page."""
    if not AXE.is_file():
        pytest.fail(f"axe-core not found at {AXE}: `make site-test` installs it "
                    "(npm ci in tests/site), or set AXE_JS to an axe.min.js")
    return AXE.read_text()


@pytest.fixture(scope="session")
def outside_requests():
    """Every request the pages tried to make outside the book (all were refused)."""
    return []


def _context(browser, server, outside_requests, **options):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  service_workers="block", **options)
    ours = urlsplit(server).netloc

    def only_the_book(route):
        url = route.request.url
        if urlsplit(url).netloc == ours:
            route.continue_()
        else:
            outside_requests.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", only_the_book)
    return context


@pytest.fixture(scope="session")
def light(browser, server, outside_requests):
    context = _context(browser, server, outside_requests, color_scheme="light")
    yield context
    context.close()


@pytest.fixture(scope="session")
def dark(browser, server, outside_requests):
    context = _context(browser, server, outside_requests, color_scheme="dark")
    yield context
    context.close()


def pytest_sessionstart(session):
    remove_parts(SCREENSHOTS, "report")


@pytest.fixture(scope="session")
def report():
    """Per page: formulas, images, links, code blocks, accessibility violations
    and the page's width in each window found; written next to the screenshots."""
    pages = {}
    yield pages
    if pages:
        # every process's pages, in the book's order (reports.py)
        pages = dict(sorted(all_rows(SCREENSHOTS, "report", pages).items()))
        (SCREENSHOTS / "report.json").write_text(json.dumps(pages, indent=1) + "\n")
        lines = [f"{'page':<26} {'formulas':>8} {'images':>6} {'in-book links':>13} "
                 f"{'code blocks':>11} {'too wide':>8} {'axe: critical':>13} {'serious':>7} "
                 f"{'moderate':>8} {'minor':>5} {'width at 390':>12} {'768':>4} {'1280':>4}  title"]
        for page, row in pages.items():
            axe = row["axe"]
            lines.append(f"{page:<26} {row['formulas']:>8} {row['images']:>6} "
                         f"{row['internal_links']:>13} {row['code_blocks']:>11} "
                         f"{row['code_blocks_too_wide']:>8} {axe['critical']:>13} "
                         f"{axe['serious']:>7} {axe['moderate']:>8} {axe['minor']:>5} "
                         f"{row['widths'].get('390', ''):>12} {row['widths'].get('768', ''):>4} "
                         f"{row['widths'].get('1280', ''):>4}  {row['title']}")
        (SCREENSHOTS / "report.txt").write_text("\n".join(lines) + "\n")
