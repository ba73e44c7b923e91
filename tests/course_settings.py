"""pytest plugin with the course's test-wide settings (loaded by ``-p course_settings`` in
pyproject.toml, for every run however it is started: ``pytest``, ``pytest notebooks/...`` or
``pytest tests/...``). It sets, before nbval or nbclient start a kernel, so that every notebook
kernel started by the tests inherits them:

* COURSE_STRICT_CHECKS=1: a failing exercise check raises instead of only showing ✘;
* one BLAS thread (unless set already): the tests run two workers, each starting kernels, on
  machines that may have two cores; two BLAS threads per process oversubscribe them (a chapter
  ran 3x slower), and one thread also makes the notebooks' numbers the same on every machine.
"""
import os

os.environ["COURSE_STRICT_CHECKS"] = "1"
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
