"""Write the fixture submissions in tests/submissions/ from a chapter's student edition.

    python -m coursework fixtures [CHAPTER]     (default 03_sigmoid; run `make student` first)

Each student folder holds submissions in nbgrader's layout,
``tests/submissions/<student>/<chapter>/<chapter>.ipynb``, made from the
student edition (``_build/student/``) with the book's solutions filled in, then
broken in one way. Of the sigmoid chapter (CHAPTER), each kind of mistake:

=============  ============================================================
perfect        every solution as in the book
wrong          every function written, but each result off by 10 percent
raises         every function raises ValueError
timeout        the last function never returns (an endless loop)
syntax_error   the first solution cell does not parse
deleted_test   perfect, but the first check cell deleted
imported       the first function is nnlib's own, fetched past the switch
blank          the student edition as released: nothing done
empty          a notebook file of 0 bytes
=============  ============================================================

and of the sigmoid and the backprop chapters, each threat to the grading
(``perfect`` of the backprop chapter too, for comparison):

=============  ============================================================
tamper         wrong answers, and code that silences ``check``, makes every
               ``HiddenTests`` give full marks and every comparison pass
snoop          perfect, and code that looks for the course's notebooks and
               gradebook, sets every score in any gradebook it finds to 0,
               and writes files in the temporary folder, the home folder and
               every folder above its own
linger         perfect, and two processes started to outlive the grading
hog            the last function first fills 3 GB of memory
flood          perfect, and 60 MB printed by the first solution cell
forkbomb       the last function forks until no process is left to start
=============  ============================================================

and of the initialisation and the backprop chapters, the threats to what grading publishes
and to the grader itself, each beside an honest but wrong submission to compare
with (every function 10 percent off, every predicted number too):

=================  ========================================================
wrong              honest, and wrong: the score any threat must not beat
slips              wrong numbers, and functions that call nnlib's private
                   slip builders (the checkers' code) to compute the answer
leaky              wrong numbers, and the function raises with every input it
                   has seen encoded in its message (base64 and decimals)
chatter            wrong, and 400 more cells that each print 100,000
                   control characters (600 kB each as JSON)
brackets           wrong, and a markdown cell of 100,000 nested brackets
scripts            wrong, and script in an HTML output, a JavaScript output
                   and a markdown cell
=1+2+cmd|calc!A0   wrong, in a folder whose name a spreadsheet would run
=================  ========================================================

Symbolic links, named pipes and stray folders are made by the tests, at test
time (git keeps links poorly). Regenerate when a chapter's exercises change;
tests/test_coursework.py grades these and checks each score.
"""

import ast
import shutil
import sys
from pathlib import Path

import nbformat

from . import cells, folders

ROOT = folders.ROOT
OUT = ROOT / "tests" / "submissions"


def solutions(chapter: str) -> dict[str, str]:
    """grade_id -> the book's solution cell with the markers taken out."""
    nb = nbformat.read(ROOT / "book" / f"{chapter}.ipynb", as_version=4)
    return {cells.grade_id(c): cells.without_markers(c.source) for c in nb.cells if cells.is_solution(c)}


def function_name(source: str) -> str | None:
    names = [n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name.startswith("my_")]
    return names[0] if names else None


def off_by_ten_percent(source: str, name: str) -> str:
    return source + f"""

_{name}_right = {name}


def {name}(*args):
    # every number 10 percent too large
    def scale(x):
        if isinstance(x, dict):
            return {{k: scale(v) for k, v in x.items()}}
        if isinstance(x, (list, tuple)):
            return type(x)(scale(v) for v in x)
        return 1.1 * np.asarray(x, dtype=float)

    return scale(_{name}_right(*args))
"""


def raising(source: str, name: str) -> str:
    return source + f"\n\n\ndef {name}(*args):\n    raise ValueError(\"I could not get this to work\")\n"


def endless(source: str, name: str) -> str:
    return source + f"\n\n\ndef {name}(*args):\n    while True:\n        pass\n"


def imported(source: str, name: str) -> str:
    return f"from nnlib.course import reference\n\n{name} = reference({name[3:]!r})\n"


# What each threat adds to a submission (see the table above).
TAMPER = """\
# Make every check pass and every hidden test give full marks.
import nnlib, nnlib.course
try:  # not in the grading edition, whose nnlib.check is a stub
    import nnlib.check._core
except ImportError:
    pass


class _AlwaysRight:
    def __getattr__(self, name):
        return lambda *args, **kwargs: print("Correct: (said the submission itself)")


check = nnlib.check = _AlwaysRight()
nnlib.course.HiddenTests.case = lambda self, *args, **kwargs: None
nnlib.course.HiddenTests.score = lambda self: 2
if hasattr(nnlib.check, '_core'):
    nnlib.check._core.same = lambda *args, **kwargs: True
np.allclose = lambda *args, **kwargs: True

"""

