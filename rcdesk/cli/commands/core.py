"""init, demo, backup, restore: the installation's life cycle."""

from __future__ import annotations

from pathlib import Path

from rcdesk.cli.passphrase import SERVER_REFUSED, init_options, open_for_init
from rcdesk.cli.passphrase import register as register_passphrase
from rcdesk.errors import UserError


def register(cli) -> None:
    p = cli.command(None, "init", "crear o abrir la base de datos e identificar esta instalación", _init)
    p.add_argument("--name", metavar="NOMBRE", help="nombre de la instalación, p. ej. «Técnico cantón Guamote»")
    p.add_argument("--role", choices=["field", "hq"], help="field (campo, por omisión) o hq (sede central)")
    init_options(p)

    p = cli.command(None, "demo", "cargar datos de ejemplo (los cinco planes semilla y más)", _demo)
    p.add_argument(
        "--encrypt", action="store_true", help="crear la base de datos de ejemplo cifrada (por omisión, sin cifrar)"
    )

    cli.command(None, "backup", "hacer una copia de seguridad de la base de datos", _backup)
    cli.command(None, "backups", "listar las copias de seguridad disponibles", _backups)
    p = cli.command(None, "restore", "restaurar la base de datos desde una copia", _restore)
    p.add_argument("file", metavar="ARCHIVO", help="archivo de copia (.db)")

    register_passphrase(cli)  # `passphrase change|set`: the encrypted database's life cycle


def _init(ctx, args) -> dict:
    if ctx.paths.is_server and args.encrypt:
        raise UserError(SERVER_REFUSED)  # before anything is asked of the server
    existed = _server_schema_exists(ctx.paths) if ctx.paths.is_server else ctx.paths.database.exists()
    db = open_for_init(ctx, args)
    from rcdesk.services.reference import ReferenceService

    added = ReferenceService(db).ensure_builtin_territories()
    verb = "Abierta" if existed else "Creada"
    encrypted = driver_encrypted(ctx.paths)
    return {
        "encrypted": encrypted,
        "installation_id": db.installation_id,
        "name": db.installation_name,
        "role": db.role,
        "database": ctx.paths.display,
        "created": not existed,
        "territories_added": added,
        "_text": f"{verb} la base de datos {ctx.paths.display}\n"
        f"Instalación: {db.installation_name} ({db.installation_id}), rol {db.role}"
        + ("\nCifrada: sí (llave en el archivo «.llave» junto a la base)" if encrypted else ""),
    }


def driver_encrypted(paths) -> bool:
    from rcdesk.db.driver import is_encrypted

    return not paths.is_server and is_encrypted(paths.database)


def _server_schema_exists(paths) -> bool:
    from rcdesk.db.engine import make_engine
    from rcdesk.db.migrate import current_version

    engine = make_engine(paths.target)
    try:
        return current_version(engine)[0] > 0
    finally:
        engine.dispose()


def _demo(ctx, args) -> dict:
    from rcdesk.demo import load_all

    if args.encrypt:
        args.name, args.role = None, None
        db = open_for_init(ctx, args)
    else:
        db = ctx.db
    result = load_all(db, progress=ctx.progress)
    lines = ["Datos de ejemplo cargados:"] + [
        f"  {k}: {v}" for k, v in result.items() if not isinstance(v, (dict, list))
    ]
    return {**result, "_text": "\n".join(lines)}


def _backup(ctx, args) -> dict:
    from rcdesk.db.backup import backup_database, backup_server

    if ctx.paths.is_server:
        db = ctx.db
        dest = backup_server(ctx.paths)
        assert dest is not None  # a copy asked for raises instead of returning None
        extra = _backup_companions(db, dest)
        return {"backup": str(dest), **extra, "_text": f"Copia de seguridad guardada en {dest}"}
    if not ctx.paths.database.exists():
        raise UserError(f"No existe la base de datos «{ctx.paths.database}».")
    db = ctx.db  # opening validates and migrates first
    dest = backup_database(ctx.paths.database, ctx.paths.backups)
    extra = _backup_companions(db, dest)
    return {"backup": str(dest), **extra, "_text": f"Copia de seguridad guardada en {dest}"}


def _backup_companions(db, dest: Path) -> dict:
    """Let capabilities that keep files beside the database (keys) save them with the copy."""
    try:
        from rcdesk.sync.keys import backup_keys  # type: ignore[import-not-found]
    except ImportError:
        return {}
    folder = dest.with_suffix("")  # rcdesk-copia-…/ beside the .db copy
    saved = backup_keys(db, folder)
    return {"keys_backup": str(folder)} if saved else {}


def _backups(ctx, args) -> dict:
    from rcdesk.db.backup import list_backups

    items = list_backups(ctx.paths.backups)
    rows = [
        {"file": str(b.path), "created": b.created.isoformat(timespec="seconds"), "size": b.size, "kind": b.kind}
        for b in items
    ]
    text = "\n".join(f"{b.created:%Y-%m-%d %H:%M}  {b.size / 1024:8.0f} KB  {b.kind:<20} {b.path}" for b in items)
    return {"backups": rows, "_text": text or "No hay copias de seguridad."}


def _restore(ctx, args) -> dict:
    from rcdesk.db.backup import restore_database
    from rcdesk.db.migrate import head_version

    if ctx.paths.is_server:
        raise UserError(
            "La base de datos está en un servidor PostgreSQL: se restaura en el servidor (pg_restore), "
            "no desde rcdesk. No se ha modificado nada."
        )
    ctx.close()
    ctx.unlock()  # an encrypted database is restored with its key (an encrypted copy needs it too)
    safety = restore_database(Path(args.file), ctx.paths.database, ctx.paths.backups, head_version())
    db = ctx.db  # reopen: upgrades an older copy (taking its own backup first)
    from rcdesk.services.maintenance import after_restore

    after_restore(db)
    return {
        "restored_from": str(Path(args.file)),
        "safety_backup": str(safety) if safety else None,
        "installation_id": db.installation_id,
        "_text": f"Base de datos restaurada desde {args.file}."
        + (f"\nLa base anterior se guardó en {safety}" if safety else ""),
    }
