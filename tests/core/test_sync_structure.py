"""The sync package stays changeable: no import cycle among its modules, no module too big to read.

A cycle is what let consolidation, base packages and receipts grow into each other (each
reaching into the others through imports hidden inside functions); every import counts
here, wherever it is written.
"""

from __future__ import annotations

import ast
from pathlib import Path

import rcdesk.sync
from tests.code_size import logical_lines

SYNC = Path(rcdesk.sync.__file__).parent
PACKAGE = "rcdesk.sync"
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    return {p.stem: p for p in sorted(SYNC.glob("*.py")) if p.stem != "__init__"}


def _imported(tree: ast.AST, modules: set[str]) -> set[str]:
    """Sync modules named by every import statement in `tree`, top-level or not."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = PACKAGE if node.level == 1 else (node.module or "")
            if node.level == 1 and node.module:
                base = f"{PACKAGE}.{node.module}"
            # `from rcdesk.sync import peers` names a module; `from rcdesk.sync.peers import x` too
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            if name.startswith(PACKAGE + "."):
                mod = name[len(PACKAGE) + 1 :].split(".")[0]
                if mod in modules:
                    out.add(mod)
    return out


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {m: _imported(ast.parse(p.read_text("utf-8")), set(modules)) - {m} for m, p in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path (first module repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 1:
                return path[path.index(n) :] + [n]
            if n not in state and (found := visit(n)):
                return found
        path.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_the_graph_sees_imports_inside_functions():
    tree = ast.parse("def f():\n    from rcdesk.sync import receipt\n    from rcdesk.sync.keys import verify\n")
    assert _imported(tree, {"receipt", "keys", "peers"}) == {"receipt", "keys"}
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_sync_modules_import_each_other_without_cycles():
    graph = import_graph()
    assert {"consolidate", "base_package", "receipt", "package", "field_package"} <= set(graph)
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle in rcdesk.sync: " + " -> ".join(cycle)


def test_the_batch_import_sits_above_the_package_kinds():
    graph = import_graph()
    for low in ("package", "verify", "apply", "import_report", "field_package", "base_package", "receipt"):
        assert "consolidate" not in graph[low], f"{low} imports consolidate"


def test_no_sync_module_is_too_long_to_read():
    long = {m: n for m, p in _modules().items() if (n := logical_lines(p.read_text("utf-8"))) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} logical lines: {long}"
