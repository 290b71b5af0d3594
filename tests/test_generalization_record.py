"""Module 7's recorded generalization experiment: the record is what the code makes, and the verdicts follow from it."""
from __future__ import annotations

import copy

import numpy as np
import pytest

import claims
from optcourse.lesson import generalization

RECORD = generalization.load_record()
# Re-running one recorded run (one seed, one budget) on another machine may differ in the last bits of
# float arithmetic, so it must match within these: 2 of the 200 examples, and a thousandth of a loss.
ACCURACY_TOLERANCE = 0.01
LOSS_TOLERANCE = 1e-3


def test_the_record_was_made_with_the_current_settings_and_holds_every_run():
    assert RECORD["settings"] == {**generalization.SETTINGS, "test_size": 200}, "settings changed: run `make generalization-record`"
    made = {(r["optimizer"], r["learning_rate"], r["schedule"], r["epochs"], r["seed"]) for r in RECORD["runs"]}
    wanted = {(*job, seed) for job in generalization._jobs() for seed in generalization.SETTINGS["seeds"]}
    assert made == wanted
    constant = [r for r in RECORD["runs"] if r["schedule"] == "constant"]
    assert all(len(r["per_epoch"]["val_accuracy"]) == max(generalization.SETTINGS["budgets"]) for r in constant)


def test_every_run_keeps_which_test_examples_it_got_right_wherever_a_budget_stops_it():
    """The flags agree with the recorded test accuracy at that epoch, for every run and every budget."""
    size = RECORD["settings"]["test_size"]
    for run in RECORD["runs"]:
        if run["schedule"] == "cosine":
            wanted = {run["epochs"]: run["test_accuracy"]}
        else:
            val, test = run["per_epoch"]["val_accuracy"], run["per_epoch"]["test_accuracy"]
            early = {int(np.argmax(val[:budget])) + 1 for budget in RECORD["settings"]["budgets"]}   # first best epoch
            wanted = {epoch: test[epoch - 1] for epoch in early | set(RECORD["settings"]["budgets"])}
        assert set(run["test_correct"]) == {str(epoch) for epoch in wanted}, run["seed"]
        for epoch, accuracy in wanted.items():
            flags = generalization.decode_correct(run["test_correct"][str(epoch)], size)
            assert flags.shape == (size,) and flags.sum() == round(accuracy * size), (run["optimizer"], run["seed"], epoch)


def test_flags_survive_encoding_and_stay_short():
    flags = np.array([True, False, False, True, True] * 40)
    text = generalization.encode_correct(flags)
    assert len(text) == 36     # 200 flags -> 25 bytes -> 36 base64 characters
    assert generalization.decode_correct(text, 200).tolist() == flags.tolist()


@pytest.mark.tensorflow
def test_one_recorded_run_is_reproduced():
    tf = generalization.keras_bridge.import_tensorflow()
    tf.config.experimental.enable_op_determinism()
    name, learning_rate, schedule, epochs, seed = "Adam", 0.003, "cosine", 20, 3
    (rerun,) = generalization.train_group(generalization.three_way_split(), name, learning_rate, schedule, epochs, [seed])
    (recorded,) = [r for r in RECORD["runs"] if (r["optimizer"], r["learning_rate"], r["schedule"], r["epochs"], r["seed"])
                   == (name, learning_rate, schedule, epochs, seed)]
    for key in ("train", "val", "test"):
        assert abs(rerun[f"{key}_accuracy"] - recorded[f"{key}_accuracy"]) <= ACCURACY_TOLERANCE, key
        assert abs(rerun[f"{key}_loss"] - recorded[f"{key}_loss"]) <= LOSS_TOLERANCE, key
    flags = [generalization.decode_correct(run["test_correct"][str(epochs)], 200) for run in (rerun, recorded)]
    assert (flags[0] != flags[1]).sum() <= ACCURACY_TOLERANCE * 200


def test_the_three_sets_are_disjoint_and_scaled_on_the_training_rows():
    split = generalization.three_way_split()
    assert (len(split.y_train), len(split.y_val), len(split.y_test)) == (600, 200, 200)
    assert split.X_train.min(axis=0) == pytest.approx(0) and split.X_train.max(axis=0) == pytest.approx(1)
    assert not np.allclose(split.X_val.min(axis=0), 0)   # validation rows were not used to scale
    rows = {tuple(np.round(row, 5)) for row in np.concatenate([split.X_train, split.X_val, split.X_test])}
    assert len(rows) == 1000


