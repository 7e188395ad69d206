"""Evaluation survey per event: editable questionnaire, quick response entry, results."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, insert, select

from rcdesk.db.database import Database
from rcdesk.db.stamping import allocate_seq, record_values
from rcdesk.errors import NotFound, UserError
from rcdesk.events.survey_defaults import DEFAULT_QUESTIONS
from rcdesk.models.events import Event, SurveyQuestion, SurveyResponse
from rcdesk.text import clean, fold


@dataclass(frozen=True)
class SurveyQuestionRow:
    question_id: str
    position: int
    text: str
    kind: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class QuestionResult:
    question: SurveyQuestionRow
    answered: int
    counts: tuple[tuple[str, int, float], ...]  # (option, n, % of answered)
    texts: tuple[str, ...]


class SurveyService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def questions(self, event_id: str) -> list[SurveyQuestionRow]:
        """The event's questionnaire; the default one (domain.md §7.4) is copied on first use."""
        with self.db.begin() as s:
            e = s.get(Event, event_id)
            if e is None or e.deleted:
                raise NotFound(f"No existe el evento «{event_id}».")
            rows = list(
                s.scalars(
                    select(SurveyQuestion)
                    .where(SurveyQuestion.event_id == event_id, SurveyQuestion.deleted.is_(False))
                    .order_by(SurveyQuestion.position)
                )
            )
            if not rows and not s.scalar(
                select(func.count()).select_from(SurveyQuestion).where(SurveyQuestion.event_id == event_id)
            ):
                for pos, (text, kind, options) in enumerate(DEFAULT_QUESTIONS, start=1):
                    q = SurveyQuestion(event_id=event_id, position=pos, text=text, kind=kind, options=list(options))
                    s.add(q)
                    rows.append(q)
                s.flush()
            return [SurveyQuestionRow(q.id, q.position, q.text, q.kind, tuple(q.options or ())) for q in rows]

    def update_question(self, question_id: str, text: str, kind: str, options: list[str]) -> None:
        self._check(text, kind, options)
        with self.db.begin() as s:
            q = s.get(SurveyQuestion, question_id)
            if q is None or q.deleted:
                raise NotFound("La pregunta de la encuesta no existe.")
            q.text, q.kind, q.options = clean(text), kind, [clean(o) for o in options if clean(o)]

    @staticmethod
    def _check(text: str, kind: str, options: list[str]) -> None:
        if not clean(text):
            raise UserError("Escriba el texto de la pregunta.")
        if kind not in ("choice", "text"):
            raise UserError("El tipo de pregunta debe ser «choice» (opciones) o «text» (texto libre).")
        if kind == "choice" and len([o for o in options if clean(o)]) < 2:
            raise UserError("Una pregunta de opciones necesita al menos dos opciones.")

    def add_responses(self, event_id: str, responses: list[dict[str, str]]) -> int:
        """Save filled forms ({question_id: answer}); choice answers may be given as the option
        text (accent/case-insensitive) or its number (1, 2…). All or nothing."""
        qs = {q.question_id: q for q in self.questions(event_id)}
        cleaned, problems = [], []
        for n, resp in enumerate(responses, start=1):
            out = {}
            for qid, ans in resp.items():
                q = qs.get(qid)
                if q is None:
                    problems.append(f"encuesta {n}: pregunta desconocida")
                    continue
                a = clean(ans)
                if not a:
                    continue
                if q.kind == "choice":
                    match = _match_option(a, q.options)
                    if match is None:
                        problems.append(
                            f"encuesta {n}, pregunta {q.position}: «{a}» no es una opción ({', '.join(q.options)})"
                        )
                        continue
                    a = match
                out[qid] = a
            if out:
                cleaned.append(out)
        if problems:
            raise UserError("Las respuestas tienen errores; no se guardó ninguna.", details=problems)
        if not cleaned:
            return 0
        with self.db.connect() as conn:
            seq = allocate_seq(conn, len(cleaned))
            rows = []
            for i, answers in enumerate(cleaned):
                v = record_values(self.db.installation_id, seq + i)
                v.update(event_id=event_id, answers=answers)
                rows.append(v)
            conn.execute(insert(SurveyResponse), rows)
        return len(cleaned)

    def response_count(self, event_id: str) -> int:
        with self.db.session() as s:
            return int(
                s.scalar(
                    select(func.count())
                    .select_from(SurveyResponse)
                    .where(SurveyResponse.event_id == event_id, SurveyResponse.deleted.is_(False))
                )
                or 0
            )

    def results(self, event_id: str) -> list[QuestionResult]:
        qs = self.questions(event_id)
        with self.db.session() as s:
            answers = [
                r.answers or {}
                for r in s.scalars(
                    select(SurveyResponse).where(SurveyResponse.event_id == event_id, SurveyResponse.deleted.is_(False))
                )
            ]
        out = []
        for q in qs:
            given = [a[q.question_id] for a in answers if a.get(q.question_id)]
            if q.kind == "choice":
                n = len(given)
                counts = tuple(
                    (o, given.count(o), round(given.count(o) * 100.0 / n, 1) if n else 0.0) for o in q.options
                )
                out.append(QuestionResult(q, n, counts, ()))
            else:
                out.append(QuestionResult(q, len(given), (), tuple(given)))
        return out


def _match_option(answer: str, options: tuple[str, ...]) -> str | None:
    if answer.isdigit() and 1 <= int(answer) <= len(options):
        return options[int(answer) - 1]
    key = fold(answer)
    for o in options:
        if fold(o) == key:
            return o
    return None
