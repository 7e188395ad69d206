"""A small Chimborazo world for POA tests (hand-computable numbers) and messy POA workbooks.

World: Gobernación de Chimborazo with
  - Jefatura Política de Guano (canton Guano) — POA 2025, trimestre:
      meta 1.1 planned 10/qtr (target 40), executed T1 8, T2 12 → cut 30/06: 20/20 = 100 %
      meta 1.2 planned 5/qtr (target 20), executed T1 2, T2 3   → cut 30/06: 5/10 = 50 %
      meta 1.2 codificado 1000, devengado T1 100, T2 150        → budget 25 %
  - Tenencia Política de San Andrés (rural parish of Guano) — meta planned 10/qtr, executed 9 and 9 → 90 %
  - Jefatura Política de Chambo (canton Chambo) — meta planned 4/qtr, executed 2 and 1 → 3/8 = 37.5 %
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook


@dataclass
class World:
    inst_id: str
    guano_id: str
    chambo_id: str
    jp_guano: str
    tp_san_andres: str
    jp_chambo: str
    poa_guano: str = ""
    meta_11: str = ""
    meta_12: str = ""
    poa_tenencia: str = ""
    poa_chambo: str = ""


def make_units(db) -> World:
    from rcdesk.services.reference import ReferenceService

    ref = ReferenceService(db)
    ref.ensure_builtin_territories()
    inst = ref.find_or_create_institution("Gobernación de Chimborazo", "EC", "GOBERNACION_EC")
    guano = ref.territory_by_code("0607", "EC")
    chambo = ref.territory_by_code("0604", "EC")
    san_andres = ref.territory_by_code("060754", "EC")
    jp_g = ref.add_unit(inst.institution_id, "Jefatura Política de Guano", "JEFATURA_POLITICA", guano.territory_id)
    tp = ref.add_unit(
        inst.institution_id, "Tenencia Política de San Andrés", "TENENCIA_POLITICA", san_andres.territory_id
    )
    jp_c = ref.add_unit(inst.institution_id, "Jefatura Política de Chambo", "JEFATURA_POLITICA", chambo.territory_id)
    return World(inst.institution_id, guano.territory_id, chambo.territory_id, jp_g.unit_id, tp.unit_id, jp_c.unit_id)


def make_world(db) -> World:
    from rcdesk.services.poa import PoaService

    w = make_units(db)
    svc = PoaService(db)
    w.poa_guano = svc.create_poa(w.jp_guano, 2025).poa_id
    obj = svc.add_objective(w.poa_guano, "Fortalecer la seguridad ciudadana", "OE1", "PND Objetivo 3")
    w.meta_11, _ = svc.add_meta(
        obj,
        "Mesas de seguridad",
        number="1.1",
        indicator="Mesas realizadas",
        unit_of_measure="Mesa",
        annual_target=40,
        planned=[10, 10, 10, 10],
    )
    w.meta_12, _ = svc.add_meta(
        obj,
        "Operativos conjuntos",
        number="1.2",
        unit_of_measure="Operativo",
        annual_target=20,
        planned=[5, 5, 5, 5],
        codificado=1000,
    )
    svc.save_execution(w.meta_11, 1, executed_qty=8)
    svc.save_execution(w.meta_11, 2, executed_qty=12)
    svc.save_execution(w.meta_12, 1, executed_qty=2, devengado=100)
    svc.save_execution(w.meta_12, 2, executed_qty=3, devengado=150)

    w.poa_tenencia = svc.create_poa(w.tp_san_andres, 2025).poa_id
    o2 = svc.add_objective(w.poa_tenencia, "Convivencia pacífica en la parroquia")
    m, _ = svc.add_meta(o2, "Recorridos comunitarios", number="1.1", annual_target=40, planned=[10, 10, 10, 10])
    svc.save_execution(m, 1, executed_qty=9)
    svc.save_execution(m, 2, executed_qty=9)

    w.poa_chambo = svc.create_poa(w.jp_chambo, 2025).poa_id
    o3 = svc.add_objective(w.poa_chambo, "Gobernabilidad")
    m, _ = svc.add_meta(o3, "Reuniones con el GAD", number="1.1", annual_target=16, planned=[4, 4, 4, 4])
    svc.save_execution(m, 1, executed_qty=2)
    svc.save_execution(m, 2, executed_qty=1)
    return w


# -- workbooks -----------------------------------------------------------------------------------
def messy_two_row_header(path: Path) -> Path:
    """Title rows, a two-row header with merged group cells, a vertically merged objective,
    Spanish number texts, a blank row and a totals row: everything a real POA matrix has."""
    wb = Workbook()
    ws = wb.active
    ws.title = "POA consolidado"
    ws["A1"] = "GOBERNACIÓN DE CHIMBORAZO"
    ws["A2"] = "Matriz de seguimiento POA 2025 — Jefaturas y Tenencias"
    head_top = [
        "Unidad",
        "Cantón",
        "Objetivo",
        "No. meta",
        "Meta",
        "Indicador",
        "Unidad de medida",
        "Meta anual",
        "Programado",
        None,
        None,
        None,
        "Ejecutado",
        None,
        None,
        None,
        "Presupuesto codificado",
        "Presupuesto devengado",
    ]
    head_low = [None] * 8 + ["T1", "T2", "T3", "T4", "T1", "T2", "T3", "T4", None, None]
    for c, v in enumerate(head_top, start=1):
        ws.cell(4, c, v)
    for c, v in enumerate(head_low, start=1):
        if v:
            ws.cell(5, c, v)
    for c in (1, 2, 3, 4, 5, 6, 7, 8, 17, 18):  # single columns span both header rows
        ws.merge_cells(start_row=4, start_column=c, end_row=5, end_column=c)
    ws.merge_cells("I4:L4")
    ws.merge_cells("M4:P4")
    rows = [
        [
            "Jefatura Política de Guano",
            "Guano",
            "OE1 Seguridad ciudadana",
            "1.1",
            "Mesas de seguridad",
            "Mesas realizadas",
            "Mesa",
            12,
            3,
            3,
            3,
            3,
            3,
            2,
            None,
            None,
            "1.500,00",
            "600,50",
        ],
        [
            None,
            "Guano",
            None,
            "1.2",
            "Operativos conjuntos",
            "Operativos",
            "Operativo",
            "24",
            6,
            6,
            6,
            6,
            5,
            7,
            None,
            None,
            2000,
            900,
        ],
        [],
        [
            "tenencia política de san andres",
            "Guano",
            "OE1 Convivencia",
            "1.1",
            "Recorridos comunitarios",
            "Recorridos",
            "Recorrido",
            8,
            2,
            2,
            2,
            2,
            2,
            1,
            None,
            None,
            None,
            None,
        ],
        ["TOTAL", None, None, None, None, None, None, 44, None, None, None, None, None, None, None, None, 3500, 1500.5],
    ]
    for r, values in enumerate(rows, start=6):
        for c, v in enumerate(values, start=1):
            if v is not None:
                ws.cell(r, c, v)
    ws.merge_cells("A6:A7")  # unit written once for its two metas
    ws.merge_cells("C6:C7")  # objective written once for its two metas
    wb.save(path)
    return path


def sheet_per_unit(path: Path) -> Path:
    """One sheet per unit named after it; cuatrimestre columns; no year anywhere (given by option)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Jefatura Política de Chambo"
    ws.append(
        [
            "Objetivo",
            "Meta",
            "Indicador",
            "Meta anual",
            "Programado C1",
            "Programado C2",
            "Programado C3",
            "Ejecutado C1",
            "Ejecutado C2",
        ]
    )
    ws.append(["Gobernabilidad", "Reuniones con el GAD", "Reuniones", 12, 4, 4, 4, 4, 3])
    ws.append([None, "Socialización en parroquias", "Eventos", 6, 2, 2, 2, 1, None])
    ws2 = wb.create_sheet("Instrucciones")
    ws2.append(["Llene una hoja por unidad"])
    wb.save(path)
    return path


