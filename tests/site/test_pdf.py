"""The whole-book PDF (make pdf, tools/book_pdf.py) as a reader of paper gets it.

The copy the book's footer links (at the top of the built book): every chapter
starting a page of its own, a page count that follows from that, every figure of
the HTML book, and no TeX left as text, which would mean that MathJax had not
typeset a formula before Chromium printed the page.
"""

import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
PAGES = [TOC["root"]] + [c["file"] for part in TOC["parts"] for c in part["chapters"]]
# Chapters of numbered parts carry "n. " before their title; appendices do not.
NUMBERED = [c["file"] for part in TOC["parts"] if part.get("numbered") for c in part["chapters"]]
# The name the footer links (_ext/book_extras.py), where make pdf copies its PDF.
PDF_NAME = "neural-networks-from-scratch.pdf"

# TeX as characters on the page: $...$, $$, \( \) \[ \], or a control word or
# symbol that the book's formulas use, in the text set in the prose's fonts. Code
# (set in a monospaced font) is left out, as the browser test leaves it out: its
# figure labels are matplotlib's $...$, and Python has backslashes of its own.
MATH_IN_SOURCE = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+)\$|\\begin\{(\w+\*?)\}(.+?)\\end\{\3\}", re.S)
CONTROL = re.compile(r"\\(?:[A-Za-z]+|[_{}%#&,;:!|])")


def source_text(page: str) -> str:
    path = ROOT / f"{page}.ipynb"
    if path.exists():
        import json
        return "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                         if c["cell_type"] == "markdown")
    return (ROOT / f"{page}.md").read_text()


def tex_commands() -> set[str]:
    """Every control word and symbol in the book's formulas."""
    found = set()
    for page in PAGES:
        for m in MATH_IN_SOURCE.finditer(source_text(page)):
            found.update(CONTROL.findall("".join(g or "" for g in m.groups())))
    return found


class ArticleImages(HTMLParser):
    """Counts the <img> inside <article>: the figures of one page."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.images = 0

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        elif tag == "img" and self.depth:
            self.images += 1

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1


def html_figures(site: Path) -> int:
    total = 0
    for page in PAGES:
        parser = ArticleImages()
        parser.feed((site / f"{page}.html").read_text())
        total += parser.images
    return total


def heading(page: str) -> str:
    return next(line[2:].strip() for line in source_text(page).splitlines() if line.startswith("# "))


@pytest.fixture(scope="module")
def pdf(site):
    path = site / PDF_NAME
    if not path.is_file():
        pytest.fail(f"no {PDF_NAME} in the built book, which its footer links: run `make pdf`")
    return pypdf.PdfReader(path)


@pytest.fixture(scope="module")
def texts(pdf):
    return [page.extract_text() or "" for page in pdf.pages]


def prose(page) -> str:
    """The page's text outside code: what is not set in a monospaced font."""
    parts = []

    def visit(text, cm, tm, font, size):
        if "Mono" not in str((font or {}).get("/BaseFont", "")):
            parts.append(text)

    page.extract_text(visitor_text=visit)
    return "".join(parts)


def starts_with_lines(text: str, title: str) -> bool:
    """Whether the page's first whole lines, joined by spaces, are exactly the title.

    The PDF sets ligatures ("ﬀ" in "diﬀerentiation"); NFKC reads them as their letters.
    """
    joined = ""
    for line in unicodedata.normalize("NFKC", text).strip().splitlines()[:3]:
        joined = f"{joined} {line.strip()}".strip()
        if joined == title:
            return True
    return False


def test_every_chapter_starts_a_page(pdf, texts):
    # Each page of the table of contents begins a PDF page: its title, numbered as in
    # the table of contents, is the first line of a page, in reading order.
    starts = []
    for page in PAGES:
        title = heading(page)
        if page in NUMBERED:
            title = f"{NUMBERED.index(page) + 1}. {title}"
        # A long title wraps: its lines, joined, are the page's first.
        hits = [i for i, text in enumerate(texts) if starts_with_lines(text, title)]
        assert hits, f"{page}: no PDF page begins with its title {title!r}"
        starts.append(hits[0])
    assert starts == sorted(starts), f"chapters out of order: {dict(zip(PAGES, starts))}"
    assert len(set(starts)) == len(PAGES)
    # At least a page each; and no chapter runs to more than 40 pages (the longest
    # are about 15), which would mean a layout gone wrong (text one word wide).
    lengths = [b - a for a, b in zip(starts, starts[1:] + [len(pdf.pages)])]
    assert len(PAGES) <= len(pdf.pages) and max(lengths) <= 40, (len(pdf.pages), dict(zip(PAGES, lengths)))


def test_no_tex_shown_as_text(pdf):
    # MathJax typeset every formula before printing: none of the TeX the sources'
    # formulas use is left as characters, nor $...$ or \( \[.
    words = tex_commands()
    assert {r"\frac", r"\partial", r"\sigma"} <= words, sorted(words)  # the scan found the formulas
    leftover = re.compile(r"\$\$|\$[^$\s][^$]*\$|\\[()\[\]]|" + "|".join(
        re.escape(w) + (r"(?![A-Za-z])" if w[-1].isalpha() else "") for w in sorted(words, key=len, reverse=True)))
    texts = [prose(page) for page in pdf.pages]
    assert sum(map(len, texts)) > 100_000, "hardly any prose read from the PDF"
    found = [(number + 1, m.group(0), text[max(0, m.start() - 40):m.end() + 40].replace("\n", " "))
             for number, text in enumerate(texts) for m in leftover.finditer(text)]
    assert not found, f"TeX as text in the PDF (page, TeX, around it): {found[:5]}"


def test_every_figure_of_the_html_book(site, pdf):
    # Each figure of the HTML book is printed, and once: a figure split between two
    # pages or lost in printing changes the count.
    figures = html_figures(site)
    printed = sum(len(page.images) for page in pdf.pages)
    assert figures > 0
    assert printed == figures, f"{printed} images in the PDF, {figures} figures in the HTML book"


def test_no_solution_markers_in_the_printed_code(texts):
    # nbgrader's "### BEGIN SOLUTION" lines are machinery (_ext/book_page_fixes.py, 7): the
    # printed solutions go without them. The instructor guide names them in its prose, in
    # backticks, which print in the code font too, so a marker is found only at a line's start.
    found = [number + 1 for number, text in enumerate(texts)
             if any(line.strip() in ("### BEGIN SOLUTION", "### END SOLUTION") for line in text.splitlines())]
    assert not found, f"solution markers printed on PDF pages {found[:10]}"
