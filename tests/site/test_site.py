"""The built book as a reader sees it, in headless Chromium with no network.

For each page in the table of contents: the title, every formula typeset by
MathJax (served from the book itself) and no TeX shown as text, in the prose or
inside a formula, every image loaded, captioned and with
alt text, no console errors, no request outside the book, in-book links that
resolve, the previous/next footer, the launch, download and edit buttons; no
code block wider than the text column at a 1280 px window; no serious or
critical accessibility violation that axe-core finds, in light or dark mode; and
a full-page screenshot in light and dark mode under _build/screenshots/.
"""

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("SITE_DIR", ROOT / "_build" / "html")).resolve().parent / "screenshots"

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
CHAPTERS = [c["file"] for part in TOC["parts"] for c in part["chapters"]]
# Chapters of numbered parts carry "n. " before their title; appendices do not.
NUMBERED = [c["file"] for part in TOC["parts"] if part.get("numbered") for c in part["chapters"]]
PAGES = [TOC["root"]] + CHAPTERS
REPO = CONFIG["repository"]["url"].rstrip("/")
BRANCH = CONFIG["repository"].get("branch", "main")
OWNER_REPO = "/".join(urlsplit(REPO).path.strip("/").split("/")[:2])
CITATION = yaml.safe_load((ROOT / "CITATION.cff").read_text())
# The whole-book PDF, which `make pdf` puts at the top of the built book.
PDF_NAME = "neural-networks-from-scratch.pdf"

# TeX shown as text: in the prose, what MathJax should have replaced ($...$, $$,
# \( \) \[ \], a control word such as \frac, a control symbol such as \_); inside a
# formula, a backslash or dollar in the text MathJax typesets as text (\text{...},
# or a macro it does not know), e.g. \text{batch\_size}, which shows "batch\_size".
RAW_TEX = re.compile(r"\$\$|\$[^$\s][^$]*\$|\\[()\[\]]|\\[A-Za-z]+|\\[_{}%#&$,;:!|^~]")
TEX_IN_FORMULA_TEXT = re.compile(r"[\\$]")

# Text nodes a reader sees, outside code and outside what MathJax produced.
VISIBLE_TEXT_JS = """() => {
  const skip = 'pre, code, script, style, noscript, textarea, mjx-container, .highlight, [hidden], .visually-hidden';
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  const out = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(skip) || !n.textContent.trim()) continue;
    if (!el.getClientRects().length) continue;          // not rendered
    out.push(n.textContent);
  }
  return out;
}"""

MATH_JS = """() => {
  const math = [...document.querySelectorAll('.math')];
  return {
    math: math.length,
    untypeset: math.filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 80)),
    containers: document.querySelectorAll('mjx-container').length,
    errors: [...document.querySelectorAll('mjx-merror, [data-mjx-error]')]
              .map(e => e.getAttribute('data-mjx-error') || e.textContent),
  };
}"""

# The text inside each typeset formula that MathJax shows as text (<mtext>), with the
# formula's TeX: where a TeX command landed as literal characters.
FORMULA_TEXT_JS = """() => {
  if (!(window.MathJax && MathJax.startup && MathJax.startup.document && MathJax.startup.toMML)) return [];
  const out = [];
  for (const item of MathJax.startup.document.math) {
    const mml = MathJax.startup.toMML(item.root);
    for (const m of mml.matchAll(/<mtext[^>]*>([^<]*)<\\/mtext>/g)) {
      const text = m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
      out.push({tex: item.math, text});
    }
  }
  return out;
}"""

IMAGES_JS = """async () => {
  const images = [...document.querySelectorAll('img')];
  for (const img of images) { img.scrollIntoView(); try { await img.decode(); } catch (e) {} }
  window.scrollTo(0, 0);
  return images.map(img => {
    let corner = null;
    if (img.naturalWidth > 0) {   // the top-left pixel: transparent figures vanish on a dark page
      const c = document.createElement('canvas'); c.width = 1; c.height = 1;
      const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
      corner = Array.from(ctx.getImageData(0, 0, 1, 1).data);
    }
    const figure = img.closest('figure');
    return {
      src: img.getAttribute('src'), url: img.currentSrc || img.src,
      complete: img.complete, width: img.naturalWidth,
      alt: img.getAttribute('alt') || '',
      caption: figure && figure.querySelector('figcaption') ? figure.querySelector('figcaption').innerText.trim() : '',
      content: !!img.closest('article'), corner,
    };
  });
}"""

