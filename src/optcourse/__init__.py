"""optcourse: the helper library of the optimizer course.

Its folders are its architecture; import modules by name from them:

* ``optcourse.lesson`` — the material itself: landscapes, datasets, the update-rule interface and
  its states (``optim``), the course's reference rules, the bridge to TensorFlow/Keras;
* ``optcourse.learner_code`` — calling a learner's function safely and telling them, in one
  sentence, what went wrong;
* ``optcourse.demos`` — demonstrations: runs, plots and the slider widgets;
* ``optcourse.grading`` — checks of the learner's functions against Keras, the quiz.

``optcourse.constants`` holds the facts every floor shares (Keras defaults, tolerances, what counts
as diverged). Demonstrations never import grading.

    from optcourse.lesson import landscapes
    from optcourse.grading import checks
"""
__version__ = "0.1.0"
