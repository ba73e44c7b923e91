"""course_lib.seeding: one rule from a seed to a random generator."""
import numpy as np
import pytest

from course_lib.seeding import generator


def test_an_int_seeds_a_fresh_generator_and_a_generator_passes_through():
    a, b = generator(3), generator(3)
    assert a is not b and a.random() == b.random()
    assert generator(np.int64(3)).random() == np.random.default_rng(3).random()
    rng = np.random.default_rng(0)
    assert generator(rng) is rng


@pytest.mark.parametrize("bad", [None, True, 1.5, "0"])
def test_anything_else_is_refused_naming_the_argument(bad):
    with pytest.raises(TypeError, match="rng must be an int or a np.random.Generator"):
        generator(bad, "rng")
