"""course_lib.exercises: the registry, check() outcomes and display, strict mode, the
helpers, and chapter 00's checkers (pass on the solution, fail on the common mistakes)."""
import re

import numpy as np
import pytest

from course_lib import exercises
from course_lib.exercises import CheckFailed, check, run_check


@pytest.fixture
def registry(monkeypatch):
    """A private registry with one demo exercise: double(x) = 2x."""
    monkeypatch.setattr(exercises._framework, "_REGISTRY", {})

    @exercises.exercise("99-double")
    def _check_double(double):
        """Double a number."""
        for x in (0.0, 1.5, -3.0):
            exercises.expect_close(exercises.call(double, x), 2 * x, f"double({x})",
                                   "Revisit y = 2x.")
        return "Doubles everything."

    return exercises._framework._REGISTRY


def _double(x):
    return 2 * x


def _not_done(x):
    raise NotImplementedError


def _crashes(x):
    return {}["missing"]


def test_outcomes(registry):
    assert run_check("99-double", _double) == exercises.Outcome("99-double", True, "Doubles everything.")
    wrong = run_check("99-double", lambda x: x + 1)
    assert wrong.passed is False
    assert "double(0.0): expected 0, got 1" in wrong.message and "Revisit y = 2x." in wrong.message
    assert run_check("99-double", _not_done).passed is None
    assert run_check("99-double", None).passed is None
    crash = run_check("99-double", _crashes)
    assert crash.passed is False and "_crashes(0) raised KeyError" in crash.message
    assert "You passed the number 4, not a function" in run_check("99-double", 4.0).message


def test_unknown_id_lists_close_matches(registry):
    outcome = run_check("99-duble", _double)
    assert outcome.passed is False and "'99-double'" in outcome.message
    with pytest.raises(KeyError, match="Did you mean '99-double'"):
        exercises.get("99-doubel")


def test_check_never_raises_outside_the_tests(registry, monkeypatch, capsys):
    monkeypatch.delenv(exercises.STRICT_ENV, raising=False)
    assert check("99-double", _double) is True
    assert check("99-double", lambda x: x) is False
    assert check("99-double", _crashes) is False
    assert check("no-such-id", _double) is False
    assert check("99-double", _not_done) is None
    out = capsys.readouterr().out          # no IPython shell here: the plain-text fallback
    assert out.count("✔") == 1 and out.count("✘") == 3 and "Not done yet" in out


def test_strict_mode_raises_on_failure_but_not_when_not_done(registry, monkeypatch):
    monkeypatch.setenv(exercises.STRICT_ENV, "1")
    with pytest.raises(AssertionError, match="99-double"):
        check("99-double", lambda x: x)
    with pytest.raises(AssertionError, match="No exercise"):
        check("99-dble", _double)
    assert check("99-double", _not_done) is None
    assert check("99-double", _double) is True


def test_html_display_in_ipython(registry, monkeypatch):
    shown = []
    import IPython
    import IPython.display
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append(obj))
    monkeypatch.delenv(exercises.STRICT_ENV, raising=False)
    check("99-double", lambda x: "<b>")
    (bundle,) = shown
    assert set(bundle) == {"text/html", "text/plain"}
    assert "✘" in bundle["text/html"] and "&lt;b&gt;" in bundle["text/html"]
    assert bundle["text/plain"].startswith("✘ [99-double]")


def test_registration_rules(registry):
    with pytest.raises(ValueError, match="already registered"):
        exercises.exercise("99-double")(lambda answer: None)
    for bad in ("1-x", "01_sigmoid", "01-Sigmoid", "01-", "sigmoid"):
        with pytest.raises(ValueError, match="must look like"):
            exercises.exercise(bad)
    assert exercises.ids() == ["99-double"] and exercises.ids("99") == ["99-double"]
    assert exercises.get("99-double").title == "Double a number."


def test_helpers():
    exercises.expect_close([1.0, 2.0], np.array([1.0, 2.0 + 1e-9]), "v")
    with pytest.raises(CheckFailed, match=r"v: expected shape \(2,\), got \(3,\)"):
        exercises.expect_close([1, 2, 3], [1, 2], "v")
    with pytest.raises(CheckFailed, match="non-finite"):
        exercises.expect_close([np.nan], [1.0], "v")
    with pytest.raises(CheckFailed, match="expected a number or array, got str"):
        exercises.expect_close("one", 1.0, "v")
    with pytest.raises(CheckFailed, match="expected 3, got 4. hint"):
        exercises.expect_equal(4, 3, "n", "hint")
    exercises.expect_equal(np.arange(3), np.arange(3), "a")
    with pytest.raises(CheckFailed, match="expected shape"):
        exercises.expect_shape(np.zeros((2, 3)), (3, 2), "W")
    with pytest.raises(CheckFailed, match="custom"):
        exercises.expect(False, "custom")
    with pytest.raises(NotImplementedError):
        exercises.call(_not_done, 1)


