"""Module 7's generalization experiment: tuned SGD + momentum against tuned Adam, by training budget.

Too slow for the notebook (thousands of epochs), so it is run once and recorded:
``python -m optcourse.lesson.generalization`` (``make generalization-record``) writes
``generalization_record.json`` next to this file, and the notebook reads it with ``load_record``.

The design, so that the comparison can answer its question:

* **Three sets.** The 800 training rows of ``datasets.classification_data`` are split into 600 rows
  to train on and 200 to choose settings on (validation); the 200-row test set is only reported.
  Features are min-max scaled with the 600 training rows alone.
* **Each optimizer tuned on validation, per budget.** For every budget (epochs) and optimizer, the
  learning rate and the way to end the run (``SCHEDULES``: constant rate, constant rate with early
  stopping, or cosine decay to zero over the budget) with the best mean validation accuracy over
  the seeds are chosen; the test accuracy of those runs is reported.
* **Budgets for free where possible.** A constant-rate run to the longest budget records the
  validation and test accuracy after every epoch, which is what a shorter constant-rate budget or
  early stopping would give; cosine runs depend on their budget and are run for each.
* **Several seeds.** Each seed sets the initial weights and the shuffling; results are given as a
  mean ± standard error over seeds, beside the test set's own binomial error.
"""
from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import datasets, keras_bridge

__all__ = ["RECORD", "SETTINGS", "SCHEDULES", "NAMES", "Split", "three_way_split", "make_optimizer", "train_group",
           "run_experiment", "load_record", "chosen", "summary", "verdict_table", "binomial_error"]

RECORD = Path(__file__).with_name("generalization_record.json")

SETTINGS = {
    "validation_size": 200,
    "batch_size": 32,
    "hidden": 32,
    "seeds": list(range(10)),
    "budgets": [5, 10, 20, 40, 80, 160, 320],
    "optimizers": {
        "SGD + momentum": {"momentum": 0.9, "learning_rates": [0.003, 0.01, 0.03, 0.1, 0.3]},
        "Adam": {"learning_rates": [0.0003, 0.001, 0.003, 0.01, 0.03]},
    },
}
# How a run's learning rate is handled: kept constant to the end of the budget, kept constant and the
# epoch with the best validation accuracy kept (early stopping), or cosine-decayed to 0 over the budget.
SCHEDULES = ("constant", "early stopping", "cosine")
NAMES = tuple(SETTINGS["optimizers"])


class Split(NamedTuple):
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def three_way_split(validation_size: int = SETTINGS["validation_size"]) -> Split:
    """Module 7's data with the last ``validation_size`` training rows held out for choosing settings.

    Min-max scaling is affine per column, so rescaling the already-scaled rows with the remaining
    training rows' minimum and range is the same as scaling the raw features with them.
    """
    data = datasets.classification_data()
    keep = len(data.y_train) - validation_size
    low, high = data.X_train[:keep].min(axis=0), data.X_train[:keep].max(axis=0)
    scale = lambda block: ((block - low) / (high - low)).astype(np.float32)  # noqa: E731
    return Split(scale(data.X_train[:keep]), data.y_train[:keep], scale(data.X_train[keep:]), data.y_train[keep:],
                 scale(data.X_test), data.y_test)


def make_optimizer(name: str, learning_rate: float, schedule: str, total_steps: int):
    """A Keras optimizer of the experiment: its learning rate constant, or cosine-decayed to 0 over ``total_steps``."""
    tf = keras_bridge.import_tensorflow()
    rate = learning_rate if schedule == "constant" else tf.keras.optimizers.schedules.CosineDecay(learning_rate, total_steps)
    if name == "SGD + momentum":
        return tf.keras.optimizers.SGD(learning_rate=rate, momentum=SETTINGS["optimizers"][name]["momentum"])
    if name == "Adam":
        return tf.keras.optimizers.Adam(learning_rate=rate)
    raise ValueError(f"unknown optimizer {name!r}")


def _batch_indices(num_examples: int, epochs: int, seeds) -> tuple[np.ndarray, np.ndarray]:
    """Each seed's shuffled mini-batches: indices ``(steps, runs, batch_size)`` and a mask for the short last batch."""
    batch_size = SETTINGS["batch_size"]
    steps_per_epoch = math.ceil(num_examples / batch_size)
    indices = np.zeros((epochs * steps_per_epoch, len(seeds), batch_size), dtype=np.int32)
    mask = np.zeros(indices.shape, dtype=np.float32)
    for r, seed in enumerate(seeds):
        rng = np.random.default_rng(seed)
        for epoch in range(epochs):
            order = rng.permutation(num_examples)
            for b in range(steps_per_epoch):
                batch = order[b * batch_size:(b + 1) * batch_size]
                indices[epoch * steps_per_epoch + b, r, :len(batch)] = batch
                mask[epoch * steps_per_epoch + b, r, :len(batch)] = 1.0
    return indices, mask


