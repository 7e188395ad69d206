"""«Evaluación» tab of the event workspace: quick entry of paper surveys and their results."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from .base import EventTab


class EvaluationTab(EventTab):
    """Quick entry of paper surveys (one combo per question; Ctrl+Enter saves) and results."""

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        lay = QHBoxLayout(self)
        left = QVBoxLayout()
        self.entry = QWidget()
        self.entry_form = QFormLayout(self.entry)
        self.entry_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        sc = QScrollArea()
        sc.setWidgetResizable(True)
        sc.setWidget(self.entry)
        left.addWidget(sc, 1)
        row = QHBoxLayout()
        self.save_btn = QPushButton("&Guardar encuesta (Ctrl+Enter)")
        self.save_btn.clicked.connect(self.save_response)
        edit = QPushButton("&Editar pregunta…")
        edit.clicked.connect(self.edit_question)
        row.addWidget(self.save_btn)
        row.addWidget(edit)
        left.addLayout(row)
        self.count = QLabel()
        left.addWidget(self.count)
        lay.addLayout(left, 2)
        self.results = QWidget()
        self.results_layout = QVBoxLayout(self.results)
        rs = QScrollArea()
        rs.setWidgetResizable(True)
        rs.setWidget(self.results)
        lay.addWidget(rs, 3)
        self.widgets: dict[str, QWidget] = {}
        self.questions = []

    def refresh(self) -> None:
        from rcdesk.services.surveys import SurveyService

        if self.ev is None:
            return
        svc = SurveyService(self.ctx.db)
        self.questions = svc.questions(self.ev.event_id)
        while self.entry_form.rowCount():
            self.entry_form.removeRow(0)
        self.widgets = {}
        for q in self.questions:
            if q.kind == "choice":
                w = QComboBox()
                w.addItem("(sin respuesta)", "")
                for i, o in enumerate(q.options, start=1):
                    w.addItem(f"{i}. {o}", o)
            else:
                w = QLineEdit()
            lbl = QLabel(f"{q.position}. {q.text}")
            lbl.setWordWrap(True)
            self.entry_form.addRow(lbl, w)
            self.widgets[q.question_id] = w
        self._results(svc)

    def keyPressEvent(self, event) -> None:
        """Ctrl+Enter anywhere in the form saves the survey (child widgets pass it up)."""
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.save_response()
            return
        super().keyPressEvent(event)

    def _results(self, svc) -> None:
        from ..events_charts import bar_chart

        while self.results_layout.count():
            w = self.results_layout.takeAt(0).widget()
            if w:
                w.deleteLater()
        n = svc.response_count(self.ev.event_id)
        self.count.setText(f"{n} encuesta registrada." if n == 1 else f"{n} encuestas registradas.")
        for r in svc.results(self.ev.event_id):
            if r.question.kind == "choice":
                self.results_layout.addWidget(
                    bar_chart(
                        f"{r.question.text} ({r.answered} respuestas)",
                        [(o, pct) for o, _n, pct in r.counts],
                        suffix=" %",
                        max_value=100,
                    )
                )
            elif r.texts:
                lbl = QLabel(f"<b>{r.question.text}</b><br>" + "<br>".join(f"• {t}" for t in r.texts[:15]))
                lbl.setWordWrap(True)
                self.results_layout.addWidget(lbl)
        self.results_layout.addStretch(1)

    def save_response(self) -> None:
        from rcdesk.services.surveys import SurveyService

        answers = {}
        for qid, w in self.widgets.items():
            answers[qid] = w.currentData() if isinstance(w, QComboBox) else w.text()
        if not any(answers.values()):
            return

        def done(_result: object) -> None:
            for w in self.widgets.values():
                if isinstance(w, QComboBox):
                    w.setCurrentIndex(0)
                else:
                    w.clear()
            self._results(SurveyService(self.ctx.db))
            first = next(iter(self.widgets.values()), None)
            if first is not None:
                first.setFocus()

        self._save(done, SurveyService(self.ctx.db).add_responses, self.ev.event_id, [answers])

    def edit_question(self) -> None:
        from rcdesk.services.surveys import SurveyService

        focus = self.focusWidget()
        qid = next((k for k, w in self.widgets.items() if w is focus), None)
        q = next((x for x in self.questions if x.question_id == qid), None) or (
            self.questions[0] if self.questions else None
        )
        if q is None:
            return
        text, ok = QInputDialog.getMultiLineText(
            self,
            "Editar pregunta",
            "Primera línea: la pregunta. Líneas siguientes: las opciones (vacío = texto libre).",
            "\n".join([q.text, *q.options]),
        )
        if not ok:
            return
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        if not lines:
            return
        kind = "choice" if len(lines) > 1 else "text"
        self._save(
            lambda _r: self.refresh(),
            SurveyService(self.ctx.db).update_question,
            q.question_id,
            lines[0],
            kind,
            lines[1:],
        )
