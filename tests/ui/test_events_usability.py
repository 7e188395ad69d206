"""Events as a technician at the door and at the desk uses them: refusals seen in colour, no message
left over from another event, a question before an incomplete acta, a territory found by typing,
attendees placed in the event's canton, files named after the event, right-click menus."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from rcdesk.services.attendance import AttendanceInput, AttendanceService
from rcdesk.services.events import EventInput, EventService
from rcdesk.services.reference import ReferenceService
from ui.files import export_folder

pytestmark = pytest.mark.ui

RED, AMBER = "#c62828", "#b7860b"


@pytest.fixture
def world(ui_ctx):
    ref = ReferenceService(ui_ctx.db)
    ref.ensure_builtin_territories()
    guamote = ref.territory_by_code("0606", "EC")
    svc = EventService(ui_ctx.db)
    a = svc.create(
        EventInput(
            title="Deliberación pública",
            event_date=date(2026, 5, 20),
            territory_id=guamote.territory_id,
            venue="Coliseo",
        )
    )
    b = svc.create(EventInput(title="Audiencia de rendición", event_date=date(2026, 6, 3)))
    return {"a": a, "b": b, "guamote": guamote, "ref": ref}


@pytest.fixture
def page(qtbot, ui_ctx, world):
    from ui.pages.events import EventsPage

    p = EventsPage(ui_ctx)
    qtbot.addWidget(p)
    p.resize(1366, 700)
    p.show()
    p.select_event(world["a"].event_id)
    return p


@pytest.fixture
def boxes(monkeypatch):
    """Message boxes: records (title, text) and clicks the button named in `answer[0]` if any."""
    seen: list[tuple[str, str]] = []
    answer: list[str] = []

    def run(box):
        seen.append((box.windowTitle(), box.text()))
        for b in box.buttons():
            if answer and b.text().replace("&", "") == answer[0]:
                b.click()
        return 0

    def question(parent, title, text, *a, **k):
        seen.append((title, text))
        yes = any(x == "Yes" for x in answer)
        return QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "exec", run)
    monkeypatch.setattr(QMessageBox, "question", question)
    return seen, answer


@pytest.fixture
def save_dialog(monkeypatch):
    starts: list[str] = []
    answer: list[Path] = []

    def fake(parent, title, start, filters):
        starts.append(start)
        return (str(answer[0]), "") if answer else ("", "")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)
    return starts, answer


# 1. door registration ---------------------------------------------------------------------------------
def test_a_person_already_registered_is_refused_in_red_until_the_next_person_is_typed(qtbot, page):
    tab = page.workspace.tab("asistencia")
    qtbot.keyClicks(tab.id_edit, "1714307103")
    qtbot.keyClick(tab.id_edit, Qt.Key.Key_Return)
    tab.name.setText("María García")
    qtbot.keyClick(tab.name, Qt.Key.Key_Return)
    assert tab.message_level == "success" and "Nº 1" in tab.message.text()

    qtbot.keyClicks(tab.id_edit, "1714307103")
    qtbot.keyClick(tab.id_edit, Qt.Key.Key_Return)
    assert tab.message_level == "error" and "Ya registrado/a" in tab.message.text() and "Nº 1" in tab.message.text()
    assert RED in tab.message.styleSheet() and tab.flagged is tab.id_edit and RED in tab.id_edit.styleSheet()
    assert tab.id_edit.selectedText() == "1714307103"  # typing the next person replaces it

    qtbot.keyClicks(tab.id_edit, "0")  # the next person
    assert tab.message_level == "" and tab.message.styleSheet() == "" and tab.id_edit.styleSheet() == ""
    assert tab.model.rowCount() == 1


def test_an_invalid_document_is_an_amber_warning_and_a_refusal_marks_the_field_at_fault(qtbot, page):
    tab = page.workspace.tab("asistencia")
    qtbot.keyClicks(tab.id_edit, "1714307104")
    qtbot.keyClick(tab.id_edit, Qt.Key.Key_Return)
    assert tab.message_level == "warning" and "dígito verificador" in tab.message.text()
    assert AMBER in tab.id_edit.styleSheet() and AMBER in tab.message.styleSheet()

    tab.id_edit.clear()
    tab.name.clear()
    tab.register()  # no name: refused, the name field is marked
    assert tab.message_level == "error" and "Falta el nombre" in tab.message.text()
    assert tab.flagged is tab.name and RED in tab.name.styleSheet() and tab.id_edit.styleSheet() == ""
    qtbot.keyClicks(tab.name, "R")
    assert tab.message_level == "" and tab.name.styleSheet() == ""


def test_the_message_flashes_then_settles(qtbot, page):
    tab = page.workspace.tab("asistencia")
    tab.register()  # refused: no name
    painted = set()
    qtbot.waitUntil(lambda: painted.add(tab.message.styleSheet()) or not tab._flash_timer.isActive(), timeout=3000)
    assert len(painted) == 2  # strong and light alternate: seen from the corner of the eye, no sound
    assert "#fdecea" in tab.message.styleSheet()  # it ends on the calm colour, still red-bordered


# 2. stale messages ------------------------------------------------------------------------------------------
def test_choosing_another_event_clears_what_was_said_about_the_last(qtbot, page, world, save_dialog, boxes, tmp_path):
    seen, answer = boxes
    answer.append("Generar de todos modos")
    save_dialog[1].append(tmp_path / "acta.pdf")
    actas = page.workspace.tab("actas")
    actas.save("deliberacion")
    banner = page.workspace.banner
    assert banner.isVisibleTo(page) and "Acta No. 001-2026 guardada" in banner.text
    assert "Acta No. 001-2026" in actas.result.text()
    door = page.workspace.tab("asistencia")
    door.show_message("error", "Ya registrado/a en este evento: Nº 1 María García.", door.id_edit)
    page.workspace.tab("actas")

    page.select_event(world["b"].event_id)
    assert page.workspace.ev.event_id == world["b"].event_id
    assert not banner.isVisibleTo(page) and banner.text == ""
    assert actas.result.text() == ""
    assert page.workspace.tab("asistencia") is door
    assert door.message_level == "" and door.id_edit.styleSheet() == ""


# 3. incomplete acta ---------------------------------------------------------------------------------------
def test_an_incomplete_acta_is_produced_only_after_saying_what_it_lacks(qtbot, page, save_dialog, boxes, tmp_path):
    seen, answer = boxes
    starts, chosen = save_dialog
    actas = page.workspace.tab("actas")
    answer.append("Completar primero")
    actas.save("deliberacion")
    assert seen[-1][0] == "Acta incompleta"
    assert "moderador/a, secretario/a, autoridad, asistencia" in seen[-1][1]
    assert starts == [] and actas.model.rowCount() == 0  # no file asked for, no number spent


def test_a_complete_acta_asks_nothing(qtbot, ui_ctx, page, world, save_dialog, boxes, tmp_path):
    from dataclasses import asdict

    ev = EventService(ui_ctx.db).get(world["a"].event_id)
    data = {k: v for k, v in asdict(ev).items() if k in EventInput.__dataclass_fields__}
    data.update(moderator="Ana Paca", secretary="Luis Yumi", authority="Alcalde de Guamote")
    EventService(ui_ctx.db).update(ev.event_id, EventInput(**data))
    AttendanceService(ui_ctx.db).register(ev.event_id, AttendanceInput(full_name="Rosa Caiza"))
    seen, _ = boxes
    save_dialog[1].append(tmp_path / "acta")
    actas = page.workspace.tab("actas")
    actas.save("compromiso")
    assert seen == [] and actas.model.rowCount() == 1 and (tmp_path / "acta.pdf").is_file()


# 4. «Nuevo evento» -------------------------------------------------------------------------------------
def _new_event_dialog(ui_ctx, page, monkeypatch, plan_country: str):
    from rcdesk.models.plans import Plan
    from ui.dialogs.events_dialogs import NewEventDialog

    inst = ReferenceService(ui_ctx.db).find_or_create_institution(
        "GAD Municipal de Guamote" if plan_country == "EC" else "Alcaldía de Itagüí", plan_country
    )
    with ui_ctx.db.begin() as s:
        plan = Plan(institution_id=inst.institution_id, year=2026, layout="cpccs", title="P", header_lines=[])
        s.add(plan)
        s.flush()
        ui_ctx.current_plan_id = plan.id
    made: list[NewEventDialog] = []
    monkeypatch.setattr(NewEventDialog, "exec", lambda self: made.append(self) or 0)
    page.new_event()
    return made[0]


def test_new_event_territories_are_the_entitys_country_grouped_by_province_and_found_by_typing(
    qtbot, ui_ctx, page, world, monkeypatch
):
    dlg = _new_event_dialog(ui_ctx, page, monkeypatch, "EC")
    qtbot.addWidget(dlg)
    picker = dlg.territory
    names = picker.names()
    assert "Guamote" in names and "Riobamba" in names and "Itagüí" not in names
    tree = picker.tree
    headings = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert headings == ["(sin territorio)", "Chimborazo"]

    qtbot.keyClicks(picker.search, "guamo")  # no accent or capital needed
    shown = picker.shown_names()  # the canton, then its parishes
    assert shown[:2] == ["Guamote", "Guamote"] and "Cebadas" in shown and "Riobamba" not in shown
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)  # Enter takes the first match: the canton
    assert picker.current_id() == world["guamote"].territory_id
    dlg.title.setText("Audiencia")
    assert dlg.values().territory_id == world["guamote"].territory_id


def test_a_colombian_entitys_event_lists_municipalities_only(qtbot, ui_ctx, page, monkeypatch):
    dlg = _new_event_dialog(ui_ctx, page, monkeypatch, "CO")
    qtbot.addWidget(dlg)
    names = dlg.territory.names()
    assert "Itagüí" in names and "Guamote" not in names and "Riobamba" not in names


def test_the_data_tab_picks_the_territory_in_the_searchable_tree(qtbot, ui_ctx, page, world):
    data = page.workspace.tab("datos")
    assert data.territory.line.text() == "Guamote (0606)"
    dlg = data.territory.picker_dialog()
    qtbot.addWidget(dlg)
    picker = dlg.picker
    assert picker.current_id() == world["guamote"].territory_id  # opens on the event's canton
    assert "Itagüí" not in picker.names()  # only the event's country
    qtbot.keyClicks(picker.search, "riobamba")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    riobamba = world["ref"].territory_by_code("0601", "EC")
    assert picker.current_id() == riobamba.territory_id
    data.territory.accept_choice(picker.current_id())
    assert data.territory.line.text() == "Riobamba (0601)"
    data.save()
    assert EventService(ui_ctx.db).get(world["a"].event_id).territory_id == riobamba.territory_id


def test_tab_leaves_the_date_field_of_a_new_event(qtbot, ui_ctx, page, monkeypatch):
    dlg = _new_event_dialog(ui_ctx, page, monkeypatch, "EC")
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.activateWindow()
    dlg.date.setFocus()
    qtbot.waitUntil(dlg.date.hasFocus)
    qtbot.keyClick(dlg.date, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dlg.plan


# 5. the event's canton by default -----------------------------------------------------------------------
def test_attendees_at_the_door_are_placed_in_the_events_canton(qtbot, ui_ctx, page, world):
    tab = page.workspace.tab("asistencia")
    assert tab.territory.text() == "Guamote"
    qtbot.keyClicks(tab.name, "Rosa Caiza")
    qtbot.keyClick(tab.name, Qt.Key.Key_Return)
    assert tab.territory.text() == "Guamote"  # still offered for the next person
    tab.territory.setText("Comunidad Gaushi")
    qtbot.keyClicks(tab.name, "Juan Lema")
    qtbot.keyClick(tab.name, Qt.Key.Key_Return)
    rows = AttendanceService(ui_ctx.db).all_attendance(world["a"].event_id)
    assert [(r.full_name, r.territory) for r in rows] == [("Rosa Caiza", "Guamote"), ("Juan Lema", "Comunidad Gaushi")]
    page.select_event(world["b"].event_id)  # an event without territory offers none
    assert tab.territory.text() == ""


# 6. files --------------------------------------------------------------------------------------------
def test_acta_is_named_after_kind_place_and_date_in_the_export_folder_and_offers_to_open_it(
    qtbot, ui_ctx, page, save_dialog, boxes, monkeypatch
):
    seen, answer = boxes
    answer.append("Generar de todos modos")
    starts, chosen = save_dialog
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    actas = page.workspace.tab("actas")
    actas.save("deliberacion")  # the user gives up in the file dialog: nothing issued
    first = Path(starts[-1])
    assert first.name == "acta-deliberacion-guamote-2026-05-20.pdf"
    assert first.parent == export_folder(ui_ctx.settings) and actas.model.rowCount() == 0

    target = first.parent / "acta-deliberacion-guamote-2026-05-20.pdf"
    target.write_bytes(b"la primera")
    chosen.append(first.parent / "acta-deliberacion-guamote-2026-05-20")  # typed without «.pdf»
    answer[:] = ["Generar de todos modos", "No"]
    actas.save("deliberacion")
    assert seen[-1][0] == "El archivo ya existe" and target.read_bytes() == b"la primera"
    assert actas.model.rowCount() == 0  # refused before the acta got a number

    answer[:] = ["Generar de todos modos", "Yes"]
    actas.save("deliberacion")
    assert target.read_bytes()[:4] == b"%PDF"
    banner = page.workspace.banner
    assert banner.level == "success" and target.name in banner.text
    assert banner.action_texts() == ["Abrir", "Abrir carpeta"]
    banner.trigger("Abrir")
    banner.trigger("Abrir carpeta")
    assert opened == [str(target), str(target.parent)]


@pytest.mark.parametrize(
    "mode,name",
    [
        ("blank", "hoja-asistencia-guamote-2026-05-20.pdf"),
        ("filled", "lista-asistencia-guamote-2026-05-20.pdf"),
        ("published", "lista-asistencia-publicable-guamote-2026-05-20.pdf"),
    ],
)
def test_attendance_sheets_are_named_after_the_event(qtbot, page, save_dialog, tmp_path, mode, name):
    starts, chosen = save_dialog
    tab = page.workspace.tab("asistencia")
    chosen.append(tmp_path / name)
    tab.pdf(mode)
    assert Path(starts[-1]).name == name
    assert (tmp_path / name).read_bytes()[:4] == b"%PDF"
    assert page.workspace.banner.action_texts() == ["Abrir", "Abrir carpeta"]


def test_a_persons_data_is_saved_under_their_name_with_the_banner(qtbot, ui_ctx, world, save_dialog, tmp_path):
    from ui.dialogs.events_people import DossierDialog

    row = AttendanceService(ui_ctx.db).register(
        world["a"].event_id, AttendanceInput(full_name="María García", id_number="1714307103")
    )
    person = AttendanceService(ui_ctx.db).lookup(row.id_number)
    dlg = DossierDialog(ui_ctx, person.person_id)
    qtbot.addWidget(dlg)
    starts, chosen = save_dialog
    chosen.append(tmp_path / "maria.json")
    dlg.save("json")
    assert Path(starts[-1]).name == f"datos-personales-maria-garcia-{date.today().isoformat()}.json"
    assert (tmp_path / "maria.json").is_file() and dlg.banner.action_texts() == ["Abrir", "Abrir carpeta"]


# 7. right-click menus ------------------------------------------------------------------------------------
def _texts(menu) -> list[str]:
    return [a.text().replace("&", "") for a in menu.actions()]


def _trigger(menu, text: str) -> None:
    next(a for a in menu.actions() if a.text().replace("&", "") == text).trigger()


def test_events_list_menu_opens_tabs_copies_the_row_and_exports_the_table(qtbot, ui_ctx, page, save_dialog, tmp_path):
    from openpyxl import load_workbook

    view = page.view
    row = next(r for r in range(page.model.rowCount()) if page.model.row_at(r).title == "Audiencia de rendición")
    menu = view.table_menu.build(page.model.index(row, 1))
    assert _texts(menu) == [
        "Editar datos del evento",
        "Registrar asistencia",
        "Actas",
        "",
        "Copiar celda",
        "Copiar fila",
        "",
        "Exportar tabla a CSV…",
        "Exportar tabla a Excel…",
    ]
    assert page.workspace.ev.title == "Audiencia de rendición"  # the right click chose the row it acts on
    _trigger(menu, "Actas")
    assert page.workspace.tabs.currentWidget() is page.workspace.pages["actas"]

    _trigger(menu, "Copiar fila")
    header, line = QApplication.clipboard().text().split("\n")
    assert "Título" in header.split("\t") and "Audiencia de rendición" in line.split("\t")
    assert "03/06/2026" in line.split("\t")

    starts, chosen = save_dialog
    chosen.append(tmp_path / "eventos")
    _trigger(menu, "Exportar tabla a CSV…")
    assert Path(starts[-1]).name == f"eventos-{date.today().isoformat()}.csv"
    text = (tmp_path / "eventos.csv").read_bytes().decode("utf-8-sig")
    lines = text.splitlines()
    assert "Título" in lines[0].split(";") and len(lines) == 3 and "Audiencia de rendición" in text
    chosen[:] = [tmp_path / "eventos.xlsx"]
    _trigger(menu, "Exportar tabla a Excel…")
    ws = load_workbook(tmp_path / "eventos.xlsx").active
    assert ws.max_row == 3 and "Título" in [c.value for c in ws[1]]
    assert page.banner.action_texts() == ["Abrir", "Abrir carpeta"]


def test_tables_with_personal_data_offer_no_export(qtbot, ui_ctx, page):
    from ui.pages.events import DirectoryPage

    door = page.workspace.tab("asistencia")
    door.name.setText("Rosa Caiza")
    door.register()
    menu = door.view.table_menu.build(door.model.index(0, 1))
    assert _texts(menu) == ["Quitar registro…", "", "Copiar celda", "Copiar fila"]
    invitations = page.workspace.tab("invitaciones")
    assert not any("Exportar" in t for t in _texts(invitations.view.table_menu.build()))
    directory = DirectoryPage(ui_ctx)
    qtbot.addWidget(directory)
    texts = _texts(directory.view.table_menu.build(directory.model.index(0, 0)))
    assert texts[0] == "Ver y exportar datos…" and not any("Exportar tabla" in t for t in texts)
