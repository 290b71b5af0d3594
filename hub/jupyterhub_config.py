"""JupyterHub for the course on one server: every user a Unix account, nbgrader's exchange in one folder.

    jupyterhub -f hub/jupyterhub_config.py        # as root, from an environment with `pip install ".[lab]" jupyterhub`
                                                 # and `npm install -g configurable-http-proxy` (make system-deps)

The instructor and the students are listed in OPTCOURSE_INSTRUCTORS and OPTCOURSE_STUDENTS (comma-separated
Unix user names) in the hub's environment. autograder/README.md ("A class on JupyterHub") has the whole
cycle; tests/test_hub.py runs it with this file, overriding only the authenticator, the addresses and
where the hub keeps its state. Keep this folder (hub/) where every user can read it, and nothing else of
the instructor's repository: solutions/ holds every answer.
"""
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The course id the exchange uses (hub/exchange/nbgrader_config.py): nbgrader's groups are named after it.
COURSE = "optcourse"


def _names(variable: str) -> set[str]:
    return {name.strip() for name in os.environ.get(variable, "").split(",") if name.strip()}


INSTRUCTORS = _names("OPTCOURSE_INSTRUCTORS")
STUDENTS = _names("OPTCOURSE_STUDENTS")

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

# Log in with the machine's own Unix password (PAM). Only the listed users get in; instructors are the
# hub's admins (they can see the students' list and start or stop their servers).
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = INSTRUCTORS | STUDENTS
c.Authenticator.admin_users = INSTRUCTORS

# Each user's JupyterLab runs as that user's Unix account, in their home folder: students cannot read each
# other's work, the instructor's course folder or the gradebook (keep home folders at mode 0700).
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.default_url = "/lab"
# A cold start of JupyterLab on a busy small server can take a minute.
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
# The exchange's location reaches every user's server when the hub's environment sets it.
c.Spawner.env_keep.append("OPTCOURSE_EXCHANGE_ROOT")


def _jupyter_config_path(spawner) -> str:
    """Everyone reads the exchange's settings; students also student_mode/, instructors keep every nbgrader tool.

    student_mode/ leaves students nbgrader's Validate button and Assignments tab (fetch, submit, fetch
    feedback) and switches off, and locks, Formgrader, Create Assignment and the course list.
    """
    folders = [HERE / "exchange"]
    if spawner.user.name not in INSTRUCTORS:
        folders.insert(0, HERE / "student_mode")
    return os.pathsep.join(str(folder) for folder in folders)


c.Spawner.environment = {"JUPYTER_CONFIG_PATH": _jupyter_config_path}

# nbgrader's JupyterHub groups: with one course and the exchange folder above, nothing reads them. Teaching
# several courses on one hub, set c.Exchange.path_includes_course = True in exchange/nbgrader_config.py,
# give each course its own course id, and let nbgrader tell courses apart by these groups
# (c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin" in nbgrader's configuration):
# students in nbgrader-<course>, instructors in formgrade-<course>.
c.JupyterHub.load_groups = {
    f"formgrade-{COURSE}": {"users": sorted(INSTRUCTORS)},
    f"nbgrader-{COURSE}": {"users": sorted(STUDENTS)},
}
