"""nnlib.course: the student edition's switch and the hidden tests' runner.

The switch changes nnlib's module attributes, so every test of it runs in a
fresh interpreter (a subprocess) that withholds, then reports what it saw.
"""

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np
import pytest

import nnlib
from nnlib import course


def run_in_student_edition(body: str, withheld=None) -> dict:
    """Run ``body`` after withholding ``withheld`` in a fresh Python; return its dict ``out``."""
    withheld = withheld or {"sigmoid": "Exercise 3.1", "one_layer_backward": "Exercise 6.1"}
    script = textwrap.dedent(
        f"""
        import json, __main__
        import numpy as np
        import nnlib
        from nnlib import course
        course.withhold({withheld!r})
        out = {{}}
        def attempt(key, f):
            try:
                out[key] = f()
            except Exception as error:
                out[key] = type(error).__name__ + ": " + str(error)
        """
    ) + textwrap.dedent(body) + "\nprint(json.dumps(out, default=repr))\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "workbook.py"  # a file, so that show_source finds the learner's code
        path.write_text(script)
        # The slowest such script took 11 s on 2 cores at load average 30, beside two busy
        # loops; the limit only ends a hang.
        result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_book_withholds_nothing():
    # In the book nnlib's functions are nnlib's own.
    assert course.EDITION == "book"
    assert nnlib.sigmoid.__module__ == "nnlib.activations" and not isinstance(nnlib.sigmoid, course.Yours)


def test_a_withheld_function_names_its_exercise_until_written():
    out = run_in_student_edition(
        """
        from nnlib import sigmoid
        from nnlib.activations import sigmoid as from_module
        out["same"] = sigmoid is from_module is nnlib.forward.sigmoid
        attempt("call", lambda: sigmoid(np.zeros(2)))
        """
    )
    assert out["same"] is True
    assert out["call"].startswith("ExerciseNotDone: sigmoid is yours to write")
    assert "Exercise 3.1" in out["call"] and "my_sigmoid" in out["call"]


def test_a_withheld_function_runs_the_learners_own():
    out = run_in_student_edition(
        """
        def my_sigmoid(Z):
            return "mine", Z
        __main__.my_sigmoid = my_sigmoid
        out["call"] = nnlib.sigmoid(1.0)[0]
        out["source"] = repr(nnlib.show_source(nnlib.sigmoid))
        """
    )
    assert out["call"] == "mine"
    assert 'return "mine", Z' in out["source"]


def test_nnlibs_own_code_keeps_nnlibs_function():
    # forward_prop calls sigmoid: a wrong my_sigmoid must not break it.
    out = run_in_student_edition(
        """
        __main__.my_sigmoid = lambda Z: ("wrong", Z)
        params = nnlib.init_params([3, 2, 1], seed=0)
        X = np.random.default_rng(0).standard_normal((3, 4))
        AL, _ = nnlib.forward_prop(X, params)
        A1 = 1 / (1 + np.exp(-(params["W1"] @ X + params["b1"])))
        out["AL"] = (1 / (1 + np.exp(-(params["W2"] @ A1 + params["b2"])))).tolist()
        out["got"] = AL.tolist()
        """
    )
    np.testing.assert_allclose(out["got"], out["AL"])


def test_passing_nnlibs_function_off_as_ones_own_fails():
    # my_sigmoid = sigmoid, or a body that calls it, cannot borrow nnlib's answer.
    out = run_in_student_edition(
        """
        from nnlib import check, sigmoid
        __main__.my_sigmoid = sigmoid
        attempt("alias", lambda: check.sigmoid(__main__.my_sigmoid))
        __main__.my_sigmoid = lambda Z: sigmoid(Z)
        attempt("wrapper", lambda: check.sigmoid(__main__.my_sigmoid))
        """
    )
    for key in ("alias", "wrapper"):
        assert out[key].startswith("CheckFailed") and "my_sigmoid itself" in out[key], out[key]


