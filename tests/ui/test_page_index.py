"""The main window's section index must match what each page module declares."""

from __future__ import annotations

import importlib

from ui.pages import PAGE_INDEX
from ui.shell import page_modules


def test_index_matches_every_page_module():
    declared = set()
    for name in page_modules():
        mod = importlib.import_module(f"ui.pages.{name}")
        for spec in getattr(mod, "PAGES", []):
            declared.add((name, spec.key, spec.title, spec.order, spec.icon, spec.tooltip))
    assert declared == set(PAGE_INDEX), "update PAGE_INDEX in ui/pages/__init__.py"


def test_keys_are_unique():
    keys = [row[1] for row in PAGE_INDEX]
    assert len(keys) == len(set(keys))
