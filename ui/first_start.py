"""The first-start assistant: field or headquarters, who and for which entity, territories, next step.

Built only when a database nobody has set up is opened from `ui.app.run` (never on the normal
start-up path, never by the tests' contexts). Closing it with «Omitir por ahora» records that
choice; Archivo › «Asistente de configuración…» opens it again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from rcdesk.catalogs import COUNTRIES

from .dialogs.passphrase import NewPassphraseFields

if TYPE_CHECKING:
    from .widgets.territory_picker import TerritoryPicker

# the next step offered at the end, in the order shown; `field` and `hq` pick the default
NEXT_STEPS = (
    ("base", "Importar el paquete base que me envió la sede"),
    ("import", "Importar un cronograma o plan desde Excel"),
    ("template", "Empezar un plan desde una plantilla"),
    ("demo", "Cargar los datos de ejemplo para conocer rcdesk"),
    ("nothing", "Nada por ahora: ir a la pantalla principal"),
)


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class RolePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Bienvenido a rcdesk")
        self.setSubTitle("Unas pocas preguntas para preparar esta instalación. Puede cambiar todo después.")
        self.field = QRadioButton("&Técnico de campo: trabajo en cantones o parroquias y envío paquetes a la sede")
        self.hq = QRadioButton("&Sede central: recibo los paquetes de los técnicos y consolido los informes")
        self.field.setChecked(True)
        self.group = QButtonGroup(self)
        for b in (self.field, self.hq):
            self.group.addButton(b)
        lay = QVBoxLayout(self)
        lay.addWidget(_hint("¿Cómo usará esta computadora?"))
        lay.addWidget(self.field)
        lay.addWidget(self.hq)
        lay.addStretch(1)

    @property
    def role(self) -> str:
        return "hq" if self.hq.isChecked() else "field"


class IdentityPage(QWizardPage):
    def __init__(self, installation_name: str, person: str) -> None:
        super().__init__()
        self.setTitle("Quién y para qué entidad")
        self.setSubTitle("El nombre de la instalación se ve en la sede junto a cada paquete que envíe.")
        self.installation = QLineEdit(installation_name)
        self.installation.setPlaceholderText("p. ej. Técnico cantón Guamote")
        self.person = QLineEdit(person)
        self.person.setPlaceholderText("Nombre y apellido de quien usa esta instalación")
        self.entity = QLineEdit()
        self.entity.setPlaceholderText("p. ej. GAD Municipal de Guamote o Alcaldía de Pasto")
        self.country = QComboBox()  # filled when the page is first shown (initializePage)
        form = QFormLayout(self)
        form.addRow("&Nombre de esta instalación:", self.installation)
        form.addRow("&Su nombre:", self.person)
        form.addRow("&Entidad:", self.entity)
        form.addRow("&País:", self.country)
        self.registerField("installation*", self.installation)
        self.registerField("entity*", self.entity)

    def initializePage(self) -> None:
        # Not in the constructor: a combo's first item builds its popup, which the assistant's
        # first page, painted at start-up, does not need.
        if not self.country.count():
            for code, label in COUNTRIES.items():
                self.country.addItem(label, code)


class TerritoriesPage(QWizardPage):
    """Cantons (Ecuador) or municipalities (Colombia) of the entity's country, grouped and searchable."""

    def __init__(self, load: Callable[[str, Callable[[list], None]], None]) -> None:
        super().__init__()
        self._load = load
        self._country = ""
        self.setTitle("Territorios de trabajo")
        self.setSubTitle("Marque los cantones o municipios donde trabaja (puede dejarlo para después).")
        self.picker: TerritoryPicker | None = None  # with `search` and `tree`, built when first shown
        self.status = _hint("")
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.status)

    def _build_picker(self) -> TerritoryPicker:
        """Built when the page is first shown: the picker touches the `Qt` enums, which the
        assistant's first page, painted at start-up, does not need (start-up budget)."""
        from .widgets.territory_picker import TerritoryPicker

        picker = TerritoryPicker(checkable=True, levels=("CANTON", "MUNICIPIO"))
        self.search, self.tree = picker.search, picker.tree
        self._layout.insertWidget(0, picker, 1)
        return picker

    def initializePage(self) -> None:
        if self.picker is None:
            self.picker = self._build_picker()
        country = self.wizard().identity.country.currentData()
        if country != self._country:
            self._country = country
            self.tree.clear()
            self.status.setText("Cargando territorios…")
            self._load(country, self._fill)

    def _fill(self, rows: list) -> None:
        count = self.picker.set_territories(rows)
        self.status.setText(
            f"{count} {'cantones' if self._country == 'EC' else 'municipios'}. "
            "Puede agregar más territorios después en «Entidad y territorio»."
        )

    def checked_ids(self) -> list[str]:
        return self.picker.checked_ids() if self.picker is not None else []


