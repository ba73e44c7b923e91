"""course_lib.authoring.student: solutions -> student notebooks, strip, --check."""
import os

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course_lib.authoring import student
from course_lib.authoring.student import SolutionMarkerError


def _cell(source, kind="code", **meta):
    make = new_code_cell if kind == "code" else new_markdown_cell
    return make(source, metadata={"slideshow": {"slide_type": "-"}, **meta})


def _convert(*cells):
    return student.student_notebook(new_notebook(cells=list(cells)), "demo.ipynb").cells


def test_solution_inside_a_function_keeps_indentation_and_needs_no_tag():
    (cell,) = _convert(_cell("def f(x):\n    '''doc'''\n    ### BEGIN SOLUTION\n    y = 2 * x\n"
                             "    return y\n    ### END SOLUTION\n\nprint('defined')"))
    assert cell.source == "def f(x):\n    '''doc'''\n    raise NotImplementedError\n\nprint('defined')"
    assert "tags" not in cell.metadata
    compile(cell.source, "cell", "exec")


def test_top_level_solution_gets_the_raises_exception_tag():
    (cell,) = _convert(_cell("x = 1\n### BEGIN SOLUTION\nanswer = x + 1\n### END SOLUTION",
                             tags=["keep-me"]))
    assert cell.source == "x = 1\nraise NotImplementedError"
    assert cell.metadata["tags"] == ["keep-me", "raises-exception"]
    assert cell.metadata["slideshow"] == {"slide_type": "-"}


def test_solution_in_a_top_level_block_or_class_body_raises_when_run():
    (in_if, in_class, in_method) = _convert(
        _cell("if True:\n    ### BEGIN SOLUTION\n    a = 1\n    ### END SOLUTION"),
        _cell("class A:\n    ### BEGIN SOLUTION\n    a = 1\n    ### END SOLUTION"),
        _cell("%matplotlib inline\nclass A:\n    def f(self):\n        ### BEGIN SOLUTION\n"
              "        return 1\n        ### END SOLUTION"))
    assert "raises-exception" in in_if.metadata["tags"]
    assert "raises-exception" in in_class.metadata["tags"]
    assert "tags" not in in_method.metadata
    assert in_method.source.endswith("\n        raise NotImplementedError")


def test_several_regions_in_one_cell():
    (cell,) = _convert(_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n"
                             "def g():\n    ### BEGIN SOLUTION\n    return 2\n    ### END SOLUTION"))
    assert cell.source.count("raise NotImplementedError") == 2
    assert "return" not in cell.source


def test_markdown_region_becomes_a_prompt():
    (cell,) = _convert(_cell("Why?\n<!-- BEGIN SOLUTION -->\nBecause σ' ≤ 1/4.\n"
                             "<!-- END SOLUTION -->\nNext.", kind="markdown"))
    assert cell.source == f"Why?\n{student.MD_PROMPT}\nNext."


def test_outputs_and_counts_are_stripped_and_the_input_is_not_changed():
    cell = _cell("print(1)")
    cell.outputs = [new_output("stream", name="stdout", text="1\n")]
    cell.execution_count = 7
    cell.metadata["execution"] = {"iopub.status.busy": "2024"}
    nb = new_notebook(cells=[cell], metadata={"widgets": {"state": {}}, "rise": {"width": 1280}})
    out = student.student_notebook(nb, "demo.ipynb")
    assert out.cells[0].outputs == [] and out.cells[0].execution_count is None
    assert "execution" not in out.cells[0].metadata and "widgets" not in out.metadata
    assert out.metadata["rise"] == {"width": 1280}
    assert nb.cells[0].execution_count == 7          # the solution notebook is untouched


@pytest.mark.parametrize("source, message", [
    ("### BEGIN SOLUTION\na = 1", "never closed"),
    ("a = 1\n### END SOLUTION", "without a '### BEGIN SOLUTION'"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "opens '### BEGIN SOLUTION' again"),
    ("<!-- BEGIN SOLUTION -->\n<!-- END SOLUTION -->", "markdown marker"),
])
def test_bad_code_markers_name_notebook_and_cell(source, message):
    nb = new_notebook(cells=[_cell("ok = 1"), _cell(source)])
    with pytest.raises(SolutionMarkerError, match=message) as err:
        student.student_notebook(nb, "demo.ipynb")
    assert "demo.ipynb, cell 1" in str(err.value)


def test_bad_markdown_markers():
    with pytest.raises(SolutionMarkerError, match="never closed"):
        _convert(_cell("<!-- BEGIN SOLUTION -->\ntext", kind="markdown"))
    with pytest.raises(SolutionMarkerError, match="code marker"):
        _convert(_cell("### BEGIN SOLUTION\ntext\n### END SOLUTION", kind="markdown"))


