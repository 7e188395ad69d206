"""What every page receives: the open database, app-wide signals, the task runner, settings.

Pages are discovered from `ui/pages/*.py` modules that define `PAGES = [PageSpec(...)]`,
so each capability adds its pages without editing the main window.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:  # annotations only: shell loads before the database and the worker exist
    from rcdesk.db.database import Database

    from .tasks import TaskRunner

log = logging.getLogger(__name__)


class AppEvents(QObject):
    """App-wide notifications: `data_changed(Changes, initiator)` after every write."""

    data_changed = Signal(object, object)
    plan_selected = Signal(str)
    status_message = Signal(str)


@dataclass
class UiContext:
    """What every page receives: the database, app-wide signals, the task runner, settings, the plan."""

    db: Database
    runner: TaskRunner
    settings: QSettings
    events: AppEvents = field(default_factory=AppEvents)
    current_plan_id: str | None = None

    def select_plan(self, plan_id: str | None) -> None:
        if plan_id != self.current_plan_id:
            self.current_plan_id = plan_id
            self.events.plan_selected.emit(plan_id or "")

    def __setattr__(self, name: str, value: object) -> None:
        super().__setattr__(name, value)
        if name == "runner":  # tests swap the runner: the new one announces to this context too
            value.context = self

    def changed(self, changes, initiator: object = None) -> None:
        """Tell every page what changed; `initiator` (the page or dialog that wrote) may skip its
        own refresh. The task runner calls it after every job that committed a change."""
        self.events.data_changed.emit(changes, initiator)


@dataclass(frozen=True)
class PageSpec:
    """One section of the main window: its key, sidebar title, order and how to build it."""

    key: str
    title: str
    order: int
    factory: Callable[[UiContext], QWidget]
    icon: str | None = None  # a QStyle.StandardPixmap name, e.g. "SP_FileDialogDetailedView"
    tooltip: str = ""


def _lazy_factory(module: str, key: str) -> Callable[[UiContext], QWidget]:
    def build(ctx: UiContext) -> QWidget:
        mod = importlib.import_module(f".pages.{module}", __package__)
        spec = next(s for s in mod.PAGES if s.key == key)
        return spec.factory(ctx)

    return build


def discover_pages() -> list[PageSpec]:
    """The sections from `ui/pages/__init__.py`'s index; modules load when first shown."""
    from .pages import PAGE_INDEX

    specs = [
        PageSpec(key=key, title=title, order=order, factory=_lazy_factory(module, key), icon=icon, tooltip=tip)
        for module, key, title, order, icon, tip in PAGE_INDEX
    ]
    return sorted(specs, key=lambda s: (s.order, s.title))


def page_modules() -> list[str]:
    """Every module under ui/pages (for the index consistency test)."""
    import pkgutil

    from . import pages

    return sorted(info.name for info in pkgutil.iter_modules(pages.__path__))
