"""The Sincronización page: export, import by chooser and drag-and-drop, report, trust, conflict review."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from rcdesk.models.plans import PlanActivity
from tests.core.sync_world import World, row

pytestmark = pytest.mark.ui


def _ctx(db, tmp_path, name):
    from PySide6.QtCore import QSettings

    from ui.shell import UiContext
    from ui.tasks import SyncTaskRunner

    return UiContext(
        db=db, runner=SyncTaskRunner(), settings=QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
    )


@pytest.fixture
def world(tmp_path, qtbot):
    w = World(tmp_path)
    w.ids = w.seed_hq()
    yield w
    w.close()


def _drop(page, files) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    ev = QDropEvent(
        QPointF(QPoint(10, 10)),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    page.dropEvent(ev)


def test_field_and_headquarters_pages_through_a_season(world, tmp_path, qtbot, monkeypatch):
    from ui.pages.sync import PAGES, SyncPage

    assert PAGES[0].title == "Sincronización" and PAGES[0].order == 70
    w = world
    w.join(w.b, w.B)
    infos = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: infos.append(a[2]))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)

    # -- field laptop: import the base package with the file chooser, export a package ----------
    field = SyncPage(_ctx(w.a, tmp_path, "a"))
    qtbot.addWidget(field)
    base = w.base_to(w.a)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(base)], ""))
    field.btn_import.click()
    assert field.report_model.rowCount() == 1
    assert field.report_model.index(0, 1).data() == "Importado"
    assert "Sede Riobamba" in field.header.text()
    a1 = w.ids["acts"][0]
    w.edit(w.a, PlanActivity, a1, meta="Del campo")
    out = tmp_path / "usb" / "desde-la-pantalla.rcpaq"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    field.btn_export.click()
    assert out.is_file() and "Paquete n.º 1" in infos[-1]
    from ui.widgets.sync_badge import SyncBadge

    badge = SyncBadge(field.ctx)
    qtbot.addWidget(badge)
    badge.show_record("plan_activity", a1)
    assert badge.text() == "Enviado, sin acuse" and not badge.isHidden()
    assert field.log_model.rowCount() == 2

    # -- headquarters: drag and drop, quarantine, trust, report per kind -----------------------
    hq = SyncPage(_ctx(w.hq, tmp_path, "hq"))
    qtbot.addWidget(hq)
    hq.resize(1366, 768)
    _drop(hq, [out])
    assert hq.report_model.index(0, 1).data() == "En cuarentena"
    rows = [hq.inst_model.row_at(i) for i in range(hq.inst_model.rowCount())]
    i = next(k for k, r in enumerate(rows) if r.installation_id == w.a.installation_id)
    assert hq.inst_model.index(i, hq.inst_model.COL_STATE).data() == "Pendiente de aceptar"
    hq.inst_view.setCurrentIndex(hq.inst_model.index(i, 0))
    hq.btn_trust.click()
    assert hq.report_model.index(0, 1).data() == "Consolidado"
    kinds = {
        hq.kinds_model.index(r, 0).data(): hq.kinds_model.index(r, 2).data() for r in range(hq.kinds_model.rowCount())
    }
    assert kinds["actividades"] == "1"
    assert row(w.hq, "plan_activity", a1)["meta"] == "Del campo"

    # -- a conflict from B (joined before A's edit arrived), reviewed field by field ------------
    w.edit(w.b, PlanActivity, a1, meta="De B", indicator="Informe de B")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(w.send(w.B))], ""))
    hq.btn_import.click()
    conflicts = {
        hq.kinds_model.index(r, 0).data(): hq.kinds_model.index(r, hq.kinds_model.COL_CONFLICTS).data()
        for r in range(hq.kinds_model.rowCount())
    }
    assert conflicts["actividades"] == "1"
    assert hq.conflicts_model.rowCount() == 1
    hq.tabs.setCurrentIndex(1)
    hq.conflicts_view.setCurrentIndex(hq.conflicts_model.index(0, 0))
    assert hq.diff_model.rowCount() == 2
    fields = [hq.diff_model.row_at(r).column for r in range(2)]
    k = fields.index("indicator")
    hq.diff_model.setData(
        hq.diff_model.index(k, hq.diff_model.COL_USE_CAMPO), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    hq.grab().save(str(tmp_path / "sync_conflicts.png"))
    hq.btn_per_field.click()
    r1 = row(w.hq, "plan_activity", a1)
    assert (r1["meta"], r1["indicator"]) == ("Del campo", "Informe de B")
    assert hq.conflicts_model.rowCount() == 0
    hq.tabs.setCurrentIndex(0)
    hq.grab().save(str(tmp_path / "sync_packages.png"))