def bad_workbook(path: Path) -> Path:
    """Every kind of bad input in one sheet (must be refused as a whole)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "POA 2025"
    ws.append(
        [
            "Unidad",
            "Cantón",
            "Objetivo",
            "Meta",
            "Meta anual",
            "Programado T1",
            "Programado T2",
            "Programado T3",
            "Programado T4",
            "Ejecutado T1",
            "Presupuesto codificado",
            "Presupuesto devengado",
        ]
    )
    ws.append(["Jefatura Política de Guano", "Guano", "OE1", "Mesas", 12, 3, 3, 3, 3, -2, None, None])
    ws.append(["Jefatura Política de Guano", "Guano", "OE1", "Operativos", "doce", 3, 3, 3, 3, 1, None, None])
    ws.append(["Jefatura Política de Atlántida", "Guano", "OE1", "Recorridos", 4, 1, 1, 1, 1, 1, None, None])
    ws.append(["Jefatura Política de Guano", "Ciudad Gótica", "OE1", "Eventos", 4, 1, 1, 1, 1, 1, None, None])
    ws.append(["Jefatura Política de Chambo", "Guano", "OE1", "Reuniones", 4, 1, 1, 1, 1, 1, None, None])
    wb.save(path)
    return path


def merged_header_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Guano"
    ws.append(["Objetivo", "Meta", "Meta anual", "Programado", None, None, None])
    ws.merge_cells("D1:G1")
    ws.append(["OE1", "Mesas", 12, 3, 3, 3, 3])
    wb.save(path)
    return path


def warnings_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Jefatura Política de Guano"
    ws.append(["POA 2025"])
    ws.append(
        [
            "Objetivo",
            "Meta",
            "Meta anual",
            "Programado T1",
            "Programado T2",
            "Programado T3",
            "Programado T4",
            "Ejecutado T1",
            "Presupuesto codificado",
            "Presupuesto devengado",
        ]
    )
    ws.append(["OE1", "Mesas", 12, 3, 3, 3, 2, 3, 100, 150])
    ws.append(["OE1", "=SUMA(A1:A3) no es fórmula", 4, 1, 1, 1, 1, 1, None, None])
    ws["B4"].data_type = "s"  # typed as text in Excel (a leading apostrophe)
    wb.save(path)
    return path
