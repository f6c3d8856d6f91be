"""What the student controls, made safe to show: error text, CSV cells and the feedback page.

Nothing a submission writes reaches the instructor's screen or the student's
feedback raw:

- :func:`error_text`: what an exception says, cut to its type and a short
  prefix, with long opaque runs (encoded data) taken out;
- :func:`csv_cell`: a cell of scores.csv that no spreadsheet reads as a formula
  (OWASP's advice on CSV injection: a leading ``= + - @``, tab or carriage
  return gets a ``'`` in front; the writer quotes every cell);
- :func:`sanitise_page`: the feedback page through Ammonia (``nh3``), keeping
  only the course's own styles, with a Content-Security-Policy that refuses
  any script but the course's own copy of MathJax, so no script, event
  handler or ``javascript:`` link of a submission survives, and the chapter's
  formulas, kept as TeX text, are typeset by MathJax (:func:`install_mathjax`);
- :func:`quote_markdown`: a student's own markdown cell shown as literal text
  in a fenced block, which the markdown renderer reads in linear time.
"""

from __future__ import annotations

import builtins
import re
import shutil
from pathlib import Path

import nh3

PREFIX = 100  # characters of an exception's message that are shown
# Encoded data: runs of base64 or hex, and long runs of digits with their separators.
_OPAQUE = re.compile(r"[A-Za-z0-9+/=_\-]{24,}|[0-9.,:;eE+\-]{24,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def exception_name(name: str) -> str:
    """An exception's type as shown: a builtin's own name, else a generic one (names carry data too)."""
    cls = getattr(builtins, str(name), None)
    if isinstance(cls, type) and issubclass(cls, BaseException):
        return str(name)
    if str(name) in ("CheckFailed", "ExerciseNotDone", "CellTimeoutError", "DeadKernelError", "NoAnswer",
                     "JudgeError"):
        return str(name)
    return "an exception of its own class"


def _opaque(match: re.Match) -> str:
    """A long run that holds a digit, + or / is data; one of letters and _ alone is a name."""
    run = match[0]
    return "[...]" if re.search(r"[0-9+/=]", run) else run


def message(text: str, limit: int = PREFIX, opaque: bool = True) -> str:
    """One line of at most ``limit`` characters, with no control characters and no opaque runs."""
    text = _CONTROL.sub(" ", str(text))
    if opaque:
        text = _OPAQUE.sub(_opaque, text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def error_text(name: str, text: str, limit: int = PREFIX) -> str:
    """``Type: prefix of the message``, as feedback and scores.csv show an exception."""
    shown = message(text, limit)
    return f"{exception_name(name)}: {shown}" if shown else exception_name(name)


def csv_cell(value) -> str:
    """A cell of scores.csv that a spreadsheet shows as text, never runs as a formula."""
    text = _CONTROL.sub(" ", str(value)) if not isinstance(value, (int, float)) else str(value)
    if text.startswith(FORMULA_START) or str(value).startswith(FORMULA_START):
        return "'" + text
    return text


def csv_value(cell: str) -> str:
    """The value :func:`csv_cell` wrote (to merge earlier rows of scores.csv)."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_START):
        return cell[1:]
    return cell


# ---------------------------------------------------------------- the feedback page

# What nbconvert's feedback page uses, and nothing that runs: no script, iframe, object,
# form, style attribute or link to anything but this page and plain web addresses.
TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s",
        "section", "main", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th",
        "thead", "tr", "u", "ul", "var", "mark", "small", "cite", "q", "samp", "figure", "figcaption"}
ATTRIBUTES = {"*": {"class", "id", "title", "lang", "dir"}, "a": {"href"}, "img": {"src", "alt", "width", "height"},
              "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}, "ol": {"start"}}
POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
          "script-src 'none'; form-action 'none'; base-uri 'none'")
# With MathJax: scripts and fonts from the page's own origin only (its folder's MathJax, no inline script).
POLICY_WITH_MATHJAX = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'self' data:; "
                       "script-src 'self'; form-action 'none'; base-uri 'none'")
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S | re.I)
_TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)


def sanitise_page(page: str, mathjax: str | None = None) -> str:
    """The feedback page, rebuilt: the course's styles, then the body through Ammonia.

    ``mathjax`` is the address of the folder :func:`install_mathjax` wrote,
    relative to the page (``../../.mathjax``): its configuration and MathJax
    are the page's only scripts. Without it, the page has none, and its
    formulas show as the TeX they are written in.
    """
    head_end = page.lower().find("<body")
    head = page[: head_end if head_end >= 0 else 0]
    # The head is nbgrader's template: its CSS is kept, its scripts (MathJax, require.js) are not.
    styles = "\n".join(f"<style>{css}</style>" for css in _STYLE.findall(head))
    title = _TITLE.search(head)
    title_text = nh3.clean_text(title[1]) if title else "Feedback"
    body = _BODY.search(page)
    clean = nh3.clean(body[1] if body else page, tags=TAGS, attributes=ATTRIBUTES,
                      url_schemes={"http", "https", "data"}, link_rel="noopener noreferrer nofollow",
                      strip_comments=True, attribute_filter=_only_images_as_data)
    scripts = "" if mathjax is None else (f'<script src="{mathjax}/{MATHJAX_CONFIG_FILE}"></script>\n'
                                          f'<script src="{mathjax}/tex-chtml.js" id="MathJax-script"></script>\n')
    policy = POLICY if mathjax is None else POLICY_WITH_MATHJAX
    return ("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n"
            f"<title>{title_text}</title>\n{styles}\n{scripts}</head>\n<body class=\"nnlib-feedback\">\n{clean}\n"
            "</body>\n</html>\n")


# ---------------------------------------------------------------- MathJax for the feedback

MATHJAX_FOLDER = ".mathjax"  # in the feedback folder; a dot, so no student's folder can take its name (intake)
MATHJAX_CONFIG_FILE = "nnlib-config.js"
# Of the book's MathJax (the PyPI package sphinx-mathjax-offline, as the book serves it), what
# the feedback needs: TeX to HTML, its fonts, and the extension that vets addresses.
MATHJAX_FILES = ("tex-chtml.js", "ui/safe.js", "output/chtml/fonts/woff-v2")
# Typeset only the chapter's own markdown (nbconvert's text_cell_render): never the outputs, never code.
# No autoload and no require, so no TeX loads an extension (\class, \style, \href's html); ui/safe
# vets any address all the same. The chapters' TeX needs only base and ams.
MATHJAX_CONFIG = """\
// Written by the grader (coursework/publish.py): MathJax for the chapter's own formulas only.
window.MathJax = {
  loader: {load: ["ui/safe"]},
  tex: {
    inlineMath: [["$", "$"], ["\\\\(", "\\\\)"]],
    displayMath: [["$$", "$$"], ["\\\\[", "\\\\]"]],
    processEscapes: true,
    packages: {"[-]": ["autoload", "require"]}
  },
  options: {
    enableMenu: false,
    ignoreHtmlClass: "nnlib-feedback",
    processHtmlClass: "text_cell_render"
  }
};
"""


def mathjax_source() -> Path | None:
    """The book's own MathJax (sphinx-mathjax-offline's copy), or None where it is not installed."""
    from importlib import metadata

    try:
        folder = Path(metadata.distribution("sphinx-mathjax-offline").locate_file(
            "sphinx-mathjax-offline/static/mathjax"))
    except metadata.PackageNotFoundError:
        return None
    return folder if (folder / "tex-chtml.js").is_file() else None


def install_mathjax(feedback: Path) -> Path | None:
    """Copy the book's MathJax into ``feedback/.mathjax``, with the feedback's configuration.

    Nothing is downloaded: the files come from the installed package. Returns
    the folder, or None where there is no MathJax to copy (the feedback then
    shows formulas as TeX).
    """
    source = mathjax_source()
    if source is None:
        return None
    target = feedback / MATHJAX_FOLDER
    for name in MATHJAX_FILES:
        if not (target / name).exists():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            copy = shutil.copytree if (source / name).is_dir() else shutil.copy2
            copy(source / name, target / name)
    (target / MATHJAX_CONFIG_FILE).write_text(MATHJAX_CONFIG)
    return target


def _only_images_as_data(tag: str, attribute: str, value: str) -> str | None:
    """data: addresses only for images (the plots); a link to data: could carry a page of its own."""
    if value.strip().lower().startswith("data:") and not (tag == "img" and value.startswith("data:image/")):
        return None
    if value.strip().lower().startswith("data:image/svg"):
        return None  # an SVG may hold scripts of its own
    return value


def quote_markdown(source: str, limit: int = 20_000) -> str:
    """A student's markdown as literal text: a fenced block, longer fence than any run of backticks."""
    text = source if len(source) <= limit else source[:limit] + "\n[... cut: the cell is longer]"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"*Your own text, shown as you wrote it:*\n\n{fence}text\n{text}\n{fence}"
