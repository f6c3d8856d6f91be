"""Grading a class: ``make grade`` (``python -m coursework grade SUBMISSIONS``).

Each ``SUBMISSIONS/<student>/<chapter>/<chapter>.ipynb`` is read as one
regular file, never following a link (intake.py), and written afresh into
nbgrader's ``submitted/``; anything else in the folder is skipped and
reported, never copied, and never stops the class. ``--jobs`` worker
processes then run ``nbgrader autograde`` and ``nbgrader generate_feedback``
on one submission each at a time, each submission in a child process of its
own under the grader's own memory and time limits, so that no submission can
stop the grading of the others. nbgrader's Execute step is replaced
(steps.py): the notebook runs in a sandbox of its own (sandbox.py, wall/;
with a cgroup quota where the machine allows, quota.py), with the chapter's
*grading edition* of nnlib (editions.py), and the test cells' points are
decided here, by the judge (judge.py), on the values the submission's
functions returned and the arguments as they left them. The feedback page is
sanitised, the student's own markdown shown as text (publish.py). Then it
writes ``scores.csv`` (scores.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from . import editions, folders, intake, judge, publish, scores, steps

GiB = 1024**3


def font_list() -> Path:
    """matplotlib's list of the machine's fonts, made once, so that no sandbox has to scan them.

    Each sandbox gets it read-only (sandbox.run's ``fonts``) and the runner copies
    it into the kernel's MPLCONFIGDIR: without it, every kernel that imports
    matplotlib scanned the fonts again, about a second per submission.
    """
    folder = folders.COURSE / "grading" / "matplotlib"
    if not any(folder.glob("fontlist-*.json")):
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], check=True,
                       env=dict(os.environ, MPLCONFIGDIR=str(folder)), capture_output=True)
    return folder


# A worker grades one submission at a time; `make grade JOBS=N` starts N of them.
_WORKER: dict = {}


def _start_worker(slots, course: str, timeout: int | None, limits, sandboxed: bool, quota,
                  grader_limits: dict, mathjax: bool = False) -> None:
    folders.use_course(Path(course))
    _WORKER.update(slot=slots.get(), limits=limits, sandboxed=sandboxed, plans={}, info={}, quota=quota,
                   grader=grader_limits, count=0, markdown={}, plan=_plan, public_markdown=_public_markdown,
                   mathjax=mathjax)
    # nbgrader's autograde would copy the source's other files, the student edition of nnlib (some 80
    # of them), into every graded submission and its feedback: the sandbox uses the grading edition.
    _WORKER["api"] = folders.nbgrader_api(timeout, steps.autograde_steps(_WORKER), steps.feedback_steps(_WORKER),
                                          leave_out=("nnlib",))
    _WORKER["fonts"] = folders.COURSE / "grading" / "matplotlib"
    _keep_compiled_templates()


def _keep_compiled_templates() -> None:
    """Jinja's compiled templates, kept in memory for every exporter of this worker.

    nbgrader makes a new HTML exporter, so a new Jinja environment, for each
    feedback page, and each compiled the feedback template's dozen files again
    (about half a second a page). A jinja2 BytecodeCache keyed, as Jinja keys
    it, by each file's name and the checksum of its source keeps them instead:
    a changed template is compiled afresh.
    """
    from jinja2 import BytecodeCache
    from nbconvert.exporters.templateexporter import TemplateExporter

    if getattr(TemplateExporter._create_environment, "nnlib_cached", False):
        return

    class InMemory(BytecodeCache):
        def __init__(self):
            self.store = {}

        def load_bytecode(self, bucket):
            if bucket.key in self.store:
                bucket.bytecode_from_string(self.store[bucket.key])

        def dump_bytecode(self, bucket):
            self.store[bucket.key] = bucket.bytecode_to_string()

    cache = InMemory()
    create = TemplateExporter._create_environment

    def create_environment(self):
        environment = create(self)
        environment.bytecode_cache = cache
        return environment

    create_environment.nnlib_cached = True
    TemplateExporter._create_environment = create_environment


def _warm_up(chapter: str) -> None:
    """Render the chapter's released notebook as feedback once, here, before any submission's fork.

    Each submission is graded in a fork of this worker (:func:`_grade_one`),
    and what a fork imports, compiles or caches is gone when it exits. Done
    here first, the imports of the renderer (mistune, pygments, bs4, nh3),
    its regular expressions and the compiled templates are the worker's, and
    every fork starts with them. Nothing of a submission is involved.
    """
    if _WORKER.get("warm"):
        return
    _WORKER["warm"] = True
    from nbconvert.exporters import HTMLExporter
    from nbgrader.converters import GenerateFeedback
    from traitlets.config import Config

    api = _WORKER["api"]
    app = GenerateFeedback(coursedir=api.coursedir, parent=api)
    config = Config()
    config.HTMLExporter.template_name = "feedback"
    app.update_config(config)
    nb = nbformat.read(folders.COURSE / "release" / chapter / f"{chapter}.ipynb", as_version=4)
    for cell in nb.cells:  # as nbgrader's GetGrades leaves them
        if "nbgrader" in cell.metadata:
            cell.metadata.nbgrader.update(score=0, points=cell.metadata.nbgrader.get("points", 0))
    resources = {"nbgrader": {"notebook": chapter, "score": 0, "max_score": 0, "late_penalty": 0}}
    try:
        page, _ = HTMLExporter(parent=app, config=app.config).from_notebook_node(nb, resources=resources)
        publish.sanitise_page(page)
    except Exception:  # noqa: BLE001 - a warm-up only: grading renders every page itself
        pass


def _plan(chapter: str):
    if chapter not in _WORKER["plans"]:
        source = nbformat.read(folders.COURSE / "source" / chapter / f"{chapter}.ipynb", as_version=4)
        _WORKER["plans"][chapter] = judge.plan(source)
    return _WORKER["plans"][chapter]


def _public_markdown(chapter: str) -> set:
    """The chapter's own markdown cells, as released: those render as usual in feedback."""
    cache = _WORKER["markdown"]
    if chapter not in cache:
        nb = nbformat.read(folders.COURSE / "release" / chapter / f"{chapter}.ipynb", as_version=4)
        cache[chapter] = {c.source for c in nb.cells if c.cell_type == "markdown"}
    return cache[chapter]



def _grade_one(pair: tuple[str, str]) -> dict:
    """Grade one submission in a child of this worker, under the grader's own limits.

    The child (a fork, so nbgrader is imported already) reads the submission,
    runs it in its sandbox, judges it, writes the graded notebook and renders
    the feedback, with at most ``grader["memory"]`` bytes of address space more
    than the worker holds and ``grader["seconds"]`` seconds; past either, the
    submission scores 0 with the reason, and the class goes on.
    """
    import resource

    student, chapter = pair
    _plan(chapter)  # planned once per worker, before the fork
    _public_markdown(chapter)
    scores.chapter_points(chapter)
    _warm_up(chapter)
    _WORKER["count"] += 1  # names the submission's cgroup
    limits = _WORKER["grader"]
    start = time.perf_counter()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        code = 1
        try:
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            # The soft limit only: the sandbox (prlimit) sets its own.
            resource.setrlimit(resource.RLIMIT_AS, (_address_space() + limits["memory"], hard))
            row = _grade_here(student, chapter, start)
            data = json.dumps(row).encode()
            code = 0
        except BaseException as error:  # noqa: BLE001 - reported as the row's reason
            data = json.dumps({"error": publish.error_text(type(error).__name__, str(error), 200)}).encode()
        finally:
            try:
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(data)
            finally:
                os._exit(code)
    os.close(write_end)
    data, timed_out = _read_child(read_end, pid, limits["seconds"])
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    peak_mb = round(usage.ru_maxrss / 1024)  # KiB on Linux
    try:
        row = json.loads(data) if data else {}
    except ValueError:
        row = {}
    if "student" not in row:
        if timed_out:
            why = f"the grader's own work on it passed its {limits['seconds']} s limit and was stopped"
        elif row.get("error") or os.WIFSIGNALED(status):
            why = f"the grader could not finish it ({row.get('error') or 'killed'}; limit " \
                  f"{limits['memory'] / GiB:g} GiB of memory for its work)"
        else:
            why = "the grader could not finish it"
        row = {"student": student, "chapter": chapter, "max_score": scores.chapter_points(chapter), "score": 0.0,
               "reason": why, "status": "failed"}
    row.update(seconds=round(seconds, 1), grader_mb=peak_mb,
               sandboxed="yes" if _WORKER["sandboxed"] else "NO (UNSANDBOXED=1)")
    return row


def _address_space() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _read_child(fd: int, pid: int, seconds: float) -> tuple[bytes, bool]:
    """What the child wrote (at most 1 MB: one row), or b'' and True when it ran out of time."""
    import select
    import signal

    chunks, size, deadline = [], 0, time.monotonic() + seconds
    try:
        while size < 1024**2:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                return b"", True
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks), False


