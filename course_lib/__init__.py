"""course_lib: the numerics, experiments, plots, widgets and exercise checks of the course
*Training Deep Neural Networks*.

Where things go (imports only go down the layers, never up or sideways into a higher one):

1. numerics, numpy only -- one module a concept: activations, initializers, layers,
   optimizers, schedules, surfaces, gradcheck, regularization, seeding (seed -> generator).
   A new activation function is a class in ``activations.py``, registered under its name.
   ``i18n`` (stdlib gettext) gives every layer the messages in English or Korean.
2. models, data and measurement: network, training, diagnostics, data, search, and
   ``experiments/chNN_<chapter>.py`` -- each chapter's train-and-measure functions
   (they return numbers and arrays and never draw). A new chapter's experiment goes in
   ``experiments/chNN_<chapter>.py``; its notebook imports it as ``experiment``
   (what several chapters share is in ``experiments/_shared.py``).
3. pictures: ``plots/`` (matplotlib): figure helpers that draw the data they are given.
4. interaction: ``widgets/`` (ipywidgets): ``_controls.py`` plus ``chNN_<chapter>.py``, thin
   explorers that call an experiment and a plot helper; ``exercises/``: ``_framework.py`` plus
   ``chNN_<chapter>.py``, the chapter's exercise checkers. A new chapter's explorer goes in
   ``widgets/chNN_<chapter>.py``, its checks in ``exercises/chNN_<chapter>.py`` (re-export the
   explorer in ``widgets/__init__.py``; import the checks file in ``exercises/__init__.py``).

Beside them, never imported by them: ``authoring/`` (student versions of the notebooks, the
rendered edition; needs nbformat, nbconvert, nbclient).

Chapter numbers appear in file names only, never in function names. :data:`LAYERS` is this
table in code (the layering test reads it). Private helpers (``_names``, ``_validate``) belong
to the layer of the modules that use them.

Importing the package itself is cheap: submodules are imported on demand,
``from course_lib import activations``.
"""
__version__ = "0.1.0"

#: Every module or package of course_lib and its layer: 1 numerics, 2 models / data /
#: experiments, 3 plots, 4 widgets and exercises; "authoring" stands beside the layers.
#: A module may import modules of its own layer or a lower one (a package counts as one
#: module: its files import each other freely), never a higher layer, never authoring.
LAYERS = {
    "_names": 1, "_validate": 1, "i18n": 1,
    "activations": 1, "initializers": 1, "layers": 1, "optimizers": 1, "schedules": 1,
    "surfaces": 1, "gradcheck": 1, "regularization": 1, "seeding": 1,
    "network": 2, "training": 2, "diagnostics": 2, "data": 2, "search": 2, "experiments": 2,
    "monitor": 2, "clinic": 2,
    "plots": 3,
    "widgets": 4, "exercises": 4,
    "authoring": "beside",
}
