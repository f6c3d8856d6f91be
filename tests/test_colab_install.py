"""Each notebook run as on Colab: in a Python where nnlib is not importable, its
first cell installs nnlib (here from a wheel built from this checkout), and the
rest of the notebook then runs on the installed package. That run is also the
unit tests' one run of each notebook, with the BLAS held to one thread (the
one-thread pass of make test's machine matrix): every cell must run clean but
those tagged raises-exception, which must raise what they declare
(test_notebooks)."""

import json
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from test_notebooks import assert_only_the_declared_errors

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
KERNEL = "nnlib-colab-test"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """Build nnlib's wheel from a copy of the sources, so no build files land in the checkout."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "nnlib", src / "nnlib", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(out), str(src)],
        check=True,
    )
    (built,) = out.glob("nnlib_from_scratch-*.whl")
    return built


def python_without_nnlib(where: Path) -> Path:
    """A new venv that sees this environment's packages (numpy, ipykernel, pip) but not nnlib.

    A .pth line adds each site-packages folder to sys.path; .pth files inside
    those folders (nnlib's editable install is one) are not processed, so nnlib
    stays unimportable until something installs it.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    dirs = site.getsitepackages() + [sysconfig.get_paths()["purelib"]]
    (Path(purelib) / "_course_dependencies.pth").write_text("\n".join(dict.fromkeys(dirs)) + "\n")
    found = subprocess.run(
        [python, "-c", "import importlib.util as u; print(u.find_spec('nnlib') is None, u.find_spec('numpy') is None)"],
        check=True, capture_output=True, text=True, cwd=where,
    ).stdout.split()
    assert found == ["True", "False"], f"nnlib must be missing and numpy present, got {found}"
    return python


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_installs_nnlib_from_a_wheel_and_runs(path, wheel, tmp_path, monkeypatch):
    python = python_without_nnlib(tmp_path / "env")
    kernels = tmp_path / "jupyter" / "kernels" / KERNEL
    kernels.mkdir(parents=True)
    # The BLAS held to one thread, as another machine would run it: this is also the
    # one-thread pass of make test's machine matrix (the Makefile, test-matrix).
    startup = tmp_path / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "matrix" / "blas_threads.py", startup / "00-blas-threads.py")
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python without nnlib",
        "language": "python",
        # The install cell takes the wheel; no index, so nothing is downloaded.
        "env": {"NNLIB_PIP_SPEC": str(wheel), "PIP_NO_INDEX": "1",
                "PIP_DISABLE_PIP_VERSION_CHECK": "1", "MPLBACKEND": "Agg",
                "IPYTHONDIR": str(tmp_path / "ipython"), "NNLIB_TEST_BLAS_THREADS": "1"},
    }))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.delenv("PYTHONPATH", raising=False)

    work = tmp_path / "work"  # outside the checkout, so nnlib cannot come from the cwd
    work.mkdir()
    nb = nbformat.read(path, as_version=4)
    # First, the threads of numpy's BLAS (the only one loaded yet); last, where nnlib came from.
    nb.cells.insert(0, nbformat.v4.new_code_cell(
        "import threadpoolctl\n"
        "print(sorted({i['num_threads'] for i in threadpoolctl.threadpool_info() if i['user_api'] == 'blas'}))"))
    nb.cells.append(nbformat.v4.new_code_cell("import nnlib\nprint(nnlib.__file__)"))
    client = nbclient.NotebookClient(
        # The slowest cell, the speed appendix's timing sweep, took 53 s on 2 cores with the
        # load average at 28; the limit only ends a hang, so it leaves far more than that.
        nb, timeout=1800, allow_errors=True, kernel_name=KERNEL, resources={"metadata": {"path": str(work)}}
    )
    client.execute()
    assert_only_the_declared_errors(path.stem, nb)

    blas = "".join(o.get("text", "") for o in nb.cells[0].outputs).strip()
    assert blas == "[1]", f"numpy's BLAS ran with {blas} threads, not 1"
    where = "".join(o.get("text", "") for o in nb.cells[-1].outputs).strip()
    assert where.startswith(str(tmp_path / "env")), f"nnlib came from {where}, not the wheel"


def install_cell(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("# nnlib-install-cell")]
    return cell.source


def run_cell(python: Path, source: str, cwd: Path, **env) -> subprocess.CompletedProcess:
    """Run a cell's source as a script in cwd (sys.path[0] is cwd, as in a kernel)."""
    script = cwd / "_cell.py"
    script.write_text(source)
    environment = {"PATH": "/usr/bin:/bin", "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", **env}
    return subprocess.run([python, script.name], cwd=cwd, capture_output=True, text=True, env=environment)


def test_a_failed_install_says_what_to_do_on_colab_binder_and_locally(tmp_path):
    # Not a bare CalledProcessError: the reader learns what failed and what to do where they are.
    python = python_without_nnlib(tmp_path / "env")
    work = tmp_path / "work"
    work.mkdir()
    result = run_cell(python, install_cell(NOTEBOOKS[0]), work, NNLIB_PIP_SPEC=str(tmp_path / "missing.whl"))
    assert result.returncode != 0
    error = result.stderr
    assert "CalledProcessError" not in error
    assert "RuntimeError: Could not install nnlib" in error, error
    for where in ("On Colab:", "On Binder:", "On your own machine:", "pip said:", "missing.whl"):
        assert where in error, f"{where!r} missing from the message:\n{error}"


def test_the_student_edition_runs_only_on_the_student_edition_of_nnlib(tmp_path, monkeypatch):
    # On Colab a student edition would otherwise install the full nnlib and run its
    # functions instead of the student's: its first cell installs nothing and says why.
    from coursework import editions, folders

    chapter = "03_sigmoid"
    source = editions.student_install_cell(chapter)
    assert "pip" not in source and "git+" not in source
    python = python_without_nnlib(tmp_path / "env")

    alone = tmp_path / "alone"  # the notebook opened on its own, as on Colab
    alone.mkdir()
    result = run_cell(python, source, alone)
    assert result.returncode != 0 and "No nnlib is installed here" in result.stderr, result.stderr
    assert "Colab cannot run" in result.stderr

    # The full nnlib (this checkout's, editable in the test's Python) is refused too.
    result = run_cell(Path(sys.executable), source, alone)
    assert result.returncode != 0 and "is the full library" in result.stderr, result.stderr

    # As make student lays it out: the notebook beside its nnlib/, whose first code cell is this one.
    monkeypatch.setattr(folders, "COURSE", tmp_path / "course")
    editions.make_source(chapter)
    folder = tmp_path / "course" / "source" / chapter
    code = [c for c in nbformat.read(folder / f"{chapter}.ipynb", as_version=4).cells if c.cell_type == "code"]
    assert code[0].source == source
    result = run_cell(python, source, folder)
    assert result.returncode == 0, result.stderr
