"""Measure what learners wait for and write benchmarks/RESULTS.md (run with `make bench`).

* Slider callback: time from setting a slider value to the new PNG being in the widget
  (learner trajectory + drawing + PNG render), over sweeps of the learning rate.
* Notebook execution: wall time and peak kernel memory (RSS) for each solution notebook.
* In a real browser (JupyterLab + Chromium): slider press to new picture, and a 20-press burst.
* Grading: Module 7 for one student, end to end (`python benchmarks/run.py one-student [MODULE [RUNS]]` alone);
  the whole course for one student; a class one after another and in parallel.
* Grading on Dask: a class on a local cluster with one worker, then two (`python benchmarks/run.py dask` alone);
  the SQLite gradebook under concurrent writers (`python benchmarks/run.py sqlite`, not part of `make bench`).
* Fresh install: a new virtual environment with the course and its dev tools.
"""
from __future__ import annotations

import os
import platform
import statistics
import sys
import threading
import time
from datetime import date
from pathlib import Path

import nbformat
import numpy as np
import psutil
from nbclient import NotebookClient

from optcourse.demos import widgets
from optcourse.lesson import datasets, landscapes

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from learner_answers import (  # noqa: E402
    adagrad_init,
    adagrad_step,
    adam_init,
    adam_step,
    gd_trajectory,
    minibatch_indices,
    momentum_step,
    rmsprop_step,
    sgd_epoch,
)

SLIDER_BUDGET_MS = 150
# Budgets from the issues: Modules 1-5 under 60 s; Modules 6-7 under 90 s and 1 GB peak kernel memory.
NOTEBOOK_BUDGET_S = {"07_tradeoffs": 90}  # the issues' budgets: Modules 1–6 60 s, the capstone 90 s
DEFAULT_NOTEBOOK_BUDGET_S = 60
MEMORY_BUDGET_MB = 1024


def sweep(explorer, name: str, values) -> list[float]:
    """Move one slider through ``values``; return the callback time of each change in ms."""
    slider, times = explorer.sliders[name], []
    for value in values:
        start = time.perf_counter()
        slider.value = value
        times.append((time.perf_counter() - start) * 1000)
    return times


def slider_cases():
    """(label, explorer factory, slider name, values): each the way a module's notebook uses it."""
    rates = [float(v) for v in np.geomspace(0.011, 0.99, 25)]
    return [
        ("Module 1 slider, parabola (20 steps)",
         lambda: widgets.learning_rate_explorer(gd_trajectory, landscapes.parabola(a=4.0), num_steps=20, low=0.01, high=1.0),
         "learning_rate", rates),
        ("Module 1 slider, scaled bowl (40 steps)",
         lambda: widgets.learning_rate_explorer(gd_trajectory, landscapes.scaled_bowl(), num_steps=40, low=0.01, high=1.0),
         "learning_rate", rates),
        ("Module 2 batch-size slider (2 epochs; batch 1 = 400 steps)",
         lambda: widgets.minibatch_explorer(minibatch_indices, sgd_epoch, datasets.line_data()),
         "batch_size", [1, 2, 5, 10, 20, 50, 100, 200] * 3),
        ("Module 3 race, learning-rate slider (3 runs × 60 steps)",
         lambda: widgets.momentum_explorer(momentum_step, landscapes.scaled_bowl(), nesterov_step=momentum_step),
         "learning_rate", rates),
        ("Module 4 race, rho slider (3 runs × 60 steps)",
         lambda: widgets.adaptive_explorer(adagrad_step, adagrad_init, rmsprop_step, landscapes.scaled_bowl()),
         "rho", [float(v) for v in np.linspace(0.0, 0.999, 25)]),
        ("Module 5 race, learning-rate slider (3 runs × 80 steps)",
         lambda: widgets.adam_race_explorer(adam_step, adam_init, landscapes.scaled_bowl()),
         "learning_rate", rates),
        ("Module 5 bias-correction explorer, t slider",
         lambda: widgets.bias_correction_explorer(), "t", list(range(1, 101, 4))),
        ("Module 6 schedule explorer, peak-rate slider (8 epochs × 32 steps, cosine)",
         lambda: widgets.schedule_explorer({"cosine": lambda step: 0.5 * (1 + np.cos(np.pi * min(step, 255) / 255))},
                                           datasets.regression_data(), learning_rate=0.4),
         "learning_rate", [float(v) for v in np.geomspace(0.0011, 0.99, 25)]),
        ("Module 7 recorded runs, learning-rate slider (7 rates × 2 optimizers)",
         lambda: widgets.recorded_runs_explorer(_recorded_runs(), panels={"training loss": (0.4, 2.0),
                                                                          "training accuracy": (0.2, 0.9)}, num_epochs=5),
         "learning_rate", [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0] * 3),
    ]


