"""Run one submission inside its sandbox; the grader starts this with bubblewrap.

    PYTHONPATH=/job/lib python -s -P -m wall.runner < job.json > result.json

It reads the job from standard input before anything of the submission runs:
the notebook (with the test cells left out: the grader judges those), the
time limit per cell, the output cap, and the grader's request for answers
(see harvest.py). It runs the notebook's cells in a fresh kernel, in the
sandbox's scratch folder, then asks the kernel for the answers, and writes
one JSON document to standard output: each cell's outputs (cut at the cap),
the answers, and notes on what went wrong (a kernel that died, a cell that ran
out of time). The kernel cannot reach that output: it is started with no
standard streams of ours, and this process is made non-dumpable so that the
kernel cannot open its file descriptors or memory through /proc.
"""

import ctypes
import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

PR_SET_DUMPABLE = 4


def main() -> None:
    result_stream = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # anything else printed here goes to the grader's log, not the result
    ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    job = json.load(sys.stdin)
    result = run(job)
    json.dump(result, result_stream)
    result_stream.close()


def run(job: dict) -> dict:
    # jsonschema's optional IRI check (rfc3987_syntax) builds a grammar for over a second at
    # import, for every submission; nothing here validates IRIs, so it is left out.
    sys.modules.setdefault("rfc3987_syntax", None)
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    cap, total_cap = job["output_cap"], job["notebook_output_cap"]
    notes = []

    class CappedClient(NotebookClient):
        """Keeps at most ``cap`` bytes of output per cell and ``total_cap`` per notebook.

        Bytes of the output as JSON, as the graded notebook will hold it: a
        control character that JSON escapes into six bytes counts six.
        """

        sizes: dict = {}
        kept = 0  # bytes kept in the whole notebook
        full = False  # the notebook's cap has cut something

        def output(self, outs, msg, display_id, cell_index):
            size = len(json.dumps(msg["content"]))  # ASCII: characters are bytes
            seen = self.sizes.get(cell_index, 0)
            self.sizes[cell_index] = seen + size
            room = min(cap - seen, total_cap - self.kept)
            if size <= room:
                self.kept += size + 100  # and the output's own fields
                return super().output(outs, msg, display_id, cell_index)
            self.full = self.full or total_cap - self.kept < cap - seen
            if room > 300 and msg["msg_type"] == "stream":  # keep the start of a long print
                text = cut_to_bytes(msg["content"]["text"], room - 200)
                self.kept += len(json.dumps(text)) + 100
                msg = dict(msg, content=dict(msg["content"], text=text))
                return super().output(outs, msg, display_id, cell_index)
            return None

    work = Path.cwd()
    fonts = Path("/job/matplotlib")  # the grader's font list, so matplotlib need not scan the fonts again
    if fonts.is_dir():
        shutil.copytree(fonts, work / ".matplotlib")
    nb = nbformat.from_dict(job["notebook"])
    nbformat.write(nb, work / job["notebook_name"])  # the submission's own copy, as handed in
    # shutdown_kernel="immediate": the sandbox ends anyway, so the kernel need not be asked to stop.
    client = CappedClient(nb, timeout=job["cell_timeout"], kernel_name="python3", allow_errors=True,
                          interrupt_on_timeout=True, shutdown_kernel="immediate",
                          resources={"metadata": {"path": str(work)}},
                          error_on_timeout={"ename": "CellTimeoutError", "evalue":
                                            f"no answer within the {job['cell_timeout']} s limit per cell",
                                            "traceback": []})
    outputs: dict[int, list] = {}
    counts: dict[int, int] = {}
    answers: list = []
    with client.setup_kernel(stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        dead = False
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or index in job["skip"]:
                continue
            try:
                client.execute_cell(cell, index)
            except DeadKernelError:
                dead = True
                notes.append(f"the kernel died in cell {index} (out of memory, or killed)")
                cell.outputs.append(nbformat.v4.new_output(
                    "error", ename="DeadKernelError",
                    evalue="the kernel died here (out of memory, or killed); later cells did not run",
                    traceback=[]))
            except CellTimeoutError as error:
                notes.append(f"cell {index}: {error}")
            outputs[index] = cut(cell.outputs, client.sizes.get(index, 0), cap, client.full)
            counts[index] = cell.get("execution_count")
            if dead:
                break
        # The public calls first, then, in a cell of their own, the hidden cases (judge.Plan.request).
        for items in job["request"]["phases"]:
            if dead or not items:
                continue
            got, dead = ask_for_answers(client, nb, job, items, notes, job["answers_cap"] - answers_size(answers),
                                        answers)
            answers += got
    return {"outputs": outputs, "execution_counts": counts, "answers": answers, "notes": notes}


def answers_size(answers: list) -> int:
    return sum(len(json.dumps(a)) + 1 for a in answers)


def cut_to_bytes(text: str, limit: int) -> str:
    """The longest start of ``text`` whose JSON is at most ``limit`` bytes."""
    if len(json.dumps(text)) <= limit:
        return text
    low, high = 0, min(len(text), limit)
    while low < high:  # each step serialises at most ``limit`` characters
        middle = (low + high + 1) // 2
        if len(json.dumps(text[:middle])) <= limit:
            low = middle
        else:
            high = middle - 1
    return text[:low]


def cut(outs: list, size: int, cap: int, notebook_full: bool) -> list:
    """The outputs, after a note when some were dropped at a cap."""
    outs = [dict(o) for o in outs]
    if size > cap or (notebook_full and size > sum(len(json.dumps(o)) for o in outs)):
        # Said first: nbgrader's own limit on lines may cut the end of the output.
        where = "this notebook's output has reached the cap for a whole notebook" if notebook_full else \
            f"grading keeps the first {cap / 1e6:.1f} MB of a cell"
        outs.insert(0, {"output_type": "stream", "name": "stdout",
                        "text": f"[Output cut: this cell printed {size / 1e6:.1f} MB; {where}.]\n"})
    return outs


def ask_for_answers(client, nb, job: dict, items: list, notes: list, room: int,
                    done_answers: list) -> tuple[list, bool]:
    """The answers to ``items`` (at most ``room`` bytes of them), and whether the kernel died.

    A function that ran out of time in an earlier phase (``done_answers``) is not called again.
    """
    import nbformat
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    out_path = f".answers-{secrets.token_hex(8)}.jsonl"
    names = {item["id"]: item["name"] for phase in job["request"]["phases"] for item in phase}
    request = {"seconds": job["request"]["seconds"], "items": items,
               "timed_out": sorted({names.get(a.get("id")) for a in done_answers
                                    if a.get("raised") == "TimeoutError" and names.get(a.get("id"))})}
    # The harvest is this package's own (the sandbox's read-only copy), imported by the kernel.
    code = "\n".join([
        f"from {__package__}.harvest import harvest as _nnlib_harvest",
        f"_nnlib_harvest(globals(), __import__('json').loads({json.dumps(request)!r}), {out_path!r})",
    ])
    cell = nbformat.v4.new_code_cell(code)
    nb.cells.append(cell)
    client.timeout = request["seconds"] * (len(items) + 1) + 30
    dead = False
    try:
        client.execute_cell(cell, len(nb.cells) - 1)
    except (DeadKernelError, CellTimeoutError) as error:
        dead = isinstance(error, DeadKernelError)
        notes.append(f"collecting the answers: {type(error).__name__}")
    answers = []
    try:
        with open(out_path, "rb") as f:
            text = f.read(max(0, room)).decode("utf-8", "replace")
    except OSError:
        return answers, dead
    for line in text.splitlines():
        try:
            answers.append(json.loads(line))
        except ValueError:
            break
    return answers, dead


if __name__ == "__main__":
    main()
