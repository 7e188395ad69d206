"""Messy workbooks, built with openpyxl in a temp folder, the way real institutional files look.

Each builder writes one `.xlsx` and returns its path. They carry the troubles the importer
must survive: title rows, merged cells, headers repeated at page breaks, blank rows, Excel
dates next to d/mm/yyyy text, `X`/`x`/`✓` marks, stray and non-breaking spaces, accents
and case in headers, reordered and unknown columns. The `bad_*` builders make files that
must be refused with a Spanish message.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

NBSP = "\u00a0"


def _put(ws, row: int, values: list) -> None:
    for c, v in enumerate(values, start=1):
        if v is not None and v != "":
            cell = ws.cell(row, c, v)
            if isinstance(v, str) and v.startswith("="):
                cell.data_type = "s"  # text typed with a leading "=", not a formula


def messy_murc(path: Path) -> Path:
    """MURC matrix, columns reordered, an unknown column, marks in every spelling.

    Expected: 5 activities (INFORMACIÓN 3, DIÁLOGO 2), one error (row 14: marks but no
    activity), one warning ("Pendiente" in a stage column).
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "Matriz MURC"
    _put(ws, 1, ["  ALCALDÍA  MUNICIPAL DE  PRUEBAS  "])
    ws.merge_cells("A1:M1")
    _put(ws, 2, [f"Estrategia de rendición de cuentas{NBSP}- vigencia 2023"])
    ws.merge_cells("A2:M2")
    # header in two rows, accents and case lost, responsible BEFORE meta, unknown column
    _put(
        ws,
        4,
        [
            "",
            "Actividad",
            "etapas",
            "",
            "",
            "",
            "",
            f"Dependencia{NBSP}responsable ",
            "Observaciones",
            "CUATRIMESTRE",
            "",
            "",
            "Meta / Producto",
        ],
    )
    _put(
        ws,
        5,
        [
            "",
            "",
            "APRESTAMIENTO",
            "Diseno",
            "preparacion",
            "EJECUCION",
            "Seguimiento y evaluacion",
            "",
            "",
            "I",
            "II",
            "III",
            "",
        ],
    )
    ws.merge_cells("C4:G4")
    ws.merge_cells("J4:L4")
    _put(
        ws,
        6,
        [
            "Información",
            "  Caracterizar   los grupos de valor ",
            "x",
            "",
            "",
            "",
            "",
            "Planeación",
            "ver acta 3",
            "X",
            "",
            "",
            "Documento de caracterización",
        ],
    )
    _put(
        ws,
        7,
        [
            "",
            "Publicar el informe de gestión",
            "",
            "",
            "",
            "X ",
            "",
            "Comunicaciones",
            "",
            "",
            "✓",
            "x",
            "Informe publicado",
        ],
    )
    ws.merge_cells("A6:A8")
    _put(ws, 8, ["", "Definir la ruta de diálogo", "", "Pendiente", "", "", "", "Planeación", "", "", "", "X", ""])
    # blank rows, a page title and the header repeated at the page break
    _put(ws, 11, ["Estrategia de rendición de cuentas - vigencia 2023"])
    ws.merge_cells("A11:M11")
    _put(
        ws,
        12,
        [
            "DIÁLOGO",
            "ACTIVIDADES",
            "ETAPAS",
            "",
            "",
            "",
            "",
            "DEPENDENCIA RESPONSABLE",
            "Observaciones",
            "Cuatrimestre",
            "",
            "",
            "META/PRODUCTO",
        ],
    )
    _put(
        ws,
        13,
        [
            "",
            "",
            "Aprestamiento",
            "Diseño",
            "Preparación",
            "Ejecución",
            "Seguimiento y Evaluación",
            "",
            "",
            "1",
            "2",
            "3",
            "",
        ],
    )
    _put(ws, 14, ["", "", "", "", "", "X", "", "Comunicaciones", "", "", "X", "", ""])  # no activity: error
    _put(
        ws,
        15,
        [
            "",
            "Audiencia pública de rendición de cuentas",
            "",
            "",
            "",
            "X",
            "",
            "Despacho",
            "",
            "",
            "",
            "X",
            "Audiencia realizada",
        ],
    )
    _put(
        ws,
        16,
        [
            "",
            "Evaluar la estrategia",
            "",
            "",
            "",
            "",
            "X",
            "Control Interno",
            "",
            "X",
            "X",
            "X",
            "Informe de evaluación",
        ],
    )
    wb.save(path)
    return path