SNOOP = """\
# Look for the course and the other students' work; spoil the gradebook; leave files about.
import os, pathlib, sqlite3, sys

_mine = pathlib.Path.cwd()
_python = (sys.prefix, sys.base_prefix)
_found = []
for _top in ["/tmp", os.path.expanduser("~"), *map(str, _mine.parents)]:
    if _top.startswith(str(_mine)):
        continue
    for _folder, _subfolders, _files in os.walk(_top):
        _subfolders[:] = [d for d in _subfolders
                          if not os.path.join(_folder, d).startswith((str(_mine), *_python, "/usr", "/proc"))]
        _found += [os.path.join(_folder, f) for f in _files if f.endswith((".ipynb", ".db"))]
print(f"course files found outside my folder: {len(set(_found))}")
for _db in sorted(set(f for f in _found if f.endswith("gradebook.db"))):
    with sqlite3.connect(_db) as _con:
        _con.execute("UPDATE grade SET auto_score = 0")
    print("set every score to 0 in", _db)
for _place in ["/tmp", os.path.expanduser("~"), *map(str, _mine.parents)]:
    try:
        pathlib.Path(_place, "nnlib-hostile-snoop.txt").write_text("written by a submission")
        print("wrote a file in", _place)
    except OSError as _error:
        print("could not write in", _place, type(_error).__name__)

"""

LINGER = """\
# Start two processes meant to outlive the grading.
import subprocess, sys

subprocess.Popen(["sleep", "4242"], start_new_session=True)
subprocess.Popen([sys.executable, "-c", "import time\\nwhile True: time.sleep(1)", "nnlib-hostile-linger"],
                 start_new_session=True)

"""

FLOOD = """\
# Print 60 MB.
for _line in range(60_000):
    print(_line, "x" * 1000)

"""


def hog(source: str, name: str) -> str:
    return source.replace(f"def {name}(", f"""def {name}(*args):
    ballast = np.ones(3 * 1024**3 // 8)  # 3 GB, every page touched
    return _{name}_after_the_ballast(*args)


def _{name}_after_the_ballast(""", 1)


def forkbomb(source: str, name: str) -> str:
    return source.replace(f"def {name}(", f"""def {name}(*args):
    import os

    while True:  # every child spins forever, the parent forks until it cannot
        if os.fork() == 0:
            while True:
                pass


def _{name}_before_the_forks(""", 1)


def fill(nb, answers: dict[str, str]) -> None:
    for cell in nb.cells:
        grade_id = cells.grade_id(cell)
        if grade_id in answers:
            cell.source = answers[grade_id]


def main(chapter: str = "03_sigmoid", threats_also_in: str = "06_backprop",
         grader_threats_in: tuple = ("02_init", "06_backprop"), student: Path | None = None) -> None:
    student = student or folders.STUDENT
    if OUT.exists():
        shutil.rmtree(OUT)
    count = 0
    for which in dict.fromkeys((chapter, threats_also_in, *grader_threats_in)):
        release = student / which / f"{which}.ipynb"
        if not release.exists():
            sys.exit(f"{release} is missing: run `make student` first")
        if which in (chapter, threats_also_in):
            count += write(which, release, mistakes=(which == chapter))
        if which in grader_threats_in:
            count += write_grader_threats(which, release)
    print(f"{count} submissions in {OUT.relative_to(ROOT)}")


# ---------------------------------------------------------------- threats to the grader

def value_off_by_ten_percent(source: str) -> str:
    """A predicted-number answer, 10 percent off; a named answer (such as a gradient's key), misspelt."""
    names = [t.id for n in ast.parse(source).body if isinstance(n, ast.Assign) for t in n.targets
             if isinstance(t, ast.Name) and t.id.startswith("my_")]
    return source + "".join(f"\n{n} = {n} + '?' if isinstance({n}, str) else {n} * 1.1  # off" for n in names)


# Each calls a slip builder of the checkers (nnlib/check), which names a mistake by
# computing it; the backward step without 1/m, divided by m, is the right answer.
SLIPS = {
    "my_init_params": """def my_init_params(layer_dims, seed):
    from nnlib.check._ch02_init import _generator_per_layer

    return _generator_per_layer(layer_dims, seed)
""",
    "my_one_layer_backward": """def my_one_layer_backward(dA, cache):
    from nnlib.check._ch06_backprop import _backward_without_1_over_m, _m

    dA_prev, dW, db = _backward_without_1_over_m(dA, cache)
    return dA_prev, dW / _m(cache), db / _m(cache)
""",
}

# A function that changes its arguments in place, where a chapter's public check names it.
IN_PLACE: dict[str, str] = {}

