"""Chapter 08, the training clinic: every case fails as its complaint says and for its hidden
reason (the reference fix, which removes only that reason, reaches the target; the unfixed setup
does not), every diagnosis check passes the right cause and answers each wrong one with a hint,
the causes are not readable from a case, the explorer draws, and the executed notebook's key
numbers and sentences hold."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import clinic, widgets  # noqa: E402
from course_lib.experiments import ch08_training_clinic as experiment  # noqa: E402
from course_lib.exercises import run_check  # noqa: E402
from claims import stale_quotes, unchecked  # noqa: E402
from clinic_answers import ANSWERS  # noqa: E402
from notebook_run import NOTEBOOKS, run_notebook  # noqa: E402

CHAPTER = NOTEBOOKS / "solutions" / "08_training_clinic.ipynb"
LN10 = float(np.log(10))



def _reference_fix(name):
    """The change that removes exactly the case's cause (and nothing else)."""
    if name == "D":
        (x, t), _ = clinic.case("D").data()
        return {"train_data": (x, np.roll(t, -1))}
    return {"A": {"lr": 0.1}, "B": {"n_train": 6000}, "C": {"init": "he_normal"}, "E": {"weight_decay": 1e-4},
            "F": {"lr": 0.1}, "G": {"activation": "relu", "init": "he_normal", "lr": 0.1},
            "H": {"eval_mode": "inference"}, "I": {"lr_peak": None},
            "J": {"preprocess": lambda x: x / 255.0}}[name]


def test_at_least_eight_cases_one_cause_each():
    assert len(clinic.names()) >= 8 and set(ANSWERS) == set(clinic.names())
    assert set(ANSWERS.values()) == set(clinic.CAUSES)                  # every cause is some case's


# ---------------------------------------------------------------- (a) each case fails, for its reason

@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_unfixed_fails_and_reference_fix_reaches_the_target(name):
    case = clinic.case(name)
    passed, acc, message = clinic.check_fix(name, {})
    assert not passed and not acc >= case.target, message
    passed, acc, message = clinic.check_fix(name, _reference_fix(name))
    assert passed and acc >= case.target, message
    assert f"after {case.setup['steps']} steps" in message


@pytest.fixture(scope="module")
def runs():
    return {name: clinic.case(name).run() for name in ANSWERS} | {"healthy": clinic.healthy().run()}


def _dead_at(run, step):
    return run["layers"]["dead"][list(run["step"]).index(step)]


def test_case_a_the_step_is_too_large(runs):
    r = runs["A"]
    assert abs(r["initial_loss"] - LN10) < 0.2                         # "starts at about 2.3"
    assert np.nanmax(r["loss"][:10]) > 1e3 * r["loss"][0]               # "shoots up by orders of magnitude"
    assert np.nanmin(r["layers"]["update_ratio"][1]) > 1e-1            # after step 1: far above 1e-3


def test_case_b_overfits_sixty_images(runs):
    r = runs["B"]
    assert clinic.case("B").setup["n_train"] == 60
    assert r["train_acc"][-1] == 1.0 and r["val_acc"][-1] < 0.75       # "100 %, validation far below"
    assert r["loss"][-10:].mean() < 0.05


def test_case_c_std_001_collapses_the_signal(runs):
    r, h = runs["C"], runs["healthy"]
    assert abs(r["val_acc"][-1] - 0.1) < 0.04 and abs(r["loss"][-25:].mean() - LN10) < 0.02   # chance, 2.30
    std0 = r["layers"]["act_std"][0]
    assert np.all(np.diff(std0) < 0) and std0[-1] < 1e-4               # shrinking layer by layer at step 0
    assert np.nanmax(r["layers"]["update_ratio"][0]) < 1e-4
    assert experiment.sanity("C")["overfit_after"] < 1.0


def test_case_d_learns_by_heart_but_not_the_digits(runs):
    r = runs["D"]
    (x, t), (xv, tv) = clinic.case("D").data()
    truth = clinic._mnist()[1][:len(t)]
    assert np.array_equal(t, np.roll(truth, 1)) and np.array_equal(tv, clinic._mnist()[1][6000:7000])
    assert experiment.sanity("D")["overfit_after"] == 1.0              # the model and gradients work
    assert r["loss"].min() > 2.0 and r["loss"][-25:].mean() > 2.2 and r["val_acc"].max() < 0.25


