"""A Jupyter server started for a test, spoken to through its REST API."""
from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request

TOKEN = "optcourse-test"


def server_args(port: int) -> list[str]:
    """Headless on localhost, with a known token (and --allow-root as root, as the Makefile adds)."""
    return ["--no-browser", "--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={TOKEN}",
            *(["--allow-root"] if os.getuid() == 0 else [])]


@contextlib.contextmanager
def serving(command: list[str], port: int, **popen):
    """Run ``command`` (a Jupyter server on ``port``); yield ``api(path, method=, body=, timeout=)`` once it answers."""
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, **popen)

    def api(path: str, *, method: str = "GET", body: dict | None = None, timeout: float = 120):
        request = urllib.request.Request(f"http://127.0.0.1:{port}/{path}{'&' if '?' in path else '?'}token={TOKEN}",
                                         method=method, data=None if body is None else json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return json.load(reply) if "json" in reply.headers.get("Content-Type", "") else reply.read()

    try:
        deadline = time.time() + 90
        while True:
            assert server.poll() is None, f"{' '.join(command[:3])} exited early"
            try:
                api("api/status")
                break
            except OSError:
                assert time.time() < deadline, "the Jupyter server did not answer within 90 s"
                time.sleep(0.5)
        yield api
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


NBGRADER_PLUGINS = {"validate-assignment", "assignment-list", "course-list", "create-assignment", "formgrader", "menu"}
# A route of each nbgrader server extension (nbgrader/server_extensions/*/handlers.py). A route that
# is not loaded answers 404; a loaded one anything else (validate's answers GET with 405: POST only).
NBGRADER_ROUTES = {"validate_assignment": "assignments/validate", "formgrader": "formgrader",
                   "course_list": "formgraders", "assignment_list": "assignments"}


def nbgrader_tools(api) -> tuple[set[str], set[str]]:
    """The nbgrader lab plugins JupyterLab's page enables, and the nbgrader server extensions that answer."""
    page = api("lab").decode()
    config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S).group(1))
    assert "@jupyter/nbgrader" in {ext["name"] for ext in config["federated_extensions"]}, "nbgrader's lab extension is not installed"
    plugins = {name for name in NBGRADER_PLUGINS if f"@jupyter/nbgrader:{name}" not in config["disabledExtensions"]}
    answering = set()
    for extension, route in NBGRADER_ROUTES.items():
        try:
            api(route)
            answering.add(extension)
        except urllib.error.HTTPError as error:
            if error.code != 404:
                answering.add(extension)
    return plugins, answering
