"""installation | package | base | receipt | keys | conflicts | export consolidated."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from rcdesk.errors import UserError

# not RCDESK_PASSPHRASE: that one unlocks an encrypted database, and a script may need both
ENV_PASSPHRASE = "RCDESK_KEYS_PASSPHRASE"


def register(cli) -> None:
    g = cli.group("installation", "esta instalación y las instalaciones conocidas (campo y sede)")
    cli.command(g, "show", "mostrar esta instalación (identificador, rol, huella de su clave)", _inst_show)
    cli.command(g, "list", "listar las instalaciones conocidas y su estado de confianza", _inst_list)
    p = cli.command(g, "trust", "aceptar una instalación (y consolidar sus paquetes en cuarentena)", _inst_trust)
    p.add_argument("installation_id", metavar="ID")
    p = cli.command(g, "revoke", "revocar una instalación: sus paquetes se rechazarán", _inst_revoke)
    p.add_argument("installation_id", metavar="ID")

    g = cli.group("package", "paquetes de campo (campo → sede)")
    p = cli.command(g, "export", "exportar un paquete con lo no confirmado por la sede", _pkg_export)
    p.add_argument("--out", required=True, metavar="ARCHIVO.rcpaq")
    p.add_argument("--full", action="store_true", help="incluir todos los registros, no solo los pendientes")
    p = cli.command(g, "import", "consolidar paquetes (archivos o carpetas) en la sede", _pkg_import)
    p.add_argument("files", nargs="+", metavar="ARCHIVO_O_CARPETA")
    cli.command(g, "log", "listar los paquetes enviados y recibidos", _pkg_log)

    g = cli.group("base", "paquetes base (sede → campo)")
    p = cli.command(g, "export", "exportar el paquete base para una instalación de campo", _base_export)
    p.add_argument("--installation", required=True, metavar="ID", help="identificador de la instalación de campo")
    p.add_argument("--out", required=True, metavar="ARCHIVO.rcpaq")
    p.add_argument("--name", metavar="NOMBRE", help="nombre del técnico o de la instalación")
    p.add_argument("--territory", action="append", metavar="CÓDIGO", help="cantón o parroquia asignado (repetible)")
    p.add_argument("--unit", action="append", metavar="ID", help="unidad asignada (repetible)")
    p.add_argument(
        "--todo",
        action="store_true",
        dest="everything",
        help="enviar todo, no solo lo de los territorios y unidades asignados",
    )
    p = cli.command(g, "import", "importar el paquete base recibido de la sede", _base_import)
    p.add_argument("file", metavar="ARCHIVO")

    g = cli.group("receipt", "acuses de recibo (sede → campo)")
    p = cli.command(g, "export", "emitir el acuse de recibo firmado para una instalación", _rcpt_export)
    p.add_argument("--installation", required=True, metavar="ID")
    p.add_argument("--out", required=True, metavar="ARCHIVO.rcpaq")
    p = cli.command(g, "import", "importar el acuse de recibo de la sede", _rcpt_import)
    p.add_argument("file", metavar="ARCHIVO")

    g = cli.group("keys", "claves de esta instalación")
    p = cli.command(g, "export", "exportar las claves protegidas con una frase de paso", _keys_export)
    p.add_argument("--out", required=True, metavar="ARCHIVO")
    p.add_argument(
        "--passphrase",
        metavar="FRASE",
        help=f"frase de paso (mejor en la variable {ENV_PASSPHRASE} o escrita al pedirla)",
    )
    p = cli.command(g, "import", "importar las claves exportadas de esta instalación", _keys_import)
    p.add_argument("file", metavar="ARCHIVO")
    p.add_argument("--passphrase", metavar="FRASE")
    cli.command(
        g,
        "passphrase",
        "cambiar la frase de paso que protege las claves de la sede en el servidor (o protegerlas si no la tienen)",
        _keys_passphrase,
    )

    g = cli.group("conflicts", "conflictos de edición pendientes de revisión (sede)")
    p = cli.command(g, "list", "listar los conflictos con la diferencia campo por campo", _conf_list)
    p.add_argument("--all", action="store_true", help="incluir resueltos y descartados")
    p = cli.command(g, "resolve", "resolver un conflicto eligiendo el valor de la sede o del campo", _conf_resolve)
    p.add_argument("conflict_id", metavar="ID")
    p.add_argument("--choice", choices=["sede", "campo"], help="usar para todos los campos el valor elegido")
    p.add_argument("--field", action="append", metavar="CAMPO=sede|campo", help="elección por campo (repetible)")

    g = cli.group("export", "exportar archivos")
    p = cli.command(g, "consolidated", "libro Excel o informe PDF consolidado para la oficina central", _consolidated)
    p.add_argument("--out", required=True, metavar="ARCHIVO.xlsx|.pdf")


def _svc(ctx):
    from rcdesk.services.sync import SyncService

    return SyncService(ctx.db)


# -- installations --------------------------------------------------------------------
def _inst_show(ctx, args) -> dict:
    svc = _svc(ctx)
    ov = svc.overview()
    me = svc.me()
    out = me.as_json() | {
        "headquarters": ov.headquarters,
        "pending_records": ov.pending_records,
        "open_conflicts": ov.open_conflicts,
        "quarantined": ov.quarantined,
    }
    lines = [
        f"Instalación: {me.name}",
        f"  Identificador: {me.installation_id}",
        f"  Rol: {me.role_label}",
        f"  Huella de la clave de firma: {me.sign_fingerprint}",
    ]
    if ov.role == "hq":
        lines.append(f"  Conflictos abiertos: {ov.open_conflicts}; paquetes en cuarentena: {ov.quarantined}")
    else:
        lines.append(f"  Sede central: {ov.headquarters or 'todavía no se importó el paquete base'}")
        lines.append(f"  Registros pendientes de confirmar por la sede: {ov.pending_records}")
    out["_text"] = "\n".join(lines)
    return out


def _inst_list(ctx, args) -> dict:
    rows = _svc(ctx).installations()
    text = [
        f"{r.installation_id}  {r.role_label:<13} {r.state_label:<20} {r.name}"
        + (f"  ({r.pending} paquete(s) en cuarentena; huella {r.sign_fingerprint})" if r.pending else "")
        for r in rows
    ]
    return {"installations": [r.as_json() for r in rows], "_text": "\n".join(text)}


def _inst_trust(ctx, args) -> dict:
    row, result = _svc(ctx).trust(args.installation_id, progress=ctx.progress, cancel=ctx.cancel)
    text = (
        f"«{row.name}» ({row.installation_id}) es ahora una instalación de confianza (huella {row.sign_fingerprint})."
    )
    if result.packages:
        text += "\nPaquetes que esperaban en cuarentena:\n" + result.text()
    return row.as_json() | {"import": result.as_json(), "_text": text, **_refused(result)}


def _inst_revoke(ctx, args) -> dict:
    row = _svc(ctx).revoke(args.installation_id)
    return row.as_json() | {
        "_text": f"«{row.name}» ({row.installation_id}) quedó revocada: sus paquetes se rechazarán."
    }


# -- packages -------------------------------------------------------------------------
def _pkg_export(ctx, args) -> dict:
    res = _svc(ctx).export_package(Path(args.out), full=args.full, progress=ctx.progress, cancel=ctx.cancel)
    kinds = ", ".join(f"{k}: {v}" for k, v in res.counts.items()) or "ningún registro pendiente"
    text = f"Paquete n.º {res.seq} guardado en {res.path}\n  {res.records} registro(s) ({kinds}); {res.evidence} evidencia(s)"
    if res.missing_evidence:
        text += f"\n  Aviso: faltan {res.missing_evidence} archivo(s) de evidencia en este equipo."
    return res.as_json() | {"_text": text}


def _report(ctx, result) -> dict:
    for p in result.rejected:
        print(f"Rechazado: {p.file}: {p.message}", file=sys.stderr)
    return result.as_json() | {"_text": result.text(), **_refused(result)}


def _refused(result) -> dict:
    """Exit 2 when any package was refused, so a script sees it; the result still lists every package."""
    return {"_exit": 2} if result.rejected else {}


def _pkg_import(ctx, args) -> dict:
    result = _svc(ctx).import_packages([Path(f) for f in args.files], progress=ctx.progress, cancel=ctx.cancel)
    return _report(ctx, result)


def _pkg_log(ctx, args) -> dict:
    rows = _svc(ctx).package_log()
    text = [
        f"{r.processed_at:%Y-%m-%d %H:%M}  {r.label:<28} n.º {r.seq:<4} {r.installation:<25} {r.records:>7} reg.  "
        f"{r.file_name}"
        for r in rows
    ]
    return {
        "packages": [
            {
                "direction": r.direction,
                "kind": r.kind,
                "installation": r.installation,
                "seq": r.seq,
                "file": r.file_name,
                "at": r.processed_at,
                "records": r.records,
                "sha256": r.sha256,
            }
            for r in rows
        ],
        "_text": "\n".join(text) or "Todavía no se ha enviado ni recibido ningún paquete.",
    }


def _base_export(ctx, args) -> dict:
    territories = None
    if args.territory:
        from rcdesk.services.reference import ReferenceService

        ref = ReferenceService(ctx.db)
        territories = [ref.territory_by_code(code).territory_id for code in args.territory]
    res = _svc(ctx).export_base(
        args.installation,
        Path(args.out),
        territories=territories,
        units=args.unit,
        name=args.name,
        everything=args.everything,
        progress=ctx.progress,
        cancel=ctx.cancel,
    )
    scope = (
        "todo"
        if res["scope"] == "todo" and not res["assignments"]
        else "todo (se pidió --todo)"
        if res["scope"] == "todo"
        else f"solo lo asignado ({res['assignments']} asignación(es))"
    )
    text = (
        f"Paquete base n.º {res['seq']} para «{res['name']}» guardado en {res['file']} "
        f"({res['records']} registros, {res['evidence']} archivo(s) de evidencia; alcance: {scope})."
    )
    if res.get("missing_evidence"):
        text += f"\nAviso: {res['missing_evidence']} archivo(s) de evidencia no están en esta sede."
    return res | {"_text": text}


def _base_import(ctx, args) -> dict:
    result = _svc(ctx).import_packages([Path(args.file)], kinds=("base",), progress=ctx.progress, cancel=ctx.cancel)
    return _report(ctx, result)


def _rcpt_export(ctx, args) -> dict:
    res = _svc(ctx).export_receipt(args.installation, Path(args.out))
    return res | {
        "_text": f"Acuse de recibo para «{res['name']}» guardado en {res['file']}: paquetes consolidados "
        f"hasta el n.º {res['consolidated_seq']}; {res['conflicts']} registro(s) en conflicto."
    }


def _rcpt_import(ctx, args) -> dict:
    result = _svc(ctx).import_packages([Path(args.file)], kinds=("receipt",), progress=ctx.progress, cancel=ctx.cancel)
    return _report(ctx, result)


# -- keys -----------------------------------------------------------------------------
def _passphrase(args, *, confirm: bool) -> str:
    value = args.passphrase or os.environ.get(ENV_PASSPHRASE)
    if value:
        return value
    if not sys.stdin.isatty():
        raise UserError(f"Indique la frase de paso con --passphrase o en la variable {ENV_PASSPHRASE}.")
    value = getpass.getpass("Frase de paso: ")
    if confirm and getpass.getpass("Repita la frase de paso: ") != value:
        raise UserError("Las frases de paso no coinciden.")
    return value


def _keys_export(ctx, args) -> dict:
    out = _svc(ctx).export_keys(Path(args.out), _passphrase(args, confirm=True))
    return {
        "file": str(out),
        "_text": f"Claves exportadas (cifradas con su frase de paso) en {out}. Guárdelas "
        "fuera de este equipo; sin la frase de paso no se pueden recuperar.",
    }


def _keys_import(ctx, args) -> dict:
    fp = _svc(ctx).import_keys(Path(args.file), _passphrase(args, confirm=False))
    return {"fingerprint": fp, "_text": f"Claves importadas. Huella de la clave de firma: {fp}"}


def _keys_passphrase(ctx, args) -> dict:
    fp = _svc(ctx).change_hq_passphrase()
    return {
        "fingerprint": fp,
        "_text": "Las claves de la sede quedan protegidas con la nueva frase de paso; compártala solo con "
        f"quienes consolidan paquetes. Huella de la clave de firma (sin cambios): {fp}",
    }


def ask_hq_passphrase(request) -> str | None:
    """How the command line asks headquarters' passphrase (`rcdesk.sync.hq_keys`): typed at the
    terminal, never echoed; None (refused with a message naming the variable) when there is none."""
    from rcdesk.sync.hq_keys import MISMATCH, TRIES, problem

    if not sys.stdin.isatty():
        return None
    if request.error:
        print(request.error, file=sys.stderr)
    if not request.new:
        return getpass.getpass("Frase de paso de la sede: ")
    print(f"Para {request.why} elija una frase de paso (al menos 8 caracteres).", file=sys.stderr)
    for _ in range(TRIES):
        value = getpass.getpass("Nueva frase de paso de la sede: ")
        why = problem(value) or (MISMATCH if getpass.getpass("Repítala: ") != value else None)
        if why is None:
            return value
        print(why, file=sys.stderr)
    return None


# -- conflicts ------------------------------------------------------------------------
def _conf_list(ctx, args) -> dict:
    rows = _svc(ctx).conflicts(status=None if args.all else "abierto")
    lines = []
    for c in rows:
        lines.append(
            f"{c.conflict_id}  {c.kind_label}: {c.summary or c.record_id}  — de «{c.installation_name}» "
            f"({c.status_label})"
        )
        for d in c.diffs:
            sede = "(dato personal)" if d.personal else repr(d.local)
            campo = "(dato personal)" if d.personal else repr(d.incoming)
            lines.append(f"    {d.column}: sede {sede}  |  campo {campo}")
    return {"conflicts": [c.as_json() for c in rows], "_text": "\n".join(lines) or "No hay conflictos pendientes."}


def _conf_resolve(ctx, args) -> dict:
    if args.field:
        fields: dict[str, str] = {}
        for item in args.field:
            name, _, value = item.partition("=")
            if value not in ("sede", "campo"):
                raise UserError(f"«{item}»: use CAMPO=sede o CAMPO=campo.")
            fields[name.strip()] = value
        choice: str | dict[str, str] = fields
    elif args.choice:
        choice = args.choice
    else:
        raise UserError("Indique --choice sede|campo o una elección por campo con --field CAMPO=sede|campo.")
    res = _svc(ctx).resolve(args.conflict_id, choice)
    return res | {
        "_text": f"Conflicto resuelto; el registro queda en la versión {res['version']} "
        f"(campos tomados del campo: {', '.join(res['changed']) or 'ninguno'})."
    }


def _consolidated(ctx, args) -> dict:
    res = _svc(ctx).export_consolidated(Path(args.out), progress=ctx.progress, cancel=ctx.cancel)
    return res | {"_text": f"Archivo consolidado guardado en {res['file']}."}
