"""Built-in templates: each seed plan, ready to start a new vigencia.

    list_templates() -> [TemplateInfo(key, title, layout, country, year), …]
    load_template("paac_narino", 2025) -> ParsedPlan

A template is a copy of the seed plan with every date moved to the new year (day and month
kept; 29 February becomes 28 February), and the old year replaced by the new one in the
title, the title rows, the scheduled-date texts, descriptions and metas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rcdesk.errors import NotFound, UserError
from rcdesk.plans.datetext import shift_year
from rcdesk.plans.parsed import ParsedPlan

SEEDS_DIR = Path(__file__).resolve().parent.parent / "data" / "seeds"


@dataclass(frozen=True)
class TemplateInfo:
    key: str
    title: str  # Spanish, for the "new plan from template" list
    layout: str
    country: str  # "EC" or "CO"
    year: int  # vigencia of the seed plan
    file_name: str = ""


TEMPLATES: tuple[TemplateInfo, ...] = (
    TemplateInfo(
        "cpccs_chimborazo",
        "Fases CPCCS — Gobernación de Chimborazo (Ecuador)",
        "cpccs",
        "EC",
        2021,
        "000_cpccs_chimborazo_2021.xlsx",
    ),
    TemplateInfo(
        "murc_estrategia",
        "Estrategia MURC con etapas y cuatrimestres (Colombia)",
        "murc",
        "CO",
        2021,
        "001_murc_estrategia_2021.xlsx",
    ),
    TemplateInfo(
        "dated_itagui",
        "Cronograma por etapas con fechas — Municipio de Itagüí (Colombia)",
        "dated",
        "CO",
        2020,
        "002_dated_itagui_2020.xlsx",
    ),
    TemplateInfo(
        "murc_ibague",
        "Cronograma MURC — Alcaldía de Ibagué (Colombia)",
        "murc",
        "CO",
        2022,
        "003_murc_ibague_2022.xlsx",
    ),
    TemplateInfo(
        "paac_narino",
        "PAAC componente 3 — Gobernación de Nariño (Colombia)",
        "paac",
        "CO",
        2022,
        "004_paac_narino_2022.xlsx",
    ),
)


def list_templates() -> list[TemplateInfo]:
    return list(TEMPLATES)


def template_path(key: str) -> Path:
    for t in TEMPLATES:
        if t.key == key:
            return SEEDS_DIR / t.file_name
    raise NotFound(
        f"No existe la plantilla «{key}». Plantillas disponibles: " + ", ".join(t.key for t in TEMPLATES) + "."
    )


def load_template(key: str, year: int) -> ParsedPlan:
    """The seed plan `key` moved to vigencia `year` (nothing is saved)."""
    from rcdesk.plans.importer import read_plan

    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise UserError(f"La vigencia debe ser un año entre 2000 y 2100 (se recibió «{year}»).")
    info = next((t for t in TEMPLATES if t.key == key), None)
    path = template_path(key)
    plan = read_plan(path)
    old = plan.year or (info.year if info else year)
    delta = year - old
    # the year after the vigencia appears too ("hasta el 15/01/2021" in a 2020 plan)
    years_rx = re.compile(rf"(?<!\d)({old}|{old + 1})(?!\d)")

    def move(text: str) -> str:
        if not text or delta == 0:
            return text
        return years_rx.sub(lambda m: str(int(m[1]) + delta), text)

    plan.title = move(plan.title)
    plan.header_lines = [move(line) for line in plan.header_lines]
    for g in plan.walk_groups():
        g.name = move(g.name)
    for act in plan.activities():
        if act.start_date:
            act.start_date = shift_year(act.start_date, act.start_date.year + delta)
        if act.end_date:
            act.end_date = shift_year(act.end_date, act.end_date.year + delta)
        act.scheduled_text = move(act.scheduled_text)
        act.description = move(act.description)
        act.meta = move(act.meta)
    plan.year = year
    plan.problems = []
    plan.source_name = path.name
    return plan
