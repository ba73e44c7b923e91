"""course_lib: the numerics, plots, widgets and exercise checks of the course
*Training Deep Neural Networks*.

Layers (imports only go down):
1. numerics, numpy only: activations, initializers, layers, optimizers,
   schedules, surfaces, gradcheck
2. models and data: network, training, diagnostics, data
3. pictures: plots (matplotlib)
4. interaction: widgets, exercises (ipywidgets, IPython display)

Importing the package itself is cheap: submodules are imported on demand,
``from course_lib import activations``.
"""
__version__ = "0.1.0"
