"""Acta de deliberación pública / audiencia and acta de compromiso (domain.md §7.1–7.2) as PDF.

Rendered ONLY from the canonical content dict (rcdesk.services.actas.build_content), so the
SHA-256 fingerprint printed in every footer (and in the QR code) describes exactly what is
printed. A4 portrait, "página x de y".

Rendering is deterministic (reportlab's invariant mode, the issue time as the document date):
the same acta rendered again gives the same bytes, so every copy saved or printed from the
archive has the SHA-256 stored at issue time and `acta verify FILE` can demand an exact copy.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

from rcdesk.reports.events_common import long_date, short_date
from rcdesk.reports.pdf_kit import esc, numbered_canvas
from rcdesk.reports.pdf_kit import form_styles as styles
from rcdesk.reports.pdf_kit import form_table_style as table_style

MARGIN = 42
FOOTER_H = 58
QR_SIZE = 50

CONSIDERANDOS_EC = [
    "Que el artículo 100 de la Constitución de la República establece que en todos los niveles de gobierno se "
    "conformarán instancias de participación para, entre otros fines, fortalecer la democracia con mecanismos "
    "permanentes de transparencia, rendición de cuentas y control social;",
    "Que los artículos 204 a 208 de la Constitución determinan las atribuciones del Consejo de Participación "
    "Ciudadana y Control Social en la promoción de la participación y la rendición de cuentas;",
    "Que los artículos 88 a 95 de la Ley Orgánica de Participación Ciudadana regulan la rendición de cuentas "
    "y su deliberación pública con la ciudadanía;",
    "Que el Reglamento de Rendición de Cuentas del CPCCS dispone que los aportes ciudadanos recogidos en la "
    "deliberación pública se incorporen en un plan de trabajo y se informe de su cumplimiento;",
]
CONSIDERANDOS_CO = [
    "Que la Ley 1757 de 2015, Título IV, regula la rendición de cuentas de la rama ejecutiva como un proceso "
    "permanente de información, diálogo y responsabilidad;",
    "Que el Manual Único de Rendición de Cuentas (MURC) orienta el seguimiento de los compromisos asumidos "
    "en los espacios de diálogo con la ciudadanía;",
]


def render_acta_pdf(content: dict, sha256: str, acta_id: str, issued_at: datetime) -> bytes:
    """The acta's PDF bytes; a pure function of its arguments (see the module docstring)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    ev = content["event"]
    heading = _heading(content)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=36,
        bottomMargin=FOOTER_H + 8,
        title=f"{heading} No. {content['number']}",
        author=content["entity"],
        subject=ev["title"],
        creator="rcdesk",
        keywords=f"{'rcdesk-acta'}:{acta_id}:{sha256}",
        invariant=1,
    )
    w = _Story(A4[0] - 2 * MARGIN)
    _opening(w, content, heading)
    if content["kind"] == "deliberacion":
        _deliberacion(w, content)
    else:
        _compromiso(w, content)
    _signatures(w, ev)
    footer = _footer(content, heading, f"RCDESK-ACTA;{content['number']};{acta_id};{sha256}", sha256, A4[0])
    base: Any = numbered_canvas(footer)  # a reportlab Canvas subclass (reportlab has no types)
    stamp = f"D:{issued_at:%Y%m%d%H%M%S}+00'00'"  # issued_at is UTC

    class ActaCanvas(base):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            # invariant mode would date the file 2000-01-01; the issue time is just as fixed
            self.setDateFormatter(lambda *_: stamp)

    doc.build(w.story, canvasmaker=ActaCanvas)
    return buf.getvalue()


def _heading(content: dict) -> str:
    if content["kind"] == "compromiso":
        return "ACTA DE COMPROMISO"
    if content["event"]["type"].lower().startswith("audiencia"):
        return "ACTA DE AUDIENCIA PÚBLICA"
    return "ACTA DE DELIBERACIÓN PÚBLICA"


