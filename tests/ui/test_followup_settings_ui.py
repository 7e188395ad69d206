"""GUI: the «Configuración» tab of Seguimiento (profiles, plan profile, evidence rule, deadline rules,
size limit) and editing / withdrawing / correcting progress reports from the history."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDialog, QMessageBox

from rcdesk.plans.parsed import ParsedActivity, ParsedGroup, ParsedPlan
from rcdesk.services.followup import FollowupService, ReportInput
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
def answers(monkeypatch):
    """QMessageBox.question answers Yes; information/warning texts are collected."""
    seen: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: seen.append(a[2]) or QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: seen.append(a[2]) or 0)
    monkeypatch.setattr(QMessageBox, "exec", lambda self: seen.append(self.text()) or 0)
    return seen


def _page(qtbot, ctx):
    from ui.pages.followup import FollowupPage

    page = FollowupPage(ctx)
    qtbot.addWidget(page)
    page.table.selectRow(0)
    return page


def _settings(page):
    page.tabs.setCurrentWidget(page.settings_tab)
    page.show()
    return page.settings_tab


def test_new_profile_with_a_gap_cannot_be_saved_then_is_chosen_for_the_plan(qtbot, plan_ctx, answers, monkeypatch):
    from ui.dialogs.followup_settings import ProfileDialog

    fu = FollowupService(plan_ctx.db)
    plan_id = plan_ctx.current_plan_id
    act = PlanService(plan_ctx.db).activities(plan_id)[0].activity_id
    r = fu.add_report(ReportInput(act, 1, 65, reported_on=date(YEAR, 1, 20)), today=date(YEAR, 12, 31))
    fu.review(r.report_id, validate=True)
    tab = _settings(_page(qtbot, plan_ctx))
    assert tab.profile_model.rowCount() == 2 and tab.plan_profile.currentData() is None
    assert "Colombia" in tab.plan_profile.currentText()

    def fill(dlg):
        dlg.name.setText("Semáforo municipal")
        dlg.table.item(1, dlg.COL_FROM).setText("65")  # rojo 0–60, amarillo 65–80: a gap
        problems = dlg.check()
        assert any("hueco entre 60 y 65" in p for p in problems)
        assert not dlg.buttons.button(dlg.buttons.StandardButton.Save).isEnabled()
        dlg.table.item(0, dlg.COL_TO).setText("65")
        dlg.table.item(0, dlg.COL_LABEL).setText("Bajo")
        dlg.table.item(1, dlg.COL_LABEL).setText("Medio")
        dlg.table.item(2, dlg.COL_LABEL).setText("Alto")
        assert dlg.check() == []
        dlg.save()
        return dlg.result()

    monkeypatch.setattr(ProfileDialog, "exec", fill)
    tab.profiles.selectRow(0)
    tab.new_profile()
    codes = [p.code for p in tab.profile_model.rows()]
    assert "SEMAFORO-MUNICIPAL" in codes
    tab.plan_profile.setCurrentIndex(tab.plan_profile.findData("SEMAFORO-MUNICIPAL"))
    tab.save_plan_profile()
    d = fu.dashboard(plan_id, cut=date(YEAR, 4, 30))
    assert d.profile.name == "Semáforo municipal"
    assert d.activities[0].light.label == "Medio"  # 65 % is yellow with the plan's own profile
    uses = tab.profile_model.uses
    assert uses["SEMAFORO-MUNICIPAL"] == "este plan" and "Colombia" in uses["CO-PAAC"]


def test_evidence_switch_and_size_limit(qtbot, plan_ctx, answers):
    from rcdesk.services.evidence import EvidenceService

    page = _page(qtbot, plan_ctx)
    tab = _settings(page)
    fu = FollowupService(plan_ctx.db)
    assert tab.evidence_required.isChecked() and fu.evidence_required(plan_ctx.current_plan_id)
    tab.evidence_required.setChecked(False)
    assert fu.evidence_required(plan_ctx.current_plan_id) is False
    tab.max_mb.setValue(5)
    tab.apply_mb.click()
    assert EvidenceService(plan_ctx.db).max_mb() == 5


def test_edit_a_deadline_rule(qtbot, plan_ctx, answers, monkeypatch):
    from rcdesk.services.calendar import CalendarService
    from ui.dialogs.followup_settings import RuleDialog

    page = _page(qtbot, plan_ctx)
    tab = _settings(page)
    rows = tab.rule_model.rows()
    assert rows[0].country == "CO"  # the plan's country first
    row = next(i for i, r in enumerate(rows) if r.code == "co_respuesta_peticion")
    tab.rules.selectRow(row)

    def change(dlg):
        assert dlg.offset.value() == 15 and dlg.unit.currentData() == "business_days"
        dlg.offset.setValue(20)
        dlg.unit.setCurrentIndex(dlg.unit.findData("calendar_days"))
        assert "20 días calendario después" in dlg.preview.text()
        dlg.save()
        return dlg.result()

    monkeypatch.setattr(RuleDialog, "exec", change)
    tab.edit_rule()
    rule = CalendarService(plan_ctx.db).rule("co_respuesta_peticion")
    assert (rule.offset, rule.unit) == (20, "calendar_days")
    shown = tab.rule_model.rows()[tab.rules.currentIndex().row()]
    assert shown.code == "co_respuesta_peticion" and shown.offset == 20
    tab.reset_rules()
    assert CalendarService(plan_ctx.db).rule("co_respuesta_peticion").offset == 15


def test_edit_then_withdraw_a_report_from_the_history(qtbot, plan_ctx, answers):
    page = _page(qtbot, plan_ctx)
    fu = FollowupService(plan_ctx.db)
    act = page.current_activity().activity_id
    fu.add_report(ReportInput(act, 1, 30, done_text="Borrador", reported_on=date(YEAR, 1, 20)))
    page.reload()
    page.history.selectRow(0)
    assert page.edit_button.isEnabled() and page.withdraw_button.isEnabled()
    page.edit_selected_report()
    dlg = page.report_dialog
    assert dlg.windowTitle() == "Editar reporte de avance"
    assert dlg.percent.value() == 30 and dlg.done_text.toPlainText() == "Borrador"
    dlg.percent.setValue(45)
    dlg.save()
    assert dlg.result() == QDialog.DialogCode.Accepted
    states = [(r.status, float(r.percent)) for r in page.history_model.rows()]
    assert states == [("REPORTADO", 45.0), ("SUSTITUIDO", 30.0)]
    page.history.selectRow(1)  # the old version is history only
    assert not page.withdraw_button.isEnabled() and not page.edit_button.isEnabled()
    page.history.selectRow(0)
    page.withdraw_selected_report()
    assert [r.status for r in page.history_model.rows()] == ["SUSTITUIDO"]


def test_a_validated_report_is_corrected_not_edited(qtbot, plan_ctx, answers):
    page = _page(qtbot, plan_ctx)
    fu = FollowupService(plan_ctx.db)
    act = page.current_activity().activity_id
    r = fu.add_report(ReportInput(act, 1, 50, reported_on=date(YEAR, 1, 20)))
    fu.review(r.report_id, validate=True)
    page.reload()
    page.history.selectRow(0)
    assert "Corr" in page.edit_button.text() and not page.withdraw_button.isEnabled()
    page.edit_selected_report()
    assert answers and "no se puede modificar" in answers[-1]
    dlg = page.report_dialog
    assert dlg.windowTitle() == "Corregir reporte validado" and not dlg.period.isEnabled()
    dlg.percent.setValue(70)
    dlg.reported_on.setDate(QDate(YEAR, 1, 25))
    dlg.save()
    assert [r.status for r in page.history_model.rows()] == ["REPORTADO", "VALIDADO"]
