"""How fast `make grade` marks a class: submissions per minute, and what the sandbox costs.

    python benchmarks/bench_grade.py [--class-size 200] [--jobs 1 2] [--repeat 1] [--sandboxed-only]

It builds a class of sigmoid-chapter submissions from the fixtures in
tests/submissions/ (the kinds that a grader may also run unsandboxed: perfect,
wrong, raises, syntax_error, deleted_test, imported, blank and empty, in turn),
writes the student edition once, then grades the whole class with each number
of jobs, sandboxed and with UNSANDBOXED=1, one configuration after the other in
the same run. For each it prints the wall-clock time of the whole `grade`
command (start-up included), submissions per minute, and the median seconds
per submission that scores.csv records; the sandbox's cost per submission is
the difference of the medians, sandboxed less unsandboxed, with the same number
of jobs. The results also go to _build/bench/bench_grade.csv.

The hostile fixtures (snoop, tamper, ...) are left out of the class: graded
without a sandbox, they would do what they were written to do.
"""

from __future__ import annotations

import argparse
import csv
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


def coursework(build: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "coursework", "--build", str(build), *args],
                   check=True, capture_output=True, text=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--class-size", type=int, default=200)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each configuration, interleaved")
    parser.add_argument("--timeout", type=int, default=60, help="seconds per cell")
    parser.add_argument("--sandboxed-only", action="store_true", help="leave out the UNSANDBOXED runs")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        tmp = Path(tmp)
        make_class(tmp / "class", args.class_size)
        coursework(tmp / "build", "student", CHAPTER)
        configs = [(jobs, sandboxed) for jobs in args.jobs for sandboxed in (True, False)
                   if sandboxed or not args.sandboxed_only]
        for run in range(args.repeat):
            for jobs, sandboxed in configs:
                (tmp / "build" / "course" / "scores.csv").unlink(missing_ok=True)
                extra = [] if sandboxed else ["--unsandboxed"]
                wall = coursework(tmp / "build", "grade", str(tmp / "class"), "--jobs", str(jobs),
                                  "--timeout", str(args.timeout), *extra)
                with open(tmp / "build" / "course" / "scores.csv") as f:
                    rows = list(csv.DictReader(f))
                # Every row counts as graded for the rate; the median is of those that ran
                # (the empty notebook is skipped at once, and takes no time).
                seconds = [float(r["seconds"]) for r in rows if r["status"] == "graded"]
                results.append({"run": run, "jobs": jobs, "sandboxed": sandboxed, "submissions": len(rows),
                                "wall_s": round(wall, 1), "per_minute": round(60 * len(rows) / wall, 1),
                                "median_s": round(statistics.median(seconds), 2)})
                print(f"jobs={jobs} {'sandboxed  ' if sandboxed else 'UNSANDBOXED'} {len(rows)} submissions "
                      f"in {wall:.1f} s: {results[-1]['per_minute']:.1f} per minute, "
                      f"median {results[-1]['median_s']:.2f} s each", flush=True)
    print("\nmedians over the runs")
    for jobs in args.jobs:
        def median(key, sandboxed):
            return statistics.median(r[key] for r in results if r["jobs"] == jobs and r["sandboxed"] == sandboxed)
        if args.sandboxed_only:
            print(f"jobs={jobs}: {median('per_minute', True):.1f} per minute sandboxed")
            continue
        cost = median("median_s", True) - median("median_s", False)
        print(f"jobs={jobs}: {median('per_minute', True):.1f} per minute sandboxed, "
              f"{median('per_minute', False):.1f} unsandboxed; the sandbox costs {cost:+.2f} s per submission "
              f"({median('median_s', True):.2f} s against {median('median_s', False):.2f} s)")
    out = ROOT / "_build" / "bench" / "bench_grade.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(results[0]))
        writer.writeheader()
        writer.writerows(results)
    print(f"\n{out}")


if __name__ == "__main__":
    main()
