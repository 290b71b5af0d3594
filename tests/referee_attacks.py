"""Submissions that attack the referee (autograder/referee.py), one per class of cheat in issue 13.

Each entry is ``student -> (maker of the notebook, fair score, known bug or "")``: the fair score is what the
learner's own work deserves (a cheat earns nothing; work the learner really did keeps its points).
A known bug is a submission the grader currently scores above its fair score; the test marks it
``xfail(strict=True)`` with this sentence, so fixing the grader turns it into a failure that asks
for the mark to be removed.

What counts as fair for a forged reply: whatever a hook or a patched channel sends back is the same
as the learner's function returning it, so it earns what that value earns.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable

import nbformat

from autograder import grade, release
from submissions import solution_with

ROOT = Path(__file__).resolve().parents[1]
MIME = "application/x-optcourse-referee+json"
SURVIVOR_MARK = "optcourse-referee-survivor-3c9e"  # in the command line of every process a submission leaves behind
SECRET_NAME, SECRET_VALUE = "OPTCOURSE_GRADER_SECRET", "grader-secret-5d1f0a"

# ---------------------------------------------------------------- pieces shared by several submissions

# The channel's reply "the call returned (its first argument, its third argument)": for a rule, the
# parameters and the state it was given, unchanged.
UNCHANGED = json.dumps({"result": {"t": "tuple", "items": [{"t": "argument", "index": 0}, {"t": "argument", "index": 2}]}})
IS_CALL = '''
def _is_referee_call(cell):
    return ".serve(" in (cell or "") and '"op": "call"' in (cell or "")
'''
GD_UPHILL = "def gd_step(params, grads, state, *, learning_rate):\n    return params + learning_rate * grads, state\n"
GD_RIGHT = "def gd_step(params, grads, state, *, learning_rate):\n    return params - learning_rate * grads, state\n"

# Loads a rule from the bytecode Python caches next to an emptied reference file (__pycache__).
FROM_BYTECODE = '''
import glob, marshal, os
from optcourse.lesson import reference

def _from_bytecode(rule_file):
    folder = os.path.join(os.path.dirname(reference.__file__), "__pycache__")
    for path in glob.glob(os.path.join(folder, rule_file + ".*.pyc")):
        with open(path, "rb") as compiled:
            code = marshal.loads(compiled.read()[16:])
        found = {"__name__": f"optcourse.lesson.reference.{rule_file}", "__package__": "optcourse.lesson.reference"}
        exec(code, found)
        return found
    return {}
'''
# Loads the test suite's own correct answers (tests/learner_answers.py), found from the package's location.
FROM_TEST_SUITE = '''
import os
import optcourse

def _from_test_suite():
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(optcourse.__file__))), "tests", "learner_answers.py")
    found = {"__name__": "answers_found_on_disk"}
    try:
        with open(path) as source:
            exec(source.read(), found)
    except OSError:
        pass
    return found
'''


def _after(module: str, replacements: dict[str, str], *, appended: dict[str, str] | None = None):
    """A maker of the module's solutions with some cells rewritten and code appended to others (by grade_id)."""
    return lambda: _notebook(module, replacements, appended)


def _notebook(module: str, replacements: dict[str, str], appended: dict[str, str] | None) -> nbformat.NotebookNode:
    nb = solution_with(module, replacements)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in (appended or {}):
            cell.source += "\n" + appended[grade_id]
    return nb


# ---------------------------------------------------------------- Module 1 (9 points: gd_step 2, gd_trajectory 3, quiz 4 × 1)

M1 = "01_gradient_descent"

REBINDS = GD_UPHILL + '''
import types
# The names the test cells call, replaced by things that pass everything.
checks = types.SimpleNamespace(gd_step=lambda *args, **kwargs: None, gd_trajectory=lambda *args, **kwargs: None)
quiz = types.SimpleNamespace(check=lambda *args, **kwargs: print("correct."))
AssertionError = Warning
'''

TRANSFORMER = GD_UPHILL + IS_CALL + f'''
from IPython import get_ipython

_MIME, _UNCHANGED = {MIME!r}, {UNCHANGED!r}
_FORGED = "from IPython.display import publish_display_data\\npublish_display_data(%r)\\n" % ({{_MIME: _UNCHANGED}},)

def _rewrite(lines):
    cell = "".join(lines)
    if "checks." in cell or "quiz.check(" in cell:   # a test cell, if it ever came here, would do nothing
        return ["pass\\n"]
    if _is_referee_call(cell):                         # a referee call answers "unchanged" without running anything
        return [_FORGED]
    return lines

get_ipython().input_transformers_cleanup.append(_rewrite)
'''

