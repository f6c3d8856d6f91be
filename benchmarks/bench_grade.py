"""How fast `make grade` marks a class: submissions per minute, and what the sandbox costs.

    python benchmarks/bench_grade.py [--class-size 200] [--jobs 1 2] [--repeat 1] [--sandboxed-only]
                                     [--baseline DIR]

It builds a class of sigmoid-chapter submissions from the fixtures in
tests/submissions/ (the kinds that a grader may also run unsandboxed: perfect,
wrong, raises, syntax_error, deleted_test, imported, blank and empty, in turn),
writes the student edition once, then grades the whole class with each number
of jobs, sandboxed and with UNSANDBOXED=1, one configuration after the other in
the same run. For each it prints the wall-clock time of the whole `grade`
command (start-up included), submissions per minute, and the median seconds
per submission that scores.csv records; the sandbox's cost per submission is
the difference of the medians, sandboxed less unsandboxed, with the same number
of jobs. The results also go to _build/bench/bench_grade.csv, with the
machine's load average (1 minute) before and after each run.

``--baseline DIR`` grades the same class with another checkout of the course
too (say ``git worktree add /tmp/before <commit>``), each configuration of it
right before the same one of this checkout, in the same run: on a shared,
noisy machine, a comparison of medians taken side by side, with their ratio.

The hostile fixtures (snoop, tamper, ...) are left out of the class: graded
without a sandbox, they would do what they were written to do.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "submissions"
CHAPTER = "03_sigmoid"
KINDS = ["perfect", "wrong", "raises", "syntax_error", "deleted_test", "imported", "blank", "empty"]


def make_class(folder: Path, size: int) -> None:
    for i in range(size):
        kind = KINDS[i % len(KINDS)]
        shutil.copytree(FIXTURES / kind / CHAPTER, folder / f"student{i:03d}-{kind}" / CHAPTER)


def coursework(build: Path, *args: str, tree: Path = ROOT) -> float:
    """Run the coursework command of the checkout ``tree``; return its wall-clock seconds."""
    start = time.perf_counter()
    if (tree / "coursework" / "__main__.py").exists():
        command = [sys.executable, "-m", "coursework"]
    else:  # a checkout from before the coursework package
        command = [sys.executable, str(tree / "instructor" / "coursework.py")]
    # That checkout's own nnlib too (the grader imports it), whatever nnlib is installed.
    env = dict(os.environ, PYTHONPATH=str(tree)) if tree != ROOT else None
    subprocess.run([*command, "--build", str(build), *args], check=True, capture_output=True, text=True,
                   cwd=tree, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--class-size", type=int, default=200)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each configuration, interleaved")
    parser.add_argument("--timeout", type=int, default=60, help="seconds per cell")
    parser.add_argument("--sandboxed-only", action="store_true", help="leave out the UNSANDBOXED runs")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another checkout of the course, graded side by side with this one")
    args = parser.parse_args()
    trees = {"this": ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        tmp = Path(tmp)
        make_class(tmp / "class", args.class_size)
        for name, tree in trees.items():
            coursework(tmp / name, "student", CHAPTER, tree=tree)
        configs = [(jobs, sandboxed) for jobs in args.jobs for sandboxed in (True, False)
                   if sandboxed or not args.sandboxed_only]
        for run in range(args.repeat):
            for jobs, sandboxed in configs:
                for name in sorted(trees):  # the baseline first, then this checkout
                    build = tmp / name
                    (build / "course" / "scores.csv").unlink(missing_ok=True)
                    extra = [] if sandboxed else ["--unsandboxed"]
                    load = os.getloadavg()[0]
                    wall = coursework(build, "grade", str(tmp / "class"), "--jobs", str(jobs),
                                      "--timeout", str(args.timeout), *extra, tree=trees[name])
                    with open(build / "course" / "scores.csv") as f:
                        rows = list(csv.DictReader(f))
                    # Every row counts as graded for the rate; the median is of those that ran
                    # (the empty notebook is skipped at once, and takes no time).
                    seconds = [float(r["seconds"]) for r in rows if r["status"] == "graded"]
                    results.append({"tree": name, "run": run, "jobs": jobs, "sandboxed": sandboxed,
                                    "submissions": len(rows), "wall_s": round(wall, 1),
                                    "per_minute": round(60 * len(rows) / wall, 1),
                                    "median_s": round(statistics.median(seconds), 2),
                                    "load_before": round(load, 2), "load_after": round(os.getloadavg()[0], 2)})
                    print(f"{name:>8} jobs={jobs} {'sandboxed  ' if sandboxed else 'UNSANDBOXED'} {len(rows)} "
                          f"submissions in {wall:.1f} s: {results[-1]['per_minute']:.1f} per minute, "
                          f"median {results[-1]['median_s']:.2f} s each (load {load:.1f} before, "
                          f"{results[-1]['load_after']:.1f} after)", flush=True)
    print("\nmedians over the runs")
    for name in sorted(trees):
        for jobs in args.jobs:
            def median(key, sandboxed, tree=name):
                return statistics.median(r[key] for r in results if r["jobs"] == jobs
                                         and r["sandboxed"] == sandboxed and r["tree"] == tree)
            if args.sandboxed_only:
                print(f"{name:>8} jobs={jobs}: {median('per_minute', True):.1f} per minute sandboxed, "
                      f"{median('wall_s', True):.1f} s for the class")
            else:
                cost = median("median_s", True) - median("median_s", False)
                print(f"{name:>8} jobs={jobs}: {median('per_minute', True):.1f} per minute sandboxed, "
                      f"{median('per_minute', False):.1f} unsandboxed; the sandbox costs {cost:+.2f} s per "
                      f"submission ({median('median_s', True):.2f} s against {median('median_s', False):.2f} s)")
            if "baseline" in trees and name == "this":
                before = median("wall_s", True, "baseline")
                print(f"{'':>8} jobs={jobs}: this checkout takes {median('wall_s', True) / before:.2f} times "
                      f"the baseline's time for the class, sandboxed ({median('wall_s', True):.1f} s against "
                      f"{before:.1f} s)")
    out = ROOT / "_build" / "bench" / "bench_grade.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(results[0]))
        writer.writeheader()
        writer.writerows(results)
    print(f"\n{out}")


if __name__ == "__main__":
    main()
