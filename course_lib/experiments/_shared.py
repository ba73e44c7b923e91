"""What several chapters' experiments share: the MNIST network of the notes and a training run
that survives divergence."""
from course_lib.training import TrainingDiverged, train


def notes_mlp_sizes(hidden_layers, width=100, n_in=784, n_out=10):
    """The layer sizes of *Deep Learning from Scratch*'s MNIST nets: n_in, ``hidden_layers`` × width, n_out
    (5 hidden layers in its batch-norm experiment, 6 in its hyperparameter search)."""
    return (n_in,) + (width,) * hidden_layers + (n_out,)


def train_surviving(net, optimizer, x, t, **train_kwargs):
    """``training.train(net, optimizer, x, t, **train_kwargs)``, except that a run whose loss
    became NaN or ∞ returns instead of raising.

    Returns (history, diverged_at): ``diverged_at`` is the update step at which the loss broke
    (the history stops there), None when training finished.
    """
    try:
        return train(net, optimizer, x, t, **train_kwargs), None
    except TrainingDiverged as err:
        return err.history, int(err.history["loss"].size - 1)
