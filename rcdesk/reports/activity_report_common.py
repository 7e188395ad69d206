"""Cell texts of the «formato interno de reporte de las actividades de rendición de cuentas»,
shared by its PDF and workbook so both say exactly the same."""

from __future__ import annotations

from rcdesk.followup.periods import date_text
from rcdesk.services.murc_report import SpaceRow

SPACE_COLUMNS = (
    "Actividad realizada",
    "Etapa MURC / elemento",
    "Grupos de valor",
    "Participantes",
    "Temas / metas asociadas",
    "Observaciones y propuestas",
    "Resultado de la participación",
    "Compromisos",
    "Dependencia responsable",
)
ACTIVITY_COLUMNS = (
    "N.º",
    "Actividad de la estrategia",
    "Etapa MURC",
    "Elemento",
    "Dependencia responsable",
    "Meta / producto",
    "Programada",
    "% de avance",
    "Semáforo",
    "Actividades realizadas",
    "Evidencias",
    "Espacios vinculados",
)


def space_cells(s: SpaceRow) -> list[str]:
    what = f"{s.title}\n{s.type_label} · {date_text(s.event_date)} · {s.status_label}"
    if s.place:
        what += f"\n{s.place} ({s.modality.lower()})"
    stage = "; ".join(s.stages)
    if s.element:
        stage = f"{stage}\n{s.element}" if stage else s.element
    people = str(s.participants) + (f"\n{s.breakdown}" if s.breakdown else "")
    result = [
        f"Aportes: {s.contributions} (incorporados: {s.incorporated}); preguntas: {s.questions} "
        f"(respondidas: {s.answered}); encuestas: {s.survey_responses}."
    ]
    result += list(s.evaluation)
    if s.recommendations:
        result.append("Recomendaciones: " + "; ".join(s.recommendations))
    if s.result:
        result.append("Conclusiones: " + s.result)
    commitments = "\n".join(
        f"• {c.description} — {c.responsible}, {date_text(c.due)}: {c.status_label}"
        + (" (vencido)" if c.overdue else "")
        for c in s.commitments
    )
    return [
        what,
        stage,
        "\n".join(s.groups),
        people,
        "\n".join(s.metas),
        "\n".join(s.proposals),
        "\n".join(result),
        commitments,
        s.responsible,
    ]
