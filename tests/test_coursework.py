"""The coursework tooling: student edition, autograding with nbgrader, no leaks.

One run of ``instructor/coursework.py student`` and ``grade`` (what ``make
student`` and ``make grade`` do) on the fixture submissions in
tests/submissions/, in a build folder of its own, serves every test here.
"""

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "instructor"))

import add_hidden_tests  # noqa: E402
import coursework  # noqa: E402

SUBMISSIONS = ROOT / "tests" / "submissions"
CHAPTER = "03_sigmoid"  # the fixtures' chapter: 7 points, 2 + 2 of them hidden
TIMEOUT = 10  # seconds per cell while grading the fixtures

# student -> (score out of 7, what the reason must say)
EXPECTED = {
    "perfect": (7, "all tests passed"),
    "deleted_test": (7, "ex3_1_check 1/1: this test cell had been deleted; nbgrader put it back"),
    "wrong": (1, "ex3_1_check 0/1: CheckFailed"),
    "imported": (5, "runs nnlib's own sigmoid"),
    "raises": (1, "ValueError: I could not get this to work"),
    "timeout": (4, "ex3_2_check 0/1: timed out"),
    "syntax_error": (1, "ex3_1_solution: SyntaxError"),  # my_sigmoid_backward calls my_sigmoid
    "blank": (0, "NotImplementedError"),
    "empty": (0, "could not be graded: the notebook file is empty (0 bytes)"),
}


def run(*args, build):
    result = subprocess.run(
        [sys.executable, str(ROOT / "instructor" / "coursework.py"), "--build", str(build), *args],
        capture_output=True, text=True, timeout=1800,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """make student (every chapter), then make grade on the fixture submissions."""
    build = tmp_path_factory.mktemp("build")
    run("student", build=build)
    run("grade", str(SUBMISSIONS), "--timeout", str(TIMEOUT), build=build)
    return build


@pytest.fixture(scope="module")
def scores(build):
    with open(build / "course" / "scores.csv") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


def test_the_fixtures_are_the_expected_submissions():
    assert sorted(p.name for p in SUBMISSIONS.iterdir()) == sorted(EXPECTED)
    for student in EXPECTED:
        assert (SUBMISSIONS / student / CHAPTER / f"{CHAPTER}.ipynb").exists()


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_each_submission_gets_its_score_and_reason(scores, student):
    score, reason = EXPECTED[student]
    row = scores[student]
    assert (row["chapter"], float(row["max_score"])) == (CHAPTER, 7)
    assert float(row["score"]) == score, row["reason"]
    assert reason in row["reason"]


def test_hidden_tests_give_partial_credit(scores):
    # imported: passes the public check with nnlib's sigmoid, then the hidden tests switch it off.
    assert "ex3_1_hidden 0/2" in scores["imported"]["reason"]
    assert "ex3_1_hidden" not in scores["perfect"]["reason"]


def test_every_graded_submission_has_feedback(build, scores):
    for student, row in scores.items():
        html = build / "course" / "feedback" / student / CHAPTER / f"{CHAPTER}.html"
        assert html.exists() == (student != "empty"), student
    text = (build / "course" / "feedback" / "wrong" / CHAPTER / f"{CHAPTER}.html").read_text()
    assert "CheckFailed" in text


def test_the_gradebook_is_the_default_sqlite_file_of_the_course(build):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{build / 'course' / 'gradebook.db'}") as gb:
        assert gb.find_submission(CHAPTER, "perfect").score == 7


def test_the_student_edition_leaks_nothing(build):
    assert coursework.secret_lines(), "no solution lines found: the leak test would prove nothing"
    assert coursework.leaks(build / "student") == []


def test_the_leak_test_finds_a_planted_solution_line(build, tmp_path):
    student = tmp_path / "student"
    shutil.copytree(build / "student" / CHAPTER, student / CHAPTER)
    path = student / CHAPTER / f"{CHAPTER}.ipynb"
    nb = nbformat.read(path, as_version=4)
    solution = next(line for line in coursework.secret_lines() if "np.abs(Z)" in line)
    nb.cells[-1].source += "\n" + solution
    nbformat.write(nb, path)
    assert any(repr(solution) in leak for leak in coursework.leaks(student))


def test_the_leak_test_finds_a_hidden_test_and_grading_files(build, tmp_path):
    student = tmp_path / "student"
    shutil.copytree(build / "student" / CHAPTER, student / CHAPTER)
    hidden = next(line for line in coursework.secret_lines() if line.startswith("_hidden.case("))
    with open(student / CHAPTER / "nnlib" / "check" / "__init__.py", "a") as f:
        f.write("\n" + hidden + "\n")
    shutil.copy(build / "course" / "gradebook.db", student / CHAPTER)
    found = coursework.leaks(student)
    assert any(repr(hidden) in leak for leak in found)
    assert any("gradebook.db: grading files" in leak for leak in found)


def test_grading_files_live_only_in_the_course_folder(build):
    names = {p.name for p in (build / "student").rglob("*")}
    assert not names & coursework.GRADING_FILES
    course = {p.name for p in (build / "course").iterdir()}
    assert {"gradebook.db", "nbgrader_config.py", "source", "release", "autograded", "feedback"} <= course


def test_the_student_edition_has_every_chapter_with_exercises(build):
    assert sorted(p.name for p in (build / "student").iterdir()) == coursework.chapters()
    for chapter in coursework.chapters():
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
    assert "['accuracy', 'predict']" in out


def test_every_function_exercise_has_hidden_tests():
    # instructor/add_hidden_tests.py writes them; run it when an exercise is added.
    for path in sorted((ROOT / "book").glob("[0-9]*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        ids = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
        for gid, cell in list(ids.items()):
            if not (gid or "").endswith("_solution"):
                continue
            names = [f[3:] for f in add_hidden_tests.defined_functions(cell.source)
                     if f.startswith("my_") and f[3:] in add_hidden_tests.CASES]
            if names:
                hidden = ids.get(gid.replace("_solution", "_hidden"))
                assert hidden is not None, f"{path.name}: {gid} has no hidden tests"
                assert "remove-cell" in hidden.metadata["tags"]
                assert hidden.metadata["nbgrader"]["points"] > 0
                assert hidden.source == add_hidden_tests.hidden_source(names[0])
