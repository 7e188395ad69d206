"""Every table model in ui/models keeps Qt's model contract, checked by qtmodeltester with real data.

A model that breaks the contract (a wrong row count, an index of another model, data() raising
or returning a type the view cannot paint) shows blank or crashing tables. The models are
filled the way users fill them: pages over the demo database, the sync page's kinds of rows
from a real exchange, the import dialogs from real workbooks. A new model class must be added
to one of the groups below (`test_every_model_class_is_checked` says which is missing).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, QAbstractProxyModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QDialog, QMessageBox, QTabWidget, QWidget

ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.EditRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.CheckStateRole,
    Qt.ItemDataRole.UserRole,
    Qt.ItemDataRole.UserRole + 1,
)

# what the pages of the demo database show (the plan, follow-up, events, POA and sync pages)
PAGE_MODELS = {
    "plan_activities.ActivityTableModel",
    "plan_activities.ActivityFilterProxy",
    "plan_groups.PlanGroupModel",
    "followup_tables.ActivityStatusModel",
    "followup_tables.ReportHistoryModel",
    "followup_tables.ReviewQueueModel",
    "followup_tables.HolidayModel",
    "followup_tables.ProfileModel",
    "followup_tables.DeadlineRuleModel",
    "events_tables.EventListModel",
    "events_tables.QuestionsModel",
    "events_tables.CommitmentsModel",
    "events_tables.PeopleModel",
    "poa_grid.PoaGridModel",
    "poa_tables.ResultsModel",
    "poa_tables.VisitsModel",
    "poa_tables.OficiosModel",
    "poa_tables.CommitmentsModel",
    "sync_tables.InstallationsModel",
    "sync_tables.RecordBrowserModel",
}
# the detail tables of one event and one commitment
EVENT_MODELS = {
    "events_tables.AttendanceModel",
    "events_tables.ContributionsModel",
    "events_tables.ActasModel",
    "events_tables.FollowUpsModel",
    "events_tables.InvitationsModel",
}
SYNC_MODELS = {
    "sync_tables.PackageReportModel",
    "sync_tables.KindCountsModel",
    "sync_tables.ConflictsModel",
    "sync_tables.DiffModel",
    "sync_tables.PackageLogModel",
}
DIALOG_MODELS = {
    "plan_import.ParsedActivityModel",
    "plan_import.ProblemModel",
    "events_tables.ImportPreviewModel",
    "units.UnitTableModel",
    "column_mapping.ColumnMappingModel",
}


def _name(model: QAbstractItemModel) -> str:
    cls = type(model)
    return f"{cls.__module__.removeprefix('ui.models.')}.{cls.__name__}"


@pytest.fixture
def qtmodeltester(request):
    """pytest-qt's qtmodeltester, one tester per model: its state follows a single model's
    signals, and the pages here hold many models that reset while the next one is checked."""
    from pytestqt.modeltest import ModelTester

    class PerModel:
        def check(self, model: QAbstractItemModel, *, force_py: bool = True) -> None:
            tester = ModelTester(request.config)
            tester.check(model, force_py=force_py)
            tester._cleanup()  # what the pytest-qt fixture does at teardown

    return PerModel()


def _check(qtmodeltester, model: QAbstractItemModel) -> None:
    """qtmodeltester's checks (Python implementation: it asserts), then every cell in every role."""
    assert model.rowCount() > 0, f"{_name(model)}: no representative rows"
    qtmodeltester.check(model, force_py=True)
    pending = [QModelIndex()]
    while pending:  # tree models too
        parent = pending.pop()
        for r in range(model.rowCount(parent)):
            for c in range(model.columnCount(parent)):
                idx = model.index(r, c, parent)
                assert idx.isValid() and idx.model() is model
                for role in ROLES:
                    model.data(idx, role)  # must not raise
                shown = model.data(idx, Qt.ItemDataRole.DisplayRole)
                assert shown is None or isinstance(shown, (str, int, float)), (_name(model), r, c, shown)
            if model.rowCount(model.index(r, 0, parent)) > 0:
                pending.append(model.index(r, 0, parent))
    for c in range(model.columnCount()):
        head = model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        assert head is None or isinstance(head, str)