LEAKY = """import base64 as _base64

_seen = []


def {name}(*args):
    # Every input seen so far, in the message: base64 of the bytes and six digits of each number.
    _seen.append(args)
    words = []
    for call in _seen:
        for arg in call:
            for value in (arg.values() if isinstance(arg, dict) else [arg]):
                flat = np.asarray(value, dtype=float).ravel()
                words.append(_base64.b64encode(flat.tobytes()).decode())
                words.append(" ".join(f"{{v:.6g}}" for v in flat))
    raise ValueError("inputs: " + " | ".join(words))
"""

CHATTER = """# One of 400 cells that each print 100,000 control characters.
print("\x01" * 100_000)
"""

BRACKETS = "[" * 50_000 + "x" + "]" * 50_000

SCRIPT_CODE = '''# HTML and JavaScript outputs that would run in the browser of whoever reads the feedback.
from IPython.display import HTML, Javascript, display

display(HTML("""<b id="shown">bold</b><script>document.title = "pwned-by-script"</script>
<img src="x" onerror="document.title = 'pwned-by-onerror'"><a href="javascript:alert(1)">click</a>"""))
display(Javascript('document.title = "pwned-by-javascript-output"'))
'''

SCRIPT_MARKDOWN = """My notes. <script>document.title = "pwned-by-markdown"</script>
<img src="x" onerror="document.title = 'pwned-by-markdown-onerror'"> [a link](javascript:alert(1))
"""


def write_grader_threats(chapter: str, release: Path) -> int:
    right = solutions(chapter)
    wrong = {}
    for gid, source in right.items():
        name = function_name(source)
        wrong[gid] = off_by_ten_percent(source, name) if name else value_off_by_ten_percent(source)
    function_gid = next(gid for gid, src in right.items() if function_name(src))
    name = function_name(right[function_gid])

    def with_function(code):
        return dict(wrong, **{function_gid: code})

    cases = {
        "wrong": (wrong, None),
        "slips": (with_function(SLIPS[name]), None),
        **({"inplace": (with_function(IN_PLACE[name]), None)} if name in IN_PLACE else {}),
        "leaky": (with_function(LEAKY.format(name=name)), None),
        "chatter": (wrong, "chatter"),
        "brackets": (wrong, "brackets"),
        "scripts": (wrong, "scripts"),
        "=1+2+cmd|calc!A0": (wrong, None),
    }
    for student, (answers, extra) in cases.items():
        nb = nbformat.read(release, as_version=4)
        fill(nb, answers)
        if extra == "chatter":
            nb.cells += [nbformat.v4.new_code_cell(CHATTER) for _ in range(400)]
        elif extra == "brackets":
            nb.cells.append(nbformat.v4.new_markdown_cell(BRACKETS))
        elif extra == "scripts":
            nb.cells += [nbformat.v4.new_code_cell(SCRIPT_CODE), nbformat.v4.new_markdown_cell(SCRIPT_MARKDOWN)]
        folder = OUT / student / chapter
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{chapter}.ipynb")
    return len(cases)


def write(chapter: str, release: Path, mistakes: bool) -> int:
    right = solutions(chapter)
    functions = {gid: function_name(src) for gid, src in right.items() if function_name(src)}
    first, last = next(iter(functions)), list(functions)[-1]

    def variant(change, only=None, answers=None):
        answers = dict(answers or right)
        for gid, name in functions.items():
            if only in (None, gid):
                answers[gid] = change(answers[gid], name)
        return answers

    def before_first(code, answers=None):
        return dict(answers or right, **{first: code + (answers or right)[first]})

    cases = {
        "perfect": right,
        "tamper": before_first(TAMPER, variant(off_by_ten_percent)),
        "snoop": before_first(SNOOP),
        "linger": before_first(LINGER),
        "hog": variant(hog, only=last),
        "flood": before_first(FLOOD),
        "forkbomb": variant(forkbomb, only=last),
    }
    if mistakes:
        cases |= {
            "wrong": variant(off_by_ten_percent),
            "raises": variant(raising),
            "timeout": variant(endless, only=last),
            "syntax_error": dict(right, **{first: right[first].replace("):", ")", 1)}),
            "deleted_test": right,
            "imported": variant(imported, only=first),
            "blank": {},
        }
    for student, answers in cases.items():
        nb = nbformat.read(release, as_version=4)
        fill(nb, answers)
        if student == "deleted_test":
            check = cells.check_id(*cells.exercise_numbers(first))
            nb.cells = [c for c in nb.cells if cells.grade_id(c) != check]
        folder = OUT / student / chapter
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{chapter}.ipynb")
    if mistakes:
        (OUT / "empty" / chapter).mkdir(parents=True)
        (OUT / "empty" / chapter / f"{chapter}.ipynb").write_bytes(b"")
    return len(cases) + mistakes
