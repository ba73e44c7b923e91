import warnings

import numpy as np
import pytest

from course_lib import activations
from course_lib.gradcheck import numerical_gradient, relative_error

ALL = activations.names()
# Functions whose derivative is 0 except at a jump: checked away from the jump.
PARAMS = {"leaky_relu": {"alpha": 0.1}, "elu": {"alpha": 0.7}, "threshold_relu": {"theta": 0.5},
          "swish": {"beta": 1.5}}


def test_the_18_names_of_the_design_then_prelu_and_rrelu():
    assert ALL == ["identity", "step", "sign", "sigmoid", "tanh", "softsign", "arctan", "relu",
                   "leaky_relu", "elu", "selu", "threshold_relu", "softplus", "bent_identity",
                   "gaussian", "gelu", "swish", "mish", "prelu", "rrelu"]


def test_names_are_case_insensitive_and_prelu_rrelu_are_their_fixed_slope_forms():
    x = np.array([-2.0, -0.5, 0.0, 3.0])
    assert activations.get("PReLU").name == "prelu" and activations.get("RReLU").name == "rrelu"
    np.testing.assert_allclose(activations.get("prelu")(x), [-0.5, -0.125, 0.0, 3.0])
    mean_slope = (1 / 8 + 1 / 3) / 2
    np.testing.assert_allclose(activations.get("rrelu")(x), [-2 * mean_slope, -0.5 * mean_slope, 0.0, 3.0])
    with pytest.raises(ValueError, match="lower <= upper"):
        activations.get("rrelu", lower=0.5, upper=0.1)


@pytest.mark.parametrize("params, key", [({"alpha": "1"}, "alpha"), ({"alpha": True}, "alpha"),
                                          ({"beta": "0.5"}, "beta")])
def test_a_parameter_given_as_a_string_is_refused_naming_it(params, key):
    name = "swish" if key == "beta" else "elu"
    with pytest.raises(TypeError, match=f"{key} must be a number"):
        activations.get(name, **params)


@pytest.mark.parametrize("name", ALL)
def test_derivative_matches_central_differences(name):
    act = activations.get(name, **PARAMS.get(name, {}))
    rng = np.random.default_rng(0)
    x = rng.uniform(-4, 4, 200)
    x = x[np.abs(x) > 1e-3]                          # away from the kinks at 0
    x = x[np.abs(x - 0.5) > 1e-3]                    # and threshold_relu's jump at θ
    numeric = np.array([numerical_gradient(lambda v: act(v).sum(), np.array([xi]))[0] for xi in x])
    assert relative_error(act.derivative(x), numeric) < 1e-6


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_and_dtype_preserving_up_to_1000(name, dtype):
    x = np.linspace(-1000, 1000, 4001, dtype=dtype)
    act = activations.get(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")               # an overflow warning fails the test
        y, d = act(x), act.derivative(x)
    assert y.dtype == dtype and d.dtype == dtype
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(d))


def test_known_values():
    x = np.array([-2.0, 0.0, 3.0])
    get = activations.get
    np.testing.assert_allclose(get("sigmoid")(x), 1 / (1 + np.exp(-x)))
    np.testing.assert_allclose(get("sigmoid")(np.array([-1000.0, 1000.0])), [0.0, 1.0])
    np.testing.assert_allclose(get("softplus")(np.array([1000.0])), [1000.0])
    np.testing.assert_allclose(get("relu")(x), [0, 0, 3])
    np.testing.assert_allclose(get("leaky_relu", alpha=0.2)(x), [-0.4, 0, 3])
    np.testing.assert_allclose(get("elu", alpha=2.0)(x), [2 * (np.exp(-2) - 1), 0, 3])
    np.testing.assert_allclose(get("threshold_relu", theta=2.5)(x), [0, 0, 3])
    # bent identity is (√(x²+1) − 1)/2 + x
    np.testing.assert_allclose(get("bent_identity")(x), (np.sqrt(x ** 2 + 1) - 1) / 2 + x)
    np.testing.assert_allclose(get("gaussian")(x), np.exp(-x ** 2))
    np.testing.assert_allclose(get("step")(x), [0, 0, 1])
    np.testing.assert_allclose(get("sign")(x), [-1, 0, 1])
    np.testing.assert_allclose(get("softsign")(x), x / (1 + np.abs(x)))
    # GELU(1) = Φ(1) = 0.8413447460685429 (normal table)
    np.testing.assert_allclose(get("gelu")(np.array([1.0])), [0.8413447460685429], rtol=1e-12)
    np.testing.assert_allclose(get("mish")(x), x * np.tanh(np.log1p(np.exp(x))))
    np.testing.assert_allclose(get("swish", beta=2.0)(x), x / (1 + np.exp(-2 * x)))


def test_sigmoid_derivative_peaks_at_a_quarter():
    x = np.linspace(-10, 10, 10001)
    d = activations.get("sigmoid").derivative(x)
    assert d.max() == pytest.approx(0.25) and x[d.argmax()] == pytest.approx(0.0)


def test_selu_constants_keep_unit_variance_fixed_point():
    # For z ~ N(0, 1), SELU(z) has mean ≈ 0 and variance ≈ 1 (Klambauer et al. 2017).
    z = np.random.default_rng(0).standard_normal(2_000_000)
    y = activations.get("selu")(z)
    assert abs(y.mean()) < 0.005 and abs(y.var() - 1) < 0.005


def test_gelu_sigmoid_approximation_is_close_not_equal():
    x = np.linspace(-6, 6, 2001)
    err = np.abs(activations.get("gelu")(x) - x / (1 + np.exp(-1.702 * x)))
    assert 0.005 < err.max() < 0.03


def test_gelu_float32_fast_path_matches_the_exact_float64_one():
    # float64 uses math.erfc number by number; float32 a vectorised erfc accurate to ~1e-7.
    x = np.linspace(-10, 10, 20001)
    exact = activations.get("gelu")(x)
    fast = activations.get("gelu")(x.astype(np.float32))
    assert fast.dtype == np.float32
    np.testing.assert_allclose(fast, exact, rtol=2e-5, atol=1e-6)
    fast_d = activations.get("gelu").derivative(x.astype(np.float32))
    np.testing.assert_allclose(fast_d, activations.get("gelu").derivative(x), rtol=2e-5, atol=1e-6)
    # the far left tail: GELU(−10) = −10·Φ(−10) ≈ −7.62e-23, not 0 (1 + erf would cancel to 0)
    assert activations.get("gelu")(np.array([-10.0]))[0] == pytest.approx(-7.619853024160593e-23, rel=1e-12)


def test_unknown_name_lists_close_matches():
    with pytest.raises(ValueError, match="gelu"):
        activations.get("gelo")
    with pytest.raises(ValueError, match="Known: identity"):
        activations.get("nothing_like_it")


def test_parameters_are_checked():
    with pytest.raises(TypeError, match="alpha"):
        activations.get("relu", alpha=0.1)
    with pytest.raises(TypeError, match="takes alpha"):
        activations.get("elu", theta=1)
    with pytest.raises(ValueError, match="finite"):
        activations.get("elu", alpha=float("nan"))


def test_names_are_forgiving_about_case_and_dashes():
    assert activations.get("Leaky-ReLU", alpha=0.3).params == {"alpha": 0.3}
    act = activations.get("tanh")
    assert activations.get(act) is act


def test_integer_input_becomes_float():
    assert activations.get("sigmoid")(np.array([0, 1])).dtype == np.float64
