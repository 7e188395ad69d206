"""Errors the user can act on, carrying a Spanish message.

`UserError` means "bad input": the command line exits with code 2 and the GUI shows the
message; in both cases nothing has been written. Anything else is a bug.
"""

from __future__ import annotations


class UserError(Exception):
    """Bad input or an impossible request; `str(exc)` is a Spanish message for the user."""

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details or [])

    def __str__(self) -> str:
        if not self.details:
            return self.message
        shown = self.details[:20]
        more = len(self.details) - len(shown)
        lines = [self.message, *(f"  - {d}" for d in shown)]
        if more > 0:
            lines.append(f"  … y {more} problema(s) más")
        return "\n".join(lines)


class NotFound(UserError):
    """A record named by the user does not exist."""


class StorageError(UserError):
    """The database cannot be used: too new, locked, read-only, corrupt or disk full."""


class DatabaseTooNew(StorageError):
    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"La base de datos fue creada por una versión más reciente de rcdesk "
            f"(esquema {found}; esta versión conoce hasta el {supported}). "
            "No se ha modificado. Actualice rcdesk para abrirla."
        )
        self.found = found
        self.supported = supported


class DatabaseBusy(StorageError):
    """Another program kept the database locked for longer than the busy timeout."""


class DatabaseInUse(StorageError):
    """Another rcdesk window holds the database file (its lock file)."""


class ConcurrentEdit(UserError):
    """Another operator changed the record after this write read it (a server database)."""

    def __init__(self) -> None:
        super().__init__(
            "Otra persona modificó este registro mientras se guardaban sus cambios. "
            "No se guardó nada; vuelva a abrirlo para ver la versión actual y repita el cambio."
        )
