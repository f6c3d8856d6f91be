"""nbgrader's steps that grading replaces: running the notebook, and showing the student's markdown.

nbgrader's ``autograde`` runs its preprocessors in turn; grading keeps them
all but its Execute step, which :func:`sandboxed_execute` replaces: the
notebook runs in its sandbox (sandbox.py, wall/), and the judge (judge.py)
decides the test cells' points here, on the answers that came back. Its
``generate_feedback`` keeps nbgrader's steps too, with one more,
:func:`quote_markdown`: markdown the student wrote is shown as text.

Both read the grading worker's state (grading.py): the limits, the slot and
quota of its sandboxes, and the chapter's plan and public markdown.
"""

from __future__ import annotations

import json

import nbformat

from . import cells, folders, judge, publish, sandbox


def autograde_steps(worker: dict) -> list:
    """nbgrader's own autograde steps, except that the notebook runs in its sandbox and the judge scores it."""
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput,
                                        SaveAutoGrades)

    return [sandboxed_execute(worker), IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
            AssignLatePenalties, CheckCellMetadata]


def feedback_steps(worker: dict) -> list:
    """nbgrader's own feedback steps, with the student's markdown quoted (:func:`quote_markdown`)."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    return [GetGrades, quote_markdown(worker), CSSHTMLHeaderPreprocessor]


def sandboxed_execute(worker: dict):
    """nbgrader's Execute step, replaced: run the notebook in its sandbox, then judge it here."""
    from nbgrader.preprocessors import NbGraderPreprocessor

    class SandboxedExecute(NbGraderPreprocessor):
        def preprocess(self, nb, resources):
            student, chapter = resources["nbgrader"]["student"], resources["nbgrader"]["assignment"]
            plan = worker["plan"](chapter)
            limits = worker["limits"]
            for cell in nb.cells:  # the mark of the grader's own cell is not the submission's to set
                cell.metadata.pop("nnlib_grader", None)
            job_nb = nbformat.from_dict(json.loads(json.dumps(nb)))
            skip = []
            for index, cell in enumerate(job_nb.cells):
                if cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
                if cells.is_test_cell(cell):
                    skip.append(index)  # test cells are judged here, not run there
                    cell.source = judge.HIDDEN_SOURCE if cells.is_hidden_cell(cell) else cell.source
            job = {"notebook": job_nb, "notebook_name": f"{chapter}.ipynb", "skip": skip,
                   "request": plan.request(limits.cell_timeout)}
            group = worker["quota"].group(f"s{worker['slot']}-{worker['count']}", limits.submission_memory,
                                           limits.cpus, limits.processes) if worker["quota"] else None
            try:
                result = sandbox.run(job, folders.COURSE / "grading" / chapter / "nnlib", limits,
                                     slot=worker["slot"], sandboxed=worker["sandboxed"], group=group,
                                     fonts=worker.get("fonts"))
            finally:
                if group is not None:
                    peak = group.peak_memory()
                    group.remove()
                    worker["sandbox_peak"] = peak
            failed = result.get("failed", "")
            verdicts = judge.judge(plan, result.get("answers", []), unavailable=_no_answers(result))
            outputs = result.get("outputs", {})
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                if cells.is_test_cell(cell):
                    verdict = verdicts[cell.metadata["nbgrader"]["grade_id"]]
                    cell.outputs = [nbformat.from_dict(o) for o in verdict.outputs]
                    if cells.is_hidden_cell(cell):
                        cell.source = judge.HIDDEN_SOURCE  # the feedback shows verdicts, not tests
                else:
                    cell.outputs = [nbformat.from_dict(o) for o in _inert(outputs.get(str(index), []))]
                    cell.execution_count = result.get("execution_counts", {}).get(str(index))
            if failed:
                nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"**Grading stopped this notebook:** {failed}."))
                nb.cells[0].metadata["nnlib_grader"] = True  # the grader's words, rendered as markdown
            worker["info"][student, chapter] = {"failed": failed, "notes": result.get("notes", []),
                                                 "log": result.get("log", "")}
            return nb, resources

    return SandboxedExecute


# Outputs that would run in the browser of whoever opens the notebook or its feedback.
SCRIPT_TYPES = ("application/javascript", "text/javascript", "application/x-javascript",
                "application/vnd.jupyter.widget-view+json", "application/vnd.jupyter.widget-state+json")


def _inert(outputs: list) -> list:
    """The outputs without their script parts (the feedback page is sanitised again as a whole)."""
    kept = []
    for output in outputs:
        if not isinstance(output, dict):
            continue
        data = output.get("data")
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k not in SCRIPT_TYPES}
            if not data:
                continue
            output = dict(output, data=data)
        kept.append(output)
    return kept


def quote_markdown(worker: dict):
    """nbgrader's feedback step, with each markdown cell the student wrote shown as literal text.

    A markdown cell as the chapter has it renders as usual; one the student
    changed or added is shown in a fenced block, which the renderer reads in
    linear time (nested brackets would take it quadratic time) and which
    renders no HTML of the student's.
    """
    from nbgrader.preprocessors import NbGraderPreprocessor

    class QuoteStudentMarkdown(NbGraderPreprocessor):
        def preprocess(self, nb, resources):
            chapter = resources["nbgrader"]["assignment"]
            public = worker["public_markdown"](chapter)
            for cell in nb.cells:
                if cell.cell_type == "markdown" and cell.source not in public \
                        and not cell.metadata.get("nnlib_grader"):
                    cell.source = publish.quote_markdown(cell.source)
                    cell.attachments = {}
                elif cell.cell_type == "raw":
                    cell.source = publish.quote_markdown(cell.source)
                    cell.cell_type = "markdown"
                    cell.pop("attachments", None)
            return nb, resources

    return QuoteStudentMarkdown


def _no_answers(result: dict) -> str:
    if result.get("failed"):
        return result["failed"]
    dead = [n for n in result.get("notes", []) if "kernel died" in n]
    return dead[0] if dead else ""
