import math

import numpy as np
import pytest

from course_lib import schedules

# parameters that make every schedule non-trivial over 0..1000
PARAMS = {
    "constant": dict(lr0=0.01),
    "step_decay": dict(lr0=0.1, drop=0.5, every=100),
    "piecewise": dict(boundaries=[100, 500], values=[0.1, 0.01, 0.001]),
    "exponential": dict(lr0=0.1, decay_rate=0.1, decay_steps=200),
    "power": dict(lr0=0.1, s=100, c=1.0),
    "cosine": dict(lr0=0.1, total_steps=800, lr_min=0.001),
    "one_cycle": dict(lr_max=0.1, total_steps=1000),
}


def test_names_cover_every_schedule():
    assert set(schedules.names()) == set(PARAMS)


# ----------------------------------------------------------- worked by hand
def test_constant():
    assert schedules.constant(0, 0.01) == 0.01
    assert schedules.constant(12345, 0.01) == 0.01


def test_step_decay_drops_at_every():
    f = lambda t: schedules.step_decay(t, lr0=0.1, drop=0.5, every=1000)
    assert f(0) == pytest.approx(0.1)
    assert f(999) == pytest.approx(0.1)          # every - 1: not yet
    assert f(1000) == pytest.approx(0.05)        # every: first drop
    assert f(2500) == pytest.approx(0.025)


def test_piecewise_boundaries_belong_to_the_next_piece():
    f = lambda t: schedules.piecewise(t, [100, 500], [0.1, 0.01, 0.001])
    assert [f(0), f(99), f(100), f(499), f(500), f(10**6)] == [0.1, 0.1, 0.01, 0.01, 0.001, 0.001]


def test_exponential():
    f = lambda t: schedules.exponential(t, lr0=0.1, decay_rate=0.1, decay_steps=1000)
    assert f(0) == pytest.approx(0.1)
    assert f(1000) == pytest.approx(0.01)
    assert f(500) == pytest.approx(0.1 * 10 ** -0.5)
    assert f(3000) == pytest.approx(1e-4)


def test_power():
    f = lambda t: schedules.power(t, lr0=0.1, s=1000, c=1.0)
    assert f(0) == pytest.approx(0.1)
    assert f(1000) == pytest.approx(0.05)
    assert f(3000) == pytest.approx(0.025)
    assert schedules.power(1000, lr0=0.1, s=1000, c=2.0) == pytest.approx(0.025)


def test_cosine_at_0_half_and_end():
    f = lambda t: schedules.cosine(t, lr0=0.1, total_steps=1000, lr_min=0.002)
    assert f(0) == pytest.approx(0.1)
    assert f(500) == pytest.approx(0.051)        # (lr0 + lr_min) / 2
    assert f(250) == pytest.approx(0.002 + 0.049 * (1 + math.cos(math.pi / 4)))
    assert f(1000) == pytest.approx(0.002)
    assert f(5000) == pytest.approx(0.002)       # stays at lr_min after T
    assert schedules.cosine(500, lr0=0.1, total_steps=1000) == pytest.approx(0.05)


def test_one_cycle_shape():
    kw = dict(lr_max=0.1, total_steps=1000, pct_start=0.3, div=25.0, final_div=1e4)
    f = lambda t: schedules.one_cycle(t, **kw)
    assert f(0) == pytest.approx(0.1 / 25)
    assert f(150) == pytest.approx((0.004 + 0.1) / 2)       # linear half-way up
    assert f(300) == pytest.approx(0.1)                     # the peak at pct_start * T
    assert f(650) == pytest.approx((0.1 + 1e-5) / 2)        # cosine half-way down
    assert f(1000) == pytest.approx(1e-5)
    assert f(2000) == pytest.approx(1e-5)
    curve = f(np.arange(1001))
    assert int(np.argmax(curve)) == 300
    assert np.all(np.diff(curve[:301]) > 0) and np.all(np.diff(curve[300:]) < 0)


