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
    "08_training_clinic": ["initial", "overfit", "worst_error", "ratios", "rt", "healthy", "mystery"],
    # not diverged_message: TrainingDiverged speaks Korean in the Korean edition
    "01_vanishing_gradients": ["grad_norms", "ratio", "sigma_prime_max", "sigma_prime_argmax", "sigma_prime_at_5",
                               "bound", "largest", "median", "product_bound_holds", "shrink_per_layer",
                               "explode_ratio", "diverged_step", "clipped_final_loss", "clipped_test_acc",
                               "largest_raw_norm", "diverged_grad_norms", "first_raw_norm", "smallest_raw_norm",
                               "mean_slope", "weights_factor", "z_std", "cosine", "skip_norms", "skip_ratio",
                               "skip_gain"],
    # not cost_us, relu_vs_gelu: timings differ from run to run
    "02_activation_functions": ["names", "slopes", "bent_checks", "acc_small_lr", "acc_large_lr", "dead_small_lr",
                                "dead_large_lr", "accuracy_at_lr_01", "prelu_alpha", "selu_stats", "gelu_max_error",
                                "gelu_error_at", "gelu_errors", "gap_error", "misplaced_slopes", "dead_unit_gradient",
                                "raw_back", "same_sign", "path_ratio", "layer_mean", "tanh_identity_error"],
    "04_optimizers": ["dlfs_stats", "momentum_forms_diff", "adagrad_forms_diff", "adam_eps_diff", "no_eps",
                      "with_eps", "nine_final", "lam", "threshold", "etas", "ill_final", "rosen_reach",
                      "rosen_final", "saddle_stats", "E", "E_lib", "mb_loss_at_40", "noise_slope", "STEPS",
                      "FULL_RUN", "test_acc", "sched_loss", "sched_acc", "RACE", "rosen_lam_start", "b1",
                      "at_2000", "range_test", "tuned_acc", "decay", "train_loss_end", "crossing", "ranking"],
    # chapter 05 without what holds timings (grid_seconds, ms_per_step, step_cost, and the history bn_fast
    # with its "time" per step), which differ from run to run
    "05_batch_normalization": ["FULL_RUN", "PICTURE_STD", "pre_std", "normalized_stats", "identity_error",
                               "grad_errors", "net_grad_errors", "bias_grad_before_bn", "worst_grad_error",
                               "steps_to_95", "step_gain", "loss_jump", "early_loss", "grid", "learns",
                               "usable_decades", "mean_over_scales", "var_over_eps", "update_ratio",
                               "lr_sweep", "sweep_best", "blown", "final_train", "final_test", "bn_vs_plain",
                               "running_gap", "batch_sizes", "acc_random", "acc_by_class", "running_acc",
                               "fold_error", "fold_same", "placement", "placement_diff", "ln_grad_error",
                               "norm_test", "ln_alone_error"],
    "06_regularization": ["final", "gap_plain", "test_at", "gaps", "tests", "vals", "loss_check", "formula_error",
                          "weight_std", "zeros", "tiny", "l1_val", "val_final", "chosen", "chosen_test", "lead",
                          "ahead_from", "fast_test", "mc_error", "single_error", "stop_epoch", "best_epoch",
                          "loss_best_epoch", "loss_rise", "es_test", "val_cost", "maxnorm_test", "mnist_largest",
                          "moons_scores"],
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
    "08_training_clinic": ["300 스텝 뒤 검증 정확도: 건강한 실행", "이미지 50장 과대적합 (Adam, 전체 배치 150 스텝): 훈련 정확도 ",
                           "— 역전파가 중심 차분과 일치합니다", "스텝 300 · 손실 ", "사례 A: “손실이 약 2.3에서 시작하더니",
                           "✔ [08-case-a-cause] 사례 A: “너무 큰 학습률” — 맞습니다.",
                           "✔ [08-case-j-fix] 사례 J: 300 스텝 뒤 여러분의 설정은", "탐색기: 훈련 모니터: 손실, 정확도, 층별 통계"],
    "01_vanishing_gradients": ["sigmoid  첫 번째 층이 받는 기울기는 마지막 층의", "손실 300개가 모두 유한: True",
                               "보여야 할 것: 값 기준 클리핑은 스텝의 방향을 바꾸었고",
                               "노름 기준 클리핑은 방향을 유지했습니다", "TrainingDiverged: 학습률 0.1",
                               "✔ [01-sigmoid-derivative]", "✔ [01-clip-by-global-norm]", "탐색기: "],
    "02_activation_functions": ["20 개의 활성화 함수: identity", "평행 이동이 아닙니다", "tanh가 영점 중심인 쪽입니다",
                                "ReLU 시험 정확도: 학습률 0.001 →", "왼쪽에 기울기가 있는 활성화 함수는 모두 ReLU(",
                                "α가 약 0이나 그 아래로 무너진 것입니다", "✔ [02-leaky-relu]", "탐색기: "],
    "04_optimizers": ["모멘텀, 두 표기법, 100스텝: 두 경로의 최대 차이", "조건수 25, 2/λ_max = 0.080",
                      "SGD의 η = 0.002는 출발점의 국소 한계보다 큽니다", "적응적 방법 6개 중",
                      "개가 일정한 η보다 낮게 끝납니다", "AdamW의 조용한 가중치는 정확히 이 비율로 줄어듭니다",
                      "스텝째에 y의 유효 η가 x의 유효 η를 넘어섭니다", "✔ [04-first-to-reach]"],
    "05_batch_normalization": ["BN이 없으면 σ가 층마다 약", "float32 반올림 오차 안에서 z가 그대로 돌아옵니다",
                               "역전파가 올바르다는 기준인 1e-6보다 훨씬 작습니다.",
                               "추론 모드(이동 평균)는 이미지 한 장도 처리합니다: 예측",
                               "클래스별로 정렬한 배치는 예제 128개까지",
                               "층 정규화 신경망과 중심 차분의 비교: 가장 큰 상대 오차"],
    "06_regularization": ["훈련 정확도 1.000: 훈련 점을 모두 맞힙니다.", "이 격차가 과대적합입니다.",
                          "편향 기울기는 그대로:", "마스크에 걸친 y의 평균 :", "의심스러운 이미지는 사람에게 넘기세요.",
                          "훈련은 200 에폭 중 에폭"],
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
