"""cpccs set | import | show: the sections of the CPCCS report the user fills in, scriptable by headquarters."""

from __future__ import annotations

import json
from pathlib import Path

from rcdesk.errors import UserError


def register(cli) -> None:
    g = cli.group("cpccs", "informe de rendición de cuentas del CPCCS: secciones a completar y su estado")
    p = cli.command(g, "set", "guardar respuestas de una sección del formulario", _set)
    p.add_argument("section", metavar="SECCIÓN", help="p. ej. datos_generales, transparencia, contratacion")
    p.add_argument("--year", required=True, type=int, metavar="AÑO")
    p.add_argument(
        "--field",
        nargs=2,
        action="append",
        default=[],
        metavar=("CAMPO", "VALOR"),
        help="campo y valor (repetible); en filas fijas fila.campo, en tablas N.campo; no_aplica si",
    )
    p.add_argument("--file", metavar="ARCHIVO.json", help="todas las respuestas de la sección (las reemplaza)")
    p.add_argument("--institution", metavar="ID", help="institución (por omisión, la que tiene POA del año)")

    p = cli.command(g, "import", "cargar las respuestas de un libro del informe llenado en Excel/LibreOffice", _import)
    p.add_argument("file", metavar="ARCHIVO.xlsx", help="libro escrito por «rcdesk report cpccs», ya llenado")
    p.add_argument("--year", required=True, type=int, metavar="AÑO")
    p.add_argument("--dry-run", action="store_true", help="solo revisar: mostrar qué se guardaría, sin guardar")
    p.add_argument("--institution", metavar="ID")

    from rcdesk.cli.mapping_options import mapping_options

    p = cli.command(
        g,
        "contratacion",
        "llenar «Contratación pública» desde la lista de procesos exportada del sistema de compras (SERCOP/SECOP)",
        _contratacion,
    )
    p.add_argument("file", metavar="ARCHIVO", help="lista de procesos (.xlsx, .xls, .ods o .csv), un proceso por fila")
    p.add_argument("--year", required=True, type=int, metavar="AÑO")
    p.add_argument("--dry-run", action="store_true", help="solo revisar: mostrar qué se guardaría, sin guardar")
    p.add_argument(
        "--tipo",
        action="append",
        default=[],
        metavar="PROCEDIMIENTO=TIPO",
        help="tipo de contratación del CPCCS de un procedimiento que no se reconoce (repetible)",
    )
    p.add_argument(
        "--estado",
        action="append",
        default=[],
        metavar="ESTADO=adjudicado|finalizado|no",
        help="cómo cuenta un estado que no se reconoce (repetible)",
    )
    p.add_argument("--institution", metavar="ID")
    mapping_options(p)

    p = cli.command(g, "show", "estado de las secciones del informe, o el detalle de una", _show)
    p.add_argument("section", nargs="?", metavar="SECCIÓN")
    p.add_argument("--year", required=True, type=int, metavar="AÑO")
    p.add_argument("--institution", metavar="ID")


def _set(ctx, args) -> dict:
    from rcdesk.services.cpccs import CpccsService
    from rcdesk.services.cpccs_schema import section

    sec = section(args.section)
    if args.file and args.field:
        raise UserError("Use --file o --field, no ambos: --file reemplaza todas las respuestas de la sección.")
    if not args.file and not args.field:
        raise UserError(
            f"Nada que guardar: indique --field CAMPO VALOR o --file ARCHIVO.json. Campos de "
            f"«{sec.key}»: {_fields_help(sec)}."
        )
    svc = CpccsService(ctx.db)
    if args.file:
        path = Path(args.file)
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise UserError(f"No existe el archivo «{path}».") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UserError(f"«{path.name}» no es un JSON válido: {exc}.") from None
        saved = svc.save_form(args.year, sec.key, data, args.institution)
    else:
        saved = svc.set_fields(args.year, sec.key, [(k, v) for k, v in args.field], args.institution)
    view = svc.report(args.year, institution_id=args.institution).section(sec.key)
    res = {"section": sec.key, "year": args.year, "form": saved, "state": view.state, "missing": view.missing}
    res["_text"] = (
        f"Sección «{sec.title}» {args.year} guardada: {view.state_label.lower()}"
        + (f"; falta: {'; '.join(view.missing)}" if view.missing else "")
        + "."
    )
    return res


def _import(ctx, args) -> dict:
    from rcdesk.services.cpccs import CpccsService
    from rcdesk.services.cpccs_import import import_workbook

    res = import_workbook(ctx.db, args.file, args.year, institution_id=args.institution, dry_run=args.dry_run)
    out = res.as_json()
    if res.forms and not args.dry_run:
        report = CpccsService(ctx.db).report(args.year, institution_id=args.institution)
        out["states"] = {k: report.section(k).state for k in res.forms}
    out["_text"] = res.summary()
    return out


def _contratacion(ctx, args) -> dict:
    from rcdesk.imports.mapping import parse_overrides
    from rcdesk.services.cpccs import CpccsService
    from rcdesk.services.cpccs_procurement import import_processes

    res = import_processes(
        ctx.db,
        args.file,
        args.year,
        institution_id=args.institution,
        dry_run=args.dry_run,
        sheets=args.sheet or None,
        overrides=parse_overrides(args.map),
        profile_path=args.mapping,
        use_remembered=not args.no_remembered,
        types=args.tipo,
        states=args.estado,
        save_mapping=args.save_mapping,
    )
    out = res.as_json()
    if res.saved:
        out["state"] = (
            CpccsService(ctx.db).report(args.year, institution_id=args.institution).section("contratacion").state
        )
    out["_text"] = res.summary()
    return out


def _fields_help(sec) -> str:
    names = [f.key for f in sec.fields]
    if sec.layout == "grid":
        return f"filas {', '.join(k for k, _ in sec.rows)} × campos {', '.join(names)} (fila.campo)"
    if sec.layout == "table":
        return f"N.campo con campos {', '.join(names)}"
    if sec.key == "presupuesto":
        return "clasificacion.META_ID CORRIENTE|INVERSION"
    return ", ".join(names) or "solo no_aplica"


def _show(ctx, args) -> dict:
    from rcdesk.services.cpccs import CpccsService
    from rcdesk.services.cpccs_schema import section

    if args.section:
        section(args.section)
    report = CpccsService(ctx.db).report(args.year, institution_id=args.institution)
    if args.section:
        view = report.section(args.section)
        res = view.as_json()
        lines = [f"{view.title} — {view.state_label}"]
        lines += [f"  {k} {v}" for k, v in view.facts]
        if view.headers:
            lines.append("  " + " | ".join(view.headers))
            lines += ["  " + " | ".join("" if v is None else str(v) for v in r) for r in view.rows]
        lines += [f"  Falta: {m}" for m in view.missing]
        res["_text"] = "\n".join(lines)
        return res
    res = {
        "year": report.year,
        "institution": report.institution.name,
        "sections": [
            {"section": s.key, "title": s.title, "state": s.state, "missing": s.missing} for s in report.sections
        ],
    }
    lines = [f"Informe CPCCS {report.year} — {report.institution.name}"]
    for s in report.sections:
        lines.append(f"  [{s.state_label}] {s.key}: {s.title}")
        lines += [f"      · {m}" for m in s.missing[:4]]
        if len(s.missing) > 4:
            lines.append(f"      … y {len(s.missing) - 4} más")
    res["_text"] = "\n".join(lines)
    return res
