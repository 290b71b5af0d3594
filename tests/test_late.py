"""autograder/late.py: the late policy nbgrader applies (no kernel; graded end to end in test_grade_command)."""
import pytest

from autograder import late


def test_per_hour_counts_every_started_hour_and_never_takes_more_than_the_score():
    policy = late.LatePolicy(penalty_method="per_hour", percent_per_hour=10)
    assert policy.late_submission_penalty("ada", 8.0, 1) == pytest.approx(0.8)        # one second: one hour
    assert policy.late_submission_penalty("ada", 8.0, 3600) == pytest.approx(0.8)
    assert policy.late_submission_penalty("ada", 8.0, 3601) == pytest.approx(1.6)
    assert policy.late_submission_penalty("ada", 8.0, 30 * 3600) == 8.0
    assert late.LatePolicy(penalty_method="zero").late_submission_penalty("ada", 8.0, 60) == 8.0
    assert late.LatePolicy(penalty_method="none").late_submission_penalty("ada", 8.0, 60) is None


def test_policies_and_due_dates_are_read_or_refused_in_one_sentence():
    assert late.parse_policy("per-hour:5") == ("per_hour", 5.0)
    assert late.autograde_options(("none", 0.0)) == ()
    assert "--LatePolicy.penalty_method=zero" in late.autograde_options(late.parse_policy("zero"))
    for wrong in ("per-hour", "per-hour:0", "per-hour:x", "half", "zero:3"):
        with pytest.raises(SystemExit, match="is not a policy"):
            late.parse_policy(wrong)
    assert late.parse_due_dates(["2026-12-01 23:59 UTC", "05_adam=2026-12-08 23:59 UTC"], ["01_gradient_descent", "05_adam"]) == {
        "01_gradient_descent": "2026-12-01 23:59 UTC", "05_adam": "2026-12-08 23:59 UTC"}
    with pytest.raises(SystemExit, match="not a date and time"):
        late.parse_due_dates(["next friday"], ["05_adam"])
    with pytest.raises(SystemExit, match="not graded in this run"):
        late.parse_due_dates(["06_tuning=2026-12-01"], ["05_adam"])
