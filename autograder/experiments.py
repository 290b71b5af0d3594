"""An nbgrader preprocessor (autograde only) that leaves the course's experiments unrun.

Cells tagged ``skip-when-grading`` in solutions/ are experiments: sliders, sweeps, Keras demos and
Module 7's training runs. Nothing graded depends on them, and no one looks at their figures
while a class is graded, yet they are most of a notebook's run time. This marks them with
nbclient's own skip tag, so the grader's kernel never runs them; their source stays in the graded
notebook and the feedback, with a comment saying why there is no output.

Two exceptions keep grades equal to what Validate (which runs everything) would give:
- Grade, solution and locked cells are always run: the tag is removed from them, so a learner who
  tags a test cell cannot skip it into full marks.
- An experiment that defines a name the cells that do run use (say, a quiz answer computed from
  a sweep's results, or a helper function written in a slider cell) is run, with a comment naming
  what it provides; so is whatever that experiment needs from other experiments.
"""
from __future__ import annotations

import symtable

from IPython.core.inputtransformer2 import TransformerManager
from nbgrader.preprocessors import NbGraderPreprocessor

TAG = "skip-when-grading"
SKIP = "skip-execution"      # the tag nbclient (and so nbgrader's Execute) does not run
NOTE = "# (An experiment: not run while grading. Run it in JupyterLab to see it.)\n"
NEEDED_NOTE = "# (An experiment, run while grading because it defines {names}, used by cells that run.)\n"
_NOTE_START = "# (An experiment"
_GRADED = ("grade", "solution", "locked", "task")


def _names(source: str) -> tuple[set[str], set[str]]:
    """The names a cell binds and the names it reads in the notebook's namespace (none if it does not parse).

    Bound: assignments, imports, functions, classes and ``global`` names assigned inside them.
    Read: at the top level, or as globals inside its functions; their parameters and locals do not count.
    IPython magics are turned into calls first.
    """
    try:
        table = symtable.symtable(TransformerManager().transform_cell(source), "<cell>", "exec")
    except (SyntaxError, ValueError):
        return set(), set()
    top, inner = table.get_symbols(), list(_inner(table))
    bound = ({symbol.get_name() for symbol in top if symbol.is_assigned() or symbol.is_imported()}
             | {symbol.get_name() for symbol in inner if symbol.is_declared_global() and symbol.is_assigned()})
    used = ({symbol.get_name() for symbol in top if symbol.is_referenced()}
            | {symbol.get_name() for symbol in inner if symbol.is_global() and symbol.is_referenced()})
    return bound, used


def _inner(table: symtable.SymbolTable):
    """The symbols of every function, class, lambda and comprehension inside ``table``."""
    for child in table.get_children():
        yield from child.get_symbols()
        yield from _inner(child)


def _is_graded(cell) -> bool:
    return any(cell.metadata.get("nbgrader", {}).get(kind) for kind in _GRADED)


class SkipExperiments(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        experiments = []
        for cell in nb.cells:
            tags = cell.metadata.get("tags", [])
            if _is_graded(cell):
                cell.metadata["tags"] = [tag for tag in tags if tag not in (TAG, SKIP)]
            elif cell.cell_type == "code" and TAG in tags:
                experiments.append(cell)
                if cell.source.startswith(_NOTE_START):  # graded before: drop our old note
                    cell.source = cell.source.partition("\n")[2]
        for cell, provides in zip(experiments, _needed(nb, experiments)):
            tags = [tag for tag in cell.metadata["tags"] if tag != SKIP]
            if provides:
                cell.source = NEEDED_NOTE.format(names=", ".join(f"`{name}`" for name in sorted(provides))) + cell.source
            else:
                tags.append(SKIP)
                cell.source = NOTE + cell.source
            cell.metadata["tags"] = tags
        return nb, resources


def _needed(nb, experiments) -> list[set[str]]:
    """For each experiment, the names it binds that the cells that run use (empty: skip it).

    Starts from every code cell that is not an experiment and adds experiments until nothing that
    runs reads a name only a skipped experiment binds.
    """
    names = {id(cell): _names(cell.source) for cell in nb.cells if cell.cell_type == "code"}
    is_experiment = {id(cell) for cell in experiments}
    running = [names[key] for key in names if key not in is_experiment]
    provided = set().union(*(bound for bound, _ in running))
    wanted = set().union(*(used for _, used in running)) - provided
    provides = [set() for _ in experiments]
    changed = True
    while changed:
        changed = False
        for index, cell in enumerate(experiments):
            bound, used = names[id(cell)]
            if not provides[index] and bound & wanted:
                provides[index] = bound & wanted
                provided |= bound
                wanted = (wanted | used) - provided
                changed = True
    return provides
