"""autograder/report.py: the class's mistakes counted from the autograded notebooks."""
import csv
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from autograder import grade, report
from submissions import solution_with

ROOT = Path(__file__).resolve().parents[1]


def graded_cell(grade_id, error=None, ename="CheckFailed"):
    cell = new_code_cell("checks.something(f)")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": grade_id, "points": 1, "locked": True}
    if error is not None:
        cell.outputs = [new_output("error", ename=ename, evalue=error, traceback=[])]
    return cell


def answer_cell(question, source):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": False, "solution": True, "grade_id": f"answer_{question}", "locked": False}
    return cell


def write_graded(work, student, module, cells):
    folder = work / "autograded" / student / module
    folder.mkdir(parents=True)
    nbformat.write(new_notebook(cells=cells), folder / f"{module}.ipynb")


VISIBLE = ("`rmsprop_step`: epsilon is added outside the square root; Keras divides by sqrt(mean_square + epsilon) "
           "(learning_rate=0.01, rho=0.8, epsilon=1e-07, shape (3,) (float64), gradients ~1, from a non-zero state).")
HIDDEN = ("`rmsprop_step`: epsilon is added outside the square root; Keras divides by sqrt(mean_square + epsilon) "
          "(one of the grader's further cases: gradients ~0.001, from a non-zero state).")
KEEPS_PARENS = "`adam_step`: v adds g² without the (1 − beta_2) factor (learning_rate=0.05, shape (2, 4) (float32), gradients ~1)."


def test_the_same_mistake_on_any_case_counts_once_and_unnamed_differences_are_kept_apart(tmp_path):
    module = "04_adagrad_rmsprop"
    write_graded(tmp_path, "ada", module, [graded_cell("rmsprop_step_tests", VISIBLE), graded_cell("quiz_q1_check")])
    write_graded(tmp_path, "ben", module, [graded_cell("rmsprop_step_tests", HIDDEN), graded_cell("quiz_q1_check")])
    write_graded(tmp_path, "cy", module, [graded_cell("rmsprop_step_tests", "`rmsprop_step` differs from tf.keras.optimizers.RMSprop "
                                                      "from step 3 on (one of the grader's further cases: gradients ~1).")])
    write_graded(tmp_path, "dee", module, [graded_cell("rmsprop_step_tests", "`rmsprop_step` differs from tf.keras.optimizers.RMSprop "
                                                       "from step 1 on (learning_rate=0.05, rho=0.9, shape (2, 4) (float64)).")])
    write_graded(tmp_path, "eve", module, [graded_cell("rmsprop_step_tests", "", ename="NotImplementedError")])
    write_graded(tmp_path, "fay", module, [graded_cell("rmsprop_step_tests", KEEPS_PARENS)])
    found = {(f.kind, f.what): f.students for f in report.build(tmp_path, [module]).findings}
    assert found == {
        (report.NAMED, "`rmsprop_step`: epsilon is added outside the square root; Keras divides by sqrt(mean_square + epsilon)."):
            ("ada", "ben"),
        (report.UNNAMED, "`rmsprop_step` differs from tf.keras.optimizers.RMSprop from step 3 on"): ("cy", "dee"),
        (report.NOT_ATTEMPTED, "the solution is still the stub (NotImplementedError)"): ("eve",),
        (report.NAMED, "`adam_step`: v adds g² without the (1 − beta_2) factor."): ("fay",),
    }
    assert "    2   33%  04_adagrad_rmsprop rmsprop_step_tests: `rmsprop_step` differs from" in report.summary(
        report.build(tmp_path, [module])).split("unnamed differences")[1]


def test_the_quiz_answer_most_often_given_wrong_is_read_from_the_answer_cell(tmp_path):
    module = "05_adam"
    answers = {"ada": 'answer_adam_q1 = "A"', "ben": "answer_adam_q1 = 'a'", "cy": 'answer_adam_q1 = "b"',
               "dee": "# Your answer to question 1\nraise NotImplementedError()", "eve": 'answer_adam_q1 = "c"'}
    for student, source in answers.items():
        failed = None if student == "eve" else "adam_q1: not this one. Which optimizers keep an average?"
        write_graded(tmp_path, student, module, [answer_cell("adam_q1", "# e.g. answer_adam_q1 = \"a\"\n" + source),
                                                 graded_cell("quiz_adam_q1_check", failed)])
    built = report.build(tmp_path, [module])
    assert built.quizzes == [report.Quiz(module, "adam_q1", 4, 5, "a", 2)]
    assert {f.what: f.students for f in built.findings} == {"a": ("ada", "ben"), "b": ("cy",), "(no answer)": ("dee",)}


