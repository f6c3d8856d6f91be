"""The command line of the coursework: ``python -m coursework COMMAND``.

    python -m coursework [--build DIR] student [CHAPTER ...]
    python -m coursework [--build DIR] grade SUBMISSIONS [--timeout SECONDS] [--jobs N]
                                        [--memory GIB] [--time-limit SECONDS] [--unsandboxed]
    python -m coursework workbooks [--folder DIR] create|reset|lab ...
    python -m coursework hidden-tests [CHAPTER ...]
    python -m coursework fixtures [CHAPTER]

``make student``, ``make grade``, ``make lab`` and ``make workbook`` run the
first three; ``--build`` defaults to ``_build``. ``student`` writes the student
edition (editions.py), ``grade`` grades a class (grading.py), ``workbooks``
makes the learner's own copies of the chapters (workbooks.py),
``hidden-tests`` writes the hidden tests of the write-a-function exercises into
``book/`` (hidden_tests.py) and ``fixtures`` the test submissions in
``tests/submissions/`` (make_submissions.py).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from . import folders


def main(argv: list[str] | None = None) -> None:
    import sys

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["workbooks"]:  # its own options, and JupyterLab's after them
        from . import workbooks

        workbooks.main(argv[1:])
        return
    parser = argparse.ArgumentParser(prog="python -m coursework", description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, default=folders.ROOT / "_build",
                        help="folder for course/ and student/ (default: _build)")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("student", help="write the student edition into _build/student/")
    s.add_argument("chapters", nargs="*", help="e.g. 03_sigmoid (default: every chapter with exercises)")
    g = sub.add_parser("grade", help="autograde a folder of submissions")
    g.add_argument("submissions", type=Path, help="SUBMISSIONS/<student>/<chapter>/<chapter>.ipynb")
    g.add_argument("--timeout", type=int, default=None, help="seconds per cell (default: 60)")
    g.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: one per core)")
    g.add_argument("--memory", type=float, default=2, help="GiB of memory per process of a submission (default: 2)")
    g.add_argument("--time-limit", type=int, default=600, help="seconds for a whole notebook (default: 600)")
    g.add_argument("--unsandboxed", action="store_true",
                   help="run the submissions without a sandbox, with your rights (scores.csv says so)")
    sub.add_parser("workbooks", help="the learner's workbooks (make lab, make workbook): see its own --help")
    h = sub.add_parser("hidden-tests", help="add or refresh the hidden tests in book/")
    h.add_argument("chapters", nargs="*", help="e.g. 03_sigmoid (default: every chapter)")
    f = sub.add_parser("fixtures", help="write tests/submissions/ from the student edition")
    f.add_argument("chapter", nargs="?", default="03_sigmoid", help="the chapter of the mistakes (default: 03_sigmoid)")
    args = parser.parse_args(argv)
    folders.use_build(args.build)
    if args.command == "student":
        from . import editions

        editions.make_student(args.chapters)
    elif args.command == "grade":
        from . import grading, sandbox

        limits = sandbox.Limits(memory=int(args.memory * sandbox.GiB), seconds=args.time_limit)
        grading.grade(args.submissions, args.timeout, args.jobs, limits, sandboxed=not args.unsandboxed)
    elif args.command == "hidden-tests":
        from . import hidden_tests

        hidden_tests.main(args.chapters)
    elif args.command == "fixtures":
        from . import make_submissions

        make_submissions.main(args.chapter, student=folders.STUDENT)
