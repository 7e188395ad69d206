"""Example data for `rcdesk demo` and the GUI's first start.

Every module listed in `steps()` that defines `ORDER` and `load(db, progress)` is run in
order; each returns a dict of counts. Plans come first (ORDER 10); capabilities build on them.
"""

from __future__ import annotations

from rcdesk.jobs import ProgressFn, no_progress


def steps() -> list:
    # Import statements, not a scan of the folder: a frozen build ships only the modules an
    # import names. tests/core/test_registries.py fails when a step module is missing here.
    from rcdesk.demo import events, followup, plans, poa, sync

    mods = [m for m in (events, followup, plans, poa, sync) if hasattr(m, "ORDER") and hasattr(m, "load")]
    return sorted(mods, key=lambda m: m.ORDER)


def load_all(db, progress: ProgressFn = no_progress) -> dict:
    from rcdesk.services.reference import ReferenceService

    result: dict = {"territories": ReferenceService(db).ensure_builtin_territories()}
    for mod in steps():
        out = mod.load(db, progress) or {}
        for k, v in out.items():
            result[k] = result.get(k, 0) + v if isinstance(v, int) and isinstance(result.get(k), int) else v
    return result