# ---------------------------------------------------------------- chapter 00

def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_00_neuron():
    assert run_check("00-neuron", lambda x, w, b: _sigmoid(w * np.asarray(x) + b)).passed is True
    mistakes = {
        "returned w·x + b itself": lambda x, w, b: w * np.asarray(x) + b,
        "σ(w·(x + b))": lambda x, w, b: _sigmoid(w * (np.asarray(x) + b)),
        "expected": lambda x, w, b: _sigmoid(-(w * np.asarray(x) + b)),      # sign of the exponent
        "raised TypeError": lambda x, w, b: _sigmoid(w * list(x) + b),
    }
    for hint, answer in mistakes.items():
        outcome = run_check("00-neuron", answer)
        assert outcome.passed is False and hint in outcome.message, (hint, outcome.message)


def test_00_accuracy():
    def right(scores, labels):
        return np.mean(np.argmax(scores, axis=1) == labels)

    assert run_check("00-accuracy", right).passed is True
    mistakes = {
        "wrong axis": lambda s, t: np.mean(np.argmax(s, axis=0) == t),
        "percentage": lambda s, t: 100 * right(s, t),
        "number of correct rows": lambda s, t: np.sum(np.argmax(s, axis=1) == t),
        "expected 0.5, got 1": lambda s, t: 1 - 0 * right(s, t),             # constant 1.0
    }
    for hint, answer in mistakes.items():
        outcome = run_check("00-accuracy", answer)
        assert outcome.passed is False and hint in outcome.message, (hint, outcome.message)


# ---------------------------------------------------------------- grading mode

@pytest.fixture
def grading_off(monkeypatch):
    monkeypatch.delenv("COURSE_GRADING", raising=False)
    monkeypatch.delenv("COURSE_STRICT_CHECKS", raising=False)
    yield
    exercises.set_grading(None)


def test_grading_mode_fails_what_is_not_done_and_what_is_wrong(registry, grading_off, capsys):
    assert check("99-double", _not_done) is None                 # a student: friendly, no raise
    assert "Not done yet" in capsys.readouterr().out
    exercises.set_grading(True)
    with pytest.raises(exercises.ExerciseNotDone, match="99-double.*not done"):
        check("99-double", _not_done)
    assert "Not done yet" in capsys.readouterr().out              # the box is still shown
    with pytest.raises(AssertionError, match="failed"):
        check("99-double", lambda x: x)
    assert check("99-double", _double) is True
    exercises.set_grading(False)
    assert check("99-double", lambda x: x) is False


def test_grading_mode_from_the_environment(registry, grading_off, monkeypatch):
    monkeypatch.setenv("COURSE_GRADING", "1")
    assert exercises.grading()
    with pytest.raises(exercises.ExerciseNotDone):
        check("99-double", None)
    exercises.set_grading(False)                                  # the call wins over the variable
    assert check("99-double", None) is None
    with pytest.raises(TypeError, match="set_grading"):
        exercises.set_grading("yes")


