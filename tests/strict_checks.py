"""pytest plugin (loaded by ``-p strict_checks`` in pyproject.toml, for every run however it is
started — ``pytest``, ``pytest notebooks/...`` or ``pytest tests/...``).

It sets COURSE_STRICT_CHECKS=1 before nbval or nbclient start a kernel, so every
notebook kernel started by the tests inherits it: a failing exercise check
raises there instead of only showing ✘.
"""
import os

os.environ["COURSE_STRICT_CHECKS"] = "1"
