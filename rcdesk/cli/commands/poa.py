"""poa import | export | list | units | eval | record; report cpccs | poa; visit add | list | report;
oficio add | list | answer."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from rcdesk.cli.mapping_options import mapping_options
from rcdesk.errors import NotFound, UserError


def register(cli) -> None:
    g = cli.group("poa", "seguimiento del POA por unidad y cantón")
    p = cli.command(g, "import", "importar uno o varios POA desde Excel (.xlsx)", _import)
    p.add_argument("file", metavar="ARCHIVO")
    p.add_argument("--unit", metavar="UNIDAD", help="id o nombre de la unidad (si el libro no la indica)")
    p.add_argument("--year", type=int, metavar="AÑO", help="año fiscal (si el libro no lo indica)")
    p.add_argument("--replace", action="store_true", help="reemplazar el POA existente de la unidad y año")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="hacer la importación completa y deshacerla: informa exactamente lo que se guardaría",
    )
    p.add_argument(
        "--entity",
        metavar="ENTIDAD",
        help="entidad de las unidades nuevas del archivo (se crea si no existe; con --country)",
    )
    p.add_argument("--country", choices=["EC", "CO"], help="país de la entidad nueva")
    mapping_options(p)

    p = cli.command(g, "export", "exportar a Excel el POA de una unidad, o de todas (una hoja por unidad)", _export)
    p.add_argument("--unit", metavar="UNIDAD", help="sin esta opción: todas las unidades con POA del año")
    p.add_argument("--year", required=True, type=int, metavar="AÑO")
    p.add_argument("--out", required=True, metavar="ARCHIVO.xlsx")

    p = cli.command(g, "list", "listar los POA", _list)
    p.add_argument("--year", type=int, metavar="AÑO")
    p.add_argument("--canton", metavar="CANTÓN", help="nombre o código del cantón")

    p = cli.command(g, "units", "listar las unidades con su cantón", _units)
    p.add_argument("--canton", metavar="CANTÓN")

    p = cli.command(g, "eval", "cumplimiento por cantón, tipo de unidad, unidad o meta a una fecha de corte", _eval)
    p.add_argument("--year", type=int, metavar="AÑO")
    p.add_argument("--cut", metavar="AAAA-MM-DD", help="fecha de corte (por omisión, fin del año)")
    p.add_argument("--level", choices=["canton", "tipo", "unidad", "meta"], default="canton")
    p.add_argument("--canton", metavar="CANTÓN")
    p.add_argument("--gap", type=float, metavar="PP", help="umbral de brecha físico-financiera (puntos)")

    p = cli.command(g, "record", "registrar la ejecución de una meta en un periodo", _record)
    p.add_argument("--meta", required=True, metavar="META_ID")
    p.add_argument("--period", required=True, type=int, metavar="N")
    p.add_argument("--executed", metavar="CANTIDAD")
    p.add_argument("--codificado", metavar="USD")
    p.add_argument("--comprometido", metavar="USD")
    p.add_argument("--devengado", metavar="USD")
    p.add_argument("--narrative", metavar="TEXTO")

    r = cli.group("report", "informes y exportaciones")
    p = cli.command(
        r, "cpccs", "informe CPCCS completo: libro (.xlsx, una hoja por sección) o borrador (.pdf)", _report_cpccs
    )
    p.add_argument("--year", required=True, type=int, metavar="AÑO")
    p.add_argument("--out", required=True, metavar="ARCHIVO.xlsx|.pdf")
    p.add_argument("--cut", metavar="AAAA-MM-DD", help="fecha de corte del POA (por omisión, fin del año)")
    p.add_argument(
        "--budget-type",
        choices=["META", "PROGRAMA", "AREA"],
        default="META",
        help="tipo de ejecución presupuestaria (uno solo para todo el informe)",
    )
    p = cli.command(r, "poa", "informe PDF de evaluación del POA por cantón y unidad", _report_poa)
    p.add_argument("--cut", required=True, metavar="AAAA-MM-DD")
    p.add_argument("--out", required=True, metavar="ARCHIVO.pdf")
    p.add_argument("--year", type=int, metavar="AÑO", help="año fiscal (por omisión, el de la fecha de corte)")
    p.add_argument("--canton", metavar="CANTÓN")

    v = cli.group("visit", "visitas de seguimiento a los cantones")
    p = cli.command(v, "add", "registrar una visita", _visit_add)
    p.add_argument("--canton", required=True, metavar="CANTÓN")
    p.add_argument("--date", required=True, metavar="AAAA-MM-DD")
    p.add_argument("--team", default="", metavar="TEXTO")
    p.add_argument("--unit", action="append", default=[], metavar="UNIDAD", help="unidad visitada (repetible)")
    p.add_argument("--purpose", default="", metavar="TEXTO")
    p.add_argument("--findings", default="", metavar="TEXTO")
    p.add_argument("--recommendations", default="", metavar="TEXTO")
    p.add_argument("--commitment", action="append", default=[], metavar="TEXTO", help="compromiso acordado (repetible)")
    p = cli.command(v, "list", "listar visitas", _visit_list)
    p.add_argument("--year", type=int, metavar="AÑO")
    p.add_argument("--canton", metavar="CANTÓN")
    p = cli.command(v, "report", "informe PDF de una visita", _visit_report)
    p.add_argument("visit_id", metavar="VISITA_ID")
    p.add_argument("--out", required=True, metavar="ARCHIVO.pdf")

    o = cli.group("oficio", "oficios de solicitud de información (Quipux)")
    p = cli.command(o, "add", "registrar un oficio enviado", _oficio_add)
    p.add_argument("--number", required=True, metavar="NÚMERO")
    p.add_argument("--date", required=True, metavar="AAAA-MM-DD")
    p.add_argument("--unit", required=True, metavar="UNIDAD")
    p.add_argument("--subject", required=True, metavar="ASUNTO")
    p.add_argument("--term", type=int, default=10, metavar="DÍAS", help="término en días hábiles")
    p.add_argument("--items", default="", metavar="TEXTO", help="información solicitada")
    p = cli.command(o, "list", "listar oficios (con alertas de vencimiento)", _oficio_list)
    p.add_argument("--overdue", action="store_true", help="solo los vencidos sin respuesta")
    p.add_argument("--today", metavar="AAAA-MM-DD", help="fecha de referencia (por omisión, hoy)")
    p = cli.command(o, "answer", "registrar la respuesta a un oficio", _oficio_answer)
    p.add_argument("oficio_id", metavar="OFICIO_ID")
    p.add_argument("--date", required=True, metavar="AAAA-MM-DD")
    p.add_argument("--ref", default="", metavar="REFERENCIA")


# -- helpers ------------------------------------------------------------------------------------
def _optional_date(text: str | None, label: str) -> date | None:
    """An optional date option: empty means its default."""
    return _date(text, label) if text else None


def _date(text: str | None, label: str) -> date:
    """A required date option: an empty value (`--date ""`) is refused like a wrong one."""
    if not text or not text.strip():
        raise UserError(f"{label}: falta la fecha (use AAAA-MM-DD).")
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"{label}: «{text}» no es una fecha válida (use AAAA-MM-DD).") from None


def _unit(ctx, ref: str):
    from rcdesk.services.poa import PoaService
    from rcdesk.text import fold

    places = PoaService(ctx.db).unit_places()
    ref = (ref or "").strip()
    by_id = [u for u in places if len(ref) >= 8 and u.unit_id.startswith(ref)]
    if len(by_id) == 1:
        return by_id[0]
    key = fold(ref)
    exact = [u for u in places if fold(u.name) == key]
    if len(exact) == 1:
        return exact[0]
    part = [u for u in places if key and key in fold(u.name)]
    if len(part) == 1:
        return part[0]
    if not part:
        raise NotFound(f"No existe la unidad «{ref}». Use «rcdesk poa units» para ver las unidades.")
    raise UserError(
        f"«{ref}» coincide con {len(part)} unidades; escriba el nombre completo o el id.",
        details=[f"{u.unit_id}  {u.name}" for u in part[:10]],
    )


def _canton(ctx, ref: str | None):
    if not ref:
        return None
    from rcdesk.services.reference import ReferenceService
    from rcdesk.text import fold

    for t in ReferenceService(ctx.db).territories(level="CANTON") + ReferenceService(ctx.db).territories(
        level="MUNICIPIO"
    ):
        if t.code == ref.strip() or fold(t.name) == fold(ref):
            return t
    raise NotFound(f"No existe el cantón «{ref}».")


def _pct(v: float | None) -> str:
    return "   N/A" if v is None else f"{v:6.2f}".replace(".", ",")


def _light(color: str) -> str:
    from rcdesk.compliance import COLOR_LABELS

    return COLOR_LABELS.get(color, color)


# -- poa ------------------------------------------------------------------------------------------
def _import(ctx, args) -> dict:
    from rcdesk.imports import profiles
    from rcdesk.imports.fields import POA
    from rcdesk.imports.mapping import ignored_columns, kept_columns, ledger, parse_overrides
    from rcdesk.imports.problems import problems_json
    from rcdesk.services.poa import PoaService

    svc = PoaService(ctx.db)
    unit_id = _unit(ctx, args.unit).unit_id if args.unit else None
    overrides = parse_overrides(args.map)
    profile = profile_name = None
    if args.mapping:
        profile_name, profile = profiles.load(args.mapping, POA)
    name = Path(args.file).name
    preview = svc.preview_import(
        Path(args.file),
        unit_id=unit_id,
        year=args.year,
        replace=args.replace,
        sheets=args.sheet or None,
        overrides=overrides,
        profile=profile,
        profile_name=profile_name or "",
        remembered=not args.no_remembered,
        entity=args.entity,
        country=args.country,
    )
    if args.save_mapping:
        profiles.save(args.save_mapping, profiles.build("poa", preview.mappings, name))
    base = {
        "file": str(args.file),
        "dry_run": args.dry_run,
        "year": args.year,
        "profile": preview.profile_name or None,
        "ignored_columns": ignored_columns(preview.mappings),
        "kept_columns": kept_columns(preview.mappings),
        "questions": preview.questions,
        "warnings": preview.warnings,
        "columns": ledger(preview.mappings, POA),
    }
    if not preview.ok:
        if ctx.json:
            refusal = UserError(
                f"«{name}» tiene {len(preview.errors)} error(es); no se importó nada.", details=preview.errors
            )
            return {**base, "errors": problems_json(preview.errors), "_exit": 2, "_stderr": str(refusal)}
        raise UserError(f"«{name}» tiene {len(preview.errors)} error(es); no se importó nada.", details=preview.errors)
    res = svc.save_import(preview, progress=ctx.progress, cancel=ctx.cancel, dry_run=args.dry_run)
    poas = [
        {
            "unit_id": p.unit_id,
            "unit": p.unit_name,
            "year": p.fiscal_year,
            "period_kind": p.period_kind,
            "metas": p.meta_count,
            "objectives": len(p.objectives),
        }
        for p in preview.poas
    ]
    units = sorted({p.unit_name for p in preview.poas})
    entity_years = sorted({p.fiscal_year for p in preview.poas})
    verb = "Se importarían" if args.dry_run else "POA importados:"
    text = [
        f"{verb} {res.poas} POA ({res.metas} metas, {preview.objective_count} objetivos, "
        f"{res.executions} reportes de ejecución) de {len(units)} unidad(es), año(s) "
        f"{', '.join(map(str, entity_years))}."
    ]
    if preview.profile_name:
        text.append(f"  Asignación de columnas: {preview.profile_name}.")
    text += [f"  {p['year']}  {p['unit']}  ({p['metas']} metas)" for p in poas]
    if res.new_units:
        text.append("  Unidades nuevas: " + ", ".join(f"«{u}»" for u in res.new_units))
    if res.replaced:
        text.append(
            f"  Se reemplazarían {res.replaced} POA existentes."
            if args.dry_run
            else f"  Se reemplazaron {res.replaced} POA existentes."
        )
    ignored = base["ignored_columns"]
    if ignored:
        text.append(f"  Columnas no importadas ({len(ignored)}):")
        text += [
            f"   - hoja «{c['sheet']}», columna {c['column']} («{c['header']}»): {c['reason']}" for c in ignored[:40]
        ]
    if base["kept_columns"]:
        text.append("  Guardadas como otros datos: " + ", ".join(f"«{c['header']}»" for c in base["kept_columns"]))
    for q in preview.questions:
        text.append(f"  Revise: {q}")
    if preview.warnings:
        text.append(f"  {len(preview.warnings)} advertencia(s):")
        text += [f"   - {w}" for w in preview.warnings[:30]]
    if args.dry_run:
        text.append("Revisión completa: no se guardó nada.")
    return {
        **base,
        "poa_ids": [] if args.dry_run else list(res.poa_ids),
        "poas": poas,
        "metas": res.metas,
        "objectives": preview.objective_count,
        "units": units,
        "new_units": list(res.new_units),
        "values": preview.values_count,
        "executions": res.executions,
        "replaced": res.replaced,
        "errors": [],
        "_text": "\n".join(text),
    }


def _export(ctx, args) -> dict:
    from rcdesk.poa.exporter import export_poas
    from rcdesk.services.poa import PoaService

    svc = PoaService(ctx.db)
    if args.unit:
        unit = _unit(ctx, args.unit)
        row = svc.find_poa(unit.unit_id, args.year)
        if row is None:
            raise NotFound(f"No existe el POA {args.year} de «{unit.name}».")
        rows = [row]
        what = f"POA {args.year} de «{unit.name}»"
    else:
        rows = svc.list_poas(year=args.year)
        if not rows:
            raise NotFound(f"No hay POA del año {args.year}.")
        what = f"{len(rows)} POA del año {args.year} (una hoja por unidad)"
    from rcdesk.services.poa import institution_country

    out = export_poas(
        [svc.as_parsed(r.poa_id) for r in rows], Path(args.out), country=institution_country(ctx.db, rows[0].unit_id)
    )
    metas = sum(r.meta_count for r in rows)
    return {
        "out": str(out),
        "poa_id": rows[0].poa_id if args.unit else None,
        "poa_ids": [r.poa_id for r in rows],
        "metas": metas,
        "_text": f"{what} exportado a {out} ({metas} metas).",
    }


def _list(ctx, args) -> dict:
    from rcdesk.services.poa import PoaService

    canton = _canton(ctx, args.canton)
    rows = PoaService(ctx.db).list_poas(year=args.year, canton_id=canton.territory_id if canton else None)
    out = [
        {
            "poa_id": r.poa_id,
            "unit_id": r.unit_id,
            "unit": r.unit_name,
            "unit_type": r.unit_type,
            "canton": r.canton_name,
            "year": r.fiscal_year,
            "period_kind": r.period_kind,
            "metas": r.meta_count,
        }
        for r in rows
    ]
    text = "\n".join(
        f"{r.poa_id}  {r.fiscal_year}  {r.canton_name:<16} {r.meta_count:3d} metas  {r.unit_name}" for r in rows
    )
    return {"poas": out, "_text": text or "No hay POA. Importe uno con «rcdesk poa import ARCHIVO»."}


def _units(ctx, args) -> dict:
    from rcdesk.services.poa import PoaService

    canton = _canton(ctx, args.canton)
    rows = [u for u in PoaService(ctx.db).unit_places() if canton is None or u.canton_id == canton.territory_id]
    return {
        "units": [
            {"unit_id": u.unit_id, "name": u.name, "unit_type": u.unit_type, "canton": u.canton_name} for u in rows
        ],
        "_text": "\n".join(f"{u.unit_id}  {u.canton_name:<16} {u.name}" for u in rows) or "No hay unidades.",
    }


def _eval(ctx, args) -> dict:
    from dataclasses import replace

    from rcdesk.services.poa import PoaService
    from rcdesk.services.poa_eval import EvaluationService

    cut = _optional_date(args.cut, "Fecha de corte")
    year = args.year or (cut.year if cut else (PoaService(ctx.db).years() or [date.today().year])[0])
    svc = EvaluationService(ctx.db)
    settings = svc.settings()
    if args.gap is not None:
        if not 0 < args.gap <= 100:
            raise UserError("La brecha debe estar entre 0 y 100 puntos porcentuales.")
        settings = replace(settings, gap_pp=args.gap)
    canton = _canton(ctx, args.canton)
    ev = svc.evaluate(year, cut, settings=settings, canton_id=canton.territory_id if canton else None, with_text=False)
    if not ev.metas:
        raise UserError(f"No hay metas de POA del año {year}.")

    def g(x) -> dict:
        return {
            "key": x.key,
            "label": x.label,
            "metas": x.metas,
            "evaluated": x.evaluated,
            "pct": x.pct,
            "pct_annual": x.pct_annual,
            "codificado": x.codificado,
            "devengado": x.devengado,
            "pct_budget": x.pct_budget,
            "gap": x.gap,
            "gap_flag": x.gap_flag,
            "light": x.light,
            "units": x.units,
            "canton": x.canton,
        }

    if args.level == "meta":
        rows: list[dict[str, Any]] = [
            {
                "meta_id": m.meta_id,
                "unit_id": m.unit_id,
                "number": m.number,
                "description": m.description,
                "planned": m.planned,
                "executed": m.executed,
                "pct": m.pct,
                "pct_annual": m.pct_annual,
                "pct_budget": m.pct_budget,
                "gap_flag": m.gap_flag,
                "light": m.light,
            }
            for m in ev.metas
        ]
        lines = [f"{_pct(m['pct'])} %  {_light(m['light']):<8} {m['number']:<6} {m['description'][:70]}" for m in rows]
    else:
        groups = {"canton": ev.cantons, "tipo": ev.unit_types, "unidad": ev.units}[args.level]
        rows = [g(x) for x in groups]
        lines = [
            f"{_pct(x.pct)} %  presup. {_pct(x.pct_budget)} %  {'BRECHA ' if x.gap_flag else '       '}"
            f"{_light(x.light):<8} {x.label}"
            for x in groups
        ]
    p = ev.province
    head = (
        f"Evaluación POA {year}, corte {ev.cut:%d/%m/%Y} — {ev.profile.name}\n"
        f"Provincia: {_pct(p.pct)} % cumplimiento, {_pct(p.pct_budget)} % presupuesto, {p.units} unidades, "
        f"{p.metas} metas\n"
    )
    return {
        "year": year,
        "cut": ev.cut,
        "level": args.level,
        "province": g(p),
        "rows": rows,
        "_text": head + "\n".join(lines),
    }


def _record(ctx, args) -> dict:
    from rcdesk.services.poa import PoaService

    fields = {
        k: v
        for k, v in {
            "executed_qty": args.executed,
            "codificado": args.codificado,
            "comprometido": args.comprometido,
            "devengado": args.devengado,
            "narrative": args.narrative,
        }.items()
        if v is not None
    }
    if not fields:
        raise UserError(
            "Indique al menos un valor (--executed, --devengado, --codificado, --comprometido, --narrative)."
        )
    row = PoaService(ctx.db).save_execution(args.meta, args.period, **fields)
    text = f"Ejecución registrada (periodo {row.period_no}): ejecutado {row.executed_qty}, devengado {row.devengado}"
    if row.warnings:
        text += "\n" + "\n".join(f"  Advertencia: {w}" for w in row.warnings)
    return {
        "execution_id": row.execution_id,
        "meta_id": row.meta_id,
        "period": row.period_no,
        "executed_qty": row.executed_qty,
        "codificado": row.codificado,
        "comprometido": row.comprometido,
        "devengado": row.devengado,
        "warnings": list(row.warnings),
        "_text": text,
    }


# -- reports --------------------------------------------------------------------------------------
def _report_cpccs(ctx, args) -> dict:
    from rcdesk.services.cpccs_export import export_report

    res = export_report(
        ctx.db,
        args.year,
        Path(args.out),
        cut=_optional_date(args.cut, "Fecha de corte"),
        budget_type=args.budget_type,
        progress=ctx.progress,
        cancel=ctx.cancel,
    )
    missing = [s["title"] for s in res["sections"] if s["state"] == "incompleta"]
    res["_text"] = (
        f"Informe CPCCS {args.year} escrito en {res['out']}: {res['completa']} secciones completas, "
        f"{res['incompleta']} incompletas, {res['no_aplica']} no aplican."
        + (f" Faltan datos en: {'; '.join(missing)}." if missing else "")
    )
    return res


def _report_poa(ctx, args) -> dict:
    from rcdesk.services.poa_reports import write_poa_report

    cut = _date(args.cut, "Fecha de corte")
    canton = _canton(ctx, args.canton)
    res = write_poa_report(
        ctx.db,
        args.year or cut.year,
        cut,
        Path(args.out),
        canton_id=canton.territory_id if canton else None,
        progress=ctx.progress,
        cancel=ctx.cancel,
    )
    res["_text"] = f"Informe de evaluación del POA escrito en {res['out']} ({res['pages']} páginas)."
    return res


# -- visits and oficios -----------------------------------------------------------------------------
def _visit_json(v) -> dict:
    return {
        "visit_id": v.visit_id,
        "canton": v.canton_name,
        "date": v.visit_date,
        "team": v.team,
        "units": list(v.unit_names),
        "findings": v.findings,
        "commitments": v.commitments,
        "open_commitments": v.open_commitments,
    }


def _visit_add(ctx, args) -> dict:
    from rcdesk.services.poa_visits import VisitService

    canton = _canton(ctx, args.canton)
    day = _date(args.date, "Fecha de la visita")
    unit_ids = [_unit(ctx, u).unit_id for u in args.unit]
    svc = VisitService(ctx.db)
    v = svc.add_visit(
        canton.territory_id,
        day,
        team=args.team,
        unit_ids=unit_ids,
        purpose=args.purpose,
        findings=args.findings,
        recommendations=args.recommendations,
    )
    for c in args.commitment:
        svc.add_commitment(v.visit_id, c)
    v = svc.visit(v.visit_id)
    out = _visit_json(v)
    out["_text"] = f"Visita registrada: {v.visit_id} ({v.canton_name}, {v.visit_date:%d/%m/%Y})"
    return out


def _visit_list(ctx, args) -> dict:
    from rcdesk.services.poa_visits import VisitService

    canton = _canton(ctx, args.canton)
    rows = VisitService(ctx.db).visits(args.year, canton.territory_id if canton else None)
    text = "\n".join(
        f"{v.visit_id}  {v.visit_date:%d/%m/%Y}  {v.canton_name:<14} {len(v.unit_ids)} unidad(es)  "
        f"{v.open_commitments}/{v.commitments} compromisos pendientes"
        for v in rows
    )
    return {"visits": [_visit_json(v) for v in rows], "_text": text or "No hay visitas registradas."}


def _visit_report(ctx, args) -> dict:
    from rcdesk.services.poa_reports import write_visit_report
    from rcdesk.services.poa_visits import VisitService

    svc = VisitService(ctx.db)
    matches = [v for v in svc.visits() if v.visit_id.startswith(args.visit_id.strip())]
    if len(matches) != 1:
        raise NotFound(f"No existe (o es ambigua) la visita «{args.visit_id}». Use «rcdesk visit list».")
    out = write_visit_report(ctx.db, matches[0].visit_id, Path(args.out))
    return {"out": str(out), "visit_id": matches[0].visit_id, "_text": f"Informe de visita escrito en {out}."}


def _oficio_json(o) -> dict:
    return {
        "oficio_id": o.oficio_id,
        "number": o.quipux_no,
        "date_sent": o.date_sent,
        "unit": o.addressee,
        "canton": o.canton_name,
        "subject": o.subject,
        "term_days": o.term_days,
        "due_date": o.due_date,
        "response_date": o.response_date,
        "state": o.state,
        "state_label": o.state_label,
        "days_late": o.days_late,
    }


def _oficio_add(ctx, args) -> dict:
    from rcdesk.services.poa_visits import VisitService

    unit = _unit(ctx, args.unit)
    o = VisitService(ctx.db).add_oficio(
        args.number,
        _date(args.date, "Fecha de envío"),
        unit.unit_id,
        args.subject,
        term_days=args.term,
        requested_items=args.items,
    )
    out = _oficio_json(o)
    out["_text"] = (
        f"Oficio {o.quipux_no} registrado para «{o.addressee}»; vence el {o.due_date:%d/%m/%Y} "
        f"({o.term_days} días hábiles)."
    )
    return out


def _oficio_list(ctx, args) -> dict:
    from rcdesk.services.poa_visits import VisitService

    today = _optional_date(args.today, "Fecha de referencia")
    rows = VisitService(ctx.db).oficios(state="VENCIDO" if args.overdue else None, today=today)
    lines = []
    for o in rows:
        alert = f"  ¡VENCIDO hace {o.days_late} día(s) hábil(es)!" if o.overdue else ""
        lines.append(
            f"{o.oficio_id}  {o.quipux_no:<22} vence {o.due_date:%d/%m/%Y}  {o.state_label:<28} {o.addressee}{alert}"
        )
    overdue = sum(1 for o in rows if o.overdue)
    return {
        "oficios": [_oficio_json(o) for o in rows],
        "overdue": overdue,
        "_text": ("\n".join(lines) + (f"\n{overdue} oficio(s) vencido(s) sin respuesta." if overdue else ""))
        if lines
        else "No hay oficios.",
    }


def _oficio_answer(ctx, args) -> dict:
    from rcdesk.services.poa_visits import VisitService

    svc = VisitService(ctx.db)
    matches = [o for o in svc.oficios() if o.oficio_id.startswith(args.oficio_id.strip())]
    if len(matches) != 1:
        raise NotFound(f"No existe (o es ambiguo) el oficio «{args.oficio_id}». Use «rcdesk oficio list».")
    o = svc.answer_oficio(matches[0].oficio_id, _date(args.date, "Fecha de respuesta"), args.ref)
    out = _oficio_json(o)
    out["_text"] = f"Respuesta registrada: {o.quipux_no} — {o.state_label}."
    return out
