"""Chapter 02's experiments: f and f' of any activation functions with their parameters."""
import numpy as np

from course_lib import activations


#: The parameter each adjustable activation takes from the explorer's sliders.
ACTIVATION_PARAMETERS = {"leaky_relu": "alpha", "elu": "alpha", "threshold_relu": "theta", "swish": "beta"}


def activation_curves(names, alpha: float = 0.3, theta: float = 1.0, beta: float = 1.0, x=None):
    """f and f' of the named activations on x (default 401 points on [−4, 4]).

    ``alpha`` goes to leaky_relu and elu, ``theta`` to threshold_relu, ``beta`` to swish
    (see :data:`ACTIVATION_PARAMETERS`); the other functions have no parameter. Returns
    a dict label -> (x, f(x), f'(x)), the label naming the parameter, e.g. "elu (α=0.3)".
    """
    if isinstance(names, str):
        names = [names]
    x = np.linspace(-4.0, 4.0, 401) if x is None else np.asarray(x, dtype=np.float64)
    values = {"alpha": float(alpha), "theta": float(theta), "beta": float(beta)}
    symbols = {"alpha": "α", "theta": "θ", "beta": "β"}
    curves = {}
    for name in names:
        key = activations.get(name).name
        param = ACTIVATION_PARAMETERS.get(key)
        act = activations.get(key, **{param: values[param]}) if param else activations.get(key)
        label = f"{key} ({symbols[param]}={values[param]:g})" if param else key
        curves[label] = (x, act(x), act.derivative(x))
    return curves