def test_case_e_weight_decay_stalls_at_a_mediocre_level(runs):
    r, h = runs["E"], runs["healthy"]
    assert 0.3 < r["val_acc"][-1] < 0.8 and r["val_acc"][-1] < h["val_acc"][-1] - 0.2
    assert r["loss"][-25:].mean() > 2.0                                 # "the loss stays high"
    assert r["layers"]["act_std"][-1, -1] < 0.5 * h["layers"]["act_std"][-1, -1]


def test_case_f_crawls(runs):
    r = runs["F"]
    assert r["val_acc"][-1] < 0.6 and r["val_acc"][-1] > r["val_acc"][0] + 0.1   # learns, far from 90 %
    assert np.nanmax(r["layers"]["update_ratio"][1:]) < 1e-3
    assert np.nanmax(r["layers"]["dead"]) < 0.05


def test_case_g_gradients_vanish_towards_the_input(runs):
    r = runs["G"]
    g = r["layers"]["grad_norm"]
    assert np.all(g[:, 0] / g[:, -1] < 1e-2)                           # orders of magnitude, at every record
    assert abs(r["loss"][100:300].mean() - LN10) < 0.05                 # "barely moves from 2.30"


def test_case_h_the_measurement_not_the_model(runs):
    r, h = runs["H"], runs["healthy"]
    assert r["loss"][-25:].mean() < 0.3                                 # the training loss falls nicely
    assert r["val_acc"][-1] < 0.6 and h["val_acc"][-1] > 0.9
    passed, acc, _ = clinic.check_fix("H", {"eval_batch_size": 2})      # still training mode: still poor
    assert not passed


def test_case_i_units_die_at_the_peak(runs):
    r = runs["I"]
    assert not r["diverged"] and np.isfinite(r["loss"]).all()
    assert r["val_acc"][list(r["step"]).index(100)] > 0.85 and r["val_acc"][-1] < 0.2   # fine, then collapses
    assert _dead_at(r, 100).max() < 0.1 and _dead_at(r, 300)[0] > 0.8
    passed, _, _ = clinic.check_fix("I", {"lr_peak": (100, 5, 0.3)})   # a tenth of the peak: no harm
    assert passed


def test_case_j_unscaled_pixels(runs):
    r = runs["J"]
    (x, _), _ = clinic.case("J").data()
    assert x.max() == 255.0 and r["initial_loss"] > 20 * LN10          # "starts far above 2.3"
    assert abs(r["val_acc"][-1] - 0.1) < 0.04                           # "sticks near 10 %"


def test_sanity_line_wording_follows_its_numbers():
    healthy, j, c = (experiment.sanity_line(n) for n in ("healthy", "J", "C"))
    assert "(near ln 10 = 2.303)" in healthy and "inputs in [0, 1]" in healthy and "→ 100% (passes)" in healthy
    assert "(far from ln 10 = 2.303)" in j and "inputs in [0, 255]" in j
    assert "(fails)" in c and experiment.sanity("C")["overfit_after"] < 1.0


# ---------------------------------------------------------------- (b) the checks

@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_diagnosis_passes_the_right_cause_and_hints_at_each_wrong_one(name):
    right = ANSWERS[name]
    assert clinic.check_diagnosis(name, right)[0] is True
    assert clinic.check_diagnosis(name, right.upper())[0] is True     # case and spacing do not matter
    assert run_check(f"08-case-{name.lower()}-cause", lambda: right).passed is True
    for wrong in clinic.CAUSES:
        if wrong == right:
            continue
        passed, hint = clinic.check_diagnosis(name, wrong)
        assert passed is False and "Look at" in hint and f"“{wrong}”" in hint
        assert right not in hint, (wrong, hint)                          # never the answer
        outcome = run_check(f"08-case-{name.lower()}-cause", lambda: wrong)
        assert outcome.passed is False and outcome.message == hint


