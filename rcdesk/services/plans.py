"""Accountability plans: the service the GUI and the command line use.

Reads are plain SQL (plan_reads.py, cheap enough for the first screen); writes are
delegated to PlanStore (plan_store.py), which loads SQLAlchemy on first use. Services
return plain dataclasses that are safe to hand to the GUI thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.plans.rows import (
    STAGE_CODES,
    STAGE_LABELS,
    ActivityInput,
    ActivityRow,
    GroupRow,
    PlanSummary,
    validate_activity,
)
from rcdesk.services import plan_reads

if TYPE_CHECKING:
    from rcdesk.plans.import_result import PlanImportResult
    from rcdesk.plans.parsed import ParsedPlan


class PlanService:
    def __init__(self, db) -> None:
        self.db = db

    def _store(self):
        from rcdesk.services.plan_store import PlanStore

        return PlanStore(self.db)

    # -- reads -------------------------------------------------------------------------
    def list_plans(self) -> list[PlanSummary]:
        return plan_reads.list_plans(self.db)

    def summary(self, plan_id: str) -> PlanSummary:
        return plan_reads.summary(self.db, plan_id)

    def resolve_plan_id(self, text: str) -> str:
        """Accept a full plan id or an unambiguous prefix of at least 6 characters (CLI)."""
        return plan_reads.resolve_plan_id(self.db, text)

    def groups(self, plan_id: str) -> list[GroupRow]:
        return plan_reads.groups(self.db, plan_id)

    def activities(self, plan_id: str) -> list[ActivityRow]:
        return plan_reads.activities(self.db, plan_id)

    def activity(self, activity_id: str) -> ActivityRow:
        return plan_reads.activity(self.db, activity_id)

    def group_path(self, plan_id: str) -> dict[str, str]:
        """group id -> "FASE 0 – … › EQUIPO" style path, for tables and reports."""
        return plan_reads.group_path(self.db, plan_id)

    def linked_units(self, activity_id: str) -> list[str]:
        return plan_reads.linked_units(self.db, activity_id)

    # -- rebuilding for export ---------------------------------------------------------
    def as_parsed(self, plan_id: str) -> ParsedPlan:
        from rcdesk.plans.parsed import ParsedActivity, ParsedGroup, ParsedPlan

        summary = self.summary(plan_id)
        header_lines = plan_reads.header_lines(self.db, plan_id)
        out = ParsedPlan(
            layout=summary.layout,
            title=summary.title,
            entity=summary.entity,
            year=summary.year,
            header_lines=header_lines,
            source_name=summary.source_name or "",
        )
        nodes: dict[str, ParsedGroup] = {}
        for g in self.groups(plan_id):
            node = ParsedGroup(kind=g.kind, name=g.name, code=g.code, group_id=g.group_id)
            nodes[g.group_id] = node
            parent = nodes.get(g.parent_id) if g.parent_id else None
            (parent.children if parent else out.groups).append(node)
        loose = None
        for a in self.activities(plan_id):
            pa = ParsedActivity(
                description=a.description,
                number=a.number,
                responsible=a.responsible,
                meta=a.meta,
                recursos=a.recursos,
                indicator=a.indicator,
                stages=list(a.stages),
                cuatrimestres=list(a.cuatrimestres),
                start_date=a.start_date,
                end_date=a.end_date,
                scheduled_text=a.scheduled_text,
                extra=dict(a.extra),
                activity_id=a.activity_id,
            )
            target = nodes.get(a.group_id) if a.group_id else None
            if target is None:
                if loose is None:
                    loose = ParsedGroup(kind="seccion", name="Sin grupo")
                    out.groups.append(loose)
                target = loose
            target.activities.append(pa)
        return out

    # -- reading a workbook ------------------------------------------------------------
    def read_file(
        self,
        path,
        *,
        sheets: list[str] | None = None,
        overrides: dict[str, str] | None = None,
        profile: dict[str, str] | None = None,
        profile_name: str = "",
        remembered: bool = True,
        progress: ProgressFn = no_progress,
        cancel: CancelToken = NEVER_CANCELLED,
    ) -> ParsedPlan:
        """Read a plan workbook (writes nothing). The column mapping is the layout's or the proposal,
        then `profile` or else the one remembered for workbooks with the same headers, then `overrides`."""
        from rcdesk.plans.importer import read_plan

        return read_plan(
            path,
            progress=progress,
            cancel=cancel,
            sheets=sheets,
            overrides=overrides,
            profile=profile,
            profile_name=profile_name,
            remembered=self._remembered if remembered else None,
        )

    def _remembered(self, signature: str) -> dict[str, str] | None:
        from rcdesk.errors import UserError
        from rcdesk.imports import profiles
        from rcdesk.plans.fields import PLAN
        from rcdesk.services.import_mappings import ImportMappings

        doc = ImportMappings(self.db).remembered("plan", signature)
        if doc is None:
            return None
        try:
            return profiles.columns_of(doc, PLAN)
        except UserError:
            return None  # remembered by an older rcdesk with fields this one lacks: propose afresh

    # -- writes ------------------------------------------------------------------------
    def save_parsed(
        self,
        parsed: ParsedPlan,
        *,
        entity: str | None = None,
        year: int | None = None,
        country: str | None = None,
        progress: ProgressFn = no_progress,
        cancel: CancelToken = NEVER_CANCELLED,
    ) -> PlanSummary:
        """Store a parsed plan in one transaction (nothing is saved if anything fails)."""
        return self._store().save_parsed(
            parsed, entity=entity, year=year, country=country, progress=progress, cancel=cancel
        )

    def import_parsed(
        self,
        parsed: ParsedPlan,
        *,
        entity: str | None = None,
        year: int | None = None,
        country: str | None = None,
        dry_run: bool = False,
        progress: ProgressFn = no_progress,
        cancel: CancelToken = NEVER_CANCELLED,
    ) -> PlanImportResult:
        """What the import stores (entity, year, counts, warnings, ignored columns); with `dry_run`
        the very same writes are made and rolled back, so the preview cannot differ from the import.
        Raises `PlanRefused` (a UserError naming sheet, row and column) when the plan cannot be stored.
        """
        result = self._store().import_parsed(
            parsed, entity=entity, year=year, country=country, dry_run=dry_run, progress=progress, cancel=cancel
        )
        if not dry_run:
            self.remember_mapping(parsed)
        return result

    def remember_mapping(self, parsed: ParsedPlan) -> None:
        """Offer a workbook's confirmed mapping again for workbooks with the same headers. Only a
        mapped import is remembered: a known layout read as it is needs no mapping."""
        if not (parsed.mapped and parsed.mappings and parsed.signature):
            return
        from rcdesk.imports.choices import profile_document
        from rcdesk.services.import_mappings import ImportMappings

        ImportMappings(self.db).remember(
            "plan", parsed.signature, profile_document("plan", parsed.mappings, parsed.source_name)
        )

    def add_activity(self, plan_id: str, data: ActivityInput) -> ActivityRow:
        return self._store().add_activity(plan_id, data)

    def update_activity(
        self, activity_id: str, data: ActivityInput, *, expected_version: int | None = None
    ) -> ActivityRow:
        return self._store().update_activity(activity_id, data, expected_version=expected_version)

    def delete_activity(self, activity_id: str) -> None:
        self._store().delete_activity(activity_id)

    def delete_plan(self, plan_id: str) -> None:
        """Tombstone the plan with its groups and activities (one transaction)."""
        self._store().delete_plan(plan_id)

    def rename_plan(self, plan_id: str, title: str) -> None:
        self._store().rename_plan(plan_id, title)

    def link_plan_to_units(self, plan_id: str) -> int:
        """Re-match every activity's free-text responsible against known units."""
        return self._store().link_plan_to_units(plan_id)


__all__ = [
    "ActivityInput",
    "ActivityRow",
    "GroupRow",
    "PlanService",
    "PlanSummary",
    "STAGE_CODES",
    "STAGE_LABELS",
    "validate_activity",
]