def _models_in(root: QWidget) -> list[QAbstractItemModel]:
    out = []
    for view in root.findChildren(QAbstractItemView):
        m = view.model()
        while m is not None:
            out.append(m)
            m = m.sourceModel() if isinstance(m, QAbstractProxyModel) else None
    return [m for m in out if type(m).__module__.startswith("ui.models.")]


def _check_all(qtmodeltester, models) -> set[str]:
    checked = set()
    for m in models:
        if m.rowCount() > 0:
            _check(qtmodeltester, m)
            checked.add(_name(m))
    return checked


@pytest.fixture
def no_dialogs(monkeypatch):
    monkeypatch.setattr(QMessageBox, "exec", lambda *a: 0)
    monkeypatch.setattr(QDialog, "exec", lambda *a: 0)


def test_models_behind_every_page_of_the_demo(qtbot, qtmodeltester, demo_ctx, no_dialogs):
    from rcdesk.services.plans import PlanService
    from ui.main_window import MainWindow

    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    checked: set[str] = set()
    for plan in PlanService(demo_ctx.db).list_plans()[:2]:
        demo_ctx.select_plan(plan.plan_id)
        for row in range(len(window.specs)):
            window.nav.setCurrentRow(row)
            page = window.stack.currentWidget()
            for tabs in page.findChildren(QTabWidget):
                for i in range(tabs.count()):
                    tabs.setCurrentIndex(i)
                    for view in page.findChildren(QAbstractItemView):  # a selection fills detail tables
                        if view.isVisible() and view.model() is not None and view.model().rowCount():
                            view.setCurrentIndex(view.model().index(0, 0))
        checked |= _check_all(qtmodeltester, _models_in(window))
    assert PAGE_MODELS <= checked, sorted(PAGE_MODELS - checked)


def test_models_of_an_event_and_a_commitment(qtbot, qtmodeltester, demo_ctx):
    from rcdesk.models.events import ACTA_KINDS
    from rcdesk.services.actas import ActaService
    from rcdesk.services.attendance import AttendanceService
    from rcdesk.services.commitments import CommitmentService
    from rcdesk.services.events import EventService
    from ui.models import events_tables as et

    db = demo_ctx.db
    events, att, cs = EventService(db).list_events(), AttendanceService(db), CommitmentService(db)
    ev = max(events, key=lambda e: len(att.attendance_window(e.event_id, "", 0, 1000)))
    attendance = et.AttendanceModel()
    attendance.set_fetch(lambda off, lim: att.attendance_window(ev.event_id, "", off, lim))
    contributions = et.ContributionsModel()
    contributions.set_rows(next(rows for e in events if (rows := cs.contributions(e.event_id))))
    followups = et.FollowUpsModel()
    followups.set_rows(next(rows for c in cs.list_commitments() if (rows := cs.followups(c.commitment_id))))
    actas = et.ActasModel()
    ActaService(db).issue(ev.event_id, next(iter(ACTA_KINDS)))
    actas.set_rows(ActaService(db).issued(ev.event_id))
    invitations = et.InvitationsModel()
    invitations.set_rows(next(rows for e in events if (rows := EventService(db).invitations(e.event_id))))
    checked = _check_all(qtmodeltester, [attendance, contributions, followups, actas, invitations])
    assert checked == EVENT_MODELS


