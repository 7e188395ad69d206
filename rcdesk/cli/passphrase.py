"""The command line and encrypted databases (issue 16): unlocking where the CLI opens its database,
`init --encrypt/--no-encrypt`, `passphrase change` and `passphrase set`.

The passphrase comes from `RCDESK_PASSPHRASE` (scripts, benchmarks) or, when stdin is a terminal,
from a hidden prompt (three tries); otherwise the command exits 2 with a Spanish message and
nothing is opened. A new passphrase comes from `RCDESK_NEW_PASSPHRASE` or is asked twice.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rcdesk.errors import UserError

ENV_PASSPHRASE = "RCDESK_PASSPHRASE"
ENV_NEW_PASSPHRASE = "RCDESK_NEW_PASSPHRASE"
TRIES = 3

SERVER_REFUSED = (
    "El cifrado en reposo de rcdesk es para bases de datos en un archivo (SQLite). Una base de datos en "
    "un servidor PostgreSQL se protege en el servidor (cifrado del disco, permisos, copias). No se ha "
    "cambiado nada."
)


def register(cli) -> None:
    cli.group("passphrase", "contraseña de una base de datos cifrada")
    cli.command(
        "passphrase", "change", "cambiar la contraseña de la base de datos cifrada (la llave se re-envuelve)", _change
    )
    cli.command("passphrase", "set", "cifrar una base de datos existente sin cifrar y fijar su contraseña", _set)


def _interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _ask(prompt: str) -> str:
    import getpass

    try:
        return getpass.getpass(prompt)
    except EOFError as exc:
        raise UserError("No se escribió ninguna contraseña. No se ha cambiado nada.") from exc


def unlock_database(paths, progress=None) -> None:
    """Unlock the encrypted database of `paths` for this process, if it is one and is still locked:
    `RCDESK_PASSPHRASE`, else up to three prompts at a terminal, else `DatabaseLocked` (exit 2)."""
    from rcdesk.db.driver import is_encrypted
    from rcdesk.security import unlocked

    if paths.is_server or not is_encrypted(paths.database) or unlocked.key_for(paths.database) is not None:
        return  # a plain database's commands never import the KDF and cipher libraries
    from rcdesk.security import setup, vault

    db_path = paths.database
    env = os.environ.get(ENV_PASSPHRASE)
    if env is not None:
        setup.unlock(db_path, env, progress, paths=paths)
        return
    if not _interactive():
        raise unlocked.DatabaseLocked(db_path)
    vault.read_key_file(vault.key_file(db_path))  # a missing key file is said before any prompt
    for attempt in range(1, TRIES + 1):
        try:
            setup.unlock(db_path, _ask(f"Contraseña de la base de datos {db_path.name}: "), progress, paths=paths)
            return
        except vault.WrongPassphrase:
            left = TRIES - attempt
            if left:
                print(f"La contraseña no es correcta. Quedan {left} intento(s).", file=sys.stderr)
    raise UserError(f"La contraseña no es correcta ({TRIES} intentos). No se abrió la base de datos.")


def new_passphrase(what: str = "la nueva contraseña") -> str:
    """A new passphrase: `RCDESK_NEW_PASSPHRASE`, or asked twice at a terminal; checked for strength."""
    from rcdesk.security import vault

    env = os.environ.get(ENV_NEW_PASSPHRASE)
    if env is not None:
        why = vault.check_passphrase_strength(env)
        if why is not None:
            raise UserError(f"{why} (variable {ENV_NEW_PASSPHRASE}). No se ha cambiado nada.")
        return env
    if not _interactive():
        raise UserError(
            f"Falta {what}: escríbala cuando se le pida (en una terminal) o defina la variable "
            f"{ENV_NEW_PASSPHRASE}. No se ha cambiado nada."
        )
    for _ in range(TRIES):
        first = _ask(f"Escriba {what}: ")
        why = vault.check_passphrase_strength(first)
        if why is not None:
            print(why, file=sys.stderr)
            continue
        if _ask("Repítala: ") == first:
            return first
        print("Las dos contraseñas no coinciden.", file=sys.stderr)
    raise UserError("No se fijó ninguna contraseña. No se ha cambiado nada.")


def _current_passphrase() -> str:
    env = os.environ.get(ENV_PASSPHRASE)
    if env is not None:
        return env
    if not _interactive():
        raise UserError(
            f"Falta la contraseña actual: escríbala cuando se le pida (en una terminal) o defina la variable "
            f"{ENV_PASSPHRASE}. No se ha cambiado nada."
        )
    return _ask("Contraseña actual: ")


def _encrypted_file(ctx) -> Path:
    from rcdesk.security import vault

    if ctx.paths.is_server:
        raise UserError(SERVER_REFUSED)
    db_path = ctx.paths.database
    if not db_path.is_file():
        raise UserError(f"No existe la base de datos «{db_path}».")
    if not vault.is_encrypted(db_path):
        raise UserError(
            f"La base de datos «{db_path}» no está cifrada: para cifrarla y fijar su contraseña use "
            "«rcdesk passphrase set». No se ha cambiado nada."
        )
    return db_path


def _change(ctx, args) -> dict:
    from rcdesk.security import vault

    db_path = _encrypted_file(ctx)
    old = _current_passphrase()
    vault.unlock(db_path, old)  # WrongPassphrase before the new one is asked for
    new = new_passphrase()
    vault.change_passphrase(db_path, old, new)
    return {
        "database": str(db_path),
        "key_file": str(vault.key_file(db_path)),
        "_text": f"Contraseña cambiada. La base de datos {db_path} se abre desde ahora con la nueva contraseña.",
    }


def _set(ctx, args) -> dict:
    from rcdesk.db.lock import ProcessLock
    from rcdesk.security import convert, vault

    if ctx.paths.is_server:
        raise UserError(SERVER_REFUSED)
    db_path = ctx.paths.database
    if not db_path.is_file():
        raise UserError(f"No existe la base de datos «{db_path}».")
    if vault.is_encrypted(db_path) and not convert.is_pending(db_path):
        raise UserError(
            f"La base de datos «{db_path}» ya está cifrada: para cambiar su contraseña use "
            "«rcdesk passphrase change». No se ha cambiado nada."
        )
    resuming = vault.is_encrypted(db_path)
    with ProcessLock(db_path, "rcdesk passphrase set"):
        if resuming:
            passphrase = _current_passphrase()
        else:
            ctx.db  # noqa: B018 - validates (and upgrades, with its backup) before converting
            ctx.close()
            passphrase = new_passphrase()
        convert.encrypt_database(db_path, passphrase, ctx.progress, paths=ctx.paths)
    return {
        "database": str(db_path),
        "key_file": str(vault.key_file(db_path)),
        "encrypted": True,
        "_text": f"Base de datos cifrada: {db_path}\nLlave: {vault.key_file(db_path)} (guárdela con las copias; "
        "sin ella y sin la contraseña la base no se puede abrir).",
    }


# -- init ------------------------------------------------------------------------------------------
def init_options(p) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--encrypt",
        dest="encrypt",
        action="store_true",
        default=None,
        help="crear la base de datos cifrada (por omisión en instalaciones de campo)",
    )
    g.add_argument(
        "--no-encrypt",
        dest="encrypt",
        action="store_false",
        help="crear la base de datos sin cifrar (por omisión en la sede central)",
    )


def open_for_init(ctx, args, *, default_role: str = "field"):
    """`init`'s database: an existing one opened (unlocked if encrypted); a new one created encrypted
    when asked or by default on a field installation, else plain."""
    encrypt = getattr(args, "encrypt", None)
    if ctx.paths.is_server:
        if encrypt:
            raise UserError(SERVER_REFUSED)
        return ctx.open_db(name=args.name, role=args.role)
    db_path = ctx.paths.database
    is_new = not db_path.exists() or db_path.stat().st_size == 0
    if not is_new:
        from rcdesk.security import vault

        if encrypt and not vault.is_encrypted(db_path):
            raise UserError(
                f"La base de datos «{db_path}» ya existe sin cifrar: para cifrarla use «rcdesk passphrase set». "
                "No se ha cambiado nada."
            )
        return ctx.open_db(name=args.name, role=args.role)
    if encrypt is None:
        encrypt = (args.role or default_role) != "hq"
    if not encrypt:
        return ctx.open_db(name=args.name, role=args.role)
    return ctx.create_encrypted(_passphrase_for_new(), name=args.name, role=args.role)


def _passphrase_for_new() -> str:
    from rcdesk.security import vault

    env = os.environ.get(ENV_PASSPHRASE)
    if env is not None:
        why = vault.check_passphrase_strength(env)
        if why is not None:
            raise UserError(f"{why} (variable {ENV_PASSPHRASE}). No se ha creado la base de datos.")
        return env
    if not _interactive():
        raise UserError(
            "Una base de datos de campo se crea cifrada: escriba su contraseña cuando se le pida (en una "
            f"terminal) o defina la variable {ENV_PASSPHRASE}; para crearla sin cifrar use --no-encrypt. "
            "No se ha creado la base de datos."
        )
    return new_passphrase("la contraseña de la nueva base de datos")
