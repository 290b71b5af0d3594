"""Module 7's recorded generalization experiment: the record is what the code makes, and the verdicts follow from it."""
from __future__ import annotations

import copy

import numpy as np
import pytest

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


def test_the_three_sets_are_disjoint_and_scaled_on_the_training_rows():
    split = generalization.three_way_split()
    assert (len(split.y_train), len(split.y_val), len(split.y_test)) == (600, 200, 200)
    assert split.X_train.min(axis=0) == pytest.approx(0) and split.X_train.max(axis=0) == pytest.approx(1)
    assert not np.allclose(split.X_val.min(axis=0), 0)   # validation rows were not used to scale
    rows = {tuple(np.round(row, 5)) for row in np.concatenate([split.X_train, split.X_val, split.X_test])}
    assert len(rows) == 1000


def _fake_record(sgd_test, adam_test, *, sgd_val=0.8, adam_val=0.8):
    """Two optimizers, one rate each, one cosine budget of 5 epochs, seeds with the given test accuracies."""
    runs = []
    for name, tests, val in [("SGD + momentum", sgd_test, sgd_val), ("Adam", adam_test, adam_val)]:
        for seed, test in enumerate(tests):
            runs.append({"optimizer": name, "learning_rate": 0.1, "schedule": "cosine", "epochs": 5, "seed": seed,
                         "val_accuracy": val, "test_accuracy": test})
            runs.append({"optimizer": name, "learning_rate": 0.1, "schedule": "constant", "epochs": 5, "seed": seed,
                         "per_epoch": {"val_accuracy": [0.1] * 5, "test_accuracy": [0.1] * 5}})
    return {"settings": {"budgets": [5], "test_size": 200}, "runs": runs}


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
