"""A grader's feedback page in a real browser: the chapter's formulas typeset, no script of a submission run.

The page is sanitised as grading sanitises it (coursework/publish.py), from a
page laid out as nbgrader's feedback template lays one out: a markdown cell of
the chapter with TeX in it, and an output of the submission with scripts, an
event handler, a ``javascript:`` link and TeX dressed up as the chapter's own.
MathJax is the course's copy, written into the feedback folder from the
installed package; Chromium opens the page from the file, as an instructor or
a student would, with every request outside the feedback folder refused.
"""

import pytest

from coursework import publish

TITLE = "03_sigmoid"
FEEDBACK = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{TITLE}</title><style>p {{ color: black; }}</style>
<script src="https://cdn.example/mathjax/tex-chtml.js"></script></head>
<body>
<div class="cell border-box-sizing text_cell rendered"><div class="inner_cell">
<div class="text_cell_render border-box-sizing rendered_html">
<p id="chapter">The sigmoid $\\sigma(z) = \\frac{{1}}{{1 + e^{{-z}}}}$ squashes every $z$ into $(0, 1)$.</p>
$$\\frac{{\\partial \\mathcal{{L}}}}{{\\partial z}} = a - y$$
</div></div></div>
<div class="output_area"><div class="output_subarea output_html rendered_html" id="output">
<p id="student-tex">Mine: $x^2$</p>
<script>document.title = "pwned-by-script"</script>
<img src="x" onerror="document.title = 'pwned-by-onerror'">
<a id="js-link" href="javascript:document.title = 'pwned-by-link'">click</a>
<div class="text_cell_render" id="dressed-up">$\\href{{javascript:document.title = 'pwned-by-href'}}{{x}}$</div>
</div></div>
</body></html>
"""


@pytest.fixture
def feedback_page(tmp_path):
    folder = tmp_path / "feedback"
    if publish.install_mathjax(folder) is None:
        pytest.fail("no MathJax to copy: requirements.txt installs sphinx-mathjax-offline")
    page = folder / "student" / "03_sigmoid" / "03_sigmoid.html"
    page.parent.mkdir(parents=True)
    page.write_text(publish.sanitise_page(FEEDBACK, f"../../{publish.MATHJAX_FOLDER}"))
    return folder, page


def test_feedback_typesets_the_chapters_math_and_runs_no_script_of_the_submission(browser, feedback_page):
    folder, page = feedback_page
    context = browser.new_context()
    requests, errors = [], []

    def only_the_feedback_folder(route):
        url = route.request.url
        requests.append(url)
        if url.startswith(folder.as_uri() + "/"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_the_feedback_folder)
    tab = context.new_page()
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(page.as_uri())
    tab.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    tab.evaluate("() => MathJax.startup.promise")
    # The chapter's formulas are typeset: MathJax's containers, and no TeX left as text.
    assert tab.locator("#chapter mjx-container").count() == 3
    assert tab.locator(".text_cell_render mjx-container[display='true']").count() == 1
    assert "\\sigma" not in tab.inner_text("#chapter") and "$" not in tab.inner_text("#chapter")
    # The submission's output is left alone: its TeX stays text.
    assert tab.locator("#student-tex mjx-container").count() == 0
    assert "$x^2$" in tab.inner_text("#student-tex")
    # And none of its scripts ran, clicked or not.
    tab.click("#js-link")
    for link in tab.locator("#dressed-up a").all():
        link.click()
    assert tab.title() == TITLE
    # The page names two scripts, the course's configuration and MathJax (which loads its own
    # extension, ui/safe), all from the feedback folder's copy.
    assert page.read_text().count("<script") == 2
    sources = tab.eval_on_selector_all("script", "scripts => scripts.map(s => s.src)")
    assert sources and all(s.startswith(f"{folder.as_uri()}/{publish.MATHJAX_FOLDER}/") for s in sources), sources
    assert all(url.startswith(folder.as_uri() + "/") for url in requests), requests
    assert not errors, errors
    context.close()