def _contrast(a, b):
    def lum(h):
        c = [int(h[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("passed", [True, False, None])
def test_feedback_box_sets_its_own_colours_readable_in_any_theme(passed):
    """Text colour and background both set (the theme's text colour on the pale box would be
    unreadable in a dark theme), each pair at least 4.5:1. The browser test measures it in
    JupyterLab's dark theme."""
    import re
    box = exercises.format_html(exercises.Outcome("99-double", passed, "a hint"))
    div = re.match(r'<div [^>]*style="([^"]*)"', box).group(1)
    background = re.search(r"background:(#[0-9a-fA-F]{6})", div).group(1)
    text = re.search(r"(?:^|;)color:(#[0-9a-fA-F]{6})", div).group(1)
    mark = re.search(r'<b style="color:(#[0-9a-fA-F]{6})"', box).group(1)
    assert _contrast(text, background) >= 4.5 and _contrast(mark, background) >= 4.5



# ---------------------------------------------------------------- every check, every wrong kind

def _raises(*args, **kwargs):
    raise ZeroDivisionError("division by zero")


# kind -> (an answer of that kind, words its hint must contain)
WRONG_KINDS = {
    "forgotten return": (lambda *a, **k: None, ["returned None", "`return"]),
    "returns a string": (lambda *a, **k: "0.5", ["returned a string", "not text"]),
    "returns NaN": (lambda *a, **k: np.nan, ["returned NaN", "0/0"]),
    "returns inf": (lambda *a, **k: np.inf, ["returned inf", "overflow"]),
    "raises": (_raises, ["raised ZeroDivisionError", "by hand"]),
    "wrong shape": (lambda *a, **k: np.zeros((3, 7, 2)), ["shape"]),
    "a string, not a function": ("my_function", ["the string 'my_function', not a function", "without quotes"]),
    "a number, not a function": (0.5, ["the number 0.5, not a function", "without calling it"]),
    "an array, not a function": (np.array([0.1, 0.2]), ["an array of shape (2,), not a function",
                                                       "without calling it"]),
}


def _as_answer(exercise_id, value):
    # 06-dropout takes a pair of functions (forward, backward); every other check one function
    return (value, value) if exercise_id == "06-dropout" and callable(value) else value


@pytest.mark.parametrize("kind", list(WRONG_KINDS))
@pytest.mark.parametrize("exercise_id", exercises.ids())
def test_every_check_answers_every_wrong_kind_with_a_hint_about_it(exercise_id, kind):
    value, words = WRONG_KINDS[kind]
    if kind == "returns a string" and exercises.get(exercise_id).returns_text:
        words = ["0.5"]       # a name is the right kind here (a diagnosis): the check judges the name itself
    with np.errstate(all="ignore"):
        outcome = run_check(exercise_id, _as_answer(exercise_id, value))
    assert outcome.passed is False, outcome
    if kind == "returns a string" and exercises.get(exercise_id).returns_text:
        assert "not text" not in outcome.message, outcome.message
    missing = [w for w in words if w not in outcome.message]
    assert not missing, f"{exercise_id}, {kind}: no {missing} in: {outcome.message}"


def test_a_right_number_returned_as_text_still_fails(registry):
    outcome = run_check("99-double", lambda x: str(2 * x))
    assert outcome.passed is False and "returned a string" in outcome.message


def test_a_pair_holding_a_name_is_not_a_wrong_kind(registry):
    @exercises.exercise("99-pair")
    def _check_pair(f):
        """Return ('adam', 3)."""
        exercises.expect_equal(exercises.call(f), ("adam", 3), "f()")
    assert run_check("99-pair", lambda: ("adam", 3)).passed is True


# ---------------------------------------------------------------- the checkers speak Korean

def _stable_sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    return np.exp(-np.logaddexp(0.0, -x))


def _clip(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))
    return {k: g * min(1.0, max_norm / norm) for k, g in grads.items()}


def _layers_to_vanish(fraction, factor=0.25):
    if not 0 < fraction <= 1:
        raise ValueError("fraction must be in (0, 1]")
    k = 0
    while factor ** k > fraction:
        k += 1
    return k


def _adam(W, m, v, g, t, lr, beta1, beta2, eps, eps_inside=False):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    root = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
    return W - lr * m_hat / root, m, v


def _first_to_reach(race, offset=0):
    from course_lib import surfaces
    reached = {}
    for name, kwargs in race["optimizers"].items():
        path = surfaces.trajectory(name, race["surface"], steps=race["steps"], opt_kwargs=kwargs)
        step = surfaces.steps_to_reach(path, race["surface"], tol=race["tol"])
        reached[name] = None if step is None else step + offset
    done = {k: s for k, s in reached.items() if s is not None}
    return (min(done, key=done.get) if done else None), reached


def _batchnorm(x, gamma, beta, eps=1e-5, ddof=0):
    return gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0, ddof=ddof) + eps) + beta


def _weight_decay(loss, grads, params, lam, half=0.5):
    penalty = half * lam * sum(np.sum(w ** 2) for k, w in params.items() if k.startswith("W"))
    return loss + penalty, {k: g + lam * params[k] if k.startswith("W") else g for k, g in grads.items()}


def _dropout_forward(x, p, rng, scale=True):
    mask = (rng.random(x.shape) >= p).astype(np.float64)
    return x * mask / (1 - p if scale else 1.0), mask


def _dropout_backward(dy, mask, p):
    return dy * mask / (1 - p)


def _last_hidden_std(init, layer=-1):
    stats, _scores = exercises.ch03_weight_initialization._stall_reference(init)
    return stats[layer]["act_std"]


def _pick_best(trials, key="val_acc"):
    return int(np.nanargmax([t[key] for t in trials]))


