"""The judge: the points of every graded cell, decided in the grader's own process.

A submission's code runs only in its sandbox (see sandbox.py and wall/).
What comes back from there is plain data: the values that the submission's
functions returned on the grader's inputs (wall/plain_data.py). The judge then runs
nnlib's checkers and the hidden tests here, on those values, so nothing the
submission does to its own kernel (rebinding ``check``, rewriting
``HiddenTests``, patching numpy) changes anything but its own answers.

:func:`plan` reads the chapter's source notebook (the instructor's, with the
solutions and hidden tests) and works out every call to make:

- a **check cell** ``check.sigmoid(my_sigmoid)`` is run once here with the
  book's own solution in place of ``my_sigmoid``, recording each call the
  checker makes (the checkers are seeded, so they make the same calls every
  time). A value such as ``my_slope_after_five_layers`` is simply asked for;
- a **hidden-test cell** is run here up to its ``score()``: its
  ``HiddenTests.case(...)`` lines give the inputs, points and tolerances.

:func:`judge` then replays each checker with the submission's answers in place
of its function and compares each hidden case with nnlib's own result, and
returns the outputs that the graded notebook shows for each cell: the checker's
message, or one line per hidden case with its description and verdict (never
its code or inputs), and the points as nbgrader reads them.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
from dataclasses import dataclass, field

import nbformat
import numpy as np

from nnlib.check._core import CheckFailed  # what a checker raises; the grader's own nnlib

from . import cells, publish
from .cells import is_hidden_cell, is_test_cell, python_only
from .wall import plain_data

HIDDEN_SOURCE = (
    f"{cells.HIDDEN_HEADER}\n"
    "# Their code and inputs stay with your instructor; the output below says which passed."
)


class JudgeError(RuntimeError):
    """The judge cannot decide a cell: a fault of the course, never of the submission."""


@dataclass
class Case:
    description: str
    points: float
    args: tuple
    rtol: float
    atol: float
    item: int = -1  # the id of its answer in the request


@dataclass
class GradedCell:
    grade_id: str
    points: float
    kind: str  # "check", "value" or "hidden"
    learner_name: str = ""
    checker: str = ""  # the nnlib.check function of a check cell
    reference: str = ""  # the nnlib function a hidden test compares with
    calls: list = field(default_factory=list)  # (item id, args) for a check cell
    cases: list = field(default_factory=list)  # Case for a hidden-test cell
    problem: str = ""  # why this cell cannot be judged, if it cannot


@dataclass
class Plan:
    cells: dict  # grade_id -> GradedCell
    items: list  # the request: {"id", "name", ["args"], ["hidden"]}

    def request(self, seconds: float) -> dict:
        """What the harvest asks for, in two phases: the public calls, then the hidden cases.

        The hidden inputs reach the submission's kernel only in the second phase,
        after every answer that is shown with its value (a check's message) has
        been given: what a function learns of them can change only a hidden
        case's verdict, which says passed or failed and never shows a value.
        """
        return {"seconds": seconds, "phases": [[i for i in self.items if not i.get("hidden")],
                                               [i for i in self.items if i.get("hidden")]]}


# ---------------------------------------------------------------- planning


def plan(source_nb) -> Plan:
    """Every graded test cell of a chapter, and the answers to ask the submission for."""
    import nnlib

    namespace = {"np": np, "__name__": "__judge__"}
    namespace.update({name: getattr(nnlib, name) for name in nnlib.__all__})
    graded_cells, items = {}, []
    for cell in source_nb.cells:
        meta = cells.nbgrader(cell)
        if cell.cell_type == "code" and cells.is_solution(cell):
            # The book's solution, run here: the checkers' calls are recorded on it.
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(python_only(cell.source), meta.get("grade_id", "solution"), "exec"), namespace)
            except Exception:  # noqa: BLE001 - the check cell that needs it says so
                pass
        if not is_test_cell(cell):
            continue
        graded = GradedCell(meta["grade_id"], float(meta.get("points", 0)), "check")
        try:
            if is_hidden_cell(cell):
                _plan_hidden(graded, cell.source, namespace)
            else:
                _plan_check(graded, cell.source, namespace)
        except Exception as error:  # noqa: BLE001 - a course fault, reported per cell
            graded.problem = f"{type(error).__name__}: {error}"
        if not graded.problem:
            for what in ([args for _, args in graded.calls] if graded.kind == "check"
                         else [case.args for case in graded.cases]):
                if "unreadable" in plain_data.dumps(what):
                    graded.problem = "its inputs are not plain data (numbers and arrays)"
        if not graded.problem:
            _add_items(graded, items)
        graded_cells[graded.grade_id] = graded
    return Plan(graded_cells, items)


def _add_items(graded: GradedCell, items: list) -> None:
    def add(**item):
        items.append({"id": len(items), "name": graded.learner_name, **item})
        return len(items) - 1

    if graded.kind == "value":
        graded.calls = [(add(), None)]
    elif graded.kind == "check":
        graded.calls = [(add(args=[plain_data.encode(a) for a in args]), args) for _, args in graded.calls]
    else:
        for case in graded.cases:
            case.item = add(args=[plain_data.encode(a) for a in case.args], hidden=True)


def _plan_check(graded: GradedCell, source: str, namespace: dict) -> None:
    from nnlib import check

    tree = ast.parse(source)
    call = tree.body[0].value if len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr) else None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name) and call.func.value.id == "check"
            and len(call.args) == 1 and isinstance(call.args[0], ast.Name) and not call.keywords):
        raise JudgeError(f"a check cell must be one call check.NAME(my_name); found {source!r:.80}")
    graded.checker, graded.learner_name = call.func.attr, call.args[0].id
    solution = namespace.get(graded.learner_name)
    if not callable(solution):  # a predicted number or shape (or a solution that needs the chapter)
        graded.kind = "value"
        return
    recorded = []

    def recorder(*args, **kwargs):
        if kwargs:
            raise JudgeError("checkers that pass keyword arguments cannot be replayed")
        recorded.append((None, plain_data.decode(plain_data.encode(args))))
        return solution(*args)

    with contextlib.redirect_stdout(io.StringIO()):
        getattr(check, graded.checker)(recorder)
    graded.calls = recorded


def _plan_hidden(graded: GradedCell, source: str, namespace: dict) -> None:
    from nnlib import course

    graded.kind = "hidden"
    tree = ast.parse(source)
    # Everything but the score() call: that would run the tests here, on the book's solution.
    tree.body = [node for node in tree.body if not _is_score_call(node)]
    local = dict(namespace)
    exec(compile(tree, graded.grade_id, "exec"), local)
    tests = [v for v in local.values() if isinstance(v, course.HiddenTests)]
    if len(tests) != 1:
        raise JudgeError(f"a hidden-test cell must make one HiddenTests; found {len(tests)}")
    graded.reference = tests[0].name
    graded.learner_name = f"my_{tests[0].name}"
    graded.cases = [Case(c.description, float(c.points), plain_data.decode(plain_data.encode(c.args)),
                         c.rtol, c.atol) for c in tests[0].cases]


def _is_score_call(node) -> bool:
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "score")


# ---------------------------------------------------------------- judging


@dataclass
class Verdict:
    outputs: list  # nbformat outputs for the graded cell
    earned: float
    reason: str = ""  # why points were lost, for scores.csv


def judge(the_plan: Plan, answers: list, unavailable: str = "") -> dict:
    """grade_id -> Verdict, from the submission's answers (records from wall/harvest.py).

    ``unavailable`` says why no answers came back at all (the notebook's
    kernel died, the sandbox hit a limit); every cell then scores 0 with it.
    """
    by_id = {}
    for record in answers:
        if isinstance(record, dict) and isinstance(record.get("id"), int):
            by_id.setdefault(record["id"], record)
    verdicts = {}
    for grade_id, graded in the_plan.cells.items():
        if graded.problem:
            verdicts[grade_id] = _error_verdict("JudgeError", f"this cell cannot be judged: {graded.problem}")
        elif graded.kind == "hidden":
            verdicts[grade_id] = _judge_hidden(graded, by_id, unavailable)
        else:
            verdicts[grade_id] = _judge_check(graded, by_id, unavailable)
    return verdicts


class _NoAnswer(Exception):
    pass


def _answer(record: dict | None, name: str, unavailable: str):
    """The value a submission gave, re-raising what it raised, as the checkers expect.

    What it raised comes back as its type and a short prefix of its message
    (publish.error_text): the rest is the submission's to say, not ours to show.
    """
    if record is None:
        raise _NoAnswer(unavailable or f"no answer came back from {name}")
    if record.get("missing"):
        raise NameError(f"name '{name}' is not defined")
    if "raised" in record:
        raise _exception(publish.exception_name(str(record["raised"])), publish.message(record.get("message", "")))
    try:
        return plain_data.decode(record.get("answer"))
    except ValueError as error:
        raise ValueError(f"{name} returned something the grader cannot read ({error})") from None


def _exception(name: str, message: str) -> BaseException:
    cls = getattr(builtins, name, None)
    if not (isinstance(cls, type) and issubclass(cls, Exception)):
        cls = type(name if name.isidentifier() else "Exception", (Exception,), {})
    try:
        return cls(message)
    except Exception:  # noqa: BLE001 - builtins with other signatures
        return type(name, (Exception,), {})(message)


class InPlace(Exception):
    """The arguments, as the learner's function left them, cannot be replayed onto the checker's."""


def _after(record: dict | None):
    """The arguments as the function left them (plain data), or None if it left them as they were."""
    if not isinstance(record, dict) or "after" not in record:
        return None
    try:
        after = plain_data.decode(record["after"])
    except ValueError:
        raise InPlace("its arguments came back as something the grader cannot read") from None
    if not isinstance(after, list):
        raise InPlace("its arguments came back as something other than a list")
    return after


def replay_in_place(args, after) -> None:
    """Change ``args`` in place into ``after``, as the learner's function changed its own copies.

    So a checker that looks at its inputs after the call (``update_parameters``:
    "changes params in place") sees what the function did to them. Raises
    InPlace when a change cannot be made in place here (an array of another shape).
    """
    if len(args) != len(after):
        raise InPlace("it came back with another number of arguments")
    for arg, new in zip(args, after):
        _become(arg, new)


def _become(old, new) -> None:
    if isinstance(old, np.ndarray):
        new = np.asarray(new) if isinstance(new, (np.ndarray, np.generic, int, float)) else None
        if new is None or new.shape != old.shape or new.dtype.kind not in plain_data.NUMERIC_KINDS:
            raise InPlace("an array argument changed its shape or type")
        old[...] = new.astype(old.dtype, copy=False)
    elif isinstance(old, dict):
        if not isinstance(new, dict):
            raise InPlace("a dict argument came back as something else")
        for key in [k for k in old if k not in new]:
            del old[key]
        for key, value in new.items():
            if key in old and isinstance(old[key], (np.ndarray, dict, list)):
                try:
                    _become(old[key], value)
                    continue
                except InPlace:
                    pass
            old[key] = value
    elif isinstance(old, list):
        if not isinstance(new, list):
            raise InPlace("a list argument came back as something else")
        if len(old) != len(new):
            old[:] = new
        for i, value in enumerate(new):
            try:
                _become(old[i], value)
            except InPlace:
                old[i] = value
    elif isinstance(old, tuple):
        if not isinstance(new, tuple) or len(new) != len(old):
            raise InPlace("a tuple argument came back as something else")
        for item, value in zip(old, new):
            _become(item, value)
    elif not _same_plain(old, new):
        raise InPlace("an argument that cannot change came back changed")


def _same_plain(a, b) -> bool:
    try:
        return plain_data.dumps(a) == plain_data.dumps(b)
    except ValueError:
        return False


def _judge_check(graded: GradedCell, by_id: dict, unavailable: str) -> Verdict:
    from nnlib import check

    checker = getattr(check, graded.checker)
    out = io.StringIO()
    try:
        if graded.kind == "value":
            item, _ = graded.calls[0]
            value = _answer(by_id.get(item), graded.learner_name, unavailable)
            with contextlib.redirect_stdout(out):
                checker(value)
        else:
            first, _ = graded.calls[0]
            if by_id.get(first, {}).get("missing"):
                raise NameError(f"name '{graded.learner_name}' is not defined")
            with contextlib.redirect_stdout(out):
                checker(_Replay(graded, by_id, unavailable))
    except _NoAnswer as why:
        return _error_verdict("NoAnswer", str(why))
    except Exception as error:  # noqa: BLE001 - the checker's verdict, or the learner's error
        return _error_verdict(type(error).__name__, str(error), out.getvalue())
    return Verdict([_stream(out.getvalue())], graded.points)


class _Replay:
    """Stands for the learner's function in a checker: gives back, call by call, what it returned."""

    def __init__(self, graded: GradedCell, by_id: dict, unavailable: str):
        self.graded, self.by_id, self.unavailable = graded, by_id, unavailable
        self.__name__ = graded.learner_name
        self.next = 0

    def __call__(self, *args, **kwargs):
        if self.next >= len(self.graded.calls):
            raise JudgeError(f"check.{self.graded.checker} made more calls than when it was planned")
        item, expected_args = self.graded.calls[self.next]
        self.next += 1
        if kwargs or not _identical(args, expected_args):
            raise JudgeError(f"check.{self.graded.checker} called {self.graded.learner_name} "
                             "with other inputs than when it was planned")
        record = self.by_id.get(item)
        answer = _answer(record, self.graded.learner_name, self.unavailable)
        after = _after(record)
        if after is not None:
            try:
                replay_in_place(args, after)
            except InPlace as why:
                raise CheckFailed(f"{self.graded.learner_name} is not right: it changes its inputs in place "
                                  f"({why}). Build new values and return them, so that the caller keeps "
                                  "its own.") from None
        return answer


def _identical(a, b) -> bool:
    return plain_data.dumps(tuple(a)) == plain_data.dumps(tuple(b))


def _judge_hidden(graded: GradedCell, by_id: dict, unavailable: str) -> Verdict:
    """One line per hidden case: its description and verdict, never a value or the inputs.

    The learner's function saw the hidden inputs, so nothing it says is shown:
    not what it raised beyond the type, not the values it returned; only
    whether each case passed, and in what way a failure differs (shape, values).
    """
    from nnlib import course
    from nnlib.check._core import _copy

    what = graded.learner_name
    reference = course.reference(graded.reference)
    lines, earned, reasons = [], 0.0, []
    for case in graded.cases:
        expected = reference(*_copy(case.args))
        record = by_id.get(case.item)
        try:
            got = _answer(record, what, unavailable)
            why = hidden_difference(got, expected, what, case.rtol, case.atol)
            if not why and _after(record) is not None and not _same_plain(_after(record), list(case.args)):
                why = (f"{what} is not right: it changes its inputs in place. Build new values and "
                       "return them, so that the caller keeps its own")
        except _NoAnswer as error:
            why = str(error)
        except InPlace as error:
            why = f"{what} is not right: it changes its inputs in place ({error})"
        except Exception as error:  # noqa: BLE001 - what the learner's function raised
            why = f"{what} raised {publish.exception_name(type(error).__name__)}"
        got_points = 0.0 if why else case.points
        earned += got_points
        verdict = "passed" if not why else "FAILED"
        lines.append(f"{verdict} ({got_points:g}/{case.points:g}) on {case.description}" + (f": {why}" if why else ""))
        if why:
            reasons.append(lines[-1])
    outputs = [_stream("\n".join(lines) + "\n"),
               nbformat.v4.new_output("execute_result", data={"text/plain": f"{earned:g}"}, execution_count=None)]
    return Verdict(outputs, earned, " ".join(reasons))


def hidden_difference(got, expected, what: str, rtol: float, atol: float) -> str:
    """'' if ``got`` matches ``expected``; else how it differs, in words that show no value."""
    from nnlib.check._core import same

    if isinstance(got, plain_data.Unreadable):
        return f"{what} returned a {got.type_name[:40]}, which the grader cannot read as numbers"
    if same(got, expected, rtol, atol):
        return ""
    if isinstance(expected, (dict, tuple, list)):
        kind = {dict: "dict", tuple: "tuple", list: "list"}[type(expected)]
        if (type(got) is not type(expected) or len(got) != len(expected)
                or (kind == "dict" and set(got) != set(expected))):
            return f"{what} is not right: expected a {kind} of {len(expected)} values, with other keys or length"
        return f"{what} is not right: some values of the {kind} differ from the expected ones"
    try:
        g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"{what} is not right: expected numbers"
    e = np.asarray(expected, dtype=float)
    if g.shape != e.shape:
        return f"{what} is not right: expected shape {e.shape}, got shape {g.shape}"
    if not np.all(np.isfinite(g)) and np.all(np.isfinite(e)):
        return f"{what} is not right: the result contains NaN or infinite values"
    return f"{what} is not right: its values differ from the expected ones beyond the tolerance"


def _stream(text: str):
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def _error_verdict(ename: str, evalue: str, printed: str = "") -> Verdict:
    outputs = [_stream(printed)] if printed else []
    outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]))
    return Verdict(outputs, 0.0, f"{ename}: {evalue}")
