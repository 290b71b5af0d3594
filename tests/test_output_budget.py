"""autograder/outputs.py: output is weighed in bytes as it arrives; what scores a cell is kept."""
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.outputs import ExecuteWithOutputBudget

pytestmark = pytest.mark.kernel


def run(*sources: str, budget: int = 1000, notebook_budget: int = 100_000):
    nb = new_notebook(cells=[new_code_cell(source) for source in sources])
    ExecuteWithOutputBudget(max_bytes=budget, max_notebook_bytes=notebook_budget, kernel_name="python3",
                            timeout=60).preprocess(nb, {"metadata": {"path": "."}})
    return nb.cells


def text(cell, name="stdout"):
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == name)


def test_printing_past_the_budget_keeps_the_first_bytes_and_says_so():
    cells = run("for i in range(50):\n    print('x' * 99)", "print('x' * 5_000_000)", "print('small')")
    assert len(text(cells[0])) < 1200 and text(cells[0]).count("truncated by the grader") == 1
    assert text(cells[0]).startswith("x" * 99 + "\n")
    assert len(text(cells[1])) < 1200 and "truncated by the grader" in text(cells[1])
    assert text(cells[2]) == "small\n", "the budget is per cell"


def test_what_decides_the_score_survives_the_budget():
    cells = run("import sys\nprint('y' * 5000)\nsys.stderr.write('warning\\n')\nprint('z' * 5000)",
                "print('y' * 5000)\nraise ValueError('wrong')",
                "print('y' * 5000)\n0.5")
    assert "stderr" in {o.name for o in cells[0].outputs if o.output_type == "stream"}, "stderr must still score 0"
    assert [o.ename for o in cells[1].outputs if o.output_type == "error"] == ["ValueError"]
    assert [o.data["text/plain"] for o in cells[2].outputs if o.output_type == "execute_result"] == ["0.5"]


def test_displays_past_the_budget_are_dropped():
    cells = run("from IPython.display import display, HTML\nfor i in range(20):\n    display(HTML('<p>' + 'w' * 200 + '</p>'))")
    displays = [o for o in cells[0].outputs if o.output_type == "display_data"]
    assert 1 <= len(displays) < 10 and "truncated by the grader" in text(cells[0])


def test_the_notebook_has_a_budget_too_and_huge_errors_are_cut():
    cells = run(*["print('v' * 900)"] * 5, "raise ValueError('e' * 50_000)", notebook_budget=3000)
    assert [text(cell) for cell in cells[:3]] == ["v" * 900 + "\n"] * 3
    assert all("truncated by the grader" in text(cell) for cell in cells[3:5])
    error = [o for o in cells[5].outputs if o.output_type == "error"][0]
    assert error.ename == "ValueError" and len(error.evalue) <= 2000


def test_a_display_updated_in_place_is_cut_too():
    cells = run("from IPython.display import display\nh = display('first', display_id=True)\nh.update('u' * 50_000)")
    shown = [o.data["text/plain"] for o in cells[0].outputs if o.output_type == "display_data"]
    assert len(shown) == 1 and "truncated by the grader" in shown[0] and len(shown[0]) < 200
