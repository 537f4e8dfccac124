"""The package's shape a newcomer relies on: layers that import one way (the import-linter
contract in pyproject.toml), no import cycle anywhere, few modules at the root, and modules and
functions short enough to read (docs/development.md says why)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import unavailable

PROJECT_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = PROJECT_DIR / "sonic_model"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80


def _import(name: str):
    try:
        return __import__(name)
    except ImportError as exc:
        unavailable(f"{name} is not installed ({exc}); pip install -r requirements-dev.txt")


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_layers_contract_holds():
    """`lint-imports` (import-linter) checks every import, those inside functions included."""
    _import("importlinter")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR)}
    proc = subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command;"
                           "lint_imports_command()"], cwd=PROJECT_DIR, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "BROKEN" not in proc.stdout and "KEPT" in proc.stdout


def _import_graph() -> dict[str, set[str]]:
    grimp = _import("grimp")
    sys.path.insert(0, str(PROJECT_DIR))
    try:
        graph = grimp.build_graph("sonic_model")
    finally:
        sys.path.remove(str(PROJECT_DIR))
    return {m: {i for i in graph.find_modules_directly_imported_by(m)
                if i.startswith("sonic_model.")}
            for m in graph.modules if m.startswith("sonic_model.")}


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_a_planted_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_modules():
    """Within a layer too (import-linter's layers only look between layers)."""
    assert _cycles(_import_graph()) == []


def test_the_package_root_keeps_only_the_public_face():
    root = sorted(p.name for p in PACKAGE_DIR.glob("*.py"))
    assert root == ["__init__.py", "__main__.py"]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE_DIR)))
def test_modules_and_functions_stay_readable(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES, f"{path.name}: split it by job"
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for node in ast.walk(ast.parse(text))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"{path.name}: functions over {MAX_FUNCTION_LINES} lines: {long}"
