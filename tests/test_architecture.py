"""The library's folders are its architecture: who may import whom, and how high the stack is."""
from __future__ import annotations

import ast
import functools
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "optcourse"
MAX_FLOORS = 5


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module → the course modules it imports (at the top or inside a function: both are arrows)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                base = package
                for _ in range(max(node.level - 1, 0)):
                    base = base.rpartition(".")[0]
                prefix = (f"{base}.{node.module}" if node.module else base) if node.level else node.module
                for alias in node.names:
                    full = f"{prefix}.{alias.name}"
                    targets.add(full if full in modules else prefix)
            elif isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
        graph[name] = {t for t in targets if t in modules and t != name and not name.startswith(t + ".")}
    return graph


def floors(graph: dict[str, set[str]]) -> dict[str, int]:
    @functools.cache
    def floor(name: str) -> int:
        return 1 + max((floor(t) for t in graph[name] if not t.endswith("__init__")), default=0)
    return {name: floor(name) for name in graph}


def test_the_import_graph_is_read_correctly():
    graph = import_graph()
    assert "optcourse.lesson.optim" in graph["optcourse.lesson.reference.adam"]
    assert "optcourse.learner_code.calling" in graph["optcourse.demos.widgets"]   # a lazy import counts
    assert "optcourse.demos.plots" in graph["optcourse.demos.widgets"]            # from . import plots


def test_demonstrations_never_import_grading():
    graph = import_graph()
    arrows = [(a, b) for a, targets in graph.items() for b in targets
              if a.startswith("optcourse.demos") and b.startswith("optcourse.grading")]
    assert arrows == []


def test_the_lesson_material_and_learner_code_sit_below_demonstrations_and_grading():
    graph = import_graph()
    for name, targets in graph.items():
        if name.startswith(("optcourse.lesson", "optcourse.learner_code", "optcourse.constants")):
            assert not {t for t in targets if t.startswith(("optcourse.demos", "optcourse.grading"))}, name


def test_the_library_has_at_most_five_floors():
    height = floors(import_graph())
    assert max(height.values()) <= MAX_FLOORS, sorted(height.items(), key=lambda item: -item[1])[:5]


def test_every_module_says_what_it_exports():
    for path in PACKAGE.rglob("*.py"):
        if path.name != "__init__.py":
            assert "__all__" in {t.id for node in ast.parse(path.read_text()).body if isinstance(node, ast.Assign)
                                 for t in node.targets if isinstance(t, ast.Name)}, path


def test_autograder_imports_without_sys_path_changes():
    for path in [*(ROOT / "autograder").glob("*.py"), *(ROOT / "tests").glob("*.py"), *(ROOT / "benchmarks").glob("*.py"),
                 ROOT / "nbgrader_config.py"]:
        if path != Path(__file__).resolve():
            assert not re.search(r"sys\.path\.\w+\(.*autograder", path.read_text()), path
    result = subprocess.run([sys.executable, "-c", "import autograder.grade, autograder.release, autograder.referee"],
                            cwd="/", capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
