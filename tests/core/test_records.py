"""Every record carries identity, provenance, version and tombstone for offline merging."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select

from rcdesk.db.stamping import HardDeleteError
from rcdesk.models.core import AuditLog
from rcdesk.models.reference import Institution
from rcdesk.services.reference import ReferenceService


def test_new_record_gets_time_ordered_uuid_and_provenance(db):
    a = ReferenceService(db).find_or_create_institution("Gobernación de Chimborazo")
    b = ReferenceService(db).find_or_create_institution("Alcaldía de Ibagué", "CO")
    assert uuid.UUID(a.institution_id).version == 7
    assert a.institution_id < b.institution_id  # UUIDv7 sorts by creation time
    with db.session() as s:
        inst = s.get(Institution, a.institution_id)
        assert inst.version == 1 and inst.deleted is False
        assert inst.modified_by == db.installation_id
        assert inst.created_at is not None and inst.updated_at == inst.created_at


def test_edit_bumps_version_and_sequence_and_is_audited(db):
    svc = ReferenceService(db)
    inst = svc.find_or_create_institution("Gobernación de Chimborazo")
    with db.session() as s:
        seq_before = s.get(Institution, inst.institution_id).change_seq
    svc.update_institution(inst.institution_id, tax_id="0660000010001")
    with db.session() as s:
        row = s.get(Institution, inst.institution_id)
        assert row.version == 2
        assert row.change_seq > seq_before
        audit = s.scalars(select(AuditLog).where(AuditLog.record_id == inst.institution_id).order_by(AuditLog.id)).all()
    assert [a.action for a in audit] == ["insert", "update"]
    assert json.loads(audit[1].changes) == {"tax_id": [None, "0660000010001"]}
    assert audit[1].installation_id == db.installation_id


def test_unchanged_save_keeps_version(db):
    svc = ReferenceService(db)
    inst = svc.find_or_create_institution("Gobernación de Chimborazo")
    svc.update_institution(inst.institution_id, name="Gobernación de Chimborazo")
    with db.session() as s:
        assert s.get(Institution, inst.institution_id).version == 1


def test_hard_delete_of_a_record_is_refused(db):
    inst = ReferenceService(db).find_or_create_institution("Gobernación de Chimborazo")
    with pytest.raises(HardDeleteError):
        with db.begin() as s:
            s.delete(s.get(Institution, inst.institution_id))
    with db.session() as s:
        assert s.get(Institution, inst.institution_id) is not None


def test_installation_identity_is_kept_and_named(db_path):
    from rcdesk.db.database import Database

    first = Database.open(db_path, name="Técnico cantón Guamote")
    first_id = first.installation_id
    first.close()
    again = Database.open(db_path)
    assert again.installation_id == first_id
    assert again.installation_name == "Técnico cantón Guamote"
    again.close()


def test_builtin_territories_have_stable_ids_and_chimborazo_counts(db, tmp_path):
    from rcdesk.db.database import Database

    ref = ReferenceService(db)
    ref.ensure_builtin_territories()
    cantons = ref.territories(country="EC", level="CANTON")
    assert len(cantons) == 10
    assert len(ref.territories(country="EC", level="PARROQUIA_RURAL")) == 45  # Cumandá 060252 is historical
    other = Database.open(tmp_path / "otra.db")
    ReferenceService(other).ensure_builtin_territories()
    assert {t.territory_id for t in ReferenceService(other).territories(country="EC", level="CANTON")} == {
        t.territory_id for t in cantons
    }
    other.close()
    assert ref.territory_by_code("73001").name == "Ibagué"


def test_territory_csv_import_validates_everything_first(db, tmp_path):
    ref = ReferenceService(db)
    ref.ensure_builtin_territories()
    good = tmp_path / "tungurahua.csv"
    good.write_text(
        "country,level,code,name,parent_code\nEC,PROVINCIA,18,Tungurahua,\n"
        "EC,CANTON,1801,Ambato,18\nEC,PARROQUIA_RURAL,180151,Ambatillo,1801\n",
        "utf-8",
    )
    assert ref.import_territories_csv(good) == 3
    bad = tmp_path / "malo.csv"
    bad.write_text(
        "country,level,code,name,parent_code\nEC,CANTON,1802,Baños,18\n"
        "EC,CANTON,1903,Yantzaza,18\nEC,PARROQUIA_RURAL,180251,Lligua,9999\n",
        "utf-8",
    )
    from rcdesk.errors import UserError

    with pytest.raises(UserError) as err:
        ref.import_territories_csv(bad)
    text = str(err.value)
    assert "malo.csv" in text and "fila 3" in text
    assert [t.name for t in ref.territories(country="EC", level="CANTON") if t.code.startswith("18")] == ["Ambato"]
