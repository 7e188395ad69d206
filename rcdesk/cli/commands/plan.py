"""plan import | list | show | export | templates | new | delete."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rcdesk.cli.mapping_options import mapping_options
from rcdesk.errors import UserError

COUNTRY_NAMES = {"EC": "Ecuador", "CO": "Colombia"}


def register(cli) -> None:
    g = cli.group("plan", "planes de rendición de cuentas (cronogramas)")
    p = cli.command(g, "import", "importar un plan desde un archivo Excel (.xlsx)", _import)
    p.add_argument("file", metavar="ARCHIVO")
    p.add_argument("--entity", metavar="NOMBRE", help="nombre de la entidad (si el archivo no lo trae)")
    p.add_argument("--year", type=int, metavar="AÑO", help="vigencia (si el archivo no la trae)")
    p.add_argument(
        "--country",
        choices=["EC", "CO"],
        metavar="PAÍS",
        help="país de la entidad si es nueva (EC o CO); una entidad existente conserva el de su perfil",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="revisar el archivo y mostrar exactamente lo que se guardaría, sin guardar nada",
    )
    mapping_options(p)

    cli.command(g, "list", "listar los planes", _list)

    p = cli.command(g, "show", "mostrar un plan con sus grupos y actividades", _show)
    p.add_argument("plan_id", metavar="PLAN_ID")

    p = cli.command(g, "export", "exportar un plan a Excel", _export)
    p.add_argument("plan_id", metavar="PLAN_ID")
    p.add_argument("--out", required=True, metavar="ARCHIVO.xlsx")
    p.add_argument(
        "--layout",
        choices=["original", "generic"],
        default="original",
        help="original: el formato del que vino; generic: formato plano de rcdesk",
    )

    cli.command(g, "templates", "listar las plantillas incorporadas", _templates)

    p = cli.command(g, "new", "crear un plan para una nueva vigencia a partir de una plantilla", _new)
    p.add_argument("--template", required=True, metavar="CLAVE")
    p.add_argument("--year", required=True, type=int, metavar="AÑO")
    p.add_argument("--entity", metavar="NOMBRE")

    p = cli.command(g, "delete", "eliminar un plan (queda marcado como eliminado)", _delete)
    p.add_argument("plan_id", metavar="PLAN_ID")


def _import(ctx, args) -> dict:
    from rcdesk.imports import profiles
    from rcdesk.imports.choices import profile_document
    from rcdesk.imports.mapping import kept_columns, ledger, parse_overrides
    from rcdesk.plans.fields import PLAN
    from rcdesk.plans.import_result import PlanRefused
    from rcdesk.services.plans import PlanService

    path = Path(args.file)
    svc = PlanService(ctx.db)
    parsed = None
    try:
        overrides = parse_overrides(args.map)
        profile = profile_name = None
        if args.mapping:
            profile_name, profile = profiles.load(args.mapping, PLAN)
        parsed = svc.read_file(
            path,
            sheets=args.sheet or None,
            overrides=overrides,
            profile=profile,
            profile_name=profile_name or "",
            remembered=not args.no_remembered,
            progress=ctx.progress,
            cancel=ctx.cancel,
        )
        if args.save_mapping:
            if not parsed.mappings:
                raise UserError(f"«{path.name}» no tiene columnas que guardar en un perfil.")
            profiles.save(args.save_mapping, profile_document("plan", parsed.mappings, path.name))
        # the dry run goes through the very same save, rolled back: it reports what the import stores
        result = svc.import_parsed(
            parsed,
            entity=args.entity,
            year=args.year,
            country=args.country,
            dry_run=args.dry_run,
            progress=ctx.progress,
            cancel=ctx.cancel,
        )
    except UserError as exc:
        columns = ledger(parsed.mappings, PLAN) if parsed is not None else []
        if ctx.json:
            errors = (
                exc.errors_json()
                if isinstance(exc, PlanRefused)
                else [{"sheet": None, "row": None, "column": None, "message": str(exc)}]
            )
            print(
                json.dumps(
                    {"file": str(path), "dry_run": args.dry_run, "errors": errors, "columns": columns},
                    ensure_ascii=False,
                )
            )
        elif columns and isinstance(exc, PlanRefused):
            # what each column was taken as: the user sees what to map with --map
            exc.details.append(
                "Columnas: "
                + "; ".join(f"hoja «{c['sheet']}» {c['column']} «{c['header']}» → {c['label']}" for c in columns[:40])
            )
        raise
    out = result.as_json()
    s = result.summary
    kept = kept_columns(parsed.mappings) if parsed.mapped else []
    out.update(
        profile=parsed.profile_name or None,
        mapped=parsed.mapped,
        questions=list(parsed.questions),
        kept_columns=kept,
        columns=ledger(parsed.mappings, PLAN),
    )
    entity = f"{s.entity} ({'nueva, ' if result.new_entity else ''}{COUNTRY_NAMES.get(result.country, result.country)})"
    if args.dry_run:
        text = [
            f"Revisión de «{path.name}» (no se guardó nada):",
            f"  se importaría para {entity}, vigencia {s.year}, formato {s.layout}",
            f"  {s.activities} actividades en {s.groups} grupos",
        ]
    else:
        text = [
            f"Plan importado: {s.plan_id}",
            f"  {entity}, vigencia {s.year}, formato {s.layout}",
            f"  {s.activities} actividades en {s.groups} grupos",
        ]
    if parsed.profile_name:
        text.append(f"  Asignación de columnas: {parsed.profile_name}.")
    if result.ignored_columns:
        text.append(
            "  columnas no importadas: "
            + ", ".join(f"{c.column} «{c.header}» (hoja «{c.sheet}»)" for c in result.ignored_columns)
        )
    if kept:
        text.append("  guardadas como otros datos: " + ", ".join(f"{c['column']} «{c['header']}»" for c in kept))
    text += [f"  Revise: {q}" for q in parsed.questions]
    if s.warnings:
        text.append(f"  {len(s.warnings)} advertencia(s):")
        text += [f"   - {w}" for w in s.warnings[:30]]
    return {**out, "_text": "\n".join(text)}


def _list(ctx, args) -> dict:
    from rcdesk.services.plans import PlanService

    plans = PlanService(ctx.db).list_plans()
    rows = [
        {
            "plan_id": p.plan_id,
            "entity": p.entity,
            "year": p.year,
            "layout": p.layout,
            "activities": p.activities,
            "title": p.title,
        }
        for p in plans
    ]
    text = "\n".join(f"{p.plan_id}  {p.year}  {p.layout:<7} {p.activities:5d} act.  {p.entity}" for p in plans)
    return {"plans": rows, "_text": text or "No hay planes. Importe uno con «rcdesk plan import ARCHIVO»."}


def _show(ctx, args) -> dict:
    from rcdesk.services.plans import PlanService

    svc = PlanService(ctx.db)
    plan_id = svc.resolve_plan_id(args.plan_id)
    summary = svc.summary(plan_id)
    acts = svc.activities(plan_id)
    by_group: dict = {}
    for a in acts:
        by_group.setdefault(a.group_id, []).append(a)
    groups: list[dict[str, Any]] = [
        {
            "group_id": g.group_id,
            "parent_id": g.parent_id,
            "kind": g.kind,
            "code": g.code,
            "name": g.name,
            "activities": [a.as_json() for a in by_group.get(g.group_id, [])],
        }
        for g in svc.groups(plan_id)
    ]
    if by_group.get(None):
        groups.append(
            {
                "group_id": None,
                "parent_id": None,
                "kind": "seccion",
                "code": "",
                "name": "Sin grupo",
                "activities": [a.as_json() for a in by_group[None]],
            }
        )
    lines = [f"{summary.entity} — vigencia {summary.year} ({summary.layout})", summary.title or ""]
    paths = svc.group_path(plan_id)
    for g in groups:
        if g["activities"]:
            lines.append(f"\n[{paths.get(g['group_id'], g['name'])}]")
            lines += [f"  {a['activity_id'][:8]}  {a['description'][:90]}" for a in g["activities"]]
    return {**summary.as_json(), "groups": groups, "_text": "\n".join(lines)}


def _export(ctx, args) -> dict:
    from rcdesk.plans.exporter import write_plan
    from rcdesk.services.plans import PlanService

    svc = PlanService(ctx.db)
    plan_id = svc.resolve_plan_id(args.plan_id)
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise UserError("El archivo de salida debe terminar en .xlsx")
    parsed = svc.as_parsed(plan_id)
    write_plan(parsed, out, layout=args.layout)
    layout = parsed.layout if args.layout == "original" else "generic"
    return {
        "plan_id": plan_id,
        "file": str(out),
        "layout": layout,
        "activities": parsed.activity_count,
        "_text": f"Plan exportado a {out} (formato {layout}, {parsed.activity_count} actividades).",
    }


def _templates(ctx, args) -> dict:
    from rcdesk.plans.templates import list_templates

    items = list_templates()
    rows = [{"key": t.key, "title": t.title, "layout": t.layout, "country": t.country, "year": t.year} for t in items]
    return {
        "templates": rows,
        "_text": "\n".join(f"{t.key:<28} {t.country} {t.year} {t.layout:<6} {t.title}" for t in items),
    }


def _new(ctx, args) -> dict:
    from rcdesk.plans.templates import list_templates, load_template
    from rcdesk.services.plans import PlanService

    parsed = load_template(args.template, args.year)
    country = next((t.country for t in list_templates() if t.key == args.template), None)
    summary = PlanService(ctx.db).save_parsed(parsed, entity=args.entity, year=args.year, country=country)
    return {
        **summary.as_json(),
        "template": args.template,
        "_text": f"Plan {summary.plan_id} creado desde la plantilla «{args.template}» para {args.year} "
        f"({summary.activities} actividades).",
    }


def _delete(ctx, args) -> dict:
    from rcdesk.services.plans import PlanService

    svc = PlanService(ctx.db)
    plan_id = svc.resolve_plan_id(args.plan_id)
    svc.delete_plan(plan_id)
    return {"plan_id": plan_id, "deleted": True, "_text": f"Plan {plan_id} eliminado."}
