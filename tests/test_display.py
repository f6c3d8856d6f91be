import ast
import importlib
import inspect
import json
import pkgutil
import re
import textwrap
from pathlib import Path

import pytest

import nnlib
from nnlib import show_source, sigmoid
from nnlib.display import WIDTH, _summary_only

ROOT = Path(__file__).resolve().parents[1]


def shown_in_the_book():
    """Every name a chapter passes to show_source, as written in its code cells."""
    names = set()
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                names.update(re.findall(r"show_source\(([\w.]+)", "".join(cell["source"])))
    return sorted(names)


def resolve(name):
    """The nnlib object a chapter means by ``name``: ``f``, ``module.f`` or ``nnlib.module.f``."""
    first, *rest = name.split(".")
    modules = [nnlib] + [importlib.import_module(f"nnlib.{m.name}")
                         for m in pkgutil.iter_modules(nnlib.__path__)]
    if first == "nnlib":
        obj = nnlib
    else:
        found = [getattr(module, first) for module in modules if hasattr(module, first)]
        found = [o for o in found if getattr(o, "__name__", "").startswith("nnlib")
                 or getattr(o, "__module__", "").startswith("nnlib")]
        if not found:
            raise LookupError(f"no nnlib function {name}")
        obj = found[0]
    for attr in rest:
        if not hasattr(obj, attr):
            obj = importlib.import_module(f"{obj.__name__}.{attr}")
        else:
            obj = getattr(obj, attr)
    return obj


def without_docstrings(tree):
    """The tree with every docstring emptied, to compare code and only code."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                body[0].value.value = ""
    return ast.dump(tree)


def summary(doc):
    """The first paragraph of a docstring, its lines joined."""
    return " ".join(inspect.cleandoc(doc).split("\n\n")[0].split())


BOOK = shown_in_the_book()


def test_the_chapters_show_functions():
    # The test below needs something to check: the chapters' listings.
    assert {"forward_prop", "backprop", "train"} <= set(BOOK)


@pytest.mark.parametrize("name", BOOK)
def test_shown_source_is_the_code_with_only_the_summary_line(name):
    obj = resolve(name)
    full = textwrap.dedent(inspect.getsource(obj))
    shown = repr(show_source(obj))
    tree = ast.parse(shown)  # valid Python, as a reader could paste it
    # The same signature and body, statement for statement; only docstrings are cut.
    assert without_docstrings(ast.parse(shown)) == without_docstrings(ast.parse(full))
    definition = tree.body[0]
    assert definition.name == obj.__name__
    header = shown.split(":")[0]
    if isinstance(obj, type):  # a class, with or without base classes
        assert header == f"class {obj.__name__}" or header.startswith(f"class {obj.__name__}(")
    else:
        assert shown.startswith(("def ", "@")) and f" {obj.__name__}(" in header
    doc = ast.get_docstring(definition, clean=True)
    assert doc is not None and " ".join(doc.split()) == summary(obj.__doc__)
    assert "Parameters\n" not in shown and "Returns\n" not in shown
    # Its lines fit the book's text column.
    first, last = definition.body[0].lineno, definition.body[0].end_lineno
    assert max(len(line) for line in shown.splitlines()[first - 1:last]) <= WIDTH
    # Every line fits the page's column as the browser test measures it (77 characters of
    # the code font in the text column), so that a listing never scrolls sideways.
    too_long = [line for line in shown.splitlines() if len(line) > 77]
    assert not too_long, too_long
    # The comments stay: they explain the code.
    comments = [line.strip() for line in full.splitlines() if line.strip().startswith("#")]
    for comment in comments:
        assert comment in shown


def test_full_docstring_on_request_and_in_help():
    assert repr(show_source(sigmoid, full_docstring=True)) == \
        textwrap.dedent(inspect.getsource(sigmoid))
    assert "Parameters" in sigmoid.__doc__ and "Returns" in sigmoid.__doc__


def test_show_source_renders_as_a_python_block():
    shown = show_source(sigmoid)
    assert shown._repr_markdown_().startswith("```python\ndef sigmoid(")
    assert shown._repr_markdown_().endswith("```\n")
    assert "E = np.exp(-np.abs(Z))" in repr(shown)


CASES = {
    "numpydoc, cut after its summary": (
        'def f(x):\n    """Add one: y = x + 1.\n\n    Parameters\n    ----------\n'
        '    x : int\n    """\n    return x + 1  # why\n',
        'def f(x):\n    """Add one: y = x + 1."""\n    return x + 1  # why\n',
    ),
    "a summary of two lines is kept whole": (
        'def f():\n    """Do a thing,\n    over two lines.\n\n    More.\n    """\n    pass\n',
        'def f():\n    """Do a thing,\n    over two lines."""\n    pass\n',
    ),
    "quotes on a line of their own": (
        'def f():\n    """\n    Summary.\n\n    More.\n    """\n',
        'def f():\n    """\n    Summary."""\n',
    ),
    "raw and single-quoted docstrings keep their prefix and quotes": (
        "def f():\n    r'''Escape \\d.\n\n    More.\n    '''\n    return 1\n",
        "def f():\n    r'''Escape \\d.'''\n    return 1\n",
    ),
    "a docstring with no blank line is all summary": (
        'def f():\n    """One,\n    two."""\n    return 1\n',
        'def f():\n    """One,\n    two."""\n    return 1\n',
    ),
    "methods and nested functions too, strings that are not docstrings untouched": (
        'class C:\n    """A class.\n\n    More.\n    """\n\n    def m(self):\n'
        '        """A method.\n\n        More.\n        """\n        s = """kept\n\n        whole"""\n'
        '        return s\n',
        'class C:\n    """A class."""\n\n    def m(self):\n        """A method."""\n'
        '        s = """kept\n\n        whole"""\n        return s\n',
    ),
    "a long summary is wrapped at its spaces, within the width": (
        'def f():\n    """Add one to x, then two, then three, then four.\n\n    More.\n    """\n',
        'def f():\n    """Add one to x, then two,\n    then three, then four."""\n',
    ),
    "a long one-line docstring too": (
        "def f():\n    r\'\'\'Add one to x, then two, then three, then four.\'\'\'\n",
        "def f():\n    r\'\'\'Add one to x, then two,\n    then three, then four.\'\'\'\n",
    ),
    "a docstring that fits is left alone, even when its closing quotes stand apart": (
        'def f():\n    """Add one.\n    """\n    return 1\n',
        'def f():\n    """Add one.\n    """\n    return 1\n',
    ),
    "a fragment that is not a whole statement is shown as it is": (
        "    key=lambda x: x,\n",
        "    key=lambda x: x,\n",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_summary_only_on_every_docstring_layout(case):
    code, expected = CASES[case]
    assert _summary_only(code, width=34) == expected
