"""The `rcdesk` command line: a contract other tools rely on.

Global options `--db PATH` and `--json` (accepted before or after the command). With
`--json` every command prints exactly one JSON object on stdout. Exit codes: 0 success;
2 bad input (Spanish message on stderr, database unchanged); 1 anything else.

Commands live in `rcdesk/cli/commands/*.py`; each module defines `register(cli)` and is
discovered automatically, so capabilities add commands without touching this file.
"""
from __future__ import annotations

import argparse
import importlib
import json
import logging
import pkgutil
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from rcdesk.errors import UserError
from rcdesk.jobs import CancelToken

log = logging.getLogger(__name__)

Handler = Callable[["CliContext", argparse.Namespace], dict]

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2


class _SpanishParser(argparse.ArgumentParser):
    """argparse with Spanish usage errors that exit with code 2 (bad input)."""

    def error(self, message: str) -> None:  # noqa: D401
        message = (message.replace("the following arguments are required", "faltan los argumentos")
                   .replace("unrecognized arguments", "argumentos no reconocidos")
                   .replace("invalid choice", "opción no válida")
                   .replace("argument ", "argumento ")
                   .replace("expected one argument", "se esperaba un valor")
                   .replace("invalid int value", "número entero no válido"))
        self.print_usage(sys.stderr)
        raise _UsageError(f"{self.prog}: error: {message}")


class _UsageError(Exception):
    pass


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--db", metavar="RUTA", default=default,
                        help="archivo de base de datos (por omisión, el de la carpeta de datos del usuario)")
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS if suppress else False,
                        help="imprimir el resultado como un objeto JSON")


@dataclass
class CliContext:
    db_path: Path | None
    json: bool
    cancel: CancelToken = field(default_factory=CancelToken)
    _db: Any = None
    _paths: Any = None

    @property
    def paths(self):  # noqa: ANN201
        if self._paths is None:
            from rcdesk.paths import AppPaths

            self._paths = AppPaths.for_database(self.db_path) if self.db_path else AppPaths.default()
        return self._paths

    @property
    def db(self):  # noqa: ANN201
        if self._db is None:
            from rcdesk.db.database import Database

            self._db = Database.open(paths=self.paths)
        return self._db

    def open_db(self, **kwargs):  # noqa: ANN003, ANN201
        """Open with options (e.g. `name=` for init); only before `db` was used."""
        from rcdesk.db.database import Database

        if self._db is None:
            self._db = Database.open(paths=self.paths, **kwargs)
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

    def group(self, name: str, help: str) -> str:  # noqa: A002
        if name not in self._groups:
            p = self._root.add_parser(name, help=help, description=help)
            _global_options(p, suppress=True)
            self._groups[name] = p.add_subparsers(dest=f"{name}_command", metavar="SUBCOMANDO",
                                                  parser_class=_SpanishParser)
            self._groups[name].required = True
            self._group_parsers[name] = p
        return name

    def command(self, group: str | None, name: str, help: str, handler: Handler) -> argparse.ArgumentParser:  # noqa: A002
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
    from rcdesk.cli import commands

    modules = sorted(m.name for m in pkgutil.iter_modules(commands.__path__))
    # core first so `init`, `demo`, `backup` lead the help text
    modules.sort(key=lambda n: (n != "core", n))
    for name in modules:
        importlib.import_module(f"rcdesk.cli.commands.{name}").register(cli)
    return parser


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
    ctx = CliContext(db_path=Path(args.db) if getattr(args, "db", None) else None, json=bool(args.json))
    try:
        from rcdesk.logsetup import setup_logging

        try:
            setup_logging(ctx.paths.logs)
        except OSError:
            pass  # a read-only data folder must not stop a read-only command
        result = handler(ctx, args) or {}
        text = result.pop("_text", None)
        if ctx.json:
            print(json.dumps(result, ensure_ascii=False, default=_default))
        elif text is not None:
            print(text)
        else:
            print(json.dumps(result, ensure_ascii=False, indent=2, default=_default))
        return EXIT_OK
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
    except Exception as exc:  # noqa: BLE001
        log.exception("command failed")
        print(f"Error inesperado: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        ctx.close()
