"""One line per plan (the plan selector, lists): kept apart from rcdesk/plans/rows.py, which
re-exports it, so the first screen loads one small dataclass instead of all plan rows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanSummary:
    """A plan as lists show it: entity, year, layout, title and counts."""

    plan_id: str
    entity: str
    institution_id: str
    year: int
    layout: str
    title: str
    activities: int
    groups: int
    source_name: str | None = None
    warnings: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {
            "plan_id": self.plan_id,
            "entity": self.entity,
            "year": self.year,
            "layout": self.layout,
            "title": self.title,
            "activities": self.activities,
            "groups": self.groups,
        }
