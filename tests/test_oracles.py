"""Oracle runs remembered by their inputs and worked out ahead (optcourse/grading/oracles.py): a check
that reuses one, or finds it computed in the background while it waits, decides exactly as before."""
import threading

import numpy as np
import pytest

from autograder.referee import CheckCall, check_calls
from optcourse.grading import checks, oracles


@pytest.fixture
def fresh_memory(monkeypatch):
    """The oracles' memory, empty, for this test only (what other tests remembered is kept aside)."""
    monkeypatch.setattr(oracles, "_results", {})
    yield
    assert oracles.finished_ahead(120, drop_waiting=True)


def test_inputs_that_differ_in_any_way_have_different_digests():
    same = [np.arange(3.0), 1.0, "a", {"b": 1, "a": 2}]
    assert oracles.digest(*same) == oracles.digest(np.arange(3.0), 1.0, "a", {"a": 2, "b": 1})
    different = [
        (np.arange(3.0, dtype=np.float32), 1.0, "a", {"b": 1, "a": 2}),   # dtype
        (np.arange(3.0).reshape(3, 1), 1.0, "a", {"b": 1, "a": 2}),        # shape
        (np.arange(3.0) + 1e-16, 1.0, "a", {"b": 1, "a": 2}),              # a last bit
        (np.arange(3.0), 1, "a", {"b": 1, "a": 2}),                        # an int for a float
        (np.arange(3.0), 1.0, "b", {"b": 1, "a": 2}),
        (np.arange(3.0), 1.0, "a", {"b": 1, "a": 2.0}),
        (np.arange(3.0), 1.0, ["a"], {"b": 1, "a": 2}),                    # a list for a string
        (np.arange(3.0), 1.0, ("a",), {"b": 1, "a": 2}),                   # a tuple for a list
    ]
    digests = {oracles.digest(*inputs) for inputs in different} | {oracles.digest(*same)}
    assert len(digests) == len(different) + 1
    with pytest.raises(TypeError):
        oracles.digest(object())


def test_a_run_is_computed_once_per_inputs_and_handed_out_as_copies(fresh_memory):
    calls = []

    def run():
        calls.append(1)
        return np.zeros(3), [np.ones(2)]

    first = oracles.remembered(("a run", np.arange(2)), run)
    first[0][:] = 7  # a check that changed its copy changes nobody else's
    second = oracles.remembered(("a run", np.arange(2)), run)
    assert len(calls) == 1 and np.array_equal(second[0], np.zeros(3))
    oracles.remembered(("a run", np.arange(2) + 1), run)
    assert len(calls) == 2
    assert oracles.remembered(("a run", object()), lambda: "not remembered") == "not remembered"


def test_a_run_that_fails_is_not_remembered_and_a_failure_ahead_is_raised_by_the_check_itself(fresh_memory):
    with pytest.raises(ZeroDivisionError):
        oracles.remembered(("failing",), lambda: 1 / 0)
    assert oracles.remembered(("failing",), lambda: "now it works") == "now it works"

    started, release = threading.Event(), threading.Event()

    def fails_ahead():
        started.set()
        release.wait(10)
        raise RuntimeError("ahead")

    oracles.work_ahead(lambda: oracles.remembered(("ahead",), fails_ahead, ahead=True))
    assert started.wait(10)
    waiting = threading.Timer(0.2, release.set)
    waiting.start()
    # the check waits for the run in the background, which fails: it computes the run itself
    assert oracles.remembered(("ahead",), lambda: "the check's own") == "the check's own"
    waiting.join()


def test_the_thread_working_ahead_skips_a_run_a_check_has_started(fresh_memory):
    started, release = threading.Event(), threading.Event()

    def slow():
        started.set()
        release.wait(10)
        return "the check's"

    checking = threading.Thread(target=lambda: oracles.remembered(("busy",), slow))
    checking.start()
    assert started.wait(10)
    assert oracles.remembered(("busy",), lambda: "ahead", ahead=True) is None
    release.set()
    checking.join()
    assert oracles.remembered(("busy",), lambda: "again") == "the check's"


def test_the_referee_reads_module_7s_check_calls_with_their_hidden_options():
    from autograder import release
    from autograder.referee import is_test_cell

    calls = [call for cell in release.notebook("07_tradeoffs").cells if is_test_cell(cell) for call in check_calls(cell.source)]
    assert CheckCall("fit_with_rule", "fit_with_rule", {}) in calls
    assert CheckCall("fit_with_rule", "fit_with_rule", {"seed": 7, "num_examples": 13, "batch_size": 5, "rules": ("rmsprop",)}) in calls
    assert CheckCall("keras_range_test", "keras_range_test", {"seed": 5, "cases": (("RMSprop", 1e-4, 30.0, 15, 16),)}) in calls
    assert CheckCall("budget_choice", "my_choice", {"seeds": (3,)}) in calls
    assert check_calls("checks.fit_with_rule(fit_with_rule, seed=SEED)\nchecks.budget_choice(my_choice)\nx = 1") == \
        [CheckCall("budget_choice", "my_choice", {})]  # an option that is not a literal: that call is left out
    assert check_calls("def broken(:") == []
    # only a value the learner wrote, never a function, is handed to the work done ahead
    assert checks.oracle_runs("budget_choice", {}) is None
    assert checks.oracle_runs("fit_with_rule", {}) is not None
    assert checks.oracle_runs("adam_step", {}) is None


