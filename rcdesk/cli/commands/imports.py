"""import fields poa|plan|attendance|contratacion: the field names `--map "ENCABEZADO=campo"` takes."""

from __future__ import annotations

import importlib

from rcdesk.errors import UserError

# the module that registers each kind's catalog (imported only when asked for)
CATALOG_MODULES = {
    "poa": "rcdesk.imports.fields",
    "plan": "rcdesk.plans.fields",
    "attendance": "rcdesk.events.attendance_fields",
    "contratacion": "rcdesk.services.cpccs_procurement",
}
KIND_NAMES = {
    "poa": "POA",
    "plan": "plan (cronograma)",
    "attendance": "asistencia",
    "contratacion": "contratación pública (informe CPCCS)",
}


def register(cli) -> None:
    g = cli.group("import", "asignación de columnas de las importaciones de Excel")
    p = cli.command(g, "fields", "listar los campos a los que se puede asignar una columna (--map)", _fields)
    p.add_argument("kind", choices=sorted(CATALOG_MODULES), metavar="TIPO", help="poa, plan, attendance o contratacion")


def load_catalog(kind: str):
    """The kind's catalog, or None when this installation does not have it yet."""
    from rcdesk.imports.fields import CATALOGS, KEEP  # noqa: F401

    try:
        importlib.import_module(CATALOG_MODULES[kind])
    except ModuleNotFoundError as exc:
        if exc.name and CATALOG_MODULES[kind].startswith(exc.name):
            return None
        raise
    return CATALOGS.get(kind)


def _fields(ctx, args) -> dict:
    from rcdesk.imports.fields import IGNORE, KEEP

    catalog = load_catalog(args.kind)
    if catalog is None:
        raise UserError(
            f"La asignación de columnas para «{args.kind}» ({KIND_NAMES[args.kind]}) no está disponible "
            "en esta versión de rcdesk."
        )
    fields = [
        {
            "key": f.key,
            "label": f.label,
            "help": f.help,
            "per_period": f.periodic,
            "per_year": f.yearly,
            "required": f.key in catalog.required,
        }
        for f in catalog.fields
    ]
    width = max(len(f.key) for f in catalog.fields) + 2
    lines = [f'Campos de la importación de {catalog.title} (--map "ENCABEZADO=campo"):']
    for f in catalog.fields:
        spec = f"{f.key}:T1" if f.periodic else f.key
        extra = []
        if f.key in catalog.required:
            extra.append("obligatorio")
        if f.periodic:
            extra.append(f"por periodo: {spec}")
        if f.yearly:
            extra.append(f"por año: {f.key}@2024")
        note = f" ({'; '.join(extra)})" if extra else ""
        lines.append(f"  {f.key:<{width}}{f.label}{note}")
        if f.help:
            lines.append(f"  {'':<{width}}  {f.help}")
    lines.append(f"  {KEEP:<{width}}Guardar como otros datos (se muestran y se exportan)")
    lines.append(f"  {IGNORE:<{width}}No importar la columna (se informa)")
    return {
        "kind": args.kind,
        "title": catalog.title,
        "fields": fields,
        "keep": KEEP,
        "ignore": IGNORE,
        "_text": "\n".join(lines),
    }
