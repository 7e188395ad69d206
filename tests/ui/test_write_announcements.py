"""What a GUI write changed is announced by the task runner from what the write committed
(ui/tasks.py over rcdesk/db/write_tracking.py), never built by hand: pages refresh after a write
made elsewhere, and a write that failed or was cancelled announces nothing."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, QSettings, Qt
from PySide6.QtWidgets import QDialog, QWidget

from rcdesk.errors import UserError
from rcdesk.jobs import Cancelled
from rcdesk.models.followup import Holiday
from rcdesk.services.changes import Changes
from rcdesk.services.events import EventInput, EventService
from rcdesk.services.plans import PlanService
from tests.ui.test_followup_ui import YEAR, _page, messages, plan_ctx  # noqa: F401  (fixtures used below)

pytestmark = pytest.mark.ui


def _heard(ctx) -> list[tuple[Changes, object]]:
    heard: list[tuple[Changes, object]] = []
    ctx.events.data_changed.connect(lambda changes, initiator: heard.append((changes, initiator)))
    return heard


def test_reporting_progress_refreshes_the_dashboard_and_pendientes(qtbot, plan_ctx, messages):  # noqa: F811
    from ui.pages.dashboard import DashboardPage

    dashboard = DashboardPage(plan_ctx)
    qtbot.addWidget(dashboard)
    page = _page(qtbot, plan_ctx)
    heard = _heard(plan_ctx)
    assert dashboard.data.pending_review == 0
    assert "1.1" in [a.number for a in page.pending_model.rows()]

    page.report_progress()  # «Reportar avance…»: the dialog saves on the worker
    dlg = page.report_dialog
    dlg.period.setCurrentIndex(0)
    dlg.reported_on.setDate(QDate(YEAR, 4, 20))
    dlg.percent.setValue(100)
    dlg.done_text.setPlainText("Informe publicado en la web")
    qtbot.keyClick(dlg, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dlg.result() == QDialog.DialogCode.Accepted and not messages
    assert heard == [(Changes(followup=True), dlg)]  # what the save committed, from the dialog
    assert dashboard.data.pending_review == 1  # the dashboard, another page, refreshed

    page.tabs.setCurrentIndex(1)
    page.queue.selectRow(0)
    page.review_current()
    page.review_dialog.validate_button.click()
    assert heard[-1] == (Changes(followup=True), page.review_dialog)
    assert dashboard.data.pending_review == 0
    assert "1.1" not in [a.number for a in page.pending_model.rows()]  # done: out of «Pendientes»


@pytest.fixture(params=["worker", "inline"])
def any_ctx(request, qtbot, db, tmp_path):
    """A context with the real worker thread, and one with the tests' inline runner."""
    from ui.shell import UiContext
    from ui.tasks import SyncTaskRunner, TaskRunner

    runner = TaskRunner() if request.param == "worker" else SyncTaskRunner()
    ctx = UiContext(db=db, runner=runner, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    yield ctx
    runner.shutdown()


def _holiday_then(outcome: BaseException):
    """A write that is refused (or cancelled) after it wrote: its transaction rolls back."""

    def write(db):
        with db.begin() as s:
            s.add(Holiday(country="EC", day=date(YEAR, 8, 10), name="Primer Grito", scope="nacional"))
            s.flush()
            raise outcome

    return write


def test_a_failed_or_cancelled_write_announces_nothing(qtbot, any_ctx):
    ctx, runner = any_ctx, any_ctx.runner
    heard = _heard(ctx)
    owner = QWidget()
    qtbot.addWidget(owner)
    ended: list[str] = []

    refuse = _holiday_then(UserError("No se guardó."))
    runner.write(lambda: refuse(ctx.db), parent=owner, on_user_error=lambda e: ended.append(e.message))
    cancel = _holiday_then(Cancelled())
    runner.run(
        lambda _p, _c: cancel(ctx.db), title="Guardando…", parent=owner, on_cancel=lambda: ended.append("cancelada")
    )
    runner.run(lambda _p, _c: PlanService(ctx.db).list_plans(), title="Leyendo…", parent=owner, on_done=ended.append)
    qtbot.waitUntil(lambda: len(ended) == 3, timeout=5000)
    assert ended == ["No se guardó.", "cancelada", []]
    assert heard == []  # nothing was committed: no page refreshes

    event = EventInput(title="Rendición de cuentas", event_date=date(YEAR, 5, 20))
    runner.write(lambda: EventService(ctx.db).create(event), parent=owner, on_done=ended.append)
    qtbot.waitUntil(lambda: len(ended) == 4, timeout=5000)
    assert heard == [(Changes(events=True), owner)]  # once, from the widget that asked
    runner.write(lambda: EventService(ctx.db).create(event), parent=owner, on_done=ended.append, source=None)
    qtbot.waitUntil(lambda: len(ended) == 5, timeout=5000)
    assert heard[-1] == (Changes(events=True), None)  # a named source: every page refreshes
