"""«Informe de datos personales»: the answer to an access request (domain.md §9.3-6), A4 portrait.

One section per kind of record held (directory entry, attendance, consents, questions,
contributions, commitments, invitations), each saying how the record was tied to the person
(registro / documento / nombre), "página x de y" footers. reportlab is imported lazily.
"""

from __future__ import annotations

from pathlib import Path

from rcdesk.reports.events_common import long_date, short_date
from rcdesk.reports.output import write_file
from rcdesk.reports.pdf_kit import esc, numbered_canvas, page_text
from rcdesk.reports.pdf_kit import form_styles as styles
from rcdesk.reports.pdf_kit import form_table_style as table_style

MATCH = {"registro": "registro", "documento": "nº de documento", "nombre": "nombre", "aporte": "aporte"}


def _dt(v) -> str:
    if v is None:
        return ""
    return v.strftime("%d/%m/%Y %H:%M") if hasattr(v, "hour") else short_date(v)


def build_person_pdf(out: Path | str, dossier) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    from rcdesk.validation.ids import ID_TYPES

    st = styles()
    width, height = A4
    margin = 42
    avail = width - 2 * margin
    p = dossier.person
    story = [
        Paragraph(esc(dossier.entity or "Entidad"), st["subtitle"]),
        Paragraph("Informe de datos personales", st["title"]),
        Paragraph(
            "Respuesta a la solicitud de acceso del/la titular de los datos (derecho de acceso: LOPDP en Ecuador, "
            "Ley 1581 de 2012 en Colombia). "
            f"Generado el {esc(long_date(dossier.generated_at.date()))} a las "
            f"{dossier.generated_at:%H:%M} (UTC).",
            st["body"],
        ),
        Spacer(1, 6),
    ]

    def para(v, style: str = "cell") -> Paragraph:
        return Paragraph(esc(v), st[style])

    def section(title: str, headers: list[str], rows: list[list], widths: list[float], empty: str) -> None:
        story.append(Paragraph(esc(title), st["h2"]))
        if not rows:
            story.append(Paragraph(esc(empty), st["body"]))
            return
        scale = avail / sum(widths)
        data = [[para(h, "cell_bold") for h in headers]] + [[para(c) for c in r] for r in rows]
        for i in range(0, len(data) - 1, 40):  # chunks: reportlab tables grow worse than linearly
            t = Table([data[0]] + data[1 + i : 41 + i], colWidths=[w * scale for w in widths], repeatRows=1)
            t.setStyle(table_style())
            story.append(t)

    yes = {True: "sí", False: "no"}
    ident = [
        ["Nombres y apellidos", p["full_name"]],
        [
            "Documento",
            " — ".join(x for x in (p["id_number"], ID_TYPES.get(p["id_type"] or "", p["id_type"] or "")) if x)
            if p["id_number"]
            else "No registrado",
        ],
        ["Organización", p["organization"] or ""],
        ["Rol", p["role"] or ""],
        ["Territorio", p["territory"]],
        ["Teléfono", p["phone"] or ""],
        ["Correo", p["email"] or ""],
        ["Menor de edad", yes[p["is_minor"]]],
        ["En el directorio desde", _dt(p["first_seen"])],
        ["Última modificación", _dt(p["last_change"])],
    ]
    if p["anonymized"]:
        ident.append(["Estado", "Datos anonimizados: la entidad ya no conserva su identidad."])
    story.append(Paragraph("1. Datos de identificación y contacto", st["h2"]))
    t = Table([[para(a, "cell_bold"), para(b)] for a, b in ident], colWidths=[avail * 0.3, avail * 0.7])
    ts = table_style(header_rows=1)
    ts.add("BACKGROUND", (0, 0), (-1, 0), colors.white)
    ts.add("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef2f7"))
    t.setStyle(ts)
    story.append(t)

    section(
        "2. Asistencia a eventos",
        ["Evento", "Fecha", "Nº", "Organización", "Contacto", "Vínculo"],
        [
            [
                a["event_title"],
                short_date(a["event_date"]),
                a["seq_no"],
                a["organization"] or "",
                " ".join(x for x in (a["phone"] or "", a["email"] or "") if x)
                + (
                    ""
                    if not (a["gender"] or a["ethnicity"])
                    else f" (género/autoidentificación: {a['gender'] or '-'} / {a['ethnicity'] or '-'})"
                ),
                MATCH.get(a["match"], a["match"]),
            ]
            for a in dossier.attendance
        ],
        [170, 55, 28, 110, 110, 55],
        "No hay registros de asistencia.",
    )
    section(
        "3. Consentimientos (prueba de autorización)",
        ["Evento", "Formulario", "Versión del aviso", "Alcance vigente", "Otorgado", "Revocado"],
        [
            [
                c["event_title"],
                c["form"].capitalize(),
                c["notice_version"],
                ", ".join(c["scopes"]) or "ninguno",
                _dt(c["given_at"]),
                _dt(c["revoked_at"]) or "—",
            ]
            for c in dossier.consents
        ],
        [140, 60, 55, 120, 70, 70],
        "No hay consentimientos registrados.",
    )
    section(
        "4. Preguntas ciudadanas",
        ["Recibida", "Canal", "Pregunta", "Respuesta", "Vínculo"],
        [
            [
                short_date(q["received_on"]),
                q["channel"],
                q["text"],
                (q["answer"] or "Sin respuesta") + (f" ({short_date(q['answered_on'])})" if q["answered_on"] else ""),
                MATCH.get(q["match"], q["match"]),
            ]
            for q in dossier.questions
        ],
        [55, 60, 170, 170, 50],
        "No hay preguntas registradas a su nombre.",
    )
    section(
        "5. Aportes ciudadanos",
        ["Evento", "Mesa", "Aporte", "Vínculo"],
        [
            [c["event_title"], c["mesa"] or "", c["text"], MATCH.get(c["match"], c["match"])]
            for c in dossier.contributions
        ],
        [140, 80, 230, 55],
        "No hay aportes registrados a su nombre.",
    )
    section(
        "6. Compromisos originados en sus aportes",
        ["Compromiso", "Plazo", "Estado", "Avance"],
        [
            [c["description"], short_date(c["due_date"]), c["status"], f"{c['progress_pct']:.0f} %"]
            for c in dossier.commitments
        ],
        [290, 60, 80, 50],
        "Ninguno de sus aportes se convirtió en compromiso.",
    )
    section(
        "7. Invitaciones",
        ["Evento", "Fecha", "Organización", "Contacto", "Estado"],
        [
            [i["event_title"], short_date(i["event_date"]), i["organization"] or "", i["contact"] or "", i["status"]]
            for i in dossier.invitations
        ],
        [170, 55, 110, 110, 70],
        "No hay invitaciones a su nombre.",
    )
    story += [
        Spacer(1, 8),
        Paragraph(
            "Vínculo: «registro» = el dato está unido a su ficha del directorio; «nº de documento» = coincide "
            "su número de documento; «nombre» = coincide el nombre escrito, sin documento que lo contradiga "
            "(revise que se trate de usted).",
            st["small"],
        ),
        Paragraph(
            "Puede pedir la rectificación de datos inexactos, revocar su autorización o pedir la "
            "anonimización de su identidad ante la entidad. Los conteos anónimos de asistencia se conservan.",
            st["small"],
        ),
    ]

    def footer(c, page: int, total: int) -> None:
        c.saveState()
        c.setFont("Helvetica", 7.5)
        c.setFillColor(colors.HexColor("#444444"))
        c.drawString(margin, margin - 4, f"Informe de datos personales — {p['full_name']} — documento confidencial")
        c.drawRightString(width - margin, margin - 4, page_text(page, total))
        c.restoreState()

    def write(tmp: Path) -> None:
        doc = SimpleDocTemplate(
            str(tmp),
            pagesize=A4,
            leftMargin=margin,
            rightMargin=margin,
            topMargin=margin,
            bottomMargin=margin + 14,
            title="Informe de datos personales",
            author=dossier.entity or "rcdesk",
        )
        doc.build(story, canvasmaker=numbered_canvas(footer))

    write_file(out, write)
