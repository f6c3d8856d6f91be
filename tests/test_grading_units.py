"""The grader's parts on their own, in seconds: the plain-data codec, the harvest, the judge and publish.

No sandbox and no nbgrader run here: answers are computed in this process, as
the harvest would compute them in a sandbox, then judged. tests/test_coursework.py
grades whole submissions end to end.
"""

import csv
import io
import json
import re
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

import nnlib
from coursework import intake, judge, publish
from coursework.wall import harvest, plain_data

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- plain data


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), np.float64("nan"),
                                   np.float32("inf"), np.float16(-np.inf), np.array([np.nan, np.inf, -np.inf]),
                                   np.array(np.nan, dtype=np.float32)])
def test_nan_and_inf_cross_as_themselves(value):
    back = plain_data.loads(plain_data.dumps(value))
    assert type(back) is type(value)
    assert np.asarray(back).dtype == np.asarray(value).dtype
    np.testing.assert_array_equal(back, value)  # NaN equals NaN here
    assert json.loads(plain_data.dumps(value)) is not None  # strict JSON: no bare NaN token


def test_numbers_cross_bit_for_bit():
    value = {"W1": np.random.default_rng(1).standard_normal((3, 4)), "n": 2**62, "t": (np.int8(-3), [True, None])}
    back = plain_data.loads(plain_data.dumps(value))
    assert back["W1"].tobytes() == value["W1"].tobytes()
    assert back["n"] == 2**62 and back["t"][0].dtype == np.int8 and back["t"][1] == [True, None]


# ---------------------------------------------------------------- harvest


def harvest_answers(namespace, items, tmp_path, seconds=30):
    out = tmp_path / "answers.jsonl"
    harvest.harvest(namespace, {"seconds": seconds, "items": items}, str(out))
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_harvest_returns_values_raises_and_arguments_left_changed(tmp_path):
    def doubles(x):
        return 2 * x

    def changes_in_place(params):
        params["W1"] *= 3
        params["new"] = 1.0
        return None

    def raises(x):
        raise ValueError("secret " + "x" * 5000)

    namespace = {"doubles": doubles, "changes_in_place": changes_in_place, "raises": raises, "my_value": 0.5}
    args = [plain_data.encode(np.array([1.0, np.nan]))]
    params = [plain_data.encode({"W1": np.ones((2, 2))})]
    items = [{"id": 0, "name": "doubles", "args": args}, {"id": 1, "name": "changes_in_place", "args": params},
             {"id": 2, "name": "raises", "args": args}, {"id": 3, "name": "my_value"},
             {"id": 4, "name": "my_missing", "args": args}]
    records = {r["id"]: r for r in harvest_answers(namespace, items, tmp_path)}
    np.testing.assert_array_equal(plain_data.decode(records[0]["answer"]), [2.0, np.nan])
    assert "after" not in records[0]  # left its argument alone
    [after] = plain_data.decode(records[1]["after"])
    np.testing.assert_array_equal(after["W1"], 3 * np.ones((2, 2)))
    assert after["new"] == 1.0
    assert records[2]["raised"] == "ValueError" and len(records[2]["message"]) <= 200
    assert plain_data.decode(records[3]["answer"]) == 0.5
    assert records[4] == {"id": 4, "missing": True}


# ---------------------------------------------------------------- judge


@pytest.fixture(scope="module")
def sigmoid_plan():
    return judge.plan(nbformat.read(ROOT / "book" / "03_sigmoid.ipynb", as_version=4))


@pytest.fixture(scope="module")
def backprop_plan():
    return judge.plan(nbformat.read(ROOT / "book" / "06_backprop.ipynb", as_version=4))


def book_answers(plan, functions, change=None):
    """The answers the book's functions give; ``change(name, value)`` alters each returned value."""
    answers = []
    for item in plan.items:
        fn = functions.get(item["name"])
        if fn is None or "args" not in item:
            continue
        got = fn(*[plain_data.decode(a) for a in item["args"]])
        if change is not None:
            got = change(item["name"], got)
        answers.append({"id": item["id"], "answer": plain_data.encode(got)})
    return answers


SIGMOID = {"my_sigmoid": nnlib.sigmoid, "my_sigmoid_backward": nnlib.sigmoid_backward}


def grade_of(verdict):
    """The points nbgrader gives a test cell with the verdict's outputs (what the gradebook records)."""
    from nbgrader.utils import determine_grade

    cell = nbformat.v4.new_code_cell("", outputs=[nbformat.from_dict(o) for o in verdict.outputs])
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "points": 99, "grade_id": "x"}
    return determine_grade(cell)[0]