def _tree(tmp_path, source="def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"):
    (tmp_path / "solutions").mkdir()
    nb = new_notebook(cells=[_cell("# Title", kind="markdown"), _cell(source)])
    nbformat.write(nb, tmp_path / "solutions" / "01_demo.ipynb")
    return tmp_path / "01_demo.ipynb"


def test_generate_writes_once_and_is_deterministic(tmp_path):
    target = _tree(tmp_path)
    assert student.generate(tmp_path) == [target]
    first = target.read_bytes()
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    assert student.generate(tmp_path) == []                        # unchanged: not rewritten
    assert target.stat().st_mtime_ns == 1_000_000_000
    assert target.read_bytes() == first
    assert student.generate_text(tmp_path / "solutions" / "01_demo.ipynb").encode() == first
    assert first.endswith(b"\n") and b"raise NotImplementedError" in first
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_check_mode_lists_stale_and_orphan_notebooks(tmp_path, capsys):
    target = _tree(tmp_path)
    assert student.main(["--check", "--root", str(tmp_path)]) == 1
    assert "stale" in capsys.readouterr().err
    assert not target.exists()                                     # --check writes nothing
    assert student.main(["--root", str(tmp_path)]) == 0
    assert student.main(["--check", "--root", str(tmp_path)]) == 0
    target.write_text(target.read_text().replace("NotImplementedError", "NotImplementedError()"))
    assert student.generate(tmp_path, check=True) == [target]
    orphan = tmp_path / "02_orphan.ipynb"
    nbformat.write(new_notebook(), orphan)
    assert orphan in student.generate(tmp_path, check=True)


def test_main_reports_marker_errors(tmp_path, capsys):
    _tree(tmp_path, source="### BEGIN SOLUTION\nx = 1")
    assert student.main(["--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "01_demo.ipynb, cell 1" in err and "never closed" in err


def test_generate_only_named_chapters(tmp_path):
    target = _tree(tmp_path)
    with pytest.raises(FileNotFoundError, match="99_nope"):
        student.generate(tmp_path, names=["99_nope"])
    assert student.generate(tmp_path, names=["01_demo.ipynb"]) == [target]


def test_strip_command(tmp_path, capsys):
    cell = _cell("print(1)")
    cell.outputs = [new_output("stream", name="stdout", text="1\n")]
    cell.execution_count = 1
    path = tmp_path / "x.ipynb"
    nbformat.write(new_notebook(cells=[cell]), path)
    assert student.main(["strip", str(path)]) == 0
    assert "stripped" in capsys.readouterr().out
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].outputs == [] and nb.cells[0].execution_count is None
    assert student.strip([path]) == []                             # already stripped


# ---------------------------------------------------------------- files: errors, permissions, fsync

def test_invalid_json_notebook_is_named(tmp_path, capsys):
    _tree(tmp_path)
    broken = tmp_path / "solutions" / "02_broken.ipynb"
    broken.write_text('{"cells": [ this is not JSON')
    assert student.main(["--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert str(broken) in err and "not a readable notebook" in err and "Traceback" not in err
    assert student.main(["strip", str(broken)]) == 2
    assert str(broken) in capsys.readouterr().err
    with pytest.raises(student.NotebookReadError, match="02_broken.ipynb"):
        student.generate_text(broken)


def test_json_that_is_not_a_notebook_is_named(tmp_path):
    path = tmp_path / "list.ipynb"
    path.write_text("[1, 2, 3]")
    with pytest.raises(student.NotebookReadError, match="list.ipynb"):
        student.generate_text(path)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_written_files_get_ordinary_permissions(tmp_path, umask_022):
    target = _tree(tmp_path)
    student.generate(tmp_path)
    assert target.stat().st_mode & 0o777 == 0o644
    page = tmp_path / "page.html"
    page.write_text("old")
    page.chmod(0o600)                                # written 0600 by an earlier version
    assert student.write_if_changed(page, "new")
    assert page.stat().st_mode & 0o777 == 0o644
    os.umask(0o077)
    assert student.write_if_changed(tmp_path / "private.html", "x")
    assert (tmp_path / "private.html").stat().st_mode & 0o777 == 0o600   # the user's umask rules


def test_writes_reach_the_disk_before_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b))[1])
    assert student.write_if_changed(tmp_path / "a.ipynb", "{}\n")
    assert events == ["fsync", "replace"]
    assert (tmp_path / "a.ipynb").read_text() == "{}\n"
