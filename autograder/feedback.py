"""An nbgrader preprocessor (feedback only): no hidden test reaches a student's feedback page.

``ClearHiddenTests`` removes hidden tests from the test cells' source, not from any output. But at
autograde those tests are restored and run, so their text can surface in outputs:

* IPython's traceback of a failed test cell quotes the lines around the failing one, the hidden
  ones below it included (a learner whose solution cell does not even parse gets a NameError
  there). Every error output of a graded cell is reduced to ``Name: message``; the course's own
  check failures are one line already.
* A cell can print IPython's input history (``In``), which holds every test cell as it ran. Every
  output line of every cell that contains a line of a hidden test is replaced by a note.

A notebook that encodes what it prints can still carry them out; only a referee outside the
learner's process closes that (autograder/README.md says so). This runs before ClearHiddenTests.
"""
import html
import re

from nbgrader.preprocessors import NbGraderPreprocessor

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.DOTALL)
REMOVED = "[a line of a hidden test, removed by the grader]"


class HideHiddenTests(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        hidden = {line.strip() for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade")
                  for block in _HIDDEN.findall(cell.source) for line in block.splitlines() if len(line.strip()) > 8}
        for cell in nb.cells:
            graded = cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error" and graded:
                    last = _ANSI.sub("", output.traceback[-1]) if output.get("traceback") else ""
                    output.traceback = [last or f"{output.ename}: {output.evalue}"]
                if hidden:
                    _scrub(output, hidden)
        return nb, resources


def _scrub(output, hidden: set[str]) -> None:
    forms = hidden | {html.escape(line) for line in hidden}

    def clean(text: str) -> str:
        if not any(form in text for form in forms):
            return text
        return "\n".join(REMOVED if any(form in _ANSI.sub("", line) for form in forms) else line
                         for line in text.split("\n"))

    if "text" in output:
        output.text = clean(output.text)
    if "traceback" in output:
        output.traceback = [clean(line) for line in output.traceback]
    if "evalue" in output:
        output.evalue = clean(output.evalue)
    for kind, value in output.get("data", {}).items():
        if isinstance(value, str):
            output.data[kind] = clean(value)
