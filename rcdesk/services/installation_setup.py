"""First start: who uses this installation, for which entity and territories, field or headquarters.

A new database names itself after the computer and starts as a field installation; the
assistant of the GUI (and anyone scripting a roll-out) confirms or changes that here. The
answers that have no column of their own (the person, the territories) are kept as one
setting, which also says the set-up was done (or skipped) so the assistant is not shown again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rcdesk.errors import UserError
from rcdesk.text import clean

SETUP_KEY = "installation.setup"
ROLES = {"field": "Técnico de campo", "hq": "Sede central"}


@dataclass(frozen=True)
class SetupAnswers:
    role: str
    installation_name: str
    person: str
    entity: str
    country: str
    territory_ids: list[str] = field(default_factory=list)


def needs_setup(db) -> bool:
    """True for a database nobody has set up yet: no set-up recorded and no entity.

    Plain SQL through `db.read()`: this runs on the start-up path (no SQLAlchemy).
    """
    with db.read() as conn:
        done = conn.execute("SELECT 1 FROM setting WHERE key = ?", (SETUP_KEY,)).fetchone()
        if done:
            return False
        entity = conn.execute("SELECT 1 FROM institution WHERE deleted = FALSE LIMIT 1").fetchone()
    return entity is None


def saved_setup(db) -> dict:
    """The recorded answers ({} if none): person, territory_ids, confirmed_at or skipped_at."""
    with db.read() as conn:
        row = conn.execute("SELECT value FROM setting WHERE key = ?", (SETUP_KEY,)).fetchone()
    try:
        return json.loads(row[0]) if row else {}
    except ValueError:
        return {}


def _store(s, value: dict) -> None:
    from rcdesk.models.core import Setting

    row = s.get(Setting, SETUP_KEY)
    text = json.dumps(value, ensure_ascii=False)
    if row is None:
        s.add(Setting(key=SETUP_KEY, value=text))
    else:
        row.value = text


def skip_setup(db) -> None:
    """Remember that the user chose to set up later (from the menu), so the assistant stays away."""
    with db.begin(stamp="off") as s:
        _store(s, {"skipped_at": datetime.now(UTC).isoformat(timespec="seconds")})


def confirm_setup(db, answers: SetupAnswers) -> dict:
    """Rename this installation, set its role, create the entity, record the person and territories."""
    from sqlalchemy import select

    from rcdesk.catalogs import COUNTRIES
    from rcdesk.models.core import Installation
    from rcdesk.services.reference import ReferenceService

    name, person, entity = clean(answers.installation_name), clean(answers.person), clean(answers.entity)
    if answers.role not in ROLES:
        raise UserError("Elija si esta instalación es de un técnico de campo o de la sede central.")
    if not name:
        raise UserError("Escriba un nombre para esta instalación (por ejemplo «Técnico cantón Guamote»).")
    if not entity:
        raise UserError("Escriba el nombre de la entidad (por ejemplo «GAD Municipal de Guamote»).")
    if answers.country not in COUNTRIES:
        raise UserError("Elija el país de la entidad: Ecuador o Colombia.")
    institution = ReferenceService(db).find_or_create_institution(entity, answers.country)
    with db.begin(stamp="off") as s:
        me = s.scalars(select(Installation).where(Installation.is_self.is_(True))).one()
        me.name, me.role = name[:200], answers.role
        _store(
            s,
            {
                "person": person,
                "institution_id": institution.institution_id,
                "territory_ids": list(answers.territory_ids),
                "confirmed_at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
        )
    db.installation_name, db.role = name[:200], answers.role
    return {"installation": db.installation_name, "role": db.role, "institution_id": institution.institution_id}