def test_exercise_checks_not_done_wrong_types_and_unknown_causes():
    assert run_check("08-case-a-cause", lambda: (_ for _ in ()).throw(NotImplementedError)).passed is None
    assert run_check("08-case-a-fix", lambda: (_ for _ in ()).throw(NotImplementedError)).passed is None
    bad = run_check("08-case-a-cause", lambda: "bad luck")
    assert bad.passed is False and "choose one of clinic.CAUSES" in bad.message
    assert "return one of clinic.CAUSES" in run_check("08-case-a-cause", lambda: 3).message
    assert "return a dict" in run_check("08-case-a-fix", lambda: 0.1).message
    assert "no changes" in run_check("08-case-a-fix", lambda: {}).message
    assert "a fix may change" in run_check("08-case-a-fix", lambda: {"learning_rate": 0.1}).message
    assert "budget 300" in run_check("08-case-a-fix", lambda: {"steps": 1000}).message
    with pytest.raises(ValueError, match="the cases are A, B"):
        clinic.case("Z")


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_fix_check_fails_the_unfixed_configuration(name):
    outcome = run_check(f"08-case-{name.lower()}-fix", lambda: {"seed": 0})   # a change that changes nothing
    assert outcome.passed is False and f"the target is {100 * clinic.case(name).target:.0f} %" in outcome.message


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_printing_a_case_shows_the_setup_not_the_cause(name):
    case = clinic.case(name)
    shown = " ".join([repr(case), str(case), " ".join(dir(case)), str(dict(case.setup))]).lower()
    assert case.complaint.lower() in shown and "fix target" in shown
    for cause in clinic.CAUSES:
        assert cause.lower() not in shown
    assert ANSWERS[name] not in " ".join(clinic.__dict__.get("_ANSWERS", {}).values())   # hashes only


def test_the_student_notebook_names_no_cause():
    import nbformat
    student = nbformat.read(NOTEBOOKS / "08_training_clinic.ipynb", as_version=4)
    solution = nbformat.read(CHAPTER, as_version=4)
    text = "\n".join(c.source for c in student.cells)
    assert not [cause for cause in clinic.CAUSES if cause in text]
    assert all(cause in "\n".join(c.source for c in solution.cells) for cause in clinic.CAUSES)   # the test can see them


def test_korean_names_of_the_causes_pass_and_the_korean_student_notebook_names_none():
    import nbformat
    from course_lib import i18n
    try:
        i18n.set_language("ko")
        korean = {name: i18n._(cause) for name, cause in ANSWERS.items()}
        for name, cause in korean.items():
            assert cause != ANSWERS[name] and clinic.check_diagnosis(name, cause)[0] is True
            assert run_check(f"08-case-{name.lower()}-cause", lambda: cause).passed is True
        wrong = run_check("08-case-a-cause", lambda: korean["F"])
        assert wrong.passed is False and korean["A"] not in wrong.message and f"“{korean['F']}”" in wrong.message
    finally:
        i18n.set_language("en")
    text = "\n".join(c.source for c in nbformat.read(NOTEBOOKS / "ko" / "08_training_clinic.ipynb", as_version=4).cells)
    assert not [cause for cause in list(ANSWERS.values()) + list(korean.values()) if cause in text]
    solution = "\n".join(c.source for c in nbformat.read(NOTEBOOKS / "ko" / "solutions" / "08_training_clinic.ipynb",
                                                         as_version=4).cells)
    assert all(cause in solution for cause in ANSWERS.values())            # the Korean solutions return them


def test_bad_fix_settings_are_named():
    case = clinic.case("A")
    for changes, message in (({"n_train": 0}, "n_train must be an integer from 1 to 6000"),
                             ({"eval_mode": "eval"}, "eval_mode must be 'inference' or 'training'"),
                             ({"lr_peak": 3.0}, "lr_peak must be None or"),
                             ({"steps": 0}, "budget 300"),
                             ({"lr_rate": 0.1}, "a fix may change")):
        with pytest.raises(ValueError, match=message):
            case.configured(changes)
    with pytest.raises(TypeError, match="preprocess must be a function"):
        case.configured({"preprocess": 255})
    with pytest.raises(TypeError, match="a fix is a dict"):
        clinic.check_fix("A", 0.1)
    with pytest.raises(TypeError, match="one of clinic.CAUSES"):
        clinic.check_diagnosis("A", 3)


# ---------------------------------------------------------------- (c) the explorer

