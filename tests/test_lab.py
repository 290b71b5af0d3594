"""`make lab` starts JupyterLab on course/, `make author` on the repository with the text sources opening as notebooks."""
import contextlib
from pathlib import Path

import pytest

from autograder import release
from browser import free_port
from lab_api import NBGRADER_PLUGINS, NBGRADER_ROUTES, nbgrader_tools, server_args, serving

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def lab_server(target: str, *make_variables: str):
    """``make <target>`` with JupyterLab headless on a free port; yields a function that calls its REST API."""
    port = free_port()
    args = " ".join(arg for arg in server_args(port) if arg != "--allow-root")  # the Makefile adds it
    with serving(["make", "--no-print-directory", target, f"LAB_ARGS={args}", *make_variables], port, cwd=ROOT) as api:
        yield api


@pytest.mark.kernel
def test_make_lab_serves_the_course_directory():
    with lab_server("lab") as api:
        names = {item["name"] for item in api("api/contents")["content"]}
        assert "01_gradient_descent" in names
        assert "solutions" not in names, "learners should land in course/, not the repository root"
        page = api("lab")
        assert b"JupyterLab" in page


@pytest.mark.kernel
def test_make_author_opens_a_text_source_as_a_notebook_and_saves_it_unchanged():
    """What JupyterLab does with a module source: jupytext's contents manager reads it as a notebook."""
    module = "03_momentum"
    path = f"api/contents/solutions/{module}/{module}.py"
    before = release.source_path(module).read_bytes()
    with lab_server("author") as api:
        model = api(f"{path}?type=notebook&content=1")
        assert model["type"] == "notebook"
        cells = model["content"]["cells"]
        assert len(cells) == len(release.read_source(module).cells)
        graded = [c["metadata"]["nbgrader"]["grade_id"] for c in cells if c["metadata"].get("nbgrader", {}).get("grade")]
        assert "momentum_step_tests" in graded
        api(path, method="PUT", body={"type": "notebook", "format": "json", "content": model["content"]})
    assert release.source_path(module).read_bytes() == before, "a save from JupyterLab without edits changed the source"



@pytest.mark.kernel
def test_make_lab_shows_learners_only_validate_and_instructor_mode_everything():
    with lab_server("lab") as api:
        assert nbgrader_tools(api) == ({"validate-assignment"}, {"validate_assignment"})
    with lab_server("lab", "INSTRUCTOR=1") as api:
        assert nbgrader_tools(api) == (NBGRADER_PLUGINS, set(NBGRADER_ROUTES))
