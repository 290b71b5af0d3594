"""Judging the learner's work: ``checks`` (with ``rule_checks``, ``schedule_checks`` and
``keras_checks``, against Keras), ``quiz`` (keys derived from the module sources), ``guard``
(tamper detection at autograde) and ``reuse`` (an earlier module's function, re-checked)."""
