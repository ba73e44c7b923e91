"""course_lib.i18n: English by default, Korean after set_language("ko") or with COURSE_LANG=ko."""
import numpy as np
import pytest

from course_lib import exercises, i18n, training


@pytest.fixture(autouse=True)
def english_afterwards(monkeypatch):
    monkeypatch.delenv(i18n.ENV, raising=False)
    monkeypatch.setattr(i18n, "_chosen", None)
    yield
    i18n.set_language("en")               # tells the listeners (plots' font) too
    i18n._chosen = None


def test_english_by_default_korean_after_set_language_and_back():
    assert i18n.language() == "en"
    assert i18n._("Correct.") == "Correct."
    assert i18n.set_language("ko") == "ko" and i18n.language() == "ko"
    assert i18n._("Correct.") == "정답입니다."
    assert i18n.set_language("en") == "en"
    assert i18n._("Correct.") == "Correct."


def test_region_codes_count_and_an_unknown_language_is_refused_by_name():
    assert i18n.set_language("ko_KR") == "ko"
    assert i18n.set_language("ko-KR") == "ko"
    with pytest.raises(ValueError, match=r"lang='fr' is not a language of the course.*'en', 'ko'"):
        i18n.set_language("fr")
    with pytest.raises(ValueError, match="lang=None"):
        i18n.set_language(None)


def test_the_environment_variable_chooses_until_set_language_is_called(monkeypatch):
    monkeypatch.setenv(i18n.ENV, "ko")
    assert i18n.language() == "ko" and i18n._("Correct.") == "정답입니다."
    i18n.set_language("en")
    assert i18n._("Correct.") == "Correct."
    monkeypatch.setattr(i18n, "_chosen", None)
    monkeypatch.setenv(i18n.ENV, "klingon")
    with pytest.raises(ValueError, match="COURSE_LANG"):
        i18n.language()


def test_unknown_messages_and_ngettext_fall_back_to_english():
    i18n.set_language("ko")
    assert i18n._("a message nobody translated") == "a message nobody translated"
    assert i18n.ngettext("one step", "{n} steps", 1) == "one step"
    assert i18n.ngettext("one step", "{n} steps", 3) == "{n} steps"
    assert i18n.N_("Correct.") == "Correct." and i18n.tr("Correct.") == "Correct."


def test_exercise_feedback_speaks_korean():
    wrong = lambda x, w, b: w * np.asarray(x, dtype=float) + b       # forgot the sigmoid
    english = exercises.run_check("00-neuron", wrong)
    i18n.set_language("ko")
    korean = exercises.run_check("00-neuron", wrong)
    assert english.passed is korean.passed is False
    assert "apply the sigmoid" in english.message
    assert "시그모이드 함수 σ를 적용하세요" in korean.message and "w=1.0, b=0.0" in korean.message
    assert exercises.run_check("00-neuron", None).message.startswith("아직 풀지 않았습니다")
    right = exercises.run_check("00-accuracy", lambda s, t: float(np.mean(np.argmax(s, 1) == t)))
    assert right.passed and "정확도" in right.message


def test_training_diverged_speaks_korean_with_the_same_numbers():
    class Opt:
        lr = 0.5
    args = (float("nan"), 7, 5, Opt(), {})
    english = str(training._diverged(*args))
    i18n.set_language("ko")
    korean = str(training._diverged(*args))
    assert english.startswith("the loss became nan at step 7 (epoch 2) with learning rate 0.5 (Opt)")
    assert "7번째 스텝(에폭 2)" in korean and "학습률 0.5 (Opt)" in korean and "그레이디언트 클리핑" in korean


# ---------------------------------------------------------------- explorers and messages of chapters 01-07

def _fake_trials(n=12):
    from course_lib import search
    trials = []
    for c in search.random_configs({"lr": (1e-6, 1e-2), "weight_decay": (1e-8, 1e-4)}, n, seed=0):
        curve = np.clip(np.linspace(0.1, 0.1 + 80 * c["lr"], 6), 0, 1)
        h = {"eval_step": np.arange(0, 24, 4), "val_acc": curve, "train_acc": curve + 0.05}
        trials.append({**c, "val_acc": float(curve[-1]), "train_acc": float(curve[-1] + 0.05), "history": h})
    return trials