# Every code block (code cells, listings, outputs), folded ones unfolded: wider than
# its box means a reader must scroll sideways to see the ends of its lines.
WIDE_PRE_JS = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const pres = [...document.querySelectorAll('pre')];
  return {
    count: pres.length,
    wide: pres.filter(p => p.scrollWidth > p.clientWidth).map(p => ({
      scroll: p.scrollWidth, client: p.clientWidth,
      line: p.textContent.split('\\n').reduce((a, b) => (b.length > a.length ? b : a), ''),
    })),
  };
}"""

# Window widths a reader's page must fit: a phone (390 px), a tablet upright (768 px)
# and a laptop (1280 px, the width of the rest of this test).
WIDTHS = (390, 768, 1280)

# How wide the page is against the window, and the innermost elements that stick out
# of it (ignoring what sits inside a box that scrolls or clips within the window).
PAGE_WIDTH_JS = """() => {
  const W = document.documentElement.clientWidth;
  const width = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
  const out = [];
  if (width > W) {
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= W + 0.5) continue;
      if ([...el.children].some(c => c.getBoundingClientRect().right > W + 0.5)) continue;
      let inside = false;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible' && a.getBoundingClientRect().right <= W + 0.5) {
          inside = true; break;
        }
      }
      const text = JSON.stringify((el.textContent || '').trim().slice(0, 60));
      if (!inside) out.push(`<${el.tagName.toLowerCase()}> in <${el.parentElement.tagName.toLowerCase()}> `
                            + `${text} to ${Math.round(r.right)} px`);
    }
  }
  return {window: W, width, culprits: out.slice(0, 3)};
}"""

# Search controls a reader can see (boxes and buttons that open the search dialog).
SEARCH_JS = """() => [...document.querySelectorAll('.search-button__button, form.bd-search')].filter(el => {
  if (el.closest('dialog')) return false;
  const r = el.getBoundingClientRect(), s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && r.right > 0 && r.left < innerWidth;
}).map(el => el.className)"""

# axe-core's rules (WCAG 2.0, 2.1 and best practice) on the page as a reader first sees it.
AXE_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.map(n => n.target.join(' '))}));
}"""
IMPACTS = ("critical", "serious", "moderate", "minor")

LINKS_JS = """() => [...document.querySelectorAll('a[href]')].map(a => ({
  href: a.getAttribute('href'), url: a.href, text: a.innerText.trim().slice(0, 60),
}))"""


def heading(page: str) -> str:
    """The page's title as its source gives it: the first '# ' line."""
    path = ROOT / f"{page}.ipynb"
    if path.exists():
        first = json.loads(path.read_text())["cells"][0]
        text = "".join(first["source"])
    else:
        text = (ROOT / f"{page}.md").read_text()
    return next(line[2:].strip() for line in text.splitlines() if line.startswith("# "))


class IdCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)


_ids = {}


def anchors(path: Path) -> set:
    if path not in _ids:
        collector = IdCollector()
        collector.feed(path.read_text(errors="replace"))
        _ids[path] = collector.ids
    return _ids[path]


def check_internal_link(site: Path, server: str, url: str) -> str | None:
    """Return why an in-book link is broken, or None if it resolves (file and #fragment)."""
    parts = urlsplit(url)
    rel = unquote(parts.path)[len(urlsplit(server).path):]
    target = site / rel
    if rel == "" or rel.endswith("/"):
        target = target / "index.html"
    if not target.is_file():
        return f"no file {target.relative_to(site)}"
    if parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in anchors(target):
        return f"no #{parts.fragment} in {target.relative_to(site)}"
    return None


def accessibility(tab, axe_source, mode, problems):
    """Run axe-core on the page; record serious and critical violations as problems."""
    tab.add_script_tag(content=axe_source)
    violations = tab.evaluate(AXE_JS)
    for v in violations:
        if v["impact"] in ("serious", "critical"):
            problems.append(f"accessibility ({mode} mode), {v['impact']}: {v['id']}, {v['help']}: "
                            f"{len(v['nodes'])} elements, first {v['nodes'][0]!r}")
    return violations


def tex_shown_as_text(tab) -> list[str]:
    """TeX a reader sees as characters, after MathJax has typeset the page: in the
    prose outside code, and in the text parts of formulas."""
    problems = []
    for text in tab.evaluate(VISIBLE_TEXT_JS):
        for m in RAW_TEX.finditer(text):
            around = text[max(0, m.start() - 30):m.end() + 30].replace("\n", " ").strip()
            problems.append(f"TeX shown as text: {m.group(0)!r} in {around!r}")
    for found in tab.evaluate(FORMULA_TEXT_JS):
        if TEX_IN_FORMULA_TEXT.search(found["text"]):
            problems.append(f"TeX shown as text inside a formula: {found['text']!r} in ${found['tex'].strip()}$")
    return problems


