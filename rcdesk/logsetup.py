"""Rotating log file in the data folder; console logging stays quiet for the CLI.

The log carries no personal data (issue 16): a laptop's disk may be read by anyone who finds
it, and the log is the one file that is not encrypted. Log calls name records by id, never by
a citizen's name, ID number, phone or e-mail, and the file's formatter (`PrivateFormatter`) is
the safety net: an exception never speaks in the log (a database error's text carries the
values of the row, a `UserError` names the person of a bad row), only its type, error code and
where it happened; and any long number or e-mail address in a message is masked.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path, PurePath

_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"
MAX_BYTES = 2_000_000
BACKUPS = 5


class RotatingLog(logging.FileHandler):
    """`logging.handlers.RotatingFileHandler`'s size rotation (rcdesk.log.1 … .5).

    The GUI sets up logging before its window shows, and `logging.handlers` pulls in socket,
    pickle, queue and selectors (≈ 10 ms of every start) for handlers rcdesk never uses.
    """

    def __init__(self, path: Path, max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> None:
        super().__init__(path, encoding="utf-8", delay=True)
        self.max_bytes, self.backups = max_bytes, backups

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._full(record):
                self._rotate()
            super().emit(record)
        except Exception:
            self.handleError(record)

    def _full(self, record: logging.LogRecord) -> bool:
        if self.max_bytes <= 0:
            return False
        if self.stream is None:
            self.stream = self._open()
        self.stream.seek(0, 2)  # another handle may have appended (Windows reports stale sizes)
        return self.stream.tell() + len(self.format(record)) + 1 >= self.max_bytes

    def _rotate(self) -> None:
        if self.stream:
            self.stream.close()
            self.stream = None
        base = self.baseFilename
        for i in range(self.backups - 1, 0, -1):
            if os.path.exists(f"{base}.{i}"):
                os.replace(f"{base}.{i}", f"{base}.{i + 1}")
        if self.backups > 0 and os.path.exists(base):
            os.replace(base, f"{base}.1")
        self.stream = self._open()


# ID numbers (6+ digits: Colombian cédulas start at 6), phones (possibly with separators), e-mails
_LONG_NUMBER = re.compile(r"(?<![\w.])\+?\d(?:[ \-]?\d){5,}(?![\w])")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
MASK = "[omitido]"


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?: \d{2})?")


def _mask_number(m: re.Match[str]) -> str:
    return m.group() if _DATE.fullmatch(m.group()) else MASK  # a date is not an ID or a phone


def redact(text: str) -> str:
    """`text` with long numbers and e-mail addresses masked."""
    return _EMAIL.sub(MASK, _LONG_NUMBER.sub(_mask_number, text))


class _Said(str):
    """A safe text that `%r` shows as it is (no quotes)."""

    def __repr__(self) -> str:
        return str(self)


def describe_exception(exc: BaseException) -> str:
    """An exception's type and error codes, without its message (which may quote personal data)."""
    name = f"{type(exc).__module__}.{type(exc).__qualname__}".removeprefix("builtins.")
    codes = []
    orig = getattr(exc, "orig", None)  # SQLAlchemy's wrapper of the driver's error
    for e in (exc, orig) if isinstance(orig, BaseException) else (exc,):
        if e is not exc:
            codes.append(f"{type(e).__module__}.{type(e).__qualname__}")
        for attr in ("errno", "sqlite_errorname", "pgcode", "code"):
            value = getattr(e, attr, None)
            if isinstance(value, (int, str)) and value != "":
                codes.append(f"{attr}={redact(str(value))}")
    return f"{name} ({', '.join(codes)})" if codes else name


def _safe_arg(value: object) -> object:
    if isinstance(value, BaseException):
        return _Said(describe_exception(value))
    if isinstance(value, PurePath):
        return value  # a path the program chose (backups, the database): kept whole for support
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return redact(str(value))
    if isinstance(value, (str, bytes)):
        return redact(value.decode("utf-8", "replace") if isinstance(value, bytes) else value)
    return redact(repr(value))


class PrivateFormatter(logging.Formatter):
    """Formats a copy of each record with its arguments made safe (see the module doc)."""

    def format(self, record: logging.LogRecord) -> str:
        safe = logging.makeLogRecord(record.__dict__)
        safe.exc_text = None  # another handler may have cached the full traceback text
        msg = record.msg
        safe.msg = describe_exception(msg) if isinstance(msg, BaseException) else redact(str(msg))
        if isinstance(record.args, dict):
            safe.args = {k: _safe_arg(v) for k, v in record.args.items()}
        elif record.args:
            safe.args = tuple(_safe_arg(v) for v in record.args)
        return super().format(safe)

    def formatException(self, ei) -> str:
        import traceback  # only when something failed: not on every start

        _, exc, _ = ei
        parts: list[str] = []
        seen: set[int] = set()
        while exc is not None and id(exc) not in seen:
            seen.add(id(exc))
            frames = traceback.extract_tb(exc.__traceback__)
            lines = [f'  File "{f.filename}", line {f.lineno}, in {f.name}' for f in frames]
            parts.insert(0, "\n".join(["Traceback (most recent call last):", *lines, describe_exception(exc)]))
            exc = exc.__cause__ or exc.__context__
        return "\n\nCausado por lo anterior:\n".join(parts)


def setup_logging(log_dir: Path, *, level: int = logging.INFO) -> Path:
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "rcdesk.log"
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_rcdesk", False):
            root.removeHandler(h)
            h.close()
    handler = RotatingLog(path)
    handler.setFormatter(PrivateFormatter(_FORMAT))
    handler._rcdesk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("alembic", "sqlalchemy", "PIL", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path
