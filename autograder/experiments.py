"""An nbgrader preprocessor (autograde only) that leaves the course's experiments unrun.

Cells tagged ``skip-when-grading`` in solutions/ are experiments: sliders, sweeps, Keras demos and
Module 7's training runs. Nothing graded depends on them, and no one looks at their figures
while a class is graded, yet they are most of a notebook's run time. This marks them with
nbclient's own skip tag, so the grader's kernel never runs them; their source stays in the graded
notebook and the feedback, with a comment saying why there is no output.

Grade, solution and locked cells are always run: the tag is removed from them, so a learner who
tags a test cell cannot skip it into full marks.
"""
from nbgrader.preprocessors import NbGraderPreprocessor

TAG = "skip-when-grading"
SKIP = "skip-execution"      # the tag nbclient (and so nbgrader's Execute) does not run
NOTE = "# (An experiment: not run while grading. Run it in JupyterLab to see it.)\n"


class SkipExperiments(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        for cell in nb.cells:
            tags = cell.metadata.get("tags", [])
            flags = cell.metadata.get("nbgrader", {})
            if any(flags.get(kind) for kind in ("grade", "solution", "locked", "task")):
                cell.metadata["tags"] = [tag for tag in tags if tag not in (TAG, SKIP)]
            elif cell.cell_type == "code" and TAG in tags:
                cell.metadata["tags"] = tags if SKIP in tags else [*tags, SKIP]
                if not cell.source.startswith(NOTE):
                    cell.source = NOTE + cell.source
        return nb, resources
