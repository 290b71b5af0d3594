"""The hub's set-up files agree with each other: hub/jupyterhub_config.py, the exchange's settings, the
single-user image (hub/Dockerfile) and the Zero to JupyterHub configuration (hub/z2jh-config.yaml).

No hub runs here (tests/test_hub.py runs one); these read the files, and run the Python they hold with
stand-ins for the hub's spawner.
"""
import json
import shlex
import tomllib
from pathlib import Path
from types import SimpleNamespace

import yaml
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

import hub_image

ROOT = Path(__file__).resolve().parents[1]
HUB = ROOT / "hub"
Z2JH = yaml.safe_load((HUB / "z2jh-config.yaml").read_text())
IMAGE_HUB = "/opt/optcourse/hub"


def spawner(name: str, user_id: int = 1):
    return SimpleNamespace(user=SimpleNamespace(name=name, id=user_id))


def exchange_config(monkeypatch, **environment) -> Config:
    for name in ("OPTCOURSE_EXCHANGE_ROOT", "OPTCOURSE_STUDENT_ID"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return PyFileConfigLoader("nbgrader_config.py", path=str(HUB / "exchange")).load_config()


def test_the_exchange_is_one_course_in_a_fixed_folder_unless_the_hub_moves_it(monkeypatch):
    config = exchange_config(monkeypatch)
    assert config.CourseDirectory.course_id == "optcourse"
    assert config.Exchange.root == "/srv/nbgrader/exchange"
    assert "student_id" not in config.CourseDirectory, "on one server nbgrader must take the Unix account's name"
    moved = exchange_config(monkeypatch, OPTCOURSE_EXCHANGE_ROOT="/tmp/x", OPTCOURSE_STUDENT_ID="ada")
    assert (moved.Exchange.root, moved.CourseDirectory.student_id) == ("/tmp/x", "ada")


def test_the_one_server_hub_gives_students_their_tools_and_instructors_all(monkeypatch):
    monkeypatch.setenv("OPTCOURSE_INSTRUCTORS", "teacher")
    monkeypatch.setenv("OPTCOURSE_STUDENTS", "ada, bob")
    config = PyFileConfigLoader("jupyterhub_config.py", path=str(HUB)).load_config()
    assert config.JupyterHub.spawner_class == "localprocess"
    assert config.Authenticator.allowed_users == {"teacher", "ada", "bob"} and config.Authenticator.admin_users == {"teacher"}
    path = config.Spawner.environment["JUPYTER_CONFIG_PATH"]
    assert path(spawner("ada")).split(":") == [str(HUB / "student_mode"), str(HUB / "exchange")]
    assert path(spawner("teacher")).split(":") == [str(HUB / "exchange")]
    assert config.JupyterHub.load_groups == {"formgrade-optcourse": {"users": ["teacher"]},
                                             "nbgrader-optcourse": {"users": ["ada", "bob"]}}


def test_students_keep_validate_and_the_assignments_tab_only():
    page = json.loads((HUB / "student_mode" / "labconfig" / "page_config.json").read_text())
    hidden = {"@jupyter/nbgrader:course-list", "@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:formgrader"}
    assert {name for name, off in page["disabledExtensions"].items() if off} == hidden
    assert {name for name, locked in page["lockedExtensions"].items() if locked} == hidden
    server = json.loads((HUB / "student_mode" / "jupyter_server_config.json").read_text())["ServerApp"]["jpserver_extensions"]
    assert server == {"nbgrader.server_extensions.course_list": False, "nbgrader.server_extensions.formgrader": False}
    # Validate on the hub gives a cell as long as the grader does, like learner mode (tests/test_packaging.py).
    assert (HUB / "student_mode" / "nbgrader_config.json").read_text() == (ROOT / "learner_mode" / "nbgrader_config.json").read_text()


def test_the_image_holds_the_package_and_hub_settings_and_nothing_graded():
    steps = hub_image.instructions()
    copied = [shlex.split(step.argument) for step in steps if step.keyword == "COPY"]
    sources = {source for *parts, _ in copied for source in parts}
    assert sources == {"pyproject.toml", "README.md", "src", "hub/student_mode", "hub/exchange"}
    targets = {target.rstrip("/") for *_, target in copied}
    assert {f"{IMAGE_HUB}/student_mode", f"{IMAGE_HUB}/exchange"} <= targets
    runs = " ".join(step.argument for step in steps if step.keyword == "RUN")
    dev = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["dev"]
    hub_pin = next(dep for dep in dev if dep.startswith("jupyterhub=="))
    assert f'"{hub_pin}"' in runs, "the image's JupyterHub must be the one the hub test runs"
    assert '"/opt/optcourse[lab,hub,grading]"' in runs  # grading: the instructor grades in their own server
    assert json.loads(next(step.argument for step in steps if step.keyword == "CMD")) == ["jupyterhub-singleuser"]


def test_z2jh_mounts_the_exchange_where_the_image_looks_for_it(monkeypatch):
    singleuser = Z2JH["singleuser"]
    assert singleuser["image"]["name"] and singleuser["image"]["tag"]
    volumes = {volume["name"]: volume for volume in singleuser["storage"]["extraVolumes"]}
    mounts = {mount["name"]: mount["mountPath"] for mount in singleuser["storage"]["extraVolumeMounts"]}
    assert volumes["nbgrader-exchange"]["persistentVolumeClaim"]["claimName"]
    assert mounts["nbgrader-exchange"] == exchange_config(monkeypatch).Exchange.root
    assert singleuser["defaultUrl"] == "/lab"
    assert singleuser["memory"]["limit"] and singleuser["storage"]["type"] == "dynamic"


def test_z2jh_gives_each_student_an_own_uid_their_name_and_the_student_tools():
    c = Config()
    c.KubeSpawner.environment = {}
    names = {"c": c}
    for snippet in Z2JH["hub"]["extraConfig"].values():
        exec(compile(snippet, "z2jh-config.yaml", "exec"), names)  # noqa: S102 - the hub runs these snippets the same way
    instructors = set(Z2JH["hub"]["config"]["Authenticator"]["admin_users"])
    assert names["INSTRUCTORS"] == instructors, "the extraConfig's instructors and the hub's admins differ"
    environment = c.KubeSpawner.environment
    student, teacher = spawner("ada", 7), spawner(next(iter(instructors)), 1)
    assert environment["JUPYTER_CONFIG_PATH"](student).split(":") == [f"{IMAGE_HUB}/student_mode", f"{IMAGE_HUB}/exchange"]
    assert environment["JUPYTER_CONFIG_PATH"](teacher).split(":") == [f"{IMAGE_HUB}/exchange"]
    assert (environment["OPTCOURSE_STUDENT_ID"](student), environment["OPTCOURSE_STUDENT_ID"](teacher)) == ("ada", "")
    uids = {c.KubeSpawner.uid(spawner("s", user_id)) for user_id in range(1, 50)}
    assert len(uids) == 49 and min(uids) > 1000, "every user needs a uid of their own, none the image's 1000"
