from nnlib import show_source, sigmoid
from nnlib.activations import logistic


def test_show_source_renders_the_real_code_as_python():
    shown = show_source(sigmoid)
    assert shown._repr_markdown_().startswith("```python\ndef sigmoid(")
    assert shown._repr_markdown_().endswith("```\n")
    assert "blockwise(logistic, Z, out=A)" in repr(shown)
    assert "np.exp(E, out=E)" in repr(show_source(logistic))
