"""The MURC strategy evaluation document as PDF (A4 landscape, Spanish, "Página x de y").

Sections follow the strategy's own wording: A. la estrategia; B. el resultado de los espacios
(1 número de espacios, 2 grupos de valor, 3 metas priorizadas, 4 evaluación y recomendaciones,
5 estado de los compromisos, 6 nivel de cumplimiento de las actividades).
"""

from __future__ import annotations

from pathlib import Path

from rcdesk.compliance import COLOR_HEX, COLOR_LABELS, format_pct
from rcdesk.followup.periods import date_text
from rcdesk.reports.pdf_kit import build_pdf, esc, grid_tables, label_table, light_paragraph, page_footer, report_styles
from rcdesk.services.murc_report import MurcEvaluation


def stage_rows(rows, st) -> tuple[list, dict]:
    out, lights = [], {}
    for i, r in enumerate(rows, start=1):
        out.append(
            [
                r.label,
                r.activities,
                format_pct(r.compliance, none="N/A"),
                light_paragraph(r.light.color, COLOR_LABELS.get(r.light.color, r.light.color), st),
            ]
        )
        lights[(i, 3)] = COLOR_HEX.get(r.light.color, "#9E9E9E")
    return out, lights


def write_pdf(data: MurcEvaluation, path: Path) -> Path:
    from reportlab.platypus import KeepTogether, Paragraph, Spacer

    st = report_styles(cell=7.3)
    story: list = [Paragraph(esc(data.title), st["title"])]
    story += [
        label_table(
            [
                ("Entidad:", data.entity, "Vigencia:", str(data.year)),
                ("Estrategia:", data.plan_title or "—", "Fecha de corte:", date_text(data.cut)),
                (
                    "Semáforo:",
                    data.profile_name,
                    "Cumplimiento:",
                    f"{format_pct(data.plan)} ({COLOR_LABELS[data.plan_light.color]})",
                ),
            ],
            st,
        ),
        Spacer(1, 6),
    ]

    story.append(Paragraph("Resumen", st["h1"]))
    story += [Paragraph("• " + esc(f), st["body"]) for f in data.findings]

    story.append(Paragraph("A. La estrategia", st["h1"]))
    story.append(
        Paragraph(
            esc(
                f"La estrategia «{data.plan_title or 'de rendición de cuentas'}» tiene {data.activities} actividades; "
                f"al {date_text(data.cut)} se cumplieron {data.activities_done}."
            ),
            st["body"],
        )
    )
    rows, lights = stage_rows(data.stages, st)
    if rows:
        story += [
            Spacer(1, 4),
            *grid_tables(
                ["Etapa MURC", "Actividades", "% de cumplimiento", "Semáforo"],
                rows,
                (330, 90, 110, 120),
                st,
                fills=lights,
                center=(1, 2),
            ),
        ]

    story.append(Paragraph("B. Resultado de los espacios de rendición de cuentas", st["h1"]))
    story.append(Paragraph("1. Número de espacios de participación adelantados", st["h2"]))
    story.append(
        Paragraph(
            esc(
                f"{len(data.spaces)} espacio(s) de diálogo realizados con {data.participants} participante(s)"
                + (f"; {data.planned_spaces} programado(s) por realizar" if data.planned_spaces else "")
                + (f"; {data.cancelled_spaces} cancelado(s)" if data.cancelled_spaces else "")
                + "."
            ),
            st["body"],
        )
    )
    if data.spaces:
        story += [
            Spacer(1, 3),
            *grid_tables(
                ["Fecha", "Espacio", "Tipo", "Lugar / canal", "Participantes", "Desagregado"],
                [
                    [date_text(s.event_date), s.title, s.type_label, s.place, s.participants, s.breakdown or "—"]
                    for s in data.spaces
                ],
                (60, 230, 100, 150, 70, 172),
                st,
                center=(0, 4),
            ),
        ]

    story.append(Paragraph("2. Grupos de valor involucrados", st["h2"]))
    if data.groups:
        story += grid_tables(
            ["Grupo de valor", "Espacios en los que participó"],
            [[g, n] for g, n in data.groups],
            (480, 150),
            st,
            center=(1,),
        )
    else:
        story.append(Paragraph("Ningún espacio registró grupos de valor.", st["body"]))

    story.append(Paragraph("3. Metas institucionales priorizadas sobre las que se rindió cuentas", st["h2"]))
    if data.metas:
        story += grid_tables(["Meta / tema", "Espacios"], [[m, n] for m, n in data.metas], (630, 80), st, center=(1,))
    else:
        story.append(Paragraph("Los espacios no tienen actividades ni metas vinculadas.", st["body"]))

    story.append(Paragraph("4. Evaluación y recomendaciones de cada espacio de rendición de cuentas", st["h2"]))
    if not data.spaces:
        story.append(Paragraph("No hay espacios realizados a la fecha de corte.", st["body"]))
    for s in data.spaces:
        block = [Paragraph(f"<b>{esc(f'{date_text(s.event_date)} — {s.title} ({s.type_label})')}</b>", st["body"])]
        block.append(
            Paragraph(
                esc(
                    f"Aportes recibidos: {s.contributions} (incorporados como compromiso: {s.incorporated}); "
                    f"preguntas: {s.questions} (respondidas: {s.answered}); encuestas de evaluación: {s.survey_responses}."
                ),
                st["body"],
            )
        )
        if s.evaluation:
            block += [Paragraph("&nbsp;&nbsp;• " + esc(e), st["body"]) for e in s.evaluation]
        else:
            block.append(Paragraph("&nbsp;&nbsp;• Sin encuesta de evaluación registrada.", st["body"]))
        if s.recommendations:
            block.append(
                Paragraph(
                    "<i>Recomendaciones de los participantes:</i> " + esc("; ".join(s.recommendations)), st["body"]
                )
            )
        if s.result:
            block.append(Paragraph("<i>Conclusiones:</i> " + esc(s.result), st["body"]))
        story += [KeepTogether(block), Spacer(1, 4)]

    story.append(Paragraph("5. Estado actual de los compromisos asumidos de cara a la ciudadanía", st["h2"]))
    if data.commitments:
        met = "N/A" if data.commitments_met is None else f"{data.commitments_met:.2f}".replace(".", ",") + " %"
        counts = ", ".join(f"{label.lower()}: {n}" for label, n in data.commitment_counts)
        story.append(
            Paragraph(
                esc(
                    f"{len(data.commitments)} compromiso(s) ({counts}); cumplimiento {met}"
                    + (f"; {data.commitments_overdue} vencido(s)." if data.commitments_overdue else ".")
                ),
                st["body"],
            )
        )
        story += [
            Spacer(1, 3),
            *grid_tables(
                ["Compromiso", "Espacio", "Responsable", "Fecha límite", "Estado", "Avance"],
                [
                    [
                        c.description,
                        c.event_title,
                        c.responsible,
                        date_text(c.due),
                        c.status_label + (" (vencido)" if c.overdue else ""),
                        f"{c.progress:.0f} %",
                    ]
                    for c in data.commitments
                ],
                (230, 180, 140, 70, 90, 72),
                st,
                center=(3, 5),
            ),
        ]
    else:
        story.append(Paragraph("No se registraron compromisos.", st["body"]))

    story.append(Paragraph("6. Nivel de cumplimiento de las actividades de la estrategia", st["h2"]))
    story.append(
        Paragraph(
            esc(
                f"Cumplimiento de la estrategia al {date_text(data.cut)}: {format_pct(data.plan)} "
                f"({COLOR_LABELS[data.plan_light.color]}); {data.activities_done} de {data.activities} actividades "
                f"cumplidas" + (f", {data.activities_overdue} vencida(s)." if data.activities_overdue else ".")
            ),
            st["body"],
        )
    )
    rows, lights = stage_rows(data.components, st)
    if rows:
        story += [
            Spacer(1, 3),
            *grid_tables(
                ["Componente / elemento", "Actividades", "% de cumplimiento", "Semáforo"],
                rows,
                (330, 90, 110, 120),
                st,
                fills=lights,
                center=(1, 2),
            ),
        ]
    legend = " · ".join(f'<font color="{COLOR_HEX[c]}"><b>■</b></font> {esc(label)}' for c, label in data.profile_bands)
    story += [Spacer(1, 4), Paragraph(f"<b>Convenciones del semáforo:</b> {legend}", st["body"])]

    build_pdf(
        path,
        story,
        title=f"Evaluación de la estrategia {data.year}",
        author=data.entity,
        footer=page_footer(
            f"{data.entity} · Evaluación de la estrategia de rendición de cuentas {data.year} · "
            f"corte {date_text(data.cut)}"
        ),
    )
    return Path(path)
