"""The release's record of Keras's answers to the step checks (optcourse/grading/keras_record.py)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder import referee, release
from learner_answers import momentum_step as right_momentum
from optcourse.grading import checks, keras_record, rule_checks
from optcourse.learner_code.feedback import CheckFailed

ROOT = Path(__file__).resolve().parents[1]
RELEASED = keras_record.PATH


@pytest.fixture
def record_at(monkeypatch):
    """Use the record in ``path`` (read anew) and start with no answer remembered; afterwards, the release's again."""
    def use(path):
        monkeypatch.setattr(keras_record, "PATH", path)
        monkeypatch.setattr(keras_record, "_loaded", None)
        rule_checks._KERAS_RUNS.clear()
    yield use
    keras_record._loaded = None
    rule_checks._KERAS_RUNS.clear()


def test_the_record_holds_what_keras_answers_now_for_every_call_in_the_sources():
    """Keras is run again on every recorded case: the answers must be the same bits, and no call may be missing."""
    answers, calls = release.keras_answers()
    made_with, recorded, covered = keras_record.read()
    stale = "optcourse/grading/keras_record.npz is not what this Keras answers for the sources: run `make release`"
    assert made_with == keras_record.versions(), stale
    assert covered == {keras_record.call_key(*call) for call in calls}, stale
    assert len(calls) == 12 and recorded.keys() == answers.keys(), stale
    for digest, answer in answers.items():
        for field, value in keras_record.fields(*answer).items():
            kept = recorded[digest][field]
            assert (kept.dtype, kept.shape, kept.tobytes()) == (value.dtype, value.shape, value.tobytes()), stale


def test_a_check_takes_its_answers_from_the_record(tmp_path, record_at):
    """One recorded number moved by 0.1 and a right rule fails on exactly that case: the record is what it compared with."""
    _, recorded, calls = keras_record.read()
    answers = {digest: (fields["params"], {name[len("state."):]: value for name, value in fields.items() if name != "params"})
               for digest, fields in recorded.items()}
    case = rule_checks._momentum_cases(0, **rule_checks._MOMENTUM)[0]  # what checks.momentum_step(fn) checks first
    digest = keras_record.case_digest("momentum_step", case)
    moved = answers[digest][0].copy()
    moved[-1].flat[0] += 0.1
    answers[digest] = (moved, answers[digest][1])
    keras_record.write(tmp_path / "record.npz", answers, [tuple(json.loads(call)) for call in calls])
    record_at(tmp_path / "record.npz")
    with pytest.raises(CheckFailed, match=r"momentum_step"):
        checks.momentum_step(right_momentum)
    record_at(RELEASED)
    checks.momentum_step(right_momentum)


@pytest.mark.parametrize("damage", ["another Keras", "not a record", "empty"])
def test_a_record_of_another_keras_or_a_damaged_one_is_not_used(tmp_path, record_at, monkeypatch, damage):
    path = tmp_path / "record.npz"
    if damage == "another Keras":
        with monkeypatch.context() as patch:
            patch.setattr(keras_record, "versions", lambda: "tensorflow 2.0.0, keras 3.0.0")
            made_with, recorded, calls = keras_record.read()
            keras_record.write(path, {d: (f["params"], {}) for d, f in recorded.items()}, [tuple(json.loads(c)) for c in calls])
    else:
        path.write_bytes(b"" if damage == "empty" else b"PK\x03\x04 not a zip file")
    record_at(path)
    _, recorded, calls = keras_record.read(RELEASED)
    assert keras_record.answer(next(iter(recorded))) is None
    assert not keras_record.covers("momentum_step", {})
    checks.momentum_step(right_momentum)  # computed with Keras instead


def test_the_recorded_calls_need_no_tensorflow():
    """Right rules checked in a new Python with every recorded call of the sources (Modules 3, 4 and 5, visible
    and hidden options): no TensorFlow is imported, so the record answers every case those calls build."""
    calls = [call for module in release.modules() for cell in release.read_source(module).cells if referee.is_test_cell(cell)
             for call in referee.check_calls(cell.source) if call.check in rule_checks.RECORDED_CHECKS]
    assert len(calls) == 12 and {call.argument for call in calls} == set(rule_checks.RECORDED_CHECKS)
    script = ("import sys; sys.path.insert(0, 'tests')\n"
              f"from learner_answers import {', '.join(rule_checks.RECORDED_CHECKS)}\n"
              "from optcourse.grading import checks\n"
              + "".join(f"checks.{call.check}({call.argument}, **{call.options!r})\n" for call in calls)
              + "print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("module, changed, loads", [
    ("03_momentum", False, False),
    ("04_adagrad_rmsprop", False, False),
    ("05_adam", False, False),
    ("06_tuning", False, True),        # schedules and clipping: Keras objects built at check time
    ("07_tradeoffs", False, True),
    ("03_momentum", True, True),       # a call the release did not record: its answers need Keras
])
def test_the_referee_loads_tensorflow_early_only_when_a_check_needs_keras_live(monkeypatch, module, changed, loads):
    from optcourse.lesson import keras_bridge

    started = []
    monkeypatch.setattr(keras_bridge, "start_importing_tensorflow", lambda: started.append(True))
    monkeypatch.delenv(referee.EARLY_KERAS_SWITCH, raising=False)
    nb = release.read_source(module)
    if changed:
        cell = next(cell for cell in nb.cells if referee.is_test_cell(cell) and "seed=31" in cell.source)
        cell.source = cell.source.replace("seed=31", "seed=301")
    assert referee._load_keras_early_if_needed(nb) is loads
    assert started == ([True] if loads else [])


def test_the_recorded_calls_are_the_step_checks_only():
    """Every recorded check runs Keras only through the cases it builds from its options (rule_checks._run_keras)."""
    _, _, calls = keras_record.read()
    assert {json.loads(call)[0] for call in calls} == set(rule_checks.RECORDED_CHECKS)
    assert all(np.isfinite(value).all() for entry in keras_record.read()[1].values() for value in entry.values())


def test_the_starting_states_the_init_checks_expect_are_those_a_new_keras_optimizer_builds():
    """adagrad_init and adam_init compare with values, not with a Keras optimizer built at check time: these are Keras's."""
    from optcourse.lesson import keras_bridge

    tf = keras_bridge.import_tensorflow()
    for shape, value in rule_checks.ADAGRAD_INIT_CASES:
        variable = tf.Variable(np.linspace(-1, 1, int(np.prod(shape))).reshape(shape))
        optimizer = tf.keras.optimizers.Adagrad(**({} if value is None else {"initial_accumulator_value": value}))
        optimizer.build([variable])
        np.testing.assert_array_equal(optimizer._accumulators[0].numpy(), rule_checks.keras_adagrad_start(shape, value))
    adam = tf.keras.optimizers.Adam()
    adam.build([tf.Variable(np.ones((2, 3)))])
    assert int(adam.iterations) == 0
    assert not adam._momentums[0].numpy().any() and not adam._velocities[0].numpy().any()
    assert not checks.compares_with_keras("adagrad_init") and not checks.compares_with_keras("adam_init")
