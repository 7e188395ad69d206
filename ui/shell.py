"""What every page receives: the open database, app-wide signals, the task runner, settings.

Pages are discovered from `ui/pages/*.py` modules that define `PAGES = [PageSpec(...)]`,
so each capability adds its pages without editing the main window.
"""
from __future__ import annotations

import importlib
import logging
import pkgutil
from dataclasses import dataclass, field
from typing import Callable

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)


class AppEvents(QObject):
    """App-wide notifications: `data_changed(Changes, initiator)` after every write."""

    data_changed = Signal(object, object)
    plan_selected = Signal(str)
    status_message = Signal(str)


@dataclass
class UiContext:
    db: object  # rcdesk.db.database.Database
    runner: object  # ui.tasks.TaskRunner
    settings: QSettings
    events: AppEvents = field(default_factory=AppEvents)
    current_plan_id: str | None = None

    def select_plan(self, plan_id: str | None) -> None:
        if plan_id != self.current_plan_id:
            self.current_plan_id = plan_id
            self.events.plan_selected.emit(plan_id or "")

    def changed(self, changes, initiator: object = None) -> None:  # noqa: ANN001
        self.events.data_changed.emit(changes, initiator)


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    order: int
    factory: Callable[[UiContext], QWidget]
    icon: str | None = None  # a QStyle.StandardPixmap name, e.g. "SP_FileDialogDetailedView"
    tooltip: str = ""


def discover_pages() -> list[PageSpec]:
    from ui import pages

    specs: list[PageSpec] = []
    for info in pkgutil.iter_modules(pages.__path__):
        try:
            mod = importlib.import_module(f"ui.pages.{info.name}")
        except Exception:  # noqa: BLE001 - one broken page must not take the app down
            log.exception("could not load page module %s", info.name)
            continue
        specs.extend(getattr(mod, "PAGES", []))
    return sorted(specs, key=lambda s: (s.order, s.title))