def test_models_of_a_sync_exchange(qtbot, qtmodeltester, tmp_path):
    from rcdesk.models.plans import PlanActivity
    from rcdesk.services.sync import SyncService
    from tests.core.sync_world import World
    from ui.models import sync_tables as st

    w = World(tmp_path)
    try:
        ids = w.seed_hq()
        w.join(w.a, w.A)
        w.join(w.b, w.B)
        act = ids["acts"][0]
        w.edit(w.a, PlanActivity, act, meta="Del técnico A")
        w.edit(w.b, PlanActivity, act, meta="Del técnico B", indicator="Actas")
        result = w.H.import_packages([w.send(w.A), w.send(w.B), tmp_path / "no-existe.rcpaq"])
        svc = SyncService(w.hq)
        report, kinds, conflicts, diffs, log = (
            st.PackageReportModel(),
            st.KindCountsModel(),
            st.ConflictsModel(),
            st.DiffModel(),
            st.PackageLogModel(),
        )
        report.set_rows(result.packages)  # as the sync page fills them (ui/pages/sync.py)
        kinds.set_rows(sorted(result.by_kind().items()))
        conflicts.set_rows(svc.conflicts())
        diffs.set_rows(list(svc.conflicts()[0].diffs))
        log.set_rows(svc.package_log())
        assert _check_all(qtmodeltester, [report, kinds, conflicts, diffs, log]) == SYNC_MODELS
    finally:
        w.close()


def test_models_of_the_import_dialogs_and_the_reference_page(
    qtbot, qtmodeltester, ui_ctx, seed_dir, tmp_path, no_dialogs
):
    from rcdesk.plans.importer import read_plan
    from rcdesk.services.reference import ReferenceService
    from tests.core import poa_world as pw
    from tests.core.messy_workbooks import messy_murc
    from ui.models.events_tables import ImportPreviewModel
    from ui.models.plan_import import ParsedActivityModel, ProblemModel
    from ui.models.units import UnitTableModel

    activities = ParsedActivityModel(read_plan(next(seed_dir.glob("004_*.xlsx"))))
    problems = ProblemModel(read_plan(messy_murc(tmp_path / "murc.xlsx")).problems)
    preview = ImportPreviewModel()
    preview.set_rows(_attendance_preview_rows(tmp_path))
    world = pw.make_units(ui_ctx.db)
    ref = ReferenceService(ui_ctx.db)
    units = UnitTableModel()
    units.set_rows(ref.units(world.inst_id), {t.territory_id: t.name for t in ref.territories("EC")})
    dialog = _column_mapping_dialog(qtbot, ui_ctx, tmp_path)  # kept alive: it owns the model
    checked = _check_all(qtmodeltester, [activities, problems, preview, units, dialog.mapping_page.model])
    assert checked == DIALOG_MODELS


def _attendance_preview_rows(tmp_path: Path) -> list:
    """The rows of an attendance sheet with one good, one repaired, one invalid and one duplicate person."""
    import csv

    from rcdesk.events.attendance_import import read_attendance

    path = tmp_path / "asistencia.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["Nombres y apellidos", "Cédula", "Edad"])
        w.writerows(
            [
                ["Lucía Caiza", "1714307103", "16"],
                ["  pedro   lema ", "171430710", "40"],
                ["", "0602910945", ""],
                ["Lucía Caiza", "1714307103", "16"],
            ]
        )
    return read_attendance(path).rows


def _column_mapping_dialog(qtbot, ctx, tmp_path: Path):
    """The column-mapping table of «Importar POA», over a workbook with a two-row header."""
    from tests.core import poa_world as pw
    from ui.dialogs.poa_import import PoaImportDialog

    dlg = PoaImportDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.path_edit.setText(str(pw.messy_two_row_header(tmp_path / "poa.xlsx")))
    dlg.run_preview()
    return dlg


def test_every_model_class_is_checked():
    import ui.models

    classes = {}
    for info in pkgutil.iter_modules(ui.models.__path__):
        mod = importlib.import_module(f"ui.models.{info.name}")
        classes |= {
            f"{info.name}.{c.__name__}": c
            for _, c in inspect.getmembers(mod, inspect.isclass)
            if issubclass(c, QAbstractItemModel) and c.__module__ == mod.__name__
        }
    bases = {b for c in classes.values() for b in c.__mro__[1:]}
    concrete = {name for name, c in classes.items() if c not in bases}  # shared bases are checked through these
    missing = concrete - (PAGE_MODELS | EVENT_MODELS | SYNC_MODELS | DIALOG_MODELS)
    assert not missing, f"give these models representative data in this file: {sorted(missing)}"
