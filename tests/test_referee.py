"""The referee (autograder/referee.py) and its plain-data channel (optcourse.learner_code.channel).

The channel's tests need no kernel. The referee's run a small notebook through ``RefereedExecute``
in an ordinary kernel: each learner function misbehaves in one way, and each test cell must end
with its own one-sentence verdict while the cells after it are still graded.
"""
from __future__ import annotations

import json

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from optcourse.learner_code import channel
from optcourse.lesson import landscapes
from optcourse.lesson.optim import AdamState, GDState

# ---------------------------------------------------------------- the channel


def _through(value, **options):
    return channel.decode(json.loads(json.dumps(channel.encode(value))), **options)


def test_plain_data_arrives_as_it_was_sent():
    sent = (np.arange(6, dtype=np.float32).reshape(2, 3), np.array([1, 2], dtype=np.int64), np.float32(1.5),
            [1, 2.5, float("nan"), float("-inf")], {"a": None, "b": True}, "text",
            AdamState(np.zeros(2), np.ones(2), 3), GDState())
    got = _through(sent)
    assert got[0].dtype == np.float32 and np.array_equal(got[0], sent[0])
    assert got[1].dtype == np.int64 and isinstance(got[2], np.float32)
    assert got[3][:2] == [1, 2.5] and np.isnan(got[3][2]) and got[3][3] == float("-inf")
    assert got[4] == {"a": None, "b": True} and got[5] == "text"
    assert type(got[6]) is AdamState and got[6].t == 3 and type(got[7]) is GDState
    assert type(got[3]) is list and type(got) is tuple   # a list stays a list: the checks name it


def test_a_generator_arrives_in_the_same_state_and_a_landscape_as_its_recipe():
    rng = np.random.default_rng(7)
    rng.integers(10, size=3)
    copy = _through(rng)
    assert np.array_equal(copy.permutation(50), rng.permutation(50))
    bowl = landscapes.scaled_bowl(a=0.3)
    gradient = _through(bowl.gradient, rebuild_callables=True)
    assert np.allclose(gradient(np.array([1.0, 1.0])), bowl.gradient(np.array([1.0, 1.0])))
    assert type(_through(bowl.gradient)).__name__ == "landscape"   # only the worker rebuilds functions


def test_what_is_not_plain_data_arrives_as_a_name_only():
    class Sneaky(float):
        def __eq__(self, other):
            return True

    class Anything:
        def __array__(self, dtype=None, copy=None):
            return np.zeros(3)

    assert isinstance(_through(Sneaky(2.0)), float) and not isinstance(_through(Sneaky(2.0)), Sneaky)
    stand_in = _through(Anything())
    assert type(stand_in).__name__ == "Anything" and not hasattr(stand_in, "__array__")
    assert type(_through(np.array([object()]))).__name__ == "ndarray"
    assert type(_through(print)).__name__ == "builtin_function_or_method"


@pytest.mark.parametrize("data, problem", [
    ({"t": "array", "dtype": "|O", "shape": [1], "b64": ""}, "not a number type"),
    ({"t": "array", "dtype": "<f8", "shape": [3], "b64": "AAAA"}, "does not match its shape"),
    ({"t": "array", "dtype": "<f8", "shape": [-1], "b64": ""}, "shape that is not valid"),
    ({"t": "named", "name": "X", "fields": ["a"], "items": [1, 2]}, "fields do not match"),
    ({"t": "argument", "index": 0}, "argument that was not sent"),
    ({"t": "generator", "state": {"t": "dict", "items": {"bit_generator": "MT19937"}}}, "state that is not valid"),
    ({"t": "landscape", "factory": "os.system", "kwargs": {"t": "dict", "items": {}}, "role": "value"}, "does not have"),
    (["a", "list"], "unexpected list"),
    ("x" * (channel.MAX_TEXT + 1), "string too long"),
])
def test_malformed_data_is_refused_in_one_sentence(data, problem):
    with pytest.raises(channel.NotPlainData, match=problem):
        channel.decode(data, rebuild_callables=True)


