"""territory list | import, unit list | add, institution list."""

from __future__ import annotations

from pathlib import Path

from rcdesk.models.reference import UNIT_TYPES


def register(cli) -> None:
    g = cli.group("territory", "territorios (DPA del INEC, DIVIPOLA del DANE)")
    p = cli.command(g, "list", "listar territorios", _territories)
    p.add_argument("--country", choices=["EC", "CO"])
    p.add_argument("--level", help="PROVINCIA, CANTON, PARROQUIA_RURAL, DEPARTAMENTO, MUNICIPIO…")
    p = cli.command(
        g, "import", "importar territorios desde un CSV (country,level,code,name,parent_code,active)", _territory_import
    )
    p.add_argument("file", metavar="ARCHIVO.csv")

    g = cli.group("unit", "dependencias (unidades organizativas)")
    p = cli.command(g, "list", "listar dependencias", _units)
    p.add_argument("--entity", metavar="NOMBRE")
    p = cli.command(g, "add", "agregar una dependencia", _unit_add)
    p.add_argument("--entity", required=True, metavar="NOMBRE")
    p.add_argument("--name", required=True, metavar="NOMBRE")
    p.add_argument("--type", default="OTRA", choices=sorted(UNIT_TYPES), dest="unit_type")
    p.add_argument("--territory", metavar="CÓDIGO", help="código DPA/DIVIPOLA")
    p.add_argument("--country", choices=["EC", "CO"], default="EC")

    g = cli.group("entity", "entidades")
    cli.command(g, "list", "listar entidades", _entities)


def _territories(ctx, args) -> dict:
    from rcdesk.services.reference import ReferenceService

    svc = ReferenceService(ctx.db)
    svc.ensure_builtin_territories()
    rows = svc.territories(country=args.country, level=args.level.upper() if args.level else None)
    return {
        "territories": [
            {"territory_id": t.territory_id, "country": t.country, "level": t.level, "code": t.code, "name": t.name}
            for t in rows
        ],
        "_text": "\n".join(f"{t.country} {t.code:<8} {t.level:<17} {t.name}" for t in rows),
    }


def _territory_import(ctx, args) -> dict:
    from rcdesk.services.reference import ReferenceService

    n = ReferenceService(ctx.db).import_territories_csv(Path(args.file))
    return {"imported": n, "_text": f"{n} territorio(s) nuevo(s) importado(s)."}


def _units(ctx, args) -> dict:
    from rcdesk.services.reference import ReferenceService

    svc = ReferenceService(ctx.db)
    inst_id = None
    if args.entity:
        inst_id = svc.find_or_create_institution(args.entity).institution_id
    rows = svc.units(inst_id)
    return {
        "units": [
            {
                "unit_id": u.unit_id,
                "institution_id": u.institution_id,
                "name": u.name,
                "unit_type": u.unit_type,
                "territory_id": u.territory_id,
            }
            for u in rows
        ],
        "_text": "\n".join(f"{u.unit_id}  {u.type_label:<28} {u.name}" for u in rows) or "No hay dependencias.",
    }


def _unit_add(ctx, args) -> dict:
    from rcdesk.services.reference import ReferenceService

    svc = ReferenceService(ctx.db)
    svc.ensure_builtin_territories()
    territory_id = svc.territory_by_code(args.territory).territory_id if args.territory else None
    inst = svc.find_or_create_institution(args.entity, args.country)
    u = svc.add_unit(inst.institution_id, args.name, args.unit_type, territory_id)
    return {"unit_id": u.unit_id, "name": u.name, "unit_type": u.unit_type, "_text": f"Dependencia creada: {u.unit_id}"}


def _entities(ctx, args) -> dict:
    from rcdesk.services.reference import ReferenceService

    rows = ReferenceService(ctx.db).institutions()
    return {
        "entities": [
            {"institution_id": i.institution_id, "name": i.name, "country": i.country, "kind": i.kind} for i in rows
        ],
        "_text": "\n".join(f"{i.institution_id}  {i.country}  {i.name}" for i in rows) or "No hay entidades.",
    }
