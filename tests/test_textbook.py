"""The functions the chapters show are the math in plain numpy; the speed lives in nnlib.fast."""

import ast
import inspect
from pathlib import Path

import pytest

import nnlib
from nnlib import show_source

TEXTBOOK_MODULES = [
    "params", "activations", "forward", "cost", "backward", "update", "training", "_validate",
    "rectifier", "multiclass",
]
SPEED_WORDS = ["blockwise", "ThreadPool", "contextvars", "out=", "inputs_checked", "threadpoolctl"]


@pytest.mark.parametrize(
    "function",
    [nnlib.sigmoid, nnlib.sigmoid_backward, nnlib.linear_backward, nnlib.one_layer_backward,
     nnlib.backprop, nnlib.update_parameters, nnlib.train, nnlib.forward_prop, nnlib.cost_function],
    ids=lambda f: f.__name__,
)
def test_the_listings_show_no_speed_machinery(function):
    shown = repr(show_source(function))
    for word in SPEED_WORDS:
        assert word not in shown, f"{function.__name__} shows {word!r}"


@pytest.mark.parametrize("module", TEXTBOOK_MODULES)
def test_textbook_modules_never_import_the_speed_engine(module):
    # The arrows point one way: nnlib.fast imports the textbook modules, never the reverse.
    source = Path(inspect.getfile(nnlib)).with_name(f"{module}.py").read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    engine = {"nnlib.fast", "nnlib.fast.engine", "nnlib.fast.blocks", "nnlib.fast.threads", "nnlib.fast.timing"}
    assert not imported & engine, imported
    for word in SPEED_WORDS:
        assert word not in source, f"nnlib/{module}.py holds {word!r}"
