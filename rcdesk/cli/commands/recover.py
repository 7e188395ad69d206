"""recover: a technician's encrypted database given a new passphrase by headquarters (issue 16)."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from rcdesk.errors import UserError

KEYS_PASSPHRASE_ENV = "RCDESK_KEYS_PASSPHRASE"
NEW_PASSPHRASE_ENV = "RCDESK_NEW_PASSPHRASE"


def register(cli) -> None:
    p = cli.command(
        None,
        "recover",
        "sede: dar una contraseña nueva a la base cifrada de un técnico que olvidó la suya",
        _recover,
    )
    p.add_argument(
        "file", metavar="ARCHIVO", help="base de datos del técnico (su archivo de llave al lado: ARCHIVO.llave)"
    )
    p.add_argument(
        "--key",
        metavar="CLAVES.json",
        help="claves exportadas de la sede (rcdesk keys export); sin esta opción, las de la base de la sede (--db)",
    )
    p.add_argument(
        "--instalacion",
        metavar="ID",
        help="identificador de la instalación del técnico, cuando su archivo de llave se perdió o está dañado",
    )


def _secret(env: str, prompt: str, missing: str, *, twice: bool = False) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        raise UserError(f"{missing} No se ha modificado nada.")
    value = getpass.getpass(prompt)
    if twice and getpass.getpass("Repítala: ") != value:
        raise UserError("Las contraseñas no coinciden. No se ha modificado nada.")
    return value


def _recover(ctx, args) -> dict:
    from rcdesk.security import recovery

    file = Path(args.file)
    recovery.check_file(file)  # before asking anything: a plain database needs no recovery
    if args.key:
        phrase = _secret(
            KEYS_PASSPHRASE_ENV,
            f"Frase de paso de «{Path(args.key).name}»: ",
            f"Indique la frase de paso de las claves de la sede en la variable {KEYS_PASSPHRASE_ENV}.",
        )
        hq = recovery.key_from_export(Path(args.key), phrase)
    else:
        hq = recovery.key_of_this_installation(_hq_database(ctx))
    new = _secret(
        NEW_PASSPHRASE_ENV,
        f"Contraseña nueva para «{file.name}»: ",
        f"Indique la contraseña nueva en la variable {NEW_PASSPHRASE_ENV}.",
        twice=True,
    )
    res = recovery.recover_database(file, hq, new, hq_db=lambda: _hq_database(ctx), installation_id=args.instalacion)
    return res.as_json() | {"_text": res.text}


def _hq_database(ctx):
    """Headquarters' database (--db, else the configured one), never created by a recovery."""
    return ctx.open_db(create=False)