# ------------------------------------------------------- vectorised == scalar
@pytest.mark.parametrize("name", list(PARAMS))
def test_vectorised_equals_scalar(name):
    fn = getattr(schedules, name)
    steps = np.array([0, 1, 7, 99, 100, 101, 299, 300, 301, 499, 500, 799, 800, 1000, 1500])
    vec = fn(steps, **PARAMS[name])
    assert isinstance(vec, np.ndarray) and vec.shape == steps.shape and vec.dtype == np.float64
    scal = [fn(int(t), **PARAMS[name]) for t in steps]
    assert all(isinstance(v, float) for v in scal)
    np.testing.assert_array_equal(vec, scal)
    assert np.all(vec > 0)
    # a 2-D array of steps keeps its shape
    assert fn(steps.reshape(3, 5), **PARAMS[name]).shape == (3, 5)


@pytest.mark.parametrize("name", list(PARAMS))
def test_get_matches_the_function(name):
    lr = schedules.get(name, **PARAMS[name])
    steps = np.arange(0, 1200, 37)
    np.testing.assert_array_equal(lr(steps), getattr(schedules, name)(steps, **PARAMS[name]))
    assert lr(5) == getattr(schedules, name)(5, **PARAMS[name])
    assert lr.__name__ == name and lr.params == PARAMS[name]


def test_get_example_and_aliases():
    assert schedules.get("cosine", lr0=0.1, total_steps=1000)(500) == pytest.approx(0.05)
    assert schedules.get("Step", lr0=1.0, every=10)(10) == 0.5
    assert schedules.get("one-cycle", lr_max=0.1, total_steps=100)(30) == pytest.approx(0.1)


# ---------------------------------------------------------------- bad input
def test_unknown_name_suggests_close_matches():
    with pytest.raises(ValueError, match="cosine") as e:
        schedules.get("cosin", lr0=0.1, total_steps=10)
    assert "Did you mean" in str(e.value)
    with pytest.raises(ValueError, match="one_cycle"):
        schedules.get("one_cycel", lr_max=0.1, total_steps=10)


def test_missing_keyword_names_it():
    with pytest.raises(TypeError, match="needs total_steps") as e:
        schedules.get("cosine", lr0=0.1)
    assert "lr0, total_steps, lr_min" in str(e.value)


def test_unknown_keyword_names_it_and_the_accepted_ones():
    with pytest.raises(TypeError, match="'lr'.*did you mean 'lr0'") as e:
        schedules.get("cosine", lr=0.1, total_steps=100)
    assert "takes lr0, total_steps, lr_min" in str(e.value)


@pytest.mark.parametrize("name, kw, msg", [
    ("constant", dict(lr0=0.0), "lr0 must be a positive"),
    ("constant", dict(lr0=-0.1), "lr0 must be a positive"),
    ("cosine", dict(lr0=0.1, total_steps=0), "total_steps must be a positive"),
    ("cosine", dict(lr0=0.1, total_steps=100, lr_min=0.2), r"lr_min must be in \[0, lr0\]"),
    ("one_cycle", dict(lr_max=-1.0, total_steps=100), "lr_max must be a positive"),
    ("one_cycle", dict(lr_max=0.1, total_steps=-5), "total_steps must be a positive"),
    ("one_cycle", dict(lr_max=0.1, total_steps=100, pct_start=1.0), r"pct_start must be in \(0, 1\)"),
    ("step_decay", dict(lr0=0.1, drop=2.0), r"drop must be in \(0, 1\]"),
    ("exponential", dict(lr0=0.1, decay_steps=0), "decay_steps must be a positive"),
    ("power", dict(lr0=0.1, s=0), "s must be a positive"),
    ("piecewise", dict(boundaries=[10, 20], values=[0.1, 0.01]), "one more value than boundaries"),
    ("piecewise", dict(boundaries=[20, 10], values=[0.1, 0.01, 0.001]), "strictly increasing"),
    ("piecewise", dict(boundaries=[10], values=[0.1, 0.0]), r"values\[1\] must be a positive"),
])
def test_bad_values_raise_at_get_time(name, kw, msg):
    with pytest.raises(ValueError, match=msg):
        schedules.get(name, **kw)
    with pytest.raises(ValueError, match=msg):
        getattr(schedules, name)(0, **kw)


def test_negative_or_nan_steps_raise():
    lr = schedules.get("cosine", lr0=0.1, total_steps=100)
    with pytest.raises(ValueError, match="step must be >= 0"):
        lr(-1)
    with pytest.raises(ValueError, match="step must be >= 0"):
        lr(np.array([0, 5, -3]))
    with pytest.raises(ValueError, match="finite"):
        lr(float("nan"))
    with pytest.raises(TypeError, match="step must be a number"):
        lr("ten")
