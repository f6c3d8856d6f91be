"""The student edition's switch: in a chapter's workbook, its functions are yours.

In the book, ``from nnlib import sigmoid`` gives nnlib's sigmoid. In the
student edition of a chapter (written by ``make student``), the ``nnlib``
package *withholds* the functions that the chapter's exercises ask the learner
to write: the same import then gives a stand-in, :class:`Yours`, that runs the
learner's own ``my_sigmoid``, the function they write in the exercise cell. The
chapter's cells run unchanged, on the learner's code, and the functions of
earlier chapters still come from nnlib, so a broken ``my_one_layer_backward``
does not stop anyone from doing the training chapter.

A stand-in decides, on each call, whose function to run:

- called from a notebook (or any code outside nnlib): the learner's
  ``my_<name>`` from the notebook's namespace; if there is none yet, it raises
  :class:`ExerciseNotDone` naming the exercise;
- called by nnlib's own code that names the function (``forward_prop`` calling
  ``sigmoid``, a checker computing the expected answer with
  ``nnlib.one_layer_backward``): nnlib's function, so the rest of the library
  and the checkers keep working whatever the learner has written.

The student edition's ``nnlib/__init__.py`` ends by calling :func:`withhold`
with the chapter's list (``nnlib/_edition.py``). In the book nothing is
withheld and this module does nothing.

:class:`HiddenTests` holds the tests hidden in a chapter's graded cells
(nbgrader removes them from the student edition). In the book, its
:meth:`~HiddenTests.score` runs them on the book's solution, so the book build
checks every solution against its hidden tests. Grading does not run them in
the submission's kernel: the grader reads the cases and judges the
submission's answers in its own process (``coursework/judge.py``), in a
sandbox where nnlib's own version of each withheld function is not there to
borrow.
"""

from __future__ import annotations

import inspect
import sys
import warnings
from typing import Callable

import numpy as np

#: "book" until :func:`withhold` runs, "student" after.
EDITION = "book"

_STAND_INS: dict[str, "Yours"] = {}


class ExerciseNotDone(NameError):
    """The workbook needs a function the learner has not written (or wrote by calling itself)."""


class Yours:
    """Stand-in for nnlib's ``name`` in a student edition: runs the learner's ``my_<name>``."""

    def __init__(self, name: str, exercise: str, reference: Callable):
        self._name = name
        self._exercise = exercise
        self._reference = reference
        self._running = False
        self.__name__ = self.__qualname__ = name
        self.__module__ = reference.__module__
        self.__doc__ = (
            f"Yours to write in {exercise}: in this workbook, {name} runs your my_{name}.\n\n"
            + (inspect.getdoc(reference) or "")
        )
        self.__signature__ = inspect.signature(reference)

    @property
    def learner_name(self) -> str:
        return f"my_{self._name}"

    def _learners_function(self) -> Callable:
        main = sys.modules.get("__main__")
        fn = getattr(main, self.learner_name, None)
        if fn is None:
            raise ExerciseNotDone(
                f"{self._name} is yours to write in this workbook: do {self._exercise} "
                f"(define {self.learner_name} in its cell and run it), then run this cell again."
            )
        return fn

    @property
    def __wrapped__(self) -> Callable:
        # show_source(sigmoid) and help() show the learner's own code.
        return self._learners_function()

    def __call__(self, *args, **kwargs):
        caller = sys._getframe(1)
        if self._called_by_nnlib(caller):
            return self._reference(*args, **kwargs)
        fn = self._learners_function()
        if self._running:
            raise ExerciseNotDone(
                f"{self.learner_name} calls {self._name}, which in this workbook is "
                f"{self.learner_name} itself: write its body yourself ({self._exercise})."
            )
        self._running = True
        try:
            return fn(*args, **kwargs)
        finally:
            self._running = False

    def _called_by_nnlib(self, caller) -> bool:
        """True if nnlib's own code calls this function by a name of its own.

        ``forward_prop`` calling ``sigmoid``, or a checker computing the expected
        answer with ``nnlib_init_params``, keeps nnlib's version. A checker's
        ``call(fn, ...)`` that runs the learner's function names no such global,
        so a learner's ``my_sigmoid = sigmoid`` still runs the learner's code.
        """
        module = caller.f_globals.get("__name__", "")
        if module != "nnlib" and not module.startswith("nnlib."):
            return False
        names = caller.f_code.co_names
        return self._name in names or any(caller.f_globals.get(n) is self for n in names)

    def __repr__(self) -> str:
        return f"<{self._name}: yours to write in {self._exercise} (my_{self._name})>"


