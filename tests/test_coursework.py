"""The coursework tooling: student edition, autograding with nbgrader, no leaks.

One run of ``python -m coursework student`` and ``grade`` (what ``make
student`` and ``make grade`` do) on the fixture submissions in
tests/submissions/, with links, a pipe and stray entries added at test time,
in a build folder of its own, serves most tests here. The checks of processes
left behind count only that run's sandboxes (their uids follow from its
process id) and cgroups. tests/test_grading_units.py tests the judge, the
harvest and the plain-data codec alone, in seconds.
"""

import csv
import html as html_module
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from coursework import cells, editions, folders, hidden_tests, judge, leaks, publish, sandbox
from coursework.wall import plain_data

ROOT = Path(__file__).resolve().parents[1]

SUBMISSIONS = ROOT / "tests" / "submissions"
CHAPTER = "03_sigmoid"  # the chapter of every kind of mistake
# Seconds per cell while grading the fixtures: generous, because on a loaded 2-core machine a
# cell that takes a second alone can take 20 (10 s expired there). Only the timeout fixture
# waits the whole limit, once.
TIMEOUT = 60
# Points: 2 + 2 of them hidden in the sigmoid chapter, 2 in the backprop one, 2 in the initialisation one.
MAX = {"03_sigmoid": 7, "06_backprop": 7, "02_init": 4}

# (student, chapter) -> (score, what the reason must say). The threats (coursework/make_submissions.py)
# score what their honest answers score: tamper's are wrong, the others' right but for the
# function that hogs memory or forks.
EXPECTED = {
    ("perfect", "03_sigmoid"): (7, "all tests passed"),
    ("deleted_test", "03_sigmoid"): (7, "ex3_1_check 1/1: this test cell had been deleted; nbgrader put it back"),
    ("wrong", "03_sigmoid"): (1, "ex3_1_check 0/1: CheckFailed"),
    ("imported", "03_sigmoid"): (4, "nnlib's own sigmoid is not available while your work is graded"),
    ("raises", "03_sigmoid"): (1, "ValueError: I could not get this to work"),
    ("timeout", "03_sigmoid"): (4, "raised TimeoutError: timed out"),
    ("syntax_error", "03_sigmoid"): (4, "ex3_1_solution: SyntaxError"),
    ("blank", "03_sigmoid"): (0, "NotImplementedError"),
    ("empty", "03_sigmoid"): (0, "skipped: the notebook file is empty (0 bytes)"),
    ("tamper", "03_sigmoid"): (1, "ex3_1_check 0/1: CheckFailed: my_sigmoid(Z) is not right"),
    ("snoop", "03_sigmoid"): (7, "all tests passed"),
    ("linger", "03_sigmoid"): (7, "all tests passed"),
    ("hog", "03_sigmoid"): (4, "ex3_2_check 0/1: CheckFailed: my_sigmoid_backward(dA, cache) raised MemoryError"),
    ("flood", "03_sigmoid"): (7, "all tests passed"),
    ("forkbomb", "03_sigmoid"): (
        4, "ex3_2_check 0/1: CheckFailed: my_sigmoid_backward(dA, cache) raised BlockingIOError"),
    ("perfect", "06_backprop"): (7, "all tests passed"),
    ("tamper", "06_backprop"): (0, "ex6_1_check 0/1: CheckFailed: my_one_layer_backward(dA, cache) is not right"),
    ("snoop", "06_backprop"): (7, "all tests passed"),
    ("linger", "06_backprop"): (7, "all tests passed"),
    ("hog", "06_backprop"): (4, "ex6_2_check 0/3: CheckFailed: my_weighted_dZ(ZL, Y, w) raised MemoryError"),
    ("flood", "06_backprop"): (7, "all tests passed"),
    ("forkbomb", "06_backprop"): (
        4, "ex6_2_check 0/3: CheckFailed: my_weighted_dZ(ZL, Y, w) raised BlockingIOError"),
}
# The threats to what grading publishes and to the grader (make_submissions.py): each scores
# at most what the honest but wrong submission of its chapter scores (0: every answer is off).
HONEST_WRONG = {"02_init": 0, "06_backprop": 0}
for _chapter in HONEST_WRONG:
    EXPECTED |= {
        ("wrong", _chapter): (0, "is not right"),
        ("slips", _chapter): (0, "raised ModuleNotFoundError: No module named 'nnlib.check._ch"),
        ("leaky", _chapter): (0, "raised ValueError"),
        ("chatter", _chapter): (0, "is not right"),
        ("brackets", _chapter): (0, "is not right"),
        ("scripts", _chapter): (0, "is not right"),
        ("=1+2+cmd|calc!A0", _chapter): (0, "is not right"),
    }
