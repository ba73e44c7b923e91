"""The first three steps of every optimizer on f(p) = p²/2 (so g = p), from p = 1,
against values worked out by hand from each method's formula."""
import numpy as np
import pytest

from course_lib import optimizers

sqrt = np.sqrt


def _run(name, steps=3, **hyper):
    opt = optimizers.get(name, **hyper)
    p = np.array([1.0])
    out = []
    for _ in range(steps):
        opt.update({"w": p}, {"w": p.copy()})        # g = ∂(p²/2)/∂p = p
        out.append(p[0])
    return out


def _adam_by_hand(lr, b1=0.9, b2=0.999, eps=1e-8, nesterov=False, decay=0.0):
    p, m, v, out = 1.0, 0.0, 0.0, []
    for t in (1, 2, 3):
        g = p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        num = b1 * m_hat + (1 - b1) * g / (1 - b1 ** t) if nesterov else m_hat
        p = p - lr * (num / (sqrt(v_hat) + eps) + decay * p)
        out.append(p)
    return out


HAND = {
    # W ← W − ηg, η = 0.1
    "sgd": ({"lr": 0.1}, [0.9, 0.81, 0.729]),
    # v ← 0.9v − 0.1g; W ← W + v:  v = −0.1, −0.18, −0.234
    "momentum": ({"lr": 0.1, "momentum": 0.9}, [0.9, 0.72, 0.486]),
    # W ← W + μ²v_prev − (1+μ)ηg:  1 − 0.19 = 0.81;  0.81 + 0.81(−0.1) − 0.19·0.81 = 0.5751;
    # v = −0.1, −0.171;  0.5751 + 0.81(−0.171) − 0.19·0.5751 = 0.327321  (torch.optim.SGD(nesterov=True))
    "nesterov": ({"lr": 0.1, "momentum": 0.9}, [0.81, 0.5751, 0.327321]),
    # h = 1, 1.81, 1.81 + p2²;  W ← W − 0.1 g/√h
    "adagrad": ({"lr": 0.1, "eps": 0.0},
                [0.9, 0.9 - 0.09 / sqrt(1.81),
                 (0.9 - 0.09 / sqrt(1.81)) * (1 - 0.1 / sqrt(1.81 + (0.9 - 0.09 / sqrt(1.81)) ** 2))]),
    # h = 0.1, 0.09 + 0.1·0.81 = 0.171;  W ← W − 0.01 g/√h
    "rmsprop": ({"lr": 0.01, "rho": 0.9, "eps": 0.0},
                [1 - 0.01 / sqrt(0.1), (1 - 0.01 / sqrt(0.1)) * (1 - 0.01 / sqrt(0.09 + 0.1 * (1 - 0.01 / sqrt(0.1)) ** 2)),
                 None]),
    "adam": ({"lr": 0.1}, _adam_by_hand(0.1)),
    "nadam": ({"lr": 0.1}, _adam_by_hand(0.1, nesterov=True)),
    "adamw": ({"lr": 0.1, "weight_decay": 0.5}, _adam_by_hand(0.1, decay=0.5)),
}


@pytest.mark.parametrize("name", list(HAND))
def test_first_three_steps_by_hand(name):
    hyper, expected = HAND[name]
    got = _run(name, **hyper)
    for g, e in zip(got, expected):
        if e is not None:
            assert g == pytest.approx(e, rel=1e-9, abs=1e-12)


def test_adam_first_step_is_lr_times_sign():
    # bias correction makes the first step exactly η (up to ε), whatever |g| is
    for g0 in (1e-3, 1.0, 1e3):
        opt = optimizers.get("adam", lr=0.01)
        p = np.array([5.0])
        opt.update({"w": p}, {"w": np.array([g0])})
        assert p[0] == pytest.approx(4.99, rel=1e-6)


def test_adadelta_by_hand():
    # ρ = 0.95, ε = 1e-6: h = 0.05;  Δ = −√(0 + ε)/√(h + ε)·g;  d = 0.05Δ²
    rho, eps = 0.95, 1e-6
    p, h, d, expected = 1.0, 0.0, 0.0, []
    for _ in range(3):
        g = p
        h = rho * h + (1 - rho) * g * g
        delta = -sqrt(d + eps) / sqrt(h + eps) * g
        d = rho * d + (1 - rho) * delta * delta
        p = p + delta
        expected.append(p)
    assert expected[0] == pytest.approx(1 - sqrt(1e-6) / sqrt(0.05 + 1e-6))
    np.testing.assert_allclose(_run("adadelta"), expected, rtol=1e-12)


