"""A memory, CPU and process quota for each submission's sandbox as a whole: a cgroup of its own.

The per-process limits of sandbox.py (``prlimit``) hold each process of a
submission to its share, but not the submission: 64 processes of 2 GiB each
are 128 GiB, and busy ones slow their neighbours. Where the machine lets the
grader make cgroups (as root, or with a delegated subtree), every sandbox
starts in a cgroup of its own, below the grader's, with

- ``memory``: the submission's memory together (v2 ``memory.max`` and no swap;
  v1 ``memory.limit_in_bytes``, and ``memory.memsw.limit_in_bytes`` where swap
  is counted);
- ``cpu``: one core's time (v2 ``cpu.max``; v1 ``cpu.cfs_quota_us``);
- ``pids``: the number of processes and threads.

Both versions are found by looking: cgroup v2 (one hierarchy, the
``cgroup.controllers`` file at its root) or v1 (one hierarchy per controller).
Where neither can be written, :func:`detect` says why, and grading goes on
with the per-process limits alone (``make grade`` prints a warning).
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
CONTROLLERS = ("memory", "cpu", "pids")


def _own_paths() -> dict[str, str]:
    """This process's cgroup in each hierarchy: {"": path} for v2, {controller: path} for v1."""
    paths = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return paths
    for line in lines:
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            paths[controller] = path
    return paths


@dataclass
class Quota:
    """Where the grader makes its cgroups, or why it cannot."""

    version: str = ""  # "v2", "v1", or "" when there are none to use
    bases: dict = field(default_factory=dict)  # controller -> folder that holds this run's cgroups
    why_not: str = ""

    def describe(self, memory: int, cpus: float, pids: int) -> str:
        if not self.version:
            return f"no cgroup quota per submission ({self.why_not}): per-process limits only"
        return (f"cgroup {self.version} quota per submission: {memory / 1024**3:g} GiB of memory together, "
                f"{cpus:g} CPU, {pids} processes")

    def group(self, name: str, memory: int, cpus: float, pids: int) -> "Group | None":
        """A new cgroup for one sandbox, with its limits set; None if it cannot be made."""
        if not self.version:
            return None
        folders = {c: base / name for c, base in self.bases.items()}
        try:
            for folder in set(folders.values()):
                folder.mkdir()
            if self.version == "v2":
                folder = folders["memory"]
                _write(folder / "memory.max", memory)
                _write(folder / "memory.swap.max", 0, optional=True)
                _write(folder / "cpu.max", f"{int(cpus * 100_000)} 100000")
                _write(folder / "pids.max", pids)
            else:
                _write(folders["memory"] / "memory.limit_in_bytes", memory)
                _write(folders["memory"] / "memory.memsw.limit_in_bytes", memory, optional=True)
                _write(folders["cpu"] / "cpu.cfs_period_us", 100_000)
                _write(folders["cpu"] / "cpu.cfs_quota_us", int(cpus * 100_000))
                _write(folders["pids"] / "pids.max", pids)
        except OSError:
            Group(folders).remove()
            return None
        return Group(folders)

    def close(self) -> None:
        """Remove this run's folder of cgroups, with any sandbox's cgroup still in it, and its processes."""
        names = {p.name for base in set(self.bases.values()) if base.is_dir() for p in base.iterdir() if p.is_dir()}
        for name in names:
            Group({c: base / name for c, base in self.bases.items() if (base / name).is_dir()}).remove()
        for base in set(self.bases.values()):
            try:
                base.rmdir()
            except OSError:
                pass


@dataclass
class Group:
    folders: dict  # controller -> the cgroup's folder

    def enter(self) -> None:
        """Move the calling process into the cgroup (run in the sandbox's process before it starts)."""
        for folder in set(self.folders.values()):
            (folder / "cgroup.procs").write_text("0")

    def pids(self) -> list[int]:
        found = set()
        for folder in set(self.folders.values()):
            try:
                found.update(int(p) for p in (folder / "cgroup.procs").read_text().split())
            except OSError:
                pass
        return sorted(found)

    def peak_memory(self) -> int | None:
        folder = self.folders.get("memory")
        for name in ("memory.peak", "memory.max_usage_in_bytes"):
            try:
                return int((folder / name).read_text())
            except (OSError, ValueError, TypeError):
                continue
        return None

    def remove(self) -> None:
        """Kill whatever is still in the cgroup, then remove it."""
        for _ in range(50):
            left = self.pids()
            if not left:
                break
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.05)
        for folder in set(self.folders.values()):
            for _ in range(20):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.05)


def _write(path: Path, value, optional: bool = False) -> None:
    try:
        path.write_text(str(value))
    except FileNotFoundError:
        if not optional:
            raise


def detect(run_name: str) -> Quota:
    """The cgroups this grading run can use: a folder ``run_name`` made below the grader's own."""
    own = _own_paths()
    if (ROOT / "cgroup.controllers").exists():
        base = ROOT / own.get("", "/").lstrip("/")
        try:
            available = set((base / "cgroup.controllers").read_text().split())
        except OSError as error:
            return Quota(why_not=f"cgroup v2, unreadable: {error.strerror}")
        if not set(CONTROLLERS) <= available:
            return Quota(why_not=f"cgroup v2 without {' and '.join(sorted(set(CONTROLLERS) - available))} here")
        run = base / run_name
        try:
            run.mkdir()
            (run / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in CONTROLLERS))
        except OSError as error:
            Quota(bases={"memory": run}).close()
            return Quota(why_not=f"cgroup v2, but no delegated subtree to write ({error.strerror})")
        return Quota("v2", {c: run for c in CONTROLLERS})
    if all((ROOT / c).is_dir() for c in CONTROLLERS):
        bases = {}
        for controller in CONTROLLERS:
            run = ROOT / controller / own.get(controller, "/").lstrip("/") / run_name
            try:
                run.mkdir()
            except OSError as error:
                Quota(bases=bases).close()
                return Quota(why_not=f"cgroup v1, but {controller} cannot be written ({error.strerror})")
            bases[controller] = run
        return Quota("v1", bases)
    return Quota(why_not="no cgroup v2 or v1 controllers for memory, cpu and pids on this machine")
