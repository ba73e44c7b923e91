"""Authoring tools, beside the teaching package and never imported by it: the student versions
of the notebooks (``python -m course_lib.authoring.student``), the Korean edition
(``python -m course_lib.authoring.translate``, on the gettext catalogs of ``catalogs.py``), grading
(``grade``) and the rendered edition (``python -m course_lib.authoring.build``), with the rendered
edition's ``static/`` files and ``templates/``. They need nbformat, nbconvert and nbclient (``requirements.txt`` installs them).
"""
