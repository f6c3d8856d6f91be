"""The learner's workbooks in JupyterLab 4 itself, driven in headless Chromium.

For each chapter with exercises the test opens the workbook in the learner's
JupyterLab (started as `make lab` starts it), checks that no line of our
solutions is in view, chooses Run > Run All Cells, saves, and reads the
notebook back: every code cell ran; the only errors are the declared ones
(cells tagged raises-exception in the book) and, in each exercise, the
"not done yet" of an unanswered exercise; every figure the kernel sent is an
image that loaded; still no solution in view, and one click on each fold
shows it. The book's checks are folded too: each shows its first line (its
label) and none of its code, before and after Run All, which runs them. A
screenshot of each chapter's exercises goes to _build/lab/.
Then it types an answer into an exercise, runs its check and sees it pass.
"""

import re
import secrets
import time
import urllib.error
import urllib.request

import nbformat
import pytest

from labserver import ROOT, SHOTS, Lab, make_workbooks

from coursework import editions, workbooks  # noqa: E402

CHAPTERS = editions.chapters()  # the chapters with exercises
RUN_SECONDS = 600  # per chapter; the slowest takes well under a minute
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def open_notebook(page, lab: Lab, path: str) -> None:
    """Open ``path`` in a workspace of its own, and wait for its kernel to be idle."""
    cells = len(nbformat.read(lab.folder / path, as_version=4).cells)
    page.goto(f"{lab.url}lab/workspaces/{re.sub(r'[^A-Za-z0-9]', '-', path)}/tree/{path}")
    page.wait_for_function(
        """([selector, cells]) => document.querySelectorAll(selector + ' .jp-Cell').length === cells &&
             [...document.querySelectorAll('.jp-StatusBar-Widget')].some(e => e.innerText.includes('| Idle'))""",
        arg=[NOTEBOOK, cells], timeout=120_000)
    no = page.locator(".jp-toast-button", has_text="No")  # JupyterLab's news question, in the way
    if no.count():
        no.first.click()


def run_all(page) -> None:
    """Run > Run All Cells, then wait until no cell is queued or running."""
    page.click('.lm-MenuBar-itemLabel:text-is("Run")')
    page.click('.lm-Menu-itemLabel:text-is("Run All Cells")')
    deadline, quiet = time.monotonic() + RUN_SECONDS, 0
    while time.monotonic() < deadline:
        prompts = page.locator(f"{NOTEBOOK} .jp-CodeCell .jp-InputPrompt").all_inner_texts()
        idle = "| Idle" in " ".join(page.locator(".jp-StatusBar-Widget").all_inner_texts())
        started = any(re.search(r"\[\d+\]", p) for p in prompts)
        quiet = quiet + 1 if started and idle and not any("*" in p for p in prompts) else 0
        if quiet >= 3:
            return
        time.sleep(0.5)
    pytest.fail(f"Run All did not finish in {RUN_SECONDS} s")


def save(page, lab: Lab, path: str):
    """Save the notebook from the page; return it as the server wrote it."""
    page.locator(f"{NOTEBOOK} .jp-Notebook").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    page.wait_for_selector(".lm-TabBar-tab.jp-mod-current:not(.jp-mod-dirty)", timeout=60_000)
    return nbformat.read(lab.folder / path, as_version=4)


def visible_lines(page) -> set[str]:
    """Every line of text in view in the notebook (innerText leaves out what is folded)."""
    return {line.strip() for line in page.locator(f"{NOTEBOOK} .jp-Notebook").inner_text().splitlines()}


def folded_checks(path) -> tuple[set[str], set[str]]:
    """(the first lines of the folded code cells, which JupyterLab shows; their assertion
    lines, which it must not), leaving out lines that other cells hold as well."""
    cells = nbformat.read(path, as_version=4).cells
    folded = [c for c in cells if c.cell_type == "code" and c.metadata.get("jupyter", {}).get("source_hidden")]
    elsewhere = {line.strip() for c in cells if c not in folded for line in c.source.splitlines()}
    labels = {c.source.splitlines()[0].strip() for c in folded}
    hidden = {line.strip() for c in folded for line in c.source.splitlines()[1:] if "assert" in line}
    return labels, hidden - elsewhere - labels