THREATS = ["slips", "leaky", "chatter", "brackets", "scripts", "=1+2+cmd|calc!A0"]

# Entries that are not one regular notebook, made at test time in the class's folder (git keeps
# links poorly): each is skipped with its reason, and none is followed or copied.
# (student, chapter) -> what the reason must say.
SKIPPED = {
    ("link_to_source", "05_cost"): "05_cost.ipynb is a symbolic link, not a regular file",
    ("link_to_classmate", "03_sigmoid"): "03_sigmoid.ipynb is a symbolic link, not a regular file",
    ("link_to_gradebook", "07_update"): "07_update.ipynb is a symbolic link, not a regular file",
    ("linked_chapter", "03_sigmoid"): "not a chapter folder (a symbolic link)",
    ("linked_student", ""): "not a student folder (a symbolic link)",
    ("dangling", "05_cost"): "05_cost.ipynb is a symbolic link, not a regular file",
    ("pipe", "07_update"): "07_update.ipynb is a named pipe, not a regular file",
    ("__MACOSX", "perfect"): "not a chapter with exercises",
    ("not_json", "05_cost"): "05_cost.ipynb is not a notebook (not JSON)",
    ("too_big", "05_cost"): "bytes, above the limit of",
    ("=2+5*cmd|calc", "03_sigmoid"): "which nbgrader reads as a pattern",
    ("stray_file.txt", ""): "not a student folder (a file)",
}


def make_class(folder: Path, course: Path) -> None:
    """The fixtures, and beside them every odd entry of SKIPPED, in ``folder``."""
    shutil.copytree(SUBMISSIONS, folder)
    links = {"link_to_source/05_cost/05_cost.ipynb": course / "source" / "05_cost" / "05_cost.ipynb",
             "link_to_classmate/03_sigmoid/03_sigmoid.ipynb": Path("../../perfect/03_sigmoid/03_sigmoid.ipynb"),
             "link_to_gradebook/07_update/07_update.ipynb": course / "gradebook.db",
             "linked_chapter/03_sigmoid": folder / "perfect" / "03_sigmoid",
             "linked_student": folder / "perfect",
             "dangling/05_cost/05_cost.ipynb": Path("/nonexistent/05_cost.ipynb")}
    for name, target in links.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).symlink_to(target)
    (folder / "pipe" / "07_update").mkdir(parents=True)
    os.mkfifo(folder / "pipe" / "07_update" / "07_update.ipynb")
    (folder / "__MACOSX" / "perfect" / "03_sigmoid").mkdir(parents=True)
    (folder / "__MACOSX" / "perfect" / "03_sigmoid" / "._03_sigmoid.ipynb").write_bytes(b"\0\5\26\7Mac OS X")
    (folder / "perfect" / "03_sigmoid" / "__MACOSX").mkdir()  # left alone beside a good notebook
    (folder / "not_json" / "05_cost").mkdir(parents=True)
    (folder / "not_json" / "05_cost" / "05_cost.ipynb").write_text("{not json")
    (folder / "too_big" / "05_cost").mkdir(parents=True)
    with open(folder / "too_big" / "05_cost" / "05_cost.ipynb", "wb") as f:
        f.truncate(6 * 1024**2)  # sparse: 6 MB that take no room
    shutil.copytree(SUBMISSIONS / "wrong" / "03_sigmoid", folder / "=2+5*cmd|calc" / "03_sigmoid")
    (folder / "stray_file.txt").write_text("not a submission")
MARKER = "nnlib-hostile-snoop.txt"  # the file snoop tries to leave in every folder it can


RUNS = {}  # the stdout of each grading run -> its process id (whose sandboxes' uids follow from it)


