# nbgrader configuration of the course. `make student` copies this file into
# the course folder (_build/course/), which is nbgrader's CourseDirectory.root:
# source/, release/, submitted/, autograded/, feedback/ and the gradebook
# (the default SQLite file gradebook.db) all live there.
c = get_config()  # noqa: F821 (nbgrader provides get_config)

c.CourseDirectory.course_id = "nn-from-scratch"

# Each cell of a submission may run this many seconds; then nbgrader interrupts
# the kernel, the cell scores 0 and grading goes on with the next cell.
# `make grade TIMEOUT=...` overrides it.
c.Execute.timeout = 60

# A test cell that a student deleted is put back and run, so every exercise is graded.
c.OverwriteCells.add_missing_cells = True

# What a student sees in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
