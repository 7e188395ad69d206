"""Writes to plans: bulk save of parsed workbooks and single-activity edits.

Loaded on the first write (it pulls in SQLAlchemy); reads live in plan_reads.py.
"""

from __future__ import annotations

import json

from sqlalchemy import func, insert, select

from rcdesk.db.base import check_version
from rcdesk.db.database import Database
from rcdesk.db.stamping import allocate_seq, record_values
from rcdesk.errors import NotFound, UserError
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.models.core import AuditLog
from rcdesk.models.plans import ActivityUnit, Plan, PlanActivity, PlanGroup
from rcdesk.models.reference import COUNTRIES, Institution, OrgUnit
from rcdesk.plans.import_result import PlanImportResult, PlanRefused
from rcdesk.plans.parsed import GROUP_KINDS, LAYOUT_LABELS, LAYOUTS, ParsedActivity, ParsedGroup, ParsedPlan
from rcdesk.plans.rows import STAGE_CODES, ActivityInput, ActivityRow, PlanSummary, validate_activity
from rcdesk.services import plan_reads
from rcdesk.services.reference import UnitRow, match_units
from rcdesk.services.reference import _guess_kind as guess_institution_kind
from rcdesk.text import clean, fold, smart_title

# the country a layout is typical of: a hint to mention, never a fact about the entity
_LAYOUT_COUNTRY = {"cpccs": "EC", "murc": "CO", "dated": "CO", "paac": "CO"}
COUNTRY_NAMES = {"EC": "Ecuador", "CO": "Colombia"}
_BATCH = 500


class PlanStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def activity(self, activity_id: str) -> ActivityRow:
        return plan_reads.activity(self.db, activity_id)

    # -- storing a parsed workbook ---------------------------------------------------------
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
        return self.import_parsed(
            parsed, entity=entity, year=year, country=country, progress=progress, cancel=cancel
        ).summary

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
        """Store a parsed plan in one transaction, or with `dry_run` do exactly the same and roll back.

        `entity`, `year` and `country` override what the file says; an entity that already
        exists keeps the country of its profile (a different layout or `country` is only warned).
        """
        source = parsed.source_name or "el archivo"
        if parsed.errors:
            raise PlanRefused(f"«{source}» tiene {len(parsed.errors)} error(es); no se guardó nada.", parsed.errors)
        if parsed.layout not in LAYOUTS:
            raise PlanRefused(f"Formato de plan desconocido: «{parsed.layout}».")
        entity_name = clean(entity) or smart_title(parsed.entity)
        if not entity_name:
            raise PlanRefused(f"No se encontró el nombre de la entidad en «{source}»; indíquelo (opción --entity).")
        plan_year = year or parsed.year
        if not plan_year:
            raise PlanRefused(f"No se encontró la vigencia (año) en «{source}»; indíquela (opción --year).")
        if not 1990 <= int(plan_year) <= 2100:
            raise PlanRefused(f"Vigencia {plan_year} fuera de rango.")
        if parsed.activity_count == 0:
            raise PlanRefused(f"«{source}» no contiene actividades.")
        if country is not None and country not in COUNTRIES:
            raise PlanRefused(f"País «{country}» desconocido (use EC o CO).")
        try:
            with self.db.begin() as s:
                result = self._store(s, parsed, entity_name, int(plan_year), country, dry_run, progress, cancel)
                if dry_run:
                    raise _RollBack(result)
        except _RollBack as done:
            return done.result
        progress(parsed.activity_count, parsed.activity_count, "Plan guardado")
        return result

    def _store(
        self,
        s,
        parsed: ParsedPlan,
        entity_name: str,
        plan_year: int,
        country: str | None,
        dry_run: bool,
        progress: ProgressFn,
        cancel: CancelToken,
    ) -> PlanImportResult:
        warnings = [str(p) for p in parsed.warnings]
        # a layout guessed for an office's own columns says nothing about the entity's country
        inst, new_entity, notes = _institution(s, entity_name, country, "" if parsed.layout_guessed else parsed.layout)
        warnings += notes
        units = [
            UnitRow(u.id, u.institution_id, u.name, u.unit_type, u.territory_id)
            for u in s.scalars(select(OrgUnit).where(OrgUnit.institution_id == inst.id, OrgUnit.deleted.is_(False)))
        ]
        conn = s.connection()
        total = parsed.activity_count
        groups = list(_flatten(parsed.groups))
        installation = self.db.installation_id
        done = 0
        verb = "Revisando" if dry_run else "Guardando"
        progress(0, total, f"{verb} actividades…")
        seq = allocate_seq(conn, 1 + len(groups) + total)
        plan_vals = record_values(installation, seq)
        seq += 1
        plan_id = plan_vals["id"]
        plan_vals.update(
            institution_id=inst.id,
            year=plan_year,
            layout=parsed.layout,
            title=parsed.title or "",
            period_kind="cuatrimestre" if parsed.layout != "cpccs" else "trimestre",
            source_name=parsed.source_name or None,
            header_lines=list(parsed.header_lines),
        )
        conn.execute(insert(Plan), [plan_vals])
        group_ids: dict[int, str] = {}
        group_rows = []
        for pos, (g, parent) in enumerate(groups):
            vals = record_values(installation, seq)
            seq += 1
            group_ids[id(g)] = vals["id"]
            vals.update(
                plan_id=plan_id,
                parent_id=group_ids[id(parent)] if parent is not None else None,
                kind=g.kind if g.kind in GROUP_KINDS else "seccion",
                code=g.code or "",
                name=g.name or "",
                position=pos,
            )
            group_rows.append(vals)
        if group_rows:
            conn.execute(insert(PlanGroup), group_rows)
        batch, links, pos = [], [], 0
        for g, _parent in groups:
            for a in g.activities:
                vals = record_values(installation, seq)
                seq += 1
                vals.update(_activity_values(a))
                vals.update(plan_id=plan_id, group_id=group_ids[id(g)], position=pos)
                pos += 1
                batch.append(vals)
                for unit_id in match_units(a.responsible, units):
                    links.append((vals["id"], unit_id))
                if len(batch) >= _BATCH:
                    cancel.check()
                    conn.execute(insert(PlanActivity), batch)
                    done += len(batch)
                    batch = []
                    progress(done, total, f"{verb} actividades…")
        if batch:
            cancel.check()
            conn.execute(insert(PlanActivity), batch)
            done += len(batch)
        if links:
            link_seq = allocate_seq(conn, len(links))
            link_rows = []
            for n, (aid, uid) in enumerate(links):
                v = record_values(installation, link_seq + n)
                v.update(activity_id=aid, unit_id=uid)
                link_rows.append(v)
            conn.execute(insert(ActivityUnit), link_rows)
        conn.execute(
            insert(AuditLog),
            [
                {
                    "installation_id": installation,
                    "user": self.db.user,
                    "table_name": "plan",
                    "record_id": plan_id,
                    "action": "import",
                    "changes": json.dumps({"source": parsed.source_name, "activities": total}, ensure_ascii=False),
                    "at": plan_vals["created_at"],
                }
            ],
        )
        cancel.check()
        summary = PlanSummary(
            plan_id,
            inst.name,
            inst.id,
            plan_year,
            parsed.layout,
            parsed.title or "",
            total,
            len(groups),
            parsed.source_name or None,
            tuple(warnings),
        )
        return PlanImportResult(summary, dry_run, inst.country, new_entity, len(links), tuple(parsed.ignored_columns))

    # -- editing -----------------------------------------------------------------------
    def add_activity(self, plan_id: str, data: ActivityInput) -> ActivityRow:
        problems = validate_activity(data)
        if problems:
            raise UserError("La actividad tiene errores.", details=list(problems.values()))
        with self.db.begin() as s:
            plan = s.get(Plan, plan_id)
            if plan is None or plan.deleted:
                raise NotFound(f"No existe el plan «{plan_id}».")
            self._check_group(s, plan_id, data.group_id)
            last = s.scalar(select(func.max(PlanActivity.position)).where(PlanActivity.plan_id == plan_id))
            a = PlanActivity(plan_id=plan_id, position=(last or 0) + 1, **_input_values(data))
            s.add(a)
            s.flush()
            self._link_units(s, a, plan.institution_id)
            activity_id = a.id
        return self.activity(activity_id)

    def update_activity(
        self, activity_id: str, data: ActivityInput, *, expected_version: int | None = None
    ) -> ActivityRow:
        problems = validate_activity(data)
        if problems:
            raise UserError("La actividad tiene errores.", details=list(problems.values()))
        with self.db.begin() as s:
            a = s.get(PlanActivity, activity_id)
            if a is None or a.deleted:
                raise NotFound(f"No existe la actividad «{activity_id}».")
            check_version(a, expected_version)
            self._check_group(s, a.plan_id, data.group_id)
            for k, v in _input_values(data).items():
                if getattr(a, k) != v:
                    setattr(a, k, v)
            plan = s.get_one(Plan, a.plan_id)
            self._link_units(s, a, plan.institution_id)
        return self.activity(activity_id)

    def delete_activity(self, activity_id: str) -> None:
        with self.db.begin() as s:
            a = s.get(PlanActivity, activity_id)
            if a is None or a.deleted:
                raise NotFound(f"No existe la actividad «{activity_id}».")
            a.deleted = True
            for link in s.scalars(
                select(ActivityUnit).where(ActivityUnit.activity_id == activity_id, ActivityUnit.deleted.is_(False))
            ):
                link.deleted = True

    def delete_plan(self, plan_id: str) -> None:
        """Tombstone the plan with its groups and activities (one transaction)."""
        with self.db.begin() as s:
            plan = s.get(Plan, plan_id)
            if plan is None or plan.deleted:
                raise NotFound(f"No existe el plan «{plan_id}».")
            plan.deleted = True
            for act in s.scalars(
                select(PlanActivity).where(PlanActivity.plan_id == plan_id, PlanActivity.deleted.is_(False))
            ):
                act.deleted = True
            for group in s.scalars(select(PlanGroup).where(PlanGroup.plan_id == plan_id, PlanGroup.deleted.is_(False))):
                group.deleted = True

    def rename_plan(self, plan_id: str, title: str) -> None:
        with self.db.begin() as s:
            plan = s.get(Plan, plan_id)
            if plan is None or plan.deleted:
                raise NotFound(f"No existe el plan «{plan_id}».")
            plan.title = clean(title)

    def linked_units(self, activity_id: str) -> list[str]:
        with self.db.session() as s:
            return list(
                s.scalars(
                    select(ActivityUnit.unit_id).where(
                        ActivityUnit.activity_id == activity_id, ActivityUnit.deleted.is_(False)
                    )
                )
            )

    @staticmethod
    def _check_group(s, plan_id: str, group_id: str | None) -> None:
        if group_id is None:
            return
        g = s.get(PlanGroup, group_id)
        if g is None or g.deleted or g.plan_id != plan_id:
            raise UserError("El grupo elegido no pertenece a este plan.")

    def _link_units(self, s, a: PlanActivity, institution_id: str) -> None:
        units = [
            UnitRow(u.id, u.institution_id, u.name, u.unit_type, u.territory_id)
            for u in s.scalars(
                select(OrgUnit).where(OrgUnit.institution_id == institution_id, OrgUnit.deleted.is_(False))
            )
        ]
        wanted = set(match_units(a.responsible, units))
        current = {
            link.unit_id: link
            for link in s.scalars(
                select(ActivityUnit).where(ActivityUnit.activity_id == a.id, ActivityUnit.deleted.is_(False))
            )
        }
        for uid in wanted - current.keys():
            s.add(ActivityUnit(activity_id=a.id, unit_id=uid))
        for uid in current.keys() - wanted:
            current[uid].deleted = True

    def link_plan_to_units(self, plan_id: str) -> int:
        """Re-match every activity's free-text responsible against known units."""
        n = 0
        with self.db.begin() as s:
            plan = s.get(Plan, plan_id)
            if plan is None:
                raise NotFound(f"No existe el plan «{plan_id}».")
            for a in s.scalars(
                select(PlanActivity).where(PlanActivity.plan_id == plan_id, PlanActivity.deleted.is_(False))
            ):
                self._link_units(s, a, plan.institution_id)
                n += 1
        return n