PRE_RUN = GD_UPHILL + IS_CALL + '''
import types
from IPython import get_ipython

def _before(info):
    names = get_ipython().user_ns
    names["checks"] = types.SimpleNamespace(gd_step=lambda *a, **k: None, gd_trajectory=lambda *a, **k: None)
    names["quiz"] = types.SimpleNamespace(check=lambda *a, **k: None)
    if _is_referee_call(info.raw_cell):
        names["gd_step"] = lambda params, grads, state, **kwargs: (params, state)

get_ipython().events.register("pre_run_cell", _before)
'''

POST_RUN = f'''
from IPython import get_ipython
from IPython.display import publish_display_data

def _after(result):
    result.error_in_exec = result.error_before_exec = None   # "clear the error"
    if _is_referee_call(result.info.raw_cell):              # and answer again, after the channel's own reply
        publish_display_data({{{MIME!r}: {UNCHANGED!r}}})

get_ipython().events.register("post_run_cell", _after)
'''

PUBLISHES_DURING_CALL = f'''
import sys
from IPython.display import display

import json

class _Forged:
    """An output of the referee's type whose reply says "not plain data" at great length."""
    def _repr_mimebundle_(self, include=None, exclude=None):
        return {{{MIME!r}: json.dumps({{"not_plain": "a set of things " * 200_000}}), "text/plain": "2"}}

def gd_step(params, grads, state, *, learning_rate):
    sys.displayhook(_Forged())   # an execute_result of the referee's type (and a numeric text)
    display(_Forged())           # a display_data of the referee's type
    raise KeyboardInterrupt      # so that the channel's own reply is never sent
'''

PATCHED_CHANNEL = GD_UPHILL + '''
import json
from IPython.display import publish_display_data
from optcourse.learner_code import channel

_honest_serve, _honest_encode = channel.serve, channel.encode

# A recipe the referee rebuilds on its side: a Keras optimizer, built for variables of any shape.
FORGED_OPTIMIZER = {"t": "keras_optimizer", "module": "keras.forged", "class": "SGD",
                    "config": {"t": "dict", "items": {"learning_rate": 0.1}}, "shapes": [[2, 2]], "iterations": 0}

def _serve(request):
    asked = json.loads(request)
    if asked.get("op") == "call":   # answer every call without calling anything
        made_up = FORGED_OPTIMIZER if asked["name"] == "gd_trajectory" else \
            {"t": "tuple", "items": [{"t": "argument", "index": 0}, {"t": "argument", "index": 2}]}
        publish_display_data({channel.MIME: json.dumps({"result": made_up})})
        return
    _honest_serve(request)

def _encode(value, **kwargs):                   # and claim every state is a fresh GDState
    if isinstance(value, tuple) and len(value) == 2 and not hasattr(value, "_fields"):
        value = (value[0], GDState())
    return _honest_encode(value, **kwargs)

channel.serve, channel.encode = _serve, _encode
'''

TRACE_HOOKS = '''
import sys, threading

_seen = {}

def _snoop(frame, event, arg):
    for name in ("expected", "expected_params", "oracle"):
        if name in frame.f_locals:
            _seen["expected"] = frame.f_locals[name]
    return _snoop

sys.settrace(_snoop)
sys.setprofile(lambda frame, event, arg: _snoop(frame, event, arg) and None)
threading.settrace(_snoop)

def gd_step(params, grads, state, *, learning_rate):
    frame = sys._getframe(1)
    while frame is not None:                   # the caller's frames: is the expected value there?
        for name in ("expected", "expected_params"):
            if name in frame.f_locals:
                return frame.f_locals[name], state
        frame = frame.f_back
    if "expected" in _seen:
        return _seen["expected"], state
    return params + learning_rate * grads, state
'''

