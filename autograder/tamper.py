"""An nbgrader preprocessor (autograde only) that arms optcourse.grading.guard in the notebook being graded.

It adds a first cell that takes the snapshot before any learner code runs, and starts every test
cell with a call that fails if the notebook has since replaced what the checks rely on. Both
lines are visible in the graded notebook and the feedback, so nothing is done behind the
learner's back.
"""
from nbformat.v4 import new_code_cell
from nbgrader.preprocessors import NbGraderPreprocessor

SNAPSHOT = "import optcourse.grading.guard\noptcourse.grading.guard.snapshot()  # added by the grader: see autograder/tamper.py"
VERIFY = "import optcourse.grading.guard; optcourse.grading.guard.verify()  # added by the grader\n"


class GuardTestCells(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade") and not cell.source.startswith(VERIFY):
                cell.source = VERIFY + cell.source
        if not (nb.cells and nb.cells[0].source == SNAPSHOT):
            nb.cells.insert(0, new_code_cell(SNAPSHOT))
        return nb, resources
