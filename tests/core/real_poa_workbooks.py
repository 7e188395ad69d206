"""Workbooks shaped like real offices' POA-like files (built here, values chosen to be awkward).

- `plan_indicativo`: a Colombian municipality's plan indicativo: one sheet «PDM», title rows,
  eje / programa / subprograma written once per block, meta de resultado + its indicator, product
  metas with L.B, unidad de medida, tendencia I/M/D, RESPONSABLE, then quarter blocks
  «T1. PLANEADO 2024», «T1. EJECUTADO 2024» … «T4» for two years, apropiación / compromisos
  per year, soportes, and a column nobody expects.
- `plan_accion`: a city's plan de acción follow-up: one sheet per organismo («4112 Gobierno»),
  a title block (organismo, fecha de reporte, vigencia), rows typed by «Clase» D / L / P / I / Pr
  with the product metas under each project, annual values and Colombian budget columns.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook

# values a float-rounding reader gets wrong: 0.125 -> 0.12, 0.001 -> 0, 1/3
AWKWARD = [0.125, 0.001, 1 / 3, 2.675, 0.3333, 1e-4, 12.5, 7, 0.07, 100.005]


def plan_indicativo(path: Path, *, years: tuple[int, ...] = (2024, 2025), metas: int = 6) -> tuple[Path, dict]:
    """(path, expected) where expected[(meta text, year)] = {"planned": [...], "executed": [...], ...}."""
    wb = Workbook()
    ws = wb.active
    ws.title = "PDM"
    ws["A1"] = "PLAN INDICATIVO 2024 - 2027"
    ws.merge_cells("A1:H1")
    ws["A2"] = "Municipio de San Isidro del Monte"
    head = [
        "Eje",
        "Programa",
        "Subprograma",
        "Meta de resultado",
        "Indicador de resultado",
        "L.B",
        "Meta de producto",
        "Indicador de producto",
        "L.B",
        "Unidad de medida",
        "Tendencia",
        "RESPONSABLE",
    ]
    for y in years:
        for q in range(1, 5):
            head += [f"T{q}. PLANEADO {y}", f"T{q}. EJECUTADO {y}"]
    for y in years:
        head += [f"Apropiación {y}", f"Compromisos {y}"]
    head += ["Soportes", "Observación del enlace"]
    ws.append([])
    ws.append(head)  # header on row 4
    expected: dict = {}
    trends = ["I", "M", "D", "Incremento", "Mantenimiento", "Reducción"]
    units = [
        "Secretaría de Planeación",
        "SECRETARIA DE  PLANEACION",
        "Secretaría de Salud",
        "secretaría de salud",
        "Oficina de Cultura",
        "Secretaría de Planeación",
    ]
    k = 0
    for i in range(metas):
        eje = "1. Desarrollo social" if i < metas // 2 else "2. Desarrollo económico"
        prog = f"Programa {1 + i // 2}"
        sub = f"Subprograma {1 + i // 2}.{1 + i % 2}"
        res = f"Meta de resultado {1 + i // 3}"
        row = [
            eje if i % (metas // 2) == 0 else None,
            prog if i % 2 == 0 else None,
            sub,
            res if i % 3 == 0 else None,
            f"Indicador de resultado {1 + i // 3}" if i % 3 == 0 else None,
            55.5 if i % 3 == 0 else None,
            f"Meta de producto {i + 1}",
            f"Indicador de producto {i + 1}",
            i * 1.5,
            "Número",
            trends[i % len(trends)],
            units[i % len(units)],
        ]
        per_year = {}
        for y in years:
            planned, executed = [], []
            for _q in range(4):
                p = AWKWARD[k % len(AWKWARD)]
                e = AWKWARD[(k + 3) % len(AWKWARD)]
                k += 1
                planned.append(p)
                executed.append(e)
                row += [p, e]
            per_year[y] = {"planned": planned, "executed": executed}
        for y in years:
            cod, comp = 1000000.5 + i + y, 250000.25 + i
            row += [cod, comp]
            per_year[y].update(codificado=cod, comprometido=comp)
        row += ["https://sanisidro.gov.co/soportes/" + str(i + 1), f"nota interna {i + 1}"]
        ws.append(row)
        for y in years:
            expected[(f"Meta de producto {i + 1}", y)] = per_year[y]
    ws.append(["TOTAL"] + [None] * (len(head) - 1))
    wb.save(path)
    return path, expected


def plan_accion(path: Path) -> Path:
    """Two organismo sheets with D / L / P / I / Pr rows and product metas under each project."""
    wb = Workbook()
    first = True
    for code, org, report in (("4112", "Gobierno", date(2024, 6, 30)), ("4131", "Hacienda", date(2024, 9, 30))):
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = f"{code} {org}"
        ws["A1"] = "PLAN DE ACCIÓN - SEGUIMIENTO"
        ws["A2"] = "Organismo:"
        ws["B2"] = f"{code} Secretaría de {org}"
        ws["A3"] = "Fecha de reporte:"
        ws["B3"] = report
        ws["A4"] = "Vigencia:"
        ws["B4"] = 2024
        ws.append([])
        ws.append(
            [
                "Clase",
                "Código",
                "Nombre",
                "Meta de producto",
                "Indicador",
                "Valor de la meta",
                "Valor ejecutado",
                "Presupuesto inicial",
                "Presupuesto definitivo",
                "Presupuesto ejecutado",
                "Pagos",
                "Fecha de inicio",
                "Fecha de fin",
                "Explicación del avance",
            ]
        )
        rows = [
            ["D", "1", "Dimensión social", None, None, None, None, None, None, None, None, None, None, None],
            ["L", "1.1", "Línea: convivencia", None, None, None, None, None, None, None, None, None, None, None],
            ["P", "1.1.1", "Programa seguridad", None, None, None, None, None, None, None, None, None, None, None],
            [
                "I",
                "1.1.1.1",
                "Tasa de hurtos por 100 mil",
                None,
                "Tasa",
                120.5,
                118.25,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ],
            [
                "Pr",
                "2024-001",
                "Proyecto cámaras",
                None,
                None,
                None,
                None,
                500000000,
                480000000.5,
                300000000,
                250000000.75,
                None,
                None,
                None,
            ],
            [
                None,
                "MP1",
                None,
                "Cámaras instaladas",
                "Número de cámaras",
                40,
                12.5,
                None,
                None,
                None,
                None,
                date(2024, 2, 1),
                date(2024, 12, 15),
                "Se instalaron en el centro",
            ],
            [
                None,
                "MP2",
                None,
                "Frentes de seguridad",
                "Frentes",
                0.125,
                0.001,
                None,
                None,
                None,
                None,
                None,
                None,
                "=Avance parcial",
            ],
            ["Pr", "2024-002", "Proyecto convivencia", None, None, None, None, 1000, 1000, 10, 5, None, None, None],
            [None, "MP3", None, "Jornadas de convivencia", "Jornadas", 12, 3, None, None, None, None, None, None, ""],
        ]
        for r in rows:
            ws.append(r)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # typed with a leading apostrophe: text, not a formula
    wb.save(path)
    return path
