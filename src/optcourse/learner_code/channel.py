"""Plain data across a process boundary: how the grader's referee calls a learner's function.

At grading time the learner's code runs in a sandboxed kernel (the *worker*) and the checks run in
the grader's own process (the *referee*, autograder/referee.py). The referee calls a learner's
function by sending its arguments here as JSON; ``serve`` (run in the worker) rebuilds them, calls
the function and sends back what it returned. Only plain data crosses, in both directions:

* ``None``, bools, ints, floats (NaN and infinities included), complex numbers, strings;
* numpy arrays and scalars of booleans, integers, floats or complex numbers, and arrays of text;
* tuples, lists (a generator or other iterator is read out into one), string-keyed dicts and
  NamedTuples of those (the course's state classes come back
  as themselves, any other NamedTuple as a look-alike with the same name and fields);
* things the checks hand to learner functions, sent as recipes and rebuilt on arrival: a
  ``numpy.random.Generator`` (its exact state), a course landscape's ``value``/``gradient`` (which
  landscape, which parameters), a course update rule (``optim``'s ``*_init``, ``reference``'s
  ``*_step``: which one) and, in Module 7, a Keras optimizer (class, configuration, the
  shapes it was built for, its step count) and a model the course built (which builder, its
  settings, its weights);
* TensorFlow tensors and variables a learner's function returns, as the arrays they hold.

Anything else a learner's function returns arrives as a stand-in that has only a type name, so a
check can say "returned a Foo" and nothing more. Sizes are limited; whatever breaks a rule raises
``NotPlainData``. Nothing received is ever executed or unpickled.
"""
from __future__ import annotations

import base64
import builtins
import collections
import collections.abc
import contextlib
import functools
import io
import json
import keyword
import warnings

import numpy as np

__all__ = ["encode", "decode", "serve", "NotPlainData", "MIME", "MAX_MESSAGE_BYTES"]

MIME = "application/x-optcourse-referee+json"
MAX_MESSAGE_BYTES = 16 * 2**20  # one call's arguments or result, as JSON
MAX_ITEMS = 200_000             # containers' items in one message
MAX_DEPTH = 20
MAX_TEXT = 100_000              # characters of one string
_KINDS = "biufc"                # numpy kinds that are plain numbers: bool, int, unsigned, float, complex


class NotPlainData(ValueError):
    """What was sent or returned is not plain data, or is too big."""


class _Budget:
    def __init__(self):
        self.items = 0
        self.bytes = 0

    def spend(self, items: int = 1, nbytes: int = 0) -> None:
        self.items += items
        self.bytes += nbytes
        if self.items > MAX_ITEMS or self.bytes > MAX_MESSAGE_BYTES:
            raise NotPlainData("too much data")


@functools.cache
def _state_classes() -> dict:
    from ..lesson import optim

    return {name: cls for name in optim.__all__ if hasattr((cls := getattr(optim, name)), "_fields")}


def _identifier(name, fallback: str) -> str:
    return name if isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name) and len(name) < 80 else fallback


# ---------------------------------------------------------------- encoding

def encode(value, *, arguments: tuple = ()):
    """``value`` as JSON-ready plain data. ``arguments``: objects of the call, sent back by position."""
    return _encode(value, _Budget(), 0, arguments)