def _grade_here(student: str, chapter: str, start: float) -> dict:
    """Autograde and feedback of one submission, in the process that calls it (the child)."""
    api = _WORKER["api"]
    result = api.autograde(chapter, student, force=True)
    feedback = api.generate_feedback(chapter, student, force=True)
    page = folders.COURSE / "feedback" / student / chapter / f"{chapter}.html"
    if page.is_file() and not page.is_symlink():
        # The course's MathJax, beside the students' folders: feedback/<student>/<chapter>/ is two below.
        mathjax = f"../../{publish.MATHJAX_FOLDER}" if _WORKER.get("mathjax") else None
        page.write_text(publish.sanitise_page(page.read_text(errors="replace"), mathjax))
    seconds = time.perf_counter() - start
    logs = folders.COURSE / "logs"
    info = _WORKER["info"].pop((student, chapter), {})
    for name, r in (("autograde", result), ("feedback", feedback)):
        text = r.get("log", "") + r.get("error", "") + (info.get("log", "") if name == "autograde" else "")
        (logs / f"{name}-{student}-{chapter}.log").write_text(text)
    row = scores.score_row(student, chapter, result, seconds, info)
    row["status"] = "graded"
    if _WORKER.get("sandbox_peak"):
        row["sandbox_mb"] = round(_WORKER["sandbox_peak"] / 1024**2)
    return row