def not_done_yet(error) -> bool:
    """The error of an unanswered exercise: the stub, or a check that finds the stub or no answer."""
    return (error.ename == "NotImplementedError"  # the stub itself
            or (error.ename == "NameError" and re.fullmatch(r"name 'my_\w+' is not defined", error.evalue))
            or "raised NotImplementedError" in error.evalue)  # a checker that ran the stub


def undeclared_errors(nb) -> list[str]:
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.execution_count is None:
            problems.append(f"cell {index} did not run: Run All stopped before it")
        errors = [o for o in cell.outputs if o.output_type == "error"]
        meta = cell.metadata.get("nbgrader", {})
        what = "; ".join(f"{e.ename}: {e.evalue}" for e in errors)
        if meta.get("grade") and cell.execution_count is not None and not errors:
            problems.append(f"cell {index} ({meta['grade_id']}) passed, with no answer given")
        if meta.get("solution") or meta.get("grade"):
            if not all(not_done_yet(e) for e in errors):
                problems.append(f"cell {index} ({meta['grade_id']}): {what}, not an exercise not done yet")
        elif errors and "raises-exception" not in cell.metadata.get("tags", []):
            problems.append(f"cell {index} raised {what}, and is not tagged raises-exception")
    return problems


def shut_down_kernels(page) -> None:
    """Shut every kernel down, as the page does (with JupyterLab's XSRF cookie)."""
    page.evaluate("""async () => {
        const xsrf = document.cookie.match(/_xsrf=([^;]+)/);
        const headers = xsrf ? {"X-XSRFToken": decodeURIComponent(xsrf[1])} : {};
        for (const s of await (await fetch("/api/sessions")).json()) {
            await fetch("/api/sessions/" + s.id, {method: "DELETE", headers});
        }
    }""")