def _encode(value, budget: _Budget, depth: int, arguments: tuple):
    if depth > MAX_DEPTH:
        raise NotPlainData("nested too deeply")
    budget.spend()
    for index, argument in enumerate(arguments):
        if value is argument and not isinstance(value, (bool, int, float, str, type(None))):
            return {"t": "argument", "index": index}
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, np.generic):
        if value.dtype.kind not in _KINDS:
            return _opaque(value)
        return {"t": "scalar", "dtype": value.dtype.str, "v": _encode(value.item(), budget, depth + 1, ())}
    if isinstance(value, int):
        if abs(value) > 2**256:  # a generator's state holds 128-bit numbers
            raise NotPlainData("an integer too large")
        return int(value)
    if isinstance(value, float):
        return float(value) if np.isfinite(value) else {"t": "float", "v": repr(float(value))}
    if isinstance(value, complex):
        return {"t": "complex", "re": _encode(value.real, budget, depth + 1, ()), "im": _encode(value.imag, budget, depth + 1, ())}
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise NotPlainData("a string too long")
        budget.spend(nbytes=len(value))
        return str(value)
    if isinstance(value, np.ndarray) and value.dtype.kind == "U":  # text arrays: the checks name their type
        budget.spend(items=value.size, nbytes=value.nbytes)
        return {"t": "text_array", "dtype": value.dtype.str, "shape": list(value.shape),
                "items": [str(item) for item in value.ravel().tolist()]}
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in _KINDS or value.dtype.byteorder not in "=|<":
            return _opaque(value)
        budget.spend(items=value.size, nbytes=value.nbytes * 4 // 3)
        data = np.ascontiguousarray(value).astype(value.dtype.newbyteorder("<"), copy=False).tobytes()
        return {"t": "array", "dtype": value.dtype.newbyteorder("<").str, "shape": list(value.shape),
                "b64": base64.b64encode(data).decode()}
    if isinstance(value, tuple):
        items = [_encode(item, budget, depth + 1, arguments) for item in value]
        if hasattr(type(value), "_fields"):
            return {"t": "named", "name": type(value).__name__, "fields": list(type(value)._fields), "items": items}
        return {"t": "tuple", "items": items}
    if isinstance(value, (list, range, collections.abc.Iterator)):  # a lazy sequence is read out here, as a list
        items = []
        for item in value:
            budget.spend()
            items.append(_encode(item, budget, depth + 1, arguments))
        return {"t": "list", "items": items}
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            return _opaque(value)
        return {"t": "dict", "items": {key: _encode(item, budget, depth + 1, arguments) for key, item in value.items()}}
    if isinstance(value, np.random.Generator) and type(value.bit_generator).__name__ == "PCG64":
        return {"t": "generator", "state": _encode(value.bit_generator.state, budget, depth + 1, ())}
    recipe = getattr(value, "__optcourse_recipe__", None)
    if callable(value) and isinstance(recipe, tuple) and len(recipe) == 3:
        factory, kwargs, role = recipe
        return {"t": "landscape", "factory": factory, "kwargs": _encode(dict(kwargs), budget, depth + 1, ()), "role": role}
    if _is_keras_optimizer(value):
        return _encode_optimizer(value, budget, depth)
    rule = _rule_name(value)
    if rule is not None:
        return {"t": "rule", "home": rule[0], "name": rule[1]}
    if _model_recipe(value) is not None:
        return _encode_model(value, budget, depth)
    if _is_tensor(value):
        return _encode(np.asarray(value.numpy()), budget, depth + 1, ())
    return _opaque(value)


# The course's update rules a check may hand to a learner's training loop, by where they live.
_RULE_HOMES = {"optim": "optcourse.lesson.optim", "reference": "optcourse.lesson.reference"}


def _rule_home(home: str):
    import importlib

    return importlib.import_module(_RULE_HOMES[home])


def _rule_name(value) -> tuple[str, str] | None:
    if not callable(value) or isinstance(value, type):
        return None
    module, name = str(getattr(value, "__module__", "")), getattr(value, "__name__", None)
    for home, package in _RULE_HOMES.items():
        if (module == package or module.startswith(package + ".")) and isinstance(name, str):
            try:
                found = getattr(_rule_home(home), name, None) if name in _rule_home(home).__all__ else None
            except (ImportError, AttributeError):
                found = None
            if found is value:
                return home, name
    return None


def _is_tensor(value) -> bool:
    import sys

    tf = sys.modules.get("tensorflow")
    return tf is not None and getattr(tf, "__file__", None) is not None and isinstance(value, (tf.Tensor, tf.Variable)) \
        and value.dtype.is_numpy_compatible and hasattr(value, "numpy")


def _model_recipe(value):
    """The (builder, settings) a course-built Keras model carries (keras_bridge), or None."""
    recipe = getattr(value, "optcourse_recipe", None) if type(value).__module__.startswith("keras.") else None
    return recipe if isinstance(recipe, tuple) and len(recipe) == 2 else None


def _encode_model(model, budget: _Budget, depth: int) -> dict:
    builder, settings = _model_recipe(model)
    return {"t": "keras_model", "builder": builder, "settings": _encode(dict(settings), budget, depth + 1, ()),
            "weights": _encode([np.asarray(w) for w in model.get_weights()], budget, depth + 1, ())}


def _opaque(value) -> dict:
    return {"t": "opaque", "type": type(value).__name__[:80]}


def _is_keras_optimizer(value) -> bool:
    import sys

    base = sys.modules.get("keras.src.optimizers.base_optimizer")
    return base is not None and isinstance(value, base.BaseOptimizer)


def _encode_optimizer(optimizer, budget: _Budget, depth: int) -> dict:
    cls = type(optimizer)
    built = bool(getattr(optimizer, "built", False))
    shapes = [list(v.shape) for v in getattr(optimizer, "_trainable_variables", [])] if built else None
    return {"t": "keras_optimizer", "module": cls.__module__, "class": cls.__name__,
            "config": _encode(optimizer.get_config(), budget, depth + 1, ()),
            "shapes": shapes, "iterations": int(optimizer.iterations.numpy()) if built else 0}


# ---------------------------------------------------------------- decoding

def decode(data, *, arguments: tuple = (), rebuild_callables: bool = False):
    """The value ``data`` describes. ``rebuild_callables``: landscapes are rebuilt (the worker's side)."""
    return _decode(data, _Budget(), 0, arguments, rebuild_callables)


def _decode(data, budget: _Budget, depth: int, arguments: tuple, rebuild: bool):
    if depth > MAX_DEPTH:
        raise NotPlainData("nested too deeply")
    budget.spend()
    if data is None or isinstance(data, (bool, int, float)):
        return data
    if isinstance(data, str):
        if len(data) > MAX_TEXT:
            raise NotPlainData("a string too long")
        return data
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        raise NotPlainData(f"an unexpected {type(data).__name__}")
    tag = data["t"]
    if tag == "float" and data.get("v") in ("nan", "inf", "-inf"):
        return float(data["v"])
    if tag == "complex":
        parts = [_decode(data.get(part), budget, depth + 1, (), rebuild) for part in ("re", "im")]
        if not all(isinstance(part, float) for part in parts):
            raise NotPlainData("a complex number that is not valid")
        return complex(*parts)
    if tag == "scalar":
        dtype = _dtype(data.get("dtype"))
        return dtype.type(_decode(data.get("v"), budget, depth + 1, (), rebuild))
    if tag == "array":
        return _array(data, budget)
    if tag == "text_array":
        return _text_array(data, budget)
    if tag in ("tuple", "list", "named"):
        items = data.get("items")
        if not isinstance(items, list):
            raise NotPlainData("a container without items")
        values = [_decode(item, budget, depth + 1, arguments, rebuild) for item in items]
        if tag == "list":
            return values
        if tag == "tuple":
            return tuple(values)
        return _named(data.get("name"), data.get("fields"), values)
    if tag == "dict":
        items = data.get("items")
        if not isinstance(items, dict):
            raise NotPlainData("a dict without items")
        return {str(key): _decode(item, budget, depth + 1, arguments, rebuild) for key, item in items.items()}
    if tag == "argument":
        index = data.get("index")
        if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(arguments):
            return arguments[index]
        raise NotPlainData("a reference to an argument that was not sent")
    if tag == "generator":
        state = _decode(data.get("state"), budget, depth + 1, (), rebuild)
        generator = np.random.Generator(np.random.PCG64())
        try:
            generator.bit_generator.state = state
        except (TypeError, ValueError, KeyError) as error:
            raise NotPlainData("a random generator's state that is not valid") from error
        return generator
    if tag == "landscape" and rebuild:
        return _landscape(data, budget, depth)
    if tag == "keras_optimizer":
        return _optimizer(data, budget, depth, worker=rebuild)
    if tag == "rule":
        return _rule(data)
    if tag == "keras_model":
        return _model(data, budget, depth, worker=rebuild)
    return _stand_in(data.get("type") if tag == "opaque" else tag)


def _dtype(name) -> np.dtype:
    try:
        dtype = np.dtype(name)
    except TypeError as error:
        raise NotPlainData("an array type that is not a number type") from error
    if not isinstance(name, str) or dtype.kind not in _KINDS:
        raise NotPlainData("an array type that is not a number type")
    return dtype


def _array(data: dict, budget: _Budget) -> np.ndarray:
    dtype, shape = _dtype(data.get("dtype")), data.get("shape")
    if not (isinstance(shape, list) and len(shape) <= 32 and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape)):
        raise NotPlainData("an array with a shape that is not valid")
    text = data.get("b64")
    if not isinstance(text, str) or len(text) > MAX_MESSAGE_BYTES:
        raise NotPlainData("an array without data")
    budget.spend(items=int(np.prod(shape, dtype=np.int64)), nbytes=len(text))
    try:
        raw = base64.b64decode(text, validate=True)
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    except ValueError as error:
        raise NotPlainData("an array whose data does not match its shape") from error


