"""The prebuilt labextension "course-rise-widgets" (see ../build.py and ../src/index.js).

It offers @jupyterlab/console to the page's shared module scope, so that the ipywidgets 8 widget
manager loads in the jupyterlab-rise slideshow, whose app does not share that package.
"""


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "course-rise-widgets"}]
