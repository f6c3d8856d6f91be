"""Print the whole book to one PDF (make pdf).

Jupyter Book's single-page build (`jupyter-book build . --builder singlehtml`)
puts every chapter, from the same sources and the same executed notebooks as
the HTML book, into one page. This script opens that page in the Chromium the
browser test uses, through Playwright, on a local server with every request
outside the book refused; waits until MathJax has typeset every formula, its
fonts have loaded and every figure is decoded; unfolds the folded cells (paper
cannot be clicked); and prints it with print rules of its own: each chapter on
a new page, no figure or short code cell split across pages, long code lines
wrapped rather than cut off at the margin, page numbers at the foot.

    python tools/book_pdf.py _build/singlehtml/index.html _build/pdf/book.pdf

It refuses to print (exit status 1, saying why) a page where a formula is left
untypeset or MathJax reports an error, or where a figure did not load.
"""

import argparse
import functools
import http.server
import os
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from playwright.sync_api import TimeoutError as PlaywrightTimeout, sync_playwright

ROOT = Path(__file__).resolve().parents[1]

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# In the single page, each chapter is the section after an empty <span id="document-...">:
# the break goes on that span, made a block so that it adds no empty line of its own.
PRINT_CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
@media print {
  html, body { font-size: 10.5pt; }
  .bd-sidebar-primary, .bd-sidebar-secondary, .bd-header-article, .bd-header, .bd-footer,
  .prev-next-area, .headerlink, .toggle-details__summary, details > summary, .bd-search,
  #pst-back-to-top, .book-pdf-link { display: none !important; }
  .bd-main, .bd-content, .bd-article-container, .bd-article { max-width: none !important; width: auto !important;
                                                              padding: 0 !important; margin: 0 !important; }
  span[id^="document-"] { display: block; height: 0; break-before: page; }
  h1, h2, h3, h4 { break-after: avoid; }
  figure, img, .cell_output img, mjx-container[display="true"], table, .admonition { break-inside: avoid; }
  div.cell { break-inside: auto; }
  div.cell_input, div.highlight { break-inside: avoid; }
  pre { white-space: pre-wrap !important; overflow-wrap: anywhere; overflow: visible !important;
        max-height: none !important; }
  a { text-decoration: none; }
}
"""

CHECK_JS = """async () => {
  if (document.querySelector('.math')) {
    if (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) return {error: 'MathJax did not load'};
    await MathJax.startup.promise;
  }
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('.toggle-hidden, .toggle-details__container')
    .forEach(e => e.classList.remove('toggle-hidden'));
  const images = [...document.querySelectorAll('article img')];
  for (const img of images) { try { await img.decode(); } catch (e) {} }
  await document.fonts.ready;
  return {
    formulas: document.querySelectorAll('mjx-container').length,
    untypeset: [...document.querySelectorAll('.math')].filter(m => !m.querySelector('mjx-container'))
                 .map(m => m.textContent.slice(0, 80)),
    errors: [...document.querySelectorAll('mjx-merror')].map(e => e.getAttribute('data-mjx-error') || e.textContent),
    images: images.length,
    broken: images.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src')),
    chapters: document.querySelectorAll('span[id^="document-"] + section').length,
  };
}"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def print_book(page: Path, pdf: Path, title: str) -> dict:
    # Sphinx writes the single page where the root document is (book/index.html)
    # but with every link relative to the top of the build: it is served from there.
    root = page.parent.parent if page.parent.name == "book" else page.parent
    handler = functools.partial(QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
            ours = urlsplit(base).netloc
            context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).netloc == ours
                          else route.abort("blockedbyclient"))
            context.route(base + "the-whole-book.html", lambda route: route.fulfill(path=page))
            tab = context.new_page()
            tab.goto(base + "the-whole-book.html", wait_until="load")
            if tab.evaluate("() => document.querySelectorAll('.math').length"):
                try:
                    tab.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                                          timeout=60_000)
                except PlaywrightTimeout:
                    raise SystemExit(f"book_pdf: not printing {page}: MathJax never loaded, "
                                     "so no formula would be typeset") from None
            tab.emulate_media(media="print")
            tab.add_style_tag(content=PRINT_CSS)
            found = tab.evaluate(CHECK_JS)
            if found.get("error") or found["untypeset"] or found["errors"] or found["broken"]:
                raise SystemExit(f"book_pdf: not printing {page}: {found}")
            pdf.parent.mkdir(parents=True, exist_ok=True)
            foot = (f'<div style="font-size:8pt; width:100%; margin:0 15mm; color:#555; display:flex;">'
                    f'<span style="flex:1">{title}</span>'
                    f'<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>')
            tab.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True, outline=True, tagged=True,
                    display_header_footer=True, header_template="<span></span>", footer_template=foot)
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path, help="the single-page build's index.html")
    parser.add_argument("pdf", type=Path, help="where to write the PDF")
    parser.add_argument("--title", default=yaml.safe_load((ROOT / "_config.yml").read_text())["title"],
                        help="the title at the foot of each page (default: _config.yml's)")
    args = parser.parse_args(argv)
    if not args.page.is_file():
        sys.exit(f"book_pdf: no {args.page}: build it with jupyter-book build . --builder singlehtml")
    found = print_book(args.page.resolve(), args.pdf, args.title)
    print(f"book_pdf: {args.pdf}: {found['chapters']} chapters, {found['formulas']} formulas, "
          f"{found['images']} figures")


if __name__ == "__main__":
    main()
