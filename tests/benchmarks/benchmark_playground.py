"""How fast does chapter 04's optimizer playground redraw?  (Not a test: run it by hand.)

    OPENBLAS_NUM_THREADS=1 python tests/benchmarks/benchmark_playground.py

For every surface: 9 optimizers × 100 steps from a new start point each time (so no
path comes from the cache), then the figure and its PNG (what Jupyter shows). Prints
the median over 8 redraws of the compute time, the figure+PNG time and the total, in
wall-clock time and in CPU time (the better guide on a busy machine).
"""
import statistics
import time

from course_lib import optimizers, surfaces, widgets

NAMES = tuple(optimizers.names())


def redraw(surface, start, lr, clock=time.perf_counter):
    t0 = clock()
    paths = widgets.playground_paths(surface, start, NAMES, lr, 0.9, 100)
    t1 = clock()
    widgets.plot_playground(surface, paths, steps=100)._repr_png_()
    return t1 - t0, clock() - t1


def main():
    for surface in surfaces.names():
        s = surfaces.get(surface)
        lr = widgets.PLAYGROUND_LR[surface]
        redraw(surface, s.start, lr)                      # warm-up: contour grid, fonts
        for clock_name, clock, shift in (("wall", time.perf_counter, 0.01), ("cpu ", time.process_time, 0.02)):
            runs = [redraw(surface, (s.start[0] + shift * (k + 1), s.start[1]), lr, clock) for k in range(8)]
            comp, draw = zip(*runs)
            total = [c + d for c, d in runs]
            print(f"{surface:16s} {clock_name} paths {1000 * statistics.median(comp):4.0f} ms · figure + PNG "
                  f"{1000 * statistics.median(draw):4.0f} ms · total {1000 * statistics.median(total):4.0f} ms")


if __name__ == "__main__":
    main()
