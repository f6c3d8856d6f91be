"""One sandbox per submission: bubblewrap, an unprivileged user, and resource limits.

The submission's notebook runs in ``wall/runner.py`` (and the kernel it
starts) inside a bubblewrap sandbox that

- has no network (a network namespace of its own, with only loopback);
- sees only the Python environment and the system's /usr, read-only; the
  ``wall`` package (runner, harvest and plain data: the only code of the
  grader's in there), read-only; the grading edition of the chapter's
  nnlib, read-only; and a scratch folder, an empty tmpfs of limited size that
  vanishes with it, where the notebook's own copy is written. Not the course
  folder, not the other submissions, not the instructor's home;
- runs as an unprivileged user: as root, a uid of its own per grading job
  (``setpriv``, so the kernel counts its processes); otherwise in a user
  namespace, as the instructor's user with no capabilities;
- has limits (``prlimit``) on memory per process, processes, file size and CPU
  time, and a wall-clock limit for the whole run;
- ends with all its processes: a pid namespace of its own, whose every process
  the kernel kills when the runner exits, and ``--die-with-parent``.

``UNSANDBOXED=1`` (``--unsandboxed``) runs the same runner as a plain
subprocess, for machines where bubblewrap cannot work; every score then says so.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

WALL = Path(__file__).resolve().with_name("wall")  # the only code of ours that runs in a sandbox
GiB = 1024**3

#: uids for the sandboxes when grading as root: FIRST_UID + slot, one slot per job of a run.
FIRST_UID = 2_000_000_000
MAX_JOBS = 128


@dataclass
class Limits:
    """What one submission may use."""

    memory: int = 2 * GiB  # address space per process, bytes
    processes: int = 64  # processes and threads of the sandbox's user
    file_size: int = 64 * 1024**2  # largest file it may write, bytes
    scratch: int = 256 * 1024**2  # size of its scratch folder (a tmpfs), bytes
    seconds: int = 600  # wall-clock time for the whole notebook
    cell_timeout: int = 60  # time for each cell, and for each answer collected
    output_cap: int = 1024**2  # output kept per cell, bytes of its JSON
    notebook_output_cap: int = 4 * 1024**2  # output kept per notebook, bytes of its JSON
    answers_cap: int = 8 * 1024**2  # answers read back, bytes
    log_cap: int = 64 * 1024  # the runner's standard error kept for the log, bytes
    # The sandbox as a whole, where cgroups can be made (quota.py): memory of all its
    # processes together, CPU time (1 = one core), and processes and threads.
    submission_memory: int = 3 * GiB
    cpus: float = 1.0

    @property
    def result_cap(self) -> int:
        """Bytes the grader reads back from the runner: outputs, answers, notes and JSON's margin."""
        return self.notebook_output_cap * 2 + self.answers_cap + 1024**2


class SandboxMissing(RuntimeError):
    """bubblewrap cannot be run here: the message says what to install."""


def bwrap() -> str | None:
    """bubblewrap's binary: $BWRAP (as `make grade BWRAP=...` sets it), or bwrap on the PATH."""
    return os.environ.get("BWRAP") or shutil.which("bwrap")


