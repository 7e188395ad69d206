"""Questions (business-day due dates), commitments with follow-ups and evidence, survey, actas."""

from datetime import date

import pytest

from rcdesk.errors import UserError
from rcdesk.services.actas import ActaService, fingerprint
from rcdesk.services.commitments import CommitmentInput, CommitmentService
from rcdesk.services.events import EventInput, EventService
from rcdesk.services.questions import QuestionInput, QuestionService
from rcdesk.services.surveys import SurveyService


@pytest.fixture
def event(db):
    return EventService(db).create(
        EventInput(title="Deliberación pública", event_date=date(2026, 5, 20), agenda="Instalación\nInforme\nCierre")
    )


def test_question_due_dates_in_business_days(db, event):
    qs = QuestionService(db)
    # Friday 2026-07-31: 15 business days, counting from the next day, weekends skipped and
    # Ecuador's 10 de Agosto holiday (Monday 2026-08-10) skipped too.
    q = qs.add(
        QuestionInput(
            asker_name="Ana", text="¿Cuánto se ejecutó?", received_on=date(2026, 7, 31), event_id=event.event_id
        )
    )
    assert q.due_date == date(2026, 8, 24)
    info = qs.add(
        QuestionInput(asker_name="Ana", text="Copia de contratos", received_on=date(2026, 7, 31), kind="INFORMACION")
    )
    assert info.due_date == date(2026, 8, 17)
    qs.set_answer_days("CONSULTA", 20)
    c = qs.add(QuestionInput(asker_name="Ana", text="Consulta", received_on=date(2026, 7, 31), kind="CONSULTA"))
    assert c.due_date == date(2026, 8, 31)


def test_question_overdue_and_answered_late(db, event):
    qs = QuestionService(db)
    q = qs.add(QuestionInput(asker_name="Luis", text="¿Por qué?", received_on=date(2026, 5, 20)))
    assert [x.question_id for x in qs.overdue(today=date(2026, 8, 1))] == [q.question_id]
    assert qs.overdue(today=date(2026, 5, 25)) == []
    with pytest.raises(UserError):
        qs.answer(q.question_id, "Respuesta", date(2026, 5, 1))
    ans = qs.answer(q.question_id, "Porque sí", date(2026, 8, 1), published_url="https://x.gob.ec/r")
    assert ans.answered_late and ans.status_label == "Respondida fuera de término"
    assert qs.overdue(today=date(2026, 9, 1)) == []


def test_question_requires_name_and_text(db):
    with pytest.raises(UserError) as e:
        QuestionService(db).add(QuestionInput(asker_name="", text="", received_on=date(2026, 1, 5)))
    assert "nombre" in str(e.value) and "texto" in str(e.value)


def test_contribution_becomes_commitment_with_followups_and_evidence(db, event, tmp_path):
    cs = CommitmentService(db)
    c = cs.add_contribution(event.event_id, "Más alumbrado en Licto", mesa="Mesa 1")
    with pytest.raises(UserError):
        cs.add(
            CommitmentInput(
                description="Instalar luminarias", due_date=date(2026, 9, 30), contribution_id=c.contribution_id
            )
        )  # no responsible unit
    cm = cs.add(
        CommitmentInput(
            description="Instalar luminarias",
            due_date=date(2026, 9, 30),
            responsible_text="Dirección de Obras",
            contribution_id=c.contribution_id,
        )
    )
    assert cm.event_id == event.event_id and cm.contribution_text == "Más alumbrado en Licto"
    assert cs.contributions(event.event_id)[0].commitment_id == cm.commitment_id
    with pytest.raises(UserError, match="ya se convirtió"):
        cs.add(
            CommitmentInput(
                description="Otra", due_date=date(2026, 9, 30), responsible_text="X", contribution_id=c.contribution_id
            )
        )
    evidence = tmp_path / "foto.jpg"
    evidence.write_bytes(b"\xff\xd8fake jpeg")
    f = cs.add_followup(
        cm.commitment_id,
        date(2026, 7, 1),
        40,
        "Compra realizada",
        files=[evidence],
        links=["https://x.gob.ec/luminarias"],
    )
    assert f.band == "26-50" and len(f.evidence) == 2
    row = cs.get(cm.commitment_id, today=date(2026, 8, 1))
    assert (row.status, row.progress_pct, row.band, row.overdue) == ("EN_CURSO", 40.0, "26-50", False)
    assert cs.get(cm.commitment_id, today=date(2026, 10, 1)).overdue
    assert [x.commitment_id for x in cs.list_commitments(overdue_only=True, today=date(2026, 10, 1))] == [
        cm.commitment_id
    ]
    cs.add_followup(cm.commitment_id, date(2026, 9, 15), 100)
    done = cs.get(cm.commitment_id, today=date(2026, 10, 1))
    assert done.status == "CUMPLIDO" and not done.overdue and cs.met_pct() == 100.0
    with pytest.raises(UserError):
        cs.add_followup(cm.commitment_id, date(2026, 9, 16), 120)


