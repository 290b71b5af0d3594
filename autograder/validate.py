"""Validate notebooks with nbgrader and exit non-zero on failure.

``nbgrader validate`` always exits 0 (upstream issue #1908), so CI cannot rely on it. This runs
nbgrader's own Validator with the course configuration and fails when it should:

    python autograder/validate.py solutions/*/*.ipynb          # every graded cell must pass
    python autograder/validate.py --invert course/*/*.ipynb    # every graded cell must fail

Run it from anywhere; it reads the repository's ``nbgrader_config.py``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nbgrader.validator import Validator
from traitlets.config.loader import PyFileConfigLoader

ROOT = Path(__file__).resolve().parents[1]


def validate(path: Path, *, invert: bool = False) -> list[str]:
    """Return one line per problem with ``path``; an empty list means it validated."""
    if not path.is_file():
        return [f"{path}: no such notebook"]
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    results = Validator(config=config, invert=invert).validate(str(path.resolve()))
    problems = []
    for kind in ("type_changed", "changed"):
        problems += [f"{path}: a {kind.replace('_', ' ')} cell: {cell['source'][:60]!r}" for cell in results.get(kind, [])]
    if invert:
        problems += [f"{path}: this graded cell passes on the release: {cell['source'][:70]!r}"
                     for cell in results.get("passed", [])]
    else:
        problems += [f"{path}: graded cell fails: {cell['source'][:60]!r}\n{cell['raw_error'][-800:]}"
                     for cell in results.get("failed", [])]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--invert", action="store_true", help="require every graded cell to fail")
    args = parser.parse_args(argv)
    problems = [problem for notebook in args.notebooks for problem in validate(notebook, invert=args.invert)]
    for problem in problems:
        print(problem)
    expectation = "fails every graded cell" if args.invert else "passes"
    print(f"{len(args.notebooks) - len({p.split(':')[0] for p in problems})} of {len(args.notebooks)} notebook(s) {expectation}.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
