"""server move: a headquarters kept in one desktop's SQLite file moved to a PostgreSQL server."""

from __future__ import annotations

from rcdesk.errors import UserError


def register(cli) -> None:
    g = cli.group("server", "sede central en un servidor PostgreSQL")
    p = cli.command(
        g,
        "move",
        "trasladar esta sede (su archivo --db, con todo su historial, evidencias y claves) a una base vacía de un "
        "servidor PostgreSQL; el archivo no se modifica",
        _move,
    )
    p.add_argument(
        "--to",
        required=True,
        metavar="URL",
        help="base de datos vacía del servidor: postgresql+psycopg://usuario@servidor:5432/base "
        "(la contraseña, mejor en la variable PGPASSWORD)",
    )


def _move(ctx, args) -> dict:
    from rcdesk.db.move_to_server import check_source, move, source_has_keys
    from rcdesk.paths import mask_password, parse_target

    if ctx.paths.is_server:
        raise UserError("--db debe ser el archivo de la sede que se traslada, no un servidor.")
    target = parse_target(args.to)
    if not isinstance(target, str):
        raise UserError(f"--to «{args.to}» no es un servidor: indique postgresql+psycopg://usuario@servidor:5432/base.")
    ctx.unlock()  # an encrypted headquarters file is read with its key
    check_source(ctx.paths.database)  # a refusal before the passphrase is asked
    passphrase = _passphrase() if source_has_keys(ctx.paths.database) else None
    result = move(ctx.paths.database, target, progress=ctx.progress, cancel=ctx.cancel, passphrase=passphrase)
    shown = mask_password(target)
    lines = [
        f"Sede trasladada de {ctx.paths.database} a {shown}: {result.total_rows} registros en "
        f"{sum(1 for n in result.rows.values() if n)} tablas, iguales en ambos lados (conteo y contenido).",
        f"Archivos de evidencia guardados en el servidor: {result.evidence_files}. Claves privadas de la sede: "
        f"{result.keys}" + (", protegidas con su frase de paso." if passphrase else "."),
    ]
    if result.missing_evidence:
        lines.append(
            f"Atención: faltan {len(result.missing_evidence)} archivo(s) de evidencia en la carpeta de este equipo; "
            "sus registros se trasladaron sin el archivo."
        )
    lines.append(f"Para trabajar en el servidor: rcdesk --db {shown} …, o «Conectar a un servidor…» en la ventana.")
    return {
        "source": str(ctx.paths.database),
        "target": shown,
        "rows": result.rows,
        "total_rows": result.total_rows,
        "evidence_files": result.evidence_files,
        "missing_evidence": result.missing_evidence,
        "keys": result.keys,
        "keys_sealed": bool(passphrase and result.keys),
        "_text": "\n".join(lines),
    }


def _passphrase() -> bytes:
    """Headquarters' passphrase that seals its private keys on the server (`rcdesk.sync.hq_keys`):
    RCDESK_HQ_PASSPHRASE, else chosen at the terminal; none is a refusal before anything is written."""
    from rcdesk.cli.commands.sync import ask_hq_passphrase
    from rcdesk.sync import hq_keys

    previous = hq_keys.set_asker(ask_hq_passphrase)
    try:
        return hq_keys.chosen("proteger en el servidor las claves privadas de la sede")
    finally:
        hq_keys.set_asker(previous)