def check_sandbox() -> None:
    """Raise SandboxMissing unless bubblewrap can start a sandbox on this machine."""
    bwrap_path = bwrap()
    if bwrap_path is None or not os.access(bwrap_path, os.X_OK):
        raise SandboxMissing(
            "make grade runs each submission in a bubblewrap sandbox, and bwrap is not installed.\n"
            "Install it (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap),\n"
            "or, knowing that the submissions' code will then run with your rights, grade with UNSANDBOXED=1.")
    probe = subprocess.run(command(["/bin/true"], Limits(), slot=0, extra_binds=[]),
                           capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        raise SandboxMissing(
            f"bubblewrap is installed but cannot start a sandbox here:\n{probe.stderr.strip()}\n"
            "It needs user namespaces (sysctl kernel.unprivileged_userns_clone=1) when not run as root.\n"
            "Or, knowing that the submissions' code will then run with your rights, grade with UNSANDBOXED=1.")


def python_roots() -> list[str]:
    """The folders the Python environment lives in: the venv, and the Python it was made from."""
    roots = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    roots.add(os.path.dirname(os.path.dirname(os.path.realpath(sys.executable))))
    return sorted(r for r in roots if not r.startswith("/usr/") and r != "/usr")


def command(argv: list[str], limits: Limits, slot: int, extra_binds: list[tuple[str, str]]) -> list[str]:
    """The command line that runs ``argv`` in a sandbox (see the module's docstring)."""
    as_root = os.geteuid() == 0
    cmd = ["prlimit", f"--as={limits.memory}", f"--fsize={limits.file_size}",
           f"--cpu={limits.seconds}", "--nofile=1024", "--core=0"]
    if as_root:
        cmd.append(f"--nproc={limits.processes}")  # counted for the sandbox's own uid
    # Every namespace but the user one, which as root would leave no room for the sandbox's own uid.
    cmd += ["--", bwrap() or "bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session",
            "--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib64", "lib32"):
        target = os.readlink(f"/{name}") if os.path.islink(f"/{name}") else None
        if target:
            cmd += ["--symlink", target, f"/{name}"]
        elif os.path.isdir(f"/{name}"):
            cmd += ["--ro-bind", f"/{name}", f"/{name}"]
    for path in ("/etc/ld.so.cache", "/etc/fonts", "/etc/localtime", "/etc/alternatives"):
        if os.path.exists(path):
            cmd += ["--ro-bind", path, path]
    # The scratch /tmp first: a Python environment that lives under /tmp (a clone
    # there, say) is then bound on top of it instead of hidden under it.
    cmd += ["--perms", "1777", "--size", str(limits.scratch), "--tmpfs", "/tmp"]
    made = set()
    for root in python_roots():
        # Folders on the way are made traversable: bubblewrap would make them 0700, root's.
        for parent in reversed(Path(root).parents[:-1]):
            if parent not in made:
                made.add(parent)
                cmd += ["--perms", "0755", "--dir", str(parent)]
        cmd += ["--ro-bind", root, root]
    cmd += ["--proc", "/proc", "--dev", "/dev",
            "--perms", "1777", "--size", str(limits.scratch), "--tmpfs", "/job",
            "--perms", "1777", "--dir", "/job/work", "--dir", "/job/lib", "--ro-bind", str(WALL), "/job/lib/wall"]
    for source, target in extra_binds:
        cmd += ["--ro-bind", source, target]
    cmd += ["--chdir", "/job/work", "--clearenv"]
    env = {"HOME": "/job/work", "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "LANG": "C.UTF-8",
           "MPLCONFIGDIR": "/job/work/.matplotlib", "JUPYTER_RUNTIME_DIR": "/job/work/.jupyter",
           "MPLBACKEND": "agg", "PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": "/job/lib"}
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # the machine's own settings, kept
        if name in os.environ:
            env[name] = os.environ[name]
    for name, value in env.items():
        cmd += ["--setenv", name, value]
    if as_root:
        uid = str(FIRST_UID + slot)
        # Only what setpriv needs to become that uid, after which no capability is left.
        cmd += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
                "--", "setpriv", f"--reuid={uid}", f"--regid={uid}",
                "--clear-groups", "--no-new-privs", "--"]
    else:
        cmd += ["--unshare-user", "--cap-drop", "ALL", "--"]
    return cmd + argv