class ProtectPage(QWizardPage):
    """The database's passphrase (issue 16): required on a field laptop, optional at headquarters.

    Only added for a plain SQLite file (a server protects its own data; an encrypted file has one)."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Proteja los datos de este equipo")
        self.setSubTitle(
            "rcdesk guarda datos personales (nombres, cédulas, teléfonos) que la LOPDP y la Ley 1581 "
            "obligan a proteger. Con una contraseña, la base de datos queda cifrada en el disco."
        )
        self.why = _hint("")
        self.encrypt = QCheckBox("&Cifrar esta base de datos")
        self.fields = NewPassphraseFields(self)
        self.fields.changed.connect(self.completeChanged)
        self.encrypt.toggled.connect(self._follow_choice)
        lay = QVBoxLayout(self)
        lay.addWidget(self.why)
        lay.addWidget(self.encrypt)
        lay.addWidget(self.fields)
        lay.addStretch(1)

    def initializePage(self) -> None:
        field = self.wizard().role_page.role == "field"
        self.encrypt.setVisible(not field)
        self.why.setText(
            "Un portátil de campo se puede perder: escriba una contraseña que recuerde. No se guarda en "
            "ninguna parte; si la olvida, la sede central puede recuperar la base de datos."
            if field
            else "En la sede es opcional: actívelo si este computador es portátil o lo usan otras personas. "
            "La contraseña no se guarda en ninguna parte; anótela en un lugar seguro."
        )
        self._follow_choice()

    @property
    def wants_encryption(self) -> bool:
        return self.wizard().role_page.role == "field" or self.encrypt.isChecked()

    def _follow_choice(self, *_args) -> None:
        wanted = self.wants_encryption
        if not wanted:
            self.fields.clear()  # a passphrase typed and then declined is not kept around
        self.fields.setEnabled(wanted)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.wants_encryption or self.fields.problem() is None

    def passphrase(self) -> str | None:
        """The passphrase to encrypt with, None to leave the database as it is."""
        if self.wizard() is None or not self.wants_encryption or self.fields.problem() is not None:
            return None
        return self.fields.passphrase()


class NextStepPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("¿Qué quiere hacer ahora?")
        self.setSubTitle("Al terminar, rcdesk le lleva a ese paso.")
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        lay = QVBoxLayout(self)
        for key, text in NEXT_STEPS:
            b = QRadioButton(text)
            self.group.addButton(b)
            self.buttons[key] = b
            lay.addWidget(b)
        lay.addStretch(1)

    def initializePage(self) -> None:
        self.buttons["base" if self.wizard().role_page.role == "field" else "import"].setChecked(True)

    @property
    def choice(self) -> str:
        return next(k for k, b in self.buttons.items() if b.isChecked())


class FirstStartWizard(QWizard):
    """`answers()` and `next_step` after `accepted`; pages are attributes for keyboard and tests."""

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Asistente de configuración de rcdesk")
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.BackButton, "< &Atrás")
        self.setButtonText(QWizard.WizardButton.NextButton, "&Siguiente >")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Terminar")
        self.setButtonText(QWizard.WizardButton.CancelButton, "&Omitir por ahora")
        name = ctx.db.installation_name
        suggested = "" if name.startswith("Instalación ") else name  # the computer's name says nothing
        self.role_page = RolePage()
        self.identity = IdentityPage(suggested, "")
        self.territories = TerritoriesPage(self._load_territories)
        self.next_page = NextStepPage()
        from .security import can_encrypt

        # None once the database is encrypted or on a server: nothing to choose
        self.protect = ProtectPage() if can_encrypt(ctx.db) else None
        for page in (self.role_page, self.identity, self.territories, self.protect, self.next_page):
            if page is not None:
                self.addPage(page)
        self.resize(720, 520)

    def _load_territories(self, country: str, show: Callable[[list], None]) -> None:
        from rcdesk.services.reference import ReferenceService

        svc = ReferenceService(self.ctx.db)

        def job() -> list:
            svc.ensure_builtin_territories()  # a new database has none yet: a write, hence the worker
            return svc.territories(country)

        self.ctx.runner.write(job, parent=self, on_done=show, title="Cargando territorios…")

    def answers(self):
        from rcdesk.services.installation_setup import SetupAnswers

        return SetupAnswers(
            role=self.role_page.role,
            installation_name=self.identity.installation.text(),
            person=self.identity.person.text(),
            entity=self.identity.entity.text(),
            country=self.identity.country.currentData(),
            territory_ids=self.territories.checked_ids(),
        )

    @property
    def next_step(self) -> str:
        return self.next_page.choice

    def passphrase(self) -> str | None:
        """The passphrase chosen to encrypt the database (None: it stays as it is)."""
        return self.protect.passphrase() if self.protect is not None else None


def run_first_start(window) -> FirstStartWizard:
    """Open the assistant over `window`; on Terminar save the answers and take the chosen step."""
    from rcdesk.services.installation_setup import confirm_setup, skip_setup

    ctx = window.ctx
    wizard = FirstStartWizard(ctx, window)

    def saved(_result, passphrase: str | None, step: str) -> None:
        window.setWindowTitle(f"rcdesk — {ctx.db.installation_name}")
        ctx.events.status_message.emit(f"Instalación «{ctx.db.installation_name}» configurada.")
        if passphrase is None:
            take_step(window, step)
            return
        from .security import encrypt_open_database

        encrypt_open_database(window, passphrase, on_done=lambda: take_step(window, step))

    def finished(result: int) -> None:
        if result == QWizard.DialogCode.Accepted.value:
            answers, passphrase, step = wizard.answers(), wizard.passphrase(), wizard.next_step
            ctx.runner.write(
                lambda: confirm_setup(ctx.db, answers),
                parent=window,
                on_done=lambda result: saved(result, passphrase, step),
                title="Guardando la configuración…",
            )
        else:
            ctx.runner.write(lambda: skip_setup(ctx.db), parent=window)

    wizard.finished.connect(finished)
    window.first_start = wizard  # kept alive while open
    wizard.open()
    return wizard


def take_step(window, step: str) -> None:
    """Open the page and the dialog of the step chosen at the end of the assistant."""
    if step == "base":
        window.show_page("sync").choose_and_import()
    elif step == "import":
        window.show_page("plans").import_plan()
    elif step == "template":
        window.show_page("plans").new_from_template()
    elif step == "demo":
        window.show_page("plans").load_demo()
