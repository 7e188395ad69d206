"""People directory on real-size data (issue 14): the prefix-indexed FTS5 search answers exactly as
the plain index did, key by key, and people_count() counts live people only."""

import random

import pytest
from sqlalchemy import insert, update

from rcdesk.db.stamping import allocate_seq, record_values
from rcdesk.models.events import Person, PersonCount
from rcdesk.services.attendance import AttendanceService, fts_query

FIRST = ["María", "Mariana", "José", "Josefina", "Ángel", "Ana", "Sisa", "Wayra", "Luis", "Lucía"]
LAST = ["García", "Garcés", "Guamán", "Guaranga", "Pérez", "Peña", "Núñez", "Quishpe", "Yépez", "Lema"]
ORGS = [
    None,
    "",
    "Comunidad Cacha",
    "Comunidades Unidas",
    "Barrio 10 de Agosto",
    "Barrio 1ro de Mayo",
    "Asociación Warmi-Pakari",
    "Junta Parroquial de Licto",
    "Cooperativa 24 de Mayo",
]


def _fill(db, n: int = 3000) -> None:
    rng = random.Random(14)
    with db.connect() as conn:
        seq = allocate_seq(conn, n)
        rows = []
        for i in range(n):
            v = record_values(db.installation_id, seq + i)
            number = rng.choice(
                [
                    f"06{rng.randint(0, 99_999_999):08d}",
                    f"17{rng.randint(0, 99_999_999):08d}",
                    f"1{i:09d}",
                    f"AB-{i}",
                    None,
                ]
            )
            v.update(
                id_type="CEDULA_EC",
                id_number=number,
                is_minor=False,
                full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}",
                organization=rng.choice(ORGS),
                role="CIUDADANO",
                territory_id=None,
                territory_text="Riobamba",
                phone=None,
                email=None,
                deleted=i % 97 == 0,
            )
            rows.append(v)
        conn.execute(insert(Person), rows)


def _old_search(db, text_: str) -> list[str]:
    """What search_people answered before migration 0008: the same FTS5 table without prefix indexes."""
    with db.connect() as conn:
        return [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT p.id FROM person_fts_plain f JOIN person p ON p.rowid = f.rowid "
                "WHERE person_fts_plain MATCH ? AND p.deleted = 0",
                (fts_query(text_),),
            )
        ]


def _typed(*words: str) -> list[str]:
    return [w[:i] for w in words for i in range(1, len(w) + 1)]


@pytest.fixture
def directory(db):
    _fill(db)
    with db.connect() as conn:
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE person_fts_plain USING fts5(full_name, id_number, organization, "
            "content='person', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')"
        )
        conn.exec_driver_sql("INSERT INTO person_fts_plain(person_fts_plain) VALUES ('rebuild')")
    return db


KEYSTROKES = _typed(
    "1000000123",
    "0612",
    "17",
    "maria garcia",
    "MARÍA GARCÉS",
    "garc",
    "angel",
    "comunidad c",
    "barrio 10",
    "1ro",
    "24 de",
    "ab 12",
    "warmi pakari",
    "junta parroquial",
)


def test_every_keystroke_finds_what_the_plain_index_found(directory):
    svc = AttendanceService(directory)
    nonempty = 0
    for text_ in KEYSTROKES:
        if fts_query(text_) is None:
            continue
        old = _old_search(directory, text_)
        assert [p.person_id for p in svc.search_people(text_, 0, 100_000)] == old, text_
        nonempty += bool(old)
    assert nonempty > 100  # the comparison is about real hits, not empty lists


def test_windows_page_through_the_same_hits(directory):
    svc = AttendanceService(directory)
    for text_ in ("1", "maria", "comun", "barrio 1"):
        whole = _old_search(directory, text_)
        pages = [p.person_id for off in range(0, len(whole) + 200, 200) for p in svc.search_people(text_, off, 200)]
        assert pages == whole and len(whole) > 200, text_


def _true_count(db) -> int:
    with db.connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM person WHERE deleted = 0").scalar()


def test_people_count_leaves_out_deleted_and_anonymised_people(directory):
    from rcdesk.services.privacy import PrivacyService

    svc = AttendanceService(directory)
    start = svc.people_count()
    assert start == 3000 - len(range(0, 3000, 97)) == _true_count(directory)
    victim, gone, back = (p.person_id for p in svc.search_people("", 0, 3))
    PrivacyService(directory).anonymize(victim)
    with directory.begin() as s:
        s.get(Person, gone).deleted = True
    assert svc.people_count() == start - 2 == _true_count(directory)
    with directory.connect() as conn:  # a hard delete of a tombstone and of a live person, an undelete
        conn.execute(update(Person).where(Person.id == gone).values(deleted=False))
        conn.exec_driver_sql("DELETE FROM person WHERE id IN (?, ?)", (victim, back))
        conn.exec_driver_sql("UPDATE person SET full_name = 'Otro Nombre' WHERE deleted = 0")  # not a count change
    assert svc.people_count() == start - 2 == _true_count(directory)


def test_people_count_is_repaired_by_reindex_and_counted_without_its_row(directory):
    from rcdesk.services.maintenance import after_restore

    svc = AttendanceService(directory)
    true = _true_count(directory)
    with directory.connect() as conn:
        conn.execute(update(PersonCount).values(live=0))
    after_restore(directory)
    assert svc.people_count() == true
    with directory.connect() as conn:
        conn.exec_driver_sql("DELETE FROM person_count")
    assert svc.people_count() == true


def test_people_registered_at_the_door_are_counted_and_found(db):
    from datetime import date

    from rcdesk.services.attendance import AttendanceInput
    from rcdesk.services.events import EventInput, EventService

    ev = EventService(db).create(EventInput(title="Deliberación", event_date=date(2026, 5, 20)))
    svc = AttendanceService(db)
    assert svc.people_count() == 0
    svc.register(
        ev.event_id, AttendanceInput(full_name="Wayra Quishpe", id_number="1714307103", organization="Comunidad Cacha")
    )
    assert svc.people_count() == 1
    for text_ in _typed("1714307103", "wayra", "comunidad"):
        assert [p.full_name for p in svc.search_people(text_)] == ["Wayra Quishpe"], text_