def test_the_books_functions_earn_every_point(sigmoid_plan):
    verdicts = judge.judge(sigmoid_plan, book_answers(sigmoid_plan, SIGMOID))
    for grade_id in ("ex3_1_check", "ex3_1_hidden", "ex3_2_check", "ex3_2_hidden"):
        assert verdicts[grade_id].earned == sigmoid_plan.cells[grade_id].points > 0
        assert grade_of(verdicts[grade_id]) in (99, verdicts[grade_id].earned)


def test_an_answer_just_outside_the_tolerance_fails(sigmoid_plan):
    # One part in a million: well inside float64's accuracy, 10 times the hidden tests' rtol of 1e-7.
    def nudge(name, got):
        return (got[0] * (1 + 1e-6), got[1]) if name == "my_sigmoid" else got

    verdicts = judge.judge(sigmoid_plan, book_answers(sigmoid_plan, SIGMOID, nudge))
    assert verdicts["ex3_1_hidden"].earned == 0
    assert grade_of(verdicts["ex3_1_hidden"]) == 0
    assert verdicts["ex3_1_check"].earned == 0 and grade_of(verdicts["ex3_1_check"]) == 0
    assert verdicts["ex3_2_hidden"].earned == 2  # the other function untouched


def test_a_function_that_raises_earns_nothing(sigmoid_plan):
    answers = [{"id": item["id"], "raised": "ZeroDivisionError", "message": "no"}
               for item in sigmoid_plan.items if item["name"] == "my_sigmoid"]
    answers += [a for a in book_answers(sigmoid_plan, SIGMOID) if a["id"] not in {b["id"] for b in answers}]
    verdicts = judge.judge(sigmoid_plan, answers)
    for grade_id in ("ex3_1_check", "ex3_1_hidden"):
        assert verdicts[grade_id].earned == 0 and grade_of(verdicts[grade_id]) == 0, grade_id
    assert "raised ZeroDivisionError" in verdicts["ex3_1_hidden"].reason


def test_no_answer_at_all_earns_nothing(sigmoid_plan):
    verdicts = judge.judge(sigmoid_plan, [], unavailable="the sandbox stopped")
    for grade_id, verdict in verdicts.items():
        assert verdict.earned == 0 and grade_of(verdict) == 0, grade_id


def test_hidden_cases_are_asked_for_after_every_public_call(sigmoid_plan):
    first, second = sigmoid_plan.request(10)["phases"]
    hidden = {case.item for cell in sigmoid_plan.cells.values() for case in cell.cases}
    assert hidden and {i["id"] for i in second} == hidden
    assert not hidden & {i["id"] for i in first}


def test_what_a_function_raises_on_hidden_inputs_is_not_shown(sigmoid_plan):
    # The message carries the inputs, in base64 and in decimals: the verdict names the type only.
    answers = book_answers(sigmoid_plan, SIGMOID)
    leaked = []
    for cell in sigmoid_plan.cells.values():
        for case in cell.cases:
            flat = np.concatenate([np.ravel(np.asarray(a, dtype=float)) for a in case.args
                                   if not isinstance(a, (tuple, dict))])
            text = " ".join(f"{v:.6g}" for v in flat[:20])
            leaked.append(text)
            answers = [a for a in answers if a["id"] != case.item]
            answers.append({"id": case.item, "raised": "ValueError", "message": text})
    verdicts = judge.judge(sigmoid_plan, answers)
    shown = json.dumps([v.outputs for v in verdicts.values()]) + " ".join(v.reason for v in verdicts.values())
    assert "raised ValueError" in shown
    for text in leaked:
        assert text[:30] not in shown


def test_a_hidden_failure_shows_no_value(sigmoid_plan):
    def replace(name, got):
        return (np.full_like(got[0], 0.123456789), got[1]) if name == "my_sigmoid" else got

    verdicts = judge.judge(sigmoid_plan, book_answers(sigmoid_plan, SIGMOID, replace))
    text = json.dumps(verdicts["ex3_1_hidden"].outputs)
    assert "FAILED" in text and "0.123" not in text


