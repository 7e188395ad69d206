"""Every path the application uses, resolved in one object.

The default database lives in the user's data folder (platformdirs). With `--db PATH`
the database is that file and its companion files (backups, logs, evidence, keys) live
in a sibling folder `<name>-archivos/`, so several installations can live side by side
on one machine (as headquarters and field laptops do in training).

`--db` and `RCDESK_DB` also take a server URL (`postgresql+psycopg://user@host:5432/db`,
headquarters only): the database is then `url`, and the companion folder is this user's
`servidores/<host>-<port>-<db>/`. Any other `scheme://` is refused with a Spanish message: it
used to become an SQLite file in a folder named after the URL, reporting success.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from rcdesk import APP_NAME

ENV_DB = "RCDESK_DB"

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
# what a user may type for PostgreSQL; the engine always uses psycopg 3
_PG_SCHEMES = {"postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg3"}
_SQLITE_SCHEMES = {"sqlite", "sqlite+pysqlite"}


def parse_target(text: str | Path) -> Path | str:
    """A database named by the user: a file path, or a normalized PostgreSQL URL (a `str`).

    `sqlite:///file.db` is a path; `postgresql://`, `postgres://` become `postgresql+psycopg://`.
    """
    from rcdesk.errors import UserError

    if isinstance(text, Path):
        return text
    m = _SCHEME.match(text)
    if m is None:
        return Path(text)
    scheme, rest = m.group(1).lower(), text[m.end() :]
    if scheme in _SQLITE_SCHEMES:
        if not rest.startswith("/") or rest == "/":
            raise UserError(f"Falta la ruta del archivo en «{text}» (p. ej. sqlite:///C:/datos/rcdesk.db).")
        return Path(rest[1:])
    if scheme in _PG_SCHEMES:
        if not rest:
            raise UserError(
                f"Falta el servidor en «{mask_password(text)}» (p. ej. postgresql+psycopg://usuario@servidor/rcdesk)."
            )
        return f"postgresql+psycopg://{rest}"
    raise UserError(
        f"Tipo de base de datos no admitido: «{scheme}://». Indique la ruta de un archivo o un servidor "
        "PostgreSQL (postgresql+psycopg://usuario@servidor:5432/base)."
    )


def mask_password(url: str) -> str:
    """The URL as it may be shown or logged: a password becomes ***."""
    return re.sub(r"^([^:/]+://[^:/@]+):[^@]*@", r"\1:***@", url)


def _server_folder(url: str) -> str:
    """<host>-<port>-<database> of a server URL, safe as a folder name."""
    m = re.match(r"^[^:]+://(?:[^@/]*@)?([^/:?]*)(?::(\d+))?(?:/([^?]*))?", url)
    host, port, name = (m.group(1), m.group(2), m.group(3)) if m else ("", "", "")
    raw = f"{host or 'localhost'}-{port or 5432}-{name or 'postgres'}"
    return re.sub(r"[^A-Za-z0-9._-]", "_", raw)


@dataclass(frozen=True)
class AppPaths:
    """The database file and the folder of its companion files."""

    database: Path
    data: Path
    # a server database (PostgreSQL URL, password included if given); `database` is then unused
    url: str | None = None

    @property
    def is_server(self) -> bool:
        return self.url is not None

    @property
    def target(self) -> Path | str:
        """What the engine factory opens: the SQLite file, or the server URL."""
        return self.url if self.url is not None else self.database

    @property
    def display(self) -> str:
        """The database as shown to users and written to logs (never a password)."""
        return mask_password(self.url) if self.url is not None else str(self.database)

    @classmethod
    def default(cls) -> AppPaths:
        env = os.environ.get(ENV_DB)
        if env:
            return cls.for_target(env)
        return cls(database=_user_data() / "rcdesk.db", data=_user_data())

    @classmethod
    def for_target(cls, target: str | Path) -> AppPaths:
        """A path or URL as typed (`--db`, `RCDESK_DB`); an unknown scheme raises `UserError`."""
        parsed = parse_target(target)
        return cls.for_url(parsed) if isinstance(parsed, str) else cls.for_database(parsed)

    @classmethod
    def for_url(cls, url: str) -> AppPaths:
        data = _user_data() / "servidores" / _server_folder(url)
        return cls(database=data / "servidor", data=data, url=url)

    @classmethod
    def for_database(cls, db: Path) -> AppPaths:
        db = Path(db).expanduser().absolute()
        return cls(database=db, data=db.parent / f"{db.stem}-archivos")

    @property
    def backups(self) -> Path:
        return self.data / "copias"

    @property
    def logs(self) -> Path:
        return self.data / "registros"

    @property
    def evidence(self) -> Path:
        return self.data / "evidencias"

    @property
    def keys(self) -> Path:
        return self.data / "claves"

    @property
    def exports(self) -> Path:
        return self.data / "exportaciones"

    def ensure(self) -> AppPaths:
        if self.url is None:
            self.database.parent.mkdir(parents=True, exist_ok=True)
        for p in (self.data, self.backups, self.logs):
            p.mkdir(parents=True, exist_ok=True)
        return self


def _user_data() -> Path:
    import platformdirs  # deferred: ~4 ms of start-up, and `--db FILE` never needs it

    return platformdirs.user_data_path(APP_NAME, appauthor=False, roaming=False)
