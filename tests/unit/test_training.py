import numpy as np
import pytest

from course_lib import data, optimizers, schedules
from course_lib.network import MLP
from course_lib.training import TrainingDiverged, clip_by_global_norm, global_norm, train


@pytest.fixture(scope="module")
def mnist():
    return data.load_mnist()


def _small(seed=0):
    x, t = data.make_spirals(300, classes=3, seed=seed)
    return x, t


def test_mnist_reproduction_of_the_notes(mnist):
    """784-100×4-10 ReLU, SGD lr 0.01, batch 100, 2000 steps: std 0.01 stalls, He learns."""
    (x, t), (xt, tt) = mnist
    runs = {}
    for init in (0.01, "he_normal"):
        net = MLP([784, 100, 100, 100, 100, 10], activation="relu", init=init, seed=0)
        runs[init] = train(net, optimizers.get("sgd", lr=0.01), x, t, xt, tt, steps=2000,
                           batch_size=100, seed=0, progress=False)
    assert runs[0.01]["test_acc"][-1] < 0.20
    assert runs["he_normal"]["test_acc"][-1] > 0.90
    assert runs[0.01]["loss"][-100:].mean() > 2.2            # barely below log(10) = 2.30
    assert len(runs["he_normal"]["loss"]) == 2000


def test_history_layout_and_determinism():
    x, t = _small()
    def run(seed):
        net = MLP([2, 30, 30, 3], seed=1)
        return train(net, "adam", x[:240], t[:240], x[240:], t[240:], epochs=4, batch_size=32,
                     seed=seed, progress=False)
    a, b, c = run(0), run(0), run(1)
    per_epoch = 240 // 32
    assert len(a["loss"]) == 4 * per_epoch and len(a["lr"]) == 4 * per_epoch
    np.testing.assert_array_equal(a["eval_step"], [0, 7, 14, 21, 28])
    assert len(a["train_acc"]) == len(a["test_acc"]) == 5
    assert np.all(np.diff(a["time"]) >= 0)
    np.testing.assert_array_equal(a["loss"], b["loss"])        # same seed, same run
    assert not np.array_equal(a["loss"], c["loss"])            # the shuffle depends on the seed
    assert a["train_acc"][-1] > a["train_acc"][0]


def test_every_example_once_per_epoch():
    seen = []

    class Spy(MLP):
        def loss_and_gradient(self, x, t):
            seen.extend(t.tolist())
            return super().loss_and_gradient(x, t)

    x = np.random.default_rng(0).random((50, 4))
    t = np.arange(50)
    train(Spy([4, 3, 50]), "sgd", x, t, epochs=1, batch_size=10, progress=False)
    assert sorted(seen) == list(range(50))


def test_nan_loss_stops_with_a_clear_message():
    x, t = _small()
    net = MLP([2, 50, 50, 3], seed=0)
    with pytest.raises(TrainingDiverged) as err:
        train(net, optimizers.get("sgd", lr=1e6), x, t, epochs=50, progress=False)
    msg = str(err.value)
    assert "at step" in msg and "learning rate 1e+06" in msg and "smaller" in msg
    assert not np.isfinite(err.value.history["loss"][-1])


def test_gradient_clipping():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    assert global_norm(grads) == pytest.approx(5.0)
    assert clip_by_global_norm(grads, 1.0) == pytest.approx(5.0)
    assert global_norm(grads) == pytest.approx(1.0)
    np.testing.assert_allclose(grads["a"], [0.6, 0.0])
    x, t = _small()
    hist = train(MLP([2, 20, 3], seed=0), optimizers.get("sgd", lr=0.1), x, t, epochs=2,
                 clip_norm=0.5, progress=False)
    assert len(hist["grad_norm"]) == len(hist["loss"])
    with pytest.raises(ValueError, match="clip_norm"):
        clip_by_global_norm(grads, 0)


def test_schedule_sets_the_learning_rate_every_step():
    x, t = _small()
    sched = schedules.get("cosine", lr0=0.1, total_steps=9)
    hist = train(MLP([2, 10, 3]), optimizers.get("sgd", lr=0.1), x, t, steps=9, batch_size=100,
                 schedule=sched, progress=False)
    np.testing.assert_allclose(hist["lr"], [sched(s) for s in range(9)])


def test_early_stopping_restores_the_best_parameters():
    x, t = _small()
    net = MLP([2, 64, 64, 3], seed=0)
    hist = train(net, optimizers.get("adam", lr=0.01), x[:60], t[:60], epochs=300, batch_size=20,
                 x_val=x[200:], t_val=t[200:], early_stopping=5, progress=False)
    assert hist["stopped_early"] and len(hist["eval_step"]) < 301
    assert net.accuracy(x[200:], t[200:]) == pytest.approx(hist["val_acc"].max())
    with pytest.raises(ValueError, match="early_stopping needs a validation set"):
        train(net, "sgd", x, t, epochs=1, early_stopping=2, progress=False)
    with pytest.raises(ValueError, match="tune the run to the test set"):     # the test set is not enough
        train(net, "sgd", x[:200], t[:200], x[200:], t[200:], epochs=1, early_stopping=2, progress=False)


def test_bad_arguments():
    x, t = _small()
    net = MLP([2, 4, 3])
    with pytest.raises(ValueError, match="exactly one of epochs"):
        train(net, "sgd", x, t, progress=False)
    with pytest.raises(ValueError, match="300 rows but t_train has 299"):
        train(net, "sgd", x, t[:-1], epochs=1, progress=False)
    with pytest.raises(ValueError, match="batch_size"):
        train(net, "sgd", x, t, epochs=1, batch_size=0, progress=False)
    with pytest.raises(ValueError, match="both x_test and t_test"):
        train(net, "sgd", x, t, x, epochs=1, progress=False)


def test_callback_runs_after_every_update():
    x, t = _small()
    calls = []
    def clamp(step, net):
        calls.append(step)
        np.clip(net.params["W1"], -0.01, 0.01, out=net.params["W1"])
    net = MLP([2, 8, 3], seed=0)
    train(net, optimizers.get("sgd", lr=1.0), x, t, steps=5, batch_size=50, callback=clamp, progress=False)
    assert calls == [0, 1, 2, 3, 4] and np.abs(net.params["W1"]).max() <= 0.01


def test_progress_bar_appears_only_for_runs_longer_than_the_delay(capsys, monkeypatch):
    from course_lib import training
    rng = np.random.default_rng(0)
    x, t = rng.random((50, 4), dtype=np.float32), rng.integers(0, 3, 50)
    train(MLP([4, 5, 3], seed=0), "sgd", x, t, steps=5, batch_size=10, progress=True, desc="quick run")
    assert "quick run" not in capsys.readouterr().err          # under PROGRESS_DELAY: no bar left behind
    monkeypatch.setattr(training, "PROGRESS_DELAY", 0.0)
    train(MLP([4, 5, 3], seed=0), "sgd", x, t, steps=5, batch_size=10, progress=True, desc="shown run")
    assert "shown run" in capsys.readouterr().err