def _recorded_runs() -> dict:
    """Runs shaped like Module 7's (five epochs of loss and accuracy per optimizer and rate), made up."""
    rng = np.random.default_rng(0)
    return {rate: {label: {"training loss": list(rng.uniform(0.5, 1.9, 5)), "training accuracy": list(rng.uniform(0.3, 0.8, 5))}
                   for label in ("SGD + momentum", "Adam")}
            for rate in (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)}


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


def grading_times() -> list[str]:
    """Whole-course grading for one student; a class one after another, in parallel, and by plain nbgrader."""
    import shutil
    import tempfile

    from autograder import grade, release

    rows = ["| grading (in the sandbox) | time | budget | met |", "|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "course" / "ada").mkdir(parents=True)
        for module in grade.modules():
            shutil.copy(release.source_notebook(module), tmp / "course" / "ada")
        start = time.perf_counter()
        outcomes = grade.grade(grade.ALL, tmp / "course", work=tmp / "course_work", jobs=2)
        whole = time.perf_counter() - start
        rows.append(f"| whole course ({len(outcomes)} modules), one student, `grade.py all --jobs 2` | {whole:.0f} s | 60 s | "
                    f"{'yes' if whole < 60 and all(o.graded for o in outcomes) else 'NO'} |")
        per_notebook = ", ".join(f"{o.assignment[:2]}: {o.seconds:.0f} s" for o in sorted(outcomes))
        rows.append(f"| in that run, each notebook's autograde (module: time) | {per_notebook} | | |")

        class_folder = tmp / "class"
        for n in range(8):
            (class_folder / f"student{n}").mkdir(parents=True)
            shutil.copy(release.source_notebook("03_momentum"), class_folder / f"student{n}" / "03_momentum.ipynb")
        timings = {}
        for jobs in (1, 2):  # Module 3's checks take Keras's answers from the release's record: no TensorFlow
            start = time.perf_counter()
            grade.grade("03_momentum", class_folder, work=tmp / f"class_work_{jobs}", jobs=jobs)
            timings[jobs] = time.perf_counter() - start
        # The baseline the issue names: one plain `nbgrader autograde` over the class, in the work
        # folder the last run set up (same sandbox kernel), autograde step alone.
        start = time.perf_counter()
        grade.autograde("03_momentum", tmp / "class_work_2", grade.Limits())
        plain = time.perf_counter() - start
        speedup = timings[1] / timings[2]
        rows.append(f"| Module 3, 8 students, one after another (`--jobs 1`), end to end | {timings[1]:.0f} s | | |")
        rows.append(f"| Module 3, 8 students, 2 at once (`--jobs 2`), end to end | {timings[2]:.0f} s "
                    f"({speedup:.2f}× faster) | 1.6× | {'yes' if speedup >= 1.6 else 'NO'} |")
        rows.append(f"| Module 3, 8 students, plain `nbgrader autograde` (one process), autograde step only | {plain:.0f} s "
                    f"({plain / timings[2]:.2f}× our end-to-end `--jobs 2`) | | |")
    return rows


ONE_STUDENT_BUDGET_S = 20  # issue 16: grading Module 7 for one student


def _tree_cpu_seconds(process: psutil.Popen, done: threading.Event, seen: dict) -> None:
    """Sample the CPU time (user + system) of ``process`` and every process under it until ``done``.

    The sandboxed kernel is stopped with SIGKILL, so its time never reaches ``getrusage``'s children:
    each process is read while it runs (what it spends in its last 0.05 s is missed)."""
    while not done.wait(0.05):
        try:
            tree = [process, *process.children(recursive=True)]
        except psutil.Error:
            continue
        for member in tree:
            try:
                times = member.cpu_times()
                seen[member.pid, member.create_time()] = times.user + times.system
            except psutil.Error:
                pass


def one_student_times(module: str = "07_tradeoffs", runs: int = 3, env: dict | None = None) -> list[dict]:
    """``grade.py MODULE`` for one student with the module's solutions, end to end as an instructor times it
    (a new Python process, a new work folder): wall seconds, the notebook's autograde as grade.py reports
    it, CPU seconds of every process it started, and the load average (1 min) just before each run."""
    import re
    import shutil
    import subprocess
    import tempfile

    from autograder import release

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "class" / "ada").mkdir(parents=True)
        shutil.copy(release.source_notebook(module), tmp / "class" / "ada" / f"{module}.ipynb")
        for run in range(runs):
            work = tmp / f"work{run}"
            load = os.getloadavg()[0]
            seen, done = {}, threading.Event()
            start = time.perf_counter()
            process = psutil.Popen([sys.executable, "-m", "autograder.grade", module, str(tmp / "class"), "--work", str(work)],
                                   cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, **(env or {})})
            watcher = threading.Thread(target=_tree_cpu_seconds, args=(process, done, seen))
            watcher.start()
            out, _ = process.communicate()
            wall = time.perf_counter() - start
            done.set()
            watcher.join()
            found = re.search(r"graded \((\d+\.\d) s\)", out)
            results.append({"wall": wall, "autograde": float(found[1]) if found else float("nan"), "cpu": sum(seen.values()),
                            "load": load, "graded": process.returncode == 0 and found is not None})
    return results


