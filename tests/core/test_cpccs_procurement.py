"""«Contratación pública» from the procurement system's list of processes: SERCOP-like workbooks
(title rows, Spanish headers, money as «1.234,56» text and as numbers) and SECOP-like CSVs, read
through the one import pipeline and aggregated into the form's rows per type."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from rcdesk.cli import main
from rcdesk.errors import UserError
from rcdesk.services.cpccs import CpccsService
from rcdesk.services.cpccs_procurement import import_processes, procedure_type, read_processes, state_kind
from tests.core.poa_world import make_world

HEADERS = (
    "Código",
    "Tipo de Proceso",
    "Objeto del Proceso",
    "Estado del Proceso",
    "Presupuesto Referencial",
    "Monto Adjudicado",
    "Fecha de Publicación",
    "Link",
)
ROWS = (
    ("SIE-GCH-001-2025", "Subasta Inversa Electrónica", "Equipos", "Adjudicada", 12000, "11.500,50", "15/03/2025", ""),
    (
        "SIE-GCH-002-2025",
        "SUBASTA INVERSA ELECTRONICA",
        "Papel",
        "Finalizada",
        "3.000,00",
        2800.25,
        date(2025, 5, 2),
        "",
    ),
    ("MCO-GCH-001-2025", "Menor Cuantía Obras", "Aceras", "En Ejecución", 40000, "39.000", "01/06/2025", ""),
    ("IC-GCH-010-2025", "Ínfima Cuantía", "Café", "Finalizado", 500, "480,00", "10/02/2025", "https://sercop.ec/ic10"),
    ("COT-GCH-001-2025", "Cotización", "Vía", "Desierto", 90000, "", "02/07/2025", ""),
    ("SIE-GCH-099-2024", "Subasta Inversa Electrónica", "Viejo", "Finalizada", 100, "100", "20/12/2024", ""),
    ("XYZ-GCH-001-2025", "Régimen de Comunicación Social", "Radio", "Adjudicado", 7000, "6.999,99", "05/08/2025", ""),
)


def sercop_book(path: Path, rows=ROWS) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Procesos"
    ws.append(["SERVICIO NACIONAL DE CONTRATACIÓN PÚBLICA"])
    ws.append(["Entidad: Gobernación de Chimborazo"])
    ws.append([])
    ws.append(list(HEADERS))
    for r in rows:
        ws.append(list(r))
    ws.append([])
    ws.append(["TOTAL", "", "", "", "", "", "", ""])
    wb.save(path)
    return path


def contratacion_rows(db) -> dict[str, dict]:
    return {r["tipo"]: r for r in CpccsService(db).form(2025, "contratacion").get("filas", [])}


def test_sercop_list_is_aggregated_per_cpccs_type_for_the_year(db, tmp_path):
    make_world(db)
    res = import_processes(db, sercop_book(tmp_path / "sercop.xlsx"), 2025)
    assert res.saved and (res.rows_read, res.counted, res.other_years, res.not_counted) == (7, 5, 1, 1)
    rows = contratacion_rows(db)
    # two subastas: one adjudicated, one finalised (finalised ones are adjudicated too)
    assert rows["SUBASTA INVERSA ELECTRÓNICA"] == {
        "tipo": "SUBASTA INVERSA ELECTRÓNICA",
        "numero_adjudicados": 2,
        "valor_adjudicados": 14300.75,
        "numero_finalizados": 1,
        "valor_finalizados": 2800.25,
    }
    assert (
        rows["MENOR CUANTÍA OBRAS"]["numero_adjudicados"] == 1
        and rows["MENOR CUANTÍA OBRAS"]["valor_adjudicados"] == 39000
    )
    assert rows["ÍNFIMA CUANTÍA"]["link"] == "https://sercop.ec/ic10"
    assert rows["ÍNFIMA CUANTÍA"]["valor_finalizados"] == 480
    # an unknown procedure is counted under OTRAS and asked about, never refused
    assert rows["OTRAS"]["numero_adjudicados"] == 1
    assert res.unknown_types == {"Régimen de Comunicación Social": 1}
    assert any("Régimen de Comunicación Social" in q and "--tipo" in q for q in res.questions)
    assert "COTIZACIÓN" not in rows  # desierto
    assert CpccsService(db).report(2025).section("contratacion").rows


def test_a_question_answered_with_tipo_and_a_typed_link_kept(db, tmp_path):
    make_world(db)
    svc = CpccsService(db)
    svc.save_form(
        2025,
        "contratacion",
        {"filas": [{"tipo": "MENOR CUANTÍA OBRAS", "numero_adjudicados": 9, "link": "https://gob.ec/mco"}]},
    )
    res = import_processes(
        db,
        sercop_book(tmp_path / "s.xlsx"),
        2025,
        types=["regimen de comunicacion social=régimen especial (todos los procesos)"],
    )
    rows = contratacion_rows(db)
    assert not res.unknown_types and "OTRAS" not in rows
    assert rows["RÉGIMEN ESPECIAL (Todos los procesos)"]["numero_adjudicados"] == 1
    assert rows["MENOR CUANTÍA OBRAS"]["link"] == "https://gob.ec/mco"  # typed by the user, kept
    assert rows["MENOR CUANTÍA OBRAS"]["numero_adjudicados"] == 1  # the figures come from the list


def test_dry_run_shows_what_would_be_stored_and_stores_nothing(db, tmp_path):
    make_world(db)
    res = import_processes(db, sercop_book(tmp_path / "s.xlsx"), 2025, dry_run=True)
    assert not res.saved and {r["tipo"] for r in res.form["filas"]} >= {"ÍNFIMA CUANTÍA", "OTRAS"}
    assert "Se guardaría" in res.summary() and "nada se guardó" in res.summary()
    assert contratacion_rows(db) == {}


def test_a_bad_amount_names_sheet_row_and_column_and_changes_nothing(db, tmp_path):
    make_world(db)
    bad = list(ROWS)
    bad[2] = (
        "MCO-GCH-001-2025",
        "Menor Cuantía Obras",
        "Aceras",
        "En Ejecución",
        40000,
        "treinta mil",
        "01/06/2025",
        "",
    )
    with pytest.raises(UserError) as err:
        import_processes(db, sercop_book(tmp_path / "s.xlsx", bad), 2025)
    assert "hoja «Procesos», fila 7, columna F («Monto Adjudicado»)" in " ".join(err.value.details)
    assert contratacion_rows(db) == {}


def test_secop_csv_columns_are_recognised(db, tmp_path):
    make_world(db)
    csv = tmp_path / "secop.csv"
    csv.write_text(
        "referencia_del_contrato,modalidad_de_contratacion,estado_contrato,valor_del_contrato,fecha_de_firma,urlproceso\n"
        "CO1,Licitación pública,Cerrado,1000000,2025-04-01,https://secop.gov.co/1\n"
        "CO2,Contratación directa,En ejecución,250000.5,2025-09-10,\n"
        "CO3,Mínima cuantía,Activo,80000,2025-10-01,\n",
        encoding="utf-8",
    )
    res = read_processes(db, csv, 2025)
    mapped = {c["field"] for c in res.as_json()["columns"] if c["action"] == "campo"}
    assert mapped == {"codigo", "tipo", "estado", "valor_adjudicado", "fecha", "link"}
    totals = {t.tipo: t for t in res.totals}
    assert totals["LICITACIÓN"].finalizados == 1 and totals["CONTRATACIÓN DIRECTA"].valor_adjudicados == 250000.5
    assert res.unknown_types == {"Mínima cuantía": 1}  # Colombian modality: a question, counted in OTRAS


@pytest.mark.parametrize(
    ("name", "tipo"),
    [
        ("SUBASTA INVERSA ELECTRONICA", "SUBASTA INVERSA ELECTRÓNICA"),
        ("Menor Cuantía Bienes y Servicios", "MENOR CUANTÍA B Y S"),
        ("Catálogo Electrónico", "CATÁLOGO ELECTRÓNICO"),
        ("Régimen Especial", "RÉGIMEN ESPECIAL (Todos los procesos)"),
        ("Licitación de Obras", "LICITACIÓN"),
        ("Consultoría - Lista Corta", "LISTA CORTA"),
        ("Contratación en situaciones de emergencia", "CONTRATACIÓN EN SITUACIONES DE EMERGENCIA"),
        ("Procedimiento inventado", None),
    ],
)
def test_procedure_names_match_the_form_types(name, tipo):
    assert procedure_type(name) == tipo


def test_states():
    assert [state_kind(s) for s in ("Adjudicada", "Finalizada", "Desierto", "Cancelado", "En recepción", "Xyz")] == [
        "ADJ",
        "FIN",
        "NO",
        "NO",
        "ADJ",
        None,
    ]


def test_cli_json_and_refusal_exit_2(capsys, tmp_path):
    from rcdesk.db.database import Database

    db_path = tmp_path / "t.db"
    with Database.open(db_path) as db:
        make_world(db)
    book = sercop_book(tmp_path / "s.xlsx")
    code = main(["--db", str(db_path), "--json", "cpccs", "contratacion", str(book), "--year", "2025", "--dry-run"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["dry_run"] and not out["saved"] and out["questions"]
    code = main(["--db", str(db_path), "cpccs", "contratacion", str(book), "--year", "2025", "--tipo", "x=NADA"])
    assert code == 2 and "no es válido en --tipo" in capsys.readouterr().err
    code = main(["--db", str(db_path), "cpccs", "contratacion", str(book), "--year", "2025"])
    assert code == 0 and "Guardado" in capsys.readouterr().out