def test_report_files_name_the_students_and_escape_what_students_wrote(tmp_path):
    module = "05_adam"
    write_graded(tmp_path, "ada", module, [graded_cell("adam_step_tests", "`adam_step` raised <script>alert(1)</script>",
                                                       ename="ValueError")])
    report.write(tmp_path, [module])
    page = (tmp_path / report.HTML_NAME).read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page and "ada" in page
    with open(tmp_path / report.CSV_NAME, newline="") as table:
        rows = list(csv.DictReader(table))
    assert [(r["graded_cell"], r["kind"], r["students"], r["share"]) for r in rows] == [
        ("adam_step_tests", report.UNNAMED, "ada", "1.000")]


NO_BIAS_CORRECTION = ("def adam_step(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):\n"
                      "    m = state.m + (1 - beta_1) * (grads - state.m)\n"
                      "    v = state.v + (1 - beta_2) * (grads**2 - state.v)\n"
                      "    return params - learning_rate * m / (np.sqrt(v) + epsilon), AdamState(m=m, v=v, t=state.t + 1)")
EPSILON_INSIDE = ("def adam_step(params, grads, state, *, learning_rate, beta_1, beta_2, epsilon):\n"
                  "    t = state.t + 1\n"
                  "    m = state.m + (1 - beta_1) * (grads - state.m)\n"
                  "    v = state.v + (1 - beta_2) * (grads**2 - state.v)\n"
                  "    alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)\n"
                  "    return params - alpha * m / np.sqrt(v + epsilon), AdamState(m=m, v=v, t=t)")


@pytest.mark.tensorflow
def test_a_class_with_known_mistakes_is_counted_exactly(tmp_path, capsys):
    module = "05_adam"
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    mistakes = {"ada": {"adam_step": NO_BIAS_CORRECTION, "answer_adam_q1": 'answer_adam_q1 = "a"'},
                "ben": {"adam_step": NO_BIAS_CORRECTION, "answer_adam_q1": 'answer_adam_q1 = "a"'},
                "cy": {"adam_step": NO_BIAS_CORRECTION},
                "dee": {"adam_step": EPSILON_INSIDE, "answer_adam_q1": 'answer_adam_q1 = "d"', "answer_adam_q3": "answer_adam_q3 = 0.9"},
                "eve": {"adam_step": EPSILON_INSIDE},
                "fay": {}}
    for student, replacements in mistakes.items():
        nbformat.write(solution_with(module, replacements), submissions / f"{student}.ipynb")
    work = tmp_path / "work"
    assert grade.main([module, str(submissions), "--work", str(work), "--jobs", "2"]) == 0
    printed = capsys.readouterr().out
    # 12 points graded here: adam_init 1, adam_step 4, adamw_step 3, four quiz questions 1 each (+1 marked by
    # hand, not yet). adamw_step builds on the learner's adam_step, so a wrong adam_step loses both.
    assert grade.read_grades(work, module) == {"ada": 4.0, "ben": 4.0, "cy": 5.0, "dee": 3.0, "eve": 5.0, "fay": 12.0}

    built = report.build(work, [module])
    found = {(f.cell, f.kind, f.what): f.students for f in built.findings}
    assert found == {
        ("adam_step_tests", report.NAMED, "`adam_step`: there is no bias correction: scale by sqrt(1 − beta_2^t)/(1 − beta_1^t)."):
            ("ada", "ben", "cy"),
        ("adam_step_tests", report.NAMED, "`adam_step`: epsilon is inside the square root; Keras's Adam divides by sqrt(v) + epsilon."):
            ("dee", "eve"),
        # adamw_step calls the learner's adam_step, so the checks name the same mistake there too.
        ("adamw_step_tests", report.NAMED, "`adamw_step`: there is no bias correction: scale by sqrt(1 − beta_2^t)/(1 − beta_1^t)."):
            ("ada", "ben", "cy"),
        ("adamw_step_tests", report.NAMED, "`adamw_step`: epsilon is inside the square root; Keras's Adam divides by sqrt(v) + epsilon."):
            ("dee", "eve"),
        ("quiz_adam_q1_check", report.QUIZ, "a"): ("ada", "ben"),
        ("quiz_adam_q1_check", report.QUIZ, "d"): ("dee",),
        ("quiz_adam_q3_check", report.QUIZ, "0.9"): ("dee",),
    }
    assert all(f.graded == 6 for f in built.findings)
    assert [(q.question, q.missed, q.wrong_answer, q.wrong_count) for q in built.quizzes if q.missed] == [
        ("adam_q1", 3, "a", 2), ("adam_q3", 1, "0.9", 1)]
    assert "    3   50%  05_adam adam_step_tests: `adam_step`: there is no bias correction" in printed
    assert (work / report.HTML_NAME).read_text().count("data:image/png;base64,") == 1
