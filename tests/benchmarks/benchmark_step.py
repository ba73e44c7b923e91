"""Benchmark: milliseconds per training step (forward, backward, SGD update).

    OPENBLAS_NUM_THREADS=1 python tests/benchmarks/benchmark_step.py

Two nets: 784-100×4-10 at batch 100 (the chapters' MNIST net) and 784-1000-1000-10
at batch 1000 (large enough for matrix multiplication to dominate).  For each it
reports the median step time of

* course_lib's MLP (float32),
* a float64 layer-object implementation in the style of *Deep Learning from
  Scratch* (Affine/Relu objects in an ordered dict), written out below,
* PyTorch on the CPU, only if ``torch`` is importable (never a requirement),
* the step's matrix multiplications alone (the same shapes, float32, into
  preallocated outputs): the *matmul limit*, the time no implementation of this
  step can beat with this BLAS,

and the share of that limit the course_lib step reaches (limit time / step time).
The implementations are timed in interleaved rounds (A, B, C, A, B, C, ...) so a
drift in the machine's speed hits all of them alike; ratios are medians of the
per-round ratios.  Time it with one BLAS thread: two-thread timings on shared
machines swing widely.
"""
import argparse
import os
import time
from collections import OrderedDict

import numpy as np

from course_lib import optimizers
from course_lib.network import MLP

NETS = {"small": ([784, 100, 100, 100, 100, 10], 100), "wide": ([784, 1000, 1000, 10], 1000)}


def interleaved(steps, rounds, inner, warmup=3):
    """{name: per-round seconds per call}: each round times ``inner`` calls of every step in turn."""
    for step in steps.values():
        for _ in range(warmup):
            step()
    times = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            start = time.perf_counter()
            for _ in range(inner):
                step()
            times[name].append((time.perf_counter() - start) / inner)
    return {name: np.array(v) for name, v in times.items()}


def step_flops(sizes, batch):
    """Matmul FLOPs of one step: forward x·W, backward xᵀ·dy for every layer, dy·Wᵀ for all but the first."""
    pairs = list(zip(sizes[:-1], sizes[1:]))
    forward = sum(2 * batch * i * o for i, o in pairs)
    return 2 * forward + sum(2 * batch * i * o for i, o in pairs[1:])


def matmul_limit_step(sizes, batch):
    """The step's matrix multiplications alone, float32, into preallocated outputs."""
    rng = np.random.default_rng(0)
    pairs = list(zip(sizes[:-1], sizes[1:]))
    xs = [rng.random((batch, i), dtype=np.float32) for i, _ in pairs]
    Ws = [rng.random((i, o), dtype=np.float32) for i, o in pairs]
    ys = [np.empty((batch, o), np.float32) for _, o in pairs]
    dWs = [np.empty((i, o), np.float32) for i, o in pairs]
    dxs = [np.empty((batch, i), np.float32) for i, _ in pairs]

    def step():
        for x, W, y in zip(xs, Ws, ys):
            np.matmul(x, W, out=y)
        for k in reversed(range(len(pairs))):
            np.matmul(xs[k].T, ys[k], out=dWs[k])
            if k:
                np.matmul(ys[k], Ws[k].T, out=dxs[k])
    return step


def data(sizes, batch):
    rng = np.random.default_rng(0)
    return rng.random((batch, sizes[0]), dtype=np.float32), rng.integers(0, sizes[-1], batch)


def course_lib_step(sizes, batch):
    net, opt = MLP(sizes, seed=0), optimizers.get("sgd", lr=0.01)
    x, t = data(sizes, batch)
    return lambda: opt.update(net.params, net.gradient(x, t))


# -- the float64 layer-object style of Deep Learning from Scratch, for comparison ------------------
class _Affine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return np.dot(dout, self.W.T)


class _Relu:
    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0
        return dout


class _SoftmaxWithLoss:
    def forward(self, x, t):
        x = x - x.max(axis=1, keepdims=True)
        self.y = np.exp(x) / np.sum(np.exp(x), axis=1, keepdims=True)
        self.t = t
        return -np.sum(np.log(self.y[np.arange(len(t)), t] + 1e-7)) / len(t)

    def backward(self):
        dx = self.y.copy()
        dx[np.arange(len(self.t)), self.t] -= 1
        return dx / len(self.t)


def dlfs_step(sizes, batch):
    rng = np.random.default_rng(0)
    params, net = {}, OrderedDict()
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{i}"] = rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in)
        params[f"b{i}"] = np.zeros(n_out)
        net[f"Affine{i}"] = _Affine(params[f"W{i}"], params[f"b{i}"])
        if i < len(sizes) - 1:
            net[f"Relu{i}"] = _Relu()
    last = _SoftmaxWithLoss()
    x, t = data(sizes, batch)
    x = x.astype(np.float64)

    def step():
        y = x
        for layer in net.values():
            y = layer.forward(y)
        last.forward(y, t)
        d = last.backward()
        for layer in reversed(net.values()):
            d = layer.backward(d)
        for i in range(1, len(sizes)):
            params[f"W{i}"] -= 0.01 * net[f"Affine{i}"].dW
            params[f"b{i}"] -= 0.01 * net[f"Affine{i}"].db
    return step


def torch_step(sizes, batch):
    import torch
    torch.set_num_threads(1)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(torch.nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x, t = data(sizes, batch)
    x, t = torch.from_numpy(x), torch.from_numpy(t)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=True)
        loss_fn(model(x), t).backward()
        opt.step()
    return step


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds per net")
    args = parser.parse_args(argv)
    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        print("note: set OPENBLAS_NUM_THREADS=1 for stable numbers")
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False
        print("PyTorch is not installed: no comparison with it (pip install torch to add one)")
    for name, (sizes, batch) in NETS.items():
        steps = {"course_lib": course_lib_step(sizes, batch), "dlfs": dlfs_step(sizes, batch),
                 "limit": matmul_limit_step(sizes, batch)}
        if have_torch:
            steps["torch"] = torch_step(sizes, batch)
        inner = 20 if name == "small" else 1
        t = interleaved(steps, args.rounds, inner)
        ms = {k: 1e3 * float(np.median(v)) for k, v in t.items()}
        ratio = {k: float(np.median(t[k] / t["course_lib"])) for k in t}
        gflops = step_flops(sizes, batch) / (ms["course_lib"] / 1e3) / 1e9
        line = (f"{name:5s} {'-'.join(map(str, sizes))} batch {batch}: course_lib {ms['course_lib']:.3f} ms/step "
                f"({gflops:.0f} GFLOP/s, {ratio['limit']:.0%} of the matmul limit {ms['limit']:.3f} ms); "
                f"DLFS-style float64 {ms['dlfs']:.3f} ms ({ratio['dlfs']:.2f}x slower)")
        if have_torch:
            line += (f"; PyTorch CPU {ms['torch']:.3f} ms "
                     f"(course_lib/PyTorch = {float(np.median(t['course_lib'] / t['torch'])):.2f})")
        print(line, flush=True)


if __name__ == "__main__":
    main()
