"""The first-start assistant: shown for a database nobody set up, saves who, what and where, then
takes the user to the step chosen; «Omitir por ahora» keeps it away without changing anything."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWizard

from rcdesk.services.installation_setup import needs_setup, saved_setup


@pytest.fixture
def window(qtbot, ui_ctx):
    from ui.main_window import MainWindow

    w = MainWindow(ui_ctx)
    qtbot.addWidget(w)
    w.show()
    return w


def _territory(wizard, name: str):
    tree = wizard.territories.tree
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        for j in range(top.childCount()):
            if top.child(j).text(0) == name:
                return top.child(j)
    raise AssertionError(f"{name} is not listed")


def test_only_a_database_nobody_set_up_asks(ui_ctx, demo_ctx):
    assert needs_setup(ui_ctx.db)
    assert not needs_setup(demo_ctx.db)  # it has its entities: whoever loaded it is past the first start


def test_headquarters_set_up_then_the_chosen_step_opens(qtbot, window, ui_ctx, monkeypatch):
    from ui.first_start import run_first_start

    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda _p, title, *a, **k: asked.append(title) or ("", ""))
    wizard = run_first_start(window)
    assert wizard.isVisible() and wizard.button(QWizard.WizardButton.CancelButton).text() == "&Omitir por ahora"
    wizard.role_page.hq.setChecked(True)
    wizard.next()
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert wizard.identity.installation.text() == "Pruebas"  # the name given at creation is offered
    wizard.identity.installation.clear()
    assert not next_button.isEnabled()  # installation and entity are required
    qtbot.keyClicks(wizard.identity.installation, "Sede Riobamba")
    wizard.identity.person.setText("María Guamán")
    wizard.identity.entity.setText("Gobernación de Chimborazo")
    assert next_button.isEnabled()
    wizard.next()

    wizard.territories.search.setText("guamo")  # no accent needed, provinces stay as headings
    guamote = _territory(wizard, "Guamote")
    assert not guamote.isHidden() and _territory(wizard, "Riobamba").isHidden()
    guamote.setCheckState(0, Qt.CheckState.Checked)
    wizard.next()
    # at headquarters encrypting the file is a choice, off unless asked for
    assert wizard.currentPage() is wizard.protect and not wizard.protect.encrypt.isChecked()
    assert not wizard.protect.fields.isEnabled() and next_button.isEnabled()
    wizard.next()
    assert wizard.next_page.choice == "import"  # headquarters usually starts from its cronograma
    wizard.accept()

    db = ui_ctx.db
    assert (db.installation_name, db.role) == ("Sede Riobamba", "hq")
    assert window.windowTitle() == "rcdesk — Sede Riobamba"
    from rcdesk.services.reference import ReferenceService

    assert [(i.name, i.country) for i in ReferenceService(db).institutions()] == [("Gobernación de Chimborazo", "EC")]
    saved = saved_setup(db)
    assert saved["person"] == "María Guamán" and saved["territory_ids"] == [guamote.data(0, Qt.ItemDataRole.UserRole)]
    assert not needs_setup(db)
    assert window.current_page_key() == "plans" and asked == ["Importar un plan desde Excel"]


def test_a_field_technician_is_offered_the_base_package_first(qtbot, window, monkeypatch):
    from ui.first_start import run_first_start

    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda _p, title, *a, **k: asked.append(title) or ([], ""))
    wizard = run_first_start(window)
    wizard.next()
    wizard.identity.installation.setText("Técnico cantón Colta")
    wizard.identity.entity.setText("Alcaldía de Pasto")
    wizard.identity.country.setCurrentIndex(wizard.identity.country.findData("CO"))
    wizard.next()
    assert wizard.territories.tree.topLevelItemCount() > 0
    assert "municipios" in wizard.territories.status.text()
    wizard.next()
    # a field laptop cannot go on without a passphrase (typed twice, strong enough)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert wizard.currentPage() is wizard.protect and wizard.protect.encrypt.isHidden()
    assert not next_button.isEnabled()
    wizard.protect.fields.first.setText("corta")
    assert "8 caracteres" in wizard.protect.fields.message.text() and not next_button.isEnabled()
    wizard.protect.fields.first.setText("montaña azul 42")
    wizard.protect.fields.second.setText("montaña azul 42")
    assert next_button.isEnabled()
    wizard.next()
    assert wizard.next_page.choice == "base"
    wizard.accept()
    assert window.current_page_key() == "sync" and asked == ["Importar paquetes"]
    assert window.ctx.db.role == "field"
    # the database is now an SQLCipher file; the window goes on working on it with the key in memory
    path = window.ctx.db.paths.database
    assert not path.read_bytes().startswith(b"SQLite format 3\x00")
    from rcdesk.security import unlocked, vault

    assert vault.unlock(path, "montaña azul 42") == unlocked.key_for(path)
    assert saved_setup(window.ctx.db)["person"] == "" and not needs_setup(window.ctx.db)
    unlocked.forget(path)


def test_skipping_changes_nothing_and_is_not_asked_again(qtbot, window, ui_ctx):
    from ui.first_start import run_first_start

    before = ui_ctx.db.installation_name
    wizard = run_first_start(window)
    wizard.reject()
    assert ui_ctx.db.installation_name == before and not needs_setup(ui_ctx.db)
    assert "skipped_at" in saved_setup(ui_ctx.db)