class _RollBack(Exception):
    """Raised inside the import transaction of a dry run so that nothing it wrote stays."""

    def __init__(self, result: PlanImportResult) -> None:
        super().__init__("dry run")
        self.result = result


def _institution(s, name: str, country: str | None, layout: str) -> tuple[Institution, bool, list[str]]:
    """The entity named `name` (matched ignoring case and accents), created when new, and warnings.

    Its country comes from its profile when it exists; a layout only hints at one, and that hint
    is never applied to an existing entity nor used for a new one without saying so.
    """
    hinted = _LAYOUT_COUNTRY.get(layout)
    layout_label = LAYOUT_LABELS.get(layout, layout)
    key = fold(name)
    found = next(
        (i for i in s.scalars(select(Institution).where(Institution.deleted.is_(False))) if fold(i.name) == key), None
    )
    notes: list[str] = []
    if found is not None:
        if country and country != found.country:
            notes.append(
                f"La entidad «{found.name}» está registrada en {COUNTRY_NAMES[found.country]} según su perfil; "
                f"se conserva ese país (no se aplicó {COUNTRY_NAMES[country]}). Cámbielo en el perfil si es un error."
            )
        elif hinted and hinted != found.country:
            notes.append(
                f"El formato del archivo («{layout_label}») es de {COUNTRY_NAMES[hinted]}, pero la entidad "
                f"«{found.name}» es de {COUNTRY_NAMES[found.country]} según su perfil; se importa como entidad de "
                f"{COUNTRY_NAMES[found.country]}."
            )
        return found, False, notes
    chosen = country or hinted or "EC"
    if country is None:
        why = f"por el formato del archivo («{layout_label}»)" if hinted else "porque el archivo no permite saberlo"
        notes.append(
            f"La entidad «{name}» es nueva: se registró en {COUNTRY_NAMES[chosen]} {why}. Si no es así, "
            "corríjalo en el perfil de la entidad o vuelva a importar con la opción --country."
        )
    inst = Institution(name=name, country=chosen, kind=guess_institution_kind(name, chosen))
    s.add(inst)
    s.flush()
    return inst, True, notes


