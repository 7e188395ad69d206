"""The attendance tab's filter as you type (issue 14): every keystroke's page and count are the
event's live rows whose search text holds every typed word, in registration order."""

import random
from datetime import date

from sqlalchemy import insert

from rcdesk.db.stamping import allocate_seq, record_values
from rcdesk.models.events import Attendance
from rcdesk.services.attendance import AttendanceService, _search_text
from rcdesk.services.events import EventInput, EventService
from rcdesk.text import fold

NAMES = ["María Guamán Pilco", "José García", "Ángel Quishpe", "Lucía Pérez Guaranga", "Sisa Yupanqui"]
ORGS = ["Junta Parroquial de Licto", "Comunidad Cacha", "", "Barrio 10 de Agosto"]


def _fill(db, event_id: str, n: int, rng: random.Random, first_no: int = 1) -> None:
    with db.connect() as conn:
        seq = allocate_seq(conn, n)
        rows = []
        for i in range(n):
            name, org = rng.choice(NAMES), rng.choice(ORGS)
            number = f"06{rng.randint(0, 99_999_999):08d}"
            v = record_values(db.installation_id, seq + i)
            v.update(
                event_id=event_id,
                person_id=None,
                consent_id=None,
                seq_no=first_no + i,
                full_name=name,
                id_type="CEDULA_EC",
                id_number=number,
                id_status="ok",
                id_message=None,
                organization=org or None,
                role="CIUDADANO",
                territory_id=None,
                territory_text="Riobamba",
                phone=None,
                email=None,
                is_minor=False,
                signed_on_paper=True,
                source="IMPORTACION",
                search_text=_search_text(name, number, org, "Riobamba"),
                gender=None,
                ethnicity=None,
                deleted=i % 13 == 0,
            )
            rows.append(v)
        conn.execute(insert(Attendance), rows)


def test_every_keystroke_gives_the_matching_rows_in_order_and_their_count(db):
    events = EventService(db)
    ev = events.create(EventInput(title="Deliberación", event_date=date(2026, 5, 20)))
    other = events.create(EventInput(title="Mesa", event_date=date(2026, 5, 21)))
    rng = random.Random(14)
    _fill(db, ev.event_id, 700, rng)
    _fill(db, other.event_id, 300, rng)
    svc = AttendanceService(db)
    with db.connect() as conn:
        rows = conn.execute(Attendance.__table__.select().where(Attendance.event_id == ev.event_id)).all()
    live = sorted((r for r in rows if not r.deleted), key=lambda r: r.seq_no)
    sample = live[100].id_number
    typed = [w[:i] for w in ("guaman p", "JUNTA parroquial", "angel", sample, "10 de ag") for i in range(1, len(w) + 1)]
    hits = 0
    for text_ in [""] + typed:
        words = fold(text_).split()
        expected = [r.seq_no for r in live if all(w in r.search_text for w in words)]
        got = [
            r.seq_no
            for off in range(0, len(expected) + 200, 200)
            for r in svc.attendance_window(ev.event_id, text_, off, 200)
        ]
        assert got == expected, text_
        assert svc.attendance_count(ev.event_id, text_) == len(expected), text_
        hits += bool(expected)
    assert hits == len(typed) + 1
