"""Evidence files every operator of a server database can open (table `evidence_blob`, rev. 0014).

The content store (`paths.evidence/<aa>/<sha256><.ext>`) is a folder on one desktop. On SQLite
that is the whole story. On a server, several desktops share one database, so a file stored at
one desktop is also uploaded here (`upload`, once per SHA-256, in its own short transaction: the
store is content-addressed and an unused copy is harmless), and a desktop that lacks a file
fetches it into its own store the first time it is needed (`fetch`), checking its hash.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any


def _on_server(db: Any) -> bool:
    return bool(getattr(db, "is_server", False))


def upload(db: Any, path: Path) -> None:
    """Keep the stored file `path` (named `<sha256><.ext>`) in the server database too."""
    if not _on_server(db):
        return
    from sqlalchemy import select

    from rcdesk.db.portable import upsert_insert
    from rcdesk.models.followup import EvidenceBlob

    sha = path.name[:64].lower()
    t = EvidenceBlob.__table__
    with db.connect() as conn:
        if conn.execute(select(t.c.sha256).where(t.c.sha256 == sha)).first() is not None:
            return
        data = path.read_bytes()
        conn.execute(
            upsert_insert(conn, t)
            .values(sha256=sha, filename=path.name[:300], size=len(data), data=data)
            .on_conflict_do_nothing(index_elements=[t.c.sha256])
        )


def fetch(db: Any, sha: str) -> Path | None:
    """The file `sha` from the server database into this desktop's store; None when it has none."""
    if not _on_server(db) or db.paths is None or len(sha) != 64:
        return None
    from sqlalchemy import select

    from rcdesk.models.followup import EvidenceBlob

    t = EvidenceBlob.__table__
    with db.connect(write=False) as conn:
        row = conn.execute(select(t.c.filename, t.c.data).where(t.c.sha256 == sha.lower())).first()
    if row is None:
        return None
    name, data = row[0], bytes(row[1])
    if hashlib.sha256(data).hexdigest() != sha.lower() or "/" in name or "\\" in name or not name.startswith(sha):
        return None  # never write what does not match its name
    dest = db.paths.evidence / sha[:2] / name
    from rcdesk.reports.output import write_bytes

    return write_bytes(dest, data)
