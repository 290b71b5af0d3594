"""`make lab` starts JupyterLab on course/, `make author` on the repository with the text sources opening as notebooks."""
import contextlib
import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from autograder import release
from browser import free_port

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "optcourse-test"


@contextlib.contextmanager
def lab_server(target: str):
    """``make <target>`` with JupyterLab headless on a free port; yields a function that calls its REST API."""
    port = free_port()
    args = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={TOKEN}"
    server = subprocess.Popen(["make", "--no-print-directory", target, f"LAB_ARGS={args}"], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def api(path: str, *, method: str = "GET", body: dict | None = None):
        request = urllib.request.Request(f"http://127.0.0.1:{port}/{path}{'&' if '?' in path else '?'}token={TOKEN}",
                                         method=method, data=None if body is None else json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            return json.load(reply) if "json" in reply.headers.get("Content-Type", "") else reply.read()

    try:
        deadline = time.time() + 90
        while True:
            assert server.poll() is None, f"make {target} exited early"
            try:
                api("api/status")
                break
            except OSError:
                assert time.time() < deadline, "JupyterLab did not answer within 90 s"
                time.sleep(0.5)
        yield api
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


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
