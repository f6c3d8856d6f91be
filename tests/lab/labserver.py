"""The JupyterLab test's server: the learner's JupyterLab, started as `make lab` starts
it, on 127.0.0.1 and workbooks in a temporary root, with nothing of the tester's
own Jupyter configuration."""

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = ["-m", "coursework", "workbooks"]  # what make lab runs, from the repository
SHOTS = ROOT / "_build" / "lab"  # a screenshot per chapter


def _site_conftest():
    # The browser test's Chromium and its flags for a closed network, from one place.
    spec = importlib.util.spec_from_file_location("site_conftest", ROOT / "tests" / "site" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SITE = _site_conftest()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server started for the test, and what it serves."""

    def __init__(self, root: Path, *, learner: bool = True, token: str | None = None, folder: Path | None = None):
        self.root = root
        self.folder = folder or root / "workbooks"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        home = root / "home"
        # This server's own config, runtime and settings: the tester's ~/.jupyter plays no part.
        settings = home / "config" / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
        settings.mkdir(parents=True, exist_ok=True)
        # Every cell in the page (no windowing), so the test sees each one.
        (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
        env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
        env |= {"JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
                "IPYTHONDIR": str(home / "ipython"), "JUPYTER_PORT": str(self.port)}  # make lab honours it
        options = ["--no-browser", "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
                   "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        if token is None:
            options.append("--IdentityProvider.token=")
        else:
            env["JUPYTER_TOKEN"] = token  # make lab honours it
        cwd = root
        if learner:  # what make lab runs, from the repository (where python -m finds coursework)
            command = [sys.executable, *TOOL, "--folder", str(self.folder), "lab", *options]
            cwd = ROOT
        else:  # plain JupyterLab, as an instructor runs it
            command = [str(Path(sys.executable).with_name("jupyter-lab")), f"--ServerApp.root_dir={self.folder}",
                       *(["--allow-root"] if os.geteuid() == 0 else []), *options]
        self.log = open(root / "server.log", "w")
        self.process = subprocess.Popen(command, env=env, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self.token = token
        self._wait()

    def _wait(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"JupyterLab exited:\n{(self.root / 'server.log').read_text()[-3000:]}")
            try:
                self.api("status")
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        pytest.fail(f"JupyterLab did not answer in {seconds} s:\n{(self.root / 'server.log').read_text()[-3000:]}")

    def api(self, path: str):
        headers = {"Authorization": f"token {self.token}"} if self.token else {}
        request = urllib.request.Request(f"{self.url}api/{path}", headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            return json.loads(body) if body else None

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the server and the kernels it started
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def make_workbooks(folder: Path, *chapters: str) -> None:
    """Workbooks as `make lab` makes them on first use (python -m coursework workbooks create)."""
    result = subprocess.run([sys.executable, *TOOL, "--folder", str(folder), "create", *chapters],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