def one_student_rows(module: str = "07_tradeoffs", runs: int = 3) -> list[str]:
    results = one_student_times(module, runs)
    rows = [f"| {module}, one student, `grade.py {module}` end to end (new work folder) | wall | its autograde | CPU (all processes) "
            "| load average before | budget | met |", "|---|---|---|---|---|---|---|"]
    for k, r in enumerate(results, start=1):
        met = r["graded"] and r["wall"] <= ONE_STUDENT_BUDGET_S
        rows.append(f"| run {k} | {r['wall']:.1f} s | {r['autograde']:.1f} s | {r['cpu']:.1f} s | {r['load']:.1f} "
                    f"| {ONE_STUDENT_BUDGET_S} s | {'yes' if met else 'NO'} |")
    walls = sorted(r["wall"] for r in results)
    rows.append(f"| median of {runs} | {statistics.median(walls):.1f} s | {statistics.median(r['autograde'] for r in results):.1f} s "
                f"| {statistics.median(r['cpu'] for r in results):.1f} s | | {ONE_STUDENT_BUDGET_S} s "
                f"| {'yes' if statistics.median(walls) <= ONE_STUDENT_BUDGET_S else 'NO'} |")
    return rows


def _steal_seconds() -> float:
    """CPU time the hypervisor gave to others while this machine wanted it (/proc/stat's steal), all cores."""
    with open("/proc/stat") as stat:
        fields = stat.readline().split()
    return int(fields[8]) / os.sysconf("SC_CLK_TCK") if len(fields) > 8 else 0.0


