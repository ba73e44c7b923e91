"""Chapter 02's experiments: f and f' of any activation functions with their parameters."""
import numpy as np

from course_lib import activations, i18n
from course_lib.i18n import N_


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


def positive_input_path(centred: bool, steps: int = 60, lr: float = 0.5, target=(1.0, -1.0), seed: int = 0):
    """SGD on one linear unit with two inputs, L(w) = ½(w·a − w*·a)², one random input a a step.

    a ~ U(0, 1)² — all positive, like the outputs of a sigmoid layer — or, with ``centred``,
    a − ½ (zero-centred, like tanh's). The gradient ∂L/∂w = (w·a − w*·a)·a is a times one
    number, so with a > 0 both coordinates of every step share one sign: w can only move
    towards (+, +) or (−, −) and has to zig-zag to reach a w* like (1, −1).
    Returns (path of shape (steps + 1, 2) from w = 0, share of steps whose two coordinates
    have the same sign).
    """
    if not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(i18n.gettext(N_("steps must be a positive integer, got {steps!r}")).format(steps=steps))
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(i18n.gettext(N_("lr must be a positive number, got {lr!r}")).format(lr=lr))
    rng = np.random.default_rng(seed)
    w_star, w = np.asarray(target, dtype=np.float64), np.zeros(2)
    if w_star.shape != (2,):
        raise ValueError(i18n.gettext(N_("target must be two numbers (w1*, w2*), got {target!r}")).format(
                             target=target))
    path, same = [w.copy()], 0
    for _ in range(int(steps)):
        a = rng.random(2) - (0.5 if centred else 0.0)
        step = -lr * (w @ a - w_star @ a) * a
        same += bool(np.sign(step[0]) == np.sign(step[1]) and step[0] != 0)
        w = w + step
        path.append(w.copy())
    return np.array(path), same / int(steps)
