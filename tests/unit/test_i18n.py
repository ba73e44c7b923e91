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
