"""nbgrader's exchange for the course on one JupyterHub server (every user's Jupyter reads this file).

hub/jupyterhub_config.py puts this folder on each user's JUPYTER_CONFIG_PATH, so students' Assignments
tab and the instructor's `nbgrader release_assignment` / `collect` / `release_feedback` all meet in the
same folder. Create that folder once, as root:

    mkdir -p /srv/nbgrader/exchange && chmod 1777 /srv/nbgrader/exchange

(world-writable with the sticky bit: everyone may add files, nobody may remove another's).
"""
import os

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

# The course's name in the exchange: release, fetch, submit, collect and feedback all use it. It is also
# the <course> in the JupyterHub groups formgrade-<course> and nbgrader-<course> (jupyterhub_config.py).
c.CourseDirectory.course_id = "optcourse"

# The shared folder. OPTCOURSE_EXCHANGE_ROOT (forwarded by the hub) moves it; tests/test_hub.py uses a
# temporary one.
c.Exchange.root = os.environ.get("OPTCOURSE_EXCHANGE_ROOT", "/srv/nbgrader/exchange")

# On Kubernetes (z2jh-config.yaml) each student runs under a user id that has no name in the image, so the
# hub passes the student's name to their server; on one server the Unix account's name is used.
if os.environ.get("OPTCOURSE_STUDENT_ID"):
    c.CourseDirectory.student_id = os.environ["OPTCOURSE_STUDENT_ID"]
