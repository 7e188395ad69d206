"""The headquarters server a desktop connects to, remembered without its password.

The GUI's «Conectar a un servidor…» names a PostgreSQL server (host, port, database, user); the
choice is kept in `servidor.json` in the user's data folder so the program opens on it next time.
The password is never written anywhere: it is asked each time and handed to the driver through
the process environment (`PGPASSWORD`, which libpq reads), so it is in no URL, log line or file.
(No keyring library ships with rcdesk, so the system's password store is not used.)
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from rcdesk.errors import UserError

FILE_NAME = "servidor.json"
PASSWORD_ENV = "PGPASSWORD"


@dataclass(frozen=True)
class ServerProfile:
    host: str
    port: int
    database: str
    user: str

    @property
    def url(self) -> str:
        """`postgresql+psycopg://user@host:port/database`, without a password."""
        from sqlalchemy.engine import URL

        url = URL.create(
            "postgresql+psycopg", username=self.user, host=self.host, port=self.port, database=self.database
        )
        return url.render_as_string(hide_password=False)

    @property
    def label(self) -> str:
        return f"{self.database} en {self.host}:{self.port} (usuario {self.user})"


def checked(host: str, port: int | str, database: str, user: str) -> ServerProfile:
    """A profile from what the user typed; a Spanish `UserError` naming the field otherwise."""
    host, database, user = (host or "").strip(), (database or "").strip(), (user or "").strip()
    missing = [name for name, v in (("servidor", host), ("base de datos", database), ("usuario", user)) if not v]
    if missing:
        raise UserError("Falta " + ", ".join(f"«{m}»" for m in missing) + " del servidor.")
    try:
        number = int(str(port).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= 65535:
        raise UserError(f"El puerto «{port}» no es válido: un número entre 1 y 65535 (PostgreSQL usa 5432).")
    return ServerProfile(host, number, database, user)


def _file(folder: Path | None) -> Path:
    if folder is None:
        from rcdesk.paths import _user_data

        folder = _user_data()
    return Path(folder) / FILE_NAME


def load(folder: Path | None = None) -> ServerProfile | None:
    """The remembered server, or None (never remembered, forgotten, or an unreadable file)."""
    try:
        d = json.loads(_file(folder).read_text("utf-8"))
        return checked(d["host"], d["port"], d["database"], d["user"])
    except (OSError, ValueError, KeyError, TypeError, UserError):
        return None


def save(profile: ServerProfile, folder: Path | None = None) -> Path:
    """Remember `profile` (no password: the dataclass has none)."""
    from rcdesk.reports.output import write_text

    return write_text(_file(folder), json.dumps(asdict(profile), ensure_ascii=False, indent=1))


def forget(folder: Path | None = None) -> None:
    _file(folder).unlink(missing_ok=True)


def use_password(password: str) -> None:
    """Hand the password to the driver for this process and the programs it starts."""
    if password:
        os.environ[PASSWORD_ENV] = password
    else:
        os.environ.pop(PASSWORD_ENV, None)


def try_connect(profile: ServerProfile, password: str, *, timeout: int = 10) -> None:
    """Connect once to check the server, the database and the password; a Spanish `UserError`
    saying which failed otherwise."""
    import psycopg

    try:
        psycopg.connect(
            host=profile.host,
            port=profile.port,
            dbname=profile.database,
            user=profile.user,
            password=password or None,
            connect_timeout=timeout,
            application_name="rcdesk",
        ).close()
    except psycopg.OperationalError as exc:
        text = str(exc)
        if "password" in text or "authentication" in text:
            why = "el usuario o la contraseña no son correctos"
        elif "does not exist" in text:
            why = f"la base de datos «{profile.database}» no existe en ese servidor"
        else:
            why = "el servidor no responde (revise el nombre, el puerto y la red)"
        raise UserError(f"No se pudo conectar a {profile.label}: {why}.") from exc