def dask_grading_times(students: int = 8, module: str = "03_momentum", rounds: int = 3) -> list[str]:
    """One class graded on a local Dask cluster (`grade.py --scheduler`) with one worker, then two (one thread
    each), ``rounds`` times alternating, as graded; then once with each worker pinned to a core of its own.
    Module 3's checks take Keras's answers from the release's record, so no process loads TensorFlow."""
    import shutil
    import tempfile

    from autograder import dask_grading, grade, release

    rows = ["| grading on Dask (in the sandbox) | 1 worker | 2 workers | two against one | load average before | CPU stolen by the host |",
            "|---|---|---|---|---|---|"]
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        class_folder = tmp / "class"
        for n in range(students):
            (class_folder / f"student{n}").mkdir(parents=True)
            shutil.copy(release.source_notebook(module), class_folder / f"student{n}" / f"{module}.ipynb")
        # Pinned: each worker (and all it starts) on a core of its own, as on machines of one core each.
        for k, pin in [*((k, False) for k in range(1, rounds + 1)), (rounds + 1, True)]:
            timings, load, stolen = {}, os.getloadavg()[0], _steal_seconds()
            for workers in (1, 2):
                folder = tmp / f"cluster{workers}_{k}"
                folder.mkdir()
                with dask_grading.local_cluster(folder, workers, pin=pin) as (address, _, _):
                    client = dask_grading.connect(address)
                    try:
                        start = time.perf_counter()
                        outcomes = grade.grade(module, class_folder, work=folder / "work", cluster=client)
                        timings[workers] = time.perf_counter() - start
                    finally:
                        client.close()
                if sum(o.graded for o in outcomes) != students:
                    raise RuntimeError(f"only {sum(o.graded for o in outcomes)} of {students} notebooks were graded")
            ratio = timings[1] / timings[2]
            how = "each worker pinned to a core of its own" if pin else f"as graded, round {k}"
            if not pin:
                ratios.append(ratio)
            rows.append(f"| {module}, {students} students, {how} | {timings[1]:.0f} s | {timings[2]:.0f} s | {ratio:.2f}× "
                        f"| {load:.1f} | {_steal_seconds() - stolen:.0f} s |")
        median = statistics.median(ratios)
        verdict = "met" if median >= 1.6 else "NOT met"
        rows.append(f"| median of the {rounds} rounds as graded | | | {median:.2f}× (target 1.6×: {verdict}) | | |")
    return rows


def _merge_as(work: Path, result, student: str, barrier, queue, repeat: int) -> None:
    """One writer of gradebook_writers: ``repeat`` merges of ``result`` as ``student``, started with the others."""
    from autograder import dask_grading

    barrier.wait()
    locked, start = 0, time.perf_counter()
    for _ in range(repeat):
        try:
            dask_grading.merge(work, result._replace(outcome=result.outcome._replace(student=student)))
        except Exception as error:  # noqa: BLE001 - counted, not raised: the measurement is how often
            locked += "database is locked" in str(error)
    queue.put((locked, time.perf_counter() - start))