def _text_array(data: dict, budget: _Budget) -> np.ndarray:
    items, shape, dtype = data.get("items"), data.get("shape"), data.get("dtype")
    if not (isinstance(items, list) and all(isinstance(item, str) and len(item) <= MAX_TEXT for item in items)
            and isinstance(shape, list) and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape)
            and isinstance(dtype, str) and dtype.lstrip("<>=|").startswith("U")):
        raise NotPlainData("a text array that is not valid")
    budget.spend(items=len(items), nbytes=sum(map(len, items)))
    try:
        return np.array(items, dtype=dtype).reshape(shape)
    except (TypeError, ValueError) as error:
        raise NotPlainData("a text array whose items do not match its shape") from error


_LOOK_ALIKES: dict = {}


def _named(name, fields, values: list):
    if not (isinstance(fields, list) and len(fields) == len(values) and all(isinstance(f, str) for f in fields)):
        raise NotPlainData("a NamedTuple whose fields do not match its items")
    known = _state_classes().get(name)
    if known is not None and list(known._fields) == fields:
        return known(*values)
    safe = tuple(_identifier(f, f"field_{i}") for i, f in enumerate(fields))
    key = (_identifier(name, "NamedTuple"), safe)
    if len(set(safe)) != len(safe):
        raise NotPlainData("a NamedTuple with repeated fields")
    if key not in _LOOK_ALIKES:
        _LOOK_ALIKES[key] = collections.namedtuple(key[0], safe)
    return _LOOK_ALIKES[key](*values)


