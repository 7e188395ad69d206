"""`rcdesk demo` on a headquarters database leaves a genuine exchange to look at."""

from __future__ import annotations

import zipfile

from rcdesk.db.database import Database
from rcdesk.services.sync import SyncService


def _small_demo(db, monkeypatch) -> dict:
    """The plans demo and the sync demo only (the other steps are not needed here)."""
    import rcdesk.demo as demo
    from rcdesk.demo import plans, sync
    from rcdesk.services.reference import ReferenceService

    monkeypatch.setattr(demo, "steps", lambda: [plans, sync])
    ReferenceService(db).ensure_builtin_territories()
    out = {}
    for mod in demo.steps():
        out.update(mod.load(db, lambda *a: None) or {})
    return out


def test_demo_on_headquarters_registers_a_field_installation_with_real_packages(tmp_path, monkeypatch):
    db = Database.open(tmp_path / "sede" / "rcdesk.db", name="Sede Gobernación de Chimborazo", role="hq")
    try:
        out = _small_demo(db, monkeypatch)
        assert out["sync_packages"] == 3 and out["sync_conflicts"] == 1
        svc = SyncService(db)
        others = [r for r in svc.installations() if not r.is_self]
        assert len(others) == 1 and "demostración" in others[0].name and others[0].trusted
        kinds = sorted((r.kind, r.direction) for r in svc.package_log())
        assert kinds == [("base", "out"), ("field", "in"), ("receipt", "out")]
        (c,) = svc.conflicts()
        assert [d.column for d in c.diffs] == ["meta"]
        files = sorted(p.name for p in (db.paths.exports / "sincronizacion-demo").iterdir())
        assert files == ["01-paquete-base-colta.rcpaq", "02-paquete-campo-colta.rcpaq", "03-acuse-colta.rcpaq"]
        with zipfile.ZipFile(db.paths.exports / "sincronizacion-demo" / files[1]) as z:
            assert z.comment.startswith(b"RCSIG1:")  # genuinely signed
        # running the demo again leaves the exchange history alone
        assert _small_demo(db, monkeypatch).get("sync_packages") is None
        assert len(svc.package_log()) == 3
    finally:
        db.close()


def test_demo_on_a_field_database_pins_no_headquarters(tmp_path):
    from rcdesk.demo import sync

    db = Database.open(tmp_path / "campo" / "rcdesk.db", name="Técnico", role="field")
    try:
        assert sync.load(db, lambda *a: None) == {}
        assert SyncService(db).overview().headquarters is None
    finally:
        db.close()
