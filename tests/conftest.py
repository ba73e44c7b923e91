"""Test-wide settings.

COURSE_STRICT_CHECKS=1 is set when pytest loads this file (before nbval or
nbclient start a kernel), so every notebook kernel started by the tests
inherits it: a failing exercise check raises there instead of only showing ✘.
"""
import os

os.environ["COURSE_STRICT_CHECKS"] = "1"
