"""Benchmark: milliseconds per training step (forward, backward, SGD update).

    OPENBLAS_NUM_THREADS=1 python tests/benchmark_step.py

Two nets: 784-100×4-10 at batch 100 (the chapters' MNIST net) and 784-1000-1000-10
at batch 1000 (large enough for matrix multiplication to dominate).  For each it
reports the median step time of

* course_lib's MLP (float32),
* a float64 layer-object implementation in the style of *Deep Learning from
  Scratch* (Affine/Relu objects in an ordered dict), written out below,
* PyTorch on the CPU, only if ``torch`` is importable (never a requirement),

and the share of the machine's float32 matrix-multiply throughput that the
course_lib step reaches: (matmul FLOPs of one step / step time) / (FLOP/s of a
1000×1000×1000 float32 matmul measured on this machine).  Time it with one BLAS
thread: two-thread timings on shared machines swing widely.
"""
import argparse
import os
import time
from collections import OrderedDict

import numpy as np

from course_lib import optimizers
from course_lib.network import MLP

NETS = {"small": ([784, 100, 100, 100, 100, 10], 100), "wide": ([784, 1000, 1000, 10], 1000)}


def median_ms(step, repeat, warmup=3):
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def step_flops(sizes, batch):
    """Matmul FLOPs of one step: forward x·W, backward xᵀ·dy for every layer, dy·Wᵀ for all but the first."""
    pairs = list(zip(sizes[:-1], sizes[1:]))
    forward = sum(2 * batch * i * o for i, o in pairs)
    return 2 * forward + sum(2 * batch * i * o for i, o in pairs[1:])


def matmul_flops_per_second(n=1000, repeat=20):
    a, b = np.random.default_rng(0).random((2, n, n), dtype=np.float32)
    return 2 * n ** 3 / (median_ms(lambda: a @ b, repeat) / 1e3)


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
    parser.add_argument("--repeat-small", type=int, default=300)
    parser.add_argument("--repeat-wide", type=int, default=15)
    args = parser.parse_args(argv)
    if os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        print("note: set OPENBLAS_NUM_THREADS=1 for stable numbers")
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False
    peak = matmul_flops_per_second()
    print(f"float32 matmul 1000x1000x1000: {peak / 1e9:.1f} GFLOP/s (one thread)")
    for name, (sizes, batch) in NETS.items():
        repeat = args.repeat_small if name == "small" else args.repeat_wide
        ours = median_ms(course_lib_step(sizes, batch), repeat)
        dlfs = median_ms(dlfs_step(sizes, batch), repeat)
        share = step_flops(sizes, batch) / (ours / 1e3) / peak
        line = (f"{name:5s} {'-'.join(map(str, sizes))} batch {batch}: course_lib {ours:.3f} ms/step "
                f"({share:.0%} of matmul peak); DLFS-style float64 {dlfs:.3f} ms ({dlfs / ours:.2f}x slower)")
        if have_torch:
            torch_ms = median_ms(torch_step(sizes, batch), repeat)
            line += f"; PyTorch CPU {torch_ms:.3f} ms (course_lib/PyTorch = {ours / torch_ms:.2f})"
        print(line)


if __name__ == "__main__":
    main()
