"""What importing a package did: per-kind counts, one report per package, the whole run.

The same shapes serve field packages, base packages and receipts, the command line's JSON
and text output, and the sync page's tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rcdesk.sync.tables import label

ST_DONE = "consolidado"
ST_IMPORTED = "importado"
ST_REJECTED = "rechazado"
ST_QUARANTINE = "en cuarentena"
STATUS_LABELS = {
    ST_DONE: "Consolidado",
    ST_IMPORTED: "Importado",
    ST_REJECTED: "Rechazado",
    ST_QUARANTINE: "En cuarentena",
}


class Quarantine(Exception):
    """The package cannot go in yet (unknown author, missing packages); it waits in the quarantine folder."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class KindCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    rejected: int = 0

    def add(self, other: KindCounts) -> None:
        for k in self.__dataclass_fields__:
            setattr(self, k, getattr(self, k) + getattr(other, k))

    def as_json(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class PackageReport:
    file: str
    kind: str = ""
    status: str = ST_REJECTED
    message: str = ""
    installation_id: str | None = None
    installation_name: str = ""
    seq: int | None = None
    sha256: str = ""
    kinds: dict[str, KindCounts] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    def counts(self, kind: str) -> KindCounts:
        return self.kinds.setdefault(kind, KindCounts())

    def total(self) -> KindCounts:
        t = KindCounts()
        for c in self.kinds.values():
            t.add(c)
        return t

    def as_json(self) -> dict:
        return {
            "file": self.file,
            "kind": self.kind,
            "status": self.status,
            "message": self.message,
            "installation_id": self.installation_id,
            "installation_name": self.installation_name,
            "seq": self.seq,
            "sha256": self.sha256,
            "warnings": self.warnings,
            "details": self.details,
            "kinds": {k: v.as_json() for k, v in self.kinds.items()},
        }


@dataclass
class ImportResult:
    packages: list[PackageReport] = field(default_factory=list)

    def total(self) -> KindCounts:
        t = KindCounts()
        for p in self.packages:
            t.add(p.total())
        return t

    @property
    def rejected(self) -> list[PackageReport]:
        return [p for p in self.packages if p.status == ST_REJECTED]

    @property
    def quarantined(self) -> list[PackageReport]:
        return [p for p in self.packages if p.status == ST_QUARANTINE]

    def by_kind(self) -> dict[str, KindCounts]:
        out: dict[str, KindCounts] = {}
        for p in self.packages:
            for k, c in p.kinds.items():
                out.setdefault(k, KindCounts()).add(c)
        return out

    def as_json(self) -> dict:
        t = self.total()
        return {
            "packages": len([p for p in self.packages if p.status in (ST_DONE, ST_IMPORTED)]),
            "inserted": t.inserted,
            "updated": t.updated,
            "unchanged": t.unchanged,
            "conflicts": t.conflicts,
            "rejected": [{"file": p.file, "reason": p.message} for p in self.rejected],
            "quarantined": [{"file": p.file, "reason": p.message} for p in self.quarantined],
            "rejected_records": t.rejected,
            "kinds": {k: v.as_json() for k, v in self.by_kind().items()},
            "warnings": [w for p in self.packages for w in p.warnings],
            "reports": [p.as_json() for p in self.packages],
        }

    def text(self) -> str:
        lines = []
        for p in self.packages:
            head = f"{p.file}: {STATUS_LABELS.get(p.status, p.status)}"
            if p.installation_name:
                head += f" — {p.installation_name}" + (f", paquete n.º {p.seq}" if p.seq else "")
            lines.append(head)
            if p.message and p.status != ST_DONE:
                lines.append(f"  {p.message}")
            for d in p.details[:20]:
                lines.append(f"    - {d}")
            for k, c in p.kinds.items():
                if p.status in (ST_DONE, ST_IMPORTED):
                    lines.append(
                        f"  {label(k)}: {c.inserted} nuevos, {c.updated} actualizados, "
                        f"{c.unchanged} sin cambios, {c.conflicts} en conflicto, {c.rejected} rechazados"
                    )
            for w in p.warnings:
                lines.append(f"  Aviso: {w}")
        t = self.total()
        lines.append(
            f"Total: {t.inserted} nuevos, {t.updated} actualizados, {t.unchanged} sin cambios, "
            f"{t.conflicts} en conflicto; {len(self.rejected)} paquete(s) rechazado(s), "
            f"{len(self.quarantined)} en cuarentena."
        )
        return "\n".join(lines)
