"""The coursework pipeline: the chapters made into coursework, graded in a sandbox, and the learner's workbooks.

One package, split by stage (``python -m coursework --help``):

- ``cli``: the command line (``make student``, ``make grade``, ``make lab``, ``make workbook``);
- ``cells``: the notebook cell vocabulary (grade ids, nbgrader's markers and metadata, tags);
- ``folders``: the course folders and nbgrader's API on them (``nbgrader_config.py``, its settings);
- ``editions``: the student edition and the grading edition of nnlib; ``leaks``: the leak scan;
- ``hidden_tests``: the hidden tests of the write-a-function exercises, written into ``book/``;
- ``intake``: a class's submissions, read as data;
- ``grading``: the class graded, one worker per job; ``steps``: nbgrader's steps it replaces;
  ``sandbox`` and ``quota``: the sandbox, from outside; ``judge``: the points;
  ``publish``: what is shown; ``scores``: ``scores.csv``;
- ``wall``: the only code that runs inside a sandbox (runner, harvest, plain data);
- ``workbooks`` (with ``learner_jupyter/``, the learner's JupyterLab settings);
- ``make_submissions``: the fixtures of the tests.

It lives at the top of the repository, beside ``nnlib``, and is not part of
nnlib's distribution: run it from the repository (``python -m coursework``);
pytest finds it there too (``pythonpath`` in pyproject.toml).
"""
