"""Demonstrations: runs of a rule (``runs``), drawings (``plots``) and slider experiments
(``widgets``). They use the lesson material and call learner code, and never import grading."""
