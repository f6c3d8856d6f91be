"""Show the library's own source in a notebook, highlighted as Python."""

import ast
import inspect
import textwrap

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)
# The widest line of code that fits the book's text column (at 1280 px, the
# code font of 14 px): wider summaries are wrapped. tests/site checks the fit.
WIDTH = 76


class Source:
    """Source code that Jupyter and the book render as a Python code block."""

    def __init__(self, code: str):
        self.code = code

    def _repr_markdown_(self) -> str:
        return f"```python\n{self.code}```\n"

    def __repr__(self) -> str:
        return self.code


def _summary_only(code: str, width: int = WIDTH) -> str:
    """Cut every docstring in ``code`` down to its summary, its first paragraph.

    The text kept is the source's own (quotes, prefixes, escapes and all), so
    the result is the same Python with shorter docstrings; comments and code
    stay as they are. A summary wider than ``width`` is wrapped at its spaces.
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:  # a fragment, such as a lambda inside a call: shown as it is
        return code
    lines = code.splitlines(keepends=True)
    edits = []  # (first line, one past the last line, the lines that replace them)
    for node in ast.walk(tree):
        if not (isinstance(node, _DEFINITIONS) and node.body):
            continue
        first = node.body[0]
        if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)):
            continue
        start, end = first.lineno - 1, first.end_lineno  # 0-based, end exclusive
        opening = lines[start]
        indent = opening[: len(opening) - len(opening.lstrip())]
        quotes = [q for q in ('"""', "'''") if q in opening]
        if not quotes:
            continue  # a docstring in single quotes is one line: left as it is
        quote = min(quotes, key=opening.index)
        prefix = opening[: opening.index(quote) + 3]  # indent, any r/u prefix, quotes
        # The summary runs from the opening line to the first blank line; a
        # docstring that opens with its quotes alone starts on the next line.
        last = start + (not opening[len(prefix):].strip())
        while last + 1 < end and lines[last + 1].strip():
            last += 1
        if last >= end - 1:  # no blank line: all of it is summary
            kept = "".join(lines[start:end]).rstrip()[: -len(quote)]
        else:
            kept = "".join(lines[start:last + 1]).rstrip()
        text = kept[len(prefix):]
        if last < end - 1 or max(map(len, lines[start:end])) > width + 1:
            body = kept.splitlines()
            if max(len(line) for line in body) + len(quote) > width and "\\\n" not in kept:
                body = textwrap.wrap(text, width - len(quote), initial_indent=prefix,
                                     subsequent_indent=indent, break_long_words=False,
                                     break_on_hyphens=False) or [prefix]
            edits.append((start, end, [line + "\n" for line in body[:-1]]
                          + [body[-1] + quote + "\n"]))
    for edit_from, edit_to, replacement in sorted(edits, reverse=True):
        lines[edit_from:edit_to] = replacement
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
