"""The five registries share one protocol: get(name_or_object, **params) -> an object with
.name, .params, .formula and a repr that rebuilds it; names(), aliases(), defaults(name);
unknown names and keywords, and numbers given as strings, get messages that name them."""
import numpy as np
import pytest

from course_lib import activations, initializers, optimizers, schedules, surfaces

# module, a name with a parameter, those parameters, required parameters of get
CASES = {
    "activations": (activations, "elu", {"alpha": 0.5}, {}),
    "initializers": (initializers, "normal", {"std": 0.02}, {}),
    "optimizers": (optimizers, "adam", {"lr": 0.01, "beta1": 0.8}, {}),
    "schedules": (schedules, "cosine", {"lr_min": 0.001}, {"lr0": 0.1, "total_steps": 100}),
    "surfaces": (surfaces, "saddle", {}, {}),
}
MODULES = list(CASES)


@pytest.mark.parametrize("kind", MODULES)
def test_every_registry_has_get_names_aliases_defaults(kind):
    module = CASES[kind][0]
    for name in ("get", "names", "aliases", "defaults"):
        assert callable(getattr(module, name)), f"{kind}.{name}"
    names, aliases = module.names(), module.aliases()
    assert names and len(set(names)) == len(names)
    assert set(aliases.values()) <= set(names) and not set(aliases) & set(names)   # aliases are not names
    for alias, name in aliases.items():
        assert module.defaults(alias) == module.defaults(name)
    assert module.get(CASES[kind][1], **CASES[kind][3]).name == CASES[kind][1]


@pytest.mark.parametrize("kind", MODULES)
def test_get_gives_an_object_with_name_params_formula_and_a_rebuilding_repr(kind):
    module, name, params, required = CASES[kind]
    obj = module.get(name, **required, **params)
    assert obj.name == name
    assert obj.params == {**module.defaults(name), **required, **params}
    assert isinstance(obj.formula, str) and obj.formula.strip()
    rebuilt = eval(repr(obj), {kind: module})
    assert repr(rebuilt) == repr(obj) and rebuilt.params == obj.params


@pytest.mark.parametrize("kind", MODULES)
def test_get_accepts_an_object_and_names_in_any_case(kind):
    module, name, params, required = CASES[kind]
    obj = module.get(name, **required, **params)
    assert module.get(obj) is obj
    assert module.get(name.upper(), **required).name == name


@pytest.mark.parametrize("kind", MODULES)
def test_an_unknown_name_lists_close_matches(kind):
    module, name, _, required = CASES[kind]
    with pytest.raises(ValueError, match=f"Did you mean '{name}'"):
        module.get(name[:-1] + "x", **required)
    with pytest.raises(ValueError, match="unknown"):
        module.defaults("no_such_thing")


@pytest.mark.parametrize("kind", [k for k in MODULES if CASES[k][2]])
def test_a_number_given_as_a_string_is_refused_naming_the_parameter(kind):
    module, name, params, required = CASES[kind]
    key = next(iter(params))
    with pytest.raises(TypeError, match=f"{key} must be a number, got the string '1'"):
        module.get(name, **required, **{key: "1"})


@pytest.mark.parametrize("kind", MODULES)
def test_an_unknown_keyword_names_the_keywords_taken(kind):
    module, name, _, required = CASES[kind]
    with pytest.raises(TypeError, match="unexpected parameter"):
        module.get(name, **required, colour=1)


def test_get_with_an_object_and_params_replaces_them():
    elu = activations.get("elu")
    assert activations.get(elu, alpha=0.3).params == {"alpha": 0.3}
    adam = optimizers.get("adam", lr=0.01)
    again = optimizers.get(adam, beta1=0.5)
    assert again is not adam and again.params == {**adam.params, "beta1": 0.5}
    lr = schedules.get("cosine", lr0=0.1, total_steps=100)
    assert schedules.get(lr, lr0=0.2)(0) == 0.2


def test_callable_objects_keep_their_call_shape():
    W = initializers.get("he_normal")(50, 20, np.random.default_rng(0))
    assert W.shape == (50, 20) and W.dtype == np.float32
    assert initializers.get("he_normal").std(50, 20) == pytest.approx(np.sqrt(2 / 50))
    assert schedules.get("cosine", lr0=0.1, total_steps=100)(50) == pytest.approx(0.05)
    p = {"w": np.ones(2)}
    optimizers.get("sgd", lr=0.5).update(p, {"w": np.ones(2)})
    np.testing.assert_allclose(p["w"], 0.5)


def test_a_number_is_the_std_of_a_normal_and_a_function_passes_through():
    assert repr(initializers.get(0.05)) == "initializers.get('normal', std=0.05)"
    own = lambda fan_in, fan_out, rng: np.zeros((fan_in, fan_out))  # noqa: E731
    assert initializers.get(own) is own
    with pytest.raises(TypeError, match="got bool True"):
        initializers.get(True)          # a bool is not a std


def test_every_optimizer_has_a_formula_with_its_own_hyperparameters():
    symbols = {"momentum": ("α",), "nesterov": ("μ",), "rmsprop": ("ρ",), "adadelta": ("ρ",),
               "adam": ("β₁", "β₂"), "adagrad": ("√h",)}
    for name in optimizers.names():
        formula = optimizers.get(name).formula
        assert "W ←" in formula and "η" in formula, name
        for symbol in symbols.get(name, ()):
            assert symbol in formula, (name, symbol)


def test_optimizer_state_is_public_settable_and_reset():
    opt = optimizers.get("momentum", lr=0.1, momentum=0.9)
    p = {"w": np.zeros(2)}
    opt.update(p, {"w": np.ones(2)})
    assert opt.t == 1 and set(opt.state["w"]) == {"v"}
    np.testing.assert_allclose(opt.state["w"]["v"], -0.1)
    opt.state["w"]["v"] = np.array([1.0, -1.0])           # start from a chosen velocity
    w_before = p["w"].copy()
    opt.update(p, {"w": np.zeros(2)})
    np.testing.assert_allclose(p["w"] - w_before, [0.9, -0.9])        # v ← 0.9·v − 0.1·0
    opt.reset()
    assert opt.state == {} and opt.t == 0
    adam = optimizers.get("adam")
    adam.update({"w": np.zeros(1)}, {"w": np.ones(1)})
    assert set(adam.state["w"]) == {"m", "v"} and adam.t == 1


def test_schedule_and_surface_specifics():
    assert schedules.defaults("cosine") == {"lr_min": 0.0}
    assert schedules.get("step", lr0=0.1).name == "step_decay"
    assert surfaces.defaults("dlfs") == {} and surfaces.get("dlfs").params == {}
    with pytest.raises(TypeError, match="lr0 must be a number"):
        schedules.get("exponential", lr0="0.1")


@pytest.mark.parametrize("make, key", [
    (lambda: activations.get("leaky_relu", alpha="1"), "alpha"),
    (lambda: initializers.get("normal", std="0.01"), "std"),
    (lambda: schedules.get("constant", lr0="0.1"), "lr0"),
    (lambda: schedules.constant(0, lr0="0.1"), "lr0"),
    (lambda: optimizers.get("sgd", weight_decay="0"), "weight_decay"),
])
def test_the_misuses_of_issue_10_name_the_parameter(make, key):
    with pytest.raises(TypeError, match=f"{key} must be a number, got the string"):
        make()