def test_commitment_due_before_event_is_refused(db, event):
    with pytest.raises(UserError, match="anterior al evento"):
        CommitmentService(db).add(
            CommitmentInput(description="X", due_date=date(2026, 1, 1), responsible_text="U", event_id=event.event_id)
        )


def test_survey_defaults_quick_entry_and_percentages(db, event):
    sv = SurveyService(db)
    qs = sv.questions(event.event_id)
    assert len(qs) == 10 and qs[1].options == ("Clara", "Parcialmente clara", "Confusa")
    clarity, topics = qs[1].question_id, qs[8].question_id
    assert (
        sv.add_responses(
            event.event_id,
            [
                {clarity: "1"},
                {clarity: "clara"},
                {clarity: "CONFUSA", topics: "Salud"},
                {clarity: "Parcialmente clara"},
            ],
        )
        == 4
    )
    res = {r.question.question_id: r for r in sv.results(event.event_id)}
    assert res[clarity].counts == (("Clara", 2, 50.0), ("Parcialmente clara", 1, 25.0), ("Confusa", 1, 25.0))
    assert res[topics].texts == ("Salud",)
    with pytest.raises(UserError):
        sv.add_responses(event.event_id, [{clarity: "Excelente"}])
    assert sv.response_count(event.event_id) == 4
    sv.update_question(clarity, "¿La información fue clara?", "choice", ["Sí", "No"])
    assert sv.questions(event.event_id)[1].text == "¿La información fue clara?"


def test_acta_fingerprint_verifies_and_detects_later_changes(db, event, tmp_path):
    svc = ActaService(db)
    out = tmp_path / "acta.pdf"
    issued = svc.write_pdf(event.event_id, "deliberacion", out)
    assert issued.number == "001-2026" and issued.sha256 == fingerprint(issued.content)
    assert out.read_bytes().startswith(b"%PDF")
    assert svc.verify_pdf(out).status == "valid"
    assert svc.write_pdf(event.event_id, "deliberacion", tmp_path / "again.pdf").acta_id == issued.acta_id
    CommitmentService(db).add_contribution(event.event_id, "Nuevo aporte")
    result = svc.verify_pdf(out)
    assert result.status == "outdated" and result.number == "001-2026"
    with pytest.raises(UserError, match="no corresponde a ninguna acta"):
        svc.verify_code("0" * 64)
    assert svc.verify_code(issued.sha256[:12]).acta_id == issued.acta_id
    newer = svc.write_pdf(event.event_id, "deliberacion", tmp_path / "v2.pdf")
    assert newer.number == "001-2026" and newer.sha256 != issued.sha256
    second = EventService(db).create(EventInput(title="Otra", event_date=date(2026, 6, 1)))
    assert svc.issue(second.event_id, "deliberacion").number == "002-2026"
    with pytest.raises(UserError):
        svc.verify_pdf(tmp_path / "no_existe.pdf")


def pdf_text(raw: bytes) -> str:
    """The page content streams of a reportlab PDF (ASCII85 + Flate), decoded."""
    import base64
    import re
    import zlib

    out = []
    for s in re.findall(rb"stream\r?\n(.*?)endstream", raw, re.S):
        data = s.strip()
        if data.endswith(b"~>"):
            data = base64.a85decode(data[:-2])
        try:
            data = zlib.decompress(data)
        except zlib.error:
            pass
        out.append(data.decode("latin-1", "replace"))
    return re.sub(r"\\(\d{3})", lambda m: chr(int(m.group(1), 8)), "".join(out))


def test_pdfs_have_page_x_of_y_and_masked_ids(db, event, tmp_path):

    from rcdesk.services.attendance import AttendanceInput, AttendanceService
    from rcdesk.services.event_documents import EventDocuments

    AttendanceService(db).register(event.event_id, AttendanceInput(full_name="María García", id_number="1714307103"))
    docs = EventDocuments(db)
    texts = {}
    for mode in ("blank", "filled", "published"):
        out = tmp_path / f"{mode}.pdf"
        docs.attendance_pdf(event.event_id, out, mode=mode, blank_rows=40)
        texts[mode] = pdf_text(out.read_bytes())
    import re

    n = int(re.search(r"página 1 de (\d+)", texts["blank"]).group(1))
    assert n >= 3 and f"página {n} de {n}" in texts["blank"] and "Aviso de privacidad" in texts["blank"]
    assert "CONTEO ANÓNIMO" in texts["blank"]
    assert "1714307103" in texts["filled"] and "Firma" in texts["filled"]
    assert "1714307103" not in texts["published"] and re.search(
        "17[\x7f\x95]{5}103", texts["published"]
    )  # WinAnsi bullet
    assert "Firma" not in texts["published"]
