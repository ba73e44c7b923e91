"""Chapter 08's clinic in Korean: a diagnosis may be written as the Korean name of a cause (mapped
back to the English one, whose hash is stored), the hints and the printed case speak Korean without
ever naming the answer, and the explorer shows Korean labels over unchanged English values."""
import matplotlib

matplotlib.use("Agg")

import re  # noqa: E402

import pytest  # noqa: E402

from clinic_answers import ANSWERS  # noqa: E402
from course_lib import clinic, i18n, monitor  # noqa: E402
from course_lib.exercises import run_check  # noqa: E402
from course_lib.experiments import ch08_training_clinic as experiment  # noqa: E402


NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:e[+-][0-9]+)?")


@pytest.fixture(autouse=True)
def english_afterwards(monkeypatch):
    monkeypatch.delenv(i18n.ENV, raising=False)
    monkeypatch.setattr(i18n, "_chosen", None)
    yield
    i18n.set_language("en")
    i18n._chosen = None


def _korean(cause):
    i18n.set_language("ko")
    try:
        return i18n._(cause)
    finally:
        i18n.set_language("en")


def test_every_cause_has_its_own_korean_name():
    names = [_korean(c) for c in clinic.CAUSES]
    assert all(any("가" <= ch <= "힣" for ch in n) for n in names)
    assert len(set(names)) == len(names) and not set(names) & set(clinic.CAUSES)
    assert _korean("learning rate far too large") == "너무 큰 학습률"


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_the_korean_name_of_the_right_cause_passes_in_either_language(name, language):
    korean = _korean(ANSWERS[name])
    i18n.set_language(language)
    assert clinic.check_diagnosis(name, korean)[0] is True
    assert clinic.check_diagnosis(name, "  " + korean.replace(" ", "   ") + " ")[0] is True   # spacing folded
    assert run_check(f"08-case-{name.lower()}-cause", lambda: korean).passed is True


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_korean_hints_never_name_the_answer(name):
    right_en = ANSWERS[name]
    right_ko = _korean(right_en)
    i18n.set_language("ko")
    passed, message = clinic.check_diagnosis(name, right_en)      # English answers still pass in Korean
    assert passed and message == f"사례 {name}: “{right_ko}” — 맞습니다. 이제 고쳐 보세요."
    for wrong in clinic.CAUSES:
        if wrong == right_en:
            continue
        for written in (wrong, i18n._(wrong)):
            passed, hint = clinic.check_diagnosis(name, written)
            assert passed is False and f"“{i18n._(wrong)}”" in hint and "보세요" in hint
            assert right_en not in hint and right_ko not in hint, (written, hint)
            outcome = run_check(f"08-case-{name.lower()}-cause", lambda: written)
            assert outcome.passed is False and outcome.message == hint


def test_a_korean_case_shows_its_setup_in_korean_and_no_cause():
    i18n.set_language("ko")
    for name in clinic.names():
        shown = repr(clinic.case(name))
        assert shown.startswith(f"사례 {name}: “") and "수정 목표" in shown and "스텝" in shown
        for cause in clinic.CAUSES:
            assert cause not in shown and i18n._(cause) not in shown
    assert "3(으)로 올림" in repr(clinic.case("I")) and "훈련 모드, 한 번에 이미지 2장" in repr(clinic.case("H"))


def test_an_unknown_diagnosis_lists_the_english_and_korean_names():
    i18n.set_language("ko")
    outcome = run_check("08-case-a-cause", lambda: "운이 나빴음")
    assert outcome.passed is False and "원인 목록에 없는 진단입니다" in outcome.message
    assert "learning rate far too large — 너무 큰 학습률" in outcome.message
    with pytest.raises(TypeError, match="진단은 clinic.CAUSES 중 하나"):
        clinic.check_diagnosis("A", 3)


def test_korean_readout_and_sanity_line_carry_the_english_numbers():
    run = clinic.case("I").run()
    cut = experiment.up_to(run, 100)
    english, english_sanity = monitor.readout(cut), experiment.sanity_line("J", overfit_steps=5)
    i18n.set_language("ko")
    korean, korean_sanity = monitor.readout(cut), experiment.sanity_line("J", overfit_steps=5)
    assert english.startswith("step 100 · loss ") and korean.startswith("스텝 100 · 손실 ")
    assert NUMBER.findall(korean) == NUMBER.findall(english) and len(NUMBER.findall(english)) >= 7
    assert "(ln 10 = 2.303에서 멂)" in korean_sanity and "입력 범위 [0, 255]" in korean_sanity
    assert "(far from ln 10 = 2.303)" in english_sanity


def test_the_explorer_shows_korean_labels_over_english_values():
    from course_lib import widgets
    i18n.set_language("ko")
    box = widgets.monitor_explorer()
    run = box.controls["run"]
    assert run.options[0] == ("건강한 기준 실행", "healthy reference") and ("사례 I", "case I") in run.options
    assert run.value == "healthy reference" and run.label == "건강한 기준 실행"
    run.value = "case I"
    assert run.label == "사례 I" and box.output.draws == 2
    fig = widgets.plot_case_monitor("case I", 100)
    assert fig._suptitle.get_text().startswith("모니터: 사례 I\n스텝 100 · ")
    assert [ax.get_title() for ax in fig.axes][:2] == ["손실", "정확도"]