NOT_PLAIN_RETURNS = {
    "gd_step": '''
import sys

class Agreeable:
    """Equal to everything; as an array, whatever the caller's frames hold as expected."""
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    def __float__(self):
        return 0.0
    def __array__(self, dtype=None, copy=None):
        frame = sys._getframe(1)
        while frame is not None:
            if "expected" in frame.f_locals:
                return np.asarray(frame.f_locals["expected"], dtype=dtype)
            frame = frame.f_back
        return np.zeros(3)

class SameState(GDState):
    def __eq__(self, other):
        return True

def gd_step(params, grads, state, *, learning_rate):
    return Agreeable(), SameState()
''',
    "gd_trajectory": '''
class AlwaysEqual(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)

def gd_trajectory(grad_fn, w0, *, learning_rate, num_steps):
    return np.zeros((num_steps + 1, len(w0))).view(AlwaysEqual)
''',
    "answer_gd_q2": '''
class Whatever(float):
    def __eq__(self, other):
        return True
    __hash__ = float.__hash__

answer_gd_q2 = Whatever(0.0)
''',
}

# Only when the referee calls: the notebook's own example cell calls gd_trajectory too, and a crash
# there (in a learner's cell, not a call) fails the whole notebook, as tests/test_adversarial_grading.py shows.
UNDER_REFEREE = '''
import sys

def _under_referee():
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "_answer":   # the channel's worker side is calling
            return True
        frame = frame.f_back
    return False
'''
KILLS_KERNEL_IN_CALL = UNDER_REFEREE + '''
def gd_trajectory(grad_fn, w0, *, learning_rate, num_steps):
    import os
    if _under_referee():
        os._exit(1)
    return np.array([w0])
'''

HANGS_IN_CALL = UNDER_REFEREE + '''
def gd_trajectory(grad_fn, w0, *, learning_rate, num_steps):
    import signal
    if _under_referee():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        while True:
            pass
    return np.array([w0])
'''

HUGE_RETURNS = {
    "gd_step": "def gd_step(params, grads, state, *, learning_rate):\n    return np.ones(125_000_000), state   # 1 GB\n",
    "gd_trajectory": '''
def gd_trajectory(grad_fn, w0, *, learning_rate, num_steps):
    nested = []
    for _ in range(50_000):
        nested = [nested]
    return nested
''',
    "answer_gd_q1": 'answer_gd_q1 = "b" * 50_000_000',
}

SURVIVORS = GD_RIGHT + f'''
import os, subprocess, sys

_SCRIPT = """
import os, signal, sys, time
for _ in range(600):
    for target in map(int, sys.argv[1].split(",")):
        if not os.path.exists(f"/proc/{{target}}"):   # a number this sandbox does not use: a process outside
            try:
                os.kill(target, signal.SIGKILL)
            except OSError:
                pass
    for path in sys.argv[2].split(","):
        try:
            open(path, "a").write("0")
        except OSError:
            pass
    time.sleep(0.2)
"""

def _survivor(*wrapper):
    return subprocess.Popen([*wrapper, sys.executable, "-c", _SCRIPT, TARGETS, VICTIMS, {SURVIVOR_MARK!r}],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)

_survivor("setsid")
_survivor("nohup")
if os.fork() == 0:            # a double fork: the grandchild belongs to nobody
    try:
        if os.fork() == 0:
            os.setsid()
            os.execv(sys.executable, [sys.executable, "-c", _SCRIPT, TARGETS, VICTIMS, {SURVIVOR_MARK!r}])
    finally:
        os._exit(0)
os.wait()
'''

# Remembers the cases gd_step is called with (the hidden tests' included), to print them in a later cell.
RECORDS_CASES = '''
_seen, _gd_step_itself = set(), gd_step

def gd_step(params, grads, state, *, learning_rate):
    _seen.add(f"{np.shape(params)}, {learning_rate}")
    return _gd_step_itself(params, grads, state, learning_rate=learning_rate)
'''

