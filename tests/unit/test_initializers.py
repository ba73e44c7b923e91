import numpy as np
import pytest

from course_lib import initializers

FAN_IN, FAN_OUT = 400, 600
FORMULA = {  # the std each name must draw, written from the papers
    "zeros": 0.0,
    "glorot_normal": np.sqrt(2 / (FAN_IN + FAN_OUT)), "glorot_uniform": np.sqrt(2 / (FAN_IN + FAN_OUT)),
    "xavier_normal": np.sqrt(2 / (FAN_IN + FAN_OUT)), "xavier_uniform": np.sqrt(2 / (FAN_IN + FAN_OUT)),
    "lecun_normal": np.sqrt(1 / FAN_IN), "lecun_uniform": np.sqrt(1 / FAN_IN),
    "he_normal": np.sqrt(2 / FAN_IN), "he_uniform": np.sqrt(2 / FAN_IN),
    "kaiming_normal": np.sqrt(2 / FAN_IN), "kaiming_uniform": np.sqrt(2 / FAN_IN),
}


@pytest.mark.parametrize("name", list(FORMULA))
def test_sample_std_matches_formula(name):
    W = initializers.get(name)(FAN_IN, FAN_OUT, np.random.default_rng(0))
    assert W.shape == (FAN_IN, FAN_OUT) and W.dtype == np.float32
    assert initializers.std(name, FAN_IN, FAN_OUT) == pytest.approx(FORMULA[name])
    assert abs(W.mean()) < 0.01 * max(FORMULA[name], 1e-3)  + 1e-9
    assert W.std() == pytest.approx(FORMULA[name], rel=0.01)


@pytest.mark.parametrize("name,limit", [("glorot_uniform", np.sqrt(6 / (FAN_IN + FAN_OUT))),
                                        ("he_uniform", np.sqrt(6 / FAN_IN)),
                                        ("lecun_uniform", np.sqrt(3 / FAN_IN))])
def test_uniform_limits(name, limit):
    W = initializers.get(name)(FAN_IN, FAN_OUT, 0)
    assert np.abs(W).max() <= limit and np.abs(W).max() > 0.99 * limit


def test_parametrised_normal_and_uniform():
    W = initializers.get("normal", std=0.01)(FAN_IN, FAN_OUT, 1)
    assert W.std() == pytest.approx(0.01, rel=0.01)
    U = initializers.get("uniform", limit=0.3)(FAN_IN, FAN_OUT, 1)
    assert np.abs(U).max() <= 0.3 and U.std() == pytest.approx(0.3 / np.sqrt(3), rel=0.01)
    assert initializers.std("uniform", 3, 4, limit=0.3) == pytest.approx(0.3 / np.sqrt(3))


def test_he_is_not_two_over_root_n():
    # The erratum of our notes: He's std is √(2/n) ≈ 0.0707 for n = 400, not 2/√n = 0.1.
    assert initializers.std("he_normal", 400, 1) == pytest.approx(0.0707, abs=1e-4)
    assert initializers.std("he_normal", 400, 1) != pytest.approx(2 / np.sqrt(400))


def test_seeded_and_float64_on_request():
    init = initializers.get("he_normal")
    np.testing.assert_array_equal(init(5, 3, 7), init(5, 3, np.random.default_rng(7)))
    assert not np.array_equal(init(5, 3, 7), init(5, 3, 8))
    assert init(5, 3, 0, dtype=np.float64).dtype == np.float64


def test_bad_input():
    with pytest.raises(ValueError, match="he_normal"):
        initializers.get("he_norma")
    with pytest.raises(TypeError, match="takes std"):
        initializers.get("normal", sigma=1)
    with pytest.raises(TypeError, match="no parameters"):
        initializers.get("he_normal", std=1)
    with pytest.raises(ValueError, match="fan_in"):
        initializers.get("he_normal")(0, 3, 0)
    with pytest.raises(ValueError, match=">= 0"):
        initializers.get("normal", std=-1)
    with pytest.raises(TypeError, match="Generator"):
        initializers.get("he_normal")(3, 3, "seed")
