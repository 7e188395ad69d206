"""The whole CPCCS report: computed sections against hand-computed figures, forms, completeness,
the workbook and the PDF draft."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rcdesk.errors import UserError
from rcdesk.services.cpccs import CpccsService, _class_from_partidas
from rcdesk.services.cpccs_export import export_report
from rcdesk.services.cpccs_schema import SECTIONS
from tests.core.poa_world import make_world
from tests.pdf_text import pdf_text


@dataclass
class CpccsWorld:
    meta_12: str
    meta_inv: str
    c_linked: str
    c_none: str
    c_done: str


def make_cpccs_world(db) -> CpccsWorld:
    """make_world (POA 2025) plus: a second budget line; two deliberations of 2025 held in 2026 with
    anonymous tallies; participation events of 2025; three aportes of the 2024 deliberation."""
    from rcdesk.services.commitments import CommitmentInput, CommitmentService
    from rcdesk.services.events import EventInput, EventService
    from rcdesk.services.poa import PoaService

    w = make_world(db)
    poa = PoaService(db)
    obj = poa.tree(w.poa_guano)[0].objective_id
    meta_inv, _ = poa.add_meta(
        obj, "Equipamiento de la Jefatura", number="1.3", annual_target=1, planned=[0, 0, 0, 1], codificado=3000
    )
    poa.save_execution(meta_inv, 4, executed_qty=1, devengado=1200)

    ev = EventService(db)
    d1 = ev.create(
        EventInput(
            "Deliberación pública 2025",
            date(2026, 3, 15),
            period_label="Enero – diciembre 2025",
            institution_id=w.inst_id,
            status="REALIZADO",
        )
    ).event_id
    ev.save_tally(
        d1,
        50,
        {
            "genero": {"MASCULINO": 20, "FEMENINO": 25, "GLBTI": 2},
            "etnia": {"INDIGENA": 30, "MESTIZO": 12, "NEGRO": 2, "AFROECUATORIANO": 1, "BLANCO": 1},
        },
    )
    d2 = ev.create(EventInput("Deliberación en Chambo", date(2026, 3, 20), institution_id=w.inst_id)).event_id
    ev.save_tally(
        d2, 10, {"genero": {"MASCULINO": 4, "FEMENINO": 6}, "etnia": {"MONTUBIO": 2, "CHOLO": 1, "MESTIZO": 7}}
    )
    # a deliberation of another period and a cancelled one stay out
    ev.create(EventInput("Deliberación 2024", date(2025, 4, 10), period_label="Periodo 2024", institution_id=w.inst_id))
    ev.create(
        EventInput("Suspendida", date(2026, 3, 1), period_label="2025", status="CANCELADO", institution_id=w.inst_id)
    )
    for t, day in (
        ("AUDIENCIA_PUBLICA", date(2025, 5, 5)),
        ("DIALOGO", date(2025, 6, 1)),
        ("MESA_TEMATICA", date(2025, 7, 1)),
        ("REUNION", date(2025, 1, 10)),
        ("AUDIENCIA_PUBLICA", date(2024, 12, 1)),
    ):
        ev.create(EventInput(f"{t} {day}", day, event_type=t, institution_id=w.inst_id))

    prev = next(e.event_id for e in ev.list_events() if e.title == "Deliberación 2024")
    cs = CommitmentService(db)
    ids = []
    for text in ("Más patrullajes nocturnos", "Oficina móvil en Chambo", "Publicar las actas"):
        co = cs.add_contribution(prev, text)
        ids.append(
            cs.add(
                CommitmentInput(
                    text,
                    date(2025, 12, 31),
                    responsible_unit_id=w.jp_guano,
                    event_id=prev,
                    contribution_id=co.contribution_id,
                )
            ).commitment_id
        )
    cs.add_followup(ids[0], date(2025, 6, 30), 60, "Patrullajes en 4 barrios", links=["https://gob.ec/c1"])
    cs.add_followup(ids[2], date(2025, 9, 30), 100, "Actas publicadas")
    return CpccsWorld(w.meta_12, meta_inv, ids[0], ids[1], ids[2])


def test_deliberation_participants_equal_the_events_tallies(db):
    make_cpccs_world(db)
    s = CpccsService(db).report(2025).section("deliberacion")
    assert s.headers[:10] == (
        "FECHA",
        "NO. DE PARTICIPANTES",
        "MASCULINO",
        "FEMENINO",
        "GLBTI",
        "MONTUBIOS",
        "CHOLOS",
        "INDIGENAS",
        "MESTIZOS",
        "AFROECUATORIANOS",
    )
    assert [r[:10] for r in s.rows] == [
        ("15/03/2026", 50, 20, 25, 2, 0, 0, 30, 12, 3),  # negro + afroecuatoriano → AFROECUATORIANOS
        ("20/03/2026", 10, 4, 6, 0, 2, 1, 0, 7, 0),
        ("TOTAL", 60, 24, 31, 2, 2, 1, 30, 19, 3),
    ]
    facts = dict(s.facts)
    assert facts["NO. DE PARTICIPANTES"] == 60
    assert (
        facts["FECHA EN QUE SE REALIZÓ LA DELIBERACIÓN PÚBLICA Y EVALUACIÓN CIUDADANA DE RENDICIÓN DE CUENTAS:"]
        == "15/03/2026, 20/03/2026"
    )
    assert s.state == "completa"
    assert any(
        "género: No responde 3; pueblos y nacionalidades: Blanco/a 1, No responde 4" in n for n in s.notes
    )  # no CPCCS bucket: reported apart, not lost


def test_budget_corriente_plus_inversion_equals_codificado(db):
    w = make_cpccs_world(db)
    svc = CpccsService(db)
    s = svc.report(2025).section("presupuesto")
    assert s.state == "incompleta" and "2 línea(s)" in s.missing[0]
    svc.set_fields(
        2025, "presupuesto", [(f"clasificacion.{w.meta_12}", "corriente"), (f"clasificacion.{w.meta_inv}", "INVERSION")]
    )
    s = svc.report(2025).section("presupuesto")
    f = dict(s.facts)
    assert f["TOTAL DE PRESUPUESTO INSTITUCIONAL CODIFICADO"] == 4000
    assert (f["GASTO CORRIENTE PLANIFICADO"], f["GASTO CORRIENTE EJECUTADO"]) == (1000, 250)
    assert (f["GASTO DE INVERSIÓN PLANIFICADO"], f["GASTO DE INVERSIÓN EJECUTADO"]) == (3000, 1200)
    assert (
        f["GASTO CORRIENTE PLANIFICADO"] + f["GASTO DE INVERSIÓN PLANIFICADO"]
        == f["TOTAL DE PRESUPUESTO INSTITUCIONAL CODIFICADO"]
    )
    assert f["% EJECUCIÓN PRESUPUESTARIA"] == 36.25  # (250 + 1200) / 4000
    assert s.state == "completa"
    with pytest.raises(UserError, match="clasificación «capital» desconocida"):
        svc.set_fields(2025, "presupuesto", [(f"clasificacion.{w.meta_12}", "capital")])


def test_budget_class_suggested_from_the_partida():
    assert _class_from_partidas(["530204", "53.08.01"]) == "CORRIENTE"
    assert _class_from_partidas(["730205", "840104"]) == "INVERSION"
    assert _class_from_partidas(["530204", "730205"]) is None  # mixed: the user decides
    assert _class_from_partidas([]) is None


def test_aportes_incorporated_percentage_bands_and_links(db):
    w = make_cpccs_world(db)
    s = CpccsService(db).report(2025).section("aportes")
    rows = {r[0]: r for r in s.rows}
    assert rows["Más patrullajes nocturnos"][1:5] == ("SI", "51-75", "Patrullajes en 4 barrios", "https://gob.ec/c1")
    assert rows["Oficina móvil en Chambo"][1:5] == ("NO", "0", "", "NO APLICA")
    assert rows["Publicar las actas"][1:3] == ("SI", "76-100")
    f = dict(s.facts)
    assert (f["Aportes ciudadanos registrados"], f["Aportes incorporados"]) == (3, 2)
    assert f["% de aportes incorporados"] == 66.67
    assert s.state == "incompleta" and s.missing == [
        "1 aporte(s) incorporado(s) sin link de verificación en su seguimiento"
    ]
    assert w.c_linked


def test_programmatic_average_is_the_rule_over_the_rows_not_the_mean_of_units(db):
    make_world(db)
    from rcdesk.services.poa_eval import EvaluationService

    s = CpccsService(db).report(2025).section("ejecucion_programatica")
    # year end: 20/40 = 50 %, 5/20 = 25 %, 18/40 = 45 %, 3/16 = 18,75 % → mean of rows 34,69 %
    assert [r[8] for r in s.rows] == [50, 25, 45, 18.75]
    avg = dict(s.facts)["Cumplimiento promedio provincial (promedio simple de las metas, §4.1)"]
    assert avg == 34.69
    assert EvaluationService(db).evaluate(2025, date(2025, 12, 31)).province.pct == 33.75  # units: 37,5 45 18,75
    assert s.rows[0][2] == "PND Objetivo 3"  # descripción de competencias = alineación


def test_mechanisms_counted_from_events_by_type_and_completed_by_the_form(db):
    make_cpccs_world(db)
    svc = CpccsService(db)
    rows = {r[0]: r for r in svc.report(2025).section("mecanismos_participacion").rows}
    assert rows["AUDIENCIA PÚBLICA"][1:3] == ("SI", 1)
    assert rows["DIÁLOGOS PERIÓDICOS DE DELIBERACIÓN"][1:3] == ("SI", 2)
    assert rows["CONSEJOS CONSULTIVOS"][1:4] == ("NO", 0, "NO APLICA")
    svc.set_fields(
        2025,
        "mecanismos_participacion",
        [("consejos_consultivos.numero", "3"), ("consejos_consultivos.link", "https://gob.ec/cc")],
    )
    s = svc.report(2025).section("mecanismos_participacion")
    rows = {r[0]: r for r in s.rows}
    assert rows["CONSEJOS CONSULTIVOS"][1:4] == ("SI", 3, "https://gob.ec/cc")
    assert "AUDIENCIA PÚBLICA: falta el medio de verificación publicado" in s.missing


def test_coverage_and_alignment_computed(db):
    make_world(db)
    r = CpccsService(db).report(2025)
    cov = r.section("cobertura")
    assert [x[:3] for x in cov.rows] == [("CANTÓN", 2, "Chambo, Guano"), ("PARROQUIA", 1, "San Andrés")]
    art = {x[0]: x for x in r.section("articulacion").rows}
    assert art["LA INSTITUCIÓN TIENE ARTICULADAS SUS POA AL PLAN NACIONAL DE DESARROLLO"][1] == "SI"
    assert art["EL POA ESTÁ ARTICULADO AL PLAN ESTRATÉGICO"][1:3] == ("NO", "NO APLICA")


def test_forms_round_trip_and_refuse_bad_input_without_writing(db):
    make_world(db)
    svc = CpccsService(db)
    saved = svc.save_form(
        2025,
        "contratacion",
        {
            "filas": [
                {
                    "tipo": "infima cuantia",
                    "numero_adjudicados": "12",
                    "valor_adjudicados": "1.234,50",
                    "numero_finalizados": 10,
                    "valor_finalizados": 1000,
                    "link": "https://compras.gob.ec/x",
                }
            ]
        },
    )
    assert saved["filas"][0]["tipo"] == "ÍNFIMA CUANTÍA" and saved["filas"][0]["valor_adjudicados"] == 1234.5
    assert svc.form(2025, "contratacion") == saved
    assert svc.report(2025).section("contratacion").state == "completa"
    bad = [
        ("contratacion", {"filas": [{"tipo": "SUBASTA"}]}, "no es una opción del formulario"),
        ("contratacion", {"filas": [{"numero_adjudicados": "1,5"}]}, "número entero"),
        ("transparencia", {"art19": {"aplica": "quizá"}}, "no es SI ni NO"),
        ("transparencia", {"art19": {"link": "gob.ec"}}, "no es un enlace"),
        ("datos_generales", {"rucc": "1"}, "campo «rucc» desconocido. Campos válidos: ruc, funcion"),
        ("recomendaciones", {"filas": [{"porcentaje": 120}]}, "entre 0 y 100"),
        ("deliberacion", {"fecha": "x"}, "solo admite «no_aplica»"),
    ]
    for key, data, message in bad:
        with pytest.raises(UserError, match=message):
            svc.save_form(2025, key, data)
    assert svc.form(2025, "contratacion") == saved and svc.form(2025, "transparencia") == {}
    with pytest.raises(UserError, match="Secciones válidas: datos_generales"):
        svc.save_form(2025, "contrataciones", {})


def test_completeness_list_and_not_applicable(db):
    make_world(db)
    svc = CpccsService(db)
    r = svc.report(2025)
    assert [s.key for s in r.sections] == [s.key for s in SECTIONS]
    assert r.section("transparencia").state == "incompleta"
    svc.set_fields(
        2025, "transparencia", [("art19.aplica", "si"), ("art19.link", "https://gob.ec/lotaip"), ("art29.aplica", "no")]
    )
    svc.set_fields(2025, "enajenacion", [("1.tipo", "ninguna")])
    svc.set_fields(2025, "aportes", [("no_aplica", "si")])
    r = svc.report(2025)
    assert r.section("transparencia").state == "completa"
    assert r.section("transparencia").rows[1][1:] == ("NO", "NO APLICA")
    assert r.section("enajenacion").state == "completa"
    assert (r.section("aportes").state, r.section("aportes").missing) == ("no_aplica", [])
    dg = r.section("datos_generales")
    assert "falta «Representante Legal»" in dg.missing and not r.complete


def test_workbook_one_sheet_per_section_no_formulas(db, tmp_path):
    make_cpccs_world(db)
    CpccsService(db).set_fields(2025, "datos_generales", [("representante_legal", "=cmd|' /C calc'!A0")])
    res = export_report(db, 2025, tmp_path / "cpccs.xlsx")
    wb = load_workbook(tmp_path / "cpccs.xlsx")
    assert wb.sheetnames == ["Estado del informe", *(s.sheet for s in SECTIONS)]
    status = list(wb["Estado del informe"].iter_rows(min_row=5, values_only=True))
    assert [r[1] for r in status[: len(SECTIONS)]] == [s.title for s in SECTIONS]
    assert status[-1][1].startswith("Las celdas amarillas de cada hoja son las respuestas del formulario")
    status = status[: len(SECTIONS)]
    assert {r[3] for r in status} <= {"Completa", "Incompleta", "No aplica"}
    assert res["completa"] + res["incompleta"] + res["no_aplica"] == len(SECTIONS)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula"
    delib = [r for r in wb["Deliberación pública"].iter_rows(values_only=True) if r and r[0] == "TOTAL"]
    assert delib[0][1:10] == (60, 24, 31, 2, 2, 1, 30, 19, 3)
    assert (tmp_path / "cpccs.xlsx.tmp").exists() is False


def test_pdf_draft_has_every_section_title(db, tmp_path):
    make_cpccs_world(db)
    export_report(db, 2025, tmp_path / "borrador.pdf")
    text = " ".join(pdf_text(tmp_path / "borrador.pdf").split())
    assert "Borrador del informe de rendición de cuentas" in text and "Página 1 de" in text
    for s in SECTIONS:
        assert " ".join(s.title.split()[:4]) in text, s.title
    with pytest.raises(UserError, match="se escribe como .xlsx"):
        export_report(db, 2025, tmp_path / "x.docx")


def test_pdf_draft_headers_break_between_words_only(db, tmp_path):
    """Narrow columns («PONGA SI O NO», the tallies' «MASCULINO», «AFROECUATORIANOS») are widened to
    their header's longest word, so no header word is cut across two lines."""
    import re

    make_cpccs_world(db)
    export_report(db, 2025, tmp_path / "borrador.pdf")
    words = set(re.findall(r"\w+", pdf_text(tmp_path / "borrador.pdf")))
    for key in ("cobertura", "politicas_igualdad", "control_social", "fases", "deliberacion", "transparencia"):
        view = CpccsService(db).report(2025).section(key)
        for header in view.headers:
            assert set(re.findall(r"\w+", header)) <= words, header


def _seed_process_plan(db, year: int = 2026) -> str:
    """The Chimborazo CPCCS phases seed stored as the institution's accountability plan of `year`."""
    from rcdesk.data.seeds import __file__ as seeds_init
    from rcdesk.services.plans import PlanService

    svc = PlanService(db)
    parsed = svc.read_file(Path(seeds_init).parent / "000_cpccs_chimborazo_2021.xlsx", remembered=False)
    return svc.save_parsed(parsed, entity="Gobernación de Chimborazo", year=year, country="EC").plan_id


def _report_done(db, plan_id: str, description: str, link: str) -> None:
    from rcdesk.services.followup import FollowupService, ReportInput
    from rcdesk.services.plans import PlanService

    act = next(a for a in PlanService(db).activities(plan_id) if a.description.startswith(description))
    fs = FollowupService(db)
    r = fs.add_report(
        ReportInput(act.activity_id, 1, percent=100, reported_on=date(2026, 2, 10), evidence_links=(link,)),
        today=date(2026, 2, 10),
    )
    fs.review(r.report_id, validate=True)


def test_phases_proposed_from_the_plan_activities_and_the_deliberation(db):
    from rcdesk.services.commitments import CommitmentService
    from rcdesk.services.events import EventService

    make_cpccs_world(db)
    d1 = next(e.event_id for e in EventService(db).list_events() if e.title == "Deliberación pública 2025")
    CommitmentService(db).add_contribution(d1, "Más alumbrado en Guano")
    plan_id = _seed_process_plan(db)
    _report_done(db, plan_id, "Redacción del Informe", "https://gob.ec/informe-2025")
    svc = CpccsService(db)
    s = svc.report(2025).section("fases")
    assert s.headers[:5] == (
        "FASES",
        "PROCESO DE RENDICIÓN DE CUENTAS",
        "PONGA SI O NO",
        "DESCRIBA LA EJECUCIÓN DE LOS PASOS",
        "LINK AL MEDIO DE VERIFICACIÓN",
    )
    assert [r[0] for r in s.rows] == ["FASE 0"] * 2 + ["FASE 1"] * 4 + ["FASE 2"] * 5 + ["FASE 3"]
    rows = {r[1]: r for r in s.rows}
    red = rows["REDACCIÓN DEL INFORME DE RENDICIÓN DE CUENTAS"]
    assert red[2] == "SI" and red[3].startswith("1 de 1 actividad(es) del plan cumplidas: Redacción del Informe")
    assert (red[4], red[5]) == ("https://gob.ec/informe-2025", "1 de 1")
    team = rows["CONFORMACIÓN DEL EQUIPO DE RENDICIÓN DE CUENTAS"]
    assert team[2] == "" and team[5] == "0 de 4"
    assert "CONFORMACIÓN DEL EQUIPO DE RENDICIÓN DE CUENTAS: 0 de 4 actividades cumplidas; falta «PONGA SI O NO»" in (
        s.missing
    )
    event = rows["REALIZACIÓN DEL EVENTO DE RENDICIÓN DE CUENTAS A LA CIUDADANÍA"]
    assert event[2] == "SI" and "«Deliberación pública 2025», 15/03/2026" in event[3]
    assert rows["RINDIÓ CUENTAS A LA CIUDADANÍA EN LA PLAZO ESTABLECIDO"][3].startswith(
        "Deliberación realizada el 15/03"
    )
    facts = dict(s.facts)
    assert facts["DESCRIBA LOS PRINCIPALES APORTES CIUDADANOS RECIBIDOS:"] == "MÁS ALUMBRADO EN GUANO"
    assert s.state == "incompleta"

    svc.set_fields(2025, "fases", [("equipo.aplica", "no"), ("aportes_recibidos", "Alumbrado y seguridad")])
    s = svc.report(2025).section("fases")
    team = next(r for r in s.rows if r[1] == "CONFORMACIÓN DEL EQUIPO DE RENDICIÓN DE CUENTAS")
    assert team[2:5] == ("NO", "S/N", "NO APLICA")
    assert dict(s.facts)["DESCRIBA LOS PRINCIPALES APORTES CIUDADANOS RECIBIDOS:"] == "Alumbrado y seguridad"
    with pytest.raises(UserError, match="Filas válidas: equipo, diseno"):
        svc.set_fields(2025, "fases", [("equipos.aplica", "si")])


def test_phases_without_a_plan_are_typed(db):
    make_world(db)
    s = CpccsService(db).report(2025).section("fases")
    assert dict(s.facts)["Plan de rendición de cuentas (referencia)"] == "ninguno"
    assert all(r[2] == "" for r in s.rows) and len(s.missing) == 13  # 12 steps + the aportes text
    assert any("No hay un plan de rendición de cuentas" in n for n in s.notes)


def test_dissemination_typed_and_digital_media_proposed_from_live_streams(db):
    from rcdesk.services.events import EventInput, EventService

    w = make_world(db)
    EventService(db).create(
        EventInput(
            "Deliberación 2025",
            date(2026, 3, 15),
            period_label="2025",
            institution_id=w.inst_id,
            stream_url="https://www.facebook.com/gob/live",
        )
    )
    svc = CpccsService(db)
    s = svc.report(2025).section("difusion")
    assert s.headers[:6] == (
        "MEDIOS DE COMUNICACIÓN",
        "NO. DE MEDIOS",
        "PORCENTAJE DEL PPTO. DEL PAUTAJE QUE SE DESTINÓ A MEDIOS LOCALES Y REGIONALES",
        "PORCENTAJE DEL PPTO. DEL PAUTAJE QUE SE DESTINÓ A MEDIOS NACIONAL",
        "PORCENTAJE DEL PPTO DEL PAUTAJE QUE SE DESTINÓ A MEDIOS INTERNACIONALES",
        "LINK AL MEDIO DE VERIFICACIÓN PUBLICADO EN LA PÁG. WEB DE LA INSTITUCIÓN",
    )
    rows = {r[0]: r for r in s.rows}
    assert [r[0] for r in s.rows] == ["Radio", "Prensa", "Televisión", "Medios digitales"]
    assert rows["Medios digitales"][1] == 1 and rows["Medios digitales"][5] == "https://www.facebook.com/gob/live"
    assert "Radio: falta «NO. DE MEDIOS» (0 si no se usó)" in s.missing
    svc.set_fields(
        2025,
        "difusion",
        [
            ("radio.numero", "0"),
            ("prensa.numero", "0"),
            ("television.numero", "2"),
            ("television.pct_local", "60"),
            ("television.pct_nacional", "40"),
            ("television.pct_internacional", "0"),
            ("television.link", "https://gob.ec/pautaje"),
        ],
    )
    s = svc.report(2025).section("difusion")
    rows = {r[0]: r for r in s.rows}
    assert rows["Radio"][1:6] == (0, 0, 0, 0, "NO APLICA")
    assert rows["Televisión"][1:6] == (2, 60, 40, 0, "https://gob.ec/pautaje")
    assert s.state == "incompleta" and len(s.missing) == 1 and s.missing[0].startswith("Medios digitales: falta")
    svc.set_fields(
        2025,
        "difusion",
        [
            (f"digitales.{k}", "0" if k != "pct_local" else "100")
            for k in ("pct_local", "pct_nacional", "pct_internacional")
        ],
    )
    assert svc.report(2025).section("difusion").state == "completa"
    with pytest.raises(UserError, match="entre 0 y 100"):
        svc.set_fields(2025, "difusion", [("radio.pct_local", "120")])


def test_aportes_as_of_the_cut_leave_out_later_follow_ups(db):
    from rcdesk.services.commitments import CommitmentService

    w = make_cpccs_world(db)
    cs = CommitmentService(db)
    # after the report's cut (31/12/2025): the office móvil starts and the patrols are completed
    cs.add_followup(w.c_none, date(2026, 2, 1), 40, "Oficina abierta", links=["https://gob.ec/c2"])
    cs.add_followup(w.c_linked, date(2026, 2, 1), 100, "Completado")
    svc = CpccsService(db)
    rows = {r[0]: r for r in svc.report(2025).section("aportes").rows}
    assert rows["Oficina móvil en Chambo"][1:5] == ("NO", "0", "", "NO APLICA")
    assert rows["Más patrullajes nocturnos"][1:5] == ("SI", "51-75", "Patrullajes en 4 barrios", "https://gob.ec/c1")
    assert rows["Más patrullajes nocturnos"][5] == 60
    later = {r[0]: r for r in svc.report(2025, cut=date(2026, 3, 1)).section("aportes").rows}
    assert later["Oficina móvil en Chambo"][1:3] == ("SI", "26-50")
    assert later["Más patrullajes nocturnos"][1:3] == ("SI", "76-100")
