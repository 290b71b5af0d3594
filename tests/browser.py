"""Driving the course in a real browser: JupyterLab headless, Debian's Chromium, Playwright.

Shared by the browser test (tests/test_browser.py) and the benchmarks, so both measure the same
thing. A notebook is opened as a learner who has finished the exercises would have it: the
course notebook with the solution cells filled in.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat

from autograder import release

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
TOKEN = "optcourse-browser"
# As root Chromium needs --no-sandbox; the rest keep it off this machine's closed network.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"]


# What a notebook author writes without thinking about speed: interact, a new figure each time.
NAIVE_SLIDER = '''\
import matplotlib.pyplot as plt
from ipywidgets import FloatLogSlider, interact

@interact(learning_rate=FloatLogSlider(value=0.1, base=10, min=-2, max=0, step=0.01, description="naive rate"))
def naive(learning_rate):
    path = gd_trajectory(bowl.gradient, np.array(bowl.start), learning_rate=learning_rate, num_steps=40)
    xs, ys = np.meshgrid(np.linspace(-10, 10, 200), np.linspace(-3, 3, 200))
    figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
    left.contour(xs, ys, bowl.value(np.stack([xs, ys], axis=-1)), levels=20)
    left.plot(path[:, 0], path[:, 1], "o-")
    right.semilogy(bowl.value(path))
    plt.show()
'''


def completed_notebook(module: str) -> nbformat.NotebookNode:
    """The course notebook of ``module`` with every answer cell taken from the solutions."""
    course = nbformat.read(ROOT / "course" / module / f"{module}.ipynb", as_version=4)
    solution = nbformat.read(release.source_notebook(module), as_version=4)
    answers = {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in solution.cells
               if cell.metadata.get("nbgrader", {}).get("solution")}
    for cell in course.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return course


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def jupyterlab(folder: Path):
    """A headless JupyterLab serving ``folder``; yields its base URL (token included)."""
    port = free_port()
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               f"--ServerApp.root_dir={folder}", f"--IdentityProvider.token={TOKEN}",
               "--LabApp.expose_app_in_browser=True", "--ServerApp.allow_root=True"]
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_CURRENT_TEST"}
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # No "get notified about Jupyter news?" prompt over the screenshots.
    settings = folder.parent / f"{folder.name}-settings"
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True, exist_ok=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false"}))
    env["JUPYTERLAB_SETTINGS_DIR"] = str(settings)
    server = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            if server.poll() is not None:
                raise RuntimeError("JupyterLab exited before it answered")
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=5) as reply:
                    json.load(reply)
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("JupyterLab did not answer within 90 s") from None
                time.sleep(0.3)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


@contextlib.contextmanager
def chromium_page(width: int = 1280, height: int = 900):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


# JavaScript run in the page; `window.jupyterapp` exists because of expose_app_in_browser.
_NOTEBOOK = "window.jupyterapp.shell.currentWidget"
_ALL_RUN = f"""() => {{
    const panel = {_NOTEBOOK};
    if (!panel || !panel.content || !panel.sessionContext.session) return false;
    const kernel = panel.sessionContext.session.kernel;
    if (!kernel || kernel.status !== 'idle') return false;
    const code = panel.content.widgets.filter(cell => cell.model.type === 'code');
    const failed = code.some(cell => cell.model.outputs.toJSON().some(output => output.output_type === 'error'));
    return failed || code.every(cell => cell.model.executionCount !== null);
}}"""
_ERRORS = f"""() => {{
    const found = [];
    for (const cell of {_NOTEBOOK}.content.widgets) {{
        if (cell.model.type !== 'code') continue;
        for (const output of cell.model.outputs.toJSON()) {{
            if (output.output_type === 'error') found.push(output.ename + ': ' + output.evalue);
            if (output.name === 'stderr') found.push('stderr: ' + output.text);
        }}
    }}
    return found;
}}"""


def open_and_run(page, base_url: str, notebook: str, timeout_s: float = 240) -> list[str]:
    """Open ``notebook``, run all cells, wait for the kernel; return the error outputs shown."""
    page.goto(f"{base_url}/lab/tree/{notebook}?reset&token={TOKEN}")  # reset: no restored tabs
    page.wait_for_function(f"() => {_NOTEBOOK} && {_NOTEBOOK}.sessionContext && "
                           f"{_NOTEBOOK}.sessionContext.session && {_NOTEBOOK}.sessionContext.session.kernel && "
                           f"{_NOTEBOOK}.sessionContext.session.kernel.status === 'idle'", timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_timeout(500)
    page.wait_for_function(_ALL_RUN, timeout=timeout_s * 1000, polling=250)
    return errors_shown(page)


def errors_shown(page) -> list[str]:
    """Every error or stderr output in the open notebook."""
    return page.evaluate(_ERRORS)


def explorer(page, description: str, *, nth: int = 0):
    """The (slider handle, figure box) of an explorer with a slider called ``description``.

    The figure box is the explorer's image, or for a plain ``interact`` its output area.
    """
    box = page.locator(".widget-vbox").filter(has=page.locator(".widget-slider", has_text=description)).nth(nth)
    box.scroll_into_view_if_needed()
    handle = box.locator(".widget-slider", has_text=description).locator(".noUi-handle").first
    image = box.locator(".widget-image")
    return handle, (image.first if image.count() else box.locator(".widget-output").first)


# Every new picture in the figure's box (a changed or newly added <img>) is stamped once decoded.
_WATCH = """box => {
    window.figureChanges = [];
    if (window.figureObserver) window.figureObserver.disconnect();
    window.figureObserver = new MutationObserver(() => {
        const images = box.tagName === 'IMG' ? [box] : [...box.querySelectorAll('img')];
        const img = images[images.length - 1];
        if (img) img.decode().then(() => window.figureChanges.push(performance.now()), () => {});
    });
    window.figureObserver.observe(box, {attributes: true, attributeFilter: ['src'], childList: true, subtree: true});
}"""


def watch_figure(figure) -> None:
    figure.evaluate(_WATCH)


def _changes(page) -> list[float]:
    return page.evaluate("() => window.figureChanges.slice()")


def _wait_until_still(page, quiet_s: float = 1.0, timeout_s: float = 20) -> list[float]:
    """Wait until the figure has not changed for ``quiet_s``; return all change times."""
    deadline = time.time() + timeout_s
    seen, still_since = None, time.time()
    while time.time() < deadline:
        changes = _changes(page)
        if changes != seen:
            seen, still_since = changes, time.time()
        elif changes and time.time() - still_since >= quiet_s:
            return changes
        time.sleep(0.05)
    raise AssertionError("the figure never settled")


def slider_latencies(page, handle, figure, presses: int = 8) -> list[float]:
    """Seconds from one arrow-key press on the slider to the new figure decoded in the browser."""
    watch_figure(figure)
    handle.focus()
    latencies = []
    for index in range(presses):
        key = "ArrowRight" if index % 2 == 0 else "ArrowLeft"
        before = len(_changes(page))
        start = page.evaluate("() => performance.now()")
        page.keyboard.press(key)
        page.wait_for_function(f"() => window.figureChanges.length > {before}", timeout=10_000, polling="raf")
        latencies.append((_changes(page)[before] - start) / 1000)
        _wait_until_still(page, quiet_s=0.3)
    return latencies


def quick_presses(page, handle, figure, presses: int = 20) -> dict:
    """Tap the slider's right arrow ``presses`` times in one burst; report when the figure settled.

    The key events are dispatched from inside the page, so the burst takes a few milliseconds
    (driving each press from Python would take ~15 ms a press and measure the driver instead).
    """
    watch_figure(figure)
    start = handle.evaluate("""(handle, presses) => {
        handle.focus();
        const start = performance.now();
        for (let i = 0; i < presses; i++) {
            handle.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight', code: 'ArrowRight', keyCode: 39, bubbles: true}));
            handle.dispatchEvent(new KeyboardEvent('keyup', {key: 'ArrowRight', code: 'ArrowRight', keyCode: 39, bubbles: true}));
        }
        window.burstEnd = performance.now();
        return start;
    }""", presses)
    typed = page.evaluate("() => window.burstEnd")
    changes = _wait_until_still(page)
    return {"settled_s": (changes[-1] - start) / 1000, "typing_s": (typed - start) / 1000, "redraws": len(changes),
            "changes_s": [(change - start) / 1000 for change in changes]}


def screenshot(page, handle, path: Path) -> None:
    """A screenshot of the page with the explorer of ``handle`` in the middle and no file browser."""
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    handle.evaluate("handle => handle.closest('.widget-vbox').scrollIntoView({block: 'center'})")
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))


def figure_png(figure) -> bytes:
    return figure.screenshot()


def summarize(latencies: list[float]) -> str:
    return f"median {statistics.median(latencies) * 1000:.0f} ms, worst {max(latencies) * 1000:.0f} ms"


def prepare_with_naive_slider(folder: Path) -> None:
    """Module 1 completed, with the naive slider appended; Module 5 completed."""
    nb = completed_notebook("01_gradient_descent")
    nb.cells.append(nbformat.v4.new_code_cell(NAIVE_SLIDER))
    nbformat.write(nb, folder / "01_gradient_descent.ipynb")
    prepare(folder, ["05_adam"])


def prepare(folder: Path, modules: list[str]) -> list[str]:
    """Write completed copies of the modules' course notebooks into ``folder``; return their names."""
    names = []
    for module in modules:
        nbformat.write(completed_notebook(module), folder / f"{module}.ipynb")
        names.append(f"{module}.ipynb")
    return names
