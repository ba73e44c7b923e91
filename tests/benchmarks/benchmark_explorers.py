"""Benchmark: how long each explorer takes to answer a control.

    OPENBLAS_NUM_THREADS=1 python tests/benchmarks/benchmark_explorers.py [name ...]

Every ``course_lib.widgets.*_explorer`` is built (outside a notebook; the figure
is still rendered to PNG, as in the notebook), then each of its controls is moved
``--repeat`` times, and the median seconds from the change to the finished
redraw is reported per control. Controls with ``continuous_update=False`` (the
``heavy`` ones) redraw when the slider is released, so their time is the wait
after letting go; the others redraw while the slider moves and should stay
under about 0.15 s.
"""
import argparse
import inspect
import time

import matplotlib

matplotlib.use("Agg")

import IPython.display  # noqa: E402
import ipywidgets  # noqa: E402
import numpy as np  # noqa: E402

from course_lib import widgets  # noqa: E402


IPython.display.display = lambda *args, **kwargs: None   # outside a kernel it would print reprs;
# live_figure renders the PNG itself before displaying it, so the timing includes the rendering
ipywidgets.Output.clear_output = lambda self, *args, **kwargs: None   # outside a kernel it prints escapes


def explorers():
    """{name: function} of every explorer (``*_explorer``, ``*_playground``) in course_lib.widgets."""
    return {name: f for name, f in inspect.getmembers(widgets, inspect.isfunction)
            if name.endswith(("_explorer", "_playground")) and f.__module__.startswith(widgets.__name__ + ".")}


def other_values(control):
    """Two values of ``control`` different from its current one, to move it back and forth."""
    value = control.value
    if hasattr(control, "options") and not hasattr(control, "min"):
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        if isinstance(value, tuple):                      # SelectMultiple: toggle one option
            first = options[0]
            flipped = tuple(o for o in value if o != first) if first in value else value + (first,)
            return [flipped, value]
        others = [o for o in options if o != value]
        return [others[0], value] if others else []
    if isinstance(value, bool):
        return [not value, value]
    if hasattr(control, "min") and isinstance(value, tuple):     # a range slider: shift it by a step,
        step = getattr(control, "step", None) or (control.max - control.min) / 10
        low, high = value
        if high + step <= control.max:
            return [(low + step, high + step), value]
        if low - step >= control.min:
            return [(low - step, high - step), value]
        return [(low + step, high), value] if low + step < high else []   # or narrow it when it spans all
    if hasattr(control, "min"):
        step = getattr(control, "step", None) or (control.max - control.min) / 10
        target = value + step if value + step <= control.max else value - step
        return [type(value)(target), value]
    return []


def time_control(box, name, control, repeat):
    """Median seconds from setting a new value of ``control`` to the end of the redraw."""
    values = other_values(control)
    if not values:
        return None
    times = []
    for i in range(repeat):
        before = box.output.draws
        start = time.perf_counter()
        control.value = values[i % 2]
        times.append(time.perf_counter() - start)
        if box.output.draws == before:
            raise RuntimeError(f"moving {name!r} did not redraw the explorer")
    return float(np.median(times))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="only these explorers (e.g. neuron_explorer)")
    parser.add_argument("--repeat", type=int, default=5, help="moves per control")
    args = parser.parse_args(argv)
    found = explorers()
    unknown = set(args.names) - set(found)
    if unknown:
        parser.error(f"no explorer(s) {sorted(unknown)}; there are {sorted(found)}")
    for name, make in found.items():
        if args.names and name not in args.names:
            continue
        start = time.perf_counter()
        box = make()
        built = time.perf_counter() - start
        print(f"{name}: built and drawn in {built:.3f} s")
        for cname, control in box.controls.items():
            seconds = time_control(box, cname, control, args.repeat)
            kind = "on release" if getattr(control, "continuous_update", True) is False else "while moving"
            shown = "not timed (no other value)" if seconds is None else f"{seconds:.3f} s"
            print(f"  {cname:<20} {shown} ({kind})", flush=True)


if __name__ == "__main__":
    main()
