"""«Preguntas» tab of the event workspace: citizens' questions, their answers and deadlines."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from ...dialogs.events_dialogs import date_edit, pydate
from ...models.events_tables import (
    QuestionsModel,
)
from ..empty_hint import hinted
from ..table_menu import install_table_menu
from .base import EventTab, combo, selected, table


class QuestionsTab(EventTab):
    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        from rcdesk.models.events import QUESTION_CHANNELS, QUESTION_KINDS

        lay = QVBoxLayout(self)
        box = QGroupBox("Nueva pregunta ciudadana")
        f = QGridLayout(box)
        self.received = date_edit()
        self.channel = combo(QUESTION_CHANNELS)
        self.kind = combo(QUESTION_KINDS)
        self.asker = QLineEdit()
        self.asker.setPlaceholderText("Nombre de quien pregunta")
        self.contact = QLineEdit()
        self.contact.setPlaceholderText("Contacto para la respuesta")
        self.org = QLineEdit()
        self.org.setPlaceholderText("Organización")
        self.text = QLineEdit()
        self.text.setPlaceholderText("Pregunta")
        self.unit = QComboBox()
        add = QPushButton("&Agregar pregunta")
        add.clicked.connect(self.add)
        self.text.returnPressed.connect(self.add)
        for i, w in enumerate((self.received, self.channel, self.kind, self.unit)):
            f.addWidget(w, 0, i)
        for i, w in enumerate((self.asker, self.contact, self.org)):
            f.addWidget(w, 1, i)
        f.addWidget(self.text, 2, 0, 1, 3)
        f.addWidget(add, 2, 3)
        lay.addWidget(box)
        self.model = QuestionsModel(self)
        self.view = table(self.model, QuestionsModel.COL_TEXT)
        self.view.selectionModel().currentRowChanged.connect(self._selected)
        install_table_menu(self.view, [("&Responder", lambda: self.answer.setFocus())])  # askers' names: not exported
        lay.addWidget(
            hinted(
                self.view,
                self.model,
                "Sin preguntas ciudadanas",
                "Registre aquí las preguntas que la ciudadanía hace antes o durante el evento, por el canal que "
                "llegaron, para responderlas y publicar la respuesta. Llene «Nueva pregunta ciudadana» arriba y "
                "pulse «Agregar pregunta».",
                [("Escribir una &pregunta", lambda: self.text.setFocus())],
                chapter="eventos",
            ),
            1,
        )
        ans = QGroupBox("Respuesta a la pregunta seleccionada")
        g = QGridLayout(ans)
        self.answer = QPlainTextEdit()
        self.answer.setTabChangesFocus(True)
        self.answer.setFixedHeight(60)
        self.answered_on = date_edit()
        self.url = QLineEdit()
        self.url.setPlaceholderText("Enlace publicado (https://…)")
        save = QPushButton("&Guardar respuesta")
        save.clicked.connect(self.save_answer)
        g.addWidget(self.answer, 0, 0, 2, 1)
        g.addWidget(self.answered_on, 0, 1)
        g.addWidget(self.url, 0, 2)
        g.addWidget(save, 1, 2)
        lay.addWidget(ans)

    def refresh(self) -> None:
        from rcdesk.services.questions import QuestionService
        from rcdesk.services.reference import ReferenceService

        if self.ev is None:
            return
        if self.unit.count() == 0:
            self.unit.addItem("(sin asignar)", None)
            for u in ReferenceService(self.ctx.db).units(self.ev.institution_id):
                self.unit.addItem(u.name, u.unit_id)
        self.model.set_rows(QuestionService(self.ctx.db).list_questions(self.ev.event_id))

    def add(self) -> None:
        from rcdesk.services.questions import QuestionInput, QuestionService

        def done(_q) -> None:
            for w in (self.asker, self.contact, self.org, self.text):
                w.clear()
            self.refresh()
            self.asker.setFocus()

        self._save(
            done,
            QuestionService(self.ctx.db).add,
            QuestionInput(
                asker_name=self.asker.text(),
                text=self.text.text(),
                received_on=pydate(self.received.date()),
                channel=self.channel.currentData(),
                kind=self.kind.currentData(),
                event_id=self.ev.event_id,
                contact=self.contact.text(),
                organization=self.org.text(),
                assigned_unit_id=self.unit.currentData(),
            ),
        )

    def _selected(self, current, _prev) -> None:
        q = self.model.row_at(current.row())
        if q is not None:
            self.answer.setPlainText(q.answer or "")
            self.url.setText(q.published_url or "")

    def save_answer(self) -> None:
        from rcdesk.services.questions import QuestionService

        q = selected(self.view)
        if q is None:
            QMessageBox.information(self, "Preguntas", "Seleccione una pregunta de la lista.")
            return
        self._save(
            self._saved,
            QuestionService(self.ctx.db).answer,
            q.question_id,
            self.answer.toPlainText(),
            pydate(self.answered_on.date()),
            published_url=self.url.text(),
            expected_version=q.version,  # another operator's answer meanwhile is refused, never overwritten
        )

    def _saved(self, _result: object = None) -> None:
        self.refresh()


# -- aportes y compromisos -------------------------------------------------------------------------
