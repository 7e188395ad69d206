"""Plain rows describing plans, groups and activities, shared by reads, writes and the GUI.

No SQLAlchemy here: the first screen of the app is built from these without loading it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rcdesk.plans.labels import GROUP_KINDS, MURC_STAGES
from rcdesk.plans.summary import PlanSummary  # noqa: F401 - defined there, importable here
from rcdesk.text import clean, fold

STAGE_CODES = tuple(code for code, _ in MURC_STAGES)
STAGE_LABELS = dict(MURC_STAGES)


@dataclass(frozen=True)
class GroupRow:
    group_id: str
    parent_id: str | None
    kind: str
    code: str
    name: str
    position: int

    @property
    def label(self) -> str:
        if self.code and self.name and fold(self.code) != fold(self.name):
            return f"{self.code} – {self.name}"
        return self.name or self.code or GROUP_KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class ActivityRow:
    activity_id: str
    plan_id: str
    group_id: str | None
    group_label: str
    position: int
    number: str
    description: str
    responsible: str
    meta: str
    recursos: str
    indicator: str
    stages: tuple[str, ...]
    cuatrimestres: tuple[int, ...]
    start_date: date | None
    end_date: date | None
    scheduled_text: str
    extra: dict = field(default_factory=dict, hash=False, compare=False)
    version: int = 1

    def as_json(self) -> dict:
        return {
            "activity_id": self.activity_id,
            "number": self.number,
            "description": self.description,
            "responsible": self.responsible,
            "meta": self.meta,
            "recursos": self.recursos,
            "indicator": self.indicator,
            "stages": list(self.stages),
            "cuatrimestres": list(self.cuatrimestres),
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "scheduled_text": self.scheduled_text,
            "extra": self.extra,
        }


@dataclass(frozen=True)
class ActivityInput:
    """What the activity form (or the command line) sends to create or edit an activity."""

    description: str
    group_id: str | None = None
    number: str = ""
    responsible: str = ""
    meta: str = ""
    recursos: str = ""
    indicator: str = ""
    stages: tuple[str, ...] = ()
    cuatrimestres: tuple[int, ...] = ()
    start_date: date | None = None
    end_date: date | None = None
    scheduled_text: str = ""


def validate_activity(data: ActivityInput) -> dict[str, str]:
    """Field name -> Spanish message, for every problem in `data` (empty when valid)."""
    problems: dict[str, str] = {}
    if not clean(data.description):
        problems["description"] = "La descripción de la actividad es obligatoria."
    bad_stages = [s for s in data.stages if s not in STAGE_CODES]
    if bad_stages:
        problems["stages"] = f"Etapa desconocida: {', '.join(bad_stages)}."
    bad_q = [q for q in data.cuatrimestres if q not in (1, 2, 3)]
    if bad_q:
        problems["cuatrimestres"] = "Los cuatrimestres válidos son 1, 2 y 3."
    if data.start_date and data.end_date and data.end_date < data.start_date:
        problems["end_date"] = "La fecha final es anterior a la fecha inicial."
    return problems
