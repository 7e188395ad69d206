"""Every path the application uses, resolved in one object.

The default database lives in the user's data folder (platformdirs). With `--db PATH`
the database is that file and its companion files (backups, logs, evidence, keys) live
in a sibling folder `<name>-archivos/`, so several installations can live side by side
on one machine (as headquarters and field laptops do in training).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rcdesk import APP_NAME

ENV_DB = "RCDESK_DB"


@dataclass(frozen=True)
class AppPaths:
    """The database file and the folder of its companion files."""

    database: Path
    data: Path

    @classmethod
    def default(cls) -> AppPaths:
        env = os.environ.get(ENV_DB)
        if env:
            return cls.for_database(Path(env))
        import platformdirs  # deferred: ~4 ms of start-up, and `--db` never needs it

        data = platformdirs.user_data_path(APP_NAME, appauthor=False, roaming=False)
        return cls(database=data / "rcdesk.db", data=data)

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
        self.database.parent.mkdir(parents=True, exist_ok=True)
        for p in (self.data, self.backups, self.logs):
            p.mkdir(parents=True, exist_ok=True)
        return self
