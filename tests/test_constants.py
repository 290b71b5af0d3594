"""optcourse.constants is the one home of Keras's defaults, the course's tolerances and what counts
as diverged: the values are Keras's, no other module restates them, and the prose agrees with them."""
from __future__ import annotations

import ast
import inspect
import math
import re
from pathlib import Path

import numpy as np
import pytest

from autograder import release
from optcourse import constants
from optcourse.constants import (
    ADAGRAD_EPSILON,
    ADAGRAD_INITIAL_ACCUMULATOR_VALUE,
    ADAGRAD_LEARNING_RATE,
    ADAM_BETA_1,
    ADAM_BETA_2,
    ADAM_EPSILON,
    ADAM_LEARNING_RATE,
    ADAMW_WEIGHT_DECAY,
    KERAS_DEFAULTS,
    MODEL_ATOL,
    MODEL_RTOL,
    RANGE_TEST_BLOW_UP,
    RMSPROP_CENTERED,
    RMSPROP_EPSILON,
    RMSPROP_LEARNING_RATE,
    RMSPROP_MOMENTUM,
    RMSPROP_RHO,
    RULE_ATOL,
    RULE_RTOL,
    SGD_LEARNING_RATE,
    SGD_MOMENTUM,
    diverged,
    scientific,
)
from optcourse.learner_code.calling import close

ROOT = Path(__file__).resolve().parents[1]


def _source(module: str) -> str:
    return release.source_path(module).read_text()


# ---------------------------------------------------------------- the values

@pytest.mark.tensorflow
@pytest.mark.parametrize("optimizer", sorted(KERAS_DEFAULTS))
def test_the_defaults_are_the_ones_keras_declares(optimizer):
    from optcourse.lesson.keras_bridge import import_tensorflow

    parameters = inspect.signature(getattr(import_tensorflow().keras.optimizers, optimizer).__init__).parameters
    for name, value in KERAS_DEFAULTS[optimizer].items():
        declared = parameters[name].default
        assert type(declared) is type(value) and declared == value, \
            f"tf.keras.optimizers.{optimizer} declares {name}={declared!r}; optcourse.constants says {value!r}"


def test_every_default_has_its_own_name():
    for optimizer, defaults in KERAS_DEFAULTS.items():
        for name, value in defaults.items():
            constant = f"{optimizer.upper()}_{name.upper()}"
            assert constant in constants.__all__ and getattr(constants, constant) is value, constant


def test_constants_imports_nothing_from_the_course():
    tree = ast.parse((ROOT / "src" / "optcourse" / "constants.py").read_text())
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 0]
    relative = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level > 0]
    assert not relative and not [name for name in imported if name.split(".")[0] == "optcourse"]


def test_the_checks_compare_at_the_rule_tolerance():
    expected = np.array([1.0, -2.0, 0.0, 300.0])
    allowed = RULE_ATOL + RULE_RTOL * np.abs(expected)
    assert close(expected + 0.9 * allowed, expected)
    assert not close(expected + 1.1 * allowed, expected)


def test_a_run_diverged_when_its_last_loss_is_not_finite_or_above_the_start():
    assert not diverged(2.0, 2.0) and diverged(2.0, 2.0001)
    assert diverged(2.0, np.inf) and diverged(2.0, np.nan)
    assert not diverged(2.0, 19.9, factor=10.0) and diverged(2.0, 20.1, factor=10.0)
    assert list(diverged(1.0, [0.5, 1.5, np.nan, 1.0])) == [False, True, True, False]


def test_numbers_are_written_as_the_prose_writes_them():
    assert [scientific(value) for value in (1e-4, 1e-5, 1e-7, 2.5e-3)] == ["1e-4", "1e-5", "1e-7", "2.5e-3"]


# ---------------------------------------------------------------- no module restates them

_NOTHING = object()
_TOLERANCES = ("rtol", "atol")


def _default_for(name: str, optimizer: str | None):
    """The Keras default a literal for ``name`` would restate.

    Inside a call of a Keras optimizer it is that optimizer's own; elsewhere only a value that all
    the course's optimizers with this hyperparameter share counts (the learning rates differ, so a
    case's ``learning_rate`` of 0.01 is not taken for SGD's default).
    """
    if optimizer is not None:
        return KERAS_DEFAULTS[optimizer].get(name, _NOTHING)
    values = {(type(d[name]), d[name]) for d in KERAS_DEFAULTS.values() if name in d}
    return values.pop()[1] if len(values) == 1 else _NOTHING


