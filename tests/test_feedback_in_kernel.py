"""In a real kernel a failed check shows one sentence, with no traceback into the helper package."""
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

pytestmark = pytest.mark.kernel


def test_failed_checks_show_the_message_and_no_internal_frames(like_a_grader):
    nb = new_notebook(cells=[
        new_code_cell("import numpy as np\nfrom optcourse.grading import checks, quiz"),
        new_code_cell("def gd_step(params, grads, state, *, learning_rate):\n"
                      "    return params + learning_rate * grads, state\n"
                      "checks.gd_step(gd_step)"),
        new_code_cell('quiz.check("gd_q1", 2)'),
        new_code_cell("def gd_step(params, grads, state, *, learning_rate):\n    return None\n"
                      "checks.gd_step(gd_step)"),
        new_code_cell("1 / 0"),  # an ordinary error keeps its ordinary traceback
    ])
    with like_a_grader():
        NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=60).execute()
    errors = [[o for o in cell.outputs if o.output_type == "error"] for cell in nb.cells]
    assert errors[0] == []
    expected = ["goes uphill", 'give one letter in quotes, such as "a"; you gave the int 2', "returned None"]
    for outputs, message in zip(errors[1:4], expected):
        assert len(outputs) == 1, "a failed check must still be an error output, or nbgrader would score it"
        shown = "\n".join(outputs[0].traceback)
        assert message in shown
        assert "optcourse" not in shown and "File " not in shown and len(outputs[0].traceback) == 1
    assert errors[4] and errors[4][0].ename == "ZeroDivisionError" and len(errors[4][0].traceback) > 1
