"""An nbgrader preprocessor (feedback only): an error in a test cell is shown as one line.

IPython's traceback of a failed test cell quotes the lines around the failing one, and after
autograde those include the restored hidden tests (a learner whose solution cell does not even
parse gets a NameError in the test cell, and the quoted lines would show the hidden cases).
``ClearHiddenTests`` removes hidden tests from a cell's source only, not from its outputs, so this
runs before it and reduces every error output of a graded cell to ``Name: message``. The course's
own check failures are one line already; the learner sees the full traceback of the visible
checks when running the notebook.
"""
import re

from nbgrader.preprocessors import NbGraderPreprocessor

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class OneLineTestErrors(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
                for output in cell.get("outputs", []):
                    if output.get("output_type") == "error":
                        last = _ANSI.sub("", output.traceback[-1]) if output.get("traceback") else ""
                        output.traceback = [last or f"{output.ename}: {output.evalue}"]
        return nb, resources
