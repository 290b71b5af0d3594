"""The instructor's side of the course: building the release, validating and grading.

``release`` turns the text sources in ``solutions/`` into notebooks and ``course/``; ``validate``
and ``grade`` are the instructor commands (see README.md here); ``sandbox`` (the learner's
kernel), ``worker_view`` (what that kernel may see), ``referee`` (graded cells judged outside it),
``experiments``, ``outputs`` and ``feedback`` are what ``grade`` and nbgrader's configuration plug in.
"""