def run(*args, build):
    process = subprocess.Popen(
        [sys.executable, "-m", "coursework", "--build", str(build), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    stdout, stderr = process.communicate(timeout=3600)
    assert process.returncode == 0, stdout + stderr
    RUNS[stdout] = process.pid
    return stdout


def places_snoop_tries(build):
    """Where snoop would leave its file if it could: the temporary folder, home, and above the course."""
    course = build / "course" / "submitted" / "snoop" / "03_sigmoid"
    return [Path(tempfile.gettempdir()), Path.home(), *course.parents]


def sandbox_processes(slots: range) -> list[str]:
    """Processes of the sandboxes' users of ``slots``: one grading run's, never another run's."""
    uids = {sandbox.FIRST_UID + slot for slot in slots}
    table = subprocess.run(["ps", "-eo", "uid=,args="], capture_output=True, text=True).stdout
    return [line for line in table.splitlines() if int(line.split(None, 1)[0]) in uids]


def slots_of(pid: int) -> range:
    """The sandbox slots of the grading run with process id ``pid`` (coursework.grading.grade)."""
    first = (pid % 100_000) * sandbox.MAX_JOBS
    return range(first, first + sandbox.MAX_JOBS)


def cgroups_of(pid: int) -> list[Path]:
    """The cgroups the grading run with process id ``pid`` made and left behind."""
    return [p for p in Path("/sys/fs/cgroup").glob("**/nnlib-grade-*") if p.name.startswith(f"nnlib-grade-{pid}-")]


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """make student (every chapter), then make grade on the class (the fixtures and odd entries), two at a time."""
    build = tmp_path_factory.mktemp("build")
    planted = [p / MARKER for p in places_snoop_tries(build) if (p / MARKER).exists()]
    assert not planted, f"left over from an earlier run: {planted}"
    run("student", build=build)
    make_class(build / "class", build / "course")
    out = run("grade", str(build / "class"), "--timeout", str(TIMEOUT), "--jobs", "2", build=build)
    (build / "grade-output.txt").write_text(out)
    (build / "grade-pid").write_text(str(RUNS[out]))
    return build


@pytest.fixture(scope="module")
def console(build):
    return (build / "grade-output.txt").read_text()


def read_scores(path):
    """scores.csv's rows by (student, chapter), names as the folders have them (publish.csv_value)."""
    with open(path, newline="") as f:
        rows = [{k: publish.csv_value(v) for k, v in row.items()} for row in csv.DictReader(f)]
    return {(row["student"], row["chapter"]): row for row in rows}


@pytest.fixture(scope="module")
def scores(build):
    return read_scores(build / "course" / "scores.csv")


def gradebook_entries(build):
    """(student, chapter, grade cell) -> auto score, for every entry of the gradebook."""
    from nbgrader.api import Gradebook

    entries = {}
    with Gradebook(f"sqlite:///{build / 'course' / 'gradebook.db'}", folders.COURSE_ID) as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        entries[submission.student_id, assignment.name, grade.name] = grade.auto_score
    return entries


def test_the_fixtures_are_the_expected_submissions():
    found = sorted((p.parent.parent.name, p.parent.name) for p in SUBMISSIONS.glob("*/*/*.ipynb"))
    assert found == sorted(EXPECTED)
    assert not [p for p in SUBMISSIONS.rglob("*") if p.is_symlink()]  # links are made at test time
    for student, chapter in EXPECTED:
        assert (SUBMISSIONS / student / chapter / f"{chapter}.ipynb").exists()


@pytest.mark.parametrize("student,chapter", sorted(EXPECTED))
def test_each_submission_gets_its_score_and_reason(scores, student, chapter):
    score, reason = EXPECTED[student, chapter]
    row = scores[student, chapter]
    assert float(row["max_score"]) == MAX[chapter]
    assert float(row["score"]) == score, row["reason"]
    assert reason in row["reason"]
    assert row["sandboxed"] == ("yes" if row["status"] == "graded" else "")


def test_hidden_tests_give_partial_credit(scores):
    # imported: nnlib's sigmoid is not in the grading sandbox, so the hidden tests fail too.
    assert "ex3_1_hidden 0/2" in scores["imported", "03_sigmoid"]["reason"]
    assert "ex3_1_hidden" not in scores["perfect", "03_sigmoid"]["reason"]


def test_scores_csv_and_the_gradebook_agree(build, scores):
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{build / 'course' / 'gradebook.db'}", folders.COURSE_ID) as gb:
        for (student, chapter), row in scores.items():
            if row["status"] == "skipped":
                with pytest.raises(MissingEntry):
                    gb.find_submission(chapter, student)
                assert float(row["score"]) == 0
            else:
                assert gb.find_submission(chapter, student).score == float(row["score"]), (student, chapter)


def test_no_submission_reached_the_course_or_the_machine(build, scores):
    # snoop looked for notebooks and gradebooks above its folder and found none; it wrote nowhere.
    for chapter in ("03_sigmoid", "06_backprop"):
        nb = nbformat.read(build / "course" / "autograded" / "snoop" / chapter / f"{chapter}.ipynb", as_version=4)
        text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
        assert "course files found outside my folder: 0" in text
        assert "set every score to 0" not in text
        assert "wrote a file in /tmp" in text  # its own /tmp, gone with its sandbox
    planted = [p / MARKER for p in places_snoop_tries(build) if (p / MARKER).exists()]
    assert planted == []


def test_no_process_outlives_the_grading(build):
    pid = int((build / "grade-pid").read_text())
    assert sandbox_processes(slots_of(pid)) == []
    assert cgroups_of(pid) == []


def test_output_is_cut_at_the_cap(build):
    for chapter in ("03_sigmoid", "06_backprop"):
        nb = nbformat.read(build / "course" / "autograded" / "flood" / chapter / f"{chapter}.ipynb", as_version=4)
        sizes = [len(json.dumps(c.get("outputs", []))) for c in nb.cells if c.cell_type == "code"]
        assert max(sizes) < 1.1e6  # 1 MB kept, plus the note and JSON quoting
        assert "[Output cut: this cell printed 6" in json.dumps(nb)
        html = build / "course" / "feedback" / "flood" / chapter / f"{chapter}.html"
        assert html.stat().st_size < 3e6


def test_grading_one_submission_leaves_the_others_entries_alone(build, tmp_path):
    # Grade snoop again, alone: every other entry of the gradebook stays as it was.
    before = gradebook_entries(build)
    alone = tmp_path / "submissions"
    shutil.copytree(SUBMISSIONS / "snoop", alone / "snoop")
    run("grade", str(alone), "--timeout", str(TIMEOUT), build=build)
    after = gradebook_entries(build)
    assert before.keys() == after.keys()
    assert {k: v for k, v in after.items() if k[0] != "snoop"} == {k: v for k, v in before.items() if k[0] != "snoop"}
    rows = read_scores(build / "course" / "scores.csv")
    assert len(rows) == len(EXPECTED) + len(SKIPPED)  # the earlier rows are kept beside the new one
    test_scores_csv_and_the_gradebook_agree(build, rows)


def test_the_grading_edition_has_no_answer_to_lend(build):
    # nnlib's sigmoid, and nnlib.fast, which computes it again, are gone from the copy a
    # submission is graded with.
    out = subprocess.run([sys.executable, "-c", (
        "import inspect\n"
        "from nnlib import fast\n"
        "from nnlib.course import reference\n"
        "for fn in (reference('sigmoid'), reference('sigmoid_backward')):\n"
        "    try:\n"
        "        fn(*[0.0] * len(inspect.signature(fn).parameters))\n"
        "    except NameError as error:\n"
        "        print(error)\n"
        "try:\n"
        "    fast.sigmoid_in_place\n"
        "except NameError as error:\n"
        "    print(error)\n"
    )], cwd=build / "course" / "grading" / CHAPTER, capture_output=True, text=True, timeout=120).stdout
    assert out.count("is not available while your work is graded") == 3, out
    assert "nnlib.fast is not available" in out and "my_sigmoid, my_sigmoid_backward" in out


def test_every_graded_submission_has_feedback(build, scores):
    for (student, chapter), row in scores.items():
        html = build / "course" / "feedback" / student / chapter / f"{chapter}.html"
        assert html.exists() == (row["status"] == "graded"), student
    text = (build / "course" / "feedback" / "wrong" / "03_sigmoid" / "03_sigmoid.html").read_text()
    assert "CheckFailed" in text


def visible_text(path):
    """What a reader of a notebook or of its HTML sees: cell sources and outputs, or the page's text."""
    if path.suffix == ".html":
        return html_module.unescape(re.sub(r"<[^>]+>", "", path.read_text()))
    nb = nbformat.read(path, as_version=4)
    return "\n".join([c.source for c in nb.cells] + [json.dumps(c.get("outputs", [])) for c in nb.cells])


def test_feedback_shows_hidden_verdicts_not_hidden_tests(build, scores):
    hidden = [line for line in leaks.secret_lines() if line.startswith(("_hidden.case", "_params[", "_X ="))]
    source = visible_text(build / "course" / "source" / CHAPTER / f"{CHAPTER}.ipynb")
    assert [line for line in hidden if line in source], "the hidden tests are not found where they are"
    for (student, chapter), row in scores.items():
        for folder, suffix in (("autograded", "ipynb"), ("feedback", "html")):
            path = build / "course" / folder / student / chapter / f"{chapter}.{suffix}"
            if path.exists():
                text = visible_text(path)
                assert not [line for line in hidden if line in text], path
    text = visible_text(build / "course" / "feedback" / "wrong" / CHAPTER / f"{CHAPTER}.html")
    assert "FAILED (0/1) on the edge values -1000, -40, 0, 40 and 1000" in text
    assert "Their code and inputs stay with your instructor" in text


def test_without_a_sandbox_grading_stops_and_says_what_to_install(tmp_path):
    # A PATH with Python but no bwrap: make grade must refuse, and name the package.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("prlimit", "setpriv", "ps"):
        if shutil.which(tool):
            (bin_dir / tool).symlink_to(shutil.which(tool))
    one = tmp_path / "submissions"
    shutil.copytree(SUBMISSIONS / "perfect" / "03_sigmoid", one / "perfect" / "03_sigmoid")
    result = subprocess.run(
        [sys.executable, "-m", "coursework", "--build", str(tmp_path / "build"),
         "grade", str(one)], capture_output=True, text=True, timeout=600, cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k != "BWRAP"}, "PATH": str(bin_dir)})
    assert result.returncode != 0
    assert "apt-get install bubblewrap" in result.stderr and "UNSANDBOXED=1" in result.stderr