def nbgrader_ui(page) -> list[str]:
    """nbgrader's instructor tools in view: its menu, its Create Assignment panel."""
    menus = [m for m in page.locator(".lm-MenuBar-itemLabel").all_inner_texts() if "nbgrader" in m.lower()]
    panels = page.locator('[title*="Create Assignment"], .lm-TabBar-tab:has-text("Create Assignment")').count()
    return menus + ["Create Assignment"] * panels


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_workbook_runs_in_jupyterlab_with_solutions_folded(lab, page, report, chapter):
    path = f"{chapter}.ipynb"
    secret = workbooks.secret_solution_lines(chapter)
    assert secret, f"{chapter}: no solution lines to look for"
    open_notebook(page, lab, path)
    assert not nbgrader_ui(page), "the learner's JupyterLab shows nbgrader's instructor tools"
    assert not visible_lines(page) & secret, f"solution in view on opening: {sorted(visible_lines(page) & secret)}"
    labels, check_lines = folded_checks(lab.folder / path)
    assert labels <= visible_lines(page), f"folded checks' labels not shown: {sorted(labels - visible_lines(page))}"
    assert not visible_lines(page) & check_lines, f"check code in view: {sorted(visible_lines(page) & check_lines)}"

    started = time.perf_counter()
    run_all(page)
    seconds = time.perf_counter() - started
    nb = save(page, lab, path)
    problems = undeclared_errors(nb)
    assert not problems, f"{chapter} in JupyterLab:\n" + "\n".join(problems)

    sent = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    loaded = page.evaluate(
        "s => [...document.querySelectorAll(s + ' .jp-OutputArea-output img')]"
        ".map(i => i.complete && i.naturalWidth > 0)",
        NOTEBOOK)
    assert len(loaded) == sent and all(loaded), f"{sent} figures sent, {sum(loaded)} of {len(loaded)} images shown"
    if any("plot" in c.source for c in nb.cells if c.cell_type == "code"):
        assert sent, f"{chapter} plots, yet no figure came back"

    in_view = visible_lines(page) & secret
    assert not in_view, f"solution in view after Run All: {sorted(in_view)}"
    # Run All ran the folded checks (undeclared_errors: every code cell ran) and left them folded.
    in_view = visible_lines(page) & check_lines
    assert not in_view, f"check code in view after Run All: {sorted(in_view)}"
    folded_code = [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("jupyter", {}).get("source_hidden")]
    assert all(c.execution_count is not None for c in folded_code)
    folds = page.locator(f"{NOTEBOOK} .jp-InputPlaceholder")
    assert folds.count() == sum(c.cell_type == "raw" for c in nb.cells) + len(folded_code) > 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    labelled = folds.filter(has_text="# Checks that the text's numbers hold:")
    if labelled.count():  # what a folded check looks like: its label and a ···
        labelled.first.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"{chapter}-folded-check.png"))
    folds.filter(has_text="Our solution to").first.scroll_into_view_if_needed()  # the exercises
    page.screenshot(path=str(SHOTS / f"{chapter}.png"))
    while folds.count():  # one click on each fold shows our solution
        folds.first.click()
    assert secret <= visible_lines(page), f"unfolded, yet not shown: {sorted(secret - visible_lines(page))}"
    assert not page.outside_requests, f"requests off this machine: {page.outside_requests}"
    errors = [(c, o) for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    exercise = sum(bool(c.metadata.get("nbgrader")) for c, _ in errors)
    report[chapter] = {"seconds": seconds, "figures": sent, "declared": len(errors) - exercise,
                       "not_done": exercise, "screenshot": (SHOTS / f"{chapter}.png").relative_to(ROOT)}
    shut_down_kernels(page)


def test_a_typed_answer_passes_its_check(lab, page):
    # A learner types an answer into Exercise 3.1 through the page and runs its check.
    make_workbooks(lab.folder / "typed", "03_sigmoid")
    path = "typed/03_sigmoid.ipynb"
    book = nbformat.read(ROOT / "book" / "03_sigmoid.ipynb", as_version=4)
    [solution] = [c.source for c in book.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "ex3_1_solution"]
    answer = "\n".join(line for line in solution.splitlines() if line.strip() not in workbooks.SOLUTION_MARKERS)
    open_notebook(page, lab, path)
    run_all(page)
    cells = page.locator(f"{NOTEBOOK} .jp-CodeCell")
    check = cells.filter(has_text="check.sigmoid(my_sigmoid)")
    assert "raised NotImplementedError" in check.inner_text()  # not done yet
    cells.filter(has_text="def my_sigmoid(Z)").filter(has_text="YOUR CODE HERE").locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(answer)
    page.keyboard.press("Shift+Enter")  # runs the answer; the check is the next cell
    page.keyboard.press("Shift+Enter")  # runs the check
    page.wait_for_function(
        "s => [...document.querySelectorAll(s)].some(c => c.innerText.includes('check.sigmoid(my_sigmoid)') "
        "&& c.innerText.includes('Correct:'))", arg=f"{NOTEBOOK} .jp-CodeCell", timeout=120_000)
    page.screenshot(path=str(SHOTS / "typed_answer_03_sigmoid.png"))
    nb = save(page, lab, path)
    [mine] = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "ex3_1_solution"]
    [checked] = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "ex3_1_check"]
    assert mine.source == answer
    assert not [o for o in checked.outputs if o.output_type == "error"]
    assert "Correct:" in "".join(o.get("text", "") for o in checked.outputs)
    # The learner's work survives the next make lab, which makes missing workbooks only.
    before = (lab.folder / path).read_bytes()
    make_workbooks(lab.folder / "typed", "03_sigmoid")
    assert (lab.folder / path).read_bytes() == before


def test_make_lab_honours_jupyter_token(lab, tmp_path):
    # JUPYTER_TOKEN (and JUPYTER_PORT, which every server here is started with) reach JupyterLab.
    token = secrets.token_hex(16)
    server = Lab(tmp_path, token=token, folder=lab.folder)
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{server.url}api/contents", timeout=30)
        assert refused.value.code == 403
        assert any(item["name"] == "03_sigmoid.ipynb" for item in server.api("contents")["content"])
    finally:
        server.stop()


def test_instructor_jupyterlab_still_has_nbgrader(lab, page, tmp_path):
    # Only the learner's server hides nbgrader; plain JupyterLab (the instructor's) shows
    # it, which also shows that nbgrader_ui() finds the tools when they are there.
    server = Lab(tmp_path, learner=False, folder=lab.folder)
    try:
        page.goto(f"{server.url}lab/workspaces/instructor/tree/03_sigmoid.ipynb")
        page.wait_for_selector(f"{NOTEBOOK} .jp-Cell", timeout=120_000)
        page.wait_for_function("() => [...document.querySelectorAll('.lm-MenuBar-itemLabel')]"
                               ".some(m => /nbgrader/i.test(m.innerText))", timeout=60_000)
        page.wait_for_selector('[title*="Create Assignment"]', timeout=60_000)
        found = nbgrader_ui(page)
        assert "Nbgrader" in found and "Create Assignment" in found, found
    finally:
        server.stop()