EXPLORERS = {
    "01 gradient": lambda w: w.gradient_explorer(),
    "02 activation": lambda w: w.activation_explorer(),
    "03 init": lambda w: w.init_explorer(),
    "04 playground": lambda w: w.optimizer_playground(),
    "04 effective steps": lambda w: w.effective_step_explorer(),
    "05 batchnorm": lambda w: w.batchnorm_explorer(),
    "06 regularization": lambda w: w.regularization_explorer(),
    "07 search region": lambda w: w.search_region_explorer(_fake_trials()),
}


def _texts(box):
    """What a student reads on an explorer, and what its controls hand to the code."""
    import ipywidgets
    title, *_middle, last = box.children
    hint = last.value if isinstance(last, ipywidgets.HTML) else ""
    labels = {name: c.description for name, c in box.controls.items()}
    values = {name: c.value for name, c in box.controls.items()}
    options = {name: [o[1] if isinstance(o, tuple) else o for o in c.options]
               for name, c in box.controls.items() if hasattr(c, "options")}
    shown = {name: list(c._options_labels) for name, c in box.controls.items() if hasattr(c, "options")}
    fallback = box._repr_mimebundle_()[0]["text/plain"]
    return {"title": title.value, "hint": hint, "labels": labels, "values": values, "options": options,
            "shown": shown, "fallback": fallback}


@pytest.fixture(scope="module")
def explorer_texts():
    """Every explorer of chapters 01-07 built in English, then in Korean (their runs are cached)."""
    import matplotlib
    matplotlib.use("Agg")
    from course_lib import widgets
    out = {}
    try:
        for lang in ("en", "ko"):
            i18n.set_language(lang)
            out[lang] = {name: _texts(build(widgets)) for name, build in EXPLORERS.items()}
    finally:
        i18n.set_language("en")
        i18n._chosen = None
    return out


def _hangul(text):
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_every_explorer_is_built_in_korean_with_the_same_values(explorer_texts, name):
    en, ko = explorer_texts["en"][name], explorer_texts["ko"][name]
    assert _hangul(ko["title"]) and _hangul(ko["hint"]) and ko["title"] != en["title"]
    for control, label in ko["labels"].items():
        assert _hangul(label), f"{name}: the control {control!r} is labelled {label!r}"
    assert _hangul(ko["fallback"]) and ko["title"][3:-4] in ko["fallback"]    # where widgets cannot run
    assert ko["values"] == en["values"] and ko["options"] == en["options"]   # what the code looks up
    for text in (en["title"], en["hint"], en["fallback"], *en["labels"].values(),
                 *(s for shown in en["shown"].values() for s in shown)):
        assert not _hangul(text), f"{name}: English shows {text!r}"


def test_english_explorer_text_is_unchanged(explorer_texts):
    en = explorer_texts["en"]
    assert en["03 init"]["title"] == "<b>Activations of a deep net at initialisation (100 units a layer, 1000 inputs)</b>"
    assert en["01 gradient"]["labels"] == {"depth": "depth (weight layers)", "activation": "activation",
                                            "weight_scale": "weight scale g (std g/√n)"}
    assert en["03 init"]["shown"]["init"][:2] == ["std 1", "std 0.01"]


def test_the_init_menu_shows_korean_labels_for_the_english_keys(explorer_texts):
    from course_lib.experiments.ch03_weight_initialization import INIT_CHOICES
    ko = explorer_texts["ko"]["03 init"]
    assert ko["options"]["init"] == list(INIT_CHOICES) and ko["values"]["init"] == "std 1"
    assert ko["shown"]["init"][0] == "표준편차 1" and ko["shown"]["init"][5] == "✘ 노트에 적힌 He: 2/√n"
    assert ko["shown"]["activation"] == ["sigmoid", "tanh", "relu"]          # function names stay


def test_the_init_explorer_figure_title_speaks_korean():
    import matplotlib.pyplot as plt
    from course_lib import widgets
    i18n.set_language("ko")
    fig = widgets.plot_init_activations("sigmoid", "std 1", 5)
    titles = " ".join([fig._suptitle.get_text() if fig._suptitle else ""] + [ax.get_title() for ax in fig.axes])
    plt.close(fig)
    assert "표준편차 1" in titles and "5번째 층" in titles