THIEF = '''
import os

def _readable(paths):
    for path in paths:
        try:
            if os.path.isdir(path) and os.listdir(path):
                return True
            with open(path, "rb") as found:
                if found.read(64):
                    return True
        except OSError:
            pass
    return False

def _writable(paths):
    for path in paths:
        try:
            with open(path, "a"):
                return True
        except OSError:
            pass
    return False

def _outside_processes():
    """The secret in any environment this kernel can read, or a grading process outside the sandbox."""
    if SECRET_VALUE in repr(dict(os.environ)):
        return True
    for pid in filter(str.isdigit, os.listdir("/proc")):
        for part in ("environ", "cmdline"):
            try:
                with open(f"/proc/{pid}/{part}", "rb") as found:
                    text = found.read().decode(errors="replace")
            except OSError:
                continue
            if SECRET_VALUE in text or "nbgrader\\x00autograde" in text or "-m\\x00pytest" in text:
                return True
    return False

stole_sources = _readable(SOURCES)
stole_grades = _readable(GRADES) or _writable(GRADES + SOURCES)
saw_outside = _outside_processes()
print("sources:", stole_sources, "grades:", stole_grades, "outside:", saw_outside)
answer_gd_q1 = "b" if stole_sources else "a"
'''

DIGESTS = '''
import glob, hashlib, json, os
import optcourse
from optcourse.grading import quiz

def _answers_from_digests():
    """Brute-force every question from the salted digests this kernel can find."""
    keys = dict(getattr(quiz, "KEYS", {}) or {})
    package = os.path.dirname(optcourse.__file__)
    repository = os.path.dirname(os.path.dirname(package))
    for path in [*glob.glob(os.path.join(package, "**", "quiz_keys.json"), recursive=True),
                 *(found for top in ("autograder", "course", "tests") for found in
                   glob.glob(os.path.join(repository, top, "**", "quiz_keys.json"), recursive=True))]:
        try:
            keys.update(json.load(open(path)))
        except (OSError, ValueError):
            pass
    found = {}
    for question, key in keys.items():
        key = key if isinstance(key, dict) else vars(key)
        guesses = list(key.get("choices", "")) or [f"{n / 100:.{key.get('digits', 3)}g}" for n in range(0, 2001)]
        for guess in guesses:
            if hashlib.sha256(f"optcourse-quiz-v1:{question}:{guess}".encode()).hexdigest() == key["digest"]:
                found[question] = guess if key.get("choices") else float(guess)
    return found

_found = _answers_from_digests()
print("questions recovered:", sorted(_found))
answer_gd_q1 = _found.get("gd_q1", "a")
'''

MALFORMED = {
    "answer_gd_q2": 'answer_gd_q2 = np.float64("nan")',
    "answer_gd_q3": 'answer_gd_q3 = ["d"]',
    "answer_gd_q4": 'answer_gd_q4 = b"c"',
}


def module_1(work: Path, submissions: Path) -> dict:
    sources = [str(release.BUILD / M1 / f"{M1}.ipynb"), str(ROOT / "solutions" / M1 / f"{M1}.py"),
               *(str(folder / name) for folder in grade._git_folders() for name in ("HEAD", "config", "objects"))]
    grades = [str(work / "gradebook.db"), str(work / "grades.csv"), str(work / "submitted" / "m1_rebinds_names" / M1 / f"{M1}.ipynb"),
              str(submissions / "m1_rebinds_names" / f"{M1}.ipynb"), str(work / "autograded" / "m1_rebinds_names")]
    thief_setup = f"SOURCES = {sources!r}\nGRADES = {grades!r}\nSECRET_VALUE = {SECRET_VALUE!r}\n"
    survivor_setup = f"TARGETS = {str(os.getpid())!r}\nVICTIMS = {','.join(grades)!r}\n"   # the test's own process
    uphill_quiz_kept = 4  # the step goes uphill, so gd_step and gd_trajectory (which calls it) earn nothing
    return {
        # The referee runs test cells with its own checks and quiz: rebinding them in the kernel changes nothing.
        "m1_rebinds_names": (_after(M1, {"gd_step": REBINDS, "answer_gd_q1": 'answer_gd_q1 = "a"'}), uphill_quiz_kept - 1, ""),
        "m1_input_transformer": (_after(M1, {"gd_step": TRANSFORMER}), uphill_quiz_kept, ""),
        "m1_run_cell_hooks": (_after(M1, {"gd_step": PRE_RUN + POST_RUN}), uphill_quiz_kept, ""),
        "m1_publishes_referee_mime": (_after(M1, {"gd_step": PUBLISHES_DURING_CALL}), 4, ""),
        "m1_patches_channel": (_after(M1, {"gd_step": PATCHED_CHANNEL}), uphill_quiz_kept, ""),
        "m1_trace_hooks": (_after(M1, {"gd_step": TRACE_HOOKS}), uphill_quiz_kept, ""),
        "m1_not_plain_returns": (_after(M1, NOT_PLAIN_RETURNS), 3, ""),
        # gd_step (2) and the quiz (4) are the learner's own work and are graded after the crash or the hang.
        "m1_kills_kernel_in_call": (_after(M1, {"gd_trajectory": KILLS_KERNEL_IN_CALL}), 6, ""),
        "m1_hangs_in_call": (_after(M1, {"gd_trajectory": HANGS_IN_CALL}), 6, ""),
        "m1_huge_returns": (_after(M1, HUGE_RETURNS), 3, ""),
        # Processes left running and signals sent: nothing outside is reached. Reading and writing what
        # the grader keeps, its environment, other processes: each success would answer question 1.
        "m1_thief_and_survivors": (_after(M1, {"gd_step": survivor_setup + SURVIVORS + RECORDS_CASES},
                                          appended={"answer_gd_q1": thief_setup + THIEF, "answer_gd_q4": 'print("cases seen:", sorted(_seen))'}),
                                   8, ""),
        # No digest to brute-force in the worker (question 1 falls back to a wrong letter); three malformed answers.
        "m1_quiz_digests_and_malformed": (_after(M1, MALFORMED, appended={"answer_gd_q1": DIGESTS}), 5, ""),
    }