_STAND_INS: dict = {}


def _stand_in(type_name):
    """An object that has only a type name: what a learner's function returned was not plain data."""
    name = _identifier(type_name, "object")
    if name not in _STAND_INS:
        _STAND_INS[name] = type(name, (), {"__repr__": lambda self: f"<{type(self).__name__}>",
                                           "__module__": "learner's notebook"})
    return _STAND_INS[name]()


def _landscape(data: dict, budget: _Budget, depth: int):
    from ..lesson import landscapes

    factory, role = data.get("factory"), data.get("role")
    make = getattr(landscapes, factory, None) if isinstance(factory, str) and factory in landscapes.__all__ else None
    kwargs = _decode(data.get("kwargs"), budget, depth + 1, (), False)
    if make is None or role not in ("value", "gradient") or not isinstance(kwargs, dict):
        raise NotPlainData("a landscape the course does not have")
    return getattr(make(**kwargs), role)


MAX_OPTIMIZER_NUMBERS = 1_000_000  # what the optimizer a message describes may hold in its variables


def _optimizer(data: dict, budget: _Budget, depth: int, *, worker: bool):
    import sys

    module = data.get("module")
    # The referee rebuilds one only where a check handed Keras optimizers out (Keras loaded already):
    # nowhere else does a described optimizer make the grader import TensorFlow.
    keras_loaded = "keras.src.optimizers.base_optimizer" in sys.modules
    if not (isinstance(module, str) and module.startswith("keras.")) or not (worker or keras_loaded):
        return _stand_in(data.get("class"))
    shapes = data.get("shapes")
    if shapes is not None and not (isinstance(shapes, list) and len(shapes) <= 1000 and all(
            isinstance(shape, list) and len(shape) <= 8 and all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n for n in shape)
            for shape in shapes) and sum(int(np.prod(shape, dtype=np.int64)) for shape in shapes) <= MAX_OPTIMIZER_NUMBERS):
        raise NotPlainData("an optimizer built for variables that are not valid")
    from ..lesson.keras_bridge import import_tensorflow

    tf = import_tensorflow()
    cls = getattr(tf.keras.optimizers, str(data.get("class")), None)
    if not (isinstance(cls, type) and issubclass(cls, tf.keras.optimizers.Optimizer)):
        return _stand_in(data.get("class"))
    config = _decode(data.get("config"), budget, depth + 1, (), False)
    try:
        optimizer = cls.from_config(config)
    except (TypeError, ValueError, KeyError) as error:
        raise NotPlainData("an optimizer configuration that is not valid") from error
    if isinstance(shapes, list):
        optimizer.build([tf.Variable(np.zeros(shape, dtype="float32")) for shape in shapes])
        optimizer.iterations.assign(int(data.get("iterations") or 0))
    return optimizer


