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
* **Which test examples each run got right** at the epoch its setting stops, so that the difference
  between the optimizers can be given with the test set's own error of a *paired* comparison (both
  are scored on the same 200 examples; see ``summary``). Stored compactly: the 200 right/wrong flags
  packed into bits (``np.packbits``), 25 bytes, written as base64 text (``encode_correct``).
"""
from __future__ import annotations

import base64
import json
import math
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import datasets, keras_bridge

__all__ = ["RECORD", "SETTINGS", "SCHEDULES", "NAMES", "Split", "three_way_split", "make_optimizer", "train_group",
           "run_experiment", "load_record", "chosen", "summary", "verdict_table", "binomial_error",
           "encode_correct", "decode_correct", "stopping_epoch", "paired_test_set_error",
           "endings", "validation_by_rate"]

RECORD = Path(__file__).with_name("generalization_record.json")

SETTINGS = {
    "validation_size": 200,
    "batch_size": 32,
    "hidden": 32,
    "seeds": list(range(10)),
    "budgets": [5, 10, 20, 40, 80, 160, 320],
    "optimizers": {
        "SGD + momentum": {"momentum": 0.9, "learning_rates": [0.003, 0.01, 0.03, 0.1, 0.3]},
        "Adam": {"learning_rates": [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3]},
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


def encode_correct(correct) -> str:
    """Right/wrong flags (one per test example) as short text: packed eight to a byte, then base64."""
    return base64.b64encode(np.packbits(np.asarray(correct, dtype=bool))).decode("ascii")


def decode_correct(text: str, num_examples: int) -> np.ndarray:
    """The flags ``encode_correct`` wrote, as a boolean array of ``num_examples``."""
    packed = np.frombuffer(base64.b64decode(text), dtype=np.uint8)
    return np.unpackbits(packed, count=num_examples).astype(bool)


def stopping_epoch(val_accuracy, budget: int, schedule: str) -> int:
    """The epoch (counted from 1) at which a constant-rate run stops: the budget's last, or (early stopping)
    the first epoch within the budget with the best validation accuracy."""
    return budget if schedule == "constant" else int(np.argmax(val_accuracy[:budget])) + 1


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
    ``test_correct`` maps an epoch (as text) to which test examples were right after it (``encode_correct``):
    for a cosine run its last epoch; for a constant-rate run every epoch at which a budget of
    ``SETTINGS["budgets"]`` stops, constant or early-stopped (``stopping_epoch``).
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
            stops = sorted({stopping_epoch(row["per_epoch"]["val_accuracy"], budget, way)
                            for budget in SETTINGS["budgets"] if budget <= epochs for way in ("constant", "early stopping")})
        else:
            stops = [epochs]
        row["test_correct"] = {str(epoch): encode_correct(correct_per_epoch[epoch - 1, r, num_val:] > 0.5) for epoch in stops}
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
    """A run's result at ``budget`` epochs under ``schedule`` (``None`` when the run cannot say), with
    which test examples it got right then (``correct``: the encoded flags, ``None`` if not recorded)."""
    if run["schedule"] == "cosine":
        if schedule != "cosine" or run["epochs"] != budget:
            return None
        return {"val_accuracy": run["val_accuracy"], "test_accuracy": run["test_accuracy"], "stopped_at": budget,
                "correct": run.get("test_correct", {}).get(str(budget))}
    if schedule == "cosine":
        return None
    epoch = stopping_epoch(run["per_epoch"]["val_accuracy"], budget, schedule)
    return {"val_accuracy": run["per_epoch"]["val_accuracy"][epoch - 1], "test_accuracy": run["per_epoch"]["test_accuracy"][epoch - 1],
            "stopped_at": epoch, "correct": run.get("test_correct", {}).get(str(epoch))}


def binomial_error(accuracy: float, num_examples: int) -> float:
    """Standard error of an accuracy measured on ``num_examples`` independent examples."""
    return math.sqrt(accuracy * (1 - accuracy) / num_examples)


def _standard_error(values) -> float:
    values = np.asarray(values, dtype=float)
    return float(values.std(ddof=1) / math.sqrt(len(values)))


def endings(record: dict, name: str, budget: int, learning_rate: float) -> dict:
    """Mean test accuracy over the seeds of ``name`` at ``learning_rate`` and ``budget`` epochs, per way to end
    the run (``SCHEDULES``): the fair comparison of the endings, since validation cannot choose between
    a constant rate and early stopping (the early-stopped run is the constant one cut at its best
    validation epoch, so its validation accuracy is never lower)."""
    settings = _settings(record, name, budget)
    return {schedule: float(np.mean([r["test_accuracy"] for r in settings.get((learning_rate, schedule), {}).values()]))
            for schedule in SCHEDULES}


def validation_by_rate(record: dict, name: str, budget: int) -> dict[float, float]:
    """For each learning rate in ``name``'s grid, its best mean validation accuracy over the seeds at
    ``budget`` epochs, whichever way of ending the run (``SCHEDULES``) gave it: what ``chosen`` compares."""
    out = {}
    for (learning_rate, _), results in _settings(record, name, budget).items():
        mean = float(np.mean([r["val_accuracy"] for r in results.values()]))
        out[learning_rate] = max(out.get(learning_rate, mean), mean)
    return out


def _settings(record: dict, name: str, budget: int) -> dict[tuple[float, str], dict[int, dict]]:
    """Every setting (learning rate, way of ending) of ``name`` that reaches ``budget`` epochs, in the grid's
    order, with each seed's result there (``_at_budget``)."""
    out = {}
    for run in record["runs"]:
        if run["optimizer"] != name:
            continue
        for schedule in SCHEDULES:
            result = _at_budget(run, budget, schedule)
            if result is not None:
                out.setdefault((run["learning_rate"], schedule), {})[run["seed"]] = result
    return out