def _right(bank):
    return next(iter(bank.right.values()))


M7_CASES = [("fit_with_rule", {}), ("fit_with_rule", {"seed": 7, "num_examples": 13, "batch_size": 5, "rules": ("rmsprop",)}),
            ("keras_range_test", {}), ("keras_range_test", {"seed": 5, "cases": (("RMSprop", 1e-4, 30.0, 15, 16),)})]


@pytest.mark.tensorflow
def test_runs_worked_out_ahead_are_bit_for_bit_the_runs_computed_in_turn(fresh_memory):
    """Computed in the background while this thread builds models and trains (as a check does meanwhile),
    every oracle result is identical to the same run computed alone, in turn."""
    from optcourse.grading import training_checks
    from optcourse.lesson.keras_bridge import budget_run, import_tensorflow, small_classifier

    optimizers = import_tensorflow().keras.optimizers
    choice = {"optimizer": "adam", "learning_rate": 0.01, "schedule": "cosine"}
    for name, options in M7_CASES:
        oracles.work_ahead(checks.oracle_runs(name, options))
    oracles.work_ahead(checks.oracle_runs("budget_choice", {"seeds": (0, 3)}, answer=choice, answer_known=True))
    for seed in range(4):  # meanwhile: the kind of Keras work a check does while it waits for a learner
        model = small_classifier(10, 3, hidden=8, seed=seed)
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        model.fit(np.zeros((16, 10), np.float32), np.zeros(16), verbose=0)
    assert oracles.finished_ahead(300)
    ahead = dict(oracles._results)
    oracles._results.clear()

    def alone():  # each run as the checks computed it before they were remembered
        fit_cases = [*training_checks._fit_cases(0, 20, 8, ("momentum", "adam")), *training_checks._fit_cases(7, 13, 5, ("rmsprop",))]
        for name, rule, X, y, batches, model_seed in fit_cases:
            start = small_classifier(10, 3, hidden=8, seed=model_seed).get_weights()
            yield ("fit_with_rule: model.fit", name, rule.hyperparameters, start, X, y, batches), \
                training_checks._keras_fit(start, X, y, batches, rule.keras())
            yield ("fit_with_rule: own loop", name, rule.hyperparameters, start, X, y, batches), \
                training_checks._own_loop(start, X, y, batches, rule)[2]
        range_cases = [*training_checks._range_cases(0, training_checks._RANGE_CASES), *training_checks._range_cases(5, M7_CASES[3][1]["cases"])]
        for kind, settings, X, y, model_seed in range_cases:
            start = small_classifier(10, 3, hidden=8, seed=model_seed).get_weights()
            config = getattr(optimizers, kind)().get_config()
            yield ("keras_range_test: the course's callback", kind, {k: v for k, v in config.items() if k != "name"}, start, X, y,
                   settings), training_checks._range_test_fit(start, getattr(optimizers, kind).from_config(config), X, y, **settings)
        for seed in (0, 3):
            yield ("budget_choice: budget_run", choice, seed, tuple(training_checks.BUDGET)), budget_run(choice, seed=seed)

    compared = 0
    for inputs, result in alone():
        key = oracles.digest(oracles._floatx(), *inputs)
        assert key in ahead, inputs[0]
        got, expected = ahead[key].result(), result
        flat = lambda x: [np.asarray(a) for a in (x if isinstance(x, (list, tuple)) else [x])  # noqa: E731
                          for a in (flat(a) if isinstance(a, (list, tuple)) else [a])]
        assert all(np.array_equal(a, b, equal_nan=True) for a, b in zip(flat(got), flat(expected), strict=True)), inputs[0]
        compared += 1
    assert compared == 11 == len(ahead)


@pytest.mark.tensorflow
@pytest.mark.parametrize("check", ["fit_with_rule", "keras_range_test", "budget_choice"])
def test_wrong_answers_get_the_same_messages_with_the_runs_worked_out_ahead_meanwhile(check, fresh_memory):
    from banks import m7_tradeoffs
    from optcourse.learner_code.feedback import CheckFailed

    bank = next(bank for bank in m7_tradeoffs.BANKS if bank.check == check)
    for name in list(bank.wrong)[:6]:
        fn, expected = bank.wrong[name]
        getattr(fn, "reset", lambda: None)()
        oracles._results.clear()
        task = checks.oracle_runs(check, {}, answer=fn, answer_known=True) if check == "budget_choice" else checks.oracle_runs(check, {})
        if task is not None:
            oracles.work_ahead(task)
        with pytest.raises(CheckFailed) as failure:
            getattr(checks, check)(fn)
        assert str(failure.value) == expected, name
        assert oracles.finished_ahead(120, drop_waiting=True)
    oracles._results.clear()
    task = checks.oracle_runs(check, {}, answer=_right(bank), answer_known=True) if check == "budget_choice" else checks.oracle_runs(check, {})
    oracles.work_ahead(task)
    getattr(checks, check)(_right(bank))