def train_group(split: Split, name: str, learning_rate: float, schedule: str, epochs: int, seeds) -> list[dict]:
    """One setting trained from every seed at once; per seed, the final training, validation and test results.

    The seeds' networks are stacked into one set of Keras variables (each seed its own slice, its own
    initial weights from ``keras_bridge.small_classifier`` and its own shuffling) and stepped by one
    Keras optimizer: the slices never mix, since each seed's loss depends on its own slice alone and
    both optimizers act element by element. A ``tf.function`` runs the whole training (too slow with
    ``model.fit`` one run at a time). Constant-rate runs also record the validation and test accuracy
    after every epoch (``per_epoch``), what early stopping would see and what a shorter budget gives.
    """
    tf = keras_bridge.import_tensorflow()
    seeds = list(seeds)
    initial = [keras_bridge.small_classifier(split.X_train.shape[1], 3, hidden=SETTINGS["hidden"], seed=s).get_weights() for s in seeds]
    variables = [tf.Variable(np.stack([w[i] for w in initial])) for i in range(4)]     # kernel, bias, kernel, bias
    steps_per_epoch = math.ceil(len(split.y_train) / SETTINGS["batch_size"])
    optimizer = make_optimizer(name, learning_rate, schedule, epochs * steps_per_epoch)
    optimizer.build(variables)
    indices, mask = _batch_indices(len(split.y_train), epochs, seeds)
    X, y = tf.constant(split.X_train), tf.constant(split.y_train, tf.int32)
    held_out = tf.constant(np.concatenate([split.X_val, split.X_test]))
    held_out_labels = tf.constant(np.concatenate([split.y_val, split.y_test]), tf.int32)

    def logits(inputs):        # inputs (runs, rows, features)
        hidden = tf.nn.relu(tf.einsum("rbi,rij->rbj", inputs, variables[0]) + variables[1][:, None, :])
        return tf.einsum("rbj,rjk->rbk", hidden, variables[2]) + variables[3][:, None, :]

    def results(inputs, labels):     # per run: mean cross-entropy and accuracy on the same rows
        out = logits(tf.broadcast_to(inputs, (len(seeds), *inputs.shape)))
        labels = tf.broadcast_to(labels, out.shape[:2])
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, out), axis=1)
        correct = tf.cast(tf.equal(tf.argmax(out, axis=2, output_type=tf.int32), labels), tf.float32)
        return loss, correct

    @tf.function
    def train(indices, mask):
        history = tf.TensorArray(tf.float32, size=epochs)
        for epoch in tf.range(epochs):
            for b in tf.range(steps_per_epoch):
                step = epoch * steps_per_epoch + b
                batch, weight = indices[step], mask[step]
                with tf.GradientTape() as tape:
                    cross_entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(tf.gather(y, batch), logits(tf.gather(X, batch)))
                    loss = tf.reduce_sum(tf.reduce_sum(cross_entropy * weight, axis=1) / tf.reduce_sum(weight, axis=1))
                optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
            history = history.write(epoch, results(held_out, held_out_labels)[1])
        return history.stack()            # (epochs, runs, held-out rows): correct or not

    correct_per_epoch = train(tf.constant(indices), tf.constant(mask)).numpy()
    num_val = len(split.y_val)
    out = []
    for r, seed in enumerate(seeds):
        row = {"optimizer": name, "learning_rate": learning_rate, "schedule": schedule, "epochs": epochs, "seed": seed}
        for label, inputs, labels in [("train", split.X_train, split.y_train), ("val", split.X_val, split.y_val),
                                      ("test", split.X_test, split.y_test)]:
            loss, correct = results(tf.constant(inputs), tf.constant(labels, tf.int32))
            row[f"{label}_loss"] = round(float(loss[r]), 6)
            row[f"{label}_accuracy"] = round(float(tf.reduce_mean(correct[r])), 6)
        if schedule == "constant":
            row["per_epoch"] = {"val_accuracy": [round(float(a), 4) for a in correct_per_epoch[:, r, :num_val].mean(axis=1)],
                                "test_accuracy": [round(float(a), 4) for a in correct_per_epoch[:, r, num_val:].mean(axis=1)]}
        out.append(row)
    return out


def _jobs() -> list[tuple]:
    """Every group of runs: cosine runs per budget; constant runs to the longest budget only."""
    jobs = []
    for name, options in SETTINGS["optimizers"].items():
        for learning_rate in options["learning_rates"]:
            jobs.append((name, learning_rate, "constant", max(SETTINGS["budgets"])))         # early stopping reads it too
            jobs += [(name, learning_rate, "cosine", budget) for budget in SETTINGS["budgets"]]
    return jobs


def _run_job(job: tuple) -> list[dict]:
    tf = keras_bridge.import_tensorflow()
    tf.config.experimental.enable_op_determinism()
    return train_group(three_way_split(), *job, SETTINGS["seeds"])


