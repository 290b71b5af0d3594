"""What a learner's sandboxed kernel sees of ``optcourse.grading`` while Modules 1-6 are graded.

The real package holds the checks' oracles (correct rules, schedules and range tests) and the quiz
keys: shipped answers. During grading the checks run in the grader's referee, not here, so this
stand-in only keeps the notebooks' ``from optcourse.grading import checks, quiz`` working.
"""
