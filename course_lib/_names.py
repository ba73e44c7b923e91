"""Name look-up shared by the registries (activations, initializers, optimizers, ...)."""
import difflib


def close_matches(name, choices):
    """Up to three entries of ``choices`` that look like ``name``."""
    return difflib.get_close_matches(str(name).lower(), list(choices), n=3, cutoff=0.5)


def unknown_name_error(kind, name, choices):
    """A ValueError for an unknown ``name`` that names the close matches and all choices."""
    near = close_matches(name, choices)
    hint = f" Did you mean {', '.join(map(repr, near))}?" if near else ""
    return ValueError(f"unknown {kind} {name!r}.{hint} Known: {', '.join(choices)}")


def normalize(name):
    """'Leaky-ReLU' -> 'leaky_relu'."""
    return str(name).strip().lower().replace("-", "_").replace(" ", "_")
