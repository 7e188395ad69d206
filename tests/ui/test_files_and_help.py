"""Files the user saves (one export folder, names that do not collide, no silent overwrite, a banner
to open what was saved) and the in-app help (F1, the shortcuts list)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

from rcdesk.plans.parsed import ParsedActivity, ParsedGroup, ParsedPlan
from rcdesk.services.plans import PlanService
from ui.files import default_name, export_folder

YEAR = date.today().year


@pytest.fixture
def plan_ctx(ui_ctx):
    group = ParsedGroup(
        "fase",
        "Planificación",
        code="Fase 1",
        activities=[
            ParsedActivity("Conformar el equipo", number="1", start_date=date(YEAR, 1, 15), end_date=date(YEAR, 2, 15)),
        ],
    )
    parsed = ParsedPlan(
        layout="cpccs",
        title=f"Plan {YEAR}",
        entity="GAD Municipal de Guamote",
        year=YEAR,
        groups=[group],
        source_name="ui.xlsx",
    )
    ui_ctx.select_plan(PlanService(ui_ctx.db).save_parsed(parsed).plan_id)
    return ui_ctx


@pytest.fixture
def save_dialog(monkeypatch):
    """The save dialog: records where it started and answers with `answer[0]`."""
    calls: list[str] = []
    answer: list[Path] = []

    def fake(parent, title, start, filters):
        calls.append(start)
        return (str(answer[0]), "") if answer else ("", "")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)
    return calls, answer


def test_default_names_carry_what_the_file_is_about_and_its_date():
    assert (
        default_name("Acta deliberación", "Guamote", on=date(2026, 5, 20), suffix="pdf")
        == "acta-deliberacion-guamote-2026-05-20.pdf"
    )
    assert (
        default_name("Paquete", "Técnico cantón Colta", on=date(2026, 1, 2), suffix=".rcpaq")
        == "paquete-tecnico-canton-colta-2026-01-02.rcpaq"
    )


def test_informe_starts_in_the_export_folder_and_offers_to_open_what_was_saved(
    qtbot, plan_ctx, save_dialog, tmp_path, monkeypatch
):
    from ui.pages.followup import FollowupPage

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    page = FollowupPage(plan_ctx)
    qtbot.addWidget(page)
    page.show()
    calls, answer = save_dialog
    cut = page.cut.date().toString("yyyy-MM-dd")

    page.save_xlsx()  # the user cancels: nothing written, no banner
    first = Path(calls[-1])
    assert first.parent == export_folder(plan_ctx.settings) and first.parent.is_dir()
    assert first.name == f"informe-seguimiento-gad-municipal-de-guamote-{cut}.xlsx"
    assert not getattr(page, "banner", None) or page.banner.isHidden()

    usb = tmp_path / "usb"
    usb.mkdir()
    answer.append(usb / "corte")
    page.save_xlsx()
    saved = usb / "corte.xlsx"
    assert saved.is_file() and page.last_saved == saved
    assert page.banner.level == "success" and "corte.xlsx" in page.banner.text
    assert page.banner.action_texts() == ["Abrir", "Abrir carpeta"]
    page.banner.trigger("Abrir carpeta")
    page.banner.trigger("Abrir")
    assert opened == [str(usb), str(saved)]

    page.save_pdf()  # the folder last used for informes comes back
    assert Path(calls[-1]).parent == usb


def test_a_name_typed_without_its_extension_never_replaces_a_file_silently(
    qtbot, plan_ctx, save_dialog, tmp_path, monkeypatch
):
    from ui.pages.followup import FollowupPage

    page = FollowupPage(plan_ctx)
    qtbot.addWidget(page)
    existing = tmp_path / "informe.xlsx"
    existing.write_bytes(b"el informe del mes pasado")
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    save_dialog[1].append(tmp_path / "informe")
    page.save_xlsx()
    assert asked and "informe.xlsx" in asked[0]
    assert existing.read_bytes() == b"el informe del mes pasado"


def test_a_field_package_before_the_base_package_says_why_before_any_file_dialog(qtbot, ui_ctx, save_dialog):
    from ui.pages.sync import SyncPage

    page = SyncPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    page.btn_export.click()
    assert save_dialog[0] == []
    assert page.banner.level == "warning" and "paquete base" in page.banner.text
    assert page.banner.action_texts() == ["Importar paquete base…"]


def test_f1_opens_the_guide_at_the_chapter_of_the_page_on_screen(qtbot, ui_ctx):
    from PySide6.QtCore import Qt

    from ui.main_window import MainWindow

    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # shortcuts reach the active window only
    window.show_page("sync")
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F1)
    guide = window._guide
    assert guide.isVisible() and guide.chapter == "sincronizacion"
    assert "paquete base" in guide.browser.toPlainText()
    guide.browser.anchorClicked.emit(guide.browser.source().resolved("archivos.md"))
    assert guide.chapter == "archivos" and "Documentos/rcdesk" in guide.browser.toPlainText()


def test_every_section_has_its_own_chapter_in_spanish():
    from ui.help import CHAPTERS, GUIDE, chapter_for
    from ui.pages import PAGE_INDEX

    for _module, key, title, *_rest in PAGE_INDEX:
        name = chapter_for(key)
        assert name != "primeros-pasos", f"no chapter explains «{title}»"
    for name, _title, _keys in CHAPTERS:
        text = (GUIDE / f"{name}.md").read_text("utf-8")
        assert text.startswith("# ") and len(text) > 300, name


def test_the_guide_shows_its_pictures_of_the_pages_within_the_installers_budget(qtbot):
    import re

    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument

    from ui.help import CHAPTERS, GUIDE, GuideWindow

    pictures = sorted(GUIDE.glob("*.png"))
    assert len(pictures) >= 8 and sum(p.stat().st_size for p in pictures) < 1_500_000
    guide = GuideWindow()
    qtbot.addWidget(guide)
    named: set[str] = set()
    for name, _title, _keys in CHAPTERS:
        guide.show_chapter(name)
        for src in re.findall(r"!\[[^]]+\]\(([^)]+)\)", (GUIDE / f"{name}.md").read_text("utf-8")):
            named.add(src)
            image = guide.browser.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(src))
            assert image is not None and not image.isNull(), f"{name}: {src} does not show"
            assert image.width() <= 720, f"{src}: wider than the guide's text column"
    assert named == {p.name for p in pictures}  # every picture is shown by some chapter, none is missing


def test_the_shortcuts_list_names_the_keys_pages_answer_to(qtbot, ui_ctx):
    from ui.help import ShortcutsDialog

    dialog = ShortcutsDialog()
    qtbot.addWidget(dialog)
    rows = {(dialog.table.item(r, 0).text(), dialog.table.item(r, 2).text()) for r in range(dialog.table.rowCount())}
    assert {("F1", "Toda la aplicación"), ("Ctrl+R", "Seguimiento"), ("Ins", "Planes")} <= rows
