"""Chapter 05's experiments take their run settings as one Run (a frozen dataclass), field keywords
overriding it: the same run either way, an unknown keyword named with its close match."""
import numpy as np
import pytest

from course_lib import data
from course_lib.experiments import ch05_batch_normalization as experiment


@pytest.fixture(scope="module")
def small():
    (x, t), _ = data.load_mnist()
    return x[:200], t[:200]


def test_a_run_object_and_its_keywords_train_the_same_network(small):
    x, t = small
    run = experiment.Run(batchnorm=False, lr=0.05, epochs=1, sizes=(784, 16, 10), seed=3)
    _, by_object = experiment.train_run(x, t, run=run)
    _, by_keywords = experiment.train_run(x, t, batchnorm=False, lr=0.05, epochs=1, sizes=(784, 16, 10), seed=3)
    _, other_seed = experiment.train_run(x, t, run=run, seed=4)
    assert np.array_equal(by_object["loss"], by_keywords["loss"])
    assert not np.array_equal(by_object["loss"], other_seed["loss"])


def test_the_defaults_of_each_experiment_are_runs_with_its_own_changes():
    assert experiment.Run().lr == 0.1 and experiment.Run().epochs == 5
    assert experiment.Run(lr=0.01, epochs=20).replace(seed=2) == experiment.Run(lr=0.01, epochs=20, seed=2)


@pytest.mark.parametrize("call", [
    lambda x, t: experiment.train_run(x, t, epoch=1),
    lambda x, t: experiment.weight_scale_grid(x, t, [0.1], epoch=1),
    lambda x, t: experiment.learning_rate_sweep(x, t, [0.1], epoch=1),
    lambda x, t: experiment.normalization_runs(x, t, x, t, 4, epoch=1),
])
def test_an_unknown_keyword_names_the_function_and_the_close_match(small, call):
    with pytest.raises(TypeError, match=r"\(\) got unexpected parameter\(s\) 'epoch' \(did you mean 'epochs'\?\)"):
        call(*small)