def test_the_gradebook_is_the_default_sqlite_file_of_the_course(build):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{build / 'course' / 'gradebook.db'}") as gb:
        assert gb.find_submission(CHAPTER, "perfect").score == 7


def test_the_student_edition_leaks_nothing(build):
    assert leaks.secret_lines(), "no solution lines found: the leak test would prove nothing"
    assert leaks.leaks(build / "student") == []


def test_the_leak_test_finds_a_planted_solution_line(build, tmp_path):
    student = tmp_path / "student"
    shutil.copytree(build / "student" / CHAPTER, student / CHAPTER)
    path = student / CHAPTER / f"{CHAPTER}.ipynb"
    nb = nbformat.read(path, as_version=4)
    solution = next(line for line in leaks.secret_lines() if "np.abs(Z)" in line)
    nb.cells[-1].source += "\n" + solution
    nbformat.write(nb, path)
    assert any(repr(solution) in leak for leak in leaks.leaks(student))


def test_the_leak_test_finds_a_hidden_test_and_grading_files(build, tmp_path):
    student = tmp_path / "student"
    shutil.copytree(build / "student" / CHAPTER, student / CHAPTER)
    hidden = next(line for line in leaks.secret_lines() if line.startswith("_hidden.case("))
    with open(student / CHAPTER / "nnlib" / "check" / "__init__.py", "a") as f:
        f.write("\n" + hidden + "\n")
    shutil.copy(build / "course" / "gradebook.db", student / CHAPTER)
    found = leaks.leaks(student)
    assert any(repr(hidden) in leak for leak in found)
    assert any("gradebook.db: grading files" in leak for leak in found)


