"""Example data for `rcdesk demo` and the GUI's first start.

Every module in this package that defines `ORDER` and `load(db, progress)` is run in
order; each returns a dict of counts. Plans come first (ORDER 10); capabilities build on them.
"""
from __future__ import annotations

import importlib
import pkgutil

from rcdesk.jobs import ProgressFn, no_progress


def steps() -> list:
    mods = []
    for info in pkgutil.iter_modules(__path__):
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(mod, "ORDER") and hasattr(mod, "load"):
            mods.append(mod)
    return sorted(mods, key=lambda m: m.ORDER)


def load_all(db, progress: ProgressFn = no_progress) -> dict:  # noqa: ANN001
    from rcdesk.services.reference import ReferenceService

    result: dict = {"territories": ReferenceService(db).ensure_builtin_territories()}
    for mod in steps():
        out = mod.load(db, progress) or {}
        for k, v in out.items():
            result[k] = result.get(k, 0) + v if isinstance(v, int) and isinstance(result.get(k), int) else v
    return result
