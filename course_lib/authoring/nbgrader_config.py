"""nbgrader configuration for the course Training Deep Neural Networks.

With it, ``nbgrader generate_assignment`` gives the same student notebooks as
``python -m course_lib.authoring.student`` (cell types and sources equal; tests/authoring/test_nbgrader.py checks it):

    nbgrader generate_assignment ASSIGNMENT --config course_lib/authoring/nbgrader_config.py \\
        --CourseDirectory.root=COURSE

with the instructor notebooks (``notebooks/solutions/*.ipynb``) in ``COURSE/source/ASSIGNMENT/``.
The course's markers follow nbgrader's convention:

- code cells: the lines from ``### BEGIN SOLUTION`` to ``### END SOLUTION`` become
  ``raise NotImplementedError`` at the BEGIN line's indentation;
- markdown cells: ``<!-- BEGIN SOLUTION -->`` ... ``<!-- END SOLUTION -->`` becomes
  ``**Your answer:** _write it here._``.

The course's cells carry no nbgrader cell metadata (a check cell is an ordinary cell that shows ✔
or ✘), so solution regions are found by their markers (``enforce_metadata = False``). What may
differ from ``notebooks/``: notebook and cell metadata (nbgrader adds none here; the course's
generator tags a cell whose stub runs at the top level ``raises-exception`` so JupyterLab's Run All
goes on past it) and nothing else.

Autograding: run the submitted notebooks with ``COURSE_GRADING=1`` in the environment (see the
README, "Teaching with this course"), so an exercise left "not done" raises and scores zero.
"""
c = get_config()  # noqa: F821 - traitlets provides get_config() when it loads this file

c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"   # nbgrader's spelling
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
c.ClearSolutions.code_stub = {"python": "raise NotImplementedError"}
c.ClearSolutions.text_stub = "**Your answer:** _write it here._"
c.ClearSolutions.enforce_metadata = False
c.ClearOutput.remove_metadata_fields = ["collapsed", "scrolled", "execution"]
