"""The student edition's switch: in a chapter's workbook, its functions are yours.

In the book, ``from nnlib import sigmoid`` gives nnlib's sigmoid. In the
student edition of a chapter (written by ``make student``), nnlib *withholds*
the functions that the chapter's exercises ask the learner to write: the same
import then gives a stand-in that runs the learner's own ``my_sigmoid``, the
function they write in the exercise cell. The chapter's cells run unchanged,
on the learner's code; a learner cannot pass an exercise by importing nnlib's
answer; and the functions of earlier chapters still come from nnlib, so a
broken ``my_one_layer_backward`` does not stop anyone from doing the training
chapter.

The student edition's ``nnlib/__init__.py`` ends by calling :func:`withhold`
with the chapter's list (``nnlib/_edition.py``). In the book nothing is
withheld and this module does nothing.

A stand-in decides, on each call, whose function to run:

- called from a notebook (or any code outside nnlib): the learner's
  ``my_<name>`` from the notebook's namespace; if there is none yet, it raises
  :class:`ExerciseNotDone` naming the exercise;
- called by nnlib's own code that names the function (``forward_prop`` calling
  ``sigmoid``, a checker computing the expected answer): nnlib's function, so
  the rest of the library and the checkers keep working.

:class:`HiddenTests` runs the tests hidden in a chapter's graded cells (nbgrader
removes them from the student edition and puts them back for grading). It compares the learner's function
with nnlib's on new inputs while nnlib's own function is switched off, so a
``my_sigmoid`` that merely calls nnlib's sigmoid, by whatever route, fails.
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
    """The workbook needs a function the learner has not written (or wrote by calling nnlib's)."""


class ReferenceUsed(AssertionError):
    """The learner's function ran nnlib's own version of the function it should replace."""


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


def _switched_off(*args, **kwargs):
    # This code runs in place of nnlib's function, with that function's module
    # globals: reach this module by import, not by a global name.
    course = __import__("nnlib.course", fromlist=["ReferenceUsed"])
    raise course.ReferenceUsed(course._SWITCHED_OFF_MESSAGE[0])


_SWITCHED_OFF_MESSAGE = [""]


class _ReferenceOff:
    """While active, nnlib's own ``name`` raises ReferenceUsed, through every alias."""

    def __init__(self, name: str):
        self.name = name
        self.fn = reference(name)

    def __enter__(self):
        self.code = self.fn.__code__
        _SWITCHED_OFF_MESSAGE[0] = (
            f"my_{self.name} runs nnlib's own {self.name}; the exercise is to write it yourself"
        )
        self.fn.__code__ = _switched_off.__code__
        return self

    def __exit__(self, *exc):
        self.fn.__code__ = self.code
        return False


class HiddenTests:
    """Tests of a learner's function against nnlib's, worth points each, for a hidden test cell.

    Each :meth:`case` runs the learner's function on new inputs while nnlib's own
    version is switched off, and compares with nnlib's result. :meth:`score`
    prints one line per case and returns the points earned, which nbgrader takes
    as the cell's partial credit. In the book (nothing withheld) :meth:`score`
    raises unless every case passes, so the book build checks the reference
    solution against the hidden tests.

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
        self.results: list[tuple[str, float, float, str]] = []

    def case(self, description: str, points: float, *args, rtol: float = 1e-7, atol: float = 1e-10) -> None:
        """Compare ``fn(*args)`` with nnlib's ``name(*args)``; worth ``points`` if they agree."""
        from nnlib.check._core import CheckFailed, _copy, compare

        expected = reference(self.name)(*_copy(args))
        what = f"my_{self.name}"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # a warning would reach stderr, and nbgrader gives 0
                with np.errstate(over="raise", divide="raise", invalid="raise"), _ReferenceOff(self.name):
                    got = self.fn(*_copy(args))
            compare(got, expected, [], what=what, rtol=rtol, atol=atol)
        except (CheckFailed, ReferenceUsed) as error:
            self.results.append((description, 0.0, points, str(error)))
        except Exception as error:  # the learner's code may raise anything
            self.results.append((description, 0.0, points, f"{what} raised {type(error).__name__}: {error}"))
        else:
            self.results.append((description, float(points), points, ""))

    def score(self) -> float:
        """Print each case's result and return the points earned."""
        for description, got, points, why in self.results:
            verdict = "passed" if got == points else "FAILED"
            print(f"{verdict} ({got:g}/{points:g}) on {description}" + (f": {why}" if why else ""))
        earned = sum(r[1] for r in self.results)
        if EDITION == "book" and earned < sum(r[2] for r in self.results):
            raise AssertionError(f"the book's my_{self.name} fails its hidden tests")
        return earned
