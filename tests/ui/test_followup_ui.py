"""GUI flows of the follow-up capability: report with evidence (drag-and-drop), review, dashboard,
informe save/print, calendar editing."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from rcdesk.plans.parsed import ParsedActivity, ParsedGroup, ParsedPlan
from rcdesk.services.plans import PlanService

YEAR = date.today().year


@pytest.fixture
def plan_ctx(ui_ctx):
    comp = ParsedGroup(
        "componente",
        "Rendición de cuentas",
        code="Componente 3",
        children=[
            ParsedGroup(
                "subcomponente",
                "Información",
                code="Subcomponente 1",
                activities=[
                    ParsedActivity(
                        "Publicar el informe de gestión",
                        number="1.1",
                        responsible="Planeación",
                        meta="Informe publicado",
                        start_date=date(YEAR, 1, 15),
                        end_date=date(YEAR, 12, 15),
                    ),
                    ParsedActivity(
                        "Audiencia pública",
                        number="1.2",
                        responsible="Despacho",
                        meta="1 audiencia",
                        start_date=date(YEAR, 2, 1),
                        end_date=date(YEAR, 3, 15),
                    ),
                ],
            )
        ],
    )
    parsed = ParsedPlan(
        layout="paac",
        title=f"PAAC {YEAR}",
        entity="Alcaldía de Pruebas",
        year=YEAR,
        groups=[comp],
        source_name="ui.xlsx",
    )
    plan_id = PlanService(ui_ctx.db).save_parsed(parsed).plan_id
    ui_ctx.select_plan(plan_id)
    return ui_ctx


@pytest.fixture
def messages(monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: seen.append(self.text()) or 0)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: seen.append(a[2]) or 0)
    return seen


def _page(qtbot, ctx):
    from ui.pages.followup import FollowupPage

    page = FollowupPage(ctx)
    qtbot.addWidget(page)
    page.table.selectRow(0)
    return page


def _drop(widget, path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    widget.dropEvent(event)


def test_report_with_dropped_evidence_then_validate(qtbot, plan_ctx, tmp_path, messages):
    page = _page(qtbot, plan_ctx)
    acta = tmp_path / "acta.pdf"
    acta.write_bytes(b"%PDF-1.4 acta")
    page.report_progress()
    dlg = page.report_dialog
    dlg.period.setCurrentIndex(0)
    dlg.reported_on.setDate(QDate(YEAR, 4, 20))
    dlg.percent.setValue(85)
    dlg.done_text.setPlainText("Informe publicado en la web")
    _drop(dlg.evidence, acta)
    assert [p.name for p in dlg.evidence.files()] == ["acta.pdf"]
    qtbot.keyClick(dlg, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Intro saves
    assert dlg.result() == QDialog.DialogCode.Accepted and not messages
    assert page.history_model.rowCount() == 1
    report = page.history_model.row(0)
    assert report.status == "REPORTADO" and len(report.evidence) == 1
    assert page.history_evidence.count() == 1 and "acta.pdf" in page.history_evidence.item(0).text()
    # review from the queue tab: observing needs a note; validating changes the compliance
    page.tabs.setCurrentIndex(1)
    page.queue.selectRow(0)
    page.review_current()
    review = page.review_dialog
    review.observe_button.click()
    assert messages and "observación" in messages[-1]
    review.validate_button.click()
    row = next(a for a in page.model.rows() if a.number == "1.1")
    assert row.pct == 85 and row.light.color == "verde"
    assert page.queue_model.rowCount() == 0


def test_bad_percent_keeps_the_dialog_open_with_a_spanish_message(qtbot, plan_ctx, messages):
    page = _page(qtbot, plan_ctx)
    page.report_progress()
    dlg = page.report_dialog
    dlg.reported_on.setDate(QDate(YEAR, 1, 20))
    dlg.period.setCurrentIndex(0)
    dlg.percent.setValue(130)
    assert dlg.justification.isEnabled()
    dlg.save()
    assert messages and "No se guardó el reporte" in messages[-1]
    assert dlg.isVisible() and page.history_model.rowCount() == 0


def test_dashboard_shows_lights_and_builds_charts_on_demand(qtbot, plan_ctx):
    from rcdesk.services.followup import FollowupService, ReportInput
    from ui.pages.dashboard import DashboardPage

    acts = {a.number: a.activity_id for a in PlanService(plan_ctx.db).activities(plan_ctx.current_plan_id)}
    fu = FollowupService(plan_ctx.db)
    r = fu.add_report(ReportInput(acts["1.1"], 1, 40, reported_on=date(YEAR, 4, 1)), today=date(YEAR, 12, 31))
    fu.review(r.report_id, validate=True)
    page = DashboardPage(plan_ctx)
    qtbot.addWidget(page)
    d = page.data
    assert d is not None and d.plan.raw is not None
    top = page.tree.topLevelItem(0)
    assert top.text(0) == "Componente 3 – Rendición de cuentas" and top.child(0).text(3) == "2"
    assert "Próximo corte" in page.cut_label.text() or "cortes" in page.cut_label.text()
    assert page.component_tab.layout().count() == 0  # not built for the first screen
    page.tabs.setCurrentIndex(1)
    assert page.component_tab.layout().count() == 1
    assert [label.full_text for label in page.component_tab.layout().itemAt(0).widget().labels] == [
        "Componente 3 – Rendición de cuentas"
    ]


def test_save_and_print_informe(qtbot, plan_ctx, tmp_path, monkeypatch):
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    page = _page(qtbot, plan_ctx)
    out = tmp_path / "informe"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    page.save_pdf()
    assert page.last_saved == tmp_path / "informe.pdf" and page.last_saved.read_bytes().startswith(b"%PDF")
    page.save_xlsx()
    assert (tmp_path / "informe.xlsx").exists()
    printed = tmp_path / "impreso.pdf"

    def fake_exec(dialog):
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(printed))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", fake_exec)
    status: list[str] = []
    plan_ctx.events.status_message.connect(status.append)
    page.print_informe()
    assert printed.exists() and printed.stat().st_size > 1000
    assert status and "impresora" in status[-1]
    from PySide6.QtPdf import QPdfDocument

    copies = []
    for pdf in (tmp_path / "informe.pdf", printed):
        doc = QPdfDocument()
        doc.load(str(pdf))
        copies.append(doc.pageCount())
        doc.close()
    assert copies[0] >= 1 and copies[1] == copies[0]  # every page reached the printer
    assert f"({copies[0]} páginas)" in status[-1]


def test_informe_menu_saves_the_strategy_documents(qtbot, plan_ctx, tmp_path, monkeypatch):
    page = _page(qtbot, plan_ctx)
    labels = [a.text() for a in page.informe_button.menu().actions()]
    assert (
        "Evaluación de la estrategia (MURC) en PDF…" in labels
        and "Informe en lenguaje claro del cuatrimestre (PDF)…" in labels
    )
    for doc, kind in (("murc", "xlsx"), ("actividades", "pdf"), ("ciudadano", "pdf")):
        out = tmp_path / f"{doc}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, _o=out, **k: (str(_o), ""))
        page.save_document(doc, kind)
        assert page.last_saved == out.with_suffix(f".{kind}") and page.last_saved.stat().st_size > 1000


def test_calendar_tab_adds_a_local_holiday(qtbot, plan_ctx, monkeypatch, messages):
    from ui.pages.followup import HolidayDialog

    page = _page(qtbot, plan_ctx)
    cal = page.calendar
    assert cal.country.currentData() == "CO"  # follows the plan's country
    cal.show()

    def fake_exec(dlg):
        dlg.day.setDate(QDate(YEAR, 11, 20))
        dlg.name.setText("Fiesta de Pasto")
        dlg.local.setChecked(True)
        dlg.locality.setText("Pasto")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(HolidayDialog, "exec", fake_exec)
    cal.add()
    names = [cal.model.row(r).name for r in range(cal.model.rowCount())]
    assert "Fiesta de Pasto" in names and not messages