def test_a_change_in_place_fails_the_check_and_the_hidden_cases(backprop_plan):
    # Right values, and the caller's dA changed too: the harvest says so with "after", and the
    # hidden cases fail it; so does the chapter's public check of one_layer_backward, replayed.
    answers = []
    for item in backprop_plan.items:
        if item["name"] != "my_one_layer_backward":
            continue
        dA, cache = [plain_data.decode(a) for a in item["args"]]
        new = nnlib.one_layer_backward(dA, cache)
        answers.append({"id": item["id"], "answer": plain_data.encode(new),
                        "after": plain_data.encode([np.ones_like(dA), cache])})
    verdicts = judge.judge(backprop_plan, answers)
    assert verdicts["ex6_1_hidden"].earned == 0
    assert "changes its inputs in place" in verdicts["ex6_1_hidden"].reason
    assert verdicts["ex6_1_check"].earned == 0
    assert "changes its inputs in place (dA changed)" in verdicts["ex6_1_check"].reason
    # Without "after", the same values pass: the in-place change is what failed.
    verdicts = judge.judge(backprop_plan, [{k: v for k, v in a.items() if k != "after"} for a in answers])
    assert verdicts["ex6_1_hidden"].earned == 2
    assert verdicts["ex6_1_check"].earned == backprop_plan.cells["ex6_1_check"].points > 0


# ---------------------------------------------------------------- publish


def test_error_text_is_a_type_and_a_short_prefix():
    token = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo" * 10
    message = f"bad input\n\x1b[31m{token} 1.2345,2.3456,3.4567,4.5678,5.6789 " + "y " * 500
    text = publish.error_text("ValueError", message)
    assert text.startswith("ValueError: bad input") and len(text) <= len("ValueError: ") + publish.PREFIX
    assert "QUJD" not in text and "1.2345" not in text and "\x1b" not in text and "\n" not in text
    assert publish.error_text("E1_234_5678", "") == "an exception of its own class"


@pytest.mark.parametrize("cell", ["=2+5*cmd|calc", "+1", "-1+1", "@SUM(A1)", "\tx", "\r=1"])
def test_no_csv_cell_reads_as_a_formula(cell):
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL).writerow([publish.csv_cell(cell)])
    [[back]] = list(csv.reader(io.StringIO(out.getvalue())))
    assert back.startswith("'")  # a spreadsheet shows it as text
    if cell.isprintable():
        assert publish.csv_value(back) == cell  # and scores.csv reads its own rows back


def test_the_sanitised_page_keeps_no_script():
    page = ("<html><head><style>p {color: red}</style><script src='x.js'></script></head><body>"
            "<p onclick='x()'>hi</p><script>alert(1)</script><img src='x' onerror='alert(1)'>"
            "<a href='javascript:alert(1)'>a</a><img src='data:image/png;base64,AAAA'>"
            "<iframe src='http://x'></iframe><svg onload='alert(1)'></svg></body></html>")
    clean = publish.sanitise_page(page)
    lower = clean.lower()
    assert "<script" not in lower and "onclick" not in lower and "onerror" not in lower and "onload" not in lower
    assert "javascript:" not in lower and "<iframe" not in lower
    assert "p {color: red}" in clean and "data:image/png;base64,AAAA" in clean and "<p>hi</p>" in clean
    assert "script-src 'none'" in clean


