"""Count, per chapter, what a reader of the online book has to get through.

    python tools/chapter_stats.py [--executed DIR] [NOTEBOOK ...]

For every notebook (by default book/*.ipynb):

- words: words of prose in the Markdown cells. Display math, code fences,
  MyST directive options, HTML comments and label lines are left out; inline
  math and inline code count as one word each.
- tokens: a blunter count of the same cells, every whitespace-separated
  token, math and markup included: an upper bound on any count of words.
- assert lines: lines of code cells the page shows (not tagged remove-cell,
  remove-input or hide-input) that belong to an assertion: an ``assert``
  statement, or a call to a function whose name starts with ``assert``
  (``np.testing.assert_allclose``), every line the statement spans.
- figures: images the page shows. Counted in the executed notebooks that
  ``jupyter-book build`` leaves in _build/jupyter_execute (``--executed``),
  from code cells whose output is not removed; without them, "?".
"""

import argparse
import ast
import json
import re
from pathlib import Path

HIDDEN = {"remove-cell", "remove-input", "hide-input"}
NO_OUTPUT = {"remove-cell", "remove-output", "hide-output"}


def prose_words(markdown: str) -> int:
    text = re.sub(r"<!--.*?-->", " ", markdown, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"```\{math\}.*?```", " ", text, flags=re.S)
    # directives keep their body (a figure's caption is prose) but not
    # their fence or :option: lines
    text = re.sub(r"^(```|:::).*$", " ", text, flags=re.M)
    text = re.sub(r"^:\w[\w-]*:.*$", " ", text, flags=re.M)
    text = re.sub(r"^\(.*\)=\s*$", " ", text, flags=re.M)
    text = re.sub(r"\$[^$\n]+\$", " X ", text)
    text = re.sub(r"`[^`\n]+`", " X ", text)
    text = re.sub(r"\]\([^)]*\)", "] ", text)  # link targets
    return len(re.findall(r"[A-Za-z0-9][\w'’-]*", text))


def assert_lines(code: str) -> int:
    # IPython magics and shell lines are not Python
    lines = [("" if l.lstrip().startswith(("%", "!")) else l) for l in code.split("\n")]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return sum(1 for l in lines if re.match(r"\s*(assert\b|\S*\.assert\w*\()", l))
    spans = set()
    for node in ast.walk(tree):
        is_assert = isinstance(node, ast.Assert)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            func = node.value.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            is_assert = name.startswith("assert")
        if is_assert:
            spans.update(range(node.lineno, node.end_lineno + 1))
    return len(spans)


def figures(cells: list) -> int:
    count = 0
    for cell in cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell["cell_type"] != "code" or tags & NO_OUTPUT:
            continue
        for output in cell.get("outputs", []):
            if any(k.startswith("image/") for k in output.get("data", {})):
                count += 1
    return count


def stats(path: Path, executed: Path | None) -> dict:
    cells = json.loads(path.read_text())["cells"]
    words = sum(prose_words("".join(c["source"])) for c in cells if c["cell_type"] == "markdown")
    shown = [
        "".join(c["source"])
        for c in cells
        if c["cell_type"] == "code" and not set(c.get("metadata", {}).get("tags", [])) & HIDDEN
    ]
    tokens = sum(len("".join(c["source"]).split()) for c in cells if c["cell_type"] == "markdown")
    row = {"chapter": path.stem, "words": words, "tokens": tokens,
           "assert lines": sum(map(assert_lines, shown))}
    done = executed / path.parent.name / path.name if executed else None
    row["figures"] = figures(json.loads(done.read_text())["cells"]) if done and done.exists() else "?"
    return row


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--executed", type=Path, default=Path("_build/jupyter_execute"))
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(Path("book").glob("*.ipynb"))
    rows = [stats(p, args.executed) for p in paths]
    print(f"{'chapter':22s} {'words':>6s} {'tokens':>7s} {'assert lines':>13s} {'figures':>8s}")
    for r in rows:
        print(f"{r['chapter']:22s} {r['words']:6d} {r['tokens']:7d} {r['assert lines']:13d} "
              f"{r['figures']!s:>8s}")
    main_rows = [r for r in rows if r["chapter"][:2].isdigit()]
    print(
        f"{'all chapters':22s} {sum(r['words'] for r in main_rows):6d} "
        f"{sum(r['tokens'] for r in main_rows):7d} {sum(r['assert lines'] for r in main_rows):13d}"
    )


if __name__ == "__main__":
    main()