# ---------------------------------------------------------------- Module 2 (10: minibatch_indices 3, sgd_epoch 3, quiz 4)

M2 = "02_sgd"

EMPTIES_BATCHES = '''
def sgd_epoch(params, X, y, batches, *, learning_rate):
    batches.clear()                   # no batches left to check against: "no steps, no losses"
    return params.copy(), np.zeros(0)
'''


def module_2() -> dict:
    return {
        "m2_empties_batches": (_after(M2, {"sgd_epoch": EMPTIES_BATCHES}), 7, ""),
    }


# ---------------------------------------------------------------- Module 3 (10: momentum_step 3, nesterov_step 3, quiz 4)

M3 = "03_momentum"

MOMENTUM_FROM_BYTECODE = FROM_BYTECODE + '''
_rules = _from_bytecode("momentum")

def momentum_step(params, grads, state, *, learning_rate, momentum):
    return _rules["momentum_step"](params, grads, state, learning_rate=learning_rate, momentum=momentum)
'''

# Every shipped answer tried in turn; what is left is the PyTorch form, which the check names.
M3_SHIPPED_ANSWERS = '''
def momentum_step(params, grads, state, *, learning_rate, momentum):
    try:
        from optcourse.lesson.reference import momentum_step as course_rule
        return course_rule(params, grads, state, learning_rate=learning_rate, momentum=momentum)
    except Exception:
        pass
    try:
        from optcourse.grading import rule_checks
        return rule_checks.momentum_step(params, grads, state, learning_rate=learning_rate, momentum=momentum)
    except Exception:
        pass
    try:
        import tensorflow as tf
        weights = tf.Variable(params)
        keras = tf.keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum)
        keras.apply_gradients([(tf.constant(grads), weights)])
        return weights.numpy(), state
    except Exception:
        pass
    try:
        from optcourse.lesson import keras_bridge
        moved, velocity = keras_bridge.keras_momentum_run(params, [grads], state.velocity, learning_rate=learning_rate,
                                                         momentum=momentum, nesterov=False)
        return moved[-1], MomentumState(velocity[-1])
    except Exception:
        pass
    velocity = momentum * state.velocity + grads
    return params - learning_rate * velocity, MomentumState(velocity)
'''


def module_3() -> dict:
    return {
        "m3_momentum_from_bytecode": (_after(M3, {"momentum_step": MOMENTUM_FROM_BYTECODE}), 7, ""),
        "m3_shipped_answers": (_after(M3, {"momentum_step": M3_SHIPPED_ANSWERS}), 7, ""),
    }


# ---------------------------------------------------------------- Module 4 (11: adagrad_init 1, adagrad_step 3, rmsprop_step 3, quiz 4)

M4 = "04_adagrad_rmsprop"