def test_grading_files_live_only_in_the_course_folder(build):
    names = {p.name for p in (build / "student").rglob("*")}
    assert not names & leaks.GRADING_FILES
    course = {p.name for p in (build / "course").iterdir()}
    assert {"gradebook.db", "nbgrader_config.py", "source", "release", "autograded", "feedback"} <= course


def test_the_student_edition_has_every_chapter_with_exercises(build):
    assert sorted(p.name for p in (build / "student").iterdir()) == editions.chapters()
    for chapter in editions.chapters():
        nb = nbformat.read(build / "student" / chapter / f"{chapter}.ipynb", as_version=4)
        solutions = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
        assert solutions and all("# YOUR CODE HERE" in c.source for c in solutions)


def student_python(build, chapter, code):
    """Run code as a learner would, in the chapter's folder of the student edition."""
    result = subprocess.run([sys.executable, "-c", code], cwd=build / "student" / chapter,
                            capture_output=True, text=True, timeout=120)
    return result.stdout + result.stderr


def test_the_student_edition_withholds_the_chapters_functions(build):
    out = student_python(build, CHAPTER, (
        "import nnlib\n"
        "print(nnlib.__file__)\n"
        "print(type(nnlib.init_params).__name__, type(nnlib.sigmoid).__name__)\n"
        "nnlib.sigmoid(0.0)\n"
    ))
    assert f"student/{CHAPTER}/nnlib/__init__.py" in out
    assert "function Yours" in out  # the init chapter's function is nnlib's, the sigmoid is yours
    assert "ExerciseNotDone: sigmoid is yours to write in this workbook: do Exercise 3.1" in out


