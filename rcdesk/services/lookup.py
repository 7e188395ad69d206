"""Find a record from what a user typed on the command line: a full id, or a prefix of at
least six characters that matches exactly one live record."""

from __future__ import annotations

from sqlalchemy import select

from rcdesk.errors import NotFound, UserError
from rcdesk.text import clean

MIN_PREFIX = 6


def resolve_record_id(db, model, text: str, noun: str, *, hint: str = "") -> str:
    """Id of the live `model` row named by `text`; `noun` reads like «la actividad»."""
    text = clean(text)
    with db.session() as s:
        row = s.get(model, text)
        if row is not None and not row.deleted:
            return row.id
        if len(text) >= MIN_PREFIX:
            ids = s.scalars(select(model.id).where(model.id.like(f"{text}%"), model.deleted.is_(False)).limit(11)).all()
            if len(ids) == 1:
                return ids[0]
            if len(ids) > 1:
                raise UserError(
                    f"«{text}» coincide con {len(ids) if len(ids) <= 10 else 'más de 10'} "
                    "registros; escriba más caracteres del identificador."
                )
    raise NotFound(f"No existe {noun} «{text}».{(' ' + hint) if hint else ''}")
