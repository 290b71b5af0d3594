"""`make lab` starts JupyterLab on course/ (headless here: the server answers and lists the modules)."""
import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from browser import free_port

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "optcourse-test"


@pytest.mark.kernel
def test_make_lab_serves_the_course_directory():
    port = free_port()
    args = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={TOKEN}"
    server = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        listing, deadline = None, time.time() + 90
        while listing is None and time.time() < deadline:
            assert server.poll() is None, "make lab exited early"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents?token={TOKEN}", timeout=5) as reply:
                    listing = json.load(reply)
            except OSError:
                time.sleep(0.5)
        assert listing is not None, "JupyterLab did not answer within 90 s"
        names = {item["name"] for item in listing["content"]}
        assert "01_gradient_descent" in names
        assert "solutions" not in names, "learners should land in course/, not the repository root"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={TOKEN}", timeout=10) as reply:
            assert reply.status == 200 and b"JupyterLab" in reply.read()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