def test_checkers_still_compare_with_nnlib():
    out = run_in_student_edition(
        """
        from nnlib import check
        def my_one_layer_backward(dA, cache):
            (A_prev, W, b), Z = cache
            m = A_prev.shape[1]
            A, _ = nnlib.sigmoid(Z)
            dZ = dA * A * (1 - A)
            return W.T @ dZ, dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m
        __main__.my_one_layer_backward = my_one_layer_backward
        attempt("right", lambda: check.one_layer_backward(my_one_layer_backward))
        __main__.my_one_layer_backward = lambda dA, cache: tuple(2 * g for g in my_one_layer_backward(dA, cache))
        attempt("wrong", lambda: check.one_layer_backward(__main__.my_one_layer_backward))
        """,
        withheld={"one_layer_backward": "Exercise 6.1"},
    )
    assert out["right"] is None
    assert out["wrong"].startswith("CheckFailed")


def stable_sigmoid(Z):
    Z = np.asarray(Z, dtype=float)
    E = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1, E) / (1 + E), Z


def test_hidden_tests_give_a_point_per_passing_case(capsys):
    tests = course.HiddenTests("sigmoid", stable_sigmoid)
    tests.case("moderate Z", 1, np.linspace(-3, 3, 7).reshape(1, -1))
    tests.case("edge values", 2, np.array([[-1000.0, 0.0, 1000.0]]))
    assert tests.score() == 3
    assert capsys.readouterr().out.count("passed") == 2


def test_hidden_tests_grade_values_not_warnings(capsys):
    # The textbook's 1 / (1 + e^-Z) overflows at -1000 to the right answer, 0: full marks, and
    # no warning escapes to stderr.
    def naive(Z):
        return 1 / (1 + np.exp(-Z)), Z
    tests = course.HiddenTests("sigmoid", naive)
    tests.case("moderate Z", 1, np.linspace(-3, 3, 7).reshape(1, -1))
    tests.case("edge values", 2, np.array([[-1000.0, 0.0, 1000.0]]))
    course.EDITION = "student"
    try:
        assert tests.score() == 3
    finally:
        course.EDITION = "book"
    captured = capsys.readouterr()
    assert captured.out.count("passed") == 2 and captured.err == ""


def test_hidden_tests_give_partial_credit_and_say_why(capsys):
    # e^Z / (1 + e^Z) gives inf / inf = NaN at 1000: one case of two.
    def naive(Z):
        return np.exp(Z) / (1 + np.exp(Z)), Z
    tests = course.HiddenTests("sigmoid", naive)
    tests.case("moderate Z", 1, np.linspace(-3, 3, 7).reshape(1, -1))
    tests.case("edge values", 2, np.array([[-1000.0, 0.0, 1000.0]]))
    course.EDITION = "student"
    try:
        assert tests.score() == 1
    finally:
        course.EDITION = "book"
    printed = capsys.readouterr().out
    assert ("FAILED (0/2) on edge values: my_sigmoid is not right: value 0 of the tuple: "
            "the result contains NaN") in printed


def test_hidden_tests_keep_their_cases_for_the_grader():
    # The grader reads the cases (coursework/judge.py); nothing runs until score().
    calls = []
    tests = course.HiddenTests("sigmoid", lambda Z: calls.append(Z))
    tests.case("moderate Z", 1, np.zeros((2, 3)), rtol=1e-6)
    assert calls == []
    [case] = tests.cases
    assert (case.description, case.points, case.rtol, case.atol) == ("moderate Z", 1, 1e-6, 1e-10)
    np.testing.assert_array_equal(case.args[0], np.zeros((2, 3)))


def test_hidden_tests_fail_the_book_if_its_solution_fails():
    tests = course.HiddenTests("sigmoid", lambda Z: (Z, Z))
    tests.case("moderate Z", 1, np.ones((1, 2)))
    with pytest.raises(AssertionError, match="fails its hidden tests"):
        tests.score()
