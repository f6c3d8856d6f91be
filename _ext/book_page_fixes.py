"""Fixes to the pages Jupyter Book 1 writes; tests/site catches any coming back.

1. Inline scripts written twice. sphinx-thebe and sphinx-togglebutton add their
   inline configuration scripts once with filename None and once more with
   filename "" (Sphinx 7 keeps both), so every page carries two copies; the
   second `const THEBE_JS_URL` is a SyntaxError in the console. We keep the
   first copy of each script.
2. The colour mode. pydata-sphinx-theme's `default_mode`, which
   sphinx-book-theme leaves empty, makes every page log "Got invalid theme
   mode". "auto" follows the reader's system setting, as the theme intends.
3. Screen readers (WCAG 2.1 AA, checked with axe-core by tests/site). A control
   must be named by the words it shows (2.5.3, label in name), and all content
   must sit in a landmark:
   - a folded cell's toggle shows "Show code cell source" but myst-nb names it
     "Toggle hidden content"; without that aria-label it is named by its text;
   - the search and colour-mode buttons, and the sidebar that has no landmark,
     are fixed in copies of the theme's templates, in templates/ here.
4. Printed output wraps. A cell's output (a printed message, an error) is
   prose, not code: it wraps at the text column instead of scrolling sideways
   (static/book_page_fixes.css). Code keeps its lines; they are kept short.
5. Phones. Inline code may break anywhere, so that a long name does not widen
   the page beyond a 390 px screen (tests/site measures 390, 768 and 1280 px).
6. One search box. pydata-sphinx-theme 0.17's header, shown on wide screens
   with nothing in it but a second search field, is hidden (both in the CSS).
7. Solutions without nbgrader's markers. The lines `### BEGIN SOLUTION` and
   `### END SOLUTION` in a solution cell tell nbgrader what the student
   edition leaves out; in the book, the web pages and the PDF they are
   machinery, so a code cell's source is shown without them (the notebook
   keeps them).
"""

from pathlib import Path

from docutils import nodes

HERE = Path(__file__).resolve().parent
TOGGLE = '<summary aria-label="Toggle hidden content">'


def _fix_page(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts:
        seen, kept = set(), []
        for script in scripts:
            key = (getattr(script, "filename", None) or "",
                   tuple(sorted(getattr(script, "attributes", {}).items())))
            if key not in seen:
                seen.add(key)
                kept.append(script)
        context["script_files"] = kept
    if not context.get("default_mode"):
        context["default_mode"] = "auto"
    if "body" in context:
        context["body"] = context["body"].replace(TOGGLE, "<summary>")


SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def _drop_solution_markers(app, doctree):
    """Take nbgrader's marker lines out of every code cell's shown source."""
    for block in list(doctree.findall(nodes.literal_block)):
        parent = block.parent
        if not (isinstance(parent, nodes.container) and "cell_input" in parent.get("classes", [])):
            continue
        text = block.astext()
        if not any(marker in text for marker in SOLUTION_MARKERS):
            continue
        kept = "\n".join(line for line in text.split("\n") if line.strip() not in SOLUTION_MARKERS)
        block.children = [nodes.Text(kept)]
        block.rawsource = kept


def _our_templates_and_css_first(app, config):
    # Ahead of the theme's own components, which the themes append to this list.
    config.templates_path.insert(0, str(HERE / "templates"))
    config.html_static_path.append(str(HERE / "static"))


def setup(app):
    app.connect("config-inited", _our_templates_and_css_first)
    app.connect("html-page-context", _fix_page, priority=999)
    app.connect("doctree-read", _drop_solution_markers)
    app.add_css_file("book_page_fixes.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
