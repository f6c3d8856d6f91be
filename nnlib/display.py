"""Show the library's own source in a notebook, highlighted as Python."""

import ast
import inspect
import textwrap

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)


class Source:
    """Source code that Jupyter and the book render as a Python code block."""

    def __init__(self, code: str):
        self.code = code

    def _repr_markdown_(self) -> str:
        return f"```python\n{self.code}```\n"

    def __repr__(self) -> str:
        return self.code


def _summary_only(code: str) -> str:
    """Cut every docstring in ``code`` down to its summary, its first paragraph.

    The lines kept are the source's own (quotes, prefixes, escapes and all),
    so the result is the same Python with shorter docstrings; comments and
    blank lines elsewhere stay as they are.
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:  # a fragment, such as a lambda inside a call: shown as it is
        return code
    lines = code.splitlines(keepends=True)
    cuts = []  # (first line of the cut, one past its last line, closing text)
    for node in ast.walk(tree):
        if not (isinstance(node, _DEFINITIONS) and node.body):
            continue
        first = node.body[0]
        if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)):
            continue
        start, end = first.lineno - 1, first.end_lineno  # 0-based, end exclusive
        if end - start == 1:
            continue  # a one-line docstring is its own summary
        opening = lines[start]
        quote = '"""' if opening.find('"""') != -1 and (
            opening.find("'''") == -1 or opening.find('"""') < opening.find("'''")) else "'''"
        # The summary runs from the opening line to the first blank line; a
        # docstring that opens with its quotes alone starts on the next line.
        last = start
        if not opening.strip().rstrip(quote).lstrip("rRuU").strip():
            last = start + 1
        while last + 1 < end - 1 and lines[last + 1].strip():
            last += 1
        if last + 1 >= end - 1:
            continue  # no blank line: the docstring is all summary
        cuts.append((last + 1, end, quote))
    for cut_from, cut_to, quote in sorted(cuts, reverse=True):
        kept = lines[cut_from - 1].rstrip("\n")
        lines[cut_from - 1:cut_to] = [kept + quote + "\n"]
    return "".join(lines)


def show_source(obj, full_docstring: bool = False) -> Source:
    """Return the source of a function, class or module for display in a cell.

    The book prints nnlib's code with this, so the text always shows the code
    the chapter really runs. Each docstring is cut to its summary line, so
    that the listing is the signature and the code; ``help(obj)`` shows the
    whole docstring, and so does ``show_source(obj, full_docstring=True)``.
    """
    code = textwrap.dedent(inspect.getsource(obj))
    if not full_docstring:
        code = _summary_only(code)
    return Source(code if code.endswith("\n") else code + "\n")
