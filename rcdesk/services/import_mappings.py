"""Confirmed column mappings, remembered per header signature and offered again next time."""

from __future__ import annotations

import json

from sqlalchemy import delete, insert, select

from rcdesk.db.database import Database
from rcdesk.ids import utcnow
from rcdesk.models.core import ImportMapping


class ImportMappings:
    def __init__(self, db: Database) -> None:
        self.db = db

    def remembered(self, kind: str, signature: str) -> dict | None:
        """The profile document confirmed last time for these headers, if any."""
        with self.db.connect(write=False) as conn:
            text = conn.scalar(
                select(ImportMapping.mapping).where(ImportMapping.kind == kind, ImportMapping.signature == signature)
            )
        if not text:
            return None
        try:
            doc = json.loads(text)
        except json.JSONDecodeError:
            return None
        return doc if isinstance(doc, dict) else None

    def remember(self, kind: str, signature: str, doc: dict) -> None:
        with self.db.connect() as conn:
            conn.execute(delete(ImportMapping).where(ImportMapping.kind == kind, ImportMapping.signature == signature))
            conn.execute(
                insert(ImportMapping).values(
                    kind=kind,
                    signature=signature,
                    name=str(doc.get("nombre", ""))[:200],
                    mapping=json.dumps(doc, ensure_ascii=False),
                    updated_at=utcnow(),
                )
            )

    def forget(self, kind: str, signature: str) -> bool:
        with self.db.connect() as conn:
            return bool(
                conn.execute(
                    delete(ImportMapping).where(ImportMapping.kind == kind, ImportMapping.signature == signature)
                ).rowcount
            )