# id -> (a right answer, a wrong answer, words of the English hint for the wrong one)
KOREAN_CASES = {
    "00-neuron": (lambda x, w, b: _stable_sigmoid(w * np.asarray(x) + b),
                  lambda x, w, b: w * np.asarray(x) + b, "returned w·x + b itself"),
    "00-accuracy": (lambda s, t: np.mean(np.argmax(s, axis=1) == t),
                    lambda s, t: 100 * np.mean(np.argmax(s, axis=1) == t), "percentage"),
    "01-sigmoid-derivative": (lambda x: _stable_sigmoid(x) * (1 - _stable_sigmoid(x)), _stable_sigmoid,
                              "σ(x) itself"),
    "01-max-gradient-factor": (lambda k: 0.25 ** k, lambda k: 0.5 ** k, "0.5^1"),
    "01-clip-by-global-norm": (_clip, lambda grads, c: {k: np.clip(g, -c, c) for k, g in grads.items()},
                               "np.clip"),
    "01-layers-to-vanish": (_layers_to_vanish, lambda f: _layers_to_vanish(f, 0.5), "a factor ½ per layer"),
    "02-elu": (lambda x, alpha: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))),
               lambda x, alpha: np.where(x > 0, x, alpha * np.exp(np.minimum(x, 0))), "the −1 is missing"),
    "02-elu-derivative": (lambda x, alpha: np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0))),
                          lambda x, alpha: np.where(x > 0, 1.0, 0.0), "ReLU's derivative"),
    "02-leaky-relu": (lambda x, alpha: np.where(x > 0, x, alpha * x),
                      lambda x, alpha: np.maximum(alpha * x, x), "max(αx, x)"),
    "03-he-std": (lambda i, o: np.sqrt(2 / i), lambda i, o: 2 / np.sqrt(i), "erratum"),
    "03-glorot-std": (lambda i, o: np.sqrt(2 / (i + o)), lambda i, o: np.sqrt(3 / (i + o)), "erratum"),
    "03-why-stall": (_last_hidden_std, lambda init: _last_hidden_std(init, 0), "FIRST hidden layer"),
    "04-momentum": (lambda W, v, g, lr, alpha: (W + (alpha * v - lr * g), alpha * v - lr * g),
                    lambda W, v, g, lr, alpha: (W - lr * g, v), "plain SGD"),
    "04-adam-step": (_adam, lambda *a, **k: _adam(*a, **k, eps_inside=True), "ε is inside the square root"),
    "04-first-to-reach": (_first_to_reach, lambda race: _first_to_reach(race, 1), "counted from 1"),
    "05-batchnorm-forward": (_batchnorm, lambda x, g, b, eps=1e-5: _batchnorm(x, g, b, eps, ddof=1),
                             "unbiased variance"),
    "05-running-mean": (lambda r, b, momentum: momentum * r + (1 - momentum) * b,
                        lambda r, b, momentum: (1 - momentum) * r + momentum * b, "swapped"),
    "06-weight-decay": (_weight_decay, lambda *a: _weight_decay(*a, half=1.0), "without the ½"),
    "06-dropout": ((_dropout_forward, _dropout_backward),
                   (lambda x, p, rng: _dropout_forward(x, p, rng, scale=False), _dropout_backward),
                   "the scaling 1/(1 − p) is missing"),
    "07-log-uniform": (lambda lo, hi, n, rng: 10 ** rng.uniform(np.log10(lo), np.log10(hi), n),
                       lambda lo, hi, n, rng: rng.uniform(lo, hi, n), "linear scale"),
    "07-pick-best": (_pick_best, lambda trials: _pick_best(trials, "test_acc"), "best TEST accuracy"),
}

_HANGUL = re.compile("[\uac00-\ud7a3]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[-+]?\d+)?")


@pytest.fixture
def korean(monkeypatch):
    """Korean for the test, English again afterwards (whatever COURSE_LANG says)."""
    from course_lib import i18n
    monkeypatch.delenv(i18n.ENV, raising=False)
    i18n.set_language("ko")
    yield i18n
    i18n.set_language("en")
    i18n._chosen = None


def test_every_check_of_chapters_00_to_07_has_a_korean_case():
    assert set(KOREAN_CASES) == {i for i in exercises.ids() if i[:2] <= "07"}


@pytest.mark.parametrize("exercise_id", sorted(KOREAN_CASES))
def test_every_check_speaks_korean_and_keeps_its_numbers(exercise_id, korean):
    right, wrong, english_words = KOREAN_CASES[exercise_id]
    for answer, passed in ((right, True), (wrong, False)):
        korean.set_language("en")
        with np.errstate(all="ignore"):
            english = run_check(exercise_id, answer)
        english_shape_hint = exercises._framework._SHAPE_HINT in english.message
        korean.set_language("ko")
        with np.errstate(all="ignore"):
            hangul = run_check(exercise_id, answer)
        korean_shape_hint = korean.gettext(exercises._framework._SHAPE_HINT) in hangul.message
        assert english.passed is passed and hangul.passed is passed, (english, hangul)
        assert not _HANGUL.search(english.message), english.message
        if not passed:
            assert english_words in english.message, english.message
        assert _HANGUL.search(hangul.message), hangul.message               # Korean ...
        assert sorted(_NUMBER.findall(hangul.message)) == sorted(_NUMBER.findall(english.message)), \
            (english.message, hangul.message)                               # ... with the same numbers
        assert korean_shape_hint == english_shape_hint, hangul.message     # and the same "wrong shape" hint
