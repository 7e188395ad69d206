"""What a plan import stored — or, for a dry run, would store — and why one was refused.

The command line and the GUI show these; a dry run and a real import produce the same
result through the same code (`PlanStore.import_parsed`), the dry run rolling back.
"""

from __future__ import annotations

from dataclasses import dataclass

from rcdesk.errors import UserError
from rcdesk.plans.parsed import Problem, SourceColumn
from rcdesk.plans.summary import PlanSummary


@dataclass(frozen=True)
class PlanImportResult:
    summary: PlanSummary  # plan_id and institution_id are those of the rolled-back rows on a dry run
    dry_run: bool
    country: str  # "EC" / "CO": the entity's, from its profile when it already existed
    new_entity: bool
    linked_units: int  # activity → unit links made from the responsible texts
    ignored_columns: tuple[SourceColumn, ...] = ()

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.summary.warnings

    def as_json(self) -> dict:
        s = self.summary
        return {
            "plan_id": None if self.dry_run else s.plan_id,
            "dry_run": self.dry_run,
            "entity": s.entity,
            "new_entity": self.new_entity,
            "country": self.country,
            "year": s.year,
            "layout": s.layout,
            "title": s.title,
            "groups": s.groups,
            "activities": s.activities,
            "linked_units": self.linked_units,
            "ignored_columns": [c.as_json() for c in self.ignored_columns],
            "warnings": list(s.warnings),
        }


class PlanRefused(UserError):
    """The plan cannot be stored; `problems` say where (sheet, row, column), for --json and the GUI."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        self.problems = list(problems or [])
        super().__init__(message, details=[str(p) for p in self.problems])

    def errors_json(self) -> list[dict]:
        if not self.problems:
            return [{"sheet": None, "row": None, "column": None, "message": self.message}]
        return [{"sheet": p.sheet, "row": p.row, "column": p.column, "message": p.message} for p in self.problems]
