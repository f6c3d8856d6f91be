"""Inside the sandbox, after a submission's notebook has run: collect its answers.

The runner adds one last cell to the submission's kernel (which no one sees)
that imports this module (``wall.harvest``, from the sandbox's read-only copy)
and calls :func:`harvest` with the grader's request:
the names of the submission's functions and values, and the inputs to call the
functions with. Each answer is appended, as plain data, to a file that the
runner hands back to the grader: the value returned, or the type of what was
raised and the start of its message; and, when the function changed them, its
arguments as it left them (``after``), so that the judge sees an in-place
change. Nothing here decides a score: the grader judges the answers in its own
process, so a submission that rewrites this code, the checkers or anything else
in its kernel changes only the answers it gives.
"""


def harvest(namespace, request, out_path):
    import json
    import signal
    import warnings

    import numpy as np

    from . import plain_data

    seconds = request["seconds"]
    timed_out = set(request.get("timed_out", []))  # names that ran out of time in an earlier phase

    def on_alarm(signum, frame):
        raise TimeoutError(f"timed out: no answer within {seconds:g} s")

    signal.signal(signal.SIGALRM, on_alarm)
    with open(out_path, "w") as out:
        for item in request["items"]:
            name = item["name"]
            record = {"id": item["id"]}
            if name not in namespace:
                record["missing"] = True
            elif "args" not in item:
                try:
                    record["answer"] = plain_data.encode(namespace[name])
                except Exception as error:  # a value whose type misbehaves
                    record.update(raised=type(error).__name__, message=_start(error))
            elif name in timed_out:
                record.update(raised="TimeoutError", message=f"not run: {name} had already timed out")
            else:
                try:
                    args = [plain_data.decode(a) for a in item["args"]]
                    signal.setitimer(signal.ITIMER_REAL, seconds)
                    try:
                        with warnings.catch_warnings():
                            # Graded on its values, as the chapter's check grades it: a warning
                            # would only reach stderr (which nbgrader scores as a failure), and an
                            # overflow to a right answer (1 / (1 + inf) = 0) is no mistake. A NaN
                            # or inf where a number belongs fails the comparison instead.
                            warnings.simplefilter("ignore")
                            with np.errstate(all="ignore"):
                                got = namespace[name](*args)
                    finally:
                        signal.setitimer(signal.ITIMER_REAL, 0)
                    record["answer"] = plain_data.encode(got)
                    after = [plain_data.encode(a) for a in args]
                    if after != item["args"]:
                        record["after"] = after
                except BaseException as error:  # the submission's code may raise anything
                    if isinstance(error, TimeoutError):
                        timed_out.add(name)
                    record.update(raised=type(error).__name__[:80], message=_start(error))
            try:
                line = json.dumps(record, allow_nan=False)
            except ValueError as error:  # a string that JSON cannot hold, say
                line = json.dumps({"id": item["id"], "raised": "ValueError",
                                   "message": f"the answer could not be written as data: {error}"})
            out.write(line + "\n")
            out.flush()


def _start(error, limit=200):
    """The start of an exception's message: the judge shows less still (publish.error_text)."""
    try:
        return str(error)[:limit]
    except BaseException:  # a __str__ of the submission's own that raises
        return ""
