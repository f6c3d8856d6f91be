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
  any script, so no script, event handler or ``javascript:`` link survives;
- :func:`quote_markdown`: a student's own markdown cell shown as literal text
  in a fenced block, which the markdown renderer reads in linear time.
"""

from __future__ import annotations

import builtins
import re

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
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S | re.I)
_TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)


def sanitise_page(page: str) -> str:
    """The feedback page, rebuilt: the course's styles, then the body through Ammonia."""
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
    return ("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">\n"
            f"<title>{title_text}</title>\n{styles}\n</head>\n<body>\n{clean}\n</body>\n</html>\n")


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