def run_experiment(processes: int = 2) -> dict:
    """All runs (in ``processes`` worker processes), with the settings and versions that made them."""
    import multiprocessing

    tf = keras_bridge.import_tensorflow()
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        groups = pool.map(_run_job, _jobs(), chunksize=1)
    return {"settings": {**SETTINGS, "test_size": len(three_way_split().y_test)}, "tensorflow": tf.__version__,
            "seconds": round(time.perf_counter() - started), "runs": [run for group in groups for run in group]}


def load_record(path: Path = RECORD) -> dict:
    return json.loads(Path(path).read_text())


def _at_budget(run: dict, budget: int, schedule: str) -> dict | None:
    """A run's result at ``budget`` epochs under ``schedule`` (``None`` when the run cannot say)."""
    if run["schedule"] == "cosine":
        return run if schedule == "cosine" and run["epochs"] == budget else None
    if schedule == "cosine":
        return None
    val, test = run["per_epoch"]["val_accuracy"][:budget], run["per_epoch"]["test_accuracy"][:budget]
    epoch = budget - 1 if schedule == "constant" else int(np.argmax(val))
    return {"val_accuracy": val[epoch], "test_accuracy": test[epoch], "stopped_at": epoch + 1}


def binomial_error(accuracy: float, num_examples: int) -> float:
    """Standard error of an accuracy measured on ``num_examples`` independent examples."""
    return math.sqrt(accuracy * (1 - accuracy) / num_examples)


def _standard_error(values) -> float:
    values = np.asarray(values, dtype=float)
    return float(values.std(ddof=1) / math.sqrt(len(values)))


def chosen(record: dict, name: str, budget: int) -> dict:
    """The setting (learning rate, schedule) validation picks for ``name`` at ``budget`` epochs, and its runs' results.

    The best mean validation accuracy over the seeds wins (ties: the first in the grid). The test
    accuracy reported is that of the same runs, each seed's at the epoch its setting stops.
    """
    candidates = {}
    for run in record["runs"]:
        if run["optimizer"] != name:
            continue
        for schedule in SCHEDULES:
            result = _at_budget(run, budget, schedule)
            if result is not None:
                candidates.setdefault((run["learning_rate"], schedule), {})[run["seed"]] = result
    (learning_rate, schedule), results = max(candidates.items(), key=lambda item: np.mean([r["val_accuracy"] for r in item[1].values()]))
    seeds = sorted(results)
    test = np.array([results[seed]["test_accuracy"] for seed in seeds])
    return {"learning_rate": learning_rate, "schedule": schedule, "seeds": seeds,
            "val_mean": float(np.mean([results[seed]["val_accuracy"] for seed in seeds])),
            "test": test, "test_mean": float(test.mean()), "test_se": _standard_error(test),
            "test_binomial": binomial_error(float(test.mean()), record["settings"]["test_size"])}


def summary(record: dict) -> dict:
    """Per budget: each optimizer's choice and test accuracy, and the paired difference SGD + momentum − Adam.

    ``verdict`` names the one ahead when the difference is more than twice its standard error over
    seeds, else "level".
    """
    out = {}
    for budget in record["settings"]["budgets"]:
        sgd, adam = (chosen(record, name, budget) for name in NAMES)
        difference = sgd["test"] - adam["test"]          # paired: the same seed gives both the same data order
        mean, error = float(difference.mean()), _standard_error(difference)
        verdict = "level" if abs(mean) <= 2 * error else (NAMES[0] if mean > 0 else NAMES[1]) + " ahead"
        out[budget] = {NAMES[0]: sgd, NAMES[1]: adam, "difference": mean, "difference_se": error, "verdict": verdict}
    return out


def verdict_table(record: dict) -> str:
    """The record as a markdown table: per budget, what validation chose and the test accuracy it gave."""
    rows = ["| epochs | optimizer | chosen on validation | validation acc | test acc, mean ± s.e. over seeds | "
            "test set's own error (±1 s.e.) | SGD + momentum − Adam | verdict |", "|---|---|---|---|---|---|---|---|"]
    for budget, result in summary(record).items():
        for name in NAMES:
            r = result[name]
            comparison = (f"{result['difference']:+.3f} ± {result['difference_se']:.3f} | {result['verdict']}"
                          if name == NAMES[0] else " | ")
            rows.append(f"| {budget} | {name} | η = {r['learning_rate']:g}, {r['schedule']} | {r['val_mean']:.3f} | "
                        f"{r['test_mean']:.3f} ± {r['test_se']:.3f} | ± {r['test_binomial']:.3f} | {comparison} |")
    return "\n".join(rows)


if __name__ == "__main__":
    record = run_experiment()
    RECORD.write_text(json.dumps(record, indent=1) + "\n")
    print(f"{len(record['runs'])} runs in {record['seconds']} s; written to {RECORD}")
