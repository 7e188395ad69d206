"""Importing packages: the batch driver over field packages, base packages and receipts.

Every file is opened and verified first (`package.open_package`); then the packages are
imported base first, field next, receipts last, each author's in sequence order, one
transaction per package (`field_import`, `base_package`, `receipt`; on SQLite consecutive
packages share one transaction, each in its own savepoint: `write_group`). A bad package is
reported and does not stop the others; a package that cannot go in yet waits in
quarantine and is tried again after any package went in.

The pieces live in their own modules: `verify` (reading and validating records),
`conflict_rules` (what an incoming copy does to the local one), `apply` (bulk writes and
change numbers), `evidence_files`, `import_report` (what came of it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from rcdesk.db.migrate import head_version
from rcdesk.errors import UserError
from rcdesk.jobs import NEVER_CANCELLED, CancelToken, ProgressFn, no_progress
from rcdesk.sync import base_package, peers, receipt
from rcdesk.sync.field_import import consolidate_package, read_early
from rcdesk.sync.import_report import (
    ST_DONE,
    ST_IMPORTED,
    ST_QUARANTINE,
    ST_REJECTED,
    STATUS_LABELS,
    ImportResult,
    KindCounts,
    PackageReport,
    Quarantine,
)
from rcdesk.sync.keys import KeyRing
from rcdesk.sync.package import EXTENSION, KINDS, OpenedPackage, open_package
from rcdesk.sync.streamed import stop_early
from rcdesk.sync.write_group import WriteGroup

# What callers of the batch import see (the command line, the sync service and page).
__all__ = [
    "STATUS_LABELS",
    "ST_DONE",
    "ST_IMPORTED",
    "ST_QUARANTINE",
    "ST_REJECTED",
    "ImportResult",
    "KindCounts",
    "PackageReport",
    "Quarantine",
    "consolidate_package",
    "expand",
    "import_files",
    "retry_quarantined",
]


# -- batch driver -----------------------------------------------------------------------
def expand(files: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for f in files:
        f = Path(f)
        if f.is_dir():
            out.extend(sorted(p for p in f.iterdir() if p.is_file() and p.suffix.lower() in (EXTENSION, ".zip")))
        else:
            out.append(f)
    if not out:
        raise UserError("No se encontró ningún paquete (.rcpaq) para importar.")
    return out


_KIND_ORDER = {"base": 0, "field": 1, "receipt": 2}


def import_files(
    db,
    files: Iterable[Path],
    *,
    kinds: tuple[str, ...] = ("field", "base", "receipt"),
    progress: ProgressFn = no_progress,
    cancel: CancelToken = NEVER_CANCELLED,
    retry_quarantine: bool = True,
) -> ImportResult:
    """Import packages (files or folders). Each package is one transaction (on SQLite one
    savepoint of a group, `write_group`); a bad package is reported and does not stop the others."""
    result = ImportResult()
    opened: list[OpenedPackage] = []
    paths = expand(files)
    for i, p in enumerate(paths):
        cancel.check()
        progress(i, len(paths), f"Verificando {p.name}")
        try:
            pkg = open_package(p, schema_version=head_version())
        except UserError as exc:
            result.packages.append(
                PackageReport(file=p.name, status=ST_REJECTED, message=exc.message, details=exc.details)
            )
            continue
        if pkg.kind not in kinds:
            result.packages.append(
                PackageReport(
                    file=p.name,
                    kind=pkg.kind,
                    status=ST_REJECTED,
                    message=f"«{p.name}» es un {_kind_label(pkg.kind)}, no un {' ni un '.join(_kind_label(k) for k in kinds)}.",
                )
            )
            pkg.close()
            continue
        opened.append(pkg)
    opened.sort(key=lambda k: (_KIND_ORDER.get(k.kind, 9), k.author["id"], k.manifest["seq"]))
    try:
        with WriteGroup(db) as group:
            for i, pkg in enumerate(opened):
                cancel.check()
                progress(i, len(opened), f"Importando {pkg.file_name}")
                # on a server the next package is read while this one's commit runs
                after = partial(read_early, db, opened[i + 1]) if i + 1 < len(opened) else None
                rep = _import_one(group.db(), pkg, progress=progress, cancel=cancel, records_applied=after)
                result.packages.append(rep)
                group.done()
    finally:
        for pkg in opened:
            stop_early(pkg)
            pkg.close()
    if retry_quarantine and any(p.status == ST_DONE for p in result.packages):
        result.packages.extend(retry_quarantined(db, progress=progress, cancel=cancel).packages)
    return result


def _kind_label(kind: str) -> str:
    return KINDS.get(kind, kind)


def _import_one(
    db,
    pkg: OpenedPackage,
    *,
    progress: ProgressFn,
    cancel: CancelToken,
    from_quarantine: bool = False,
    records_applied: Callable[[KeyRing], None] | None = None,
) -> PackageReport:
    try:
        if pkg.kind == "field":
            rep = consolidate_package(db, pkg, progress=progress, cancel=cancel, records_applied=records_applied)
        elif pkg.kind == "base":
            rep = base_package.import_base(db, pkg, progress=progress, cancel=cancel)
        else:
            rep = receipt.import_receipt(db, pkg)
        if from_quarantine:
            peers.release_from_quarantine(db, pkg.sha256)
        return rep
    except Quarantine as q:
        if not from_quarantine:
            peers.put_in_quarantine(db, pkg, q.reason)
        rep = PackageReport(
            file=pkg.file_name,
            kind=pkg.kind,
            status=ST_QUARANTINE,
            message=q.reason,
            installation_id=pkg.author["id"],
            installation_name=pkg.author.get("name", ""),
            seq=pkg.manifest.get("seq"),
            sha256=pkg.sha256,
        )
        return rep
    except UserError as exc:
        rep = PackageReport(
            file=pkg.file_name,
            kind=pkg.kind,
            status=ST_REJECTED,
            message=exc.message,
            details=exc.details,
            installation_id=pkg.author["id"],
            installation_name=pkg.author.get("name", ""),
            seq=pkg.manifest.get("seq"),
            sha256=pkg.sha256,
        )
        for name, spec in (pkg.manifest.get("tables") or {}).items():
            if isinstance(spec, dict):
                rep.counts(name).rejected = int(spec.get("count", 0) or 0)
        if from_quarantine:  # refused for good: reported now, no longer waiting
            peers.release_from_quarantine(db, pkg.sha256)
        return rep


def retry_quarantined(db, *, progress: ProgressFn = no_progress, cancel: CancelToken = NEVER_CANCELLED) -> ImportResult:
    """Try again every package waiting in quarantine (after trusting an installation or
    after the missing packages arrived); the ones that still cannot go in stay there."""
    result = ImportResult()
    waiting = peers.quarantined(db)
    pkgs = []
    for q in waiting:
        try:
            pkg = open_package(Path(q["path"]), schema_version=head_version())
            pkg.display_name = q.get("file") or None
            pkgs.append(pkg)
        except UserError:
            continue
    pkgs.sort(key=lambda k: (k.author["id"], k.manifest["seq"]))
    progressed = True
    try:
        while progressed and pkgs:
            progressed = False
            for pkg in list(pkgs):
                cancel.check()
                rep = _import_one(db, pkg, progress=progress, cancel=cancel, from_quarantine=True)
                if rep.status != ST_QUARANTINE:
                    result.packages.append(rep)
                    pkgs.remove(pkg)
                    pkg.close()
                    progressed = progressed or rep.status == ST_DONE
    finally:
        for pkg in pkgs:
            pkg.close()
    return result
