"""A finished progress bar leaves no widget in the notebook's outputs (course_lib.training).

The bar is an ipywidget that the kernel closes when the work is done; if its output stayed, a
page opened later (a reload, the RISE slideshow) would find no model for it and show "Error
displaying widget: model not found" on the slide. Run in a real kernel with nbclient.
"""
import nbformat
from nbclient import NotebookClient

WIDGET = "application/vnd.jupyter.widget-view+json"
CELL = """\
import time
from course_lib import training
training.PROGRESS_DELAY = 0.05          # the bar appears after 0.05 s of work
for _ in training.progress_bar(range(30), desc="work"):
    time.sleep(0.01)
print("done")
"""


def _outputs():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    return nb.cells[0].outputs


def test_a_finished_bar_leaves_an_empty_output_not_its_widget():
    outputs = _outputs()
    assert not [o for o in outputs if WIDGET in o.get("data", {})], \
        f"a finished progress bar left its widget in the outputs: {outputs}"
    # the bar was shown (the work lasted past the delay), then blanked in place
    blank = [o for o in outputs if o.output_type == "display_data"
             and o.get("data") == {"text/plain": ""}]
    assert len(blank) == 1, f"expected the bar's one blanked display, got {outputs}"
    assert outputs[-1].get("text") == "done\n"
