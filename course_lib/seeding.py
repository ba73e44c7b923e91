"""Seeds (layer 1): one rule for turning a seed into a random generator, used everywhere.

    rng = generator(0)                       # an int seed -> np.random.default_rng(0)
    rng = generator(rng)                     # a Generator passes through (draws continue from it)

Every experiment of the course takes a seed, so there is no "no seed" (None) case: a run is
always reproducible.
"""
import numpy as np

__all__ = ["generator"]


def generator(seed, what="seed"):
    """``np.random.default_rng(seed)`` for an int ``seed``; a ``np.random.Generator`` as it is.

    Anything else (None, a bool, a float, a string) raises TypeError naming ``what``.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return np.random.default_rng(seed)
    raise TypeError(f"{what} must be an int or a np.random.Generator (e.g. {what}=0), "
                    f"not {type(seed).__name__} {seed!r}")