def messy_dated(path: Path) -> Path:
    """Dated cronograma: Excel dates, d/mm/yyyy and ISO text, a bad date, end before start.

    Expected: 4 activities in 2 etapas; warnings for "pronto" (kept verbatim) and for the
    activity whose end date is before its start.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "Cronograma"
    _put(ws, 1, ["CRONOGRAMA RENDICIÓN DE CUENTAS\nMUNICIPIO DE PRUEBA\n15 DE MARZO 2021"])
    ws.merge_cells("A1:F1")
    _put(ws, 3, ["Etapa de alistamiento"])
    ws.merge_cells("A3:F3")
    # reordered: responsible before the dates; "Nº" and variant date headers; an unknown column
    _put(ws, 4, ["Nº", "  actividades", "Responsables", "Fecha de inicio", "Fecha fin", "Lugar"])
    _put(ws, 5, [1, "Conformar el equipo", "Planeación", datetime(2021, 3, 1), "5/03/2021", "Sala 1"])
    _put(ws, 6, [2, "Convocar a la ciudadanía", "Comunicaciones", "2021-03-08", "pronto", ""])
    _put(ws, 8, ["ETAPA DE DIÁLOGO"])
    _put(ws, 9, ["No.", "ACTIVIDAD", "RESPONSABLE", "FECHA INICIAL", "FECHA FINAL", "Lugar"])
    _put(ws, 10, [1, "Audiencia pública", "Despacho", date(2021, 4, 20), date(2021, 4, 10), "Coliseo"])
    _put(ws, 11, [2, "Responder preguntas", "Planeación", "21/04/2021", "30/04/2021", ""])
    ws["D5"].number_format = "dd/mm/yyyy"
    wb.save(path)
    return path


def messy_paac(path: Path) -> Path:
    """PAAC component 3 with a page break that cuts an activity, and text that looks like formulas.

    Expected: 4 activities (Subcomponente 1: 2, Subcomponente 2: 2), one continuation merged.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "PAAC 2024"
    title = "PLAN ANTICORRUPCIÓN Y DE ATENCIÓN AL CIUDADANO - ALCALDÍA DE PRUEBA 2024"
    header = ["Subcomponente", "Actividades", "Meta o Producto", "Recursos", "Responsable", "Fecha programada"]
    _put(ws, 1, [title])
    _put(ws, 2, ["COMPONENTE 3: RENDICIÓN DE CUENTAS"])
    _put(ws, 3, header)
    _put(
        ws,
        4,
        [
            "Subcomponente 1: Información de calidad",
            "=Publicar el informe de gestión",
            "+1 informe",
            "Funcionamiento",
            "@prensa",
            "Marzo a junio de 2024",
        ],
    )
    _put(
        ws,
        5,
        [
            "",
            "Difundir los temas recurrentes de las peticiones, quejas,",
            "Dos publicaciones",
            "Funcionamiento",
            "Prensa",
            "Febrero a diciembre de 2024",
        ],
    )
    ws.merge_cells("A4:A5")
    _put(ws, 7, [title])
    _put(ws, 8, ["COMPONENTE 3: RENDICIÓN DE CUENTAS"])
    _put(ws, 9, header)
    _put(ws, 10, ["", "reclamos y denuncias recibidos.", "", "", "", ""])  # continues row 5
    _put(
        ws,
        11,
        [
            "Subcomponente 2: Diálogo",
            "Audiencia pública",
            "-1 audiencia",
            "Funcionamiento",
            "Despacho",
            "Cada semestre de 2024",
        ],
    )
    _put(ws, 12, ["", "Mesas de trabajo", "3 mesas", "Funcionamiento", "Planeación", "Cuando se pueda"])
    wb.save(path)
    return path