def grade(folder: Path, timeout: int | None, jobs: int | None = None, limits=None, sandboxed: bool = True,
          max_bytes: int = intake.MAX_BYTES, grader_limits: dict | None = None) -> Path:
    """Autograde every submission in ``folder``; write scores.csv and the feedback; return the CSV.

    Each ``<student>/<chapter>/<chapter>.ipynb`` is read as one regular file
    (intake.py) and written afresh into the course; whatever else the folder
    holds is skipped, and said so on the console and in scores.csv.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from . import quota as quotas
    from . import sandbox

    folder = folder.resolve()
    if not folder.is_dir():
        sys.exit(f"no folder {folder}: expected {folder}/<student>/<chapter>/<chapter>.ipynb")
    entries = intake.read_class(folder, editions.chapters(), max_bytes)
    for entry in entries:
        if entry.data is not None and not _safe_student(entry):
            entry.data, entry.skipped = None, ("the folder's name has * ? [ or ] (or unprintable characters), "
                                               "which nbgrader reads as a pattern: rename the folder to grade it")
    pairs = [(e.student, e.chapter) for e in entries if e.data is not None]
    skipped = [e for e in entries if e.data is None]
    for entry in skipped:
        print(f"skipped {_shown(entry.student)}/{_shown(entry.chapter)}: {entry.skipped}", flush=True)
    if not pairs and not skipped:
        sys.exit(f"no submissions in {folder}: expected {folder}/<student>/<chapter>/<chapter>.ipynb")
    limits = limits or sandbox.Limits()
    grader_limits = grader_limits or {"memory": 2 * GiB, "seconds": max(900, 2 * limits.seconds)}
    if timeout:
        limits.cell_timeout = timeout
    if sandboxed:
        try:
            sandbox.check_sandbox()
        except sandbox.SandboxMissing as missing:
            sys.exit(str(missing))
    else:
        print("UNSANDBOXED=1: the submissions' code runs with your rights, unconfined; "
              "every row of scores.csv says so.")
    folders.setup_course()
    for chapter in sorted({c for _, c in pairs}):
        if not (folders.COURSE / "release" / chapter).exists():
            editions.make_student([chapter])
        editions.grading_nnlib(chapter)
    font_list()
    mathjax = publish.install_mathjax(folders.COURSE / "feedback")
    if mathjax is None:
        print("No MathJax (the PyPI package sphinx-mathjax-offline) to copy: feedback shows formulas as TeX.")
    by_pair = {(e.student, e.chapter): e for e in entries}
    for student, chapter in pairs:
        target = folders.COURSE / "submitted" / student / chapter
        if target.exists() or target.is_symlink():
            shutil.rmtree(target) if not target.is_symlink() else target.unlink()
        intake.write_fresh(by_pair[student, chapter].data, target, f"{chapter}.ipynb")
        by_pair[student, chapter].data = None  # written; the worker reads the course's copy
    (folders.COURSE / "logs").mkdir(exist_ok=True)
    rows = [_skipped_row(e) for e in skipped]
    run_name = f"nnlib-grade-{os.getpid()}-{time.time_ns() % 10**9}"
    quota = quotas.detect(run_name) if sandboxed else quotas.Quota(why_not="UNSANDBOXED=1")
    if sandboxed:
        print(f"Limits per submission: {_limits_text(limits, grader_limits)}; "
              f"{quota.describe(limits.submission_memory, limits.cpus, limits.processes)}.", flush=True)
    else:
        print(f"Limits per submission: none on its code (UNSANDBOXED=1: no sandbox, no cgroup quota); "
              f"the grader's own work {grader_limits['memory'] / GiB:g} GiB and {grader_limits['seconds']} s.",
              flush=True)
    if sandboxed and not quota.version:
        print("WARNING: without a cgroup, a submission may use its per-process limits in each of its "
              f"{limits.processes} processes.", flush=True)
    jobs = max(1, min(jobs or os.cpu_count() or 1, max(1, len(pairs)), sandbox.MAX_JOBS))
    # Each grader worker's BLAS on one thread: the workers are the parallelism (and each thread's
    # buffers would count against the grader's own memory limit).
    os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    context = multiprocessing.get_context("spawn")
    slots = context.Queue()
    # Each job's sandboxes get a uid of their own (sandbox.FIRST_UID + slot), which also keeps two
    # grading runs on one machine from counting each other's processes.
    first_slot = (os.getpid() % 100_000) * sandbox.MAX_JOBS
    for slot in range(jobs):
        slots.put(first_slot + slot)
    try:
        if pairs:
            setup = (slots, str(folders.COURSE), timeout, limits, sandboxed, quota, grader_limits, mathjax is not None)
            with ProcessPoolExecutor(jobs, context, _start_worker, setup) as pool:
                for done in as_completed([pool.submit(_grade_one, pair) for pair in pairs]):
                    row = done.result()
                    ignored = by_pair[row["student"], row["chapter"]].ignored
                    if ignored:
                        row["reason"] += f" (left alone beside the notebook: {', '.join(ignored)[:200]})"
                    rows.append(row)
                    print(f"{_shown(row['student']):>16} {row['chapter']}: {row['score']:g}/{row['max_score']:g} "
                          f"in {row['seconds']:.1f} s (grader {row.get('grader_mb', '?')} MB)  "
                          f"{publish.message(row['reason'], 300)}", flush=True)
    finally:
        quota.close()
    out = scores.write_scores(rows)
    print(f"Scores: {out}\nFeedback: {folders.COURSE / 'feedback'}/<student>/<chapter>/<chapter>.html")
    return out


def _limits_text(limits, grader: dict) -> str:
    return (f"per process {limits.memory / GiB:g} GiB, {limits.processes} processes, {limits.seconds} s of CPU; "
            f"{limits.seconds} s per notebook, {limits.cell_timeout} s per cell; output kept "
            f"{limits.output_cap / 1024**2:g} MiB per cell, {limits.notebook_output_cap / 1024**2:g} MiB per notebook; "
            f"the grader's own work {grader['memory'] / GiB:g} GiB and {grader['seconds']} s")


# nbgrader finds a submission by a file pattern with the student's name in it.
_PATTERN_CHARACTERS = set("*?[]")


def _safe_student(entry) -> bool:
    return not (set(entry.student) & _PATTERN_CHARACTERS) and entry.student.isprintable()


def _skipped_row(entry) -> dict:
    why = entry.skipped
    max_score = scores.chapter_points(entry.chapter) if entry.chapter in editions.chapters() and \
        (folders.COURSE / "source" / entry.chapter).exists() else ""
    return {"student": entry.student, "chapter": entry.chapter, "score": 0.0, "max_score": max_score,
            "seconds": 0.0, "sandboxed": "", "status": "skipped", "reason": "skipped: " + why}


def _shown(name: str) -> str:
    """A name as the console shows it: no control characters, not too long."""
    return publish.message(name, 60, opaque=False)