def test_a_later_chapter_gets_the_earlier_functions_from_nnlib(build):
    out = student_python(build, "08_train", (
        "import nnlib\n"
        "print(sorted(n for n in nnlib.__all__ if type(getattr(nnlib, n)).__name__ == 'Yours'))\n"
    ))
    # chapter 8's exercises ask for values, not functions: every function is nnlib's
    assert "[]" in out


def test_every_function_exercise_has_hidden_tests():
    # coursework/hidden_tests.py writes them (python -m coursework hidden-tests); run it after adding an exercise.
    for path in sorted((ROOT / "book").glob("[0-9]*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        ids = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
        for gid, cell in list(ids.items()):
            if not (gid or "").endswith("_solution"):
                continue
            names = [name for name in cells.learner_functions(cell.source) if name in hidden_tests.CASES]
            if names:
                hidden = ids.get(gid.replace("_solution", "_hidden"))
                assert hidden is not None, f"{path.name}: {gid} has no hidden tests"
                assert "remove-cell" in hidden.metadata["tags"]
                assert hidden.metadata["nbgrader"]["points"] > 0
                assert hidden.source == hidden_tests.hidden_source(names[0])


def test_a_notebook_past_its_time_limit_is_stopped_with_all_its_processes():
    # The whole-notebook limit: the sandbox is killed, the reason says so, and nothing is left running.
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import subprocess, time\nsubprocess.Popen(['sleep', '4242'])\ntime.sleep(600)")])
    job = {"notebook": nb, "notebook_name": "late.ipynb", "skip": [], "request": {"seconds": 5, "phases": []}}
    slot = slots_of(os.getpid())[-1]  # a uid that no grading run of another process uses
    # 30 s: the kernel must have started, and run the cell, before the limit (slow under load).
    result = sandbox.run(job, ROOT / "nnlib", sandbox.Limits(seconds=30, cell_timeout=300), slot=slot)
    assert result["failed"] == "ran past the 30 s limit for a whole notebook and was stopped"
    for _ in range(60):  # the kernel's processes go with the sandbox's pid namespace, promptly
        if not sandbox_processes(range(slot, slot + 1)):
            break
        time.sleep(1)
    assert sandbox_processes(range(slot, slot + 1)) == []


def test_answers_cross_the_sandbox_as_plain_data_only():
    value = {"W1": np.arange(6.0).reshape(2, 3), "n": 3, "pair": (np.float32(1.5), [True, None]),
             "edge": np.array([np.inf, -np.inf, np.nan])}
    back = plain_data.loads(plain_data.dumps(value))
    np.testing.assert_array_equal(back["W1"], value["W1"])
    assert back["pair"][0].dtype == np.float32 and back["pair"][1] == [True, None]
    np.testing.assert_array_equal(back["edge"], value["edge"])
    # Whatever is not numbers stays an unreadable marker; malformed data is refused.
    assert isinstance(plain_data.loads(plain_data.dumps(lambda: 1)), plain_data.Unreadable)
    for bad in ['{"array": ["__import__(\'os\')"], "dtype": "<f8", "shape": [1], "scalar": false}',
                '{"array": [1], "dtype": "|O", "shape": [1], "scalar": false}',
                '{"py/object": "os.system"}']:
        with pytest.raises(ValueError, match="not plain data"):
            plain_data.loads(bad)


@pytest.mark.parametrize("chapter", editions.chapters())
def test_the_judge_gives_the_books_solutions_full_marks(chapter):
    # Every chapter's checks and hidden tests, replayed by the judge on answers that the
    # book's solutions give (computed here, as the harvest would in a sandbox).
    import nnlib

    nb = nbformat.read(ROOT / "book" / f"{chapter}.ipynb", as_version=4)
    plan = judge.plan(nb)
    namespace = {"np": np, **{name: getattr(nnlib, name) for name in nnlib.__all__}}
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            try:
                exec(cells.python_only(cell.source), namespace)
            except Exception:  # noqa: BLE001 - a solution that needs the chapter's earlier cells
                pass
    answers = []
    for item in plan.items:
        if item["name"] not in namespace:
            continue
        fn_or_value = namespace[item["name"]]
        got = fn_or_value(*[plain_data.decode(a) for a in item["args"]]) if "args" in item else fn_or_value
        answers.append({"id": item["id"], "answer": json.loads(plain_data.dumps(got))})
    answered = {a["id"] for a in answers}
    verdicts = judge.judge(plan, answers)
    judged = 0
    for grade_id, graded in plan.cells.items():
        items = [i for i, _ in graded.calls] + [case.item for case in graded.cases]
        if items and set(items) <= answered:
            assert verdicts[grade_id].earned == graded.points, (grade_id, verdicts[grade_id].reason)
            judged += 1
    assert judged >= len(plan.cells) - 1  # at most one value needs the chapter's own cells


def test_unsandboxed_grading_marks_every_row(tmp_path):
    # The opt-out grades, and says so in scores.csv; perfect still scores 7 there.
    one = tmp_path / "submissions"
    shutil.copytree(SUBMISSIONS / "perfect" / CHAPTER, one / "perfect" / CHAPTER)
    out = run("grade", str(one), "--unsandboxed", build=tmp_path / "build")
    assert "UNSANDBOXED=1: the submissions' code runs with your rights" in out
    with open(tmp_path / "build" / "course" / "scores.csv") as f:
        [row] = list(csv.DictReader(f))
    assert (row["student"], float(row["score"]), row["sandboxed"]) == ("perfect", 7.0, "NO (UNSANDBOXED=1)")
    assert "none on its code (UNSANDBOXED=1: no sandbox, no cgroup quota)" in out


# ---------------------------------------------------------------- a class that tries everything


def test_the_class_finishes_with_every_odd_entry_skipped_and_said(build, scores, console):
    for (student, chapter), why in SKIPPED.items():
        row = scores[student, chapter]
        assert row["status"] == "skipped" and float(row["score"]) == 0, row
        assert why in row["reason"], row["reason"]
        assert f"skipped {student}/{chapter}: " in console
    assert all(row["status"] == "graded" for key, row in scores.items() if key in EXPECTED and key[0] != "empty")
    assert "left alone beside the notebook: __MACOSX" in scores["perfect", "03_sigmoid"]["reason"]


def test_no_link_is_followed_or_copied(build):
    course = build / "course"
    for folder in ("submitted", "autograded", "feedback"):
        assert not [p for p in (course / folder).rglob("*") if p.is_symlink()], folder
        students = {p.name for p in (course / folder).iterdir()}
        assert not students & {s for s, _ in SKIPPED}, folder
    for path in (course / "submitted").rglob("*"):
        assert path.is_dir() or path.name.endswith(".ipynb"), path  # one notebook each, nothing else
    assert not list((course / "submitted").rglob("__MACOSX"))


def test_no_threat_scores_above_the_honest_wrong_answers(scores):
    for chapter, honest in HONEST_WRONG.items():
        assert float(scores["wrong", chapter]["score"]) == honest
        for student in THREATS:
            if (student, chapter) in EXPECTED:
                assert float(scores[student, chapter]["score"]) <= honest, (student, chapter)


def test_the_grading_edition_has_no_checker_to_call(build):
    # The checkers compute right answers and named slips: only the grader runs them.
    for chapter in HONEST_WRONG:
        out = subprocess.run([sys.executable, "-c", (
            "from nnlib import check\n"
            "try:\n    check.cost_function\nexcept NameError as error:\n    print(error)\n"
            "import nnlib.check._core\n")], cwd=build / "course" / "grading" / chapter,
            capture_output=True, text=True, timeout=120)
        assert "nnlib.check is not available while your work is graded" in out.stdout
        assert "No module named 'nnlib.check._core'" in out.stderr


def hidden_inputs(chapter):
    """Every array of the chapter's hidden cases, as judge.plan reads them from the source."""
    plan = judge.plan(nbformat.read(ROOT / "book" / f"{chapter}.ipynb", as_version=4))
    arrays = []

    def collect(value):
        if isinstance(value, dict):
            for v in value.values():
                collect(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                collect(v)
        elif isinstance(value, np.ndarray) and value.size >= 3 and np.any(value != np.round(value)):
            arrays.append(np.asarray(value, dtype=float))  # not labels: 0s and 1s are everywhere

    for cell in plan.cells.values():
        for case in cell.cases:
            collect(case.args)
    return arrays


def published_text(build):
    """Everything a student or the instructor's spreadsheet is shown: feedback pages and scores.csv."""
    texts = [(build / "course" / "scores.csv").read_text()]
    texts += [p.read_text() for p in (build / "course" / "feedback").rglob("*.html")]
    return "\n".join(texts)


def test_no_byte_of_the_hidden_inputs_is_published(build):
    import base64

    text = published_text(build)
    leaky = (build / "course" / "feedback" / "leaky" / "06_backprop" / "06_backprop.html").read_text()
    assert "raised ValueError" in leaky  # the leaky submission's feedback, with what may be said
    arrays = [array for chapter in HONEST_WRONG for array in hidden_inputs(chapter)]
    assert arrays  # the backprop chapter's hidden cases hold arrays of real numbers
    for array in arrays:
        encoded = base64.b64encode(array.ravel().tobytes()).decode()
        decimals = " ".join(f"{v:.6g}" for v in array.ravel())
        for start in range(0, max(1, len(encoded) - 16), 8):
            window = encoded[start:start + 16]
            if len(set(window)) > 6:  # not a run of A's, which any PNG in a page has
                assert window not in text
        assert decimals[:24] not in text


def tags(path):
    """(tag, attributes) of every element of an HTML page."""
    from html.parser import HTMLParser

    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collect().feed(path.read_text())
    return found


def test_feedback_runs_no_script(build, scores):
    pages = list((build / "course" / "feedback").rglob("*.html"))
    assert len(pages) == sum(row["status"] == "graded" for row in scores.values())
    mathjax = f"../../{publish.MATHJAX_FOLDER}"
    for page in pages:
        # The only scripts: the course's MathJax and its configuration, from the feedback folder.
        assert re.findall(r"<script([^>]*)>(.*?)</script>", page.read_text(), re.S) == [
            (f' src="{mathjax}/{publish.MATHJAX_CONFIG_FILE}"', ""),
            (f' src="{mathjax}/tex-chtml.js" id="MathJax-script"', "")], page
        assert (page.parent / mathjax / "tex-chtml.js").is_file()
        for tag, attrs in tags(page):
            assert tag not in ("iframe", "object", "embed", "form", "base"), page
            assert not [a for a in attrs if a.startswith("on")], (page, tag, attrs)
            assert not any("javascript:" in (v or "").lower() for v in attrs.values()), (page, tag, attrs)
    for chapter in HONEST_WRONG:
        page = build / "course" / "feedback" / "scripts" / chapter / f"{chapter}.html"
        assert ("b", {"id": "shown"}) in tags(page)  # the HTML output is there, without its script
        assert "My notes. &lt;script&gt;" in page.read_text()  # the markdown, as literal text


def test_nested_brackets_are_shown_as_text(build):
    for chapter in HONEST_WRONG:
        page = (build / "course" / "feedback" / "brackets" / chapter / f"{chapter}.html").read_text()
        assert "[" * 20_000 + "\n[... cut: the cell is longer]" in page  # literal, and cut at 20,000 characters


def test_no_cell_of_scores_csv_reads_as_a_formula(build, scores):
    with open(build / "course" / "scores.csv", newline="") as f:
        values = [value for row in csv.reader(f) for value in row]
    assert not [c for c in values if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert ("=1+2+cmd|calc!A0", "02_init") in scores  # read back as the text it is
    raw = (build / "course" / "scores.csv").read_text()
    assert "\"'=1+2+cmd|calc!A0\"" in raw
    assert all(line.startswith('"') for line in raw.splitlines())  # every cell quoted


def test_a_print_flood_is_bounded_in_bytes(build, scores):
    limits = sandbox.Limits()
    for chapter in HONEST_WRONG:
        graded = build / "course" / "autograded" / "chatter" / chapter / f"{chapter}.ipynb"
        nb = nbformat.read(graded, as_version=4)
        outputs = sum(len(json.dumps(c.get("outputs", []))) for c in nb.cells if c.cell_type == "code")
        # The cap, plus the cut notes of 400 cells, and what the grader's verdicts add.
        assert outputs < limits.notebook_output_cap + 400 * 300 + 100_000
        assert "[Output cut: this cell printed 0.6 MB; this notebook's output has reached the cap" in json.dumps(nb)
        page = build / "course" / "feedback" / "chatter" / chapter / f"{chapter}.html"
        assert page.stat().st_size < 3 * limits.notebook_output_cap
        # The grader's own peak memory for it (its child process's maximum resident set).
        assert 0 < float(scores["chatter", chapter]["grader_mb"]) < 1024


def test_make_grade_says_which_limits_are_in_force(console):
    assert "Limits per submission: per process 2 GiB" in console
    assert "cgroup v" in console or "WARNING: without a cgroup" in console