def withhold(withheld: dict[str, str]) -> None:
    """Replace each named nnlib function by a stand-in that runs the learner's version.

    Parameters
    ----------
    withheld : dict of str to str
        nnlib function name -> the exercise that asks for it, e.g.
        ``{"sigmoid": "Exercise 3.1"}``.
    """
    global EDITION
    EDITION = "student"
    nnlib = sys.modules["nnlib"]
    for name, exercise in withheld.items():
        reference = getattr(nnlib, name)
        if isinstance(reference, Yours):
            continue
        stand_in = Yours(name, exercise, reference)
        _STAND_INS[name] = stand_in
        # Every binding in the library, so that `from nnlib.<module> import name` gives it too.
        for module_name, module in list(sys.modules.items()):
            if module_name == "nnlib" or module_name.startswith("nnlib."):
                if getattr(module, name, None) is reference:
                    setattr(module, name, stand_in)


def reference(name: str) -> Callable:
    """nnlib's own function ``name``, withheld or not (for hidden tests)."""
    if name in _STAND_INS:
        return _STAND_INS[name]._reference
    return getattr(sys.modules["nnlib"], name)


class HiddenTests:
    """Tests of a learner's function against nnlib's, worth points each, for a hidden test cell.

    Each :meth:`case` names new inputs for the function and what they are
    worth. :meth:`score` runs the cases, prints one line per case and returns
    the points earned; it raises unless every case passes, so the book build
    checks the reference solution against the hidden tests. When a class is
    graded, the grader reads the cases and judges the submission itself.

    Parameters
    ----------
    name : str
        The nnlib function the exercise re-implements, e.g. ``"sigmoid"``.
    fn : callable
        The learner's function, e.g. ``my_sigmoid``.
    """

    def __init__(self, name: str, fn: Callable):
        self.name = name
        self.fn = fn
        self.cases: list[Case] = []

    def case(self, description: str, points: float, *args, rtol: float = 1e-7, atol: float = 1e-10) -> None:
        """Add a case: ``fn(*args)`` must match nnlib's ``name(*args)``; worth ``points``."""
        self.cases.append(Case(description, points, args, rtol, atol))

    def score(self) -> float:
        """Run each case, print its result and return the points earned."""
        from nnlib.check._core import CheckFailed, _copy, compare

        what = f"my_{self.name}"
        earned = 0.0
        for case in self.cases:
            expected = reference(self.name)(*_copy(case.args))
            try:
                with warnings.catch_warnings():
                    # Graded on its values, as the chapter's check grades it: a warning would
                    # reach stderr (and nbgrader gives 0), and an overflow to a right answer is
                    # no mistake; a NaN where a number belongs fails the comparison.
                    warnings.simplefilter("ignore")
                    with np.errstate(all="ignore"):
                        got = self.fn(*_copy(case.args))
                compare(got, expected, [], what=what, rtol=case.rtol, atol=case.atol)
                why = ""
            except CheckFailed as error:
                why = str(error)
            except Exception as error:  # the learner's code may raise anything
                why = f"{what} raised {type(error).__name__}: {error}"
            points = 0.0 if why else float(case.points)
            earned += points
            verdict = "FAILED" if why else "passed"
            print(f"{verdict} ({points:g}/{case.points:g}) on {case.description}" + (f": {why}" if why else ""))
        if EDITION == "book" and earned < sum(c.points for c in self.cases):
            raise AssertionError(f"the book's my_{self.name} fails its hidden tests")
        return earned


class Case:
    """One hidden test: what it tries, its points, the inputs and the tolerances."""

    def __init__(self, description: str, points: float, args: tuple, rtol: float, atol: float):
        self.description, self.points, self.args, self.rtol, self.atol = description, points, args, rtol, atol
