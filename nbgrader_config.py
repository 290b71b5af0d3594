"""nbgrader configuration: the notebooks built from solutions/ are the source, course/ the release.

Found automatically when nbgrader runs from the repository root (the Makefile does so). nbgrader
reads the notebooks that ``python -m autograder.release`` builds from the text sources
(``solutions/NN_topic/NN_topic.py``) into ``solutions/.build/``; never edit those by hand.
"""
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Kernels inherit these. TensorFlow's start-up lines on stderr would score a correct cell 0
# (nbgrader counts any stderr in a test cell as a failure); a fixed hash seed keeps grades repeatable.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("PYTHONHASHSEED", "0")

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.root = str(HERE)
c.CourseDirectory.source_directory = str(Path("solutions") / ".build")
c.CourseDirectory.release_directory = "course"
# Grading work lives under autograder/work/ (git-ignored): the gradebook holds student data and
# every hidden test, so it must never be committed.
WORK = HERE / "autograder" / "work"
WORK.mkdir(parents=True, exist_ok=True)
c.CourseDirectory.db_url = f"sqlite:///{WORK / 'gradebook.db'}"
c.CourseDirectory.submitted_directory = str(WORK / "submitted")
c.CourseDirectory.autograded_directory = str(WORK / "autograded")
c.CourseDirectory.feedback_directory = str(WORK / "feedback")

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.Execute.timeout = 120
# Feedback must never show hidden tests: not in the test cells' source (nbgrader includes them by
# default) and not in their error outputs.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "autograder.feedback.HideHiddenTests",  # tracebacks and printed history would quote hidden tests
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# Feedback pages show what student code displayed: as text, never as live HTML or JavaScript (a
# page with a student's script, opened by the instructor, would run it with the instructor's session).
c.HTMLExporter.sanitize_html = True

# A deleted test cell is put back and graded (otherwise it waits for a manual grade for ever).
c.OverwriteCells.add_missing_cells = True
# Leave the experiments unrun (autograder/experiments.py); run the learner's cells in the sandboxed
# kernel and judge every graded test cell in this process (autograder/referee.py); the rest is
# nbgrader's default list.
c.Autograde.autograde_preprocessors = [
    "autograder.experiments.SkipExperiments",
    "autograder.referee.RefereedExecute",  # nbgrader's Execute, output capped in bytes, test cells refereed
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
