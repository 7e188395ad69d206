"""The five seed plans (Chimborazo, Ibagué ×2, Itagüí, Nariño) as example data."""
from __future__ import annotations

from importlib import resources

ORDER = 10


def seed_files() -> list:
    folder = resources.files("rcdesk.data.seeds")
    return sorted((p for p in folder.iterdir() if p.name.endswith(".xlsx")), key=lambda p: p.name)


def load(db, progress) -> dict:  # noqa: ANN001
    from rcdesk.plans.importer import read_plan
    from rcdesk.services.plans import PlanService

    svc = PlanService(db)
    existing = {p.source_name for p in svc.list_plans()}
    plans = activities = 0
    files = seed_files()
    for i, f in enumerate(files):
        progress(i, len(files), f"Cargando {f.name}…")
        if f.name in existing:
            continue
        with resources.as_file(f) as path:
            parsed = read_plan(path)
        summary = svc.save_parsed(parsed)
        plans += 1
        activities += summary.activities
    progress(len(files), len(files), "Planes cargados")
    return {"plans": plans, "activities": activities}
