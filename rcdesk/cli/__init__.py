"""The `rcdesk` command line: a contract other tools rely on.

Global options `--db PATH` and `--json` (accepted before or after the command). With
`--json` every command prints exactly one JSON object on stdout. Exit codes: 0 success;
2 bad input or a refusal (Spanish message on stderr, database unchanged; a handler that
refused only part of its input returns `"_exit": 2` and still prints its result); 1 a bug.
No message of the database driver or of Python reaches the user in English.

Commands live in `rcdesk/cli/commands/*.py`; each module defines `register(cli)` and is
listed once in `command_modules()` (a test fails when a module of the folder is not).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

from rcdesk.errors import UserError
from rcdesk.jobs import CancelToken

log = logging.getLogger(__name__)

Handler = Callable[["CliContext", argparse.Namespace], dict]

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2


class _SpanishParser(argparse.ArgumentParser):
    """argparse with Spanish usage errors that exit with code 2 (bad input)."""

    def error(self, message: str) -> NoReturn:
        for english, spanish in _ARGPARSE_SPANISH:
            message = message.replace(english, spanish)
        self.print_usage(sys.stderr)
        raise _UsageError(f"{self.prog}: error: {message}")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "uso:", 1)

    def format_help(self) -> str:
        text = super().format_help().replace("usage:", "uso:", 1)
        for english, spanish in _HELP_SPANISH:
            text = text.replace(english, spanish)
        return text


# argparse's own messages (Python 3.11–3.13), most specific first
_ARGPARSE_SPANISH = (
    ("the following arguments are required", "faltan los argumentos"),
    ("unrecognized arguments", "argumentos no reconocidos"),
    ("invalid choice", "opción no válida"),
    ("(choose from", "(elija entre"),
    ("expected one argument", "se esperaba un valor"),
    ("expected at least one argument", "se esperaba al menos un valor"),
    ("expected at most one argument", "se esperaba como mucho un valor"),
    ("invalid int value", "número entero no válido"),
    ("invalid float value", "número no válido"),
    ("not allowed with argument", "no se puede usar junto con"),
    ("one of the arguments", "uno de los argumentos"),
    ("is required", "es obligatorio"),
    ("ambiguous option", "opción ambigua"),
    ("could match", "podría ser"),
    ("ignored explicit argument", "se ignoró el valor explícito"),
    ("argument ", "argumento "),
)
_HELP_SPANISH = (
    ("positional arguments:", "argumentos:"),
    ("options:", "opciones:"),
    ("show this help message and exit", "mostrar esta ayuda y salir"),
    ("show program's version number and exit", "mostrar la versión y salir"),
)


class _UsageError(Exception):
    pass


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--db",
        metavar="RUTA",
        default=default,
        help="archivo de base de datos (por omisión, el de la carpeta de datos del usuario) o servidor "
        "PostgreSQL de la sede central (postgresql+psycopg://usuario@servidor/base)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="imprimir el resultado como un objeto JSON",
    )


@dataclass
class CliContext:
    db_path: Path | str | None  # a file, or a server URL as typed (see rcdesk.paths.parse_target)
    json: bool
    cancel: CancelToken = field(default_factory=CancelToken)
    _db: Any = None
    _paths: Any = None

    @property
    def paths(self):
        if self._paths is None:
            from rcdesk.paths import AppPaths

            self._paths = AppPaths.for_target(self.db_path) if self.db_path else AppPaths.default()
        return self._paths

    @property
    def db(self):
        if self._db is None:
            from rcdesk.db.database import Database

            self.unlock()
            self._db = Database.open(paths=self.paths)
        return self._db

    def open_db(self, **kwargs):
        """Open with options (e.g. `name=` for init); only before `db` was used."""
        from rcdesk.db.database import Database

        if self._db is None:
            self.unlock()
            self._db = Database.open(paths=self.paths, **kwargs)
        return self._db

    def unlock(self) -> None:
        """The one place the command line unlocks an encrypted database: RCDESK_PASSPHRASE, a prompt
        at a terminal, or exit 2 (rcdesk/cli/passphrase.py). A plain database or a server: nothing."""
        from rcdesk.cli.passphrase import unlock_database

        unlock_database(self.paths, self.progress)

    def create_encrypted(self, passphrase: str, **kwargs):
        """Create this context's NEW database encrypted with `passphrase` (init)."""
        from rcdesk.security.setup import create_encrypted

        if self._db is None:
            self._db = create_encrypted(self.paths.database, passphrase, paths=self.paths, **kwargs)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def progress(self, done: int, total: int | None = None, text: str = "") -> None:
        if self.json or not sys.stderr.isatty():
            return
        pct = f"{done * 100 // total:3d} %" if total else f"{done}"
        sys.stderr.write(f"\r{pct} {text[:60]:<60}")
        if total and done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