def _rule(data: dict):
    home, name = data.get("home"), data.get("name")
    try:
        module = _rule_home(home) if home in _RULE_HOMES else None
        found = getattr(module, name) if module is not None and isinstance(name, str) and name in module.__all__ else None
    except (ImportError, AttributeError):
        found = None
    if not callable(found) or isinstance(found, type):
        raise NotPlainData("an update rule the course does not have")
    return found


_MODEL_BUILDERS = ("small_classifier",)  # keras_bridge's builders a message may name


def _model(data: dict, budget: _Budget, depth: int, *, worker: bool):
    import sys

    builder = data.get("builder")
    if not (worker or "keras.src.models.model" in sys.modules) or builder not in _MODEL_BUILDERS:
        return _stand_in("Sequential")
    settings = _decode(data.get("settings"), budget, depth + 1, (), False)
    weights = _decode(data.get("weights"), budget, depth + 1, (), False)
    if not (isinstance(settings, dict) and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 1000
                                               for v in settings.values()) and isinstance(weights, list)):
        raise NotPlainData("a model description that is not valid")
    from ..lesson import keras_bridge

    try:
        model = getattr(keras_bridge, builder)(**settings)
        model.set_weights([np.asarray(w, dtype="float32") for w in weights])
    except (TypeError, ValueError) as error:
        raise NotPlainData("a model description that is not valid") from error
    return model


# ---------------------------------------------------------------- the worker's side

# The functions as they stood at each test cell: the referee calls them after the last cell has run
# (so no learner cell can show what the calls were given), but as the notebook defined them there.
_KEPT: dict = {}


def _answer(request: dict, namespace: dict) -> dict:
    """Carry out one request: describe a name (keeping a function under ``keep``), or call a function."""
    name, kept = request.get("name"), request.get("kept")
    if isinstance(kept, str) and kept in _KEPT:
        target = _KEPT[kept]
    elif not isinstance(name, str) or name not in namespace:
        return {"missing": True}
    else:
        target = namespace[name]
    if request.get("op") == "describe":
        if callable(target) and not isinstance(target, type):
            if isinstance(request.get("keep"), str):
                _KEPT[request["keep"]] = target
            return {"callable": True, "module": str(getattr(target, "__module__", "") or "")}
        try:
            return {"value": encode(target)}
        except NotPlainData as problem:
            return {"not_plain": str(problem)}
    args = decode(request.get("args", {"t": "tuple", "items": []}), rebuild_callables=True)
    kwargs = decode(request.get("kwargs", {"t": "dict", "items": {}}), rebuild_callables=True)
    sent = json.dumps(encode(args))
    with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()) as stderr:
        warnings.simplefilter("ignore")
        try:
            result = target(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - reported to the referee as data
            # A KeyError quotes its key in str(); the referee rebuilds it from the key, so send the key itself.
            key = error.args[0] if isinstance(error, KeyError) and len(error.args) == 1 and isinstance(error.args[0], str) else None
            return {"raised": {"type": type(error).__name__, "message": (str(error) if key is None else key)[:500]}}
    reply = {"result": encode(result, arguments=args), "stderr": bool(stderr.getvalue())}
    after = encode(args)
    if json.dumps(after) != sent:  # the call changed its arguments in place: the referee's copies change too
        reply["arguments_after"] = after
    return reply


def serve(request: str) -> None:
    """Answer one referee request (JSON text) with a display message of type ``MIME``."""
    from IPython import get_ipython
    from IPython.display import publish_display_data

    shell = get_ipython()
    try:
        reply = _answer(json.loads(request), shell.user_ns if shell is not None else {})
        text = json.dumps(reply)
    except NotPlainData as problem:
        text = json.dumps({"not_plain": str(problem)})
    except RecursionError:
        text = json.dumps({"not_plain": "nested too deeply"})
    if len(text) > MAX_MESSAGE_BYTES:
        text = json.dumps({"not_plain": "too much data"})
    publish_display_data({MIME: text})


def builtin_exception(name: str):
    """The built-in exception class called ``name``, if there is one (for messages naming it)."""
    found = getattr(builtins, name, None)
    return found if isinstance(found, type) and issubclass(found, Exception) else None