def run(job: dict, nnlib_dir: Path, limits: Limits, slot: int = 0, sandboxed: bool = True,
        group=None, fonts: Path | None = None) -> dict:
    """Run ``wall/runner.py`` on ``job`` (see there); return its result, or a note of what stopped it.

    ``group`` is the sandbox's cgroup (quota.Group), which it enters before it
    starts. ``fonts`` is matplotlib's font list, made once by the grader, which
    the kernel is given (read-only) instead of scanning the fonts itself.
    What comes back is read up to ``limits.result_cap`` bytes (and the
    runner's standard error up to ``limits.log_cap``): past that, the sandbox is stopped.
    """
    job = dict(job, cell_timeout=limits.cell_timeout, output_cap=limits.output_cap,
               notebook_output_cap=limits.notebook_output_cap, answers_cap=limits.answers_cap)
    # -P: the runner's folder (where the kernel writes) is not on its path; PYTHONPATH names the wall alone.
    runner = ["python" if sandboxed else sys.executable, "-s", "-P", "-m", "wall.runner"]
    with tempfile.TemporaryDirectory(prefix="nnlib-grade-") as scratch:
        binds = [(str(nnlib_dir), "/job/work/nnlib")]
        if fonts is not None and fonts.is_dir():
            binds.append((str(fonts), "/job/matplotlib"))
        if sandboxed:
            cmd = command(runner, limits, slot, binds)
            cwd = None
        else:
            shutil.copytree(nnlib_dir, Path(scratch) / "nnlib")
            if fonts is not None and fonts.is_dir():
                shutil.copytree(fonts, Path(scratch) / ".matplotlib")
            shutil.copytree(WALL, Path(scratch) / "lib" / "wall", ignore=shutil.ignore_patterns("__pycache__"))
            cmd, cwd = runner, scratch
        code, out, err, why = run_capped(cmd, json.dumps(job).encode(), limits.seconds, limits.result_cap,
                                         limits.log_cap, cwd=cwd, env=None if sandboxed else _plain_env(scratch),
                                         group=group)
    log = err.decode("utf-8", "replace")
    if why == "time":
        return {"failed": f"ran past the {limits.seconds} s limit for a whole notebook and was stopped"}
    if why == "size":
        return {"failed": f"sent back more than {limits.result_cap / 1e6:.0f} MB and was stopped", "log": log}
    if code != 0 or not out:
        return {"failed": _why(code, log, limits), "log": log}
    try:
        return json.loads(out)
    except ValueError:
        return {"failed": "the sandbox's result could not be read", "log": log}


def run_capped(cmd: list[str], stdin: bytes, seconds: float, out_cap: int, err_cap: int, cwd=None, env=None,
               group=None) -> tuple[int | None, bytes, bytes, str]:
    """Run ``cmd`` with ``stdin``; keep at most ``out_cap`` bytes of stdout and the last ``err_cap`` of stderr.

    Returns (exit status, stdout, stderr, why it was stopped: "", "time" or "size").
    Stopped means its whole process group is killed (bubblewrap's pid namespace
    takes every process of the sandbox with it).
    """
    import selectors

    process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               cwd=cwd, env=env, start_new_session=True,
                               preexec_fn=group.enter if group is not None else None)
    out, err, why = bytearray(), bytearray(), ""
    deadline = time.monotonic() + seconds
    selector = selectors.DefaultSelector()
    for stream in (process.stdin, process.stdout, process.stderr):
        os.set_blocking(stream.fileno(), False)
    selector.register(process.stdout, selectors.EVENT_READ, out)
    selector.register(process.stderr, selectors.EVENT_READ, err)
    pending = memoryview(stdin)
    if pending:
        selector.register(process.stdin, selectors.EVENT_WRITE, None)
    else:
        process.stdin.close()
    try:
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                why = "time"
                break
            for key, _ in selector.select(min(left, 1.0)):
                if key.data is None:  # stdin
                    try:
                        written = os.write(key.fd, pending[:65536])
                    except BrokenPipeError:
                        written = len(pending)
                    pending = pending[written:]
                    if not pending:
                        selector.unregister(key.fileobj)
                        key.fileobj.close()
                    continue
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    continue
                key.data.extend(chunk)
                if key.data is err and len(err) > 2 * err_cap:
                    del err[:-err_cap]
                if key.data is out and len(out) > out_cap:
                    why = "size"
                    break
            if why:
                break
    finally:
        selector.close()
        if why:
            _kill_group(process)
        try:
            process.wait(timeout=max(1.0, deadline - time.monotonic()) if not why else 30)
        except subprocess.TimeoutExpired:
            why = why or "time"
            _kill_group(process)
            process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream and not stream.closed:
                stream.close()
    return process.returncode, bytes(out), bytes(err[-err_cap:]), why


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        pass


def _why(code: int | None, log: str, limits: Limits) -> str:
    if code in (-9, 137) or "MemoryError" in log:
        return f"the notebook's runner was killed (memory above {limits.memory / GiB:g} GiB, or CPU time)"
    return f"the sandbox failed (exit status {code})"


def _plain_env(scratch: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "JUPYTER"))}
    env.update(HOME=scratch, MPLCONFIGDIR=f"{scratch}/.matplotlib", MPLBACKEND="agg", PYTHONPATH=f"{scratch}/lib")
    return env
