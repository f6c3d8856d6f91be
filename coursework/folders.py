"""The course folders: nbgrader's course (the instructor's), the student edition, and nbgrader's API on them.

``folders.COURSE`` is nbgrader's course folder (``CourseDirectory.root``):
``source/`` generated from ``book/``, ``release/``, ``submitted/``,
``autograded/``, ``feedback/``, the default SQLite gradebook
``gradebook.db`` and ``scores.csv``. ``folders.STUDENT`` is what students get,
one folder per chapter. Both live under ``_build/`` unless ``--build`` says
otherwise (:func:`use_build`); every module reads them from here, when it needs
them, so that one setting moves them all.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
COURSE = ROOT / "_build" / "course"  # nbgrader's course folder: the instructor's only
STUDENT = ROOT / "_build" / "student"  # what students get, one folder per chapter
CONFIG = Path(__file__).with_name("nbgrader_config.py")
COURSE_ID = "nn-from-scratch"


def use_build(build: Path) -> None:
    """Put the course and the student edition in ``build/course`` and ``build/student``."""
    global COURSE, STUDENT
    COURSE, STUDENT = build.resolve() / "course", build.resolve() / "student"


def use_course(course: Path) -> None:
    """The course folder alone (a grading worker, started with the folder its parent uses)."""
    global COURSE
    COURSE = Path(course)


def setup_course() -> None:
    COURSE.mkdir(parents=True, exist_ok=True)
    shutil.copy(CONFIG, COURSE / "nbgrader_config.py")


def nbgrader_api(timeout: int | None = None, autograde_steps: list | None = None,
                 feedback_steps: list | None = None, leave_out: tuple = ()):
    """nbgrader's Python API on the course folder, configured by its nbgrader_config.py.

    One process for all the work: each nbgrader command started afresh would
    spend some six seconds importing Jupyter before doing anything.
    ``autograde_steps`` and ``feedback_steps``, when given, replace nbgrader's
    preprocessors of ``autograde`` and ``generate_feedback`` (see steps.py).
    ``leave_out`` adds names to the files nbgrader's commands leave alone.
    """
    import logging
    import warnings

    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    # nbgrader runs the `alembic` command to check the gradebook's schema: it
    # must find the one beside this Python even when the venv is not activated.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    config = PyFileConfigLoader("nbgrader_config.py", path=str(COURSE)).load_config()
    config.CourseDirectory.root = str(COURSE)
    config.NbGraderAPI.log_level = "WARN"
    if timeout:
        config.Execute.timeout = timeout
    if autograde_steps is not None:
        config.Autograde.autograde_preprocessors = autograde_steps
    if feedback_steps is not None:
        config.GenerateFeedback.preprocessors = feedback_steps
    coursedir = CourseDirectory(config=config)
    coursedir.ignore = [*coursedir.ignore, *leave_out]
    api = NbGraderAPI(coursedir=coursedir, config=config)
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    # nbgrader's gradebook warns (SQLAlchemy) when it records a submission it could not grade.
    warnings.filterwarnings("ignore", module="nbgrader")
    return api
