"""Measure what learners wait for and write benchmarks/RESULTS.md (run with `make bench`).

* Slider callback: time from setting a slider value to the new PNG being in the widget
  (learner trajectory + drawing + PNG render), over sweeps of the learning rate.
* Notebook execution: wall time and peak kernel memory (RSS) for each solution notebook.
"""
from __future__ import annotations

import os
import platform
import statistics
import threading
import time
from datetime import date
from pathlib import Path

import nbformat
import numpy as np
import psutil
from nbclient import NotebookClient

from optcourse import landscapes, widgets

ROOT = Path(__file__).resolve().parents[1]
SLIDER_BUDGET_MS = 150
NOTEBOOK_BUDGET_S = 60


def gd_trajectory(grad_fn, w0, *, learning_rate, num_steps):
    """A correct learner solution, so the timing includes learner code as in the notebook."""
    rows = [np.array(w0, dtype=float)]
    for _ in range(num_steps):
        rows.append(rows[-1] - learning_rate * grad_fn(rows[-1]))
    return np.stack(rows)


def slider_times(landscape, num_steps: int, changes: int = 25) -> list[float]:
    explorer = widgets.learning_rate_explorer(gd_trajectory, landscape, num_steps=num_steps, low=0.01, high=1.0)
    slider = explorer.sliders["learning_rate"]
    times = []
    for value in np.geomspace(0.011, 0.99, changes):
        start = time.perf_counter()
        slider.value = float(value)
        times.append((time.perf_counter() - start) * 1000)
    return times


def run_notebook(path: Path) -> tuple[float, float]:
    """Execute like the grader does; return (wall seconds, peak kernel RSS in MB)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    peak, done = [0.0], threading.Event()

    def watch():
        me = psutil.Process()
        while not done.wait(0.05):
            for child in me.children(recursive=True):
                try:
                    peak[0] = max(peak[0], child.memory_info().rss / 2**20)
                except psutil.Error:
                    pass

    watcher = threading.Thread(target=watch)
    watcher.start()
    start = time.perf_counter()
    os.environ["NBGRADER_EXECUTION"] = "validate"
    try:
        client.execute()
    finally:
        del os.environ["NBGRADER_EXECUTION"]
        done.set()
        watcher.join()
    return time.perf_counter() - start, peak[0]


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = psutil.virtual_memory().total / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, {platform.system()}, Python {platform.python_version()}"


def main() -> None:
    rows = ["| what | median | worst | budget | met |", "|---|---|---|---|---|"]
    for label, landscape, steps in [("Module 1 slider, parabola (20 steps)", landscapes.parabola(a=4.0), 20),
                                    ("Module 1 slider, scaled bowl (40 steps)", landscapes.scaled_bowl(), 40)]:
        slider_times(landscape, steps, changes=3)  # warm-up: first draws load fonts
        times = slider_times(landscape, steps)
        worst = max(times)
        rows.append(f"| {label} | {statistics.median(times):.0f} ms | {worst:.0f} ms | {SLIDER_BUDGET_MS} ms "
                    f"| {'yes' if worst < SLIDER_BUDGET_MS else 'NO'} |")
    rows += ["", "| notebook | execution | peak kernel memory | budget | met |", "|---|---|---|---|---|"]
    for path in sorted(ROOT.glob("solutions/[0-9][0-9]_*/*.ipynb")):
        seconds, peak_mb = run_notebook(path)
        rows.append(f"| {path.stem} | {seconds:.1f} s | {peak_mb:.0f} MB | {NOTEBOOK_BUDGET_S} s "
                    f"| {'yes' if seconds < NOTEBOOK_BUDGET_S else 'NO'} |")
    text = "\n".join([
        "# Benchmark results",
        "",
        f"Produced by `make bench` on {date.today().isoformat()}.",
        f"Machine: {machine()}.",
        "",
        "Slider times are kernel-side: from setting the slider value to the new PNG in the widget "
        "(learner trajectory, drawing and PNG rendering), over 25 learning rates after a warm-up.",
        "Notebook times are a full execution as the grader runs it, TensorFlow import included.",
        "",
        *rows,
        "",
    ])
    (ROOT / "benchmarks" / "RESULTS.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
