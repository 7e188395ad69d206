"""A filled CPCCS report workbook read back: answers typed in the yellow cells are stored, the
rest is listed as not imported, bad values refuse the whole file naming sheet, row and field."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from rcdesk.errors import UserError
from rcdesk.services.cpccs import CpccsService
from rcdesk.services.cpccs_export import export_report
from rcdesk.services.cpccs_import import import_workbook
from tests.core.poa_world import make_world

ART19 = "PUBLICACIÓN EN LA PÁG. WEB DE LOS CONTENIDOS ESTABLECIDOS EN EL ART. 19 DE LA LOTAIP"
ART29 = "PUBLICACIÓN EN LA PÁG. WEB DE LOS CONTENIDOS ESTABLECIDOS EN EL ART. 29 DE LA LOTAIP"


def _row_of(ws, text: str) -> int:
    return next(c.row for row in ws.iter_rows() for c in row if c.value == text)


def _fill(src, dst, *, bad: bool = False) -> None:
    """What a person does in Excel: answers typed in the yellow cells, plus a few stray edits."""
    wb = load_workbook(src)
    ws = wb["Transparencia"]
    r = _row_of(ws, ART19)
    ws.cell(r, 2, "si")
    ws.cell(r, 3, "https://gob.ec/lotaip")
    ws.cell(_row_of(ws, ART29), 2, "quizá" if bad else "NO")
    ws = wb["Contratación pública"]
    r = _row_of(ws, "TIPO DE CONTRATACIÓN") + 1
    for c, v in enumerate(("ínfima cuantía", 12, 1234.5, 10, 1000, "https://compras.gob.ec/x"), start=1):
        ws.cell(r, c, v)
    ws.cell(r + 1, 1, "NO SE REALIZARON CONTRATACIONES")
    ws = wb["Datos generales"]
    ws.cell(_row_of(ws, "Representante Legal:"), 2, "Ana Pérez")
    ws = wb["Enajenación y donaciones"]
    ws.cell(_row_of(ws, "¿ESTA SECCIÓN NO APLICA? (SI / NO)"), 2, "SI")
    ws = wb["Difusión y comunicación"]
    ws.cell(_row_of(ws, "Radio"), 2, 0)
    ws = wb["Ejecución programática"]
    ws.cell(_row_of(ws, "TIPO") + 1, 8, 999)  # a computed figure typed over
    wb.create_sheet("Mis notas")["B2"] = "revisar con la directora"
    wb.save(dst)


def test_round_trip_export_fill_import_export(db, tmp_path):
    make_world(db)
    svc = CpccsService(db)
    export_report(db, 2025, tmp_path / "informe.xlsx")
    _fill(tmp_path / "informe.xlsx", tmp_path / "llenado.xlsx")

    dry = import_workbook(db, tmp_path / "llenado.xlsx", 2025, dry_run=True)
    assert dry.dry_run and len(dry.changes) == 13
    assert svc.form(2025, "transparencia") == {}  # nothing written on a dry run

    res = import_workbook(db, tmp_path / "llenado.xlsx", 2025)
    assert sorted(res.sections) == [
        "contratacion",
        "datos_generales",
        "difusion",
        "enajenacion",
        "transparencia",
    ]
    assert svc.form(2025, "transparencia") == {
        "art19": {"aplica": "SI", "link": "https://gob.ec/lotaip"},
        "art29": {"aplica": "NO"},
    }
    assert svc.form(2025, "contratacion")["filas"] == [
        {
            "tipo": "ÍNFIMA CUANTÍA",
            "numero_adjudicados": 12,
            "valor_adjudicados": 1234.5,
            "numero_finalizados": 10,
            "valor_finalizados": 1000,
            "link": "https://compras.gob.ec/x",
        },
        {"tipo": "NO SE REALIZARON CONTRATACIONES"},
    ]
    assert svc.form(2025, "datos_generales") == {"representante_legal": "Ana Pérez"}
    assert svc.form(2025, "enajenacion") == {"no_aplica": True}
    assert svc.form(2025, "difusion") == {"radio": {"numero": 0}}
    skipped = {(n.sheet, n.cell): n.reason for n in res.not_imported}
    typed_over = _row_of(load_workbook(tmp_path / "llenado.xlsx")["Ejecución programática"], "TIPO") + 1
    assert skipped[("Ejecución programática", f"H{typed_over}")].startswith("dato calculado por rcdesk")
    assert skipped[("Mis notas", "B2")] == "hoja desconocida"
    assert len(skipped) == 2

    export_report(db, 2025, tmp_path / "otra vez.xlsx")
    wb = load_workbook(tmp_path / "otra vez.xlsx")
    ws = wb["Transparencia"]
    r = _row_of(ws, ART19)
    assert (ws.cell(r, 2).value, ws.cell(r, 3).value) == ("SI", "https://gob.ec/lotaip")
    assert ws.cell(_row_of(ws, ART29), 3).value == "NO APLICA"
    ws = wb["Contratación pública"]
    r = _row_of(ws, "TIPO DE CONTRATACIÓN") + 1
    assert [ws.cell(r, c).value for c in range(1, 7)] == [
        "ÍNFIMA CUANTÍA",
        12,
        1234.5,
        10,
        1000,
        "https://compras.gob.ec/x",
    ]
    status = {row[1]: row[3] for row in wb["Estado del informe"].iter_rows(min_row=5, values_only=True) if row[1]}
    assert status["ENAJENACIÓN, DONACIONES Y EXPROPIACIONES DE BIENES:"] == "No aplica"
    assert status["PROCESOS DE CONTRATACIÓN Y COMPRAS PÚBLICAS DE BIENES Y SERVICIOS:"] == "Completa"
    # the workbook written again imports as no change at all
    again = import_workbook(db, tmp_path / "otra vez.xlsx", 2025)
    assert (again.changes, again.not_imported, again.forms) == ([], [], {})


def test_bad_value_names_sheet_row_and_field_and_changes_nothing(db, tmp_path):
    make_world(db)
    export_report(db, 2025, tmp_path / "informe.xlsx")
    _fill(tmp_path / "informe.xlsx", tmp_path / "malo.xlsx", bad=True)
    with pytest.raises(UserError) as err:
        import_workbook(db, tmp_path / "malo.xlsx", 2025)
    row = _row_of(load_workbook(tmp_path / "malo.xlsx")["Transparencia"], ART29)
    assert str(err.value).startswith(f"Hoja «Transparencia», fila {row}, campo «PONGA SI O NO»: «quizá» no es SI ni NO")
    assert "No se importó nada" in str(err.value)
    svc = CpccsService(db)
    assert svc.forms(2025, svc.institution(2025).institution_id) == {}


def test_changed_headers_and_foreign_workbooks_are_refused(db, tmp_path):
    make_world(db)
    export_report(db, 2025, tmp_path / "informe.xlsx")
    wb = load_workbook(tmp_path / "informe.xlsx")
    ws = wb["Control social"]
    ws.cell(_row_of(ws, "MECANISMOS DE CONTROL SOCIAL GENERADOS POR LA COMUNIDAD"), 2, "SI/NO")
    wb.save(tmp_path / "encabezado.xlsx")
    with pytest.raises(UserError, match="Hoja «Control social»: no se encuentra la fila de encabezados"):
        import_workbook(db, tmp_path / "encabezado.xlsx", 2025)
    other = load_workbook(tmp_path / "informe.xlsx")
    other["Estado del informe"].title = "Hoja1"
    other.save(tmp_path / "otro.xlsx")
    with pytest.raises(UserError, match="no es un libro del informe CPCCS de rcdesk"):
        import_workbook(db, tmp_path / "otro.xlsx", 2025)
    with pytest.raises(UserError, match="No existe el archivo"):
        import_workbook(db, tmp_path / "nada.xlsx", 2025)
