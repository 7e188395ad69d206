"""The GUI keeps one shape, so the next maintainer changes one place instead of four.

Every table model derives from `ui.models.rows.ListTableModel` (column specs, `set_rows()`,
`RowRole` answered with the row), `RowRole` has one definition, and no widget or page module
grows past what one person can read.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

from tests.code_size import logical_lines

UI = Path(__file__).resolve().parents[2] / "ui"
MAX_LINES = 600  # logical lines (tests/code_size.py): formatting never decides
OVER_BUDGET: dict[str, int] = {}  # a cap for a module while it is being split; none needed now


def _modules() -> list[Path]:
    return sorted(UI.rglob("*.py"))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _assigned_names(tree: ast.Module) -> list[str]:
    names = []
    for node in ast.walk(tree):
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, (ast.AnnAssign, ast.AugAssign))
            else []
        )
        for t in targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name):
                    names.append(n.id)
    return names


def test_row_role_is_defined_once():
    where = [str(p.relative_to(UI)) for p in _modules() for name in _assigned_names(_tree(p)) if name == "RowRole"]
    assert where == ["models/rows.py"], where


def test_widget_and_page_modules_stay_small():
    too_long = {}
    for folder in ("widgets", "pages"):
        for path in sorted((UI / folder).rglob("*.py")):
            key = str(path.relative_to(UI))
            lines = logical_lines(path.read_text(encoding="utf-8"))
            if lines > OVER_BUDGET.get(key, MAX_LINES):
                too_long[key] = lines
    assert not too_long, f"split these modules (at most {MAX_LINES} logical lines): {too_long}"


def test_no_table_model_outside_the_base():
    """No module builds a table model straight on Qt's class: it would skip RowRole and the column specs."""
    direct = []
    for path in _modules():
        if path == UI / "models" / "rows.py":
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ClassDef):
                bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
                if "QAbstractTableModel" in bases:
                    direct.append(f"{path.relative_to(UI)}:{node.name}")
    assert not direct, direct


def test_every_table_model_derives_from_list_table_model():
    from PySide6.QtCore import QAbstractTableModel

    import ui.models
    from ui.models.rows import ListTableModel

    outside = []
    for info in pkgutil.iter_modules(ui.models.__path__):
        mod = importlib.import_module(f"ui.models.{info.name}")
        for _, cls in inspect.getmembers(mod, inspect.isclass):
            if (
                cls.__module__ == mod.__name__
                and issubclass(cls, QAbstractTableModel)
                and not issubclass(cls, ListTableModel)
            ):
                outside.append(f"{info.name}.{cls.__name__}")
    assert not outside, outside