def gradebook_writers(repeat: int = 5) -> list[str]:
    """How many processes can write one SQLite gradebook at once before "database is locked".

    Each writer merges one graded notebook's result (dask_grading.merge, one transaction) ``repeat``
    times, all released together, as many graders finishing at once would; grade.py --scheduler
    merges one at a time, so it has one writer whatever the cluster's size.
    """
    import multiprocessing
    import shutil
    import tempfile

    from autograder import dask_grading, grade, release

    module = "01_gradient_descent"
    rows = [f"| SQLite gradebook, writers at once ({repeat} merges each) | 'database is locked' | slowest writer | load average |",
            "|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "class" / "ada").mkdir(parents=True)
        shutil.copy(release.source_notebook(module), tmp / "class" / "ada" / f"{module}.ipynb")
        graded = tmp / "graded"
        grade.grade(module, tmp / "class", work=graded, jobs=1)
        copy = graded / grade.COPIES / "ada" / module / f"{module}.ipynb"
        result = dask_grading.grade_in_task(dask_grading.Task(
            module, "ada", {copy.name: copy.read_bytes()}, dask_grading._snapshot(graded / "gradebook.db"), grade.Limits(),
            (), tuple(map(str, grade.hidden_from_students(graded, tmp / "class")))))
        for writers in (1, 2, 4, 8, 16, 32, 64):
            work = tmp / f"writers{writers}"
            work.mkdir()
            shutil.copy(graded / "gradebook.db", work / "gradebook.db")
            students = [f"s{n}" for n in range(writers)]
            grade._register_students(work, students)
            barrier, queue = multiprocessing.Barrier(writers), multiprocessing.Queue()
            processes = [multiprocessing.Process(target=_merge_as, args=(work, result, who, barrier, queue, repeat))
                         for who in students]
            for process in processes:
                process.start()
            done = [queue.get() for _ in processes]
            for process in processes:
                process.join()
            rows.append(f"| {writers} | {sum(n for n, _ in done)} of {writers * repeat} | {max(t for _, t in done):.1f} s "
                        f"| {os.getloadavg()[0]:.1f} |")
    return rows


def referee_costs() -> list[str]:
    """What judging the test cells outside the learner's kernel costs, per solution notebook.

    Each notebook runs as the grader runs it (experiments skipped), in an ordinary kernel: the
    referee's share is the time from handing it a test cell to having its verdict, all calls of the
    learner's functions through the channel included; TensorFlow loads in the referee's process
    the first time a check needs Keras (Module 3 here), which is counted in that module.
    """
    from autograder import release
    from autograder.experiments import SkipExperiments
    from autograder.referee import RefereedExecute

    rows = ["| referee (test cells judged outside the learner's kernel) | test cells | referee time | whole autograde run |",
            "|---|---|---|---|"]
    for path in release.build_all():
        nb = nbformat.read(path, as_version=4)
        resources = {"metadata": {"path": str(path.parent)}}
        nb, resources = SkipExperiments().preprocess(nb, resources)
        executor = RefereedExecute(timeout=120, kernel_name="python3")
        start = time.perf_counter()
        executor.preprocess(nb, resources)
        whole = time.perf_counter() - start
        rows.append(f"| {path.stem} | {executor.judged} | {executor.judging_seconds:.2f} s | {whole:.1f} s |")
    return rows


def browser_times() -> list[str]:
    """Slider press to decoded picture in Chromium, and how soon a burst of 20 presses settles."""
    import tempfile

    import browser

    rows = ["| in the browser | median | worst | budget | met |", "|---|---|---|---|---|"]
    if not browser.CHROMIUM.exists():
        return rows + ["| (not measured: Debian's chromium is not installed) | | | | |"]
    with tempfile.TemporaryDirectory() as tmp, browser.jupyterlab(Path(tmp)) as url:
        browser.prepare_with_naive_slider(Path(tmp))
        with browser.chromium_page() as page:
            browser.open_and_run(page, url, "01_gradient_descent.ipynb")
            handle, figure = browser.explorer(page, "learning rate", nth=1)
            latencies = [1000 * t for t in browser.slider_latencies(page, handle, figure, presses=20)]
            bursts = [browser.quick_presses(page, handle, figure)["settled_s"] * 1000 for _ in range(5)]
            naive_handle, naive_figure = browser.explorer(page, "naive rate")
            naive = [browser.quick_presses(page, naive_handle, naive_figure)["settled_s"] * 1000 for _ in range(5)]
        with browser.chromium_page() as page:
            browser.open_and_run(page, url, "05_adam.ipynb")
            handle, figure = browser.explorer(page, "learning rate", nth=-1)
            race = [1000 * t for t in browser.slider_latencies(page, handle, figure, presses=20)]

    def row(label, values, budget=None):
        judged = "| reference | |" if budget is None else f"| {budget} ms | {'yes' if max(values) < budget else 'NO'} |"
        return f"| {label} | {statistics.median(values):.0f} ms | {max(values):.0f} ms {judged}"

    return rows + [
        row("Module 1 bowl: one press → new picture (20 presses)", latencies, 400),
        row("Module 5 race: one press → new picture (20 presses)", race, 400),
        row("Module 1 bowl: 20 quick presses → settled (5 bursts)", bursts, 420),
        row("same burst, naive `interact` + matplotlib slider (what ours must beat)", naive),
    ]


def install_time() -> str:
    """A fresh virtual environment with `pip install .[dev]`, using pip's download cache as it is."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "venv", f"{tmp}/venv"], check=True)
        subprocess.run([f"{tmp}/venv/bin/python", "-m", "pip", "install", "--quiet", f"{ROOT}[dev]"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
    return f"| fresh install (`python -m venv` + `pip install .[dev]`, pip's cache warm) | {seconds:.0f} s |"


CHECK_CELL_BUDGET_S = 1.0  # issue 14: a check cell, once TensorFlow is loaded
CHECK_TABLE_START, CHECK_TABLE_END = "<!-- check cells: start -->", "<!-- check cells: end -->"


def check_cell_times() -> list[str]:
    """Each graded check cell as the notebook runs it (the visible call, then the hidden ones) on a
    correct answer, after TensorFlow is imported: its first run in a fresh process (what a notebook cell
    costs; the first rule check also pays Keras's first optimizer build), and a rerun, where the rule
    checks reuse the Keras answers they computed."""
    import subprocess

    code = """
import json, statistics, sys, time
sys.path.insert(0, "tests")
from banks import m1_gradient_descent, m2_sgd, m3_momentum, m4_adaptive, m5_adam, m6_tuning, m7_tradeoffs
from hidden_cases import _all_cases
from optcourse.grading import checks
from optcourse.lesson.keras_bridge import import_tensorflow
import_tensorflow()
_all_cases()  # the hidden cases are read from the sources once, not inside a cell
times = {}
for module in (m1_gradient_descent, m2_sgd, m3_momentum, m4_adaptive, m5_adam, m6_tuning, m7_tradeoffs):
    for bank in module.BANKS:
        fn, check = next(iter(bank.right.values())), getattr(checks, bank.check)
        def cell():
            check(fn)
            for case in _all_cases().get(bank.check, []):
                check(fn, **case)
        runs = []
        for _ in range(6):
            start = time.perf_counter(); cell(); runs.append(time.perf_counter() - start)
        times[bank.check] = (runs[0], statistics.median(runs[1:]))
print(json.dumps(times))
"""
    import json

    # A new process, so "first" includes Keras's first optimizer build, as in a fresh kernel.
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    load = os.getloadavg()[0]
    rows = [f"Load average while measuring: {load:.1f} on {os.cpu_count()} cores (other work on the machine slows every row).", "",
            "| check cell (visible + hidden calls, correct answer, TensorFlow loaded) | first run | run again (Keras's answers kept) "
            "| budget | met |", "|---|---|---|---|---|"]
    for name, (first, median) in json.loads(out.strip().splitlines()[-1]).items():
        rows.append(f"| `checks.{name}` | {first * 1000:.0f} ms | {median * 1000:.0f} ms | {CHECK_CELL_BUDGET_S:g} s | "
                    f"{'yes' if first < CHECK_CELL_BUDGET_S else 'NO'} |")
    return rows


def write_check_table(rows: list[str]) -> None:
    """Put the check-cell table into RESULTS.md between its markers (appended the first time)."""
    path = ROOT / "benchmarks" / "RESULTS.md"
    text = path.read_text()
    block = "\n".join([CHECK_TABLE_START, f"Check cells measured on {date.today().isoformat()} (`benchmarks/run.py --checks`).", "",
                       *rows, CHECK_TABLE_END])
    if CHECK_TABLE_START in text:
        before, rest = text.split(CHECK_TABLE_START, 1)
        text = before + block + rest.split(CHECK_TABLE_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = psutil.virtual_memory().total / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, {platform.system()}, Python {platform.python_version()}"


def main() -> None:
    if sys.argv[1:] == ["dask"]:  # grading on a local Dask cluster, one worker against two, printed only
        print("\n".join([f"Machine: {machine()}.", "", *dask_grading_times()]))
        return
    if sys.argv[1:] == ["sqlite"]:  # the SQLite gradebook under concurrent writers, printed only
        print("\n".join([f"Machine: {machine()}.", "", *gradebook_writers()]))
        return
    if sys.argv[1:] == ["grading"]:  # just the grading figures, printed (RESULTS.md is left as it is)
        print("\n".join([f"Machine: {machine()}.", "", *one_student_rows(), "", *grading_times(), "", *referee_costs()]))
        return
    if sys.argv[1:2] == ["one-student"]:  # Module 7 (or the module given) for one student, printed only
        print("\n".join([f"Machine: {machine()}.", "", *one_student_rows(*sys.argv[2:3], runs=int((sys.argv[3:4] or ["3"])[0]))]))
        return
    rows = ["| what | median | worst | budget | met |", "|---|---|---|---|---|"]
    for label, make, name, values in slider_cases():
        explorer = make()
        sweep(explorer, name, values[:3])  # warm-up: the first draws load fonts
        times = sweep(explorer, name, values)
        worst = max(times)
        rows.append(f"| {label} | {statistics.median(times):.0f} ms | {worst:.0f} ms | {SLIDER_BUDGET_MS} ms "
                    f"| {'yes' if worst < SLIDER_BUDGET_MS else 'NO'} |")
    rows += ["", "| notebook | execution | budget | peak kernel memory | budget | met |", "|---|---|---|---|---|---|"]
    from autograder import release

    for path in release.build_all():
        seconds, peak_mb = run_notebook(path)
        budget = NOTEBOOK_BUDGET_S.get(path.stem, DEFAULT_NOTEBOOK_BUDGET_S)
        met = seconds < budget and peak_mb < MEMORY_BUDGET_MB
        rows.append(f"| {path.stem} | {seconds:.1f} s | {budget} s | {peak_mb:.0f} MB | {MEMORY_BUDGET_MB} MB | {'yes' if met else 'NO'} |")
    rows += ["", *browser_times()]
    rows += ["", *one_student_rows()]
    rows += ["", *grading_times()]
    rows += ["", *dask_grading_times()]
    rows += ["", *referee_costs()]
    rows += ["", "| set-up | time |", "|---|---|", install_time()]
    text = "\n".join([
        "# Benchmark results",
        "",
        f"Produced by `make bench` on {date.today().isoformat()}.",
        f"Machine: {machine()}.",
        "",
        "Slider times are kernel-side: from setting the slider value to the new PNG in the widget "
        "(learner code, drawing and PNG rendering), over a sweep of the slider after a warm-up.",
        "Notebook times are a full execution of every cell (as Run All or nbgrader's Validate runs it), TensorFlow import included.",
        "Browser times are measured in Debian's Chromium driving JupyterLab (tests/browser.py): from the key press "
        "on the slider to the new picture decoded in the page. A burst is 20 arrow presses dispatched at once; "
        "it has settled when the picture stops changing (the time of its last change is reported). "
        "The naive slider is a plain `interact` that draws a new matplotlib figure each time, in the same page.",
        "Grading times are `autograder/grade.py` end to end from an empty work folder (registering the assignments, "
        "autograde in the bubblewrap sandbox, feedback, export). The grader does not run cells tagged "
        "`skip-when-grading` (the experiments), so a graded notebook takes less than its full execution above.",
        "",
        *rows,
        "",
    ])
    (ROOT / "benchmarks" / "RESULTS.md").write_text(text)
    write_check_table(check_cell_times())
    print(text)


if __name__ == "__main__":
    if "--checks" in sys.argv:  # only the check-cell table, written into RESULTS.md in place
        table = check_cell_times()
        write_check_table(table)
        print("\n".join(table))
    else:
        main()
