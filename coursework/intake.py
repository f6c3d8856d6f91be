"""What a class hands in, read as data: one regular file per submission, never followed.

A folder of submissions is laid out as nbgrader's ``submitted/``:
``SUBMISSIONS/<student>/<chapter>/<chapter>.ipynb``. Of each
``<student>/<chapter>/`` folder exactly one file is taken, ``<chapter>.ipynb``,
and only if it is a regular file of at most ``max_bytes``: every folder on the
way and the file itself are opened with ``O_NOFOLLOW`` relative to the folder
above (``dir_fd``), so a symbolic link anywhere is refused, not followed, and a
named pipe or a device is refused before it is read (``O_NONBLOCK``, then
``fstat``). The file is read as bytes, checked to be a notebook (JSON with
cells), and later written afresh into the course (:func:`write_fresh`): nothing
of the student's folder is ever copied, linked or opened again.

Everything else (a stray ``__MACOSX/``, a link, a pipe, a file that is not a
notebook, a chapter without exercises, extra files beside the notebook) is
skipped with a reason that ``make grade`` prints and writes into scores.csv.
Nothing here raises on a student's entry: a class always finishes.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

MAX_BYTES = 5 * 1024**2  # largest notebook read, by default
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


@dataclass
class Entry:
    """One ``<student>/<chapter>`` of the folder: its notebook's bytes, or why it is skipped."""

    student: str
    chapter: str
    data: bytes | None = None
    skipped: str = ""  # why nothing of it is graded
    ignored: list = field(default_factory=list)  # other names in its folder, left alone


def read_class(folder: Path, chapters: list[str], max_bytes: int = MAX_BYTES) -> list[Entry]:
    """Every ``<student>/<chapter>`` entry of ``folder``, sorted; see the module's docstring."""
    entries = []
    top = os.open(folder, _DIR_FLAGS & ~os.O_NOFOLLOW)  # the instructor names this folder
    try:
        for student in sorted(os.listdir(top)):
            if student.startswith("."):
                continue
            kind = _kind(top, student)
            if kind != "folder":
                entries.append(Entry(student, "", skipped=f"not a student folder ({kind})"))
                continue
            entries += _read_student(top, student, chapters, max_bytes)
    finally:
        os.close(top)
    return entries


def _read_student(top: int, student: str, chapters: list[str], max_bytes: int) -> list[Entry]:
    try:
        fd = os.open(student, _DIR_FLAGS, dir_fd=top)
    except OSError as error:
        return [Entry(student, "", skipped=f"not a student folder ({_os_reason(error)})")]
    entries = []
    try:
        names = sorted(n for n in os.listdir(fd) if not n.startswith("."))
        if not names:
            return [Entry(student, "", skipped="an empty student folder")]
        for chapter in names:
            kind = _kind(fd, chapter)
            if chapter not in chapters:
                what = "folder" if kind == "folder" else kind
                entries.append(Entry(student, chapter, skipped=f"not a chapter with exercises ({what})"))
            elif kind != "folder":
                entries.append(Entry(student, chapter, skipped=f"not a chapter folder ({kind})"))
            else:
                entries.append(_read_chapter(fd, student, chapter, max_bytes))
    finally:
        os.close(fd)
    return entries


def _read_chapter(parent: int, student: str, chapter: str, max_bytes: int) -> Entry:
    entry = Entry(student, chapter)
    name = f"{chapter}.ipynb"
    try:
        fd = os.open(chapter, _DIR_FLAGS, dir_fd=parent)
    except OSError as error:
        entry.skipped = f"not a chapter folder ({_os_reason(error)})"
        return entry
    try:
        entry.ignored = sorted(n for n in os.listdir(fd) if n != name)
        if name not in os.listdir(fd):
            entry.skipped = f"no {name} in the submission"
            return entry
        entry.data, entry.skipped = _read_notebook(fd, name, max_bytes)
    finally:
        os.close(fd)
    return entry


def _read_notebook(parent: int, name: str, max_bytes: int) -> tuple[bytes | None, str]:
    """The notebook's bytes, or None and why not."""
    try:
        fd = os.open(name, _FILE_FLAGS, dir_fd=parent)
    except OSError as error:
        return None, f"{name} is {_os_reason(error)}, not a regular file"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, f"{name} is {_mode_name(info.st_mode)}, not a regular file"
        if info.st_size > max_bytes:
            return None, f"{name} is {info.st_size} bytes, above the limit of {max_bytes}"
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        return None, f"{name} grew above the limit of {max_bytes} bytes while it was read"
    if not data:
        return None, "the notebook file is empty (0 bytes)"
    why = not_a_notebook(data)
    return (None, f"{name} {why}") if why else (data, "")


def not_a_notebook(data: bytes) -> str:
    """Why ``data`` is not a notebook that nbformat can read, or ''."""
    try:
        nb = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return "is not a notebook (not JSON)"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) or nb.get("nbformat") != 4:
        return "is not a notebook (JSON without nbformat 4 cells)"
    return ""


def write_fresh(data: bytes, folder: Path, name: str) -> Path:
    """Write ``data`` as a new file ``folder/name`` (the folder made afresh): no link is followed."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path


def _kind(parent: int, name: str) -> str:
    try:
        mode = os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode
    except OSError as error:
        return _os_reason(error)
    return "folder" if stat.S_ISDIR(mode) else _mode_name(mode)


def _mode_name(mode: int) -> str:
    for test, name in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a named pipe"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
                       (stat.S_ISDIR, "a folder"), (stat.S_ISREG, "a file")):
        if test(mode):
            return name
    return "not a file"


def _os_reason(error: OSError) -> str:
    import errno

    if error.errno == errno.ELOOP:
        return "a symbolic link"
    if error.errno == errno.ENOTDIR:
        return "a file, not a folder"
    return os.strerror(error.errno or 0).lower() or type(error).__name__