def _number(node):
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        return _NOTHING
    return value if isinstance(value, (int, float)) else _NOTHING


def restated(source: str) -> list[str]:
    """Literals in ``source`` restating a Keras default (keyword argument, dict value, parameter
    default of that hyperparameter's name) or giving an rtol/atol."""
    found = []

    def judge(name, node, optimizer=None):
        value = _number(node)
        if value is _NOTHING:
            return
        default = _default_for(name, optimizer)
        same = default is not _NOTHING and isinstance(value, bool) == isinstance(default, bool) and value == default
        if name in _TOLERANCES or same:
            found.append(f"line {node.lineno}: {name}={value!r}")

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            for keyword in node.keywords:
                if keyword.arg:
                    judge(keyword.arg, keyword.value, callee if callee in KERAS_DEFAULTS else None)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    judge(key.value, value)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            positional = args.posonlyargs + args.args
            pairs = [*zip(positional[len(positional) - len(args.defaults):], args.defaults),
                     *zip(args.kwonlyargs, args.kw_defaults)]
            for arg, default in pairs:
                if default is not None:
                    judge(arg.arg, default)
    return found


@pytest.mark.parametrize("code", [
    "tf.keras.optimizers.Adam(beta_2=0.999)", "SGD(learning_rate=0.01)", "RMSprop(learning_rate=0.001)",
    'hyper = {"epsilon": 1e-7}', "def step(w, *, rho=0.9): pass", "f = lambda w, beta_1=0.9: w", "run(momentum=0)",
    "Adam(amsgrad=False)", "np.allclose(a, b, rtol=1e-3)", "np.isclose(a, b, atol=0)",
    "def close(a, b, rtol=RULE_RTOL, atol=1e-6): pass", 'dict(initial_accumulator_value=0.1)',
])
def test_the_scan_finds_a_restated_default_or_tolerance(code):
    assert restated(code)


@pytest.mark.parametrize("code", [
    '{"learning_rate": 0.01, "rho": 0.8}', "Adam(learning_rate=0.01)", "SGD(momentum=0.9)", "f(epsilon=1e-2)",
    "f(epsilon=ADAM_EPSILON)", "np.allclose(a, b, rtol=RULE_RTOL, atol=RULE_ATOL)", "RMSprop(centered=True)",
    "f(centered=0)", "def step(w, *, momentum): pass",
])
def test_the_scan_leaves_other_values_alone(code):
    assert not restated(code)


def test_no_module_restates_a_keras_default_or_a_tolerance():
    files = sorted(path for path in [*(ROOT / "src" / "optcourse").rglob("*.py"), *(ROOT / "autograder").rglob("*.py")]
                   if path != ROOT / "src" / "optcourse" / "constants.py")
    assert len(files) > 20
    found = [f"{path.relative_to(ROOT)} {finding}" for path in files for finding in restated(path.read_text())]
    assert not found, "use optcourse.constants instead of: " + "; ".join(found)


# ---------------------------------------------------------------- the prose agrees with them

_STATED_TOLERANCE = re.compile(r"rtol[ =]([0-9.e+-]+),\s*atol[ =]([0-9.e+-]+)")


def test_every_tolerance_the_modules_state_is_the_one_their_checks_use():
    stating = set()
    for module in release.modules():
        # Module 7 compares a whole Keras model; the other modules' checks compare rules step by step.
        expected = (MODEL_RTOL, MODEL_ATOL) if module == "07_tradeoffs" else (RULE_RTOL, RULE_ATOL)
        for rtol, atol in _STATED_TOLERANCE.findall(_source(module)):
            assert (float(rtol), float(atol)) == expected, f"{module} states rtol {rtol}, atol {atol}"
            stating.add(module)
    assert stating >= {"01_gradient_descent", "03_momentum", "04_adagrad_rmsprop", "05_adam"}


def test_module_7_states_and_applies_the_model_tolerance_from_the_constants():
    source = _source("07_tradeoffs")
    assert "{within} (rtol {scientific(MODEL_RTOL)}, atol {scientific(MODEL_ATOL)})" in source
    assert "np.allclose(your_losses, keras_losses, rtol=MODEL_RTOL, atol=MODEL_ATOL)" in source


def _power_of_ten(value: float) -> str:
    exponent = round(math.log10(value))
    assert 10.0**exponent == value
    return f"10^{{{exponent}}}"


_ADAM_DEFAULTS = f"{ADAM_LEARNING_RATE}, {ADAM_BETA_1}, {ADAM_BETA_2}, {scientific(ADAM_EPSILON)}"

