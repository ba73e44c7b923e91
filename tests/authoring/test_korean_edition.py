"""The Korean edition runs, speaks Korean and shows the English edition's numbers (same code,
same seeds)."""
import json
import os

import nbformat
import pytest
from nbclient import NotebookClient

import notebook_run
from course_lib.authoring import translate
from course_lib.authoring.build import kernel_manager
from notebook_run import NOTEBOOKS, run_notebook

#: Per translated chapter: the variables whose values both editions must share, and lines the
#: Korean run must show (printed text, exercise feedback, the explorer's caption).
KEY_NUMBERS = {
    "00_start_here": ["data_shapes", "pixel_range", "labels", "versions", "x", "y"],
    "03_weight_initialization": ["symmetry", "saturated_std1", "saturated_share", "slope_std1", "std_small",
                                 "last_std", "saturation", "acc_500", "final_acc", "final_loss",
                                 "most_common_share", "grad_ratio", "relu_runs", "linear_runs", "dlfs_ratio",
                                 "first_std", "relu_stds", "tanh_stds", "gains", "spread", "he20", "he20_seeds"],
    "07_hyperparameter_search": ["five_val", "winner", "shares", "FULL_SEARCH", "N_TRIALS", "EPOCHS", "round1",
                                 "round2", "space2", "best_per_round", "chosen", "retrained_val", "test_acc",
                                 "comparison", "with_ends", "decay", "per_step", "over_run", "folds", "seeds",
                                 "binomial", "test_acc_400", "rho"],
}
KOREAN_OUTPUT = {
    "00_start_here": ["course_lib 준비 완료", "픽셀 값의 범위 [0.0, 1.0]", "✔ [00-neuron] 여러분의 뉴런은",
                      "✔ [00-accuracy] 행마다 구한 argmax", "탐색기: 뉴런 하나"],
    "03_weight_initialization": ["두 유닛의 가중치 사이 최대 차이: W1 0.0, W2 0.0",
                                 "가중치가 편향 대신 대칭성을 깨 준 것입니다.",
                                 "std 0.01: 층별 활성화값의 표준편차:",
                                 "fan_in은 순방향 신호를 더 안정적으로 유지하고",
                                 "시험 데이터에서 가장 흔한 숫자의 비율: 0.1125",
                                 "MNIST 첫 층: 글로럿의 표준편차는 DLFS 'Xavier'의 1.33배입니다"],
    "07_hyperparameter_search": ["모델 100개 가운데 가장 좋아 보이는 모델의 측정값은 평균 0.893",
                                 "→ 승자는 어느 모델의 실제 실력보다도 9점 더 좋아 보입니다",
                                 "클래스별 검증 이미지 수:",
                                 "\"가중치 감소는 거의 중요하지 않았다\"는 것은",
                                 "다시 훈련한 탐색 신경망은 검증 점수를 정확히 재현합니다",
                                 "무작위 탐색은 문제 1000개 가운데 67%에서 중앙 그리드보다 좋은 설정을 찾았습니다"],
}


def _run_with_outputs(path, variables):
    """Execute path; (the variables as JSON values, every text output joined)."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(notebook_run._READ_CELL % (notebook_run._MARK, variables)))
    client = NotebookClient(nb, km=kernel_manager(), timeout=notebook_run.TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute(env={**os.environ, "COURSE_STRICT_CHECKS": "1"})
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", "") + output.get("data", {}).get("text/plain", ""))
    last = [line for line in texts[-1].splitlines() if line.startswith(notebook_run._MARK)]
    return json.loads(last[0][len(notebook_run._MARK):]), "\n".join(texts[:-1])


#: Keys whose values are wall-clock timings (a training history's "time"): they differ between any two runs.
TIMING_KEYS = {"time"}


def _comparable(value):
    """value without timing entries, NaN as the string "nan" (so a diverged trial equals itself)."""
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    if isinstance(value, float) and value != value:
        return "nan"
    return value


def test_comparable_drops_timings_only():
    run = {"lr": 0.1, "val_acc": float("nan"), "history": {"time": [0.1, 0.2], "val_acc": [0.5, 0.6]}}
    again = {"lr": 0.1, "val_acc": float("nan"), "history": {"time": [0.3, 0.4], "val_acc": [0.5, 0.6]}}
    assert _comparable(run) == _comparable(again)
    again["history"]["val_acc"][1] = 0.61
    assert _comparable(run) != _comparable(again)


def test_every_translated_chapter_has_key_numbers():
    assert set(KEY_NUMBERS) == set(KOREAN_OUTPUT) == set(translate.TRANSLATED)


@pytest.mark.parametrize("name", sorted(KEY_NUMBERS))
def test_korean_instructor_notebook_speaks_korean_with_the_english_numbers(name):
    english = run_notebook(NOTEBOOKS / "solutions" / f"{name}.ipynb", KEY_NUMBERS[name])
    korean, shown = _run_with_outputs(NOTEBOOKS / "ko" / "solutions" / f"{name}.ipynb", KEY_NUMBERS[name])
    assert _comparable(korean) == _comparable(english)      # chapter 07's trials carry training histories
    for line in KOREAN_OUTPUT[name]:
        assert line in shown, f"the Korean {name} does not show {line!r}"
    if name == "00_start_here":
        assert korean["data_shapes"]["x_train"] == [8000, 784] and korean["labels"] == list(range(10))
