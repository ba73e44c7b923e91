"""Chapter 01 and 02 experiment functions: mean slopes, plain vs skip gradient norms, clipping by value and by norm, the zig-zag of all-positive inputs."""
import numpy as np
import pytest

from course_lib.experiments import ch01_vanishing_gradients as experiment
from course_lib.network import MLP

G = {"W1": np.array([[3.0, -0.5], [0.2, 0.0]]), "b1": np.array([-4.0, 0.1])}


def test_clip_by_value_cuts_each_entry_and_turns_the_direction():
    clipped = experiment.clip_by_value(G, 1.0)
    np.testing.assert_array_equal(clipped["W1"], [[1.0, -0.5], [0.2, 0.0]])
    np.testing.assert_array_equal(clipped["b1"], [-1.0, 0.1])
    assert G["W1"][0, 0] == 3.0                                   # a new dict, the input is kept
    assert experiment.direction_kept(G, clipped) < 0.99


def test_clip_by_norm_rescales_the_global_norm_and_keeps_the_direction():
    norm = np.sqrt(sum(np.sum(g ** 2) for g in G.values()))
    clipped = experiment.clip_by_norm(G, 1.0)
    assert np.sqrt(sum(np.sum(g ** 2) for g in clipped.values())) == pytest.approx(1.0)
    np.testing.assert_allclose(clipped["b1"], G["b1"] / norm)
    assert experiment.direction_kept(G, clipped) == pytest.approx(1.0)
    same = experiment.clip_by_norm(G, 100.0)                      # short enough already: unchanged
    np.testing.assert_array_equal(same["W1"], G["W1"])


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_clipping_rejects_a_bad_threshold(bad):
    for clip in (experiment.clip_by_value, experiment.clip_by_norm):
        with pytest.raises(ValueError, match="c must be a positive number"):
            clip(G, bad)


def test_mean_slopes_of_a_sigmoid_net_stay_below_a_quarter():
    x, t = experiment._mnist_batch(50, 0)
    net = MLP([784, 30, 30, 10], activation="sigmoid", init="lecun_normal", seed=0)
    slopes = experiment.mean_slopes(net, x, t)
    assert slopes.shape == (2,) and np.all((slopes > 0.15) & (slopes <= 0.25))
    big = experiment.mean_slopes(MLP([784, 30, 30, 10], activation="sigmoid", init=1.0, seed=0), x, t)
    assert np.all(big < slopes)                                   # large weights: saturated, smaller slopes
    z_small = experiment.pre_activation_std(net, x, t)
    z_big = experiment.pre_activation_std(MLP([784, 30, 30, 10], activation="sigmoid", init=1.0, seed=0), x, t)
    assert z_small.shape == (2,) and np.all(z_big > 5 * z_small)


def test_skip_gradient_norms_plain_and_with_skips():
    norms = experiment.skip_gradient_norms(depth=6, activation="sigmoid", width=20, batch=50)
    assert set(norms) == {"plain", "with skips"} and all(v.shape == (6,) for v in norms.values())
    assert norms["with skips"][0] > 10 * norms["plain"][0]
    with pytest.raises(ValueError, match="depth must be an integer >= 3"):
        experiment.skip_gradient_norms(depth=2)


# ---------------------------------------------------------------- chapter 02's zig-zag experiment

def test_positive_inputs_make_every_step_move_both_weights_the_same_way():
    from course_lib.experiments import ch02_activation_functions as ch02
    path, share = ch02.positive_input_path(False, steps=30, lr=0.5, seed=1)
    assert path.shape == (31, 2) and np.all(path[0] == 0) and share == 1.0
    steps = np.diff(path, axis=0)
    assert np.all(np.sign(steps[:, 0]) == np.sign(steps[:, 1]))
    _, centred_share = ch02.positive_input_path(True, steps=30, lr=0.5, seed=1)
    assert centred_share < 0.8
    np.testing.assert_array_equal(path, ch02.positive_input_path(False, steps=30, lr=0.5, seed=1)[0])


@pytest.mark.parametrize("bad, match", [(dict(steps=0), "steps"), (dict(lr=-1.0), "lr"),
                                        (dict(target=(1.0, 2.0, 3.0)), "target")])
def test_positive_input_path_rejects_bad_input(bad, match):
    from course_lib.experiments import ch02_activation_functions as ch02
    with pytest.raises(ValueError, match=match):
        ch02.positive_input_path(False, **bad)