# What the prose (and a learner's starting code) says about a default, rendered from the constants.
CLAIMS = [
    ("01_gradient_descent", f"its default learning rate is {SGD_LEARNING_RATE};"),
    ("02_sgd", f"with its default learning rate {SGD_LEARNING_RATE}."),
    ("04_adagrad_rmsprop", f"(Keras default {RMSPROP_RHO})"),
    ("04_adagrad_rmsprop", f"adds $\\epsilon$ (default ${_power_of_ten(ADAGRAD_EPSILON)}$) *inside* the square root for"),
    ("04_adagrad_rmsprop", f"adds $\\epsilon$ (default ${_power_of_ten(RMSPROP_EPSILON)}$) *inside* the square root for"),
    ("04_adagrad_rmsprop", f"`tf.keras.optimizers.Adagrad(learning_rate={ADAGRAD_LEARNING_RATE}, "
                           f"initial_accumulator_value={ADAGRAD_INITIAL_ACCUMULATOR_VALUE}, epsilon={scientific(ADAGRAD_EPSILON)})`"),
    ("04_adagrad_rmsprop", f"`tf.keras.optimizers.RMSprop(learning_rate={RMSPROP_LEARNING_RATE}, rho={RMSPROP_RHO}, "
                           f"momentum={RMSPROP_MOMENTUM}, epsilon={scientific(RMSPROP_EPSILON)},"),
    ("04_adagrad_rmsprop", f"centered={RMSPROP_CENTERED})` (the defaults)"),
    # The check calls adagrad_init without the argument and compares it with Keras's Adagrad().
    ("04_adagrad_rmsprop", f"def adagrad_init(params, initial_accumulator_value={ADAGRAD_INITIAL_ACCUMULATOR_VALUE}):"),
    ("05_adam", f"$\\beta_1$ (default {ADAM_BETA_1});"),
    ("05_adam", f"$\\beta_2$ (default {ADAM_BETA_2})."),
    ("05_adam", f"Defaults: $\\eta = {ADAM_LEARNING_RATE}$, $\\beta_1 = {ADAM_BETA_1}$, $\\beta_2 = {ADAM_BETA_2}$, "
                f"$\\epsilon = {_power_of_ten(ADAM_EPSILON)}$."),
    ("05_adam", f"`tf.keras.optimizers.Adam()` (defaults {_ADAM_DEFAULTS})"),
    ("05_adam", f"Defaults {_ADAM_DEFAULTS}."),
    ("05_adam", f"default {ADAMW_WEIGHT_DECAY}). Every Keras 3 optimizer accepts `weight_decay=`"),
    ("06_tuning", f"(Adam's default {ADAM_LEARNING_RATE},"),
    ("06_tuning", f"larger than {RANGE_TEST_BLOW_UP:g} × the lowest loss recorded so far"),
    ("06_tuning", f"> {RANGE_TEST_BLOW_UP:g} × the lowest."),
    ("06_tuning", f"losses[-1] > {RANGE_TEST_BLOW_UP:g} * min(losses)"),
    ("07_tradeoffs", f"learning rate of {SGD_LEARNING_RATE} with " + ("no momentum" if SGD_MOMENTUM == 0 else f"momentum {SGD_MOMENTUM}")),
]

# Lines that say "default" next to a number that is no optimizer default.
NOT_AN_OPTIMIZER_DEFAULT = ["Keras's default batch size of 32",  # model.fit's batch_size
                            "with Keras's default of 32;",       # model.fit's batch_size, in a quiz option
                            "defaults — section 5 tunes SGD"]   # a section number


@pytest.mark.parametrize("module, phrase", CLAIMS)
def test_the_prose_states_the_defaults_the_constants_hold(module, phrase):
    assert phrase in _source(module), f"{module} no longer says {phrase!r}: reword the claim or the prose"


def test_every_default_the_prose_states_with_a_number_is_in_the_claims():
    known = [phrase for _, phrase in CLAIMS] + NOT_AN_OPTIMIZER_DEFAULT
    unchecked = []
    for module in release.modules():
        for number, line in enumerate(_source(module).splitlines(), start=1):
            prose = line.startswith("#") and not line.startswith("# %%")
            if prose and "default" in line.lower() and re.search(r"\d", line) and not any(p in line for p in known):
                unchecked.append(f"{module}:{number}: {line.strip()}")
    assert not unchecked, "add these to CLAIMS (or to NOT_AN_OPTIMIZER_DEFAULT): " + "; ".join(unchecked)
