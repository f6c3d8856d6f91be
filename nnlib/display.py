"""Show the library's own source in a notebook, highlighted as Python."""

import inspect


class Source:
    """Source code that Jupyter and the book render as a Python code block."""

    def __init__(self, code: str):
        self.code = code

    def _repr_markdown_(self) -> str:
        return f"```python\n{self.code}```\n"

    def __repr__(self) -> str:
        return self.code


def show_source(obj) -> Source:
    """Return the source of a function, class or module for display in a cell.

    The book prints nnlib's code with this, so the text always shows the code
    the chapter really runs.
    """
    code = inspect.getsource(obj)
    return Source(code if code.endswith("\n") else code + "\n")