def _footer(content: dict, heading: str, qr_payload: str, sha256: str, page_w: float) -> Callable:
    """Every page: the QR code, the entity and acta number, the verification code, «página x de y»."""
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    def footer(c, page: int, total: int) -> None:
        w = QrCodeWidget(qr_payload)
        b = w.getBounds()
        d = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (b[2] - b[0]), 0, 0, QR_SIZE / (b[3] - b[1]), 0, 0])
        d.add(w)
        d.drawOn(c, MARGIN - 4, 10)
        c.setFillColor(colors.HexColor("#333333"))
        c.setFont("Helvetica", 7.5)
        x = MARGIN + QR_SIZE + 4
        c.drawString(x, 44, f"{content['entity']} — {heading} No. {content['number']}"[:110])
        c.setFont("Helvetica", 6.6)
        c.drawString(x, 33, f"Código de verificación (SHA-256 del contenido): {sha256}")
        c.drawString(
            x,
            23,
            "Copia impresa: «rcdesk acta verify --code CÓDIGO» o rcdesk › Eventos › Actas muestra el acta archivada.",
        )
        c.setFont("Helvetica", 7.5)
        c.drawRightString(page_w - MARGIN, 44, f"página {page} de {total}")

    return footer


class _Story:
    """The acta's flowables and the few ways it adds to them."""

    def __init__(self, width: float) -> None:
        from reportlab.lib.styles import ParagraphStyle

        self.st = styles()
        self.width = width
        self.body, self.small, self.cell = self.st["body"], self.st["small"], self.st["cell"]
        self.bullet = ParagraphStyle("bullet", parent=self.body, leftIndent=14, bulletIndent=4)
        self.story: list = []

    def h2(self, text: str) -> None:
        from reportlab.platypus import Paragraph

        self.story.append(Paragraph(esc(text), self.st["h2"]))

    def para(self, text: str) -> None:
        from reportlab.platypus import Paragraph

        self.story.append(Paragraph(esc(text), self.body))

    def grid(self, header: list[str], rows: list[list[str]], widths: list[float], empty: str) -> None:
        from reportlab.platypus import Paragraph, Table

        if not rows:
            self.para(empty)
            return
        data = [[Paragraph(f"<b>{esc(h)}</b>", self.cell) for h in header]]
        data += [[Paragraph(esc(v), self.cell) for v in r] for r in rows]
        tb = Table(data, colWidths=widths, repeatRows=1)
        tb.setStyle(table_style(1, 8, 2.5))
        self.story.append(tb)


def _place(ev: dict) -> str:
    return ", ".join(p for p in (ev["venue"], ev["territory"]) if p)