def test_monitor_explorer_redraws_without_leaking_figures():
    plt.close("all")
    box = widgets.monitor_explorer()
    assert set(box.controls) == {"run", "step"} and box.controls["step"].continuous_update is False
    box.controls["run"].value = "case I"
    box.controls["step"].value = 100
    assert box.output.draws == 3 and plt.get_fignums() == []


def test_up_to_cuts_the_record_at_a_step():
    run = clinic.case("I").run()
    cut = experiment.up_to(run, 100)
    assert cut["step"][-1] == 100 and len(cut["loss"]) == 100
    assert cut["layers"]["dead"].shape[0] == len(cut["step"])
    fig = widgets.plot_case_monitor("case I", 100)
    assert "step 100 ·" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="choose one of"):
        widgets.plot_case_monitor("case Z")


# ---------------------------------------------------------------- (d) the executed notebook

VARIABLES = ["initial", "overfit", "worst_error", "ratios", "rt", "healthy", "mystery"]


@pytest.fixture(scope="module")
def ch08():
    return run_notebook(CHAPTER, variables=VARIABLES)


def test_picture_healthy_learns_case_c_does_not(ch08):
    assert ch08["healthy"]["val_acc"][-1] > 0.9 and ch08["mystery"]["val_acc"][-1] < 0.15
    assert ch08["healthy"]["val_acc"][4] > 0.3                          # climbing after a few steps already


def test_sanity_checks(ch08):
    assert abs(ch08["initial"]["healthy"] - LN10) < 0.1
    assert [n for n, v in ch08["initial"].items() if abs(v - LN10) >= 0.3] == ["J"]
    assert ch08["overfit"]["after"] == 1.0 and ch08["worst_error"] < 1e-7


def test_update_ratios_sort_the_step_sizes(ch08):
    r = ch08["ratios"]                     # JSON keys: the learning rates as text
    assert 1e-4 <= r["0.1"] <= 1e-2 and r["0.001"] < 1e-4 and r["10.0"] > 1e-2


def test_range_test(ch08):
    rt = ch08["rt"]
    loss = np.array(rt["smoothed"])
    lowest = int(np.argmin(loss))
    assert loss[0] > loss[lowest] + 1.0 and loss[-1] > loss[lowest] + 1.0   # falls, lowest point, shoots up
    assert rt["suggested"] == pytest.approx(rt["lr_at_min"] / 10)         # a decade below
    assert rt["suggested"] < 0.1 < rt["lr_at_min"]                         # the setup's lr lies between


def test_healthy_monitor(ch08):
    h = ch08["healthy"]
    assert h["loss"][0] > 2.0 and np.mean(h["loss"][-25:]) < 0.4
    assert abs(h["train_acc"][-1] - h["val_acc"][-1]) < 0.03             # rise together
    g = np.array(h["layers"]["grad_norm"])
    assert np.all(g[:, 0] / g[:, 1] < 5) and np.all(g[:, 0] / g[:, 1] > 0.2)   # similar scales
    assert np.nanmax(np.array(h["layers"]["dead"])) < 0.1


QUOTED = {
    "the healthy curve climbs within the first hundred steps": "test_picture_healthy_learns_case_c_does_not",
    "case C's stays flat at chance level": "test_case_c_std_001_collapses_the_signal",
    "A healthy network starts at $\\ln 10$ because it knows nothing yet": "test_sanity_checks",
    "both checks pass on the healthy setup": "test_sanity_checks",
    "the loss falls from $\\ln 10$": "test_healthy_monitor",
    "hardly any unit is dead": "test_healthy_monitor",
    "the update:weight ratio sorts the three learning rates": "test_update_ratios_sort_the_step_sizes",
    "the loss stays flat while the rate is tiny": "test_range_test",
    "The printed suggestion sits a decade below that lowest point": "test_range_test",
    "initial loss ≈ ln 10 for ten classes": "test_sanity_checks",
    "overfit 50 images to 100 %": "test_sanity_checks",
}


def test_every_claim_is_printed_or_checked():
    assert not unchecked(CHAPTER, QUOTED) and not stale_quotes(CHAPTER, QUOTED)
    assert all(name in globals() for name in QUOTED.values())