def test_feedback_keeps_the_chapters_tex_and_names_only_the_courses_mathjax(tmp_path):
    # The TeX stays as text for MathJax; the page's only scripts are the course's copy of it
    # (tests/site/test_feedback_math.py typesets such a page in Chromium).
    page = ("<html><head><title>t</title></head><body><div class='text_cell_render'><p>$\\sigma(z)$ and "
            "$$a - y$$</p></div><script src='../../.mathjax/evil.js'></script><script>alert(1)</script></body></html>")
    plain = publish.sanitise_page(page)
    assert "$\\sigma(z)$" in plain and "$$a - y$$" in plain and "<script" not in plain
    with_math = publish.sanitise_page(page, "../../.mathjax")
    assert "$\\sigma(z)$" in with_math and "script-src 'self'" in with_math and "script-src 'none'" not in with_math
    assert re.findall(r"<script[^>]*>", with_math) == ['<script src="../../.mathjax/nnlib-config.js">',
                                                       '<script src="../../.mathjax/tex-chtml.js" id="MathJax-script">']
    folder = publish.install_mathjax(tmp_path / "feedback")
    assert folder == tmp_path / "feedback" / publish.MATHJAX_FOLDER
    assert (folder / "tex-chtml.js").is_file() and (folder / "ui" / "safe.js").is_file()
    assert any((folder / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    assert "processHtmlClass" in (folder / publish.MATHJAX_CONFIG_FILE).read_text()


def test_student_markdown_is_shown_as_literal_text():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    nested = "[" * 3000 + "x" + "]" * 3000 + " ``` <script>alert(1)</script>"
    html = markdown2html_mistune(publish.quote_markdown(nested))
    assert "<script>" not in html and "&lt;script&gt;" in html and "[" * 3000 in html


# ---------------------------------------------------------------- intake


def test_a_submission_is_one_regular_file(tmp_path):
    import os

    notebook = json.dumps(nbformat.v4.new_notebook()).encode()
    outside = tmp_path / "secret.ipynb"
    outside.write_bytes(notebook)
    top = tmp_path / "class"
    (top / "alice" / "03_sigmoid").mkdir(parents=True)
    (top / "alice" / "03_sigmoid" / "03_sigmoid.ipynb").write_bytes(notebook)
    (top / "alice" / "03_sigmoid" / "notes.txt").write_text("left alone")
    (top / "bob" / "03_sigmoid").mkdir(parents=True)
    (top / "bob" / "03_sigmoid" / "03_sigmoid.ipynb").symlink_to(outside)
    (top / "carol").mkdir()
    (top / "carol" / "03_sigmoid").symlink_to(top / "alice" / "03_sigmoid")
    (top / "dan").symlink_to(top / "alice")
    (top / "erin" / "03_sigmoid").mkdir(parents=True)
    os.mkfifo(top / "erin" / "03_sigmoid" / "03_sigmoid.ipynb")
    (top / "fay" / "03_sigmoid").mkdir(parents=True)
    (top / "fay" / "03_sigmoid" / "03_sigmoid.ipynb").write_bytes(b"x" * 101)
    (top / "gus" / "99_nothing").mkdir(parents=True)
    entries = {(e.student, e.chapter): e for e in intake.read_class(top, ["03_sigmoid"], max_bytes=100)}
    assert entries["alice", "03_sigmoid"].data == notebook and entries["alice", "03_sigmoid"].ignored == ["notes.txt"]
    assert "symbolic link" in entries["bob", "03_sigmoid"].skipped and entries["bob", "03_sigmoid"].data is None
    assert "symbolic link" in entries["carol", "03_sigmoid"].skipped
    assert "symbolic link" in entries["dan", ""].skipped
    assert "named pipe" in entries["erin", "03_sigmoid"].skipped  # and the read did not block
    assert "above the limit of 100" in entries["fay", "03_sigmoid"].skipped
    assert "not a chapter with exercises" in entries["gus", "99_nothing"].skipped
    written = intake.write_fresh(notebook, tmp_path / "course" / "alice", "03_sigmoid.ipynb")
    assert written.read_bytes() == notebook and not written.is_symlink()


# ---------------------------------------------------------------- the cgroup quota


@pytest.fixture
def quota():
    import os

    from coursework import quota as quotas

    found = quotas.detect(f"nnlib-grade-test-{os.getpid()}")
    if not found.version:
        pytest.skip(f"no cgroup to use here: {found.why_not}")
    yield found
    found.close()
    assert not [base for base in found.bases.values() if base.exists()]


def test_a_submissions_processes_share_one_memory_quota(quota):
    import subprocess

    group = quota.group("memory", memory=256 * 1024**2, cpus=1, pids=16)
    # Two processes of 200 MB each: each alone is under the quota, together they are not.
    code = "import numpy as np, time; a = np.ones(200 * 1024**2 // 8); time.sleep(30)"
    first = subprocess.Popen([sys.executable, "-c", code], preexec_fn=group.enter)
    second = subprocess.Popen([sys.executable, "-c", code], preexec_fn=group.enter)
    import time

    for _ in range(1200):  # until one of them ends (the other sleeps on)
        if first.poll() is not None or second.poll() is not None:
            break
        time.sleep(0.1)
    codes = [first.poll(), second.poll()]
    group.remove()  # and the other with it
    assert -9 in codes  # the kernel's OOM killer, inside the cgroup only


def test_a_submissions_processes_share_one_process_quota(quota):
    import subprocess

    group = quota.group("pids", memory=1024**3, cpus=1, pids=8)
    code = ("import subprocess\nfor n in range(20):\n    try:\n"
            "        subprocess.Popen(['sleep', '30'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
            "    except OSError as error:\n        print('refused after', n, type(error).__name__)\n        break\n")
    out = subprocess.run([sys.executable, "-c", code], preexec_fn=group.enter, capture_output=True, text=True,
                         timeout=120).stdout
    group.remove()
    assert "refused after" in out and int(out.split()[2]) < 8


# ---------------------------------------------------------------- the wall


def test_the_wall_imports_nothing_of_the_grader():
    # coursework/wall/ is all of ours that a sandbox holds: it imports only itself, the standard
    # library, numpy and Jupyter's client, never the rest of coursework (which the sandbox lacks).
    import ast

    allowed = set(sys.stdlib_module_names) | {"numpy", "nbformat", "nbclient"}
    for path in sorted((ROOT / "coursework" / "wall").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert node.level <= 1, f"{path.name} reaches outside wall/: from {'.' * node.level}{node.module}"
                names = [] if node.level else [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}, which a sandbox may not have"
