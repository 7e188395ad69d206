"""What the consolidated workbook and PDF show, read generically from every record table.

- Every exchanged table with live rows gets a sheet of its non-personal columns, with the
  provenance of each row (installation that last wrote it, package it arrived in).
- Tables whose rows are people (a personal column holding a name or an ID number: attendance
  lists, registries of people, invitation lists) are never listed row by row: only anonymous
  counts per parent record (e.g. per event). Columns pointing to such tables are dropped too.
- Plans and activities get a summary sheet with the latest reported progress and its
  CPCCS traffic light when follow-up data exists.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import func, select

from rcdesk.sync.tables import exchange_tables, label, personal_columns, raw_table

PERSON_COLUMNS = {"full_name", "id_number", "name", "nombre", "cedula"}
ROW_CHUNK = 5000


def is_person_table(table: sa.Table) -> bool:
    return bool(set(personal_columns(table)) & PERSON_COLUMNS)


def person_tables() -> set[str]:
    return {t.name for t in exchange_tables() if is_person_table(t)}


@dataclass(frozen=True)
class SheetSpec:
    table: sa.Table
    columns: list[str]  # columns shown (stored names)
    headers: list[str]
    converters: list  # per column: stored value -> cell value
    count_only: bool = False
    group_column: str | None = None


_HEADER_WORDS = {
    "id": "Identificador",
    "created_at": "Creado",
    "updated_at": "Actualizado",
    "version": "Versión",
    "description": "Descripción",
    "name": "Nombre",
    "title": "Título",
    "number": "Número",
    "code": "Código",
    "year": "Año",
    "responsible": "Responsable",
    "indicator": "Indicador",
    "start_date": "Inicio",
    "end_date": "Fin",
    "status": "Estado",
    "country": "País",
    "level": "Nivel",
    "kind": "Tipo",
    "position": "Posición",
    "meta": "Meta",
    "recursos": "Recursos",
    "percent": "Avance %",
}


_TOKENS = {
    "institution": "institución",
    "territory": "territorio",
    "plan": "plan",
    "group": "grupo",
    "unit": "unidad",
    "activity": "actividad",
    "event": "evento",
    "kind": "tipo",
    "type": "tipo",
    "tax": "RUC/NIT",
    "address": "dirección",
    "email": "correo",
    "phone": "teléfono",
    "website": "sitio web",
    "layout": "formato",
    "period": "periodo",
    "source": "origen",
    "header": "encabezado",
    "lines": "líneas",
    "stages": "etapas",
    "scheduled": "programado",
    "text": "texto",
    "extra": "adicional",
    "date": "fecha",
    "status": "estado",
    "notes": "notas",
    "note": "nota",
    "parent": "superior",
    "active": "activo",
    "valid": "vigente",
    "from": "desde",
    "to": "hasta",
    "owner": "propietario",
    "filename": "archivo",
    "size": "tamaño",
    "url": "enlace",
    "day": "día",
    "scope": "alcance",
    "locality": "localidad",
    "quantity": "cantidad",
    "target": "meta",
    "done": "realizado",
    "difficulties": "dificultades",
    "justification": "justificación",
    "reporter": "informante",
    "reported": "reportado",
    "on": "el",
    "reviewer": "revisor",
    "review": "revisión",
    "reviewed": "revisado",
    "at": "en",
    "fiscal": "fiscal",
    "approved": "aprobado",
    "no": "n.º",
    "question": "pregunta",
    "answer": "respuesta",
    "answered": "respondida",
    "place": "lugar",
    "starts": "inicio",
    "ends": "fin",
    "start": "inicio",
    "end": "fin",
    "count": "conteo",
    "total": "total",
    "commitment": "compromiso",
    "deadline": "plazo",
    "progress": "avance",
    "report": "reporte",
    "objective": "objetivo",
    "amount": "monto",
    "budget": "presupuesto",
    "planned": "programado",
    "executed": "ejecutado",
    "value": "valor",
    "mime": "formato",
    "sha256": "huella SHA-256",
    "assigned": "asignada",
    "responsible": "responsable",
    "description": "descripción",
    "position": "posición",
}


def header(col: str) -> str:
    if col in _HEADER_WORDS:
        return _HEADER_WORDS[col]
    parts = col.split("_")
    if parts[-1] == "id" and len(parts) > 1:
        return "Id. " + " ".join(_TOKENS.get(p, p) for p in parts[:-1])
    text = " ".join(_TOKENS.get(p, p) for p in parts)
    return text[:1].upper() + text[1:]


def _conv(col: sa.Column):
    t = col.type
    if isinstance(t, sa.DateTime):

        def f(v):
            try:
                return datetime.fromisoformat(v) if isinstance(v, str) else v
            except ValueError:
                return v

        return f
    if isinstance(t, sa.Date):

        def g(v):
            try:
                return date.fromisoformat(v) if isinstance(v, str) else v
            except ValueError:
                return v

        return g
    if isinstance(t, sa.Boolean):
        return lambda v: None if v is None else ("Sí" if v else "No")
    if isinstance(t, sa.LargeBinary):
        return lambda v: None if v is None else f"({len(v)} bytes)"
    return None


def sheet_specs() -> list[SheetSpec]:
    people = person_tables()
    out = []
    for t in exchange_tables():
        if t.name in people:
            fks = [fk.parent.name for fk in t.foreign_keys if fk.column.table.name not in people]
            group = next((c for c in fks if not t.c[c].nullable), fks[0] if fks else None)
            out.append(SheetSpec(t, [], [], [], count_only=True, group_column=group))
            continue
        hidden = set(personal_columns(t)) | {"change_seq", "deleted", "modified_by"}
        hidden |= {fk.parent.name for fk in t.foreign_keys if fk.column.table.name in people}
        cols = [c.name for c in t.columns if c.name not in hidden]
        out.append(SheetSpec(t, cols, [header(c) for c in cols], [_conv(t.c[c]) for c in cols]))
    return out


def live_count(conn, table: sa.Table) -> int:
    rt = raw_table(table.name)
    return int(conn.execute(select(func.count()).select_from(rt).where(rt.c.deleted == 0)).scalar() or 0)


def iter_rows(conn, spec: SheetSpec) -> Iterator[list]:
    """Stored rows of a sheet (live records), with modified_by and change_seq appended."""
    rt = raw_table(spec.table.name)
    stmt = (
        select(*[rt.c[c] for c in spec.columns], rt.c.modified_by, rt.c.change_seq)
        .where(rt.c.deleted == 0)
        .order_by(rt.c.id)
    )
    result = conn.execution_options(stream_results=True, yield_per=ROW_CHUNK).execute(stmt)
    for part in result.partitions(ROW_CHUNK):
        yield from part


def counts_by_parent(conn, spec: SheetSpec) -> list[tuple]:
    """(parent id, parent label, count) for a people table, grouped by its parent column."""
    rt = raw_table(spec.table.name)
    if spec.group_column is None:
        n = conn.execute(select(func.count()).select_from(rt).where(rt.c.deleted == 0)).scalar()
        return [(None, "Total", int(n or 0))]
    g = rt.c[spec.group_column]
    rows = conn.execute(select(g, func.count()).where(rt.c.deleted == 0).group_by(g).order_by(g)).all()
    ref = next(fk.column.table for fk in spec.table.foreign_keys if fk.parent.name == spec.group_column)
    labels = {}
    lcol = next((c for c in ("title", "name", "description", "code") if c in ref.c), None)
    if lcol is not None:
        pr = raw_table(ref.name)
        ids = [r[0] for r in rows if r[0] is not None]
        for k in range(0, len(ids), 900):
            labels.update(
                {r[0]: r[1] for r in conn.execute(select(pr.c.id, pr.c[lcol]).where(pr.c.id.in_(ids[k : k + 900])))}
            )
    return [(r[0], labels.get(r[0], ""), int(r[1])) for r in rows]


def group_label(spec: SheetSpec) -> str:
    if spec.group_column is None:
        return ""
    ref = next(fk.column.table for fk in spec.table.foreign_keys if fk.parent.name == spec.group_column)
    return label(ref.name)


def cap(text: str) -> str:
    """A label with its first letter in upper case ("actividades del POA" -> "Actividades del POA")."""
    return text[:1].upper() + text[1:]


def plan_profiles(db) -> dict:
    """Traffic-light profile of every plan (its own choice or its country's default).
    Call it before opening the connection the report reads with (it opens its own)."""
    from rcdesk.services.thresholds import ThresholdService

    pl, inst = raw_table("plan"), raw_table("institution")
    with db.connect(write=False) as conn:
        plans = conn.execute(
            select(pl.c.id, inst.c.country).select_from(pl.outerjoin(inst, inst.c.id == pl.c.institution_id))
        ).all()
    svc = ThresholdService(db)
    out = {}
    by_country: dict = {}
    for pid, country in plans:
        code = svc.plan_profile_code(pid)
        if code is not None:
            try:
                out[pid] = svc.profile(code)
                continue
            except Exception:
                pass
        c = country or "EC"
        if c not in by_country:
            by_country[c] = svc.profile_for_country(c)
        out[pid] = by_country[c]
    return out


def activity_light(profiles: dict, plan_id: str, compliance):
    """The traffic light (color, label) of an activity's latest reported compliance."""
    from rcdesk.compliance import EC_POA

    return profiles.get(plan_id, EC_POA).classify(compliance)


def activity_rows(conn) -> Iterator[tuple]:
    """(plan title, year, number, description, responsible, indicator, latest percent,
    period, activity modified_by, change_seq, plan id) for live activities of live plans."""
    pa, pl = raw_table("plan_activity"), raw_table("plan")
    latest = None
    md = sa.MetaData()
    if "progress_report" in {t.name for t in exchange_tables()}:
        pr = raw_table("progress_report")
        ranked = (
            select(
                pr.c.activity_id,
                pr.c.percent,
                pr.c.period_kind,
                pr.c.period_no,
                func.row_number()
                .over(partition_by=pr.c.activity_id, order_by=(pr.c.period_no.desc(), pr.c.reported_on.desc()))
                .label("rn"),
            )
            .where(pr.c.deleted == 0)
            .subquery()
        )
        latest = (
            select(ranked.c.activity_id, ranked.c.percent, ranked.c.period_kind, ranked.c.period_no)
            .where(ranked.c.rn == 1)
            .subquery()
        )
    del md
    cols = [pl.c.title, pl.c.year, pa.c.number, pa.c.description, pa.c.responsible, pa.c.indicator]
    if latest is not None:
        cols += [latest.c.percent, latest.c.period_kind, latest.c.period_no]
    else:
        cols += [sa.null(), sa.null(), sa.null()]
    cols += [pa.c.modified_by, pa.c.change_seq, pl.c.id]
    j = pa.join(pl, pl.c.id == pa.c.plan_id)
    if latest is not None:
        j = j.outerjoin(latest, latest.c.activity_id == pa.c.id)
    stmt = (
        select(*cols)
        .select_from(j)
        .where(pa.c.deleted == 0, pl.c.deleted == 0)
        .order_by(pl.c.year, pl.c.title, pa.c.position)
    )
    result = conn.execution_options(stream_results=True, yield_per=ROW_CHUNK).execute(stmt)
    for part in result.partitions(ROW_CHUNK):
        yield from part


def installation_summary(conn) -> list[tuple[str, str, int, int]]:
    """(installation name, role, packages consolidated, live records last written by it)."""
    from rcdesk.models.core import Installation
    from rcdesk.models.sync import SyncPackage

    it, pk = Installation.__table__, SyncPackage.__table__
    insts = conn.execute(select(it.c.id, it.c.name, it.c.role)).all()
    npk = dict(
        conn.execute(
            select(pk.c.installation_id, func.count())
            .where(pk.c.direction == "in", pk.c.kind == "field")
            .group_by(pk.c.installation_id)
        ).all()
    )
    recs: dict[str, int] = {}
    for t in exchange_tables():
        rt = raw_table(t.name)
        for mid, n in conn.execute(
            select(rt.c.modified_by, func.count()).where(rt.c.deleted == 0).group_by(rt.c.modified_by)
        ):
            recs[mid] = recs.get(mid, 0) + int(n)
    return [(r[1], r[2], int(npk.get(r[0], 0)), recs.get(r[0], 0)) for r in insts]
