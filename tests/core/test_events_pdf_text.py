"""What the events PDFs say, read back as text: retention in the privacy notice, totals, plain Spanish plurals."""

from datetime import date

from rcdesk.services.actas import ActaService
from rcdesk.services.attendance import AttendanceInput, AttendanceService
from rcdesk.services.event_documents import EventDocuments
from rcdesk.services.events import EventInput, EventService
from rcdesk.services.privacy import PrivacyService
from rcdesk.services.questions import QuestionInput, QuestionService
from tests.pdf_text import pdf_text


def _text(path) -> str:
    return " ".join(pdf_text(path).split())


def _event(db):
    ev = EventService(db).create(
        EventInput(title="Deliberación pública", event_date=date(2026, 5, 20), venue="Coliseo")
    )
    att = AttendanceService(db)
    att.register(ev.event_id, AttendanceInput(full_name="María García", id_number="1714307103"))
    att.register(ev.event_id, AttendanceInput(full_name="José Pérez", id_number="0602910945"))
    return ev


def test_blank_sheet_notice_states_the_configured_retention(db, tmp_path):
    ev = _event(db)
    PrivacyService(db).set_retention_years({"attendance": 7})
    out = tmp_path / "blank.pdf"
    EventDocuments(db).attendance_pdf(ev.event_id, out, mode="blank", blank_rows=10)
    text = _text(out)
    assert "se conservan 7 años después del año del evento y luego se anonimizan" in text
    assert "revocar esta autorización" in text
    assert "informe de rendición de cuentas al CPCCS" in text and "MURC" not in text


def test_filled_list_ends_with_the_total(db, tmp_path):
    ev = _event(db)
    out = tmp_path / "filled.pdf"
    EventDocuments(db).attendance_pdf(ev.event_id, out, mode="filled")
    assert "Total de asistentes registrados: 2" in _text(out)


def test_acta_uses_real_plurals(db, tmp_path):
    ev = _event(db)
    QuestionService(db).add(
        QuestionInput(asker_name="Ana", text="¿Y la vía?", received_on=date(2026, 5, 20), event_id=ev.event_id)
    )
    out = tmp_path / "acta.pdf"
    ActaService(db).write_pdf(ev.event_id, "deliberacion", out)
    text = _text(out)
    assert "con la asistencia de 2 personas; 2 constan en la lista" in text
    assert "intervino con 1 pregunta y 0 aportes" in text
    assert "(s)" not in text