M4_FROM_TEST_SUITE = FROM_TEST_SUITE + '''
_answers = _from_test_suite()

def adagrad_init(params, initial_accumulator_value=0.1):
    return _answers["adagrad_init"](params, initial_accumulator_value)

def adagrad_step(params, grads, state, *, learning_rate, epsilon):
    return _answers["adagrad_step"](params, grads, state, learning_rate=learning_rate, epsilon=epsilon)

def rmsprop_step(params, grads, state, *, learning_rate, rho, epsilon):
    return _answers["rmsprop_step"](params, grads, state, learning_rate=learning_rate, rho=rho, epsilon=epsilon)
'''

def module_4() -> dict:
    return {
        "m4_answers_from_test_suite": (_after(M4, {"adagrad_init": M4_FROM_TEST_SUITE, "adagrad_step": "", "rmsprop_step": ""}), 4, ""),
    }


# ---------------------------------------------------------------- Module 5 (12: adam_init 1, adam_step 4, adamw_step 3, quiz 4;
# adamw_step builds on adam_step, so it fails with it)

M5 = "05_adam"

ADAM_FROM_BYTECODE = FROM_BYTECODE + '''
_rules = _from_bytecode("adam")

def adam_init(params):
    return _rules["adam_init"](params)

def adam_step(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):
    return _rules["adam_step"](params, grads, state, learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
'''

ADAM_FROM_TENSORFLOW = '''
def adam_step(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):
    try:
        import tensorflow as tf
        weights = tf.Variable(params)
        m, v = tf.Variable(state.m), tf.Variable(state.v)
        tf.raw_ops.ResourceApplyAdam(var=weights.handle, m=m.handle, v=v.handle, beta1_power=beta_1 ** (state.t + 1),
                                     beta2_power=beta_2 ** (state.t + 1), lr=learning_rate, beta1=beta_1, beta2=beta_2,
                                     epsilon=epsilon, grad=tf.constant(grads))
        return weights.numpy(), AdamState(m.numpy(), v.numpy(), state.t + 1)
    except Exception:   # no TensorFlow here: Adam without bias correction
        m = state.m + (1 - beta_1) * (grads - state.m)
        v = state.v + (1 - beta_2) * (grads**2 - state.v)
        return params - learning_rate * m / (np.sqrt(v) + epsilon), AdamState(m, v, state.t + 1)
'''


def module_5() -> dict:
    return {
        "m5_adam_from_bytecode": (_after(M5, {"adam_init": ADAM_FROM_BYTECODE, "adam_step": ""}), 4, ""),
        "m5_adam_from_tensorflow": (_after(M5, {"adam_step": ADAM_FROM_TENSORFLOW}), 5, ""),
    }


# ---------------------------------------------------------------- Module 6 (16: lr_range_test 3, exponential 2, cosine 3, restarts 2, clip_by_global_norm 2, quiz 4)

M6 = "06_tuning"

M6_SHIPPED_ANSWERS = {
    "exponential_decay": '''
def exponential_decay(step, *, initial_learning_rate, decay_steps, decay_rate, staircase=False):
    try:
        import keras
        return float(keras.optimizers.schedules.ExponentialDecay(initial_learning_rate, decay_steps, decay_rate, staircase)(step))
    except Exception:   # one step ahead, which the check names
        exponent = (step + 1) // decay_steps if staircase else (step + 1) / decay_steps
        return initial_learning_rate * decay_rate**exponent
''',
    "lr_range_test": '''
def lr_range_test(loss_fn, grad_fn, w0, *, min_lr, max_lr, num_steps):
    try:
        from optcourse.grading.schedule_checks import _range_test_oracle
        return _range_test_oracle(loss_fn, grad_fn, w0, min_lr, max_lr, num_steps)
    except Exception:
        rates = min_lr * (max_lr / min_lr) ** (np.arange(num_steps) / (num_steps - 1))
        return rates, np.array([float(loss_fn(w0))] * num_steps)
''',
}

def module_6() -> dict:
    return {
        "m6_shipped_answers": (_after(M6, M6_SHIPPED_ANSWERS), 11, ""),
    }


MODULES = (M1, M2, M3, M4, M5, M6)


def bank(module: str, work: Path, submissions: Path) -> dict[str, tuple[Callable[[], nbformat.NotebookNode], float, str]]:
    """student -> (maker of the notebook, fair score, known bug or ""); ``work`` and ``submissions``: where grading happens."""
    return {M1: lambda: module_1(work, submissions), M2: module_2, M3: module_3, M4: module_4, M5: module_5,
            M6: module_6}[module]()