def messy_cpccs(path: Path) -> Path:
    """CPCCS phases: "Fase 1:" with the name in the same cell, section labels on their own rows.

    Expected: 5 activities; FASE 1 > PREPARACIÓN (2), FASE 2 > EVENTO (2) and 1 directly in FASE 2.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "Fases"
    _put(ws, 1, ["JEFATURA POLÍTICA DEL CANTÓN GUAMOTE"])
    _put(ws, 2, ["Rendición de cuentas año 2022"])
    _put(ws, 4, ["Fase 1: Planificación"])
    _put(ws, 5, ["", "Actividades", "Responsable"])
    _put(ws, 6, ["PREPARACIÓN", "Conformar el equipo", "Jefe Político"])
    _put(ws, 7, ["", "Elaborar el cronograma", "Secretaría"])
    _put(ws, 9, ["FASE 2", "DELIBERACIÓN PÚBLICA"])
    _put(ws, 10, ["", "Difundir el informe", "Secretaría"])
    _put(ws, 11, ["EVENTO"])
    _put(ws, 12, ["", "Realizar el evento", "Jefe Político"])
    _put(ws, 13, ["", "Levantar el acta", "Secretaría"])
    wb.save(path)
    return path


def multi_sheet(path: Path) -> Path:
    """A dated plan that continues on a second sheet, plus a notes sheet without a table."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Hoja1"
    _put(ws, 1, ["CRONOGRAMA 2022"])
    _put(ws, 2, ["ETAPA DE INFORMACIÓN"])
    _put(ws, 3, ["No.", "Actividad", "Fecha inicial", "Fecha final", "Responsable"])
    _put(ws, 4, [1, "Publicar el informe", "1/02/2022", "28/02/2022", "TIC"])
    ws2 = wb.create_sheet("Hoja2")
    _put(ws2, 1, ["ETAPA DE DIÁLOGO"])
    _put(ws2, 2, ["No.", "Actividad", "Fecha inicial", "Fecha final", "Responsable"])
    _put(ws2, 3, [1, "Audiencia pública", "1/03/2022", "1/03/2022", "Despacho"])
    ws3 = wb.create_sheet("Notas")
    _put(ws3, 1, ["Aprobado en comité del 10 de enero"])
    wb.save(path)
    return path


def big_murc(path: Path, n: int) -> Path:
    """A plain MURC matrix with `n` activities (write-only, fast)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Matriz")
    ws.append(["Cronograma de rendición de cuentas vigencia 2024"])
    ws.append(
        [
            "INFORMACIÓN",
            "ACTIVIDADES",
            "ETAPAS",
            None,
            None,
            None,
            None,
            "META/PRODUCTO",
            "Cuatrimestre",
            None,
            None,
            "DEPENDENCIA RESPONSABLE",
        ]
    )
    ws.append(
        [
            None,
            None,
            "Aprestamiento",
            "Diseño",
            "Preparación",
            "Ejecución",
            "Seguimiento y Evaluación",
            None,
            1,
            2,
            3,
            None,
        ]
    )
    for i in range(n):
        s = i % 5
        marks = [("X" if k == s else None) for k in range(5)]
        cuatri = [("X" if (i + k) % 3 == 0 else None) for k in range(3)]
        ws.append(
            [
                None,
                f"Actividad número {i + 1} del plan de rendición de cuentas",
                *marks,
                f"Producto {i + 1}",
                *cuatri,
                f"Dependencia {i % 17}",
            ]
        )
    wb.save(path)
    return path


# ---- bad files ----------------------------------------------------------------------------
def bad_text_renamed(path: Path) -> Path:
    path.write_text("Actividad;Responsable\nPublicar;TIC\n", encoding="utf-8")
    return path


def bad_truncated(path: Path) -> Path:
    tmp = path.with_suffix(".full.xlsx")
    messy_cpccs(tmp)
    data = tmp.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    tmp.unlink()
    return path


def bad_password(path: Path) -> Path:
    """What Excel writes for a password-protected workbook: an OLE/CFB container."""
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504 + b"EncryptedPackage" + b"\x00" * 512)
    return path


def bad_not_workbook_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("content.xml", "<office:document-content/>")
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    return path


def bad_no_header(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Datos"
    _put(ws, 1, ["Nombre", "Cargo"])
    _put(ws, 2, ["Ana", "Directora"])
    wb.save(path)
    return path


def bad_empty(path: Path) -> Path:
    wb = Workbook()
    wb.active.title = "Vacía"
    wb.create_sheet("Otra")
    wb.save(path)
    return path
