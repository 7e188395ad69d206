"""The five seed plans (Chimborazo, Ibagué ×2, Itagüí, Nariño) as example data."""

from __future__ import annotations

from importlib import resources

ORDER = 10

# Seed 001 never names its entity; its activities (e.g. "Facebook Live Conéctate con Andrés")
# are the Alcaldía de Ibagué's 2021 strategy, the predecessor of seed 003.
FALLBACK_ENTITY = {
    "001_murc_estrategia_2021.xlsx": "Alcaldía Municipal de Ibagué",
    "003_murc_ibague_2022.xlsx": "Alcaldía Municipal de Ibagué",  # only its web address names it
}


def seed_files() -> list:
    folder = resources.files("rcdesk.data.seeds")
    return sorted((p for p in folder.iterdir() if p.name.endswith(".xlsx")), key=lambda p: p.name)


def load(db, progress) -> dict:
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
        summary = svc.save_parsed(parsed, entity=None if parsed.entity else FALLBACK_ENTITY.get(f.name))
        plans += 1
        activities += summary.activities
    progress(len(files), len(files), "Planes cargados")
    return {"plans": plans, "activities": activities}
