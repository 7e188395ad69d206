"""Example synchronization for a headquarters database: a real exchange with a field laptop.

Only when the demo database is headquarters (`rcdesk init --role hq` before `rcdesk demo`):
a throw-away field installation is created in a temporary folder with its own keys and
goes through a short, genuine season with this database: base package for the canton of
Colta (signed by this headquarters), offline work on the laptop (a progress report, an
edit, and an edit of an activity that headquarters also changed), its signed field package
with the personal data encrypted for this headquarters, quarantine until headquarters
trusts the installation, consolidation (one conflict left open to review) and the signed
receipt. The three package files stay in `exports/sincronizacion-demo` for inspection.
Nothing is faked: every signature and every encryption is real, and the laptop's private
keys are discarded with its temporary folder, so that installation can never send again
(it is named "(demostración)"; revoke it when the demo is over).

A field database gets nothing here: its headquarters can only be a real one, whose first
base package pins its key; a demo headquarters with discarded keys would lock the laptop
out of its real headquarters.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

ORDER = 60
FIELD_NAME = "Técnico de Colta (demostración)"
FOLDER = "sincronizacion-demo"


def load(db, progress) -> dict:
    from sqlalchemy import func, select

    from rcdesk.models.core import ROLE_HQ
    from rcdesk.models.sync import SyncPackage

    if db.role != ROLE_HQ or db.paths is None:
        return {}
    with db.connect() as conn:
        if conn.execute(select(func.count()).select_from(SyncPackage.__table__)).scalar():
            return {}  # this headquarters already exchanged packages: leave its history alone
    progress(0, 5, "Sincronización de ejemplo: paquete base")
    with tempfile.TemporaryDirectory(prefix="rcdesk-demo-campo-", ignore_cleanup_errors=True) as tmp:
        return _season(db, Path(tmp), progress)


def _season(db, tmp: Path, progress) -> dict:
    from sqlalchemy import select

    from rcdesk.db.database import Database
    from rcdesk.models.followup import ProgressReport
    from rcdesk.models.plans import Plan, PlanActivity
    from rcdesk.services.reference import ReferenceService
    from rcdesk.services.sync import SyncService

    folder = db.paths.exports / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    hq = SyncService(db)
    try:
        colta = ReferenceService(db).territory_by_code("0603", "EC").territory_id
    except Exception:
        colta = None
    with db.session() as s:
        plan_id = s.scalars(select(Plan.id).where(Plan.deleted.is_(False)).order_by(Plan.year.desc())).first()
        acts = (
            list(
                s.scalars(
                    select(PlanActivity.id)
                    .where(PlanActivity.plan_id == plan_id, PlanActivity.deleted.is_(False))
                    .order_by(PlanActivity.position)
                    .limit(3)
                )
            )
            if plan_id
            else []
        )
    if len(acts) < 3:
        return {}
    field = Database.open(tmp / "campo" / "rcdesk.db", name=FIELD_NAME, role="field")
    field_id = field.installation_id
    assert field_id is not None  # Database.open() always names the installation it opened
    try:
        laptop = SyncService(field)
        base = folder / "01-paquete-base-colta.rcpaq"
        hq.export_base(field_id, base, territories=[colta] if colta else None, name=FIELD_NAME)
        laptop.import_packages([base])
        progress(1, 5, "Sincronización de ejemplo: trabajo en el campo")
        with field.begin() as s:
            a0, a1, a2 = (s.get(PlanActivity, i) for i in acts)
            # a base package carries every plan activity (no base filter narrows plans)
            assert a0 is not None and a1 is not None and a2 is not None
            a0.meta = "Equipo técnico conformado con 6 personas (acta n.º 12)"
            a1.indicator = "Informe preliminar socializado en Colta"
            s.add(
                ProgressReport(
                    activity_id=a2.id,
                    period_kind="cuatrimestre",
                    period_no=2,
                    percent=60.0,
                    done_text="Convocatoria enviada a las juntas parroquiales de Colta",
                    reporter="Técnico de Colta",
                    reported_on=date(2026, 8, 14),
                )
            )
        with db.begin() as s:  # meanwhile headquarters corrects the same activity: a conflict to review
            s.get(PlanActivity, acts[0]).meta = "Equipo técnico conformado (pendiente acta)"
        pkg = folder / "02-paquete-campo-colta.rcpaq"
        laptop.export_package(pkg)
        progress(2, 5, "Sincronización de ejemplo: consolidación en la sede")
        hq.import_packages([pkg])  # an unknown installation: waits in quarantine
        _row, result = hq.trust(field_id)  # the fingerprint was checked by phone
        progress(4, 5, "Sincronización de ejemplo: acuse de recibo")
        hq.export_receipt(field_id, folder / "03-acuse-colta.rcpaq")
        t = result.total()
    finally:
        field.close()
    progress(5, 5, "Sincronización de ejemplo lista")
    return {"sync_packages": 3, "sync_records_consolidated": t.inserted + t.updated, "sync_conflicts": t.conflicts}
