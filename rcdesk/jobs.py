"""Long jobs as plain Python: progress callbacks and a cancel token, no Qt.

A job is a function taking `progress: ProgressFn` and `cancel: CancelToken`; it calls
`progress(done, total, text)` now and then and `cancel.check()` between steps. The GUI
wraps such a function in one place (`ui/tasks.py`); the command line calls it directly.
A job that writes to the database does so in one transaction, so a cancel (which raises
`Cancelled` from `check()`) leaves the database as it was.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol


class Cancelled(Exception):
    """Raised inside a job when the user pressed Cancel."""


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()


class ProgressFn(Protocol):
    def __call__(self, done: int, total: int | None = None, text: str = "") -> None: ...


def no_progress(done: int, total: int | None = None, text: str = "") -> None:
    """Default progress callback: does nothing."""


NEVER_CANCELLED = CancelToken()

JobFn = Callable[[ProgressFn, CancelToken], object]
