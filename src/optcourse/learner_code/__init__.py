"""Calling a learner's function safely (``calling``) and reporting a problem with it in one plain
sentence (``feedback``). Used by demonstrations and grading alike."""