class CliBuilder:
    """What command modules receive in `register(cli)`."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self._root = parser.add_subparsers(dest="command", metavar="COMANDO", parser_class=_SpanishParser)
        self._groups: dict[str, argparse._SubParsersAction] = {}
        self._group_parsers: dict[str, argparse.ArgumentParser] = {}

    def group(self, name: str, help: str) -> str:
        if name not in self._groups:
            p = self._root.add_parser(name, help=help, description=help)
            _global_options(p, suppress=True)
            self._groups[name] = p.add_subparsers(
                dest=f"{name}_command", metavar="SUBCOMANDO", parser_class=_SpanishParser
            )
            self._groups[name].required = True
            self._group_parsers[name] = p
        return name

    def command(self, group: str | None, name: str, help: str, handler: Handler) -> argparse.ArgumentParser:
        target = self._root if group is None else self._groups[group]
        p = target.add_parser(name, help=help, description=help)
        _global_options(p, suppress=True)
        p.set_defaults(handler=handler)
        return p


def build_parser() -> argparse.ArgumentParser:
    from rcdesk import __version__

    parser = _SpanishParser(
        prog="rcdesk",
        description="rcdesk: rendición de cuentas y seguimiento del POA (línea de comandos).",
    )
    parser.add_argument("--version", action="version", version=f"rcdesk {__version__}")
    _global_options(parser, suppress=False)
    cli = CliBuilder(parser)
    for module in command_modules():
        module.register(cli)
    return parser


def command_modules() -> list:
    """Every module of `rcdesk/cli/commands/`, core first so `init`, `demo`, `backup` lead the help text.

    Named in import statements rather than found by scanning the folder: a frozen build
    (PyInstaller) ships only the modules an import names. `tests/core/test_registries.py`
    fails when a module of the folder is missing here.
    """
    from rcdesk.cli.commands import (
        core,
        cpccs,
        events,
        followup,
        imports,
        person,
        plan,
        poa,
        recover,
        reference,
        reports_co,
        server,
        sync,
    )

    return [core, cpccs, events, followup, imports, person, plan, poa, recover, reference, reports_co, server, sync]


def _default(o: Any) -> Any:
    if isinstance(o, (date, datetime)):
        return o.isoformat()
    if isinstance(o, Decimal):
        return float(o)
    if isinstance(o, Path):
        return str(o)
    if isinstance(o, (set, tuple)):
        return list(o)
    raise TypeError(f"not JSON serializable: {type(o).__name__}")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
    except _UsageError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    # kept as typed: Path() would turn «postgresql://h/db» into «postgresql:/h/db», an SQLite file
    ctx = CliContext(db_path=getattr(args, "db", None) or None, json=bool(args.json))
    try:
        from rcdesk.logsetup import setup_logging

        try:
            setup_logging(ctx.paths.logs)
        except OSError:
            pass  # a read-only data folder must not stop a read-only command
        if ctx.paths.is_server:  # headquarters' keys there are asked for at the terminal (hq_keys.py)
            from rcdesk.cli.commands.sync import ask_hq_passphrase
            from rcdesk.sync.hq_keys import set_asker

            set_asker(ask_hq_passphrase)
        result = handler(ctx, args) or {}
        text = result.pop("_text", None)
        code = result.pop("_exit", EXIT_OK)
        note = result.pop("_stderr", None)  # a refusal explained to people while --json gets the object
        if note:
            print(f"Error: {note}", file=sys.stderr)
        if ctx.json:
            print(json.dumps(result, ensure_ascii=False, default=_default))
        elif text is not None:
            print(text)
        else:
            print(json.dumps(result, ensure_ascii=False, indent=2, default=_default))
        return code
    except UserError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("Cancelado por el usuario; no se guardó nada.", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # `rcdesk plan list | head`: the reader went away; that is not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        known = _known_problem(exc, ctx)
        if known is not None:
            log.warning("command refused: %r", exc)
            print(f"Error: {known}", file=sys.stderr)
            return EXIT_BAD_INPUT
        log.exception("command failed")
        # the driver's or Python's English text goes to the log only
        print(
            f"Error inesperado ({exc.__class__.__name__}). Los detalles quedaron en el registro: {_log_file(ctx)}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    finally:
        ctx.close()


def _known_problem(exc: Exception, ctx: CliContext) -> str | None:
    """Spanish message for a failure the user can fix (storage, files); None for a bug."""
    from rcdesk.db.driver_errors import storage_message

    try:
        db_file = ctx.paths.display
    except Exception:
        db_file = None
    message = storage_message(exc, db_file)
    if message is not None:
        return message
    if isinstance(exc, OSError):
        return _os_message(exc)
    return None


def _os_message(exc: OSError) -> str:
    import errno

    name = f" «{exc.filename}»" if exc.filename else ""
    if isinstance(exc, FileNotFoundError):
        return f"No existe el archivo o la carpeta{name}."
    if isinstance(exc, PermissionError):
        return (
            f"No hay permiso para usar{name or ' el archivo'}; si está abierto en otro programa "
            "(por ejemplo Excel), ciérrelo e inténtelo de nuevo."
        )
    if isinstance(exc, IsADirectoryError):
        return f"{name.strip() or 'La ruta'} es una carpeta; indique un archivo."
    if isinstance(exc, NotADirectoryError):
        return f"La ruta{name} no es una carpeta válida."
    if exc.errno == errno.ENOSPC:
        return "El disco está lleno: libere espacio e inténtelo de nuevo."
    return f"No se pudo leer o escribir{name or ' un archivo'} (error del sistema {exc.errno or 'desconocido'})."


def _log_file(ctx: CliContext) -> str:
    try:
        return str(ctx.paths.logs / "rcdesk.log")
    except Exception:
        return "rcdesk.log"
