"""Two fixes to the pages Jupyter Book 1 writes; tests/site catches either coming back.

1. Inline scripts written twice. sphinx-thebe and sphinx-togglebutton add their
   inline configuration scripts once with filename None and once more with
   filename "" (Sphinx 7 keeps both), so every page carries two copies; the
   second `const THEBE_JS_URL` is a SyntaxError in the console. We keep the
   first copy of each script.
2. The colour mode. pydata-sphinx-theme's `default_mode`, which
   sphinx-book-theme leaves empty, makes every page log "Got invalid theme
   mode". "auto" follows the reader's system setting, as the theme intends.
"""


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


def setup(app):
    app.connect("html-page-context", _fix_page, priority=999)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
