from nnlib import show_source, sigmoid


def test_show_source_renders_the_real_code_as_python():
    shown = show_source(sigmoid)
    # sigmoid is shown with its decorator, which runs it in blocks on large arrays
    assert shown._repr_markdown_().startswith("```python\n@in_blocks")
    assert "\ndef sigmoid(" in repr(shown)
    assert shown._repr_markdown_().endswith("```\n")
    assert "np.exp(-np.abs(Z))" in repr(shown)