def test_rmsprop_third_step_and_state_per_parameter():
    opt = optimizers.get("rmsprop", lr=0.01, eps=0.0)
    a, b = np.array([1.0]), np.array([-2.0, 4.0])
    for _ in range(3):
        opt.update({"a": a, "b": b}, {"a": a.copy(), "b": b.copy()})
    # 'a' must follow the same path as a lone 1-D run: separate state per name
    assert a[0] == pytest.approx(_run("rmsprop", lr=0.01, eps=0.0)[2], rel=1e-12)
    assert set(opt.state) == {"a", "b"} and opt.state["b"]["h"].shape == (2,)


def test_coupled_weight_decay_adds_lambda_w_to_the_gradient():
    # SGD with λ = 0.5: W ← W − η(g + λW) = 1 − 0.1(1 + 0.5) = 0.85
    assert _run("sgd", steps=1, lr=0.1, weight_decay=0.5)[0] == pytest.approx(0.85)


def test_defaults_are_the_textbook_ones():
    assert optimizers.defaults("adam") == {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
                                           "weight_decay": 0.0}
    assert optimizers.defaults("momentum")["momentum"] == 0.9
    assert optimizers.defaults("adadelta")["lr"] == 1.0
    assert optimizers.names() == ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta",
                                  "adam", "nadam", "adamw"]


def test_float32_parameters_stay_float32():
    p = np.ones(3, np.float32)
    for name in optimizers.names():
        optimizers.get(name).update({"w": p}, {"w": np.full(3, 0.5, np.float32)})
        assert p.dtype == np.float32


def test_bad_input():
    with pytest.raises(ValueError, match="learning rate must be > 0"):
        optimizers.get("sgd", lr=0)
    with pytest.raises(ValueError, match="learning rate must be > 0"):
        optimizers.get("adam", lr=-1e-3)
    with pytest.raises(ValueError, match="'adam'"):
        optimizers.get("adma")
    with pytest.raises(TypeError, match="takes lr, momentum"):
        optimizers.get("momentum", beta=0.9)
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
        optimizers.get("momentum", momentum=1.0)
    opt = optimizers.get("sgd")
    with pytest.raises(ValueError, match=r"'w' has shape \(2,\)"):
        opt.update({"w": np.zeros(3)}, {"w": np.zeros(2)})
    with pytest.raises(ValueError, match="no gradient"):          # not a bare KeyError
        opt.update({"w": np.zeros(3)}, {})


# -- misuses (issue 10): each refused with a message naming it, nothing updated -----------------
@pytest.mark.parametrize("name", ["adagrad", "rmsprop", "adam", "nadam", "adamw"])
def test_eps_zero_is_guarded_a_zero_gradient_entry_stays_put(name):
    """eps = 0 is allowed (the exact formula, as the hand-worked steps above use) and the 0/0
    of an entry whose gradient has always been 0 is a zero step, not NaN."""
    opt = optimizers.get(name, lr=0.1, eps=0.0, **({"weight_decay": 0.0} if name == "adamw" else {}))
    p = np.array([1.0, 2.0])
    for _ in range(3):
        opt.update({"w": p}, {"w": np.array([0.5, 0.0])})
    assert np.all(np.isfinite(p)) and p[1] == 2.0 and p[0] < 1.0