def load(context, server, page, problems):
    tab = context.new_page()
    tab.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    tab.goto(f"{server}{page}.html", wait_until="load")
    if tab.evaluate("() => document.querySelectorAll('.math').length"):
        try:
            tab.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                                  timeout=20_000)
        except Exception:
            problems.append("MathJax never loaded, so no formula can be typeset")
        else:
            tab.evaluate("() => MathJax.startup.promise")
    return tab


@pytest.mark.parametrize("page", PAGES)
def test_page_as_a_reader_sees_it(page, site, server, light, dark, outside_requests, report,
                                  axe_source):
    problems = []
    before = len(outside_requests)
    tab = load(light, server, page, problems)
    number = NUMBERED.index(page) + 1 if page in NUMBERED else None

    # Title: the heading the source gives, numbered as in the table of contents.
    expected = heading(page) if number is None else f"{number}. {heading(page)}"
    h1 = tab.evaluate("""() => { const h = document.querySelector('article h1');
        if (!h) return null; const c = h.cloneNode(true);
        c.querySelectorAll('.headerlink').forEach(a => a.remove()); return c.innerText.trim(); }""")
    assert h1 == expected, f"{page}: heading {h1!r}, expected {expected!r}"
    assert tab.title().startswith(expected), f"{page}: <title> {tab.title()!r}"

    # Formulas: every .math element typeset, no MathJax errors, no raw TeX left in view.
    math = tab.evaluate(MATH_JS)
    if math["untypeset"]:
        problems.append(f"{len(math['untypeset'])} of {math['math']} formulas not typeset, "
                        f"first: {math['untypeset'][0]!r}")
    if math["errors"]:
        problems.append(f"MathJax errors: {math['errors'][:3]}")
    problems += tex_shown_as_text(tab)

    # Images: loaded, opaque, and each figure in the text captioned with real alt text.
    images = tab.evaluate(IMAGES_JS)
    for img in images:
        if not img["complete"] or img["width"] == 0:
            problems.append(f"image did not load: {img['src']}")
            continue
        if not img["content"]:
            continue
        name = Path(urlsplit(img["src"]).path).name
        if not img["alt"] or name in img["alt"]:
            problems.append(f"image without alt text: {img['src']}")
        if not img["caption"]:
            problems.append(f"image without a caption: {img['src']}")
        if img["corner"] and img["corner"][3] < 255:
            problems.append(f"image with a transparent background (unreadable on a dark page): {img['src']}")
    # Chapters 1-8, the tutorial's steps, each show at least one figure.
    if page in NUMBERED[:8] and not any(img["content"] for img in images):
        problems.append("a chapter of the tutorial without a figure")

    # Links: every in-book link (pages, #anchors, downloads) resolves.
    links = tab.evaluate(LINKS_JS)
    ours = urlsplit(server).netloc
    internal = [l for l in links if urlsplit(l["url"]).netloc == ours]
    for link in internal:
        why = check_internal_link(site, server, link["url"])
        if why:
            problems.append(f"broken in-book link {link['href']!r} ({link['text']!r}): {why}")
    hrefs = [l["url"] for l in links]

    # nbgrader's solution markers are machinery: no code cell shows them (_ext/book_page_fixes.py, 7).
    markers = tab.evaluate("""() => [...document.querySelectorAll('.cell_input pre')]
        .filter(p => /### (BEGIN|END) SOLUTION/.test(p.innerText)).length""")
    if markers:
        problems.append(f"{markers} code cell(s) show nbgrader's solution markers")

    # Previous/next footer, in reading order.
    footer = tab.evaluate("""() => ({
        prev: document.querySelector('.prev-next-area a.left-prev')?.getAttribute('href'),
        next: document.querySelector('.prev-next-area a.right-next')?.getAttribute('href')})""")
    index = PAGES.index(page)
    if index > 0 and not footer["prev"]:
        problems.append("no 'previous' link in the footer")
    if index < len(PAGES) - 1:
        want = Path(PAGES[index + 1]).name + ".html"
        if not footer["next"] or not footer["next"].split("#")[0].endswith(want):
            problems.append(f"footer 'next' is {footer['next']!r}, expected {want}")

    # Edit and download buttons on every page; launch buttons on every notebook.
    notebook = (ROOT / f"{page}.ipynb").exists()
    source = f"{page}.ipynb" if notebook else f"{page}.md"
    wanted = {
        "edit this page": f"{REPO}/edit/{BRANCH}/{source}",
        "source download": f"_sources/{source}",
    }
    if notebook:
        wanted.update({
            "Binder launch": f"mybinder.org/v2/gh/{OWNER_REPO}/{BRANCH}?urlpath=",
            "Colab launch": f"colab.research.google.com/github/{OWNER_REPO}/blob/{BRANCH}/{source}",
        })
    for what, fragment in wanted.items():
        if not any(fragment in href for href in hrefs):
            problems.append(f"no {what} link containing {fragment!r}")

    # Screenshots, light and dark, full page.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = Path(page).name
    tab.screenshot(path=str(SCREENSHOTS / f"{stem}.png"), full_page=True)

    # Accessibility, as axe-core judges it: no serious or critical violation.
    violations = accessibility(tab, axe_source, "light", problems)

    # One search box, a favicon, the logo, and the licence and citation in the footer.
    search = tab.evaluate(SEARCH_JS)
    if len(search) != 1:
        problems.append(f"{len(search)} search boxes in view at 1280 px, not one: {search}")
    footer_text = tab.evaluate("() => document.querySelector('.bd-footer-content')?.innerText || ''")
    for what, words in (("licence", f"{CITATION['license']} licence"), ("citation", CITATION["title"]),
                        ("whole-book PDF", PDF_NAME)):
        if words not in footer_text:
            problems.append(f"the footer does not show the {what} ({words!r}): {footer_text!r}")
    icon = tab.evaluate("() => document.querySelector('link[rel~=icon]')?.href")
    if not icon or check_internal_link(site, server, icon):
        problems.append(f"no favicon in the book: {icon!r}")
    if not any(img["src"] and "logo" in img["src"] and not img["content"] and img["alt"] for img in images):
        problems.append("no logo with alt text in the sidebar")

    # Code blocks that fit the text column, so no line's end is hidden.
    pre = tab.evaluate(WIDE_PRE_JS)
    for wide in pre["wide"]:
        problems.append(f"code block wider than the text column ({wide['scroll']} px in "
                        f"{wide['client']} px), its longest line: {wide['line']!r}")

    # No page wider than a phone's or a tablet's window (or a laptop's).
    widths = {}
    for width in WIDTHS:
        tab.set_viewport_size({"width": width, "height": 900})
        tab.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        fit = tab.evaluate(PAGE_WIDTH_JS)
        widths[width] = fit["width"]
        if fit["width"] > fit["window"]:
            problems.append(f"page {fit['width']} px wide in a {fit['window']} px window; "
                            f"sticking out: {'; '.join(fit['culprits'])}")
        if width < 992 and len(tab.evaluate(SEARCH_JS)) != 1:
            problems.append(f"{len(tab.evaluate(SEARCH_JS))} search boxes in view at {width} px, not one")
    tab.close()

    dark_tab = load(dark, server, page, problems)
    (SCREENSHOTS / "dark").mkdir(exist_ok=True)
    dark_tab.evaluate(IMAGES_JS)
    dark_tab.screenshot(path=str(SCREENSHOTS / "dark" / f"{stem}.png"), full_page=True)
    dark_violations = accessibility(dark_tab, axe_source, "dark", problems)
    dark_tab.close()

    blocked = outside_requests[before:]
    if blocked:
        problems.append(f"requests outside the book (refused): {sorted(set(blocked))[:5]}")

    report[page] = {
        "title": h1,
        "formulas": math["containers"],
        "math_elements": math["math"],
        "images": len([i for i in images if i["content"]]),
        "internal_links": len(internal),
        "code_blocks": pre["count"],
        "code_blocks_too_wide": len(pre["wide"]),
        # The page's width at each window width (wider than the window: a reader scrolls sideways).
        "widths": widths,
        # Elements in violation, by impact, the worse of light and dark mode.
        "axe": {impact: max(sum(len(v["nodes"]) for v in found if v["impact"] == impact)
                            for found in (violations, dark_violations))
                for impact in IMPACTS},
        "axe_violations": {mode: {v["id"]: len(v["nodes"]) for v in found}
                           for mode, found in (("light", violations), ("dark", dark_violations))},
        "problems": problems,
    }
    problems = list(dict.fromkeys(problems))  # the dark-mode pass repeats some
    assert not problems, f"{page}:\n  " + "\n  ".join(problems)