def _fake_record(sgd_test, adam_test, *, sgd_val=0.8, adam_val=0.8, test_size=200):
    """Two optimizers, one rate each, one cosine budget of 5 epochs, seeds with the given test accuracies.

    A test accuracy given as a list of 0/1 (one per test example) is that seed's right/wrong flags,
    recorded with the run; a number gives a run without flags.
    """
    runs = []
    for name, tests, val in [("SGD + momentum", sgd_test, sgd_val), ("Adam", adam_test, adam_val)]:
        for seed, test in enumerate(tests):
            cosine = {"optimizer": name, "learning_rate": 0.1, "schedule": "cosine", "epochs": 5, "seed": seed,
                      "val_accuracy": val, "test_accuracy": test}
            if isinstance(test, list):
                cosine.update(test_accuracy=float(np.mean(test)), test_correct={"5": generalization.encode_correct(test)})
            runs.append(cosine)
            runs.append({"optimizer": name, "learning_rate": 0.1, "schedule": "constant", "epochs": 5, "seed": seed,
                         "per_epoch": {"val_accuracy": [0.1] * 5, "test_accuracy": [0.1] * 5}})
    return {"settings": {"budgets": [5], "test_size": test_size}, "runs": runs}


def test_the_verdict_needs_a_difference_of_more_than_two_standard_errors():
    clear = generalization.summary(_fake_record([0.80, 0.81, 0.82], [0.70, 0.70, 0.71]))[5]
    assert clear["verdict"] == "SGD + momentum ahead" and clear["difference"] == pytest.approx(0.106667, abs=1e-5)
    noisy = generalization.summary(_fake_record([0.80, 0.70, 0.82], [0.70, 0.80, 0.71]))[5]
    assert noisy["verdict"] == "level"
    adam = generalization.summary(_fake_record([0.70, 0.70, 0.71], [0.80, 0.81, 0.82]))[5]
    assert adam["verdict"] == "Adam ahead"


def test_validation_not_test_accuracy_chooses_the_setting():
    record = _fake_record([0.8, 0.8, 0.8], [0.7, 0.7, 0.7])
    better_on_test = copy.deepcopy(record["runs"][:2])
    for run in better_on_test:     # a constant-rate run that is best on test but worst on validation
        run["learning_rate"] = 0.3
    better_on_test[1]["per_epoch"] = {"val_accuracy": [0.05] * 5, "test_accuracy": [0.99] * 5}
    record["runs"] += better_on_test[1:]
    choice = generalization.chosen(record, "SGD + momentum", 5)
    assert (choice["learning_rate"], choice["schedule"]) == (0.1, "cosine")


def test_early_stopping_keeps_the_epoch_with_the_best_validation_accuracy():
    record = _fake_record([0.5] * 3, [0.5] * 3, sgd_val=0.2)
    for run in record["runs"]:
        if run["schedule"] == "constant" and run["optimizer"] == "SGD + momentum":
            run["per_epoch"] = {"val_accuracy": [0.3, 0.9, 0.4, 0.3, 0.3], "test_accuracy": [0.1, 0.77, 0.2, 0.2, 0.2]}
    choice = generalization.chosen(record, "SGD + momentum", 5)
    assert choice["schedule"] == "early stopping" and choice["test_mean"] == pytest.approx(0.77)
    assert choice["test_binomial"] == pytest.approx(np.sqrt(0.77 * 0.23 / 200))


def test_the_endings_are_compared_on_the_test_set_at_one_rate():
    """Constant to the end, early-stopped and cosine, each the mean test accuracy over the seeds."""
    record = _fake_record([0.5, 0.7], [0.5, 0.5])
    for seed, run in enumerate(r for r in record["runs"] if r["schedule"] == "constant" and r["optimizer"] == "SGD + momentum"):
        run["per_epoch"] = {"val_accuracy": [0.3, 0.9, 0.4, 0.3, 0.3], "test_accuracy": [0.1, 0.6 + seed / 10, 0.2, 0.2, 0.4]}
    # constant: the last epoch, (0.4 + 0.4) / 2; early stopping: the best-validation epoch, (0.6 + 0.7) / 2; cosine: (0.5 + 0.7) / 2
    assert generalization.endings(record, "SGD + momentum", 5, 0.1) == pytest.approx(
        {"constant": 0.4, "early stopping": 0.65, "cosine": 0.6})


