"""Three installations on one machine (headquarters + two field laptops) for sync tests."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date, datetime
from pathlib import Path

from rcdesk.db.database import Database
from rcdesk.services.sync import SyncService

ATTENDEE = "María Quishpe Guamán"
ATTENDEE_ID = "0602345678"


def dump(db: Database) -> dict:
    """Every row of every table of the database (to prove "nothing changed")."""
    from sqlalchemy import inspect

    out = {}
    with db.engine.connect() as c:
        names = sorted(inspect(c).get_table_names())
        for n in names:
            out[n] = sorted(repr(tuple(r)) for r in c.exec_driver_sql(f'SELECT * FROM "{n}"'))
    return out


def files_of(folder: Path) -> dict:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class World:
    def __init__(self, tmp: Path, hq_target: Path | str | None = None) -> None:
        """`hq_target`: headquarters' SQLite file or server URL (default: a file under `tmp`)."""
        self.tmp = tmp
        self.usb = tmp / "usb"
        self.usb.mkdir(exist_ok=True)
        self.hq = Database.open(hq_target or tmp / "sede" / "rcdesk.db", name="Sede Riobamba", role="hq")
        self.a = Database.open(tmp / "campo_a" / "rcdesk.db", name="Técnico Guano", role="field")
        self.b = Database.open(tmp / "campo_b" / "rcdesk.db", name="Técnica Alausí", role="field")
        self.H, self.A, self.B = SyncService(self.hq), SyncService(self.a), SyncService(self.b)
        self._n = 0

    def close(self) -> None:
        for d in (self.hq, self.a, self.b):
            d.close()

    @classmethod
    def joined_template(cls, root: Path) -> dict:
        """Headquarters seeded and laptop A joined under `root`, then closed, for `copy_of`: opening
        three new databases runs every migration three times, a second or more a test."""
        w = cls(root)
        try:
            w.ids = w.seed_hq()
            w.join(w.a, w.A)
            return {"root": root, "ids": w.ids, "n": w._n}
        finally:
            w.close()

    @classmethod
    def copy_of(cls, template: dict, tmp: Path) -> World:
        """A private copy of a `joined_template` world in `tmp` (databases, keys, packages sent)."""
        shutil.copytree(template["root"], tmp, dirs_exist_ok=True)
        w = cls(tmp)
        w.ids = dict(template["ids"])
        w._n = template["n"]  # the next package gets a new file name on the copied «USB»
        return w

    def path(self, stem: str) -> Path:
        self._n += 1
        return self.usb / f"{self._n:02d}-{stem}.rcpaq"

    # -- headquarters data ----------------------------------------------------------
    def seed_hq(self) -> dict:
        from rcdesk.models.events import Event
        from rcdesk.models.plans import Plan, PlanActivity
        from rcdesk.models.reference import Institution

        with self.hq.begin() as s:
            inst = Institution(name="GAD Municipal de Riobamba", country="EC", kind="GAD_MUNICIPAL")
            s.add(inst)
            s.flush()
            plan = Plan(
                institution_id=inst.id, year=2026, layout="cpccs", title="Cronograma de rendición 2026", header_lines=[]
            )
            s.add(plan)
            s.flush()
            acts = []
            for i, d in enumerate(
                ["Conformar el equipo técnico", "Socializar el informe preliminar", "Realizar la deliberación pública"],
                1,
            ):
                a = PlanActivity(
                    plan_id=plan.id,
                    number=str(i),
                    position=i,
                    description=d,
                    stages=[],
                    cuatrimestres=[1],
                    extra={},
                    meta="100 %",
                )
                s.add(a)
                acts.append(a)
            ev = Event(
                institution_id=inst.id,
                plan_id=plan.id,
                title="Deliberación pública en Guano",
                event_date=date(2026, 5, 20),
                moderator="Lcdo. Juan Pérez",
                activity_ids=[],
                stakeholder_groups=[],
                checklist=[],
            )
            s.add(ev)
            s.flush()
            return {"institution": inst.id, "plan": plan.id, "acts": [a.id for a in acts], "event": ev.id}

    # -- moves ----------------------------------------------------------------------
    def base_to(self, field: Database, name: str | None = None) -> Path:
        p = self.path("base")
        self.H.export_base(field.installation_id, p, name=name)
        return p

    def join(self, field: Database, svc: SyncService) -> None:
        """Base package to the field, first package back, trust it (key check by phone)."""
        res = svc.import_packages([self.base_to(field)])
        assert res.packages[0].status == "importado", res.text()
        first = self.send(svc)
        res = self.H.import_packages([first])
        assert res.packages[0].status == "en cuarentena", res.text()
        row, res = self.H.trust(field.installation_id)
        assert [p.status for p in res.packages] == ["consolidado"], res.text()

    def send(self, svc: SyncService, *, full: bool = False) -> Path:
        p = self.path("campo")
        svc.export_package(p, full=full)
        return p

    def ack(self, field: Database, svc: SyncService) -> None:
        p = self.path("acuse")
        self.H.export_receipt(field.installation_id, p)
        res = svc.import_packages([p])
        assert res.packages[0].status == "importado", res.text()

    # -- field work -----------------------------------------------------------------
    def edit(self, db: Database, model, record_id: str, **values) -> None:
        with db.begin() as s:
            obj = s.get(model, record_id)
            for k, v in values.items():
                setattr(obj, k, v)

    def add_attendance(self, db: Database, event_id: str, n: int = 3) -> list[str]:
        from rcdesk.models.events import Attendance

        ids = []
        with db.begin() as s:
            for i in range(n):
                a = Attendance(
                    event_id=event_id,
                    seq_no=i + 1,
                    full_name=ATTENDEE if i == 0 else f"Asistente {i}",
                    id_number=ATTENDEE_ID if i == 0 else None,
                    organization="Junta parroquial",
                    search_text="x",
                )
                s.add(a)
                s.flush()
                ids.append(a.id)
        return ids

    def add_evidence(self, db: Database, owner_id: str, content: bytes = b"%PDF-1.4 acta firmada") -> str:
        from rcdesk.models.followup import Evidence

        sha = hashlib.sha256(content).hexdigest()
        blob = db.paths.evidence / sha[:2] / f"{sha}.pdf"
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_bytes(content)
        with db.begin() as s:
            ev = Evidence(
                owner_type="event",
                owner_id=owner_id,
                kind="FILE",
                sha256=sha,
                filename="acta.pdf",
                size=len(content),
                mime="application/pdf",
            )
            s.add(ev)
        return sha


def row(db: Database, table: str, record_id: str) -> dict:
    """The stored row in the packages' wire form, whichever engine holds it (rcdesk/sync/wire.py)."""
    from sqlalchemy import select

    from rcdesk.sync.tables import raw_table

    rt = raw_table(table)
    with db.engine.connect() as c:
        r = c.execute(select(rt).where(rt.c.id == record_id)).mappings().first()
        return dict(r) if r else {}


def jsonify(d: dict) -> str:
    return json.dumps(d, default=lambda o: o.isoformat() if isinstance(o, (date, datetime)) else str(o))
