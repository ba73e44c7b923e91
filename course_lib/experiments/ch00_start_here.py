"""Chapter 00's computation: the output curve of a single neuron (the explorer draws it)."""
import numpy as np

from course_lib import activations


def neuron_curve(w: float, b: float, x=None, activation: str = "sigmoid"):
    """The output of one neuron over inputs x: y = f(w·x + b), f = sigmoid by default.

    Returns (x, y); x defaults to 401 points on [-6, 6].
    """
    x = np.linspace(-6.0, 6.0, 401) if x is None else np.asarray(x, dtype=np.float64)
    return x, activations.get(activation)(w * x + b)