def _flatten(groups: list[ParsedGroup], parent: ParsedGroup | None = None):
    for g in groups:
        yield g, parent
        yield from _flatten(g.children, g)


def _activity_values(a: ParsedActivity) -> dict:
    return {
        "number": clean(a.number)[:20],
        "description": a.description,
        "responsible": a.responsible or "",
        "meta": a.meta or "",
        "recursos": a.recursos or "",
        "indicator": a.indicator or "",
        "stages": [s for s in a.stages if s in STAGE_CODES],
        "cuatrimestres": sorted({int(q) for q in a.cuatrimestres}),
        "start_date": a.start_date,
        "end_date": a.end_date,
        "scheduled_text": a.scheduled_text or "",
        "extra": dict(a.extra or {}),
    }


def _input_values(d: ActivityInput) -> dict:
    return {
        "group_id": d.group_id,
        "number": clean(d.number)[:20],
        "description": clean(d.description),
        "responsible": clean(d.responsible),
        "meta": d.meta.strip(),
        "recursos": clean(d.recursos),
        "indicator": clean(d.indicator),
        "stages": [s for s in STAGE_CODES if s in d.stages],
        "cuatrimestres": sorted(set(d.cuatrimestres)),
        "start_date": d.start_date,
        "end_date": d.end_date,
        "scheduled_text": clean(d.scheduled_text),
    }
