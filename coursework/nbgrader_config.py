# nbgrader configuration of the course. `make student` copies this file into
# the course folder (_build/course/), which is nbgrader's CourseDirectory.root:
# source/, release/, submitted/, autograded/, feedback/ and the gradebook
# (the default SQLite file gradebook.db) all live there.
c = get_config()  # noqa: F821 (nbgrader provides get_config)

c.CourseDirectory.course_id = "nn-from-scratch"

# `make grade` does not use nbgrader's Execute step: each notebook runs in a
# sandbox, with the limits of coursework/sandbox.py (60 s per cell; `make grade
# TIMEOUT=...` changes it), and the grader judges its test cells. This setting
# serves only nbgrader's own commands, should you run them on the course.
c.Execute.timeout = 60

# A test cell that a student deleted is put back and run, so every exercise is graded.
c.OverwriteCells.add_missing_cells = True

# What a student sees in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