def chosen(record: dict, name: str, budget: int) -> dict:
    """The setting (learning rate, schedule) validation picks for ``name`` at ``budget`` epochs, and its runs' results.

    The best mean validation accuracy over the seeds wins (ties: the first in the grid). The test
    accuracy reported is that of the same runs, each seed's at the epoch its setting stops;
    ``correct`` is which test examples each seed's run got right then, ``(seeds, test examples)``
    (``None`` for a record without them).
    """
    (learning_rate, schedule), results = max(_settings(record, name, budget).items(),
                                             key=lambda item: np.mean([r["val_accuracy"] for r in item[1].values()]))
    seeds = sorted(results)
    test = np.array([results[seed]["test_accuracy"] for seed in seeds])
    size = record["settings"]["test_size"]
    flags = [results[seed]["correct"] for seed in seeds]
    correct = np.array([decode_correct(f, size) for f in flags]) if all(f is not None for f in flags) else None
    return {"learning_rate": learning_rate, "schedule": schedule, "seeds": seeds, "correct": correct,
            "val_mean": float(np.mean([results[seed]["val_accuracy"] for seed in seeds])),
            "test": test, "test_mean": float(test.mean()), "test_se": _standard_error(test),
            "test_binomial": binomial_error(float(test.mean()), record["settings"]["test_size"])}


def paired_test_set_error(correct_a: np.ndarray, correct_b: np.ndarray) -> float:
    """The test set's own standard error of the seed-averaged accuracy difference a − b.

    ``correct_a`` and ``correct_b`` are ``(seeds, examples)`` right/wrong flags of the two optimizers
    on the *same* test examples. Per example, average a's right (1) or wrong (0) minus b's over the
    seeds: a number between −1 and 1, zero wherever the two optimizers' models agree. The accuracy
    difference is the mean of these per-example numbers over the examples, so a fresh draw of test
    examples would move it by about their standard deviation (``ddof=1``) divided by √(number of
    examples). It is a paired error, as in McNemar's test: only examples on which the two disagree
    contribute, so it is usually much smaller than the two binomial errors combined. For one pair of
    models that disagree on a fraction d of the n examples it is about √(d / n): 0.02 when they
    disagree on one example in ten of 200. Averaged over seeds it is smaller again, as far as
    different seeds' models disagree on different examples (their ±1's then average towards 0);
    what stays is the part of the disagreement that every seed shares.
    """
    per_example = (np.asarray(correct_a, dtype=float) - np.asarray(correct_b, dtype=float)).mean(axis=0)
    return _standard_error(per_example)