def test_experiment_series_names_stay_english_keys_and_are_in_the_catalog():
    from course_lib.experiments import ch05_batch_normalization as ch05, ch06_regularization as ch06
    i18n.set_language("ko")
    assert list(ch05.NORMALIZATIONS) == ["BN", "LayerNorm"]                  # notebooks index by these
    assert [i18n._(k) for k in ("no BN", "plain", "with skips", "all weights 0.5")] == [
        "BN 없음", "스킵 연결 없음", "스킵 연결 있음", "모든 가중치 0.5"]
    assert ch06.moons_label(0.01, 0.3) == "L2 λ=0.01 + 드롭아웃 0.3"        # a title, translated when made
    assert ch06.moons_label() == "규제 없음"


def test_a_diverging_run_and_its_progress_bar_speak_korean():
    from course_lib import network, optimizers
    x = np.random.default_rng(0).normal(size=(20, 4)).astype(np.float32) * 1e3
    t = np.arange(20) % 2
    i18n.set_language("ko")
    with pytest.raises(training.TrainingDiverged) as err:
        training.train(network.MLP([4, 8, 2], seed=0), optimizers.get("sgd", lr=1e6), x, t, steps=50,
                       batch_size=10, progress=False)
    message = str(err.value)
    assert "학습률 1e+06 (SGD)" in message and "번째 스텝" in message and "the loss" not in message
    bar = training.progress_bar(total=3, desc=training.TrainSettings(steps=1).desc)
    try:
        assert bar.desc == "훈련"
    finally:
        bar.close()


def test_argument_errors_speak_korean_with_the_same_numbers():
    from course_lib import network, search
    i18n.set_language("ko")
    net = network.MLP([4, 3, 2], seed=0)
    with pytest.raises(ValueError, match=r"\(batch, 4\) 모양.*\(4,\)"):
        net.predict(np.zeros(4))
    with pytest.raises(ValueError, match=r"x_train에 유한하지 않은 값이 있습니다 — NaN 원소 1개: 행 2; 열 1\."):
        bad = np.zeros((5, 4))
        bad[2, 1] = np.nan
        training.train(net, "sgd", bad, np.zeros(5, int), steps=1, progress=False)
    with pytest.raises(ValueError, match="early_stopping에는 지켜볼 검증 데이터가 필요합니다"):
        training.train(net, "sgd", np.zeros((5, 4)), np.zeros(5, int), steps=1, early_stopping=2, progress=False)
    with pytest.raises(TypeError, match=r"batch_size에는 정수가 와야 하는데 100\.0이\(가\) 왔습니다: batch_size=100처럼 쓰세요 \(갱신마다"):
        training.TrainSettings(steps=1, batch_size=100.0)
    with pytest.raises(ValueError, match="시험 정확도로 고르면"):
        search.best_trial([{"val_acc": 0.5}], key="test_acc")
    i18n.set_language("en")
    with pytest.raises(TypeError, match=r"batch_size must be a whole number, got 100\.0: write batch_size=100 "
                                        r"\(rows per update, e\.g\. 100\)"):
        training.TrainSettings(steps=1, batch_size=100.0)


def test_experiment_errors_speak_korean_even_where_a_function_uses_a_throwaway_underscore():
    from course_lib.experiments import (ch02_activation_functions as ch02, ch03_weight_initialization as ch03,
                                        ch05_batch_normalization as ch05)
    i18n.set_language("ko")
    with pytest.raises(ValueError, match=r"알 수 없는 초기화 'std 2'입니다\. \['std 1', 'std 0\.01'"):
        ch03.init_weight_std("std 2")
    with pytest.raises(ValueError, match=r"steps는 양의 정수여야 하는데 0이\(가\) 왔습니다"):
        ch02.positive_input_path(True, steps=0)             # its loop variable is _
    with pytest.raises(ValueError, match=r"lrs는 양의 학습률이어야 합니다"):
        ch05.learning_rate_sweep(np.zeros((2, 784)), np.zeros(2, int), [-1.0])
    i18n.set_language("en")
    with pytest.raises(ValueError, match=r"^steps must be a positive integer, got 0$"):
        ch02.positive_input_path(True, steps=0)
