"""The claims mechanism (tests/claims.py): prose numbers about runs are checked against the runs."""
from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

import claims
from autograder import release

PROSE_MODULES = [m for m in release.modules() if m[:2] in {"01", "02", "03", "04", "05", "06", "07"}]


@pytest.mark.parametrize("module", PROSE_MODULES)
def test_every_number_in_the_prose_is_claimed_or_given(module):
    assert claims.load(module).claims, f"{module} has no claims table"
    problems = claims.uncovered(module) + claims.missing_passages(module)
    assert not problems, "\n".join(problems)


def tiny_notebook(prose: str, code: str):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(prose), nbformat.v4.new_code_cell(code)])


TABLE = claims.Table([claims.claim("the run ends at [[42]] after [[3.5]] seconds", "result", "seconds"),
                      claims.claim("the loss falls", "losses[-1] < losses[0]")])
PROSE = "Measured: the run ends at 42 after\n3.5 seconds, and the loss falls."


def test_a_claim_holds_when_prose_and_run_agree():
    assert claims.missing_passages("x", tiny_notebook(PROSE, ""), TABLE) == []
    assert claims.verify(TABLE.claims, [42.2, 3.46, True]) == []


def test_a_changed_run_number_fails():
    problems = claims.verify(TABLE.claims, [43.0, 3.46, True])
    assert problems == ["“the run ends at 42 after 3.5 seconds”: the prose says 42, the run gives result = 43"]
    assert claims.verify(TABLE.claims, [42.0, 3.56, True])  # one decimal written: 3.56 is not 3.5
    assert claims.verify(TABLE.claims, [42.0, 3.5, False]) == ["“the loss falls”: the run says otherwise (losses[-1] < losses[0] is false)"]


def test_a_changed_prose_number_fails():
    edited = tiny_notebook(PROSE.replace("42", "41"), "")
    assert claims.missing_passages("x", edited, TABLE) == ["x: claim passage not in the prose: “the run ends at 42 after 3.5 seconds”"]
    unclaimed = tiny_notebook(PROSE + " It took 17 steps.", "")
    assert claims.uncovered("x", unclaimed, TABLE) == ["x: '17' in “…3.5 seconds, and the loss falls. It took 17 steps.…” is in no claim and no GIVEN passage"]


def test_a_number_in_the_prose_that_the_code_sets_or_a_formula_holds_is_not_a_claim():
    nb = tiny_notebook("With learning rate 0.05, $f(w) = 3 w^2$ and `n = 7`: the run ends at 42 after 3.5 seconds, and the loss falls.",
                       "learning_rate = 0.05")
    assert claims.uncovered("x", nb, TABLE) == []


@pytest.mark.kernel
def test_an_edited_printed_number_fails_against_the_executed_notebook():
    def run(code):
        nb = tiny_notebook(PROSE, code)
        nb.cells.append(nbformat.v4.new_code_cell(claims.evaluation_source(TABLE.claims)))
        NotebookClient(nb, timeout=60, kernel_name="python3").execute()
        return claims.verify(TABLE.claims, claims.results_from(nb.cells[-1].outputs))

    honest = "result, seconds, losses = 6 * 7, 3.5, [2.0, 1.0]\nprint(result)"
    assert run(honest) == []
    problems = run(honest.replace("6 * 7", "6 * 8"))
    assert problems == ["“the run ends at 42 after 3.5 seconds”: the prose says 42, the run gives result = 48"]
    assert "could not be evaluated (error: NameError" in run("result = 42")[0]


def _recorded_claims_namespace(record):
    import numpy as np

    from optcourse.lesson import datasets, generalization
    return {"np": np, "generalization": generalization, "record": record, "verdicts": generalization.summary(record),
            "data": datasets.classification_data()}


def test_module_7_claims_on_the_recorded_experiment_fail_when_a_recorded_number_is_edited():
    """The record is data the prose is drawn from: changing one test accuracy in it must break a claim."""
    import copy

    from optcourse.lesson import generalization

    record = generalization.load_record()
    table = claims.load("07_tradeoffs")
    recorded = claims.on_the_record(table.claims)
    assert len(recorded) >= 5, "Module 7's prose should draw its generalization verdict from the record"
    assert claims.verify(recorded, claims.evaluate(recorded, _recorded_claims_namespace(record))) == []

    edited = copy.deepcopy(record)
    choice = generalization.chosen(record, "SGD + momentum", 320)
    for run in edited["runs"]:   # seed 0 of the setting validation chose for SGD + momentum at 320 epochs: 0.1 lower
        if (run["optimizer"], run["learning_rate"], run["seed"]) == ("SGD + momentum", choice["learning_rate"], 0) \
                and run["schedule"] == "constant" and choice["schedule"] != "cosine":
            run["per_epoch"]["test_accuracy"] = [a - 0.1 for a in run["per_epoch"]["test_accuracy"]]
        elif (run["optimizer"], run["learning_rate"], run["seed"], run["epochs"]) == ("SGD + momentum", choice["learning_rate"], 0, 320) \
                and run["schedule"] == choice["schedule"] == "cosine":
            run["test_accuracy"] -= 0.1
    problems = claims.verify(recorded, claims.evaluate(recorded, _recorded_claims_namespace(edited)))
    assert any("0.834" in problem for problem in problems), problems