def _opening(w: _Story, content: dict, heading: str) -> None:
    """Entity, acta number and the event's particulars."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Spacer, Table

    ev, st, cell, width = content["event"], w.st, w.cell, w.width
    w.story += [
        Paragraph(esc(content["entity"].upper()), st["title"]),
        Paragraph(f"{heading} No. {esc(content['number'])}", st["subtitle"]),
        Spacer(1, 4),
    ]
    place = _place(ev)
    times = " a ".join(t for t in (ev["start_time"], ev["end_time"]) if t)
    info = [
        ["Evento", ev["title"]],
        ["Periodo que se rinde", ev["period"] or "—"],
        ["Fecha", long_date(ev["date"])],
        ["Hora de inicio y fin", times or "—"],
        ["Lugar", place or "—"],
        ["Modalidad", ev["modality"] + (f" — transmisión: {ev['stream_url']}" if ev["stream_url"] else "")],
    ]
    t = Table(
        [[Paragraph(f"<b>{esc(a)}</b>", cell), Paragraph(esc(b), cell)] for a, b in info], colWidths=[120, width - 120]
    )
    s = table_style(0, 8.5, 2.5)
    s.add("BACKGROUND", (0, 0), (-1, -1), colors.white)  # no header row: values on white
    s.add("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef1f5"))
    t.setStyle(s)
    w.story += [t, Spacer(1, 8)]


def _deliberacion(w: _Story, content: dict) -> None:
    """The ten points of the acta de deliberación pública / audiencia."""
    from reportlab.platypus import Paragraph

    ev, width = content["event"], w.width
    _attendance(w, content["attendance"])
    w.h2("2. Lectura del orden del día y de las reglas de la deliberación")
    if ev["agenda"]:
        for i, item in enumerate(ev["agenda"], start=1):
            w.story.append(Paragraph(f"{i}. {esc(item)}", w.body))
    else:
        w.para("Se dio lectura al orden del día y a las reglas de intervención (tiempos e inscripción).")
    w.h2("3. Designación de moderador/a y secretario/a")
    w.para(
        f"Moderador/a: {ev['moderator'] or '________________'}.  Secretario/a: {ev['secretary'] or '________________'}."
    )
    w.h2("4. Intervención de la ciudadanía")
    n_q, n_a = len(content["questions"]), sum(len(m["aportes"]) for m in content["mesas"])
    w.para(
        "La ciudadanía intervino con "
        + (
            f"{_n(n_q, 'pregunta', 'preguntas')} y {_n(n_a, 'aporte', 'aportes')} registrados en esta acta."
            if n_q or n_a
            else "intervenciones que no se registraron como preguntas ni aportes."
        )
    )
    w.h2("5. Presentación del informe de rendición de cuentas")
    w.para(
        f"La máxima autoridad o su delegado/a ({ev['authority'] or '________________'}) presentó el "
        "informe con el resumen de la ejecución programática y presupuestaria del periodo."
    )
    w.h2("6. Preguntas y respuestas")
    w.grid(
        [
            "Nº",
            "Ciudadano/a u organización",
            "Pregunta",
            "Respuesta en el evento o compromiso de respuesta escrita",
        ],
        [
            [
                str(q["n"]),
                q["asker"] + (f" ({q['organization']})" if q["organization"] else ""),
                q["text"],
                q["answer"] or f"Respuesta escrita hasta el {short_date(q['due_date'])}",
            ]
            for q in content["questions"]
        ],
        [22, 110, (width - 132) / 2, (width - 132) / 2],
        "No se registraron preguntas.",
    )
    _mesas_and_commitments(w, content)
    _evaluation(w, content["evaluation"])
    w.h2("10. Conclusiones y cierre")
    w.para(ev["conclusions"] or "Sin más puntos que tratar, se clausuró la sesión.")
    if ev["end_time"]:
        w.para(f"Hora de cierre: {ev['end_time']}.")


def _attendance(w: _Story, att: dict) -> None:
    w.h2("1. Instalación y verificación de asistencia")
    w.para(
        f"Se instaló la sesión con la asistencia de {_n(att['total'], 'persona', 'personas')}; "
        f"{att['registered']} {'consta' if att['registered'] == 1 else 'constan'} en la lista de asistencia, "
        "que se adjunta como anexo. Desagregación agregada y anónima:"
    )
    rows = []
    if att["genero"]:
        rows.append(["Género", "; ".join(f"{k}: {v}" for k, v in att["genero"].items())])
    if any(att["pueblos_cpccs"].values()):
        rows.append(
            [
                "Pueblos y nacionalidades (CPCCS)",
                "; ".join(f"{k.capitalize()}: {v}" for k, v in att["pueblos_cpccs"].items() if v),
            ]
        )
    if att["etnia_aparte"]:
        rows.append(
            [
                "Otras respuestas de autoidentificación",
                "; ".join(f"{k}: {v}" for k, v in att["etnia_aparte"].items()),
            ]
        )
    if rows:
        w.grid(["Desagregación", "Conteo"], rows, [150, w.width - 150], "")


def _mesas_and_commitments(w: _Story, content: dict) -> None:
    from reportlab.platypus import Paragraph

    width = w.width
    w.h2("7. Mesas de trabajo: aportes y sugerencias")
    if content["mesas"]:
        for m in content["mesas"]:
            w.story.append(Paragraph(f"<b>{esc(m['mesa'])}</b>", w.body))
            for a in m["aportes"]:
                w.story.append(Paragraph(esc(a), w.bullet, bulletText="•"))
    else:
        w.para("No se registraron aportes por mesa.")
    w.h2("8. Aportes ciudadanos y compromisos asumidos")
    w.grid(
        ["Nº", "Aporte ciudadano", "Compromiso", "Responsable", "Fecha"],
        [
            [str(c["n"]), c["aporte"], c["compromiso"], c["responsable"], short_date(c["plazo"])]
            for c in content["commitments"]
        ],
        [22, (width - 172) / 2, (width - 172) / 2, 90, 60],
        "No se asumieron compromisos.",
    )


def _evaluation(w: _Story, evaluation: dict) -> None:
    w.h2("9. Evaluación del evento")
    if not evaluation["responses"]:
        w.para("No se registraron encuestas de evaluación.")
        return
    w.para(
        f"Se recibieron {_n(evaluation['responses'], 'encuesta', 'encuestas')} de evaluación. Resultados por pregunta:"
    )
    w.grid(
        ["Pregunta", "Respuestas (porcentaje sobre quienes respondieron)"],
        [
            [it["question"], "; ".join(f"{o}: {p:.0f} %" for o, n, p in it["options"] if n)]
            for it in evaluation["items"]
        ],
        [w.width * 0.42, w.width * 0.58],
        "",
    )


def _compromiso(w: _Story, content: dict) -> None:
    """The acta de compromiso: the legal grounds, then the commitments the entity takes on."""
    from reportlab.platypus import Paragraph, Spacer

    ev, width, place = content["event"], w.width, _place(content["event"])
    w.h2("Considerando:")
    for c in CONSIDERANDOS_CO if content["country"] == "CO" else CONSIDERANDOS_EC:
        w.story.append(Paragraph(esc(c), w.body))
        w.story.append(Spacer(1, 2))
    w.para(
        f"En la {ev['type'].lower()} realizada el {long_date(ev['date'])}"
        f"{' (' + place + ')' if place else ''}, la entidad asume ante la ciudadanía los siguientes "
        "compromisos:"
    )
    w.story.append(Spacer(1, 4))
    w.grid(
        [
            "Nº",
            "Aporte / sugerencia ciudadana",
            "Compromiso institucional",
            "Unidad responsable",
            "Plazo",
            "Indicador / medio de verificación",
        ],
        [
            [str(c["n"]), c["aporte"], c["compromiso"], c["responsable"], short_date(c["plazo"]), c["indicador"]]
            for c in content["commitments"]
        ],
        [20, 100, 120, 80, 52, width - 372],
        "No se asumieron compromisos.",
    )
    w.story.append(Spacer(1, 6))
    w.para(
        "La entidad incorporará estos compromisos en su plan de trabajo, informará periódicamente su avance "
        "a la ciudadanía y reportará su cumplimiento en el informe de rendición de cuentas del próximo periodo "
        "(sección «Incorporación de los aportes ciudadanos»)."
    )


def _signatures(w: _Story, ev: dict) -> None:
    from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table

    w.story.append(Spacer(1, 18))
    signers = [
        ("Máxima autoridad o delegado/a", ev["authority"]),
        ("Secretario/a", ev["secretary"]),
        ("Delegado/a ciudadano/a", ""),
        ("Delegado/a ciudadano/a", ""),
    ]
    cells = []
    for role, name in signers:
        cells.append(
            [
                Spacer(1, 26),
                Paragraph("_______________________________", w.body),
                Paragraph(esc(name) if name else "Nombre: ______________________", w.small),
                Paragraph("C.I.: ______________________", w.small),
                Paragraph(f"<b>{esc(role)}</b>", w.small),
            ]
        )
    sig = Table([cells[0:2], cells[2:4]], colWidths=[w.width / 2, w.width / 2])
    sig.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP")])
    w.story.append(KeepTogether([Paragraph("Firmas", w.st["h2"]), sig]))


def _n(n: int, one: str, many: str) -> str:
    """'1 persona', '3 personas' (no "(s)" in a public document)."""
    return f"{n} {one if n == 1 else many}"