def test_eps_zero_is_refused_for_adadelta_which_would_never_move():
    with pytest.raises(ValueError, match=r"adadelta: eps must be > 0.*never moves"):
        optimizers.get("adadelta", eps=0.0)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_nonfinite_gradient_is_refused_and_nothing_changes(bad):
    opt = optimizers.get("adam", lr=0.1)
    p = np.array([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"gradient of 'w' has (NaN|inf) in 1 of 3 entries.*smaller learning rate"):
        opt.update({"w": p}, {"w": np.array([0.1, bad, 0.1])})
    assert p.tolist() == [1.0, 2.0, 3.0] and opt.t == 0 and not opt.state
    with np.errstate(invalid="ignore"):
        opt.update({"w": p}, {"w": np.array([0.1, bad, 0.1])}, check_finite=False)   # a loop that reports it
    assert np.isnan(p[1])


def test_extra_missing_and_none_gradients():
    p = {"W1": np.zeros(2), "b1": np.zeros(1)}
    opt = optimizers.get("sgd")
    with pytest.raises(ValueError, match=r"no gradient for \['b1'\]"):
        opt.update(p, {"W1": np.ones(2)})
    with pytest.raises(ValueError, match=r"gradients for unknown parameter\(s\) \['W2'\]"):
        opt.update(p, {"W1": np.ones(2), "b1": np.ones(1), "W2": np.ones(3)})
    with pytest.raises(ValueError, match="gradient of 'b1' is None.*forgot to return"):
        opt.update(p, {"W1": np.ones(2), "b1": None})
    with pytest.raises(TypeError, match="grads must be a dict"):
        opt.update(p, [np.ones(2), np.ones(1)])
    opt.update(p, {"W1": [1.0, 1.0], "b1": [1.0]})            # lists are arrays
    assert p["W1"].tolist() == [-0.01, -0.01]


@pytest.mark.parametrize("second_shape", [(3,), (4,)])
def test_one_optimizer_reused_for_a_second_network(second_shape):
    opt = optimizers.get("adam")
    first = {"w": np.zeros(3)}
    opt.update(first, {"w": np.ones(3)})
    second = {"w": np.zeros(second_shape)}
    with pytest.raises(ValueError, match=r"another network.*create a new optimizer.*or call reset\(\)"):
        opt.update(second, {"w": np.ones(second_shape)})
    assert np.all(second["w"] == 0) and opt.t == 1
    opt.update({"w": first["w"]}, {"w": np.ones(3)})          # a new dict around the same array: fine
    assert opt.t == 2
    opt.state, opt.t = {}, 0                                    # what reset() does
    opt.update(second, {"w": np.ones(second_shape)})
    assert opt.t == 1


def test_a_replaced_parameter_array_of_the_same_network():
    opt = optimizers.get("momentum")
    params = {"W1": np.zeros(3), "b1": np.zeros(2)}
    opt.update(params, {"W1": np.ones(3), "b1": np.ones(2)})
    params["W1"] = np.ones(3)                                   # the user sets one array: same shape, fine
    opt.update(params, {"W1": np.ones(3), "b1": np.ones(2)})
    params["W1"] = np.ones(5)
    with pytest.raises(ValueError, match=r"'W1' now has shape \(5,\).*state for it has shape \(3,\).*reset\(\)"):
        opt.update(params, {"W1": np.ones(5), "b1": np.ones(2)})


@pytest.mark.parametrize("name", optimizers.names())
def test_an_optimizers_weight_decay_acts_on_every_array_biases_and_bn_scales_included(name):
    """Chapter 04: "An optimizer's `weight_decay` acts on **every** array it updates — biases and
    batch-norm's γ, β included — unlike `MLP(weight_decay=λ)`, whose penalty covers the weights W only"."""
    from course_lib.network import MLP
    net = MLP([6, 5, 3], batchnorm=True, seed=0, dtype=np.float64)
    for key in ("b1", "beta1", "b2"):
        net.params[key][...] = 1.0                   # nonzero, so a decay has something to shrink
    before = {k: p.copy() for k, p in net.params.items()}
    opt = optimizers.get(name, lr=0.01, weight_decay=0.5)
    opt.update(net.params, {k: np.zeros_like(p) for k, p in net.params.items()})   # no data gradient
    for key in ("W1", "b1", "gamma1", "beta1", "b2"):        # (adaptive methods move each entry by ≈ η)
        assert np.linalg.norm(net.params[key]) < np.linalg.norm(before[key]), f"{name} did not decay {key}"
    penalised = MLP([6, 5, 3], batchnorm=True, weight_decay=0.5, seed=0, dtype=np.float64)
    plain = MLP([6, 5, 3], batchnorm=True, seed=0, dtype=np.float64)
    for net_ in (penalised, plain):
        net_.params["b1"][...] = 1.0
    x, t = np.random.default_rng(0).standard_normal((4, 6)), np.array([0, 1, 2, 0])
    g_pen, g_plain = penalised.gradient(x, t), plain.gradient(x, t)
    for key in ("b1", "gamma1", "beta1", "b2"):
        assert np.allclose(g_pen[key], g_plain[key]), f"MLP(weight_decay) reached {key}"
    assert not np.allclose(g_pen["W1"], g_plain["W1"])