def test_the_test_sets_own_error_of_the_difference_comes_from_the_examples_the_two_disagree_on():
    # Two seeds, four test examples. Per seed SGD + momentum gets one more example right than Adam
    # (difference 0.25 on both seeds: no spread over seeds at all), but on different examples.
    sgd = [[1, 1, 1, 0], [1, 1, 0, 1]]
    adam = [[1, 0, 1, 0], [1, 1, 0, 0]]
    result = generalization.summary(_fake_record(sgd, adam, test_size=4))[5]
    assert result["difference"] == pytest.approx(0.25) and result["difference_se"] == pytest.approx(0)
    # By hand: per example, SGD's right minus Adam's averaged over the seeds is 0, 1/2, 0, 1/2;
    # their mean is 1/4, their deviations ±1/4, so the standard deviation (n − 1 = 3) is
    # sqrt(4 · 1/16 / 3) = sqrt(1/12), and the error of the mean sqrt(1/12) / sqrt(4) = sqrt(1/48).
    assert result["difference_test_se"] == pytest.approx(np.sqrt(1 / 48))
    assert result["combined_se"] == pytest.approx(np.sqrt(1 / 48))
    # 0.25 is more than twice the seeds' error (0) but not more than twice sqrt(1/48) = 0.289.
    assert result["verdict"] == "level within the test set's error"


def test_a_difference_beyond_twice_both_errors_combined_is_ahead():
    # Eight examples, two seeds: SGD + momentum right on all, Adam wrong on the first four both times.
    # Per example the difference is 1, 1, 1, 1, 0, 0, 0, 0: mean 1/2, standard deviation
    # sqrt(8 · 1/4 / 7) = sqrt(2/7), error sqrt(2/7) / sqrt(8) = sqrt(1/28) = 0.189; 0.5 > 2 · 0.189.
    adam = [0, 0, 0, 0, 1, 1, 1, 1]
    result = generalization.summary(_fake_record([[1] * 8, [1] * 8], [adam, adam], test_size=8))[5]
    assert result["difference"] == pytest.approx(0.5)
    assert result["difference_test_se"] == pytest.approx(np.sqrt(1 / 28))
    assert result["verdict"] == "SGD + momentum ahead"
    flipped = generalization.summary(_fake_record([adam, adam], [[1] * 8, [1] * 8], test_size=8))[5]
    assert flipped["verdict"] == "Adam ahead" and flipped["difference_test_se"] == pytest.approx(np.sqrt(1 / 28))


def test_the_seeds_and_the_test_set_errors_add_in_quadrature():
    # Seed 0: SGD + momentum 2 ahead of 4, seed 1: level. Seed differences 0.5 and 0: mean 0.25,
    # standard error |0.5 − 0| / 2 = 0.25. Per example (mean over seeds): 1/2, 1/2, 0, 0 -> standard
    # deviation sqrt(4 · 1/16 / 3) = sqrt(1/12), error sqrt(1/48). Combined sqrt(1/16 + 1/48) = sqrt(1/12).
    sgd = [[1, 1, 0, 0], [1, 1, 0, 0]]
    adam = [[0, 0, 0, 0], [1, 1, 0, 0]]
    result = generalization.summary(_fake_record(sgd, adam, test_size=4))[5]
    assert result["difference_se"] == pytest.approx(0.25)
    assert result["difference_test_se"] == pytest.approx(np.sqrt(1 / 48))
    assert result["combined_se"] == pytest.approx(np.sqrt(1 / 12))
    assert result["verdict"] == "level"


def test_the_table_shows_both_errors_of_the_difference():
    table = generalization.verdict_table(RECORD)
    assert "its s.e. over seeds" in table and "its test-set s.e. (paired)" in table
    first = generalization.summary(RECORD)[5]
    assert f"| ± {first['difference_se']:.3f} | ± {first['difference_test_se']:.3f} | {first['verdict']} |" in table


def test_module_7_claims_fail_when_the_recorded_test_flags_are_edited():
    """The test-set error of the difference is drawn from the flags: making the two optimizers'
    models disagree on more examples must break a claim on it."""
    table = claims.load("07_tradeoffs")
    recorded = claims.on_the_record(table.claims)

    def problems(record):
        namespace = {"np": np, "generalization": generalization, "record": record, "verdicts": generalization.summary(record),
                     "data": generalization.datasets.classification_data()}
        return claims.verify(recorded, claims.evaluate(recorded, namespace))

    assert problems(RECORD) == []
    edited = copy.deepcopy(RECORD)
    for run in edited["runs"]:   # every Adam run wrong on the first 40 test examples it got right: far more disagreement
        if run["optimizer"] == "Adam":
            for epoch, text in run["test_correct"].items():
                flags = generalization.decode_correct(text, 200)
                flags[np.flatnonzero(flags)[:40]] = False
                run["test_correct"][epoch] = generalization.encode_correct(flags)
    assert any("difference_test_se" in problem for problem in problems(edited))
