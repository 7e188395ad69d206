"""The MURC strategy evaluation document as .xlsx: «Evaluación» (summary, stages and
components), «Espacios» (one row per space held), «Grupos y metas» and «Compromisos».
Values only, never a formula; every text through the safe-cell rule.
"""

from __future__ import annotations

from pathlib import Path

from rcdesk.compliance import COLOR_LABELS, format_pct
from rcdesk.followup.periods import date_text
from rcdesk.services.murc_report import MurcEvaluation


def _fraction(c):
    return float(c.raw) / 100 if c.raw is not None else "N/A"


def write_xlsx(data: MurcEvaluation, path: Path) -> Path:
    from openpyxl import Workbook

    from rcdesk.reports.output import save_workbook
    from rcdesk.reports.xlsx_tables import SheetWriter, light

    wb = Workbook(write_only=True)
    ev = SheetWriter(wb, "Evaluación", (34, 14, 16, 16, 40))
    ev.title("Documento de evaluación de los resultados de implementación de la estrategia de rendición de cuentas")
    ev.pairs(
        [
            ("Entidad:", data.entity),
            ("Vigencia:", str(data.year)),
            ("Estrategia:", data.plan_title or ""),
            ("Fecha de corte:", date_text(data.cut)),
            ("Semáforo:", data.profile_name),
            ("Cumplimiento:", f"{format_pct(data.plan)} ({COLOR_LABELS[data.plan_light.color]})"),
        ]
    )
    ev.blank()
    ev.text("Resumen", bold=True)
    for f in data.findings:
        ev.text(f"• {f}")
    ev.blank()
    ev.text("Nivel de cumplimiento por etapa MURC", bold=True)
    ev.table(
        ["Etapa MURC", "Actividades", "% de cumplimiento", "Semáforo"],
        [
            [s.label, s.activities, _fraction(s.compliance), light(s.light.color, COLOR_LABELS[s.light.color])]
            for s in data.stages
        ],
        centered=(1,),
        percent=(2,),
    )
    ev.blank()
    ev.text("Nivel de cumplimiento por componente / elemento", bold=True)
    ev.table(
        ["Componente / elemento", "Actividades", "% de cumplimiento", "Semáforo"],
        [
            [s.label, s.activities, _fraction(s.compliance), light(s.light.color, COLOR_LABELS[s.light.color])]
            for s in data.components
        ]
        + [
            [
                "Total de la estrategia",
                data.activities,
                _fraction(data.plan),
                light(data.plan_light.color, COLOR_LABELS[data.plan_light.color]),
            ]
        ],
        centered=(1,),
        percent=(2,),
    )

    sp = SheetWriter(wb, "Espacios", (11, 30, 16, 20, 12, 22, 28, 30, 10, 12, 10, 12, 10, 40, 34, 34))
    sp.title(f"Espacios de diálogo realizados al {date_text(data.cut)}: {len(data.spaces)}")
    sp.table(
        [
            "Fecha",
            "Espacio",
            "Tipo",
            "Lugar / canal",
            "Participantes",
            "Desagregado",
            "Grupos de valor",
            "Metas / temas",
            "Aportes",
            "Incorporados",
            "Preguntas",
            "Respondidas",
            "Encuestas",
            "Evaluación",
            "Recomendaciones",
            "Conclusiones",
        ],
        [
            [
                date_text(s.event_date),
                s.title,
                s.type_label,
                s.place,
                s.participants,
                s.breakdown,
                "; ".join(s.groups),
                "; ".join(s.metas),
                s.contributions,
                s.incorporated,
                s.questions,
                s.answered,
                s.survey_responses,
                "\n".join(s.evaluation),
                "\n".join(s.recommendations),
                s.result,
            ]
            for s in data.spaces
        ],
        centered=(0, 4, 8, 9, 10, 11, 12),
    )

    gm = SheetWriter(wb, "Grupos y metas", (60, 16))
    gm.title("Grupos de valor involucrados", 12)
    gm.table(["Grupo de valor", "Espacios"], [[g, n] for g, n in data.groups], centered=(1,))
    gm.blank()
    gm.title("Metas institucionales priorizadas", 12)
    gm.table(["Meta / tema", "Espacios"], [[m, n] for m, n in data.metas], centered=(1,))

    cm = SheetWriter(wb, "Compromisos", (44, 34, 28, 13, 14, 10, 10))
    met = "N/A" if data.commitments_met is None else f"{data.commitments_met:.2f}".replace(".", ",") + " %"
    cm.title(f"Estado de los compromisos: {len(data.commitments)} (cumplimiento {met})", 12)
    cm.table(
        ["Compromiso", "Espacio", "Responsable", "Fecha límite", "Estado", "Avance", "Vencido"],
        [
            [
                c.description,
                c.event_title,
                c.responsible,
                date_text(c.due),
                c.status_label,
                c.progress / 100,
                "Sí" if c.overdue else "No",
            ]
            for c in data.commitments
        ],
        centered=(3, 4, 6),
        percent=(5,),
    )
    save_workbook(wb, path)
    return Path(path)
