"""Judging the learner's work: ``checks`` (with ``rule_checks``, ``schedule_checks`` and
``keras_checks``, against Keras), ``quiz`` (keys derived
from the module sources) and ``reuse`` (an earlier module's function, re-checked). At grading time
they run in the grader's referee (autograder/referee.py), never in the learner's kernel; ``oracles``
remembers the checks' oracle runs by their inputs, and lets the referee work them out ahead."""
