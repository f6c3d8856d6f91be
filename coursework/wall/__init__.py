"""The only code that runs inside a submission's sandbox.

The grader binds this folder, read-only and alone, into each sandbox as the
package ``wall`` (``/job/lib/wall``, on the sandbox's ``PYTHONPATH``): the
runner (:mod:`.runner`), which runs the notebook and asks its kernel for the
answers; the harvest (:mod:`.harvest`), which the kernel runs to give them;
and the plain-data codec (:mod:`.plain_data`) that both sides of the wall
speak. They use nothing but the standard library, numpy and Jupyter's own
client, and import each other relatively, so the same files are the package
``coursework.wall`` in the grader's process and ``wall`` in the sandbox.
Nothing else of ``coursework`` is visible in there.
"""
