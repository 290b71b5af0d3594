"""The hidden-test cases of the module sources, read from them (never copied into the tests).

``hidden_cases("momentum_step")`` is the list of keyword arguments that the hidden tests of the
sources pass to ``checks.momentum_step``, in source order.
"""
from __future__ import annotations

import ast
import functools
import re

from autograder import release

_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.DOTALL)


def _literal(node: ast.expr):
    """A literal, where ``dict(a=1)`` counts as one (the schedule cases are written that way)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict" and not node.args:
        return {k.arg: _literal(k.value) for k in node.keywords}
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [_literal(item) for item in node.elts]
        return items if isinstance(node, ast.List) else tuple(items)
    return ast.literal_eval(node)


@functools.cache
def _all_cases() -> dict[str, list[dict]]:
    cases: dict[str, list[dict]] = {}
    for module in release.modules():
        for cell in release.read_source(module).cells:
            for block in _HIDDEN.findall(cell.source):
                for node in ast.walk(ast.parse(block)):
                    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                            and isinstance(node.func.value, ast.Name) and node.func.value.id == "checks"):
                        kwargs = {k.arg: _literal(k.value) for k in node.keywords}
                        cases.setdefault(node.func.attr, []).append(kwargs)
    return cases


def hidden_cases(check: str) -> list[dict]:
    found = _all_cases().get(check)
    assert found, f"no hidden test in the sources calls checks.{check}"
    return found
