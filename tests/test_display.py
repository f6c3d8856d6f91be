from nnlib import show_source, sigmoid


def test_show_source_renders_the_real_code_as_python():
    shown = show_source(sigmoid)
    assert shown._repr_markdown_().startswith("```python\ndef sigmoid(")
    assert shown._repr_markdown_().endswith("```\n")
    assert "E = np.exp(-np.abs(Z))" in repr(shown)