def test_too_much_data_is_refused_both_ways():
    with pytest.raises(channel.NotPlainData, match="too much"):
        channel.encode(np.zeros(channel.MAX_MESSAGE_BYTES // 4))
    nested = []
    for _ in range(channel.MAX_DEPTH + 5):
        nested = [nested]
    with pytest.raises(channel.NotPlainData, match="deeply"):
        channel.encode(nested)
    with pytest.raises(channel.NotPlainData, match="too much"):
        channel.decode({"t": "list", "items": [0] * (channel.MAX_ITEMS + 1)})


# ---------------------------------------------------------------- the referee, in a real kernel

RIGHT = "def gd_step(params, grads, state, *, learning_rate):\n    return params - learning_rate * grads, state"
CASES = {
    "right": (RIGHT, None),
    "hangs": ("def gd_step(params, grads, state, *, learning_rate):\n    while True:\n        pass",
              "`gd_step` did not return within 3 s in one call; does it loop forever?"),
    "kills_its_kernel": ("import os\ndef gd_step(params, grads, state, *, learning_rate):\n    os._exit(3)",
                         "`gd_step` stopped your notebook's kernel (it exited or crashed it); the kernel was restarted "
                         "for the rest of the grading."),
    "huge": ("def gd_step(params, grads, state, *, learning_rate):\n    return np.zeros(10**7), state",
             "`gd_step` returned too much data for the grader to read: return numbers, arrays or tuples of them."),
    "not_plain": ("class Fake:\n    def __eq__(self, other):\n        return True\n"
                  "def gd_step(params, grads, state, *, learning_rate):\n    return Fake(), state",
                  "`gd_step` returned Fake for the new parameters; it should be a numpy array of numbers."),
    "in_place": ("def gd_step(params, grads, state, *, learning_rate):\n    params -= learning_rate * grads\n    return params, state",
                 "`gd_step` changed its input arrays in place (for example with `-=`); compute and return a new array so "
                 "the caller's parameters stay as they were."),
    "raises": ("def gd_step(params, grads, state, *, learning_rate):\n    raise ValueError('no idea')",
               "`gd_step` raised ValueError (no idea) when called as gd_step(…, …, …, learning_rate=0.1)."),
    "forges_a_reply": ("from IPython.display import publish_display_data\n"
                       "def gd_step(params, grads, state, *, learning_rate):\n"
                       "    publish_display_data({'application/x-optcourse-referee+json': '{\"result\": 1}'})\n"
                       "    return params + learning_rate * grads, state",
                       "`gd_step`: the step goes uphill; subtract the gradient instead of adding it "
                       "(case: params of shape (1,) (float64), learning_rate=0.1)."),
}


def _cell(source: str, grade_id: str, *, test: bool):
    meta = {"grade": test, "solution": not test, "locked": test, "grade_id": grade_id, "schema_version": 3}
    if test:
        meta["points"] = 1
    return new_code_cell(source, metadata={"nbgrader": meta})


@pytest.mark.kernel
def test_each_misbehaving_function_fails_only_its_own_cell(tmp_path):
    from autograder.referee import RefereedExecute

    cells = [new_code_cell("import numpy as np")]
    for name, (source, _) in CASES.items():
        cells += [_cell(source, f"{name}_solution", test=False), _cell("checks.gd_step(gd_step)", f"{name}_test", test=True)]
    cells += [_cell("quiz.check('gd_q1', answer_gd_q1)", "quiz_test", test=True)]
    cells += [_cell("answer = 3", "answer", test=False), _cell("quiz.check('gd_q1', answer)", "quiz_malformed", test=True)]
    # A function that records what the checks give it, and a later cell that prints the record: the
    # calls are made after the last cell, so there is nothing to print (hidden cases stay hidden).
    cells += [_cell("seen = []\ndef gd_step(params, grads, state, *, learning_rate):\n    seen.append(learning_rate)\n"
                    "    return params - learning_rate * grads, state", "recorder", test=False),
              _cell("checks.gd_step(gd_step, learning_rates=[0.123, 0.456, 0.789])", "recorder_test", test=True),
              new_code_cell("print(seen)")]
    notebook = new_notebook(cells=cells)
    executor = RefereedExecute(timeout=60, call_timeout=3, kernel_name="python3")
    executor.preprocess(notebook, {"metadata": {"path": str(tmp_path)}})

    verdicts = {cell.metadata["nbgrader"]["grade_id"]: cell.outputs for cell in notebook.cells
                if cell.metadata.get("nbgrader", {}).get("grade")}
    for name, (_, message) in CASES.items():
        errors = [output for output in verdicts[f"{name}_test"] if output.output_type == "error"]
        assert [e.evalue for e in errors] == ([message] if message else []), name
    assert verdicts["quiz_test"][0].evalue == ("`answer_gd_q1` is not defined in your notebook: run (or write) the cell "
                                                 "that defines it, with this exact name.")
    assert verdicts["quiz_malformed"][0].evalue == 'gd_q1: give one letter in quotes, such as "a"; you gave the int 3.'
    assert verdicts["recorder_test"] == []
    assert notebook.cells[-1].outputs[0].text == "[]\n"
    nbformat.validate(notebook)


@pytest.mark.kernel
def test_a_kernel_that_does_not_answer_the_referee_is_not_read_as_answers_of_none(tmp_path):
    """As a sandboxed kernel that could not import the course (issue 18): the quiz answers read as None,
    and the learner was told "you gave nothing (None)" about a correct answer."""
    from autograder.referee import RefereedExecute

    notebook = new_notebook(cells=[
        _cell("answer_gd_q1 = 'a'", "answer_gd_q1", test=False),
        new_code_cell("import sys\nsys.modules['optcourse.learner_code.channel'] = None"),  # the channel cannot be imported
        _cell("quiz.check('gd_q1', answer_gd_q1)", "quiz_test", test=True)])
    RefereedExecute(timeout=60, call_timeout=3, kernel_name="python3").preprocess(notebook, {"metadata": {"path": str(tmp_path)}})
    assert [output.evalue for output in notebook.cells[-1].outputs] == [
        "the grader could not read `answer_gd_q1` from your notebook's kernel: the kernel did not answer the grader's request."]


def test_every_landscape_of_the_course_can_be_sent_as_a_recipe():
    for name in landscapes.__all__:
        if name != "Landscape":
            landscape = getattr(landscapes, name)()
            rebuilt = _through(landscape.gradient, rebuild_callables=True)
            point = np.array(landscape.start, dtype=float)
            assert np.allclose(rebuilt(point), landscape.gradient(point)), name


# ---------------------------------------------------------------- loading Keras early


def test_the_referee_starts_loading_tensorflow_only_for_notebooks_checked_against_keras(monkeypatch):
    from autograder import referee
    from optcourse.grading import checks
    from optcourse.lesson import keras_bridge

    assert [checks.compares_with_keras(name) for name in ("gd_step", "sgd_epoch", "run_learner", "adam_init", "adagrad_init", "no_such_check")] == [False] * 6
    assert all(checks.compares_with_keras(name) for name in ("adam_step", "cosine_decay", "fit_with_rule", "clip_by_global_norm"))
    started = []
    monkeypatch.setattr(keras_bridge, "start_importing_tensorflow", lambda: started.append(True))

    def notebook(test_source):
        cell = new_code_cell(test_source, metadata={"nbgrader": {"grade": True, "solution": False, "grade_id": "t", "points": 1}})
        prose = new_code_cell("checks.adam_step(adam_step)")  # not a test cell: the learner's own call
        return new_notebook(cells=[prose, cell])

    referee._load_keras_early_if_needed(notebook("checks.gd_step(gd_step)\nchecks.sgd_epoch(sgd_epoch)"))
    assert started == []
    referee._load_keras_early_if_needed(notebook("checks.gd_step(gd_step)\nchecks.adam_step(adam_step)"))
    assert started == []  # Keras's answers to this call are in the release's record (tests/test_keras_record.py)
    referee._load_keras_early_if_needed(notebook("checks.gd_step(gd_step)\nchecks.adam_step(adam_step, seed=999)"))
    assert started == [True]