def summary(record: dict) -> dict:
    """Per budget: each optimizer's choice and test accuracy, and the paired difference SGD + momentum − Adam.

    The difference has two errors, from two sources of chance:

    * ``difference_se``, **over seeds**: the standard error of the per-seed differences (the same
      seed gives both optimizers the same data order): how much other seeds could move it, on this
      test set;
    * ``difference_test_se``, **the test set's own**: ``paired_test_set_error`` of the seed-averaged
      models' right/wrong flags: how much another 200 test examples could move it.

    Treating the two as independent, the difference's error is ``combined_se`` =
    √(``difference_se``² + ``difference_test_se``²) (slightly generous: the part of the noise that is
    specific to one seed *and* one example enters both). ``verdict`` names the optimizer ahead only
    when the difference is more than twice ``combined_se``. Otherwise it is level: "level" when even
    the seeds alone cannot tell them apart (within twice ``difference_se``), "level within the test
    set's error" when the seeds would but another test set could reverse it. A record without
    per-example flags gives ``difference_test_se`` = ``None`` and judges on the seeds alone.
    """
    out = {}
    for budget in record["settings"]["budgets"]:
        sgd, adam = (chosen(record, name, budget) for name in NAMES)
        difference = sgd["test"] - adam["test"]          # paired: the same seed gives both the same data order
        mean, seed_error = float(difference.mean()), _standard_error(difference)
        test_error = None if sgd["correct"] is None or adam["correct"] is None else paired_test_set_error(sgd["correct"], adam["correct"])
        combined = math.hypot(seed_error, test_error or 0.0)
        if abs(mean) > 2 * combined:
            verdict = (NAMES[0] if mean > 0 else NAMES[1]) + " ahead"
        else:
            verdict = "level" if abs(mean) <= 2 * seed_error else "level within the test set's error"
        out[budget] = {NAMES[0]: sgd, NAMES[1]: adam, "difference": mean, "difference_se": seed_error,
                       "difference_test_se": test_error, "combined_se": combined, "verdict": verdict}
    return out


def verdict_table(record: dict) -> str:
    """The record as a markdown table: per budget, what validation chose and the test accuracy it gave, and
    the difference SGD + momentum − Adam with its error over seeds, its test-set error and ``summary``'s verdict."""
    rows = ["| epochs | optimizer | chosen on validation | validation acc | test acc, mean ± s.e. over seeds | "
            "test set's own error (±1 s.e.) | SGD + momentum − Adam | its s.e. over seeds | its test-set s.e. (paired) | "
            "verdict (ahead: beyond twice both errors combined) |", "|---|---|---|---|---|---|---|---|---|---|"]
    for budget, result in summary(record).items():
        for name in NAMES:
            r = result[name]
            test_error = "—" if result["difference_test_se"] is None else f"± {result['difference_test_se']:.3f}"
            comparison = (f"{result['difference']:+.3f} | ± {result['difference_se']:.3f} | {test_error} | {result['verdict']}"
                          if name == NAMES[0] else " | | | ")
            rows.append(f"| {budget} | {name} | η = {r['learning_rate']:g}, {r['schedule']} | {r['val_mean']:.3f} | "
                        f"{r['test_mean']:.3f} ± {r['test_se']:.3f} | ± {r['test_binomial']:.3f} | {comparison} |")
    return "\n".join(rows)


if __name__ == "__main__":
    record = run_experiment()
    RECORD.write_text(json.dumps(record, indent=1) + "\n")
    print(f"{len(record['runs'])} runs in {record['seconds']} s; written to {RECORD}")
